//! The append-only audit log (triggers in the schema refuse UPDATE and DELETE), hash-chained:
//! every line is sealed into the chain as its transaction commits ([`commit`]), and [`Imp::verify_audit`]
//! walks the chain to find a line edited, deleted or inserted outside the app.

use super::rows::{all, rows_per_statement};
use super::Imp;
use super::{lock, Db, DbRow, Lock, Tx};
use crate::Result;
use crate::{db_err, Actor};
use domain::audit::{ChainProblem, ChainReport};
use domain::model::AuditEntry;
use serde::Serialize;
use sqlx::Row;

/// An audit line written in a transaction, inserted (sealed into the chain) as it commits.
pub(crate) struct Pending {
    at: String,
    user_id: Option<i64>,
    username: String,
    entity: String,
    entity_id: i64,
    action: String,
    before: Option<String>,
    after: Option<String>,
}

/// Append one line inside the caller's transaction (written when it commits).
pub(crate) async fn write<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let encode = |v: Result<String, serde_json::Error>| v.map_err(domain::AppError::internal);
    let before = before.map(|b| encode(serde_json::to_string(b))).transpose()?;
    let after = after.map(|a| encode(serde_json::to_string(a))).transpose()?;
    tx.audit.push(Pending {
        at: actor.at.clone(),
        user_id: actor.user_id,
        username: actor.username.clone(),
        entity: entity.to_string(),
        entity_id,
        action: action.to_string(),
        before,
        after,
    });
    Ok(())
}

/// Seal the transaction's audit lines into the chain and commit. Under the audit lock (on
/// PostgreSQL an advisory lock, held to the commit; SQLite's one writer already is one), the
/// chain's head is read and each line inserted with the next `seq` and its hash, so two desks
/// committing at once are chained one after the other, in commit order, with no gap.
pub(crate) async fn commit(mut tx: sqlx::Transaction<'static, Db>, lines: Vec<Pending>) -> Result<()> {
    if !lines.is_empty() {
        lock(&mut tx, Lock::Audit).await?;
        let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let (mut seq, mut prev) = head.unwrap_or_else(|| (0, GENESIS.to_string()));
        for chunk in lines.chunks(rows_per_statement(10)) {
            let mut sealed = Vec::with_capacity(chunk.len());
            for line in chunk {
                seq += 1;
                let hash = chain_hash(&prev, seq, &line.fields());
                sealed.push((line, seq, hash.clone()));
                prev = hash;
            }
            let mut qb = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, before, after, seq, hash) ",
            );
            qb.push_values(sealed, |mut b, (l, seq, hash)| {
                b.push_bind(l.at.clone())
                    .push_bind(l.user_id)
                    .push_bind(l.username.clone())
                    .push_bind(l.entity.clone())
                    .push_bind(l.entity_id)
                    .push_bind(l.action.clone())
                    .push_bind(l.before.clone())
                    .push_bind(l.after.clone())
                    .push_bind(seq)
                    .push_bind(hash);
            });
            qb.build().execute(&mut *tx).await.map_err(db_err)?;
        }
    }
    tx.commit().await.map_err(db_err)
}

/// The hash the first line of the chain follows.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of a line that its hash covers (everything but its row id).
pub(crate) struct Fields<'a> {
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

impl Pending {
    fn fields(&self) -> Fields<'_> {
        Fields {
            at: &self.at,
            user_id: self.user_id,
            username: &self.username,
            entity: &self.entity,
            entity_id: self.entity_id,
            action: &self.action,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
        }
    }
}

