//! `CliError`: what went wrong, in words for the operator, and the exit code it maps
//! to. This is the only place that knows exit codes (cli.md, "Errors and exit codes").

use std::fmt;
use std::process::ExitCode;

use access_api::ProblemCode;

use crate::api::ApiError;
use crate::output::summary::BatchStatus;

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

    /// The exit code of this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.exit_code())
    }

    /// How a batch run ends (cli.md: exit 0 only when every item succeeded or already
    /// was in the desired state): complete is `Ok`; some items failed is exit 5;
    /// interrupted with items left unsent is exit 130. `summary` is the error line.
    pub fn batch(status: BatchStatus, summary: impl Into<String>) -> Result<(), CliError> {
        let kind = match status {
            BatchStatus::Complete => return Ok(()),
            BatchStatus::SomeFailed => ErrorKind::Conflict,
            BatchStatus::Interrupted => ErrorKind::Interrupted,
        };
        Err(CliError::new(kind, summary))
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

impl From<ApiError> for CliError {
    fn from(err: ApiError) -> Self {
        let cause = err.to_string();
        from_api(err).with_source(Cause(cause))
    }
}

/// The API error a [`CliError`] came from, as its text (the error itself is
/// consumed making the message).
#[derive(Debug)]
struct Cause(String);

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Cause {}

fn from_api(err: ApiError) -> CliError {
    {
        match err {
            ApiError::Problem { status, problem } => {
                let kind = ErrorKind::from_status(status);
                let mut message =
                    scrub_http(&problem.detail.clone().unwrap_or_else(|| problem.title.clone()));
                if message.is_empty() {
                    message = problem.code.title().to_owned();
                }
                for e in &problem.errors {
                    let m = scrub_http(&e.message);
                    if !message.contains(&m) {
                        message.push_str(&format!("; {}: {m}", e.field));
                    }
                }
                let mut hint = problem_hint(status, &problem);
                // The hint lists the valid roles; the message need not say them again.
                if !problem.valid_roles.is_empty()
                    && let Some((head, _)) = message.split_once("; valid roles:")
                {
                    message.truncate(head.len());
                }
                if problem.code == ProblemCode::PrivilegeEscalation
                    && let Some(role) = owner_grade_role(&problem)
                {
                    message = if role.eq_ignore_ascii_case("owner") {
                        "only an owner can grant or revoke the owner role".to_owned()
                    } else {
                        format!(
                            "only an owner (role '{role}') can grant or revoke the owner-grade role '{role}'"
                        )
                    };
                    hint = Some("ask an owner of the project to do it".into());
                }
                let mut e = CliError::new(kind, message);
                e.hints.extend(hint);
                e
            }
            ApiError::Status { status, .. } => CliError::new(
                ErrorKind::from_status(status),
                format!("the server answered {status} without a problem document"),
            ),
            ApiError::InsecureHttp(url) => {
                CliError::usage(format!("refusing to send a token over plain http to {url}"))
                    .with_hint("use https://, or pass --insecure-http if you really mean it")
            }
            ApiError::Timeout(after) => CliError::other(format!(
                "the request timed out after {}",
                crate::timeparse::format_duration(after)
            ))
            .with_hint("raise it with --timeout, e.g. --timeout 30s"),
            ApiError::Busy(after) => CliError::other(err_busy(after)).with_hint(
                "try again later; a --timeout longer than the wait lets accessctl wait for it (up to 30 s)",
            ),
            ApiError::Connect(msg) => CliError::other(format!("cannot reach the server: {msg}"))
                .with_hint("check that the server is running and --server / the context's server is right"),
            other => CliError::other(other.to_string()),
        }
    }
}

/// Whether `text` speaks HTTP: a `/v1/` path or a method name as a word.
pub fn names_http(text: &str) -> bool {
    text.contains("/v1/")
        || text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "GET" | "POST" | "PUT" | "PATCH" | "DELETE"))
}

