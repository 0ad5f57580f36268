//! Roles, permissions, and the signed-in session every service call carries.

use crate::{AppError, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A user's role. The table of what each may do is [`Role::allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 置业顾问 / 客服专员
    Clerk,
    /// 物业 / 客服主管
    Manager,
    /// 财务
    Finance,
    /// 系统管理员
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Clerk, Role::Manager, Role::Finance, Role::Admin];

    pub fn label(self) -> &'static str {
        match self {
            Role::Clerk => "置业顾问/客服专员",
            Role::Manager => "物业/客服主管",
            Role::Finance => "财务",
            Role::Admin => "系统管理员",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Manager => "manager",
            Role::Finance => "finance",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub const PERMISSIONS: [Permission; 12] = [
        Permission::ViewRecords,
        Permission::EditRecords,
        Permission::ImportRecords,
        Permission::ExportRecords,
        Permission::ViewPersonalData,
        Permission::ViewAudit,
        Permission::ManageUsers,
        Permission::QuoteFees,
        Permission::ManageFeeRules,
        Permission::RunMoveIn,
        Permission::ManageMoveIn,
        Permission::ManageSettings,
    ];

    /// Everything this role may do (the UI hides what it may not; the services refuse it anyway).
    pub fn permissions(self) -> Vec<Permission> {
        Self::PERMISSIONS.into_iter().filter(|p| self.allows(*p)).collect()
    }

    /// The permission table. Checked in Rust on every service call, not only in the UI.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Clerk => matches!(
                p,
                ViewRecords | EditRecords | ImportRecords | ExportRecords | ViewPersonalData | ViewAudit | QuoteFees | RunMoveIn
            ),
            Role::Manager => matches!(
                p,
                ViewRecords | EditRecords | ImportRecords | ExportRecords | ViewAudit | RunMoveIn | ManageMoveIn | ManageSettings
            ),
            Role::Finance => matches!(
                p,
                ViewRecords | ExportRecords | ViewPersonalData | ViewAudit | QuoteFees | ManageFeeRules
            ),
        }
    }
}

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ViewRecords,
    EditRecords,
    ImportRecords,
    ExportRecords,
    /// See full ID numbers and phones; others see them masked.
    ViewPersonalData,
    ViewAudit,
    ManageUsers,
    /// Compute fee quotes, save them against contracts, override a line with a reason.
    QuoteFees,
    /// Add or edit a region's fee rules.
    ManageFeeRules,
    /// Book owners, record notice delivery, run the move-in procedure at a desk, hand and lend keys.
    RunMoveIn,
    /// Plan batches and slots, configure the procedure, undo a step (with a reason).
    ManageMoveIn,
    /// The company letterhead, logo and seal printed on documents.
    ManageSettings,
}

/// What the UI gets on sign-in: the session, what its role may do, and after how many idle
/// minutes the window locks itself (the services end the session then too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignedIn {
    pub session: Session,
    pub role_label: String,
    pub permissions: Vec<Permission>,
    pub idle_lock_minutes: u32,
    /// What the window says when it locks itself after those minutes (the services' own words).
    pub idle_lock_notice: String,
}

impl SignedIn {
    pub fn new(session: Session, idle_lock_minutes: u32) -> Self {
        SignedIn {
            role_label: session.role.label().to_string(),
            permissions: session.role.permissions(),
            session,
            idle_lock_minutes,
            idle_lock_notice: crate::session::Ended::Idle(idle_lock_minutes).error().message,
        }
    }
}

/// Who is acting. Every service call takes one; the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Session {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The services' handle on this sign-in ([`crate::session`]): looked up, idle-checked and
    /// re-validated against the user's row on every call. Never sent to the page.
    #[serde(skip)]
    #[ts(skip)]
    pub token: String,
}

impl Session {
    /// Errors: `Forbidden` when the role lacks `p`.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.role.allows(p) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    pub fn may(&self, p: Permission) -> bool {
        self.role.allows(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(role: Role) -> Session {
        Session {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            role,
            token: String::new(),
        }
    }

    #[test]
    fn permission_table() {
        assert!(session(Role::Admin).require(Permission::ManageUsers).is_ok());
        assert_eq!(
            session(Role::Clerk).require(Permission::ManageUsers).expect_err("clerk").code,
            crate::ErrorCode::Forbidden
        );
        assert!(session(Role::Finance).require(Permission::EditRecords).is_err());
        assert!(!session(Role::Manager).may(Permission::ViewPersonalData));
        assert!(session(Role::Clerk).may(Permission::ViewPersonalData));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}

/// Rules about the user list that need the database's counts (read inside the write's
/// transaction by the store).
pub mod users {
    use crate::AppError;

    /// The first administrator is created only while no user exists.
    pub fn refuse_first_admin(existing_users: i64) -> Result<(), AppError> {
        if existing_users > 0 {
            return Err(AppError::conflict("管理员已创建，请直接登录"));
        }
        Ok(())
    }

    /// A user name is used once.
    pub fn refuse_taken(username: &str, taken: bool) -> Result<(), AppError> {
        if taken {
            return Err(AppError::conflict_on("username", format!("用户名“{username}”已存在")));
        }
        Ok(())
    }

    /// A change may not leave the office without an active administrator.
    pub fn refuse_no_admin_left(active_admins: i64) -> Result<(), AppError> {
        if active_admins == 0 {
            return Err(AppError::conflict("至少需要保留一位启用的系统管理员"));
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn user_list_rules() {
            assert!(refuse_first_admin(0).is_ok());
            assert!(refuse_first_admin(1).is_err());
            assert!(refuse_taken("wang", false).is_ok());
            assert_eq!(refuse_taken("wang", true).expect_err("taken").field.as_deref(), Some("username"));
            assert!(refuse_no_admin_left(1).is_ok());
            assert!(refuse_no_admin_left(0).is_err());
        }
    }
}
