//! What every area of the suite needs: a fresh store per backend, an actor, sample records.
//!
//! Everything here goes through the store's public API only (no SQL), so a second backend can use
//! the same fixtures.

#![allow(dead_code)]

use chrono::NaiveDate;
use domain::model::{BuyerInput, ContractInput, FilingStatus, IdType, PartyInput, PaymentMethod, PricingBasis, Unit, UnitQuery};
use domain::role::Role;
use domain::sheet::ImportPlan;
use domain::{AppError, ErrorCode};
use rust_decimal::Decimal;
use store::{Actor, Error, ImportCheck, NewUser, Store};
use tempfile::TempDir;

/// A fresh, migrated SQLite database (in memory, private to the test).
pub async fn sqlite() -> Store {
    Store::open_in_memory().await.expect("in-memory SQLite")
}

/// A fresh, migrated SQLite database FILE with a pool of several connections, for the
/// concurrency cases (in-memory SQLite is one private database per connection). Keep the
/// `TempDir` alive as long as the store.
pub async fn sqlite_file() -> (Store, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, _) = Store::open(&dir.path().join("handover.db")).await.expect("SQLite file");
    (store, dir)
}

/// The acting user of a write, at a fixed instant.
pub fn actor() -> Actor {
    Actor {
        user_id: None,
        username: "contract".into(),
        at: "2026-11-23T10:00:00+08:00".into(),
    }
}

/// The same user at a later instant (to tell writes apart in the log).
pub fn actor_at(actor: &Actor, at: &str) -> Actor {
    Actor {
        at: at.into(),
        ..actor.clone()
    }
}

/// The day the suite pretends it is (ID numbers and dates are checked against it).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

pub const PROJECT: &str = "示例花园";
/// Units in the sample: two buildings (72 units per building), 70 % sold.
pub const SAMPLE_UNITS: usize = 80;

/// A validated import plan of the sample workbook.
pub fn plan(project: &str, units: usize, contract_prefix: &str) -> ImportPlan {
    let wb = domain::sample::workbook_numbered(project, units, contract_prefix).expect("sample workbook");
    domain::sheet::read_workbook(&wb, today())
        .expect("readable workbook")
        .expect("the sample is valid")
}

/// A password hash as the services would store it (the store never looks inside).
pub fn hash(tag: &str) -> String {
    format!("$argon2id$v=19$m=19456,t=2,p=1$contract${tag}")
}

pub fn new_user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: format!("{username} 显示名"),
        role,
        password_hash: hash(username),
    }
}

/// Create the first administrator (as first start does) and act as them.
pub async fn admin(store: &Store) -> Actor {
    let user = store
        .create_user(&actor(), &new_user("admin", Role::Admin), true)
        .await
        .expect("first admin");
    Actor {
        user_id: Some(user.id),
        username: user.username,
        at: actor().at,
    }
}

/// A store with the sample project imported by the first administrator.
pub struct Sample {
    pub actor: Actor,
    pub plan: ImportPlan,
    pub import_id: i64,
}

pub async fn with_sample(store: &Store) -> Sample {
    let actor = admin(store).await;
    let plan = plan(PROJECT, SAMPLE_UNITS, "HT");
    let import_id = match store.apply_import(&actor, "sample-房源表.xlsx", &plan).await.expect("import") {
        ImportCheck::Written { import_id, .. } => import_id,
        ImportCheck::Refused(rows) => panic!("the sample was refused: {rows:?}"),
    };
    Sample { actor, plan, import_id }
}

impl Sample {
    /// The first contract of the sample, as stored: its id and record.
    pub async fn first_contract(&self, store: &Store) -> (i64, domain::model::Contract) {
        let id = store
            .contract_id_by_number(&self.plan.contracts[0].contract.number)
            .await
            .expect("lookup")
            .expect("id");
        (id, store.contract(id).await.expect("contract"))
    }
}

/// A search with defaults (first page of up to 1,000).
pub fn query(search: Option<&str>) -> UnitQuery {
    UnitQuery {
        project_id: None,
        building_id: None,
        property_type: None,
        status: None,
        search: search.map(str::to_string),
        page: 1,
        page_size: UnitQuery::MAX_PAGE_SIZE,
    }
}

