//! The office's time zone: stored as a setting, read when the services open, and the source of
//! "today" for every service and for the UI (which never computes dates from its own clock).

use crate::Services;
use domain::office_time::{self, OfficeToday, Tz, SETTING_KEY};
use domain::role::{Permission, Session};
use domain::{AppError, Result};

impl Services {
    /// The zone in force.
    pub(crate) fn zone(&self) -> Tz {
        self.zone.read().map(|z| *z).unwrap_or(office_time::DEFAULT_ZONE)
    }

    /// Read the stored zone (the default when none is stored).
    ///
    /// Errors: `Storage`.
    pub(crate) async fn load_zone(&self) -> Result<()> {
        let stored = self.store.setting(SETTING_KEY).await?;
        let zone = office_time::stored_zone(stored.as_ref().map(|(v, _)| v.as_str()));
        *self.zone.write().map_err(|_| AppError::internal("zone lock"))? = zone;
        Ok(())
    }

    /// Today's date in the office, its time zone and wall-clock instant (for the UI's date fields).
    ///
    /// Errors: none besides a poisoned lock; any signed-in user may ask.
    pub async fn office_today(&self, _s: &Session) -> Result<OfficeToday> {
        Ok(OfficeToday::at((self.clock)(), self.zone()))
    }

    /// Set the office's time zone (an IANA name such as `Asia/Shanghai`), audited as a setting.
    ///
    /// Errors: `Forbidden` unless an administrator; `Invalid` on `time_zone` for an unknown zone.
    pub async fn set_office_time_zone(&self, s: &Session, time_zone: &str) -> Result<OfficeToday> {
        s.require(Permission::ManageUsers)?;
        let zone = office_time::parse_zone(time_zone)?;
        self.store
            .set_settings(&self.actor(s), &[(SETTING_KEY, Some((zone.name().to_string(), None)))])
            .await?;
        *self.zone.write().map_err(|_| AppError::internal("zone lock"))? = zone;
        self.office_today(s).await
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{at, first_admin as admin};
    use crate::{NewUserRequest, Services};
    use domain::role::Role;
    use domain::ErrorCode;

    #[tokio::test]
    async fn today_comes_from_the_office_time_zone() {
        let services = Services::new(crate::test_support::test_store().await, at("2026-12-01T23:30:00Z"));
        services.load_zone().await.expect("zone");
        let s = admin(&services).await;
        let t = services.office_today(&s).await.expect("today");
        assert_eq!(t.date.to_string(), "2026-12-02", "07:30 in Shanghai is already the 2nd");
        assert_eq!(t.zone, "Asia/Shanghai");
        assert_eq!(t.now, "2026-12-02T07:30:00+08:00");
        assert_eq!(services.today().to_string(), "2026-12-02");
        // Audit instants are the office's wall clock.
        assert_eq!(services.actor(&s).at, "2026-12-02T07:30:00+08:00");

        let t = services.set_office_time_zone(&s, "America/New_York").await.expect("set");
        assert_eq!((t.date.to_string().as_str(), t.zone.as_str()), ("2026-12-01", "America/New_York"));
        assert_eq!(services.today().to_string(), "2026-12-01");
        let log = services.store().audit_for("setting", 0).await.expect("audit");
        assert!(log
            .iter()
            .any(|a| a.action == "set" && a.after.as_deref().unwrap_or("").contains("America/New_York")));

        // The zone is kept: services opened again over the same store read it back.
        let again = Services::new(services.store().clone(), at("2026-12-01T23:30:00Z"));
        again.load_zone().await.expect("load");
        assert_eq!(again.today().to_string(), "2026-12-01");
    }

    #[tokio::test]
    async fn only_an_administrator_sets_a_known_zone() {
        let services = Services::new(crate::test_support::test_store().await, at("2026-12-01T23:30:00Z"));
        let s = admin(&services).await;
        let e = services.set_office_time_zone(&s, "Asia/Beijing").await.expect_err("unknown");
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("time_zone")));
        assert!(e.message.contains("Asia/Beijing"), "{}", e.message);
        assert_eq!(services.today().to_string(), "2026-12-02", "nothing changed");

        services
            .create_user(
                &s,
                &NewUserRequest {
                    username: "mgr".into(),
                    display_name: "主管".into(),
                    role: Role::Manager,
                    password: "long enough".into(),
                },
            )
            .await
            .expect("manager");
        let mgr = services
            .sign_in(&crate::SignIn {
                username: "mgr".into(),
                password: "long enough".into(),
            })
            .await
            .expect("sign in");
        let e = services.set_office_time_zone(&mgr, "Asia/Urumqi").await.expect_err("not admin");
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(services.office_today(&mgr).await.expect("anyone may ask").zone, "Asia/Shanghai");
    }
}
