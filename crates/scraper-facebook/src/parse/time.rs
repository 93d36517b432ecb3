//! Facebook's Unix timestamps as RFC 3339 instants in UTC (`2026-05-09T19:00:00Z`).

use chrono::{DateTime, SecondsFormat};

/// Timestamps at or past year 10000 are not RFC 3339; Facebook's are seconds, far below.
const MAX_SECONDS: i64 = 253_402_300_800;

/// `seconds` since the epoch as RFC 3339 in UTC; `None` for 0 (Facebook's "none"), negative or
/// absurd values.
pub(crate) fn rfc3339(seconds: i64) -> Option<String> {
    if seconds <= 0 || seconds >= MAX_SECONDS {
        return None;
    }
    DateTime::from_timestamp(seconds, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_seconds() {
        assert_eq!(
            rfc3339(1_778_353_200).as_deref(),
            Some("2026-05-09T19:00:00Z")
        );
        assert_eq!(rfc3339(0), None);
        assert_eq!(rfc3339(-5), None);
        assert_eq!(rfc3339(1_778_353_200_000), None);
    }
}
