//! Amounts as the screens and the printed statements show them, formatted once, in Rust: money
//! grouped by thousands with two places (the domain's one formatter, [`domain::amount::grouped`]),
//! rates as percentages, counts as whole numbers. The UI shows these strings as sent; it never
//! groups, rounds or sums an amount itself.

use crate::quote::{Quote, QuoteItem};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// "1500000" → "1,500,000.00".
pub fn money(d: Decimal) -> String {
    domain::amount::grouped(d)
}

/// A base or quantity: a count without places ("2"), an area or an amount grouped ("89.50").
pub fn quantity(d: Decimal) -> String {
    if d.scale() == 0 {
        let s = domain::amount::grouped(d);
        s.strip_suffix(".00").map(str::to_string).unwrap_or(s)
    } else {
        money(d)
    }
}

/// One quote line's figures as shown: base, rate or unit amount, amount, and the computed amount
/// when a clerk replaced it; "—" where the line has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "QuoteLineDisplay"))]
pub struct LineDisplay {
    pub base: String,
    pub rate: String,
    pub amount: String,
    pub computed: Option<String>,
}

impl LineDisplay {
    pub fn of(i: &QuoteItem) -> LineDisplay {
        LineDisplay {
            base: i.base.map(quantity).unwrap_or_else(|| "—".into()),
            rate: match (i.rate, i.unit_amount) {
                (Some(r), _) => crate::percent(r),
                (None, Some(u)) => money(u),
                _ => "—".into(),
            },
            amount: money(i.amount),
            computed: i.overridden.as_ref().map(|o| money(o.computed)),
        }
    }
}

impl Quote {
    /// The quote with every display string (re)computed from its figures — for quotes saved
    /// before the strings existed, and after overrides change a line.
    pub fn with_display(mut self) -> Quote {
        for i in &mut self.items {
            i.display = LineDisplay::of(i);
        }
        self.total_display = money(self.total);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_is_grouped_and_counts_are_whole() {
        let d = |s: &str| Decimal::from_str(s).expect("d");
        assert_eq!(money(d("1500000")), "1,500,000.00");
        assert_eq!(money(d("-140000.5")), "-140,000.50");
        assert_eq!(quantity(d("2")), "2");
        assert_eq!(quantity(d("1200")), "1,200");
        assert_eq!(quantity(d("89.50")), "89.50");
        assert_eq!(quantity(d("1376146.79")), "1,376,146.79");
    }
}
