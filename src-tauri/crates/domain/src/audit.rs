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
        assert!(t.ends_with("fee_rules: \"收费规则\" };"));
    }
}
