//! Reading a membership document: YAML or JSON, errors naming the line or the field.

use access_api::PolicyDocument;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::CliError;

/// Reads a document (YAML, or JSON when it starts with `{`). `source` names it in
/// errors (a path, `stdin`). An empty document is `None`.
pub fn parse(text: &str, source: &str) -> Result<Option<PolicyDocument>, CliError> {
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if !meaningful {
        return Ok(None);
    }
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<PolicyDocument>(text).map_err(|e| e.to_string())
    } else {
        yaml_serde::from_str::<PolicyDocument>(text).map_err(|e| e.to_string())
    };
    parsed.map(Some).map_err(|e| {
        CliError::usage(format!("cannot read {source}: {e}")).with_hint(
            "a document is `bindings:` with `role` and `principal` each (see `accessctl roles export`)",
        )
    })
}

/// The unix time in ms of an expiry: RFC 3339 or a date (midnight UTC).
pub(super) fn instant_ms(s: &str) -> Option<i128> {
    let s = s.trim();
    let t = OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        time::Date::parse(s, &time::macros::format_description!("[year]-[month]-[day]"))
            .ok()
            .map(|d| d.midnight().assume_utc())
    })?;
    Some(t.unix_timestamp_nanos() / 1_000_000)
}

/// An expiry as the server stores it: ms, written RFC 3339 UTC.
pub(super) fn normalized_expiry(s: &str) -> Option<(i128, String)> {
    let ms = instant_ms(s)?;
    let t = OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).ok()?;
    Some((ms, t.format(&Rfc3339).ok()?))
}

/// `"5"`, `W/"5"` and `5` are the same etag.
pub(super) fn etag_value(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("W/").unwrap_or(s).trim_matches('"')
}
