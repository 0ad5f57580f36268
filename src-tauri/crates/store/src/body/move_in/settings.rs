//! Settings (generic key/value rows) and the letterhead (its own one-row table).

use super::super::rows::{exec, get};
use super::super::{audit, Imp};
use crate::types::{Letterhead, LetterheadChange, SettingValue, StoredImage};
use crate::{db_err, Actor, Result};

impl Imp {
    // ─────────────── settings ───────────────

    /// A setting's text value and image, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<SettingValue>> {
        let r = sqlx::query("SELECT value, image FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        r.map(|r| Ok((get(&r, "value")?, get(&r, "image")?))).transpose()
    }

    /// Set (or with `None` value, clear) several settings at once, audited.
    pub async fn set_settings(&self, actor: &Actor, values: &[(&str, Option<SettingValue>)]) -> Result<()> {
        let mut tx = self.write().await?;
        for (key, value) in values {
            match value {
                Some((text, image)) => {
                    exec(
                        sqlx::query(
                            "INSERT INTO settings (key, value, image, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value, image = excluded.image,
                         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                        )
                        .bind(key)
                        .bind(text)
                        .bind(image)
                        .bind(&actor.at)
                        .bind(&actor.username),
                        &mut *tx,
                    )
                    .await?;
                }
                None => {
                    exec(sqlx::query("DELETE FROM settings WHERE key = $1").bind(key), &mut *tx).await?;
                }
            }
            let after = value
                .as_ref()
                .map(|(t, i)| serde_json::json!({"key": key, "value": t, "image_bytes": i.as_ref().map(Vec::len)}));
            audit::write::<(), _>(&mut tx, actor, "setting", 0, "set", None, after.as_ref()).await?;
        }
        tx.commit().await
    }

    // ─────────────── letterhead ───────────────

    /// The letterhead (the default, all empty, until one is saved).
    pub async fn letterhead(&self) -> Result<Letterhead> {
        let Some(r) = sqlx::query("SELECT * FROM letterhead WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
        else {
            return Ok(Letterhead::default());
        };
        let image = |name: &str, col: &str| -> Result<Option<StoredImage>> {
            Ok(get::<Option<Vec<u8>>>(&r, col)?.map(|bytes| StoredImage {
                name: get(&r, name).unwrap_or_default(),
                bytes,
            }))
        };
        Ok(Letterhead {
            company: get(&r, "company")?,
            address: get(&r, "address")?,
            phone: get(&r, "phone")?,
            logo: image("logo_name", "logo")?,
            seal: image("seal_name", "seal")?,
            updated_at: Some(get(&r, "updated_at")?),
            updated_by: Some(get(&r, "updated_by")?),
        })
    }

    /// Save the letterhead's texts and change its images as asked, in one audited transaction.
    pub async fn save_letterhead(&self, actor: &Actor, c: &LetterheadChange) -> Result<()> {
        let mut tx = self.write().await?;
        exec(
            sqlx::query(
                "INSERT INTO letterhead (id, company, address, phone, updated_at, updated_by) VALUES (1, $1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET company = excluded.company, address = excluded.address, phone = excluded.phone,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(&c.company)
            .bind(&c.address)
            .bind(&c.phone)
            .bind(&actor.at)
            .bind(&actor.username),
            &mut *tx,
        )
        .await?;
        let images = [
            ("UPDATE letterhead SET logo_name = $1, logo = $2 WHERE id = 1", &c.logo),
            ("UPDATE letterhead SET seal_name = $1, seal = $2 WHERE id = 1", &c.seal),
        ];
        for (sql, change) in images {
            if let Some(image) = change {
                exec(
                    sqlx::query(sql)
                        .bind(image.as_ref().map(|i| i.name.clone()).unwrap_or_default())
                        .bind(image.as_ref().map(|i| i.bytes.clone())),
                    &mut *tx,
                )
                .await?;
            }
        }
        let bytes = |v: &Option<Option<StoredImage>>| v.as_ref().map(|i| i.as_ref().map_or(0, |i| i.bytes.len()));
        let after = serde_json::json!({
            "key": "letterhead", "company": c.company, "address": c.address, "phone": c.phone,
            "logo_bytes": bytes(&c.logo), "seal_bytes": bytes(&c.seal),
        });
        audit::write::<(), _>(&mut tx, actor, "setting", 0, "set", None, Some(&after)).await?;
        tx.commit().await
    }
}
