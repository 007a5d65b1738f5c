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

/// The items of a list file: one per line, surrounding blanks trimmed, blank
/// lines and `#` comments (a whole line, or after whitespace) skipped.
pub fn list_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let cut = line
                .char_indices()
                .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with(char::is_whitespace)))
                .map_or(line.len(), |(i, _)| i);
            line[..cut].trim().to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect()
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
    fn list_lines_skip_blanks_and_comments() {
        let text = "# team\n a@x.com \n\n  # b@x.com\nc#d@x.com # the # stays\n\te@x.com\t#x\n";
        assert_eq!(list_lines(text), ["a@x.com", "c#d@x.com", "e@x.com"]);
    }
}
