//! A post's shortcode is its numeric media id written in URL-safe base64 (`A`–`Z`, `a`–`z`,
//! `0`–`9`, `-`, `_`, most significant digit first): `CygtX9ivC0U` is 3215769692664507668. The
//! parsers use this to recover one from the other when an answer lacks either.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The shortcode of a numeric media id (`"3215769692664507668"` → `CygtX9ivC0U`); `None` when
/// `id` is not a decimal number of at most 20 digits that fits in 64 bits.
pub fn shortcode_from_id(id: &str) -> Option<String> {
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: u64 = id.parse().ok()?;
    let mut digits = Vec::with_capacity(11);
    loop {
        digits.push(ALPHABET[usize::try_from(n % 64).ok()?]);
        n /= 64;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).ok()
}

/// The numeric media id of a shortcode (`CygtX9ivC0U` → `"3215769692664507668"`); `None` for
/// anything that is not a shortcode of a 64-bit id (the longer codes of private posts
/// included).
pub fn id_from_shortcode(shortcode: &str) -> Option<String> {
    if shortcode.is_empty() || shortcode.len() > 11 {
        return None;
    }
    let mut n: u64 = 0;
    for b in shortcode.bytes() {
        let digit = ALPHABET.iter().position(|&a| a == b)?;
        n = n.checked_mul(64)?.checked_add(u64::try_from(digit).ok()?)?;
    }
    Some(n.to_string())
}

/// Whether `text` could be a shortcode: 1 to 64 characters of the URL-safe base64 alphabet.
pub(crate) fn is_shortcode(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_pairs_both_ways() {
        for (id, code) in [
            ("3215769692664507668", "CygtX9ivC0U"),
            ("2837357660084836649", "CdgUcJGFxkp"),
            ("2997817331787027891", "CmaYvrqrNWz"),
            ("0", "A"),
            ("63", "_"),
            ("64", "BA"),
        ] {
            assert_eq!(shortcode_from_id(id).as_deref(), Some(code), "{id}");
            assert_eq!(id_from_shortcode(code).as_deref(), Some(id), "{code}");
        }
    }

    #[test]
    fn refuses_what_is_not_one() {
        for id in [
            "",
            "-1",
            "1.5",
            "x",
            "99999999999999999999999",
            "18446744073709551616",
        ] {
            assert_eq!(shortcode_from_id(id), None, "{id}");
        }
        assert_eq!(
            shortcode_from_id("18446744073709551615").as_deref(),
            Some("P__________")
        );
        for code in [
            "",
            "a b",
            "é",
            "____________",
            "CygtX9ivC0Uxxxxxxxxxxxxxxxxxxxx",
        ] {
            assert_eq!(id_from_shortcode(code), None, "{code}");
        }
        assert!(is_shortcode("C3d2Y7dvr61"));
        assert!(!is_shortcode("../x"));
    }
}
