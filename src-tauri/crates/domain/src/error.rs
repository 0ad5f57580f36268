//! The one error type that crosses every boundary (IPC, CLI) as `{ code, message, field? }`.

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure this is; the UI branches on this, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Bad input; `field` names the offending field.
    Invalid,
    NotFound,
    /// The write would break a rule about other records (duplicate, live contract exists...).
    Conflict,
    /// The signed-in role may not do this.
    Forbidden,
    /// Nobody is signed in.
    Unauthenticated,
    /// Wrong user name or password.
    BadCredentials,
    /// First start: an administrator must be created before anything else.
    SetupRequired,
    /// The record changed since it was loaded (optimistic concurrency).
    Stale,
    /// An import file was refused; the row-level problems come with it.
    ImportRejected,
    /// A file could not be read or written.
    Io,
    /// The database failed.
    Storage,
    /// A bug: it should never happen, and is reported instead of panicking.
    Internal,
}

/// A failure the user can read (Chinese message) and the UI can act on (code, field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }
    /// Bad input in `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Invalid,
            message: message.into(),
            field: Some(field.into()),
        }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, format!("{}不存在", what.into()))
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    pub fn conflict_on(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Conflict,
            message: message.into(),
            field: Some(field.into()),
        }
    }
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "当前角色无权执行此操作")
    }
    pub fn stale(what: &str) -> Self {
        Self::new(ErrorCode::Stale, format!("{what}已被他人修改，请刷新后重试"))
    }
    pub fn storage(detail: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Storage, format!("数据库操作失败：{detail}"))
    }
    pub fn io(detail: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Io, format!("文件读写失败：{detail}"))
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal, format!("内部错误：{detail}"))
    }
    /// Prefix the field with a path, e.g. `buyers[1]` + `id_number` → `buyers[1].id_number`.
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = Some(match self.field {
            Some(f) => format!("{prefix}.{f}"),
            None => prefix.to_string(),
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_message_field() {
        let e = AppError::invalid("gross_area", "建筑面积必须大于 0");
        let json = serde_json::to_value(&e).expect("serialize");
        assert_eq!(json["code"], "invalid");
        assert_eq!(json["message"], "建筑面积必须大于 0");
        assert_eq!(json["field"], "gross_area");
        let none = serde_json::to_value(AppError::forbidden()).expect("serialize");
        assert!(none.get("field").is_none());
    }

    #[test]
    fn within_prefixes_field() {
        let e = AppError::invalid("id_number", "x").within("buyers[1]");
        assert_eq!(e.field.as_deref(), Some("buyers[1].id_number"));
    }
}
