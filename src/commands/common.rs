//! Small helpers shared by commands: input checks and batch results.

use access_api::validate;

use crate::error::CliError;

/// Checks an email before any request (exit 2 naming it).
pub fn email(s: &str) -> Result<String, CliError> {
    let s = s.trim();
    validate::email(s).map_err(|why| CliError::usage(format!("invalid email '{s}': {why}")))?;
    Ok(s.to_owned())
}

/// Checks a project, role, team or user name before any request.
pub fn name(kind: &str, s: &str) -> Result<String, CliError> {
    let s = s.trim();
    validate::name(kind, s).map_err(CliError::usage)?;
    Ok(s.to_owned())
}

/// Role names are case-insensitive; the server matches them that way too.
pub fn role(s: &str) -> String {
    validate::normalize(s)
}

/// `--idempotency-key KEY` (a clap value parser, so a bad key is exit 2 before
/// anything is read or sent): 1 to 128 ASCII letters, digits and `-_.:`. The key
/// names a run, it is not a secret, so it may appear in scripts and logs.
pub fn idempotency_key(s: &str) -> Result<String, String> {
    const MAX: usize = 128;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    if s.is_empty() || s.len() > MAX || !s.chars().all(allowed) {
        return Err(format!(
            "must be 1 to {MAX} characters of ASCII letters, digits, '-', '_', '.' and ':'"
        ));
    }
    Ok(s.to_owned())
}

/// A 404 about a member, said in the Goldsky tree's words (`project users …`).
pub fn not_a_member(e: crate::api::ApiError, email: &str, project: &str) -> CliError {
    let user_not_found = e.code() == Some(access_api::ProblemCode::UserNotFound);
    let mut err = CliError::from(e);
    if user_not_found {
        err.message = format!("{email} is not a member of project '{project}'");
    }
    if err.kind == crate::error::ErrorKind::NotFound {
        err.hint = Some(format!(
            "see `accessctl project users list`; invite them with `accessctl project users invite --emails {email}`"
        ));
    }
    err
}

/// The result of a batch: `Ok` when every item succeeded; one failure is that
/// failure; several are a conflict (exit 5) summarizing them.
pub fn batch_result(mut failures: Vec<CliError>, total: usize) -> Result<(), CliError> {
    match failures.len() {
        0 => Ok(()),
        1 if total == 1 => Err(failures.remove(0)),
        n => Err(CliError::conflict(format!("{n} of {total} failed"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys() {
        for good in ["a", "release-2024.06:batch_1", &"k".repeat(128)] {
            assert_eq!(idempotency_key(good).as_deref(), Ok(good));
        }
        for bad in ["", " ", "a b", "ключ", "a/b", "x\n", &"k".repeat(129)] {
            assert!(idempotency_key(bad).is_err(), "{bad:?}");
        }
    }
}
