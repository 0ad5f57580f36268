//! Reading JSON arguments (IPC commands, CLI input) into typed requests, with the failing field
//! named in Chinese. Decimals cross as strings only (`"1500000.00"`): rust_decimal's `serde-str`
//! feature makes a JSON number a type error, and this module words it as
//! 「total_price」应为数字文本（如 "1500000.00"），不能是数值 with `field = "total_price"`.
//!
//! The field is the path inside the argument (`total_price`, `parties[1].share`,
//! `readings[0].reading`), the same names the forms use for their inputs; when the argument as a
//! whole is wrong (missing, not an object), the argument's own name.

use crate::{AppError, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;
use std::borrow::Cow;

/// Deserialize `value` into `T`. `root` names the argument (used when the path inside is empty).
///
/// A text value that fails as typed (a decimal, a date, a choice) is read once more the way an
/// input method means it: full-width digits and punctuation folded to ASCII (`"８９．５０"`,
/// `"２０２５－０３－０１"`), and for a decimal, `。` as the point and thousands separators dropped
/// ([`crate::amount::number_text`]). Text that reads the same either way is refused as it is.
///
/// Errors: `Invalid` naming the field, with a Chinese message.
pub fn from_value<T: DeserializeOwned>(value: &Value, root: &str) -> Result<T> {
    let mut value = Cow::Borrowed(value);
    let mut rereads = 0;
    loop {
        let e = match serde_path_to_error::deserialize::<_, T>(value.as_ref()) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        let message = e.inner().to_string();
        let steps = failing_steps(&value, e.path().iter().filter_map(Step::of).collect(), &message);
        if rereads < MAX_REREADS {
            if let Some(text) = reread(&value, &steps, &message) {
                if let Some(slot) = steps.iter().try_fold(value.to_mut(), |v, s| s.get_mut(v)) {
                    // The new text reads the same when re-read, so no value is rewritten twice.
                    *slot = Value::String(text);
                    rereads += 1;
                    continue;
                }
            }
        }
        return Err(refusal(steps, &message, root));
    }
}

/// How many text values one argument may have re-read ([`from_value`]).
const MAX_REREADS: usize = 64;

/// The text at `steps` as an input method means it, when that differs from the text itself.
fn reread(value: &Value, steps: &[Step], message: &str) -> Option<String> {
    let node = steps.iter().try_fold(value, |v, s| s.get(v))?;
    let text = node.as_str()?;
    let folded = if message.contains("expected a Decimal") {
        crate::amount::number_text(text)?
    } else {
        crate::text::fold(text).trim().to_string()
    };
    (folded != text).then_some(folded)
}

/// Parse JSON text and deserialize it as [`from_value`] does.
///
/// Errors: `Invalid` naming `root` when the text is not JSON; otherwise as [`from_value`].
pub fn from_str<T: DeserializeOwned>(text: &str, root: &str) -> Result<T> {
    let value: Value = serde_json::from_str(text).map_err(|e| AppError::invalid(root, format!("「{root}」不是有效的 JSON：{e}")))?;
    from_value(&value, root)
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    fn of(s: &Segment) -> Option<Step> {
        match s {
            Segment::Map { key } => Some(Step::Key(key.clone())),
            // An externally tagged enum's variant is the key of its object.
            Segment::Enum { variant } => Some(Step::Key(variant.clone())),
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Unknown => None,
        }
    }

    fn get<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        match self {
            Step::Key(k) => v.get(k),
            Step::Index(i) => v.get(i),
        }
    }

    fn get_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        match self {
            Step::Key(k) => v.get_mut(k),
            Step::Index(i) => v.get_mut(i),
        }
    }
}

/// `total_price`, `parties[1].share`.
fn path_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The path to the value serde refused: `steps` as serde reports them, extended below an
/// internally tagged enum (whose content is buffered, so the path stops at the enum) to the leaf
/// serde names, and by a missing field's name.
fn failing_steps(value: &Value, mut steps: Vec<Step>, message: &str) -> Vec<Step> {
    // "invalid type: integer `12`, expected a Decimal type representing a fixed-point number",
    // "invalid value: string \"abc\", expected a Decimal …"
    if let Some((shown, _)) = found(message) {
        let mut node = Some(value);
        for s in &steps {
            node = node.and_then(|n| s.get(n));
        }
        if let Some(n) = node.filter(|n| n.is_object() || n.is_array()) {
            if let Some(rest) = find_leaf(n, shown) {
                steps.extend(rest);
            }
        }
    }
    if let Some(f) = missing(message) {
        steps.push(Step::Key(f));
    }
    steps
}

