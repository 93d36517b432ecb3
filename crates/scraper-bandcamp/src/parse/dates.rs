//! Bandcamp's date spellings turned into RFC 3339 UTC timestamps.

use chrono::{NaiveDate, NaiveDateTime};

/// `06 Mar 2017 00:00:00 GMT` (the pages' and the mobile API's form) → `2017-03-06T00:00:00Z`.
pub(crate) fn from_gmt(text: &str) -> Option<String> {
    let text = text.trim();
    let stamp = text
        .strip_suffix("GMT")
        .or_else(|| text.strip_suffix("UTC"))
        .unwrap_or(text)
        .trim();
    NaiveDateTime::parse_from_str(stamp, "%d %b %Y %H:%M:%S")
        .ok()
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// `released December 4, 2020` (search results) → `2020-12-04T00:00:00Z`.
pub(crate) fn from_released(text: &str) -> Option<String> {
    let text = text.trim();
    let date = text.strip_prefix("released").unwrap_or(text).trim();
    NaiveDate::parse_from_str(date, "%B %d, %Y")
        .ok()
        .map(|d| d.format("%Y-%m-%dT00:00:00Z").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        assert_eq!(
            from_gmt("06 Mar 2017 00:00:00 GMT").as_deref(),
            Some("2017-03-06T00:00:00Z")
        );
        assert_eq!(
            from_gmt("14 Apr 2023 08:01:27 GMT").as_deref(),
            Some("2023-04-14T08:01:27Z")
        );
        assert_eq!(from_gmt("yesterday"), None);
        assert_eq!(from_gmt(""), None);
        assert_eq!(
            from_released("released December 4, 2020").as_deref(),
            Some("2020-12-04T00:00:00Z")
        );
        assert_eq!(
            from_released("released March 30, 2012").as_deref(),
            Some("2012-03-30T00:00:00Z")
        );
        assert_eq!(from_released("released soon"), None);
    }
}
