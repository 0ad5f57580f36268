//! Defects: raising one with its photos (deduplicated by content hash), workflow steps as decided
//! by `domain::inspection::step`, the filtered list, events, and the facts scorecards count.

use super::super::rows::{all, code, date, exec, get};
use super::super::{audit, Imp};
use super::super::{Db, DbRow};
use super::inspection_completed;
use crate::types::NewDefect;
use crate::Result;
use crate::{db_err, not_stale, Actor, Error};
use domain::inspection::*;
use domain::record::Entity;
use sqlx::QueryBuilder;
use std::collections::HashMap;

const DEFECT_SELECT: &str = "SELECT d.*, bl.name AS building_name, u.number AS unit_number FROM defects d
     JOIN units u ON u.id = d.unit_id JOIN buildings bl ON bl.id = u.building_id";

/// Defect ids bound per photo lookup (well under every backend's parameter limit).
const IDS_PER_QUERY: usize = 5_000;

impl Imp {
    /// Raise a defect with its photos (files already written) on an open inspection. The same
    /// photo (by hash) is stored once, and attached once however often it is listed.
    ///
    /// Errors: `Duplicate(OpenDefect)` when the item already has an open defect; `Refused`
    /// (`domain::inspection::raise_on_completed_refusal`) when the inspection is completed;
    /// `NotFound(Inspection)`; `Reference` for an unknown project or unit.
    pub async fn raise_defect(&self, actor: &Actor, d: &NewDefect) -> Result<i64> {
        let mut tx = self.write().await?;
        let i = &d.input;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO defects (project_id, unit_id, inspection_id, room, item, cat1, cat2, cat3, severity, party, deadline,
                description, pin_x, pin_y, status, raised_at, raised_by)
             SELECT $1, $2, i.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 FROM inspections i
             WHERE i.id = $17 AND i.completed_at IS NULL
             RETURNING id",
        )
        .bind(d.project_id)
        .bind(d.unit_id)
        .bind(&i.room)
        .bind(&i.item)
        .bind(&i.category[0])
        .bind(&i.category[1])
        .bind(&i.category[2])
        .bind(i.severity.as_str())
        .bind(&i.party)
        .bind(i.deadline.map(|d| d.to_string()).unwrap_or_default())
        .bind(&i.description)
        .bind(i.pin.map(|p| i64::from(p.0)))
        .bind(i.pin.map(|p| i64::from(p.1)))
        .bind(DefectStatus::RAISED.as_str())
        .bind(&actor.at)
        .bind(&actor.username)
        .bind(i.inspection_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(id) = id else {
            return Err(match inspection_completed(&mut tx, i.inspection_id).await? {
                None => Error::NotFound(Entity::Inspection),
                Some(_) => Error::Refused(raise_on_completed_refusal()),
            });
        };
        for p in &d.photos {
            let pid: i64 = sqlx::query_scalar(
                "INSERT INTO photos (hash, file_name, ext, bytes, created_at, content, thumbnail) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (hash) DO UPDATE SET content = COALESCE(photos.content, excluded.content),
                     thumbnail = COALESCE(photos.thumbnail, excluded.thumbnail)
                 RETURNING id",
            )
            .bind(&p.hash)
            .bind(&p.file_name)
            .bind(&p.ext)
            .bind(p.bytes)
            .bind(&actor.at)
            .bind(&p.content)
            .bind(&p.thumbnail)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            exec(
                sqlx::query("INSERT INTO defect_photos (defect_id, photo_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(pid),
                &mut *tx,
            )
            .await?;
        }
        audit::write::<(), _>(&mut tx, actor, "defect", id, "create", None, Some(i)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A photo's file extension and its bytes (or its thumbnail's, a JPEG); `None` for a photo
    /// whose file was missing when it was moved into the database.
    ///
    /// Errors: `NotFound(Photo)`.
    pub async fn photo(&self, id: i64, thumbnail: bool) -> Result<(String, Option<Vec<u8>>)> {
        let sql = if thumbnail {
            "SELECT ext, thumbnail AS image FROM photos WHERE id = $1"
        } else {
            "SELECT ext, content AS image FROM photos WHERE id = $1"
        };
        let r = sqlx::query(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Photo))?;
        Ok((get(&r, "ext")?, get(&r, "image")?))
    }

    /// Write a decided step (`domain::inspection::step`): the new status with its effects, the
    /// event and the audit line — only if the defect is still at `version` and `step.from`.
    ///
    /// Errors: `Stale(Defect)` (also when there is no such defect).
    pub async fn move_defect(&self, actor: &Actor, id: i64, version: i64, step: &DefectStep) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = exec(
            sqlx::query(
                "UPDATE defects SET status = $1, version = version + 1,
                fixed_by = COALESCE($2, fixed_by), fixed_at = COALESCE($3, fixed_at),
                closed_at = COALESCE($4, closed_at), reopened = reopened + $5
             WHERE id = $6 AND version = $7 AND status = $8",
            )
            .bind(step.to.as_str())
            .bind(step.records_fixer.then_some(&actor.username))
            .bind(step.records_fixer.then_some(&actor.at))
            .bind(step.closes.then_some(&actor.at))
            .bind(i64::from(step.returns))
            .bind(id)
            .bind(version)
            .bind(step.from.as_str()),
            &mut *tx,
        )
        .await?;
        not_stale(rows, Entity::Defect)?;
        exec(
            sqlx::query(
                "INSERT INTO defect_events (defect_id, action, from_status, to_status, reason, at, by_user) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(step.action.as_str())
            .bind(step.from.as_str())
            .bind(step.to.as_str())
            .bind(&step.reason)
            .bind(&actor.at)
            .bind(&actor.username),
            &mut *tx,
        )
        .await?;
        audit::write::<(), _>(
            &mut tx,
            actor,
            "defect",
            id,
            step.action.as_str(),
            None,
            Some(&serde_json::json!({"to": step.to, "reason": step.reason})),
        )
        .await?;
        tx.commit().await
    }

    /// Defects matching the filter (`DefectQuery::filter`), newest first. Only the conditions in
    /// use go into the SQL (values bound), so the matching index can be used.
    pub async fn defects(&self, f: &DefectFilter) -> Result<Vec<DefectRecord>> {
        let mut qb = QueryBuilder::<Db>::new(DEFECT_SELECT);
        qb.push(" WHERE d.project_id = ").push_bind(f.project_id);
        if let Some(u) = f.unit_id {
            qb.push(" AND d.unit_id = ").push_bind(u);
        }
        if let Some(p) = &f.party {
            qb.push(" AND d.party = ").push_bind(p.clone());
        }
        if let Some(c) = &f.category {
            qb.push(" AND d.cat1 = ").push_bind(c.clone());
        }
        if let Some(statuses) = &f.statuses {
            if statuses.is_empty() {
                return Ok(vec![]);
            }
            qb.push(" AND d.status IN (");
            let mut list = qb.separated(", ");
            for s in statuses {
                list.push_bind(s.as_str());
            }
            qb.push(")");
        }
        if let Some(day) = f.deadline_before {
            qb.push(" AND d.deadline < ").push_bind(day.to_string());
        }
        qb.push(" ORDER BY d.id DESC LIMIT ").push_bind(f.limit);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db_err)?;
        self.with_photos(rows.iter().map(record_from).collect::<Result<_>>()?).await
    }

