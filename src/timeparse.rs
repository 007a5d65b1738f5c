//! Times on the command line: RFC 3339 (`2026-01-31T12:00:00Z`), a date
//! (`2026-01-31`, midnight UTC) or a duration relative to now (`24h`, `7d`, `30m`).

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
        let d = relative(s).ok_or_else(|| {
            format!("invalid time '{s}': use RFC 3339 (2026-01-31T12:00:00Z), a date (2026-01-31) or a duration (24h, 7d)")
        })?;
        match dir {
            Direction::Past => now - d,
            Direction::Future => now + d,
        }
    };
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| e.to_string())?;
    t.format(&Rfc3339).map_err(|e| e.to_string())
}

fn relative(s: &str) -> Option<Duration> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().ok()?;
    match unit {
        "s" => Some(Duration::seconds(n)),
        "m" => Some(Duration::minutes(n)),
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        "w" => Some(Duration::weeks(n)),
        _ => None,
    }
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
        for bad in ["", "yesterday", "7y", "2026-13-01"] {
            assert!(parse(bad, Direction::Past, now).is_err(), "{bad}");
        }
    }
}
