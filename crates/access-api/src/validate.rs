//! Input rules shared by the server and the CLI.
//!
//! Identifiers (emails, usernames, project/role/team/context names) are ASCII and
//! compared after ASCII lower-casing only. Unicode case folding is deliberately not
//! used: it maps look-alikes such as `K` (KELVIN SIGN) or `ſ` onto ASCII letters, which
//! would let a crafted identity collide with an existing one (docs/access-model.md, invariant 4).

/// Longest email accepted (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest username, project, role or team name.
pub const MAX_NAME_LEN: usize = 63;
/// Longest display name or description.
pub const MAX_TEXT_LEN: usize = 500;
/// Most emails in one invitation request.
pub const MAX_INVITE_BATCH: usize = 100;

/// The form identifiers are stored and compared in.
pub fn normalize(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// The key of a custom org role's name: lower-case, every run of characters other
/// than letters, digits, `.`, `_` and `-` one `-` ("Platform Engineers" →
/// `platform-engineers`). Members hold the key; it needs no quoting in a shell.
pub fn role_key(name: &str) -> String {
    let mut out = String::new();
    for ch in name.trim().chars() {
        if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-') {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// Checks an email address; `Err` says what is wrong with it.
pub fn email(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("email is empty".into());
    }
    if s.len() > MAX_EMAIL_LEN {
        return Err(format!("email is longer than {MAX_EMAIL_LEN} characters"));
    }
    if !s.is_ascii() {
        return Err("email must be ASCII (write an international domain in its xn-- form)".into());
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Err("email has no '@'".into());
    };
    if local.is_empty() || local.len() > 64 {
        return Err("email's local part must be 1 to 64 characters".into());
    }
    let local_ok = local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    if !local_ok || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("email's local part has a character that is not allowed".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    // `localhost` is the one dotless domain accepted: the embedded `local` context
    // names its user `$USER@localhost` (docs/cli.md).
    if labels.len() < 2 && !domain.eq_ignore_ascii_case("localhost") {
        return Err("email's domain needs a dot (like example.com)".into());
    }
    for label in labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err("email's domain is not a valid host name".into());
        }
    }
    Ok(())
}

/// Checks a username, project, role or team name: 1–63 ASCII letters, digits,
/// `.`, `_` or `-`, starting with a letter or digit.
pub fn name(kind: &str, s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err(format!("{kind} is empty"));
    }
    if s.len() > MAX_NAME_LEN {
        return Err(format!("{kind} is longer than {MAX_NAME_LEN} characters"));
    }
    let first_ok = s.as_bytes()[0].is_ascii_alphanumeric();
    let rest_ok = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !first_ok || !rest_ok {
        return Err(format!(
            "{kind} may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit"
        ));
    }
    Ok(())
}

/// Checks free text (display names, descriptions): at most [`MAX_TEXT_LEN`]
/// characters and no control characters.
pub fn text(kind: &str, s: &str) -> Result<(), String> {
    if s.chars().count() > MAX_TEXT_LEN {
        return Err(format!("{kind} is longer than {MAX_TEXT_LEN} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("{kind} contains a control character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "Alice.Smith+x@Example.COM",
            "u_1@sub.example.org",
            "x@xn--bcher-kva.example",
        ] {
            assert_eq!(email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@-b.com",
            "a@b..com",
            ".a@b.com",
            "a.@b.com",
            "a..b@c.com",
            "ſam@example.com",
            "a@exämple.com",
            "a@b.com\n",
        ] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
        assert!(email(&format!("{}@b.com", "a".repeat(65))).is_err());
        assert!(email(&format!("a@{}.com", "b".repeat(250))).is_err());
    }

    #[test]
    fn normalization_is_ascii_only() {
        assert_eq!(normalize(" Alice@Example.COM "), "alice@example.com");
        // KELVIN SIGN stays itself: it never becomes an ASCII 'k'.
        assert_ne!(normalize("\u{212A}im"), "kim");
        assert_ne!(normalize("ſam"), "sam");
    }

    #[test]
    fn names() {
        for ok in ["default", "my-project", "a", "R2.d2_x"] {
            assert_eq!(name("name", ok), Ok(()), "{ok}");
        }
        for bad in ["", "-x", ".x", "a b", "a/b", "ä", &"x".repeat(64)] {
            assert!(name("name", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn texts() {
        assert!(text("name", "Zoë Ångström 🚀").is_ok());
        assert!(text("name", "a\u{1b}[31m").is_err());
        assert!(text("name", &"x".repeat(501)).is_err());
    }
}
