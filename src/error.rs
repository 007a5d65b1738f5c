//! `CliError`: what went wrong, in words for the operator, and the exit code it maps
//! to. This is the only place that knows exit codes (cli.md, "Errors and exit codes").

use std::fmt;

/// The class of a failure; each maps to one exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 1: server error, network, timeout, local I/O.
    Other,
    /// 2: bad flags or arguments, invalid input, a request the server rejects as invalid.
    Usage,
    /// 3: the thing does not exist.
    NotFound,
    /// 4: not authenticated or not permitted.
    Auth,
    /// 5: a different state is in the way.
    Conflict,
    /// 6: `roles check` denied.
    Denied,
    /// 130: interrupted.
    Interrupted,
}

impl ErrorKind {
    /// The process exit code of this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Other => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotFound => 3,
            ErrorKind::Auth => 4,
            ErrorKind::Conflict => 5,
            ErrorKind::Denied => 6,
            ErrorKind::Interrupted => 130,
        }
    }

    /// Every kind, in exit-code order.
    pub const ALL: [ErrorKind; 7] = [
        ErrorKind::Other,
        ErrorKind::Usage,
        ErrorKind::NotFound,
        ErrorKind::Auth,
        ErrorKind::Conflict,
        ErrorKind::Denied,
        ErrorKind::Interrupted,
    ];

    /// What the exit code means, for the EXIT STATUS section of the man pages.
    pub fn meaning(self) -> &'static str {
        match self {
            ErrorKind::Other => "other failure: server error, network, timeout",
            ErrorKind::Usage => {
                "usage: bad flags or arguments, invalid email, unknown role, a request the server rejects as invalid (400, 413, 422), bad input file"
            }
            ErrorKind::NotFound => "not found (project, binding, invitation, user, role)",
            ErrorKind::Auth => "not authenticated or not permitted (401, 403, privilege escalation)",
            ErrorKind::Conflict => {
                "conflict: a different state is in the way (pending invitation with another role, already a member), last owner, expired invitation, stale write (409, 410, 412)"
            }
            ErrorKind::Denied => "roles check: denied",
            ErrorKind::Interrupted => "interrupted",
        }
    }

    /// The kind an HTTP status maps to.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 | 413 | 422 => ErrorKind::Usage,
            404 => ErrorKind::NotFound,
            401 | 403 => ErrorKind::Auth,
            409 | 410 | 412 => ErrorKind::Conflict,
            _ => ErrorKind::Other,
        }
    }
}

/// The exit-code table of cli.md: (code, meaning), success first.
pub fn exit_status_table() -> Vec<(u8, &'static str)> {
    std::iter::once((0, "success (and roles check: allowed)"))
        .chain(ErrorKind::ALL.iter().map(|k| (k.exit_code(), k.meaning())))
        .collect()
}

/// A failure of a command: one `error:` line, then a `hint:` line per hint. The
/// cause it came from (an I/O error, the API's error) is kept as its
/// [`std::error::Error::source`]; `-v` prints it as `caused by:` lines.
#[derive(Debug)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    /// What the user can do about it, most useful first.
    pub hints: Vec<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl CliError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            hints: Vec::new(),
            source: None,
        }
    }

    /// The first hint.
    pub fn hint(&self) -> Option<&str> {
        self.hints.first().map(String::as_str)
    }

    /// Replaces the hints with `hint`.
    pub fn set_hint(&mut self, hint: impl Into<String>) {
        self.hints = vec![hint.into()];
    }

    /// Keeps `cause` as this error's source.
    pub fn with_source(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(cause));
        self
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Other, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, message)
    }

    /// `roles check`: a permission is denied (exit 6).
    pub fn denied(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Denied, message)
    }

    /// Adds a hint after those already there.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// An I/O failure on a local file.
    pub fn io(what: impl fmt::Display, err: std::io::Error) -> Self {
        Self::other(format!("{what}: {err}")).with_source(err)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    #[test]
    fn statuses_map_to_documented_codes() {
        for (status, code) in [
            (400, 2),
            (413, 2),
            (422, 2),
            (404, 3),
            (401, 4),
            (403, 4),
            (409, 5),
            (410, 5),
            (412, 5),
            (500, 1),
            (503, 1),
            (429, 1),
        ] {
            assert_eq!(ErrorKind::from_status(status).exit_code(), code, "{status}");
        }
    }

    #[test]
    fn hints_add_up_and_the_cause_is_kept() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = CliError::io("cannot read 'f'", io)
            .with_hint("first")
            .with_hint("second");
        assert_eq!(e.hints, ["first", "second"]);
        assert_eq!(e.hint(), Some("first"));
        let cause = std::error::Error::source(&e).expect("the io error is kept");
        assert_eq!(cause.to_string(), "gone");
        let mut e = e;
        e.set_hint("only");
        assert_eq!(e.hints, ["only"]);
        let api = CliError::from(ApiError::Timeout(std::time::Duration::from_secs(3)));
        assert!(std::error::Error::source(&api).is_some(), "the API error is kept");
    }
}
