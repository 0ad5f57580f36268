//! Set-up shared by the service tests: a temporary database on a fixed clock, its first admin,
//! users of a role, the sample workbook imported.

use crate::*;
use domain::model::*;
use domain::role::Role;

/// The instant the tests' clock stands at unless a test says otherwise.
pub(crate) const NOW: &str = "2026-11-23T10:00:00+08:00";

/// A fixed clock at an RFC 3339 instant.
pub(crate) fn at(instant: &'static str) -> Clock {
    Arc::new(move || DateTime::parse_from_rfc3339(instant).expect("instant").to_utc())
}

/// Services on a new database, at [`NOW`]: in memory (SQLite), or with
/// `HANDOVER_TEST_STORE=postgres` a fresh database on the server of `HANDOVER_TEST_PG` (CI runs
/// the services tests both ways).
pub(crate) async fn fresh() -> Services {
    Services::new(test_store().await, at(NOW))
}

/// A new, migrated store of the backend the run asks for (see [`fresh`]).
pub(crate) async fn test_store() -> Store {
    match std::env::var("HANDOVER_TEST_STORE").as_deref() {
        Ok("postgres") => {
            let url = store::testing::pg_url().expect("HANDOVER_TEST_STORE=postgres needs HANDOVER_TEST_PG (bash .ci/pg.sh …)");
            store::testing::pg_fresh(&url).await.1
        }
        Ok("sqlite") | Err(_) => Store::open_in_memory().await.expect("store"),
        Ok(other) => panic!("HANDOVER_TEST_STORE={other}: sqlite or postgres"),
    }
}

/// Create the first admin ("admin" / "correct horse") and sign them in.
pub(crate) async fn first_admin(services: &Services) -> Session {
    services
        .create_first_admin(&FirstAdmin {
            username: "admin".into(),
            display_name: "管理员".into(),
            password: "correct horse".into(),
        })
        .await
        .expect("admin")
}

/// [`fresh`] services and their signed-in first admin.
pub(crate) async fn services() -> (Services, Session) {
    let services = fresh().await;
    let admin = first_admin(&services).await;
    (services, admin)
}

/// Create a user with this role (password "password-123") and sign them in.
pub(crate) async fn user(services: &Services, admin: &Session, name: &str, role: Role) -> Session {
    services
        .create_user(
            admin,
            &NewUserRequest {
                username: name.into(),
                display_name: name.into(),
                role,
                password: "password-123".into(),
            },
        )
        .await
        .expect("user");
    services
        .sign_in(&SignIn {
            username: name.into(),
            password: "password-123".into(),
        })
        .await
        .expect("sign in")
}

/// Import the sample workbook of "示例花园" with `units` units (as "sample.xlsx"); its import id.
pub(crate) async fn imported(services: &Services, s: &Session, units: usize) -> i64 {
    let bytes = domain::sample::workbook("示例花园", units).expect("sample");
    match services.import_workbook(s, "sample.xlsx", &bytes).await.expect("import") {
        ImportOutcome::Imported { import_id, units: n, .. } => {
            assert_eq!(n as usize, units);
            import_id
        }
        ImportOutcome::Rejected { errors } => panic!("rejected: {errors:?}"),
    }
}

/// The first sold unit and its (first) contract.
pub(crate) async fn sold(services: &Services, s: &Session) -> (Unit, Contract) {
    let q = UnitQuery {
        status: Some(UnitStatus::Sold),
        ..Default::default()
    };
    let item = services.search_units(s, &q).await.expect("list").items[0].clone();
    let detail = services.unit_detail(s, item.unit.id).await.expect("detail");
    (detail.unit.clone(), detail.contracts[0].clone())
}
