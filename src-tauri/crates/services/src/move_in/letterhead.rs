//! The letterhead printed on every document (company, address, service phone, logo, seal).

use super::*;
use crate::Services;
use domain::role::{Permission, Session};
use domain::{AppError, Result};
use notices::layout::{Image, Letterhead};
use store::{LetterheadChange, StoredImage};

impl Services {
    pub async fn letterhead_settings(&self, s: &Session) -> Result<LetterheadSettings> {
        s.require(Permission::ViewRecords)?;
        let l = self.store.letterhead().await?;
        Ok(LetterheadSettings {
            company: l.company,
            address: l.address,
            phone: l.phone,
            has_logo: l.logo.is_some(),
            has_seal: l.seal.is_some(),
        })
    }

    /// Save the letterhead. Images are decoded before anything is written: a corrupt, huge or
    /// non-image file is refused by name and the letterhead stays as it was.
    ///
    /// Errors: `Forbidden`; `Invalid` on `company`/`address`/`phone`/`logo`/`seal`.
    pub async fn save_letterhead(&self, s: &Session, input: &LetterheadInput) -> Result<LetterheadSettings> {
        s.require(Permission::ManageSettings)?;
        let field = |f: &str, label: &str, v: &str, max: usize| -> Result<String> {
            let v = v.trim().to_string();
            if v.chars().count() > max {
                return Err(AppError::invalid(f, format!("{label}不超过 {max} 个字")));
            }
            notices::check_text(&v).map_err(|e| AppError::invalid(f, e.to_string()))?;
            Ok(v)
        };
        let image = |name: &str, label: &str, change: &ImageChange| -> Result<Option<Option<StoredImage>>> {
            match change {
                ImageChange::Keep => Ok(None),
                ImageChange::Clear => Ok(Some(None)),
                ImageChange::Upload(up) => {
                    let bytes = crate::images::bytes(name, label, up, notices::layout::MAX_IMAGE_BYTES as u64)?;
                    Image::decode(&bytes, label).map_err(|e| AppError::invalid(name, e.to_string()))?;
                    Ok(Some(Some(StoredImage {
                        name: up.display_name(),
                        bytes,
                    })))
                }
            }
        };
        let change = LetterheadChange {
            company: field("company", "公司名称", &input.company, 40)?,
            address: field("address", "地址", &input.address, 80)?,
            phone: field("phone", "服务电话", &input.phone, 30)?,
            logo: image("logo", "徽标", &input.logo)?,
            seal: image("seal", "公章", &input.seal)?,
        };
        self.store.save_letterhead(&self.actor(s), &change).await?;
        self.letterhead_settings(s).await
    }

    /// The letterhead printed on a project's documents (the project's name when no company is set).
    ///
    /// Errors: `Invalid` when a stored image no longer decodes.
    pub async fn letterhead(&self, project_name: &str) -> Result<Letterhead> {
        let l = self.store.letterhead().await?;
        let img = |v: &Option<StoredImage>, what: &str| -> Result<Option<Image>> {
            match v {
                Some(i) => Image::decode(&i.bytes, what).map(Some).map_err(crate::finance::notice_error),
                None => Ok(None),
            }
        };
        Ok(Letterhead {
            company: if l.company.is_empty() {
                project_name.to_string()
            } else {
                l.company.clone()
            },
            address: l.address.clone(),
            phone: l.phone.clone(),
            logo: img(&l.logo, "徽标")?,
            seal: img(&l.seal, "公章")?,
        })
    }
}
