//! The one way a unit is named for people — on screens, in lists and exports, on paper and in
//! file names: its building and its number (楼栋 房号, "1栋 1-101").

use crate::model::Unit;

/// "1栋" and "1-101" → "1栋 1-101"; the number alone when the building has no name.
pub fn unit_label(building: &str, number: &str) -> String {
    let (b, n) = (building.trim(), number.trim());
    if b.is_empty() {
        n.to_string()
    } else if n.is_empty() {
        b.to_string()
    } else {
        format!("{b} {n}")
    }
}

impl Unit {
    /// This unit's label, as [`unit_label`].
    pub fn label(&self) -> String {
        unit_label(&self.building_name, &self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn building_then_number() {
        assert_eq!(unit_label("1栋", "1-101"), "1栋 1-101");
        assert_eq!(unit_label(" 2栋 ", " 2-1801 "), "2栋 2-1801");
        assert_eq!(unit_label("", "B-12"), "B-12");
        assert_eq!(unit_label("地下车库", ""), "地下车库");
    }
}