/// The server's words without HTTP: a parenthetical naming a path or method
/// (`(see GET /v1/teams)`) is dropped, and so is any `; `-separated clause that
/// still does (`use PUT members to change`). The CLI's hints name the command
/// instead. A message made only of HTTP becomes empty (the caller falls back to the
/// problem's title).
pub fn scrub_http(text: &str) -> String {
    if !names_http(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let Some(len) = rest[open..].find(')') else {
            break;
        };
        let inner = &rest[open..open + len + 1];
        if names_http(inner) {
            out.push_str(rest[..open].trim_end());
        } else {
            out.push_str(&rest[..open + len + 1]);
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out.split("; ")
        .filter(|clause| !names_http(clause))
        .collect::<Vec<_>>()
        .join("; ")
        .trim()
        .to_owned()
}

/// The quoted name after `prefix` in `text` (`unknown role 'devloper'` → `devloper`).
fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = text.split_once(prefix)?.1;
    rest.split_once('\'').map(|(name, _)| name)
}

fn err_busy(after: std::time::Duration) -> String {
    ApiError::Busy(after).to_string()
}

/// The owner-grade role of a privilege escalation for a missing `owners.manage`
/// (the problem's `role` and `missing_permissions` fields).
fn owner_grade_role(problem: &access_api::Problem) -> Option<&str> {
    if !problem.missing_permissions.iter().any(|p| p == "owners.manage") {
        return None;
    }
    problem.role.as_deref().filter(|r| !r.is_empty())
}

fn problem_hint(status: u16, problem: &access_api::Problem) -> Option<String> {
    if status >= 500
        && let Some(id) = &problem.request_id
    {
        return Some(format!(
            "if this persists, report request id {id} to the server's operator"
        ));
    }
    if !problem.valid_roles.is_empty() {
        let asked = problem
            .errors
            .iter()
            .find_map(|e| quoted_after(&e.message, "unknown role '"))
            .or_else(|| quoted_after(problem.detail.as_deref().unwrap_or(""), "unknown role '"));
        let suggestion = asked
            .and_then(|r| crate::suggest::did_you_mean(r, problem.valid_roles.iter().map(String::as_str)));
        return Some(
            suggestion.unwrap_or_else(|| format!("valid roles: {}", problem.valid_roles.join(", "))),
        );
    }
    match problem.code {
        ProblemCode::Unauthenticated => Some("run `accessctl auth login`".into()),
        ProblemCode::UserNotFound => {
            Some("invite them with `accessctl roles invitations invite-user EMAIL --role ROLE`".into())
        }
        ProblemCode::LastOwner => Some("grant the owner role to someone else first".into()),
        ProblemCode::AlreadyMember => {
            Some("change their role with `accessctl project users update --email EMAIL --role ROLE`".into())
        }
        ProblemCode::PreconditionFailed => {
            Some("it changed after it was read; run the command again to see the new state".into())
        }
        ProblemCode::LastAdmin => Some("make another user a server administrator first".into()),
        ProblemCode::MfaRequired => Some(
            "they turn on MFA first (`accessctl auth mfa enroll`, then `confirm`), or choose a role the project's MFA policy does not cover"
                .into(),
        ),
        ProblemCode::RoleImmutable => Some(
            "built-in roles come from the project's preset; make a custom role with `accessctl roles create`"
                .into(),
        ),
        ProblemCode::PrivilegeEscalation => {
            Some("you can only grant or revoke roles whose permissions you hold yourself".into())
        }
        _ if status == 401 => Some("run `accessctl auth login`".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn batch_statuses_map_to_0_5_130() {
        assert!(CliError::batch(BatchStatus::Complete, "done").is_ok());
        let e = CliError::batch(BatchStatus::SomeFailed, "3 emails: 1 failed").unwrap_err();
        assert_eq!(
            (e.kind.exit_code(), e.message.as_str()),
            (5, "3 emails: 1 failed")
        );
        let e = CliError::batch(BatchStatus::Interrupted, "interrupted: …").unwrap_err();
        assert_eq!(e.kind.exit_code(), 130);
    }

    #[test]
    fn unknown_role_hint_names_valid_roles() {
        let p = access_api::Problem::new(ProblemCode::ValidationFailed, "unknown role 'x'")
            .with_valid_roles(vec!["admin".into(), "viewer".into()]);
        let e = CliError::from(ApiError::Problem {
            status: 422,
            problem: Box::new(p),
        });
        assert_eq!(e.kind, ErrorKind::Usage);
        assert_eq!(e.hint(), Some("valid roles: admin, viewer"));
        let p = access_api::Problem::new(ProblemCode::ValidationFailed, "unknown role 'devloper'")
            .with_valid_roles(vec!["admin".into(), "developer".into()]);
        let e = CliError::from(ApiError::Problem {
            status: 422,
            problem: Box::new(p),
        });
        assert_eq!(e.hint(), Some("did you mean 'developer'?"));
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

    #[test]
    fn missing_owners_manage_says_only_owners() {
        // The fields decide, whatever the sentence says.
        let p = access_api::Problem::new(ProblemCode::PrivilegeEscalation, "any words")
            .with_escalation("owner", vec!["owners.manage".into()]);
        let e = CliError::from(ApiError::Problem {
            status: 403,
            problem: Box::new(p),
        });
        assert_eq!(e.kind.exit_code(), 4);
        assert_eq!(e.message, "only an owner can grant or revoke the owner role");
        let p = access_api::Problem::new(ProblemCode::PrivilegeEscalation, "any words")
            .with_escalation("lead", vec!["owners.manage".into()]);
        let e = CliError::from(ApiError::Problem {
            status: 403,
            problem: Box::new(p),
        });
        assert_eq!(
            e.message,
            "only an owner (role 'lead') can grant or revoke the owner-grade role 'lead'"
        );
        // Missing ordinary permissions: the server's words stay.
        let p = access_api::Problem::new(
            ProblemCode::PrivilegeEscalation,
            "granting or revoking 'admin' needs every permission it holds; you lack x",
        )
        .with_escalation("admin", vec!["x".into()]);
        let e = CliError::from(ApiError::Problem {
            status: 403,
            problem: Box::new(p),
        });
        assert!(
            e.message.starts_with("granting or revoking 'admin'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn http_words_are_scrubbed() {
        for (detail, want) in [
            (
                "no team 'x' in org 'default' (see GET /v1/teams)",
                "no team 'x' in org 'default'",
            ),
            (
                "no member matches 'x'; invite them with POST /v1/projects/p/invitations",
                "no member matches 'x'",
            ),
            (
                "already a member with role(s) admin; use PUT members to change",
                "already a member with role(s) admin",
            ),
            ("unknown role 'x' (valid: a, b)", "unknown role 'x' (valid: a, b)"),
            ("DELETEd rows (GETTING)", "DELETEd rows (GETTING)"),
            ("see POST /v1/x", ""),
        ] {
            assert_eq!(scrub_http(detail), want, "{detail}");
            assert!(!names_http(&scrub_http(detail)), "{detail}");
        }
        let p = access_api::Problem::new(ProblemCode::NotFound, "see GET /v1/teams");
        let e = CliError::from(ApiError::Problem {
            status: 404,
            problem: Box::new(p),
        });
        assert_eq!(e.message, "Not found");
    }

    #[test]
    fn unauthenticated_hints_login() {
        let p = access_api::Problem::new(ProblemCode::Unauthenticated, "no token");
        let e = CliError::from(ApiError::Problem {
            status: 401,
            problem: Box::new(p),
        });
        assert_eq!(e.kind.exit_code(), 4);
        assert_eq!(e.hint(), Some("run `accessctl auth login`"));
    }
}