/// What serde found and what it expected, from "invalid type: …, expected …".
fn found(message: &str) -> Option<(&str, &str)> {
    message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|rest| rest.split_once(", expected "))
}

fn missing(message: &str) -> Option<String> {
    message
        .strip_prefix("missing field `")
        .and_then(|m| m.split_once('`'))
        .map(|(f, _)| f.to_string())
}

/// The Chinese refusal for a serde message at `steps` (from [`failing_steps`]).
fn refusal(steps: Vec<Step>, message: &str, root: &str) -> AppError {
    let found = found(message);
    let number = found.filter(|(shown, _)| {
        message.starts_with("invalid type: ") && (shown.starts_with("integer `") || shown.starts_with("floating point `"))
    });
    let missing = missing(message);
    let field = match path_text(&steps) {
        p if p.is_empty() => root.to_string(),
        p => p,
    };
    let text = if let Some((_, expected)) = number {
        if expected.starts_with("a Decimal") {
            format!("「{field}」应为数字文本（如 \"1500000.00\"），不能是数值")
        } else if expected.starts_with("a string") || expected.contains("date") {
            format!("「{field}」应为文本，不能是数值")
        } else {
            format!("「{field}」的类型不对")
        }
    } else if missing.is_some() {
        format!("缺少「{field}」")
    } else if message.contains("expected a Decimal") {
        format!("「{field}」应为数字文本（如 \"1500000.00\"）")
    } else if let Some(v) = message.strip_prefix("unknown variant `").and_then(|m| m.split_once('`')) {
        format!("「{field}」的取值「{}」无效", v.0)
    } else if message.starts_with("unknown field `") {
        format!("「{field}」不是可识别的字段")
    } else if message.starts_with("invalid type: ") || message.starts_with("invalid length ") {
        format!("「{field}」的类型不对")
    } else if !message.is_ascii() {
        // A message already written in Chinese (e.g. a quoted decimal that does not parse).
        format!("「{field}」：{message}")
    } else {
        format!("「{field}」的值无效")
    };
    AppError::invalid(field, text)
}

