//! Masking of personal data in lists and exports (ID numbers, phones).

/// `330106199003071234` → `3301**********1234`: first 4 and last 4 kept.
pub fn id_number(s: &str) -> String {
    keep_ends(s, 4, 4)
}

/// `13800138000` → `138****8000`: first 3 and last 4 kept.
pub fn phone(s: &str) -> String {
    keep_ends(s, 3, 4)
}

/// A role that sees ID numbers and phones masked may find a buyer by their last 4 digits only: a
/// search by a whole number (or most of one) would tell it whose the number is.
///
/// Errors: `Invalid` on `search` for 5 or more digits (an ID's final X counted) from such a role.
pub fn refuse_number_search(search: &str, may_see: bool) -> Result<(), crate::AppError> {
    let t = search.trim();
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let number_like = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
    if !may_see && number_like && digits >= 5 {
        return Err(crate::AppError::invalid(
            "search",
            "当前角色看不到完整电话和证件号，只能按其后 4 位查找",
        ));
    }
    Ok(())
}

fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn masked_roles_search_by_the_last_four_digits_only() {
        use super::refuse_number_search as r;
        assert!(r("13800138000", true).is_ok());
        assert_eq!(r("13800138000", false).expect_err("full phone").field.as_deref(), Some("search"));
        assert!(r("11010519491231002X", false).is_err());
        assert!(r("0138", false).is_ok(), "a tail");
        assert!(r("1-101", false).is_ok(), "a unit number");
        assert!(r("12-1001", false).is_ok(), "a unit number with more digits");
        assert!(r("王伟", false).is_ok());
    }

    #[test]
    fn masks_middle() {
        assert_eq!(super::id_number("330106199003071234"), "3301**********1234");
        assert_eq!(super::phone("13800138000"), "138****8000");
        assert_eq!(super::phone("123"), "***");
    }
}
