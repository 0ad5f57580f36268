//! What the store can refuse, named as the user knows it: which record (an [`Entity`]) and which
//! uniqueness rule (a [`Duplicate`]). The store returns these typed; they are worded in Chinese
//! here, once, so no backend carries user text.

use crate::{AppError, ErrorCode};

/// A kind of record, for "not found" and "changed by someone else".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Project,
    Building,
    Unit,
    Buyer,
    Contract,
    User,
    Import,
    FeeQuote,
    MoveInConfig,
    MoveInBatch,
    /// A unit's place in a batch (its move-in record).
    MoveInUnit,
    Slot,
    Booking,
    Step,
    Key,
    Template,
    Inspection,
    Defect,
    Photo,
    Setting,
}

impl Entity {
    /// How the screens call it ("合同", "入伙批次").
    pub fn label(self) -> &'static str {
        match self {
            Entity::Project => "项目",
            Entity::Building => "楼栋",
            Entity::Unit => "房屋",
            Entity::Buyer => "买受人",
            Entity::Contract => "合同",
            Entity::User => "用户",
            Entity::Import => "导入记录",
            Entity::FeeQuote => "税费测算",
            Entity::MoveInConfig => "入伙办理设置",
            Entity::MoveInBatch => "入伙批次",
            Entity::MoveInUnit => "该房屋的入伙记录",
            Entity::Slot => "预约时段",
            Entity::Booking => "预约",
            Entity::Step => "办理步骤",
            Entity::Key => "钥匙",
            Entity::Template => "检查表",
            Entity::Inspection => "验房记录",
            Entity::Defect => "整改单",
            Entity::Photo => "照片",
            Entity::Setting => "设置",
        }
    }

    /// "合同不存在".
    pub fn not_found(self) -> AppError {
        AppError::not_found(self.label())
    }

    /// "合同已被他人修改，请刷新后重试".
    pub fn stale(self) -> AppError {
        AppError::stale(self.label())
    }
}

/// A uniqueness rule of the schema. The store recognises which one refused a write by the
/// constraint's name ([`Duplicate::from_constraint`]), never by the driver's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    Username,
    ProjectName,
    BuildingName,
    UnitNumber,
    BuyerId,
    ContractNumber,
    /// One live contract per unit.
    LiveContract,
    ContractParty,
    BatchName,
    /// A unit is in one move-in batch only.
    UnitInBatch,
    SlotTime,
    /// One live booking (booked or arrived) per unit.
    LiveBooking,
    /// A step is done once (until undone).
    StepDone,
    KeyNumber,
    TemplateVersion,
    /// One open defect per room and item.
    OpenDefect,
    PhotoHash,
    DefectPhoto,
    /// A responsible party listed twice for a project.
    PartyName,
    /// A unique rule this build does not know by name (a newer schema); still a conflict.
    Other,
}

/// Canonical constraint names (PostgreSQL's default `<table>_<columns>_key` for table
/// constraints; the index name for unique indexes) and the rule each stands for.
const CONSTRAINTS: &[(&str, Duplicate)] = &[
    ("users_username_key", Duplicate::Username),
    ("projects_name_key", Duplicate::ProjectName),
    ("buildings_project_id_name_key", Duplicate::BuildingName),
    ("units_building_id_number_key", Duplicate::UnitNumber),
    ("buyers_id_type_id_number_key", Duplicate::BuyerId),
    ("contracts_number_key", Duplicate::ContractNumber),
    ("contracts_one_live_per_unit", Duplicate::LiveContract),
    ("contract_parties_pkey", Duplicate::ContractParty),
    ("move_in_batches_project_id_name_key", Duplicate::BatchName),
    ("move_in_units_pkey", Duplicate::UnitInBatch),
    ("move_in_slots_batch_id_day_label_key", Duplicate::SlotTime),
    ("appointments_one_live", Duplicate::LiveBooking),
    ("move_in_steps_once", Duplicate::StepDone),
    ("keys_project_id_number_key", Duplicate::KeyNumber),
    ("inspection_templates_project_id_unit_type_version_key", Duplicate::TemplateVersion),
    ("defects_one_open_per_item", Duplicate::OpenDefect),
    ("photos_hash_key", Duplicate::PhotoHash),
    ("defect_photos_pkey", Duplicate::DefectPhoto),
    ("defect_parties_project_id_name_key", Duplicate::PartyName),
];

impl Duplicate {
    /// The rule behind a canonical constraint name; `Other` when unknown.
    pub fn from_constraint(name: &str) -> Duplicate {
        CONSTRAINTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
            .unwrap_or(Duplicate::Other)
    }

