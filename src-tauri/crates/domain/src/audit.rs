//! The audit log's vocabulary: what was changed (the entity) and how (the action), each code with
//! its Chinese label. The UI's labels are generated from here into `bindings.ts`
//! (`AuditActionLabels`, `AuditEntityLabels`); a test checks that every code the store writes has one.

use crate::inspection::DefectAction;
use crate::model::code_enum;
use crate::move_in::KeyAction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

code_enum!(
    /// What an audit line is about (`audit_log.entity`).
    AuditEntity {
        Unit = "unit" / "房屋",
        Contract = "contract" / "合同",
        Buyer = "buyer" / "买受人",
        User = "user" / "用户",
        Import = "import" / "导入批次",
        Project = "project" / "项目",
        Batch = "batch" / "入伙批次",
        Key = "key" / "钥匙",
        Setting = "setting" / "设置",
        Inspection = "inspection" / "验房",
        InspectionTemplate = "inspection_template" / "检查表",
        Defect = "defect" / "整改单",
        FeeQuote = "fee_quote" / "税费测算",
        FeeRules = "fee_rules" / "收费规则",
        Export = "export" / "导出与打印",
        Backup = "backup" / "备份与恢复",
    }
);

code_enum!(
    /// What was done (`audit_log.action`). A key's and a defect's actions are their own enums'
    /// codes ([`KeyAction`], [`DefectAction`]) and labels; see [`action_label`].
    AuditAction {
        Create = "create" / "新建",
        Update = "update" / "修改",
        UpdateWithPassword = "update_with_password" / "修改（含密码）",
        Cancel = "cancel" / "解除",
        Import = "import" / "导入",
        UndoImport = "undo_import" / "撤销导入",
        Set = "set" / "修改设置",
        // Move-in
        Book = "book" / "预约",
        Rebook = "rebook" / "改约",
        Cancelled = "cancelled" / "取消预约",
        NoShow = "no_show" / "记为未到场",
        Arrive = "arrive" / "到场签到",
        NoticeDelivered = "notice_delivered" / "入伙通知书送达",
        MoveInStep = "move_in_step" / "办理步骤",
        MoveInStepUndone = "move_in_step_undone" / "撤销办理步骤",
        MoveInHold = "move_in_hold" / "暂缓交付",
        MoveInResume = "move_in_resume" / "恢复办理",
        MoveInConfig = "move_in_config" / "修改入伙办理设置",
        // Inspection
        InspectionStarted = "inspection_started" / "开始验房",
        Signed = "signed" / "业主签名",
        Completed = "completed" / "完成验房",
        // Sessions and data safety
        SignIn = "sign_in" / "登录",
        SignInFailed = "sign_in_failed" / "登录失败",
        SignInLocked = "sign_in_locked" / "登录锁定",
        SignOut = "sign_out" / "退出登录",
        PasswordChanged = "password_changed" / "修改本人密码",
        ExportFull = "export_full" / "导出（含完整个人信息）",
        PrintFull = "print_full" / "打印（含完整个人信息）",
        BackupMade = "backup_made" / "备份数据库",
        Restored = "restored" / "恢复数据库",
    }
);

/// The Chinese label of an action code, including key and defect actions.
pub fn action_label(code: &str) -> Option<&'static str> {
    action_labels().into_iter().find(|(c, _)| *c == code).map(|(_, l)| l)
}

/// The Chinese label of an entity code.
pub fn entity_label(code: &str) -> Option<&'static str> {
    AuditEntity::parse(code).map(AuditEntity::label)
}

/// Every action code with its label, in one table (for the UI's bindings).
pub fn action_labels() -> Vec<(&'static str, &'static str)> {
    let own = AuditAction::ALL.iter().map(|a| (a.as_str(), a.label()));
    let keys = KeyAction::ALL.iter().map(|a| (a.as_str(), a.label()));
    let defects = DefectAction::ALL.iter().map(|a| (a.as_str(), a.label()));
    own.chain(keys).chain(defects).collect()
}

/// Every entity code with its label.
pub fn entity_labels() -> Vec<(&'static str, &'static str)> {
    AuditEntity::ALL.iter().map(|e| (e.as_str(), e.label())).collect()
}