    /// Errors: `NotFound(Defect)`.
    pub async fn defect(&self, id: i64) -> Result<DefectRecord> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{DEFECT_SELECT} WHERE d.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or(Error::NotFound(Entity::Defect))?;
        let mut v = self.with_photos(vec![record_from(&r)?]).await?;
        v.pop().ok_or(Error::NotFound(Entity::Defect))
    }

    /// An inspection's defects, oldest first.
    pub async fn defects_of_inspection(&self, inspection_id: i64) -> Result<Vec<DefectRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DEFECT_SELECT} WHERE d.inspection_id = $1 ORDER BY d.id"
        )))
        .bind(inspection_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        self.with_photos(rows.iter().map(record_from).collect::<Result<_>>()?).await
    }

    /// The defects with their photos (oldest photo first), looked up in bound id lists.
    async fn with_photos(&self, mut defects: Vec<DefectRecord>) -> Result<Vec<DefectRecord>> {
        let ids: Vec<i64> = defects.iter().map(|d| d.id).collect();
        let mut by: HashMap<i64, Vec<Photo>> = HashMap::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT dp.defect_id, p.id, p.hash, p.file_name, p.bytes FROM defect_photos dp JOIN photos p ON p.id = dp.photo_id WHERE dp.defect_id IN (",
            );
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(") ORDER BY p.id");
            for r in &qb.build().fetch_all(&self.pool).await.map_err(db_err)? {
                by.entry(get(r, "defect_id")?).or_default().push(Photo {
                    id: get(r, "id")?,
                    hash: get(r, "hash")?,
                    file_name: get(r, "file_name")?,
                    bytes: get(r, "bytes")?,
                });
            }
        }
        for d in &mut defects {
            d.photos = by.remove(&d.id).unwrap_or_default();
        }
        Ok(defects)
    }

    /// A defect's recorded transitions, oldest first.
    pub async fn defect_events(&self, id: i64) -> Result<Vec<DefectEvent>> {
        all(
            sqlx::query("SELECT * FROM defect_events WHERE defect_id = $1 ORDER BY id").bind(id),
            &self.pool,
            |r| {
                Ok(DefectEvent {
                    id: get(r, "id")?,
                    defect_id: id,
                    action: code(r, "action", DefectAction::parse)?,
                    from_status: code(r, "from_status", DefectStatus::parse)?,
                    to_status: code(r, "to_status", DefectStatus::parse)?,
                    reason: get(r, "reason")?,
                    at: get(r, "at")?,
                    by: get(r, "by_user")?,
                })
            },
        )
        .await
    }

    /// The facts of every defect of a project (void ones included) for
    /// `domain::inspection::scorecards`, which decides what counts.
    pub async fn score_facts(&self, project_id: i64) -> Result<Vec<ScoreFacts>> {
        all(
            sqlx::query(
                "SELECT party, status, deadline, raised_at, fixed_at, closed_at, reopened FROM defects WHERE project_id = $1 ORDER BY id",
            )
            .bind(project_id),
            &self.pool,
            |r| {
                Ok(ScoreFacts {
                    party: get(r, "party")?,
                    status: code(r, "status", DefectStatus::parse)?,
                    deadline: date(r, "deadline")?,
                    raised_at: get(r, "raised_at")?,
                    fixed_at: get(r, "fixed_at")?,
                    closed_at: get(r, "closed_at")?,
                    reopened: get(r, "reopened")?,
                })
            },
        )
        .await
    }
}

