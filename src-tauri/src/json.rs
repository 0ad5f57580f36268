//! Command arguments read through [`domain::decode`], so a malformed one is refused with a typed
//! `AppError { code: "invalid", field, message }` naming the field in Chinese — a JSON number for
//! a decimal gives 「total_price」应为数字文本（如 "1500000.00"），不能是数值 — instead of Tauri's
//! plain "invalid args `edit` for command `update_contract`: …" text.

use serde::de::DeserializeOwned;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};
use tauri::Runtime;

/// One command argument, deserialized with its failing field named. Use it for every structured
/// argument (requests, inputs, edits, step data); plain ids, flags and strings need no wrapper.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, T: DeserializeOwned, R: Runtime> CommandArg<'de, R> for Json<T> {
    fn from_command(c: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let null = serde_json::Value::Null;
        let value = match c.message.payload() {
            InvokeBody::Json(v) => v.get(c.key),
            InvokeBody::Raw(_) => None,
        };
        match domain::decode::from_value(value.unwrap_or(&null), c.key) {
            Ok(v) => Ok(Json(v)),
            Err(_) if value.is_none() => Err(InvokeError::from(domain::AppError::invalid(c.key, format!("缺少「{}」", c.key)))),
            Err(e) => Err(InvokeError::from(e)),
        }
    }
}
