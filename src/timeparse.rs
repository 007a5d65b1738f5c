//! Times and durations on the command line, one parser for every flag:
//! - times (`--expires-at`, `--since`): RFC 3339 (`2026-01-31T12:00:00Z`), a date
//!   (`2026-01-31`, midnight UTC) or a duration relative to now (`24h`, `7d`, `30m`,
//!   `1d12h`, `2w`). A duration or time outside 0001-01-01 … 9999-12-31 is refused
//!   (never an overflow);
//! - durations (`--timeout`, the `timeout` config key, `ACCESSCTL_TIMEOUT`): see
//!   [`timeout`].
//!
//! Both are jiff's friendly duration format (`1m30s`, `1.5s`, `250ms`, `1h 30m`,
//! `90 seconds`, ISO 8601 `PT30S`; a fraction only on the last unit, hours or
//! smaller), with days of 24 hours; months and years are refused.

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
    let d = span(s).map_err(|e| match e {
        SpanError::Syntax => format!("invalid time '{s}': {SYNTAX}"),
        SpanError::TooBig => out_of_range(s),
        SpanError::Calendar => format!("invalid time '{s}': {SYNTAX} (months and years are not durations)"),
    })?;
    Ok(Duration::new(d.as_secs(), d.subsec_nanos()))
}

/// Why a duration was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpanError {
    Syntax,
    /// Numbers beyond what a duration can hold (`999999999999999d`).
    TooBig,
    /// Months or years: no fixed length.
    Calendar,
}

/// Parses jiff's friendly (or ISO 8601) duration format; days are 24 hours.
fn span(s: &str) -> Result<jiff::SignedDuration, SpanError> {
    let s = s.trim();
    let span: jiff::Span = s.parse().map_err(|_: jiff::Error| {
        // jiff refuses numbers beyond its range like bad syntax: a duration-looking
        // input with a long run of digits is one that is too big.
        let digits = s
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        let starts_like_a_number = s
            .trim_start_matches(['-', '+'])
            .starts_with(|c: char| c.is_ascii_digit());
        if starts_like_a_number && digits >= 10 {
            SpanError::TooBig
        } else {
            SpanError::Syntax
        }
    })?;
    span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|_| SpanError::Calendar)
}

/// The longest `--timeout`.
pub const MAX_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// A per-request timeout: a duration (see the module doc: `10s`, `1m30s`, `1.5s`,
/// `500ms`) more than 0 and at most 24h; a bare number is seconds (`10`, as older
/// config files have it). The error says the valid range.
pub fn timeout(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let bare = !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    let with_unit;
    let text = if bare {
        with_unit = format!("{s}s");
        &with_unit
    } else {
        s
    };
    const RANGE: &str = "a timeout is more than 0s and at most 24h";
    let d = span(text).map_err(|e| match e {
        SpanError::Syntax => "expected a duration like 10s, 1m30s, 1.5s or 500ms".to_owned(),
        SpanError::TooBig => format!("out of range; {RANGE}"),
        SpanError::Calendar => format!("months and years are not durations; {RANGE}"),
    })?;
    if d.is_negative() || d.is_zero() {
        return Err(format!("must be positive; {RANGE}"));
    }
    let d = d.unsigned_abs();
    if d > MAX_TIMEOUT {
        return Err(format!("too long; {RANGE}"));
    }
    Ok(d)
}

/// A duration as the friendly format writes it: `10s`, `1m30s`, `1.5s`, `250ms`.
pub fn format_duration(d: std::time::Duration) -> String {
    use jiff::fmt::friendly::{FractionalUnit, SpanPrinter};
    let Ok(d) = jiff::SignedDuration::try_from(d) else {
        return format!("{}s", d.as_secs());
    };
    let printer = SpanPrinter::new().fractional(Some(FractionalUnit::Second));
    let whole_ms = d.subsec_nanos() % 1_000_000 == 0;
    if d.as_secs() == 0 && whole_ms {
        return format!("{}ms", d.subsec_millis());
    }
    printer.duration_to_string(&d).replace(' ', "")
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
    fn timeouts() {
        use std::time::Duration as Std;
        for (s, d) in [
            ("10s", Std::from_secs(10)),
            ("10", Std::from_secs(10)),
            ("1.5", Std::from_millis(1500)),
            ("250ms", Std::from_millis(250)),
            ("2m", Std::from_secs(120)),
            ("1m30s", Std::from_secs(90)),
            ("1m 30s", Std::from_secs(90)),
            ("1.5s", Std::from_millis(1500)),
            ("1h", Std::from_secs(3600)),
            ("24h", Std::from_secs(86_400)),
            ("1d", Std::from_secs(86_400)),
            ("90 seconds", Std::from_secs(90)),
            ("PT30S", Std::from_secs(30)),
        ] {
            assert_eq!(timeout(s), Ok(d), "{s}");
        }
        for (bad, says) in [
            ("", "expected a duration"),
            ("ten", "expected a duration"),
            ("s", "expected a duration"),
            ("10q", "expected a duration"),
            ("1.5m30s", "expected a duration"),
            ("0", "must be positive"),
            ("0s", "must be positive"),
            ("-1s", "must be positive"),
            ("24h1s", "too long"),
            ("100h", "too long"),
            ("999999999999999d", "out of range"),
            ("99999999999999999999s", "out of range"),
            ("1mo", "months and years"),
        ] {
            let err = timeout(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
            if !says.starts_with("expected") {
                assert!(
                    err.ends_with("a timeout is more than 0s and at most 24h"),
                    "{bad}: {err}"
                );
            }
        }
    }

    #[test]
    fn durations_print_in_the_format_they_are_read() {
        use std::time::Duration as Std;
        for (d, s) in [
            (Std::from_secs(10), "10s"),
            (Std::from_millis(250), "250ms"),
            (Std::from_millis(1500), "1.5s"),
            (Std::from_secs(90), "1m30s"),
            (Std::from_secs(3600), "1h"),
        ] {
            assert_eq!(format_duration(d), s);
            assert_eq!(timeout(s), Ok(d), "{s} reads back");
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