fn record_from(r: &DbRow) -> Result<DefectRecord> {
    let pin = match (get::<Option<i64>>(r, "pin_x")?, get::<Option<i64>>(r, "pin_y")?) {
        (Some(x), Some(y)) => Some((percent_of(x, "pin_x")?, percent_of(y, "pin_y")?)),
        _ => None,
    };
    Ok(DefectRecord {
        id: get(r, "id")?,
        unit_id: get(r, "unit_id")?,
        unit_label: super::super::rows::unit_label(r)?,
        inspection_id: get(r, "inspection_id")?,
        room: get(r, "room")?,
        item: get(r, "item")?,
        category: [get(r, "cat1")?, get(r, "cat2")?, get(r, "cat3")?],
        severity: code(r, "severity", Severity::parse)?,
        party: get(r, "party")?,
        deadline: date(r, "deadline")?,
        description: get(r, "description")?,
        pin,
        status: code(r, "status", DefectStatus::parse)?,
        raised_at: get(r, "raised_at")?,
        raised_by: get(r, "raised_by")?,
        fixed_by: get(r, "fixed_by")?,
        fixed_at: get(r, "fixed_at")?,
        closed_at: get(r, "closed_at")?,
        reopened: get(r, "reopened")?,
        photos: vec![],
        version: get(r, "version")?,
    })
}

/// A stored pin coordinate (percent).
fn percent_of(v: i64, col: &str) -> Result<u8> {
    u8::try_from(v).map_err(|_| Error::Corrupt(col.to_string()))
}