/// The path to the first leaf under `v` that serde prints as `found` (``integer `12` ``,
/// `string "abc"`).
fn find_leaf(v: &Value, found: &str) -> Option<Vec<Step>> {
    use serde::de::Unexpected;
    match v {
        Value::String(s) => (Unexpected::Str(s).to_string() == found).then(Vec::new),
        Value::Bool(b) => (Unexpected::Bool(*b).to_string() == found).then(Vec::new),
        Value::Number(n) => {
            let shown = if let Some(i) = n.as_i64() {
                Unexpected::Signed(i).to_string()
            } else if let Some(u) = n.as_u64() {
                Unexpected::Unsigned(u).to_string()
            } else {
                n.as_f64().map(|f| Unexpected::Float(f).to_string()).unwrap_or_default()
            };
            (shown == found).then(Vec::new)
        }
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            find_leaf(x, found).map(|mut rest| {
                rest.insert(0, Step::Key(k.clone()));
                rest
            })
        }),
        Value::Array(a) => a.iter().enumerate().find_map(|(i, x)| {
            find_leaf(x, found).map(|mut rest| {
                rest.insert(0, Step::Index(i));
                rest
            })
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::move_in::StepData;
    use crate::ErrorCode;
    use rust_decimal::Decimal;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Edit {
        #[allow(dead_code)]
        id: i64,
        total_price: Decimal,
        #[allow(dead_code)]
        shares: Vec<Decimal>,
    }

    #[test]
    fn a_json_number_for_a_decimal_is_refused_naming_the_field() {
        let e = from_value::<Edit>(&json!({ "id": 1, "total_price": 1500000, "shares": [] }), "edit").expect_err("number");
        assert_eq!(e.code, ErrorCode::Invalid);
        assert_eq!(e.field.as_deref(), Some("total_price"));
        assert_eq!(e.message, "「total_price」应为数字文本（如 \"1500000.00\"），不能是数值");
        let e = from_value::<Edit>(&json!({ "id": 1, "total_price": "1.00", "shares": ["50", 50.5] }), "edit").expect_err("float");
        assert_eq!(e.field.as_deref(), Some("shares[1]"));
        let ok = from_value::<Edit>(&json!({ "id": 1, "total_price": "1500000.00", "shares": ["100"] }), "edit").expect("string");
        assert_eq!(ok.total_price, Decimal::new(150_000_000, 2));
    }

    #[test]
    fn numbers_inside_tagged_steps_are_found_and_named() {
        let data = json!({ "kind": "meters", "readings": [
            { "kind": "water", "number": "S1", "reading": "12.5" },
            { "kind": "electricity", "number": "D1", "reading": 30.5 } ] });
        let e = from_value::<StepData>(&data, "data").expect_err("number");
        assert_eq!(e.field.as_deref(), Some("readings[1].reading"), "{e:?}");
        assert!(e.message.contains("不能是数值"), "{}", e.message);
        let paid = json!({ "kind": "fees", "items": [{ "name": "物业费", "amount": 940, "receipt": "R1" }] });
        let e = from_value::<StepData>(&paid, "data").expect_err("number");
        assert_eq!(e.field.as_deref(), Some("items[0].amount"));
        let bad = json!({ "kind": "meters", "readings": [{ "kind": "water", "number": "S1", "reading": "abc" }] });
        let e = from_value::<StepData>(&bad, "data").expect_err("not a decimal");
        assert_eq!(e.field.as_deref(), Some("readings[0].reading"), "{e:?}");
        let paid = json!({ "kind": "fees", "items": [{ "name": "物业费", "amount": "940.28", "receipt": "R1" }] });
        assert!(from_value::<StepData>(&paid, "data").is_ok());
    }

    #[test]
    fn other_shapes_are_worded_too() {
        let e = from_value::<Edit>(&json!({ "id": 1, "shares": [] }), "edit").expect_err("missing");
        assert_eq!(
            (e.field.as_deref(), e.message.as_str()),
            (Some("total_price"), "缺少「total_price」")
        );
        let e = from_value::<Edit>(&json!({ "id": 1, "total_price": "abc", "shares": [] }), "edit").expect_err("text");
        assert_eq!(e.field.as_deref(), Some("total_price"));
        assert!(e.message.contains("应为数字文本"), "{}", e.message);
        let e = from_value::<Edit>(&json!("nothing"), "edit").expect_err("not an object");
        assert_eq!(e.field.as_deref(), Some("edit"));
        let e = from_value::<StepData>(&json!({ "kind": "dance" }), "data").expect_err("variant");
        assert!(e.message.contains("「dance」无效"), "{}", e.message);
        let e = from_str::<Edit>("{", "edit").expect_err("not json");
        assert_eq!(e.field.as_deref(), Some("edit"));
    }

    #[derive(Debug, Deserialize)]
    struct Dated {
        on: chrono::NaiveDate,
        #[allow(dead_code)]
        note: String,
    }

    #[test]
    fn full_width_decimals_and_dates_are_read_as_meant() {
        let ok = from_value::<Edit>(
            &json!({ "id": 1, "total_price": "１，５００，０００．００", "shares": ["５０", "49。5", " 0.5 "] }),
            "edit",
        )
        .expect("re-read");
        assert_eq!(ok.total_price, Decimal::new(150_000_000, 2));
        assert_eq!(ok.shares, vec![Decimal::from(50), Decimal::new(495, 1), Decimal::new(5, 1)]);
        let d = from_value::<Dated>(&json!({ "on": "２０２５－０３－０１", "note": "８９．５０" }), "d").expect("date");
        assert_eq!(d.on, chrono::NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"));
        // Text that reads the same after folding is refused as before, naming the field.
        let e = from_value::<Edit>(&json!({ "id": 1, "total_price": "89,50", "shares": [] }), "edit").expect_err("separator");
        assert_eq!(e.field.as_deref(), Some("total_price"));
        let e = from_value::<Dated>(&json!({ "on": "２０２５年", "note": "" }), "d").expect_err("not a date");
        assert_eq!(e.field.as_deref(), Some("on"));
        // Inside an internally tagged step too.
        let paid = json!({ "kind": "fees", "items": [{ "name": "物业费", "amount": "９４０．２８", "receipt": "R1" }] });
        assert!(from_value::<StepData>(&paid, "data").is_ok());
        // Many values to re-read: each once, and the rest refused without looping.
        let many: Vec<String> = (0..200).map(|_| "１".to_string()).collect();
        let e = from_value::<Edit>(&json!({ "id": 1, "total_price": "1", "shares": many }), "edit").expect_err("too many");
        assert_eq!(e.field.as_deref(), Some(format!("shares[{MAX_REREADS}]").as_str()));
    }
}
