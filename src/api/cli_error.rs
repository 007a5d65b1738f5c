//! How an [`ApiError`] becomes the CLI's [`CliError`]: the exit code from the
//! status, the server's words without HTTP, and hints from the problem's fields
//! (valid roles, the escalation's role and missing permissions, request ids).
//! Kept here so that `error.rs` is a leaf: it knows nothing of the API.

use std::fmt;

use access_api::ProblemCode;

use super::ApiError;
use crate::error::{CliError, ErrorKind};

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

/// The hint of a refused or missing token (`lib::run` words it differently when the
/// token came from `ACCESSCTL_TOKEN`).
pub const LOGIN_HINT: &str = "run `accessctl auth login`";

fn from_api(err: ApiError) -> CliError {
    match err {
        ApiError::Problem { status, problem } => {
            let kind = ErrorKind::from_status(status);
            let mut message = scrub_http(&problem.detail.clone().unwrap_or_else(|| problem.title.clone()));
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
                    format!("only an owner (role '{role}') can grant or revoke the owner-grade role '{role}'")
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
        ProblemCode::Unauthenticated => Some(LOGIN_HINT.into()),
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
        _ if status == 401 => Some(LOGIN_HINT.into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
