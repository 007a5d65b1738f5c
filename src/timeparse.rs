//! Times on the command line: RFC 3339 (`2026-01-31T12:00:00Z`), a date
//! (`2026-01-31`, midnight UTC) or a duration relative to now (`24h`, `7d`, `30m`,
//! `1d12h`, `2w`: jiff's friendly duration format, days of 24 hours). A duration or
//! time outside 0001-01-01 … 9999-12-31 is refused (never an overflow).

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};

/// Which way a relative duration points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Past,
    Future,
}

/// Parses `s` into an RFC 3339 UTC time; `now` anchors relative durations.
pub fn parse(s: &str, dir: Direction, now: OffsetDateTime) -> Result<String, String> {
    let s = s.trim();
    let t = if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        t
    } else if let Ok(d) = Date::parse(s, &time::macros::format_description!("[year]-[month]-[day]")) {
        d.midnight().assume_utc()
    } else {
        let d = relative(s)?;
        match dir {
            Direction::Past => now.checked_sub(d),
            Direction::Future => now.checked_add(d),
        }
        .filter(|t| (1..=9999).contains(&t.year()))
        .ok_or_else(|| out_of_range(s))?
    };
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| e.to_string())?;
    t.format(&Rfc3339).map_err(|e| e.to_string())
}

const SYNTAX: &str =
    "use RFC 3339 (2026-01-31T12:00:00Z), a date (2026-01-31) or a duration (24h, 7d, 1d12h)";

fn out_of_range(s: &str) -> String {
    format!("invalid time '{s}': out of range; times go from 0001-01-01 to 9999-12-31")
}

/// A duration (`7d`, `1d12h`, `90m`, `2w`): weeks and smaller units, days of 24 hours.
fn relative(s: &str) -> Result<Duration, String> {
    // Digits and week-or-smaller units only: if jiff refuses that, the numbers are
    // beyond its range (e.g. 999999999999999d).
    let looks_like_duration = s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || " smhdw".contains(c));
    let span: jiff::Span = s.parse().map_err(|_: jiff::Error| {
        if looks_like_duration {
            out_of_range(s)
        } else {
            format!("invalid time '{s}': {SYNTAX}")
        }
    })?;
    let d = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|_| format!("invalid time '{s}': {SYNTAX} (months and years are not durations)"))?;
    Ok(Duration::new(d.as_secs(), d.subsec_nanos()))
}

/// Now, in UTC.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_absolute_and_relative() {
        let now = datetime!(2026-01-10 12:00:00 UTC);
        assert_eq!(
            parse("2026-01-31T12:00:00Z", Direction::Past, now).unwrap(),
            "2026-01-31T12:00:00Z"
        );
        assert_eq!(
            parse("2026-01-31T12:00:00+01:00", Direction::Past, now).unwrap(),
            "2026-01-31T11:00:00Z"
        );
        assert_eq!(
            parse("2026-01-31", Direction::Past, now).unwrap(),
            "2026-01-31T00:00:00Z"
        );
        assert_eq!(
            parse("24h", Direction::Past, now).unwrap(),
            "2026-01-09T12:00:00Z"
        );
        assert_eq!(
            parse("7d", Direction::Future, now).unwrap(),
            "2026-01-17T12:00:00Z"
        );
        assert_eq!(
            parse("1d12h", Direction::Future, now).unwrap(),
            "2026-01-12T00:00:00Z"
        );
        assert_eq!(parse("2w", Direction::Past, now).unwrap(), "2025-12-27T12:00:00Z");
        assert_eq!(
            parse("90m", Direction::Future, now).unwrap(),
            "2026-01-10T13:30:00Z"
        );
        for bad in ["", "yesterday", "7y", "2026-13-01", "d", "7q"] {
            let err = parse(bad, Direction::Past, now).unwrap_err();
            assert!(err.starts_with(&format!("invalid time '{bad}'")), "{err}");
        }
    }

    #[test]
    fn out_of_range_durations_say_the_range() {
        let now = datetime!(2026-01-10 12:00:00 UTC);
        for big in [
            "999999999999999d",
            "7000000d",
            "3000000d",
            "99999999999999999999s",
        ] {
            for dir in [Direction::Past, Direction::Future] {
                let err = parse(big, dir, now).unwrap_err();
                assert!(err.contains("out of range"), "{big}: {err}");
                assert!(err.contains("0001-01-01 to 9999-12-31"), "{err}");
            }
        }
    }
}
