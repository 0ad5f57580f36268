//! Decimals as quoted strings only: `"0.03"` is accepted, `0.03` (a float) is refused, so no value
//! ever passes through binary floating point. Used with `#[serde(with = "crate::quoted")]`.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serializer};
use std::str::FromStr;

pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let s = String::deserialize(d)?;
    Decimal::from_str(s.trim()).map_err(|_| serde::de::Error::custom(format!("“{s}”不是有效的十进制数")))
}

/// The same for optional values.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => Decimal::from_str(s.trim())
                .map(Some)
                .map_err(|_| serde::de::Error::custom(format!("“{s}”不是有效的十进制数"))),
        }
    }
}
