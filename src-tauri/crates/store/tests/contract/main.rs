//! The store contract suite: the store's own public methods — every write and its refusal paths —
//! exercised through the store's API (not through the services), so that every backend is held to
//! the same behaviour. Each case is an `async fn(Store)`; `contract_tests!` turns a module's cases
//! into one `#[tokio::test]` per case and backend (`sqlite::<case>` today; the PostgreSQL backend
//! adds its own module in the macro and runs the same bodies unchanged).
//!
//! Fixtures shared by several areas live in `support`; an area's own fixtures stay in its module.

/// One test per case per backend.
macro_rules! contract_tests {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(crate::support::sqlite().await).await
                }
            )*
        }
    };
}

mod support;

mod audit;
mod finance;
mod import;
mod inspection;
mod move_in;
mod records;
mod users;