/// `export const <name>: Record<string, string> = { code: "label", … };` for `bindings.ts`.
pub fn ts_table(name: &str, pairs: &[(&str, &str)]) -> String {
    let body: Vec<String> = pairs.iter().map(|(c, l)| format!("{c}: \"{l}\"")).collect();
    format!("export const {name}: Record<string, string> = {{ {} }};", body.join(", "))
}

/// What `handover audit verify` and the audit view report: the audit log's hash chain walked
/// from its first sealed line to its head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChainReport {
    /// Sealed lines checked.
    pub lines: i64,
    /// Lines written before the chain began (by a version before it; not verifiable).
    pub before_chain: i64,
    /// The last line of the chain: its place, hash and time (note it down to detect a cut tail).
    pub head_seq: i64,
    pub head_hash: String,
    pub head_at: Option<String>,
    /// The first problems found (at most [`ChainReport::MAX_LISTED`]), and how many in all.
    pub problems: Vec<ChainProblem>,
    pub problem_count: i64,
}

/// One break in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainProblem {
    /// The line's fields no longer give its hash: edited outside the app.
    Altered { seq: i64, id: i64 },
    /// Places in the chain with no line: deleted outside the app.
    Missing { from_seq: i64, to_seq: i64 },
    /// A line that was never sealed, written after the chain began: inserted outside the app.
    Unsealed { id: i64 },
}

impl ChainReport {
    pub const MAX_LISTED: usize = 100;

    pub fn intact(&self) -> bool {
        self.problem_count == 0
    }

    /// One paragraph for an administrator.
    pub fn summary(&self) -> String {
        let mut s = if self.intact() {
            format!("审计日志完整：已校验 {} 条，哈希链未发现修改、删除或插入。", self.lines)
        } else {
            format!(
                "审计日志已被改动：已校验 {} 条，发现 {} 处问题（审计日志只能由本软件追加，数据库外的修改会被发现）。",
                self.lines, self.problem_count
            )
        };
        if self.before_chain > 0 {
            s.push_str(&format!("另有 {} 条写于启用哈希链之前，无法校验。", self.before_chain));
        }
        if self.head_seq > 0 {
            let short: String = self.head_hash.chars().take(16).collect();
            s.push_str(&format!(
                "链尾为第 {} 条（{}，哈希 {short}…），可记下以便日后核对末尾是否被截去。",
                self.head_seq,
                self.head_at.as_deref().unwrap_or("")
            ));
        }
        s
    }
}

impl ChainProblem {
    pub fn describe(&self) -> String {
        match self {
            ChainProblem::Altered { seq, id } => format!("第 {seq} 条（记录号 {id}）的内容已被修改"),
            ChainProblem::Missing { from_seq, to_seq } if from_seq == to_seq => format!("第 {from_seq} 条已被删除"),
            ChainProblem::Missing { from_seq, to_seq } => format!("第 {from_seq}–{to_seq} 条已被删除"),
            ChainProblem::Unsealed { id } => format!("记录号 {id} 不是本软件写入的（未入哈希链）"),
        }
    }
}

#[cfg(test)]
#[path = "audit_scan.rs"]
mod scan;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_codes_are_unique_and_labelled() {
        let all = action_labels();
        let mut codes: Vec<&str> = all.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "an action code is defined twice");
        assert_eq!(action_label("move_in_step"), Some("办理步骤"));
        assert_eq!(action_label("checked_out"), Some("借出"));
        assert_eq!(action_label("mark_fixed"), Some("整改完成"));
        assert_eq!(action_label("nonsense"), None);
        assert_eq!(entity_label("fee_quote"), Some("税费测算"));
        assert_eq!(entity_label("fee_rules"), Some("收费规则"));
        assert!(all.iter().all(|(_, l)| !l.is_empty() && !l.contains('"')));
    }

    #[test]
    fn the_typescript_table_is_an_object_literal() {
        let t = ts_table("AuditEntityLabels", &entity_labels());
        assert!(t.starts_with("export const AuditEntityLabels: Record<string, string> = { unit: \"房屋\", "));
        assert!(t.ends_with("backup: \"备份与恢复\" };"));
    }
}
