//! Masking of personal data in lists and exports (ID numbers, phones).

/// `330106199003071234` → `3301**********1234`: first 4 and last 4 kept.
pub fn id_number(s: &str) -> String {
    keep_ends(s, 4, 4)
}

/// `13800138000` → `138****8000`: first 3 and last 4 kept.
pub fn phone(s: &str) -> String {
    keep_ends(s, 3, 4)
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
    fn masks_middle() {
        assert_eq!(super::id_number("330106199003071234"), "3301**********1234");
        assert_eq!(super::phone("13800138000"), "138****8000");
        assert_eq!(super::phone("123"), "***");
    }
}
