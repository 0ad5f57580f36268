//! The one error shape, and printing results.
//!
//! With `--json` an error is `{"error":{"code","message","field"}}` on stdout (field omitted when
//! there is none); without it, the Chinese message (and the field) on stderr. Either way exit 1.

/// `println!` for results: a reader that stops early (`handover … | head`) ends the command
/// quietly (exit 0, as other command-line tools do); stdout that cannot be written (a full disk)
/// is an error on stderr and exit 1 — never a panic.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::output::write_line(format_args!($($t)*))
    };
}

use domain::AppError;
use serde::Serialize;
use std::process::ExitCode;

/// A failure as the CLI reports it: the services' `AppError`, or the fee engine's error (whose
/// codes — `unknown_region`, `no_rule_in_force`, … — scripts already read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let code = serde_json::to_value(e.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "internal".into());
        Failure {
            code,
            message: e.message,
            field: e.field.filter(|f| !f.is_empty()),
        }
    }
}

impl From<::fees::FeeError> for Failure {
    fn from(e: ::fees::FeeError) -> Self {
        let body = e.body();
        Failure {
            code: body.code.to_string(),
            message: body.message,
            field: body.field.filter(|f| !f.is_empty()),
        }
    }
}

/// `{"error":{…}}` with `--json`, else the message on stderr. Always exit 1.
pub fn fail(json: bool, e: &Failure) -> ExitCode {
    println_or_eprint(json, &render(json, e));
    ExitCode::FAILURE
}

fn println_or_eprint(json: bool, text: &str) {
    if json {
        out!("{text}");
    } else {
        eprintln!("{text}");
    }
}

pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_fmt(args).and_then(|_| o.write_all(b"\n")) {
        stdout_failed(&e);
    }
}

fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("错误：无法写出结果：{e}");
    std::process::exit(1)
}

/// The error as printed: one JSON line, or `错误：message（字段：field）`.
pub fn render(json: bool, e: &Failure) -> String {
    if json {
        #[derive(Serialize)]
        struct Shape<'a> {
            error: &'a Failure,
        }
        serde_json::to_string(&Shape { error: e }).unwrap_or_else(|_| r#"{"error":{"code":"internal","message":"内部错误"}}"#.into())
    } else {
        format!(
            "错误：{}{}",
            e.message,
            e.field.as_ref().map(|f| format!("（字段：{f}）")).unwrap_or_default()
        )
    }
}

/// A result as pretty JSON on stdout.
pub fn print_json<T: Serialize>(v: &T) -> Result<(), Failure> {
    out!("{}", serde_json::to_string_pretty(v).map_err(AppError::internal)?);
    Ok(())
}

/// Write a file whole (see [`services::write_file`]).
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<bool, Failure> {
    services::write_file(path, bytes)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_errors_keep_code_message_and_field() {
        let f = Failure::from(AppError::invalid("status", "“x”无效"));
        assert_eq!(
            render(true, &f),
            r#"{"error":{"code":"invalid","message":"“x”无效","field":"status"}}"#
        );
        assert_eq!(render(false, &f), "错误：“x”无效（字段：status）");
        let none = Failure::from(AppError::not_found("批次"));
        assert_eq!(render(true, &none), r#"{"error":{"code":"not_found","message":"批次不存在"}}"#);
        assert_eq!(render(false, &none), "错误：批次不存在");
    }

    #[test]
    fn fee_errors_keep_their_codes_and_drop_an_empty_field() {
        let f = Failure::from(::fees::FeeError::UnknownRegion {
            region: "atlantis".into(),
            known: "national".into(),
        });
        assert_eq!((f.code.as_str(), f.field.as_deref()), ("unknown_region", Some("region")));
        let f = Failure::from(::fees::FeeError::invalid("", "请求不是有效的 JSON"));
        assert_eq!(f.field, None);
    }
}
