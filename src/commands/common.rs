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

/// The text of `FILE`, or of stdin for `-` (`--from-file FILE|-`); an unreadable
/// file is bad input (exit 2).
pub fn read_input(path: &str) -> Result<String, CliError> {
    use std::io::Read;
    let mut text = String::new();
    if path == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?;
    } else {
        text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read '{path}': {e}")))?;
    }
    Ok(text)
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
