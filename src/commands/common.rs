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

/// The result of a batch: `Ok` when every item succeeded; one failure is that
/// failure; several are a conflict (exit 5) summarizing them.
pub fn batch_result(mut failures: Vec<CliError>, total: usize) -> Result<(), CliError> {
    match failures.len() {
        0 => Ok(()),
        1 if total == 1 => Err(failures.remove(0)),
        n => Err(CliError::conflict(format!("{n} of {total} failed"))),
    }
}