/// SHA-256 (hex) over the previous line's hash, this line's place and its fields, each written
/// with a tag and its length so that no two different lines encode alike.
pub(crate) fn chain_hash(prev: &str, seq: i64, f: &Fields<'_>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let seq = seq.to_string();
    let user_id = f.user_id.map(|u| u.to_string());
    let entity_id = f.entity_id.to_string();
    let parts: [Option<&str>; 10] = [
        Some(prev),
        Some(&seq),
        Some(f.at),
        user_id.as_deref(),
        Some(f.username),
        Some(f.entity),
        Some(&entity_id),
        Some(f.action),
        f.before,
        f.after,
    ];
    for part in parts {
        match part {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn entry(r: &DbRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.try_get("id").map_err(db_err)?,
        at: r.try_get("at").map_err(db_err)?,
        username: r.try_get("username").map_err(db_err)?,
        entity: r.try_get("entity").map_err(db_err)?,
        entity_id: r.try_get("entity_id").map_err(db_err)?,
        action: r.try_get("action").map_err(db_err)?,
        before: r.try_get("before").map_err(db_err)?,
        after: r.try_get("after").map_err(db_err)?,
    })
}

impl Imp {
    /// The history of a unit: the unit itself and every contract ever made on it, newest first.
    pub async fn audit_for_unit(&self, unit_id: i64) -> Result<Vec<AuditEntry>> {
        all(
            sqlx::query(
                "SELECT * FROM audit_log WHERE (entity = 'unit' AND entity_id = $1)
               OR (entity = 'contract' AND entity_id IN (SELECT id FROM contracts WHERE unit_id = $1))
             ORDER BY id DESC",
            )
            .bind(unit_id),
            &self.pool,
            entry,
        )
        .await
    }

    /// The history of one record.
    pub async fn audit_for(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditEntry>> {
        all(
            sqlx::query("SELECT * FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC")
                .bind(entity)
                .bind(entity_id),
            &self.pool,
            entry,
        )
        .await
    }

    /// The latest `limit` lines of the whole log.
    pub async fn audit_recent(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        all(
            sqlx::query("SELECT * FROM audit_log ORDER BY id DESC LIMIT $1").bind(limit),
            &self.pool,
            entry,
        )
        .await
    }
}

impl Imp {
    /// How far the records go: the audit chain's last place (the line count before the chain).
    pub async fn audit_head(&self) -> Result<i64> {
        let head: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        match head {
            Some(h) => Ok(h),
            None => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
                .fetch_one(&self.pool)
                .await
                .map_err(db_err),
        }
    }

    /// Walk the hash chain from its first line to its head, a page at a time, and report every
    /// line whose fields no longer give its hash, every place with no line, and every line
    /// written after the chain began that was never sealed.
    pub async fn verify_audit(&self) -> Result<ChainReport> {
        const PAGE: i64 = 2000;
        let mut report = ChainReport {
            lines: 0,
            before_chain: 0,
            head_seq: 0,
            head_hash: String::new(),
            head_at: None,
            problems: Vec::new(),
            problem_count: 0,
        };
        let note = |report: &mut ChainReport, p: ChainProblem| {
            report.problem_count += 1;
            if report.problems.len() < ChainReport::MAX_LISTED {
                report.problems.push(p);
            }
        };
        let mut prev = GENESIS.to_string();
        let mut last_seq = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT id, at, user_id, username, entity, entity_id, action, before, after, seq, hash
                 FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(last_seq)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let seq: i64 = r.try_get("seq").map_err(db_err)?;
                let id: i64 = r.try_get("id").map_err(db_err)?;
                let stored: Option<String> = r.try_get("hash").map_err(db_err)?;
                let stored = stored.unwrap_or_default();
                let at: String = r.try_get("at").map_err(db_err)?;
                let username: String = r.try_get("username").map_err(db_err)?;
                let entity: String = r.try_get("entity").map_err(db_err)?;
                let action: String = r.try_get("action").map_err(db_err)?;
                let before: Option<String> = r.try_get("before").map_err(db_err)?;
                let after: Option<String> = r.try_get("after").map_err(db_err)?;
                let fields = Fields {
                    at: &at,
                    user_id: r.try_get("user_id").map_err(db_err)?,
                    username: &username,
                    entity: &entity,
                    entity_id: r.try_get("entity_id").map_err(db_err)?,
                    action: &action,
                    before: before.as_deref(),
                    after: after.as_deref(),
                };
                if seq > last_seq + 1 {
                    // Lines were deleted: the next one cannot be linked to its missing
                    // predecessor, so only its own hash is taken as the chain goes on.
                    note(
                        &mut report,
                        ChainProblem::Missing {
                            from_seq: last_seq + 1,
                            to_seq: seq - 1,
                        },
                    );
                } else if chain_hash(&prev, seq, &fields) != stored {
                    note(&mut report, ChainProblem::Altered { seq, id });
                }
                report.lines += 1;
                prev = stored;
                last_seq = seq;
                report.head_at = Some(at);
            }
        }
        report.head_seq = last_seq;
        report.head_hash = if last_seq > 0 { prev } else { String::new() };
        // Lines with no place in the chain: before the chain's first line (an older version wrote
        // them), or after it (written outside the app).
        let first_sealed: Option<i64> = sqlx::query_scalar("SELECT MIN(id) FROM audit_log WHERE seq IS NOT NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        match first_sealed {
            None => {
                report.before_chain = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
            }
            Some(first) => {
                report.before_chain = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL AND id < $1")
                    .bind(first)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
                let outside: Vec<i64> = sqlx::query_scalar("SELECT id FROM audit_log WHERE seq IS NULL AND id > $1 ORDER BY id")
                    .bind(first)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_err)?;
                for id in outside {
                    note(&mut report, ChainProblem::Unsealed { id });
                }
            }
        }
        Ok(report)
    }
}

/// One audit line for [`write_many`]: entity, id, action, before JSON, after JSON.
pub(crate) type Line = (&'static str, i64, &'static str, Option<String>, Option<String>);

/// Append many lines (imports write tens of thousands; they are inserted in chunks at commit).
pub(crate) async fn write_many(tx: &mut Tx, actor: &Actor, lines: &[Line]) -> Result<()> {
    tx.audit.extend(lines.iter().map(|(entity, id, action, before, after)| Pending {
        at: actor.at.clone(),
        user_id: actor.user_id,
        username: actor.username.clone(),
        entity: (*entity).to_string(),
        entity_id: *id,
        action: (*action).to_string(),
        before: before.clone(),
        after: after.clone(),
    }));
    Ok(())
}