    /// Its canonical constraint name (`None` for `Other`).
    pub fn constraint(self) -> Option<&'static str> {
        CONSTRAINTS.iter().find(|(_, d)| *d == self).map(|(n, _)| *n)
    }

    /// The field a form marks, and the sentence the user reads.
    pub fn wording(self) -> (Option<&'static str>, &'static str) {
        match self {
            Duplicate::Username => (Some("username"), "该用户名已存在"),
            Duplicate::ProjectName => (Some("project"), "项目名称已存在"),
            Duplicate::BuildingName => (Some("building"), "该项目下已有同名楼栋"),
            Duplicate::UnitNumber => (Some("number"), "该楼栋下已有此房号"),
            Duplicate::BuyerId => (Some("id_number"), "该证件号码已登记为另一位买受人"),
            Duplicate::ContractNumber => (Some("number"), "合同编号已存在"),
            Duplicate::LiveContract => (Some("unit_id"), "该房屋已有有效合同，须先解除原合同"),
            Duplicate::ContractParty => (Some("buyers"), "同一买受人在合同中重复出现"),
            Duplicate::BatchName => (Some("name"), "该项目已有同名的入伙批次"),
            Duplicate::UnitInBatch => (Some("selection"), "所选房屋中有的已被同时加入另一个入伙批次，请刷新后重新选择"),
            Duplicate::SlotTime => (Some("periods"), "同一天有重名的预约时段"),
            Duplicate::LiveBooking => (Some("slot_id"), "该房屋已有预约；如需更换时段，请使用“改约”"),
            Duplicate::StepDone => (None, "该步骤已办理，不能重复办理"),
            Duplicate::KeyNumber => (Some("number"), "钥匙编号已登记"),
            Duplicate::TemplateVersion => (None, "检查表已被他人同时修改，请刷新后重试"),
            Duplicate::OpenDefect => (Some("item"), "该项目已有未关闭的整改单，请勿重复登记"),
            Duplicate::PhotoHash => (None, "照片已存在"),
            Duplicate::DefectPhoto => (Some("photos"), "同一张照片重复添加"),
            Duplicate::PartyName => (Some("parties"), "责任单位名称重复"),
            Duplicate::Other => (None, "记录重复，未保存"),
        }
    }

    /// As the user sees it: a `Conflict` naming the field.
    pub fn refusal(self) -> AppError {
        let (field, message) = self.wording();
        AppError {
            code: ErrorCode::Conflict,
            message: message.to_string(),
            field: field.map(str::to_string),
        }
    }
}

/// The write refers to a record that does not exist, or removes one still referred to.
pub fn reference_refusal() -> AppError {
    AppError::conflict("相关记录不存在或仍被其他记录引用，未保存")
}

/// The database failed; the driver's own text goes to the log, not to the user.
pub fn storage_refusal() -> AppError {
    AppError::new(ErrorCode::Storage, "数据库操作失败，未保存任何内容；请重试，多次失败请联系管理员")
}

/// The database could not be brought to this build's schema.
pub fn migration_refusal(detail: &str) -> AppError {
    AppError::new(
        ErrorCode::Storage,
        format!("数据库升级失败，原文件未改动（升级前的备份在数据库旁）：{detail}"),
    )
}

/// Why the database server could not be used (the store recognises the case; this words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreachable {
    /// `--db` / `HANDOVER_DB` is neither a file path nor a PostgreSQL URL the driver accepts.
    BadUrl(String),
    /// Nothing answers at the host and port (server down, wrong port, firewall).
    Refused(String),
    /// The server refused the user name or the password.
    Auth,
    /// The server has no database of that name.
    NoDatabase,
    /// TLS could not be set up as the URL asks (`sslmode`, certificates).
    Tls(String),
}

/// The refusal for a database that cannot be reached; `field` is `db` (the `--db` option).
pub fn unreachable_refusal(why: &Unreachable) -> AppError {
    let (code, message) = match why {
        Unreachable::BadUrl(detail) => (
            ErrorCode::Invalid,
            format!("数据库地址无法识别：{detail}（应为数据库文件路径，或 postgres://用户:密码@主机:端口/库名）"),
        ),
        Unreachable::Refused(detail) => (
            ErrorCode::Storage,
            format!("无法连接数据库服务器（{detail}）：请确认服务器已启动、地址和端口正确、防火墙已放行"),
        ),
        Unreachable::Auth => (
            ErrorCode::Storage,
            "数据库服务器拒绝了用户名或密码：请核对地址中的用户名和密码".to_string(),
        ),
        Unreachable::NoDatabase => (
            ErrorCode::Storage,
            "数据库服务器上没有这个数据库：请先创建数据库（见 README）".to_string(),
        ),
        Unreachable::Tls(detail) => (
            ErrorCode::Storage,
            format!("与数据库服务器的加密连接失败（{detail}）：请检查 sslmode 与证书设置"),
        ),
    };
    AppError {
        code,
        message,
        field: Some("db".to_string()),
    }
}

/// The database was written by a newer build (its schema version is ahead of this one's).
pub fn newer_schema_refusal(database: i64, build: i64) -> AppError {
    AppError {
        code: ErrorCode::Storage,
        message: format!("数据库版本（{database}）比本程序（{build}）新：请先升级交付台，未做任何改动"),
        field: Some("db".to_string()),
    }
}

/// A stored value this build cannot read (a damaged or foreign database file).
pub fn corrupt_refusal(column: &str) -> AppError {
    AppError::new(ErrorCode::Internal, format!("数据库中“{column}”的内容无法读取，数据文件可能已损坏"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constraint_name_maps_back_to_its_rule() {
        for (name, d) in CONSTRAINTS {
            assert_eq!(Duplicate::from_constraint(name), *d);
            assert_eq!(d.constraint(), Some(*name));
            assert!(!d.wording().1.is_empty());
        }
        assert_eq!(Duplicate::from_constraint("no_such_index"), Duplicate::Other);
        assert_eq!(Duplicate::LiveContract.refusal().field.as_deref(), Some("unit_id"));
        assert_eq!(Duplicate::LiveContract.refusal().code, ErrorCode::Conflict);
    }

    #[test]
    fn entities_word_not_found_and_stale() {
        assert_eq!(Entity::Contract.not_found().message, "合同不存在");
        assert_eq!(Entity::Defect.stale().code, ErrorCode::Stale);
    }
}
