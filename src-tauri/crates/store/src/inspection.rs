//! Inspection storage: template versions, inspections, defects with photos and their events.
//! Each write is one transaction with its audit line; the defect's version and the unique
//! "one open defect per item" index settle races.

use crate::rows::{code, from_json, get, json};
use crate::Result;
use crate::{audit, db_err, not_stale, Actor, Store};
use domain::inspection::*;
use domain::move_in::MeterReading;
use domain::AppError;
use sqlx::sqlite::SqliteRow;
use sqlx::Sqlite;

/// An inspection row without its defects (the service adds them).
#[derive(Debug, Clone)]
pub struct InspectionRow {
    pub inspection: Inspection,
    pub signature: Option<Vec<u8>>,
}

/// A photo to attach: already written to the photo folder by the caller.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub hash: String,
    pub file_name: String,
    pub ext: String,
    pub bytes: i64,
}

/// Filled by the service after validation.
#[derive(Debug, Clone)]
pub struct NewDefect {
    pub project_id: i64,
    pub unit_id: i64,
    pub input: DefectInput,
    pub photos: Vec<NewPhoto>,
}

const DEFECT_SELECT: &str = "SELECT d.*, bl.name || ' ' || u.number AS unit_label FROM defects d
     JOIN units u ON u.id = d.unit_id JOIN buildings bl ON bl.id = u.building_id";

impl Store {
    /// The latest version of a project's template for a unit type.
    pub async fn latest_template(&self, project_id: i64, unit_type: &str) -> Result<Option<Template>> {
        let r = sqlx::query("SELECT * FROM inspection_templates WHERE project_id = ? AND unit_type = ? ORDER BY version DESC LIMIT 1")
            .bind(project_id)
            .bind(unit_type)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        r.as_ref().map(template_from).transpose()
    }

