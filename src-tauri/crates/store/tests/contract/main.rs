//! The store contract suite: the store's own public methods — every write and its refusal paths —
//! exercised through the store's API (not through the services), so that every backend is held to
//! the same behaviour. Each case is an `async fn(Store)`; `contract_tests!` turns a module's cases
//! into one `#[tokio::test]` per case and backend (`sqlite::<case>` and `postgres::<case>`, the
//! latter on a fresh database of the server named by `HANDOVER_TEST_PG`).
//!
//! After every case the audit log's hash chain must be whole: every line sealed, no gap, every
//! hash right (`support::chain_intact`) — whatever the case wrote, on either backend.
//!
//! Fixtures shared by several areas live in `support`; an area's own fixtures stay in its module.

/// One test per case per backend.
macro_rules! contract_tests {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let store = crate::support::sqlite().await;
                    super::$case(store.clone()).await;
                    crate::support::chain_intact(&store).await
                }
            )*
        }

        mod postgres {
            $(
                // Several worker threads: the concurrency cases race for real on the server.
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(db) = crate::support::postgres().await else { return };
                    super::$case(db.store.clone()).await;
                    crate::support::chain_intact(&db.store).await;
                    db.finish().await
                }
            )*
        }
    };
}

/// The concurrency cases: each case on both backends as [`contract_tests!`] makes them, and once
/// more on a SQLite file with several connections (`sqlite_file::<case>`), where the writers
/// really compete (the in-memory database has one connection, so its writers queue).
macro_rules! race_tests {
    ($($case:ident),* $(,)?) => {
        contract_tests!($($case),*);

        mod sqlite_file {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let (store, _dir) = crate::support::sqlite_file().await;
                    super::$case(store.clone()).await;
                    crate::support::chain_intact(&store).await
                }
            )*
        }
    };
}

mod support;

mod audit;
mod concurrency;
mod finance;
mod import;
mod inspection;
mod move_in;
mod records;
mod users;
