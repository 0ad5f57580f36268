//! What every area of the suite needs: a fresh store per backend, an actor, sample records.

use store::{Actor, Store};

/// A fresh, migrated SQLite database (in memory, private to the test).
#[allow(dead_code)]
pub async fn sqlite() -> Store {
    Store::open_in_memory().await.expect("in-memory SQLite")
}

/// The acting user of a write, at a fixed instant.
#[allow(dead_code)]
pub fn actor() -> Actor {
    Actor {
        user_id: None,
        username: "contract".into(),
        at: "2026-11-23T10:00:00+08:00".into(),
    }
}