    pub async fn template(&self, id: i64) -> Result<Template> {
        let r = sqlx::query("SELECT * FROM inspection_templates WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::not_found("检查表"))?;
        template_from(&r)
    }

    /// Save a new version (the old ones stay: inspections keep the version they used).
    pub async fn save_template(&self, actor: &Actor, t: &TemplateInput) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspection_templates (project_id, unit_type, version, items, created_at, created_by)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(version), 0) + 1 FROM inspection_templates WHERE project_id = ?1 AND unit_type = ?2), ?3, ?4, ?5)
             RETURNING id",
        )
        .bind(t.project_id)
        .bind(&t.unit_type)
        .bind(json(&t.items)?)
        .bind(&actor.at)
        .bind(&actor.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        audit::write::<(), _>(&mut tx, actor, "inspection_template", id, "create", None, Some(t)).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    pub async fn start_inspection(&self, actor: &Actor, unit_id: i64, kind: InspectionKind, template_id: i64) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspections (unit_id, kind, template_id, inspector, started_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(unit_id)
        .bind(kind.as_str())
        .bind(template_id)
        .bind(&actor.username)
        .bind(&actor.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        audit::write::<(), _>(
            &mut tx,
            actor,
            "unit",
            unit_id,
            "inspection_started",
            None,
            Some(&serde_json::json!({"inspection": id, "kind": kind})),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    pub async fn inspection_row(&self, id: i64) -> Result<InspectionRow> {
        let r = sqlx::query(
            "SELECT i.*, t.items, t.version AS template_version, bl.name || ' ' || u.number AS unit_label FROM inspections i
             JOIN inspection_templates t ON t.id = i.template_id JOIN units u ON u.id = i.unit_id JOIN buildings bl ON bl.id = u.building_id
             WHERE i.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .ok_or_else(|| AppError::not_found("验房记录"))?;
        let signature: Option<Vec<u8>> = get(&r, "signature")?;
        Ok(InspectionRow {
            inspection: Inspection {
                id,
                unit_id: get(&r, "unit_id")?,
                unit_label: get(&r, "unit_label")?,
                kind: code(&r, "kind", InspectionKind::parse)?,
                template_id: get(&r, "template_id")?,
                template_version: get(&r, "template_version")?,
                items: from_json(&r, "items")?,
                outcomes: from_json(&r, "outcomes")?,
                meters: from_json::<Vec<MeterReading>>(&r, "meters")?,
                remarks: get(&r, "remarks")?,
                inspector: get(&r, "inspector")?,
                started_at: get(&r, "started_at")?,
                completed_at: get(&r, "completed_at")?,
                has_signature: signature.is_some(),
                version: get(&r, "version")?,
                defects: vec![],
            },
            signature,
        })
    }

    pub async fn inspection_ids_of_unit(&self, unit_id: i64) -> Result<Vec<i64>> {
        sqlx::query_scalar("SELECT id FROM inspections WHERE unit_id = ? ORDER BY id DESC")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Save results, readings and remarks (not after completion).
    ///
    /// Errors: `Stale`; `Conflict` when completed.
    pub async fn update_inspection(&self, actor: &Actor, u: &InspectionUpdate) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "UPDATE inspections SET outcomes = ?, meters = ?, remarks = ?, version = version + 1 WHERE id = ? AND version = ? AND completed_at IS NULL",
        )
        .bind(json(&u.outcomes)?)
        .bind(json(&u.meters)?)
        .bind(&u.remarks)
        .bind(u.inspection_id)
        .bind(u.version)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        self.check_open(&mut tx, u.inspection_id, rows).await?;
        audit::write::<(), _>(&mut tx, actor, "inspection", u.inspection_id, "update", None, Some(u)).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn check_open(&self, tx: &mut sqlx::Transaction<'_, Sqlite>, id: i64, rows: u64) -> Result<()> {
        if rows == 0 {
            let done: Option<Option<String>> = sqlx::query_scalar("SELECT completed_at FROM inspections WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_err)?;
            if let Some(Some(_)) = done {
                return Err(AppError::conflict("验房已完成，不能再修改").into());
            }
            not_stale(0, domain::record::Entity::Inspection)?;
        }
        Ok(())
    }

    /// Store the owner's signature image.
    pub async fn sign_inspection(&self, actor: &Actor, id: i64, version: i64, png: &[u8]) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "UPDATE inspections SET signature = ?, version = version + 1 WHERE id = ? AND version = ? AND completed_at IS NULL",
        )
        .bind(png)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        self.check_open(&mut tx, id, rows).await?;
        audit::write::<(), ()>(&mut tx, actor, "inspection", id, "signed", None, None).await?;
        tx.commit().await.map_err(db_err)
    }

    /// Mark complete.
    pub async fn complete_inspection(&self, actor: &Actor, id: i64, version: i64) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "UPDATE inspections SET completed_at = ?, version = version + 1 WHERE id = ? AND version = ? AND completed_at IS NULL",
        )
        .bind(&actor.at)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        self.check_open(&mut tx, id, rows).await?;
        audit::write::<(), ()>(&mut tx, actor, "inspection", id, "completed", None, None).await?;
        tx.commit().await.map_err(db_err)
    }

    /// Raise a defect with its photos (files already written) and its first event.
    ///
    /// Errors: `Conflict` on `item` when the item already has an open defect.
    pub async fn raise_defect(&self, actor: &Actor, d: &NewDefect) -> Result<i64> {
        let mut tx = self.write().await?;
        let i = &d.input;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO defects (project_id, unit_id, inspection_id, room, item, cat1, cat2, cat3, severity, party, deadline,
                description, pin_x, pin_y, status, raised_at, raised_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
        )
        .bind(d.project_id)
        .bind(d.unit_id)
        .bind(i.inspection_id)
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
        .bind(&actor.at)
        .bind(&actor.username)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            crate::Error::Duplicate(_) => crate::Error::Refused(AppError::conflict_on(
                "item",
                format!("“{} / {}”已有未关闭的整改单，请勿重复登记", i.room, i.item),
            )),
            e => e,
        })?;
        for p in &d.photos {
            let pid: i64 = sqlx::query_scalar(
                "INSERT INTO photos (hash, file_name, ext, bytes, created_at) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id",
            )
            .bind(&p.hash)
            .bind(&p.file_name)
            .bind(&p.ext)
            .bind(p.bytes)
            .bind(&actor.at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query("INSERT OR IGNORE INTO defect_photos (defect_id, photo_id) VALUES (?, ?)")
                .bind(id)
                .bind(pid)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        audit::write::<(), _>(&mut tx, actor, "defect", id, "create", None, Some(i)).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    /// Is a photo file referenced by any row (so it must not be removed)?
    pub async fn photo_known(&self, hash: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM photos WHERE hash = ?")
            .bind(hash)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(n > 0)
    }

    pub async fn photo(&self, id: i64) -> Result<(String, String)> {
        let r = sqlx::query("SELECT hash, ext FROM photos WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::not_found("照片"))?;
        Ok((get(&r, "hash")?, get(&r, "ext")?))
    }

    /// Apply a transition decided by the service: new status, event, fixer/closer times.
    ///
    /// Errors: `Stale`.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_defect(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        action: DefectAction,
        from: DefectStatus,
        to: DefectStatus,
        reason: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "UPDATE defects SET status = ?1, version = version + 1,
                fixed_by = CASE WHEN ?2 = 'mark_fixed' THEN ?3 ELSE fixed_by END,
                fixed_at = CASE WHEN ?2 = 'mark_fixed' THEN ?4 ELSE fixed_at END,
                closed_at = CASE WHEN ?1 IN ('closed', 'void') THEN ?4 ELSE closed_at END,
                reopened = reopened + CASE WHEN ?2 = 'reject' THEN 1 ELSE 0 END
             WHERE id = ?5 AND version = ?6 AND status = ?7",
        )
        .bind(to.as_str())
        .bind(action.as_str())
        .bind(&actor.username)
        .bind(&actor.at)
        .bind(id)
        .bind(version)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        not_stale(rows, domain::record::Entity::Defect)?;
        sqlx::query(
            "INSERT INTO defect_events (defect_id, action, from_status, to_status, reason, at, by_user) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(action.as_str())
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(reason)
        .bind(&actor.at)
        .bind(&actor.username)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        audit::write::<(), _>(
            &mut tx,
            actor,
            "defect",
            id,
            action.as_str(),
            None,
            Some(&serde_json::json!({"to": to, "reason": reason})),
        )
        .await?;
        tx.commit().await.map_err(db_err)
    }

    /// Defects matching the filters, newest first; `today` computes overdue. Only the filters in
    /// use go into the SQL (values bound), so SQLite can use the matching index.
    pub async fn defects(&self, q: &DefectQuery, today: chrono::NaiveDate) -> Result<Vec<Defect>> {
        let today_s = today.to_string();
        let mut qb = sqlx::QueryBuilder::<Sqlite>::new(DEFECT_SELECT);
        qb.push(" WHERE d.project_id = ").push_bind(q.project_id);
        if let Some(u) = q.unit_id {
            qb.push(" AND d.unit_id = ").push_bind(u);
        }
        if let Some(p) = &q.party {
            qb.push(" AND d.party = ").push_bind(p.clone());
        }
        if let Some(c) = &q.category {
            qb.push(" AND d.cat1 = ").push_bind(c.clone());
        }
        if let Some(st) = q.status {
            qb.push(" AND d.status = ").push_bind(st.as_str());
        }
        if q.open_only || q.overdue_only {
            qb.push(" AND d.status IN ('pending', 'in_progress', 'awaiting_reinspection', 'disputed')");
        }
        if q.overdue_only {
            qb.push(" AND d.deadline < ").push_bind(today_s);
        }
        qb.push(" ORDER BY d.id DESC LIMIT ")
            .push_bind(q.limit.unwrap_or(1000).clamp(1, 100_000));
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db_err)?;
        let mut out = rows.iter().map(|r| defect_from(r, today)).collect::<Result<Vec<_>>>()?;
        self.attach_photos(&mut out).await?;
        Ok(out)
    }

    pub async fn defect(&self, id: i64, today: chrono::NaiveDate) -> Result<Defect> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{DEFECT_SELECT} WHERE d.id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::not_found("整改单"))?;
        let mut v = vec![defect_from(&r, today)?];
        self.attach_photos(&mut v).await?;
        v.pop().ok_or(crate::Error::NotFound(domain::record::Entity::Defect))
    }

    pub async fn defects_of_inspection(&self, inspection_id: i64, today: chrono::NaiveDate) -> Result<Vec<Defect>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DEFECT_SELECT} WHERE d.inspection_id = ? ORDER BY d.id"
        )))
        .bind(inspection_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut out = rows.iter().map(|r| defect_from(r, today)).collect::<Result<Vec<_>>>()?;
        self.attach_photos(&mut out).await?;
        Ok(out)
    }

    async fn attach_photos(&self, defects: &mut [Defect]) -> Result<()> {
        if defects.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = defects.iter().map(|d| d.id).collect();
        let rows = sqlx::query(
            "SELECT dp.defect_id, p.* FROM defect_photos dp JOIN photos p ON p.id = dp.photo_id
             WHERE dp.defect_id IN (SELECT value FROM json_each(?)) ORDER BY p.id",
        )
        .bind(json(&ids)?)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut by: std::collections::HashMap<i64, Vec<Photo>> = Default::default();
        for r in &rows {
            by.entry(get(r, "defect_id")?).or_default().push(Photo {
                id: get(r, "id")?,
                hash: get(r, "hash")?,
                file_name: get(r, "file_name")?,
                bytes: get(r, "bytes")?,
            });
        }
        for d in defects {
            d.photos = by.remove(&d.id).unwrap_or_default();
        }
        Ok(())
    }

    pub async fn defect_events(&self, id: i64) -> Result<Vec<DefectEvent>> {
        let rows = sqlx::query("SELECT * FROM defect_events WHERE defect_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
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
            })
            .collect()
    }

    /// Per responsible party: totals, open, closed, overdue (open past deadline, or closed after
    /// it), average days to fix, returned at least once.
    pub async fn scorecards(&self, project_id: i64, today: chrono::NaiveDate) -> Result<Vec<Scorecard>> {
        let rows = sqlx::query(
            "SELECT party, COUNT(*) AS total,
                SUM(status NOT IN ('closed', 'void')) AS open,
                SUM(status = 'closed') AS closed,
                SUM((status NOT IN ('closed', 'void') AND deadline < ?2) OR (status = 'closed' AND substr(closed_at, 1, 10) > deadline)) AS overdue,
                SUM(CASE WHEN fixed_at IS NOT NULL THEN CAST(ROUND((julianday(substr(fixed_at, 1, 19)) - julianday(substr(raised_at, 1, 19))) * 1440) AS INTEGER) END) AS fix_minutes,
                SUM(fixed_at IS NOT NULL) AS fixed,
                SUM(reopened > 0) AS reopened
             FROM defects WHERE project_id = ?1 AND status != 'void' GROUP BY party ORDER BY party",
        )
        .bind(project_id)
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let total: i64 = get(r, "total")?;
                let overdue: i64 = get(r, "overdue")?;
                let minutes: Option<i64> = get(r, "fix_minutes")?;
                let fixed: i64 = get(r, "fixed")?;
                Ok(Scorecard {
                    party: get(r, "party")?,
                    total,
                    open: get(r, "open")?,
                    closed: get(r, "closed")?,
                    overdue,
                    // Whole minutes summed in SQL; the average in days as a decimal, one place, half up.
                    average_days_to_fix: minutes.filter(|_| fixed > 0).map(|m| {
                        let days = rust_decimal::Decimal::from(m) / rust_decimal::Decimal::from(fixed * 1440);
                        format!(
                            "{:.1}",
                            days.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                        )
                    }),
                    overdue_rate: percent(overdue, total),
                    reopen_rate: percent(get(r, "reopened")?, total),
                })
            })
            .collect()
    }
}