/// Every unit of the store, as the list shows them (unit, live contract number, parties).
pub async fn all_units(store: &Store) -> Vec<(Unit, Option<String>, Vec<domain::model::Buyer>)> {
    let (rows, total) = store.search_units(&query(None)).await.expect("search");
    assert_eq!(usize::try_from(total).expect("total"), rows.len(), "all on one page");
    rows
}

/// A unit by its number (exactly one in the store).
pub async fn unit_by_number(store: &Store, number: &str) -> Unit {
    let (rows, _) = store.search_units(&query(Some(number))).await.expect("search");
    let mut found: Vec<Unit> = rows.into_iter().map(|r| r.0).filter(|u| u.number == number).collect();
    assert_eq!(found.len(), 1, "one unit {number}");
    found.remove(0)
}

/// The audit log's hash chain holds every line, unbroken (checked after every contract case).
pub async fn chain_intact(store: &Store) {
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "the audit chain is broken: {:?}", report.problems);
    assert_eq!(report.before_chain, 0, "every line is in the chain");
    assert_eq!(report.lines as usize, audit_len(store).await, "one place per line");
    assert_eq!(report.head_seq, report.lines, "no gap");
}

/// The number of lines in the audit log.
pub async fn audit_len(store: &Store) -> usize {
    store.audit_recent(i64::MAX).await.expect("audit").len()
}

/// A buyer that is not in the sample (sample ID numbers come from running numbers below 1,000,000).
pub fn buyer(n: u64, name: &str) -> BuyerInput {
    BuyerInput {
        name: name.into(),
        id_type: IdType::MainlandId,
        id_number: domain::sample::id_number(2_000_000 + n),
        phone: format!("139{:08}", 55_000_000 + n),
        address: "广州市越秀区中山五路 2 号".into(),
    }
}

/// A contract (validated like a form's) for `unit_id` with the given parties (shares in percent).
pub fn contract_input(number: &str, unit_id: i64, parties: &[(BuyerInput, i64)]) -> ContractInput {
    let input = ContractInput {
        number: number.into(),
        unit_id,
        signed_on: NaiveDate::from_ymd_opt(2026, 10, 8).expect("date"),
        total_price: Decimal::new(198_765_432, 2),
        unit_price: Decimal::new(2_208_505, 2),
        pricing_basis: PricingBasis::GrossArea,
        payment_method: PaymentMethod::Mortgage,
        filing_status: FilingStatus::Signed,
        parties: parties
            .iter()
            .map(|(b, share)| PartyInput {
                buyer: b.clone(),
                share: Decimal::from(*share),
            })
            .collect(),
    };
    input.validate(today()).expect("a valid contract")
}

/// The domain refusal inside a store error, with its code and field.
#[track_caller]
pub fn refused(e: Error, code: ErrorCode, field: Option<&str>) -> AppError {
    match e {
        Error::Refused(a) => {
            assert_eq!((a.code, a.field.as_deref()), (code, field), "{a:?}");
            a
        }
        other => panic!("expected a refusal ({code:?}, {field:?}), got {other:?}"),
    }
}

/// A fresh PostgreSQL database for one test, made from a migrated template; dropped by
/// [`PgDatabase::finish`] at the end of a passing test (a failing test leaves it for a look).
pub struct PgDatabase {
    pub store: Store,
    admin: String,
    name: String,
}

/// The server the PostgreSQL cases run on: `HANDOVER_TEST_PG` (`.ci/pg.sh` starts a private one
/// and sets it). Unset, the cases are skipped with a note, except under CI (`CI` set), where
/// they fail: CI never passes without having run them.
pub fn pg_url() -> Option<String> {
    store::testing::pg_server("contract")
}

/// A fresh, migrated PostgreSQL database (None: skipped, see [`pg_url`]).
pub async fn postgres() -> Option<PgDatabase> {
    let admin = pg_url()?;
    let (name, store) = store::testing::pg_fresh(&admin).await;
    Some(PgDatabase { store, admin, name })
}

impl PgDatabase {
    /// Close the pool and drop the database.
    pub async fn finish(self) {
        self.store.close().await;
        store::testing::pg_drop(&self.admin, &self.name).await;
    }
}