fn template_from(r: &SqliteRow) -> Result<Template> {
    Ok(Template {
        id: get(r, "id")?,
        project_id: get(r, "project_id")?,
        unit_type: get(r, "unit_type")?,
        version: get(r, "version")?,
        items: from_json(r, "items")?,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
    })
}

fn defect_from(r: &SqliteRow, today: chrono::NaiveDate) -> Result<Defect> {
    let deadline: String = get(r, "deadline")?;
    let deadline = chrono::NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").map_err(AppError::internal)?;
    let status = code(r, "status", DefectStatus::parse)?;
    let pin = match (get::<Option<i64>>(r, "pin_x")?, get::<Option<i64>>(r, "pin_y")?) {
        (Some(x), Some(y)) => Some((u8::try_from(x).unwrap_or(0), u8::try_from(y).unwrap_or(0))),
        _ => None,
    };
    Ok(Defect {
        id: get(r, "id")?,
        unit_id: get(r, "unit_id")?,
        unit_label: get(r, "unit_label")?,
        inspection_id: get(r, "inspection_id")?,
        room: get(r, "room")?,
        item: get(r, "item")?,
        category: [get(r, "cat1")?, get(r, "cat2")?, get(r, "cat3")?],
        severity: code(r, "severity", Severity::parse)?,
        party: get(r, "party")?,
        deadline,
        description: get(r, "description")?,
        pin,
        status,
        raised_at: get(r, "raised_at")?,
        raised_by: get(r, "raised_by")?,
        fixed_by: get(r, "fixed_by")?,
        fixed_at: get(r, "fixed_at")?,
        closed_at: get(r, "closed_at")?,
        reopened: get(r, "reopened")?,
        photos: vec![],
        overdue_days: if status.is_open() {
            (today - deadline).num_days().max(0)
        } else {
            0
        },
        version: get(r, "version")?,
        actions: actions_from(status),
    })
}
