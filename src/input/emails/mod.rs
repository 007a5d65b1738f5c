//! The email list of `--from-file FILE|-` and of positional EMAIL arguments.
//!
//! Accepted input (parsed with the `csv` crate, see [`layout`] and [`records`]):
//! - one email per line; surrounding whitespace is trimmed; blank lines are skipped;
//! - `#` starts a comment: a whole line, or (in a file without a header row) a
//!   trailing ` # comment` (the `#` must follow whitespace, since `#` is a valid
//!   character inside an email's local part);
//! - CSV as spreadsheets and address books export it: a header row naming an email
//!   column (`Email`, `E-mail`, `Email Address`, any case, any position; an optional
//!   `role` column; other columns ignored), or plain `email,role` rows; `,`, `;` or
//!   TAB as the delimiter (sniffed from the first row); quoted fields, which may hold
//!   the delimiter, `""` for a quote and line breaks;
//! - `Name <email>` cells (the address is used);
//! - CRLF line endings and a UTF-8 byte-order mark.
//!
//! Line numbers are physical lines of the file (1-based): a row whose quoted field
//! holds a line break counts its lines, and is reported at its first one.
//!
//! Emails are stored normalized (ASCII lower case) so they match what the server
//! stores; a repeated email is dropped, keeping the first. A bad row does not fail
//! the list: it comes back in [`EmailList::invalid`] beside the usable entries, so the
//! caller can report every one of them and still send the rest. Only input that
//! cannot be used as a whole is an error ([`EmailListError`]): unreadable, not UTF-8,
//! a quote that is never closed, no email at all.

mod layout;
mod records;

use access_api::validate;
use std::collections::HashMap;
use std::io::{self, BufRead};

/// One email to invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailEntry {
    /// Normalized (trimmed, ASCII lower case).
    pub email: String,
    /// The role from a CSV `role` column (lower case); `None` = use `--role`.
    pub role: Option<String>,
    /// 1-based line in the file; 0 for an email given on the command line.
    pub line: usize,
}

/// A line that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLine {
    /// 1-based line in the file; 0 for an email given on the command line.
    pub line: usize,
    /// The email as written (or the whole line when no email could be found).
    pub email: String,
    pub reason: String,
}

/// `invalid email 'x': why`, with ` on line N` for a line of a file.
impl std::fmt::Display for InvalidLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "invalid email '{}': {}", self.email, self.reason)
        } else {
            write!(
                f,
                "invalid email '{}' on line {}: {}",
                self.email, self.line, self.reason
            )
        }
    }
}

/// What a list gave: the usable entries and every line that is not usable, each in
/// input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmailList {
    pub entries: Vec<EmailEntry>,
    pub invalid: Vec<InvalidLine>,
}

/// How many line numbers [`EmailListError::MissingRole`] lists before `…`.
const SHOWN_LINES: usize = 20;

/// Why an email list cannot be used. All are usage errors (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum EmailListError {
    #[error("cannot read {name}: {source}")]
    Read {
        name: String,
        #[source]
        source: io::Error,
    },
    #[error("{name}: line {line} is not valid UTF-8")]
    NotUtf8 { name: String, line: usize },
    /// A quote opened on `line` runs to the end of the input: the rows after it would
    /// be read as one cell, so nothing is used.
    #[error("{name}: the quote opened on line {line} is never closed")]
    UnterminatedQuote { name: String, line: usize },
    #[error("{name} has no emails (only blank lines and comments)")]
    EmptyFile { name: String },
    #[error("no emails given: pass EMAIL arguments or --from-file FILE")]
    NoEmails,
    /// Entries without a role while no default role was given.
    #[error("{} without a role (line {}): pass --role or add a role column", plural(lines.len(), "email"), join_lines(lines))]
    MissingRole { lines: Vec<usize> },
}

impl EmailListError {
    /// What the user can do about it, when there is something.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            EmailListError::UnterminatedQuote { .. } => Some(
                "close the quote; inside a quoted field a quote is written twice (\"\"); nothing was sent",
            ),
            EmailListError::NotUtf8 { .. } => Some("save the file as UTF-8; nothing was sent"),
            _ => None,
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn join_lines(lines: &[usize]) -> String {
    let mut s: Vec<String> = lines
        .iter()
        .take(SHOWN_LINES)
        .map(|l| {
            if *l == 0 {
                "argument".to_owned()
            } else {
                l.to_string()
            }
        })
        .collect();
    if lines.len() > SHOWN_LINES {
        s.push("…".to_owned());
    }
    s.join(", ")
}

/// Reads `FILE`, or `stdin` for `-`; errors name the file as `'FILE'`.
pub fn read_email_list(path: &str, stdin: &crate::process::Stdin) -> Result<EmailList, EmailListError> {
    if path == "-" {
        stdin.with_reader(|r| parse_email_list("standard input", r))
    } else {
        let name = format!("'{path}'");
        let file = std::fs::File::open(path).map_err(|source| EmailListError::Read {
            name: name.clone(),
            source,
        })?;
        parse_email_list(&name, io::BufReader::new(file))
    }
}

/// Parses an email list; `name` is how errors refer to the input (a path, "standard input").
/// Only input that cannot be used as a whole is an error: unreadable, not UTF-8, a
/// quote never closed, or without a single email or bad line.
pub fn parse_email_list(name: &str, mut reader: impl BufRead) -> Result<EmailList, EmailListError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| EmailListError::Read {
            name: name.to_owned(),
            source,
        })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| EmailListError::NotUtf8 {
        name: name.to_owned(),
        line: 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count(),
    })?;
    let mut list = Dedup::default();
    let (layout, text) = layout::detect(text);
    let rows =
        records::rows(&text, layout.delimiter()).map_err(|line| EmailListError::UnterminatedQuote {
            name: name.to_owned(),
            line,
        })?;
    for row in rows {
        match layout.cells(&row) {
            layout::Cells::Skip => {}
            layout::Cells::Invalid { shown, reason } => list.invalid(row.line, &shown, reason),
            layout::Cells::Entry { email, role } => list.push(row.line, &email, role.as_deref()),
        }
    }
    let list = list.finish();
    if list.entries.is_empty() && list.invalid.is_empty() {
        return Err(EmailListError::EmptyFile {
            name: name.to_owned(),
        });
    }
    Ok(list)
}

/// Positional EMAIL arguments first (line 0, no role), then the file's entries;
/// duplicates across both are dropped keeping the first. The invalid arguments come
/// first among the invalid lines, then the file's.
pub fn merge(args: &[String], file: EmailList) -> Result<EmailList, EmailListError> {
    let mut list = Dedup::default();
    for arg in args {
        list.push(0, arg, None);
    }
    for entry in file.entries {
        list.push(entry.line, &entry.email, entry.role.as_deref());
    }
    list.invalid.extend(file.invalid);
    // Stable: the arguments (line 0) in their order, then the file's lines.
    list.invalid.sort_by_key(|l| l.line);
    let list = list.finish();
    if list.entries.is_empty() && list.invalid.is_empty() {
        return Err(EmailListError::NoEmails);
    }
    Ok(list)
}

/// Groups emails by role for the server's one-role-per-request invitations, in the
/// order roles first appear. An entry's own role (CSV column) wins over
/// `default_role` (`--role`); without either it is an error listing the lines.
pub fn group_by_role(
    entries: &[EmailEntry],
    default_role: Option<&str>,
) -> Result<Vec<(String, Vec<String>)>, EmailListError> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut missing = Vec::new();
    for entry in entries {
        let role = match (&entry.role, default_role) {
            (Some(role), _) => role.clone(),
            (None, Some(role)) => validate::normalize(role),
            (None, None) => {
                missing.push(entry.line);
                continue;
            }
        };
        match groups.iter_mut().find(|(r, _)| *r == role) {
            Some((_, emails)) => emails.push(entry.email.clone()),
            None => groups.push((role, vec![entry.email.clone()])),
        }
    }
    if !missing.is_empty() {
        return Err(EmailListError::MissingRole { lines: missing });
    }
    Ok(groups)
}

/// Collects valid, distinct entries and every invalid line.
#[derive(Default)]
struct Dedup {
    entries: Vec<EmailEntry>,
    seen: HashMap<String, usize>,
    invalid: Vec<InvalidLine>,
}

impl Dedup {
    fn invalid(&mut self, line: usize, email: &str, reason: String) {
        self.invalid.push(InvalidLine {
            line,
            email: email.to_owned(),
            reason,
        });
    }

    fn push(&mut self, line: usize, email: &str, role: Option<&str>) {
        let email = email.trim();
        if let Err(reason) = validate::email(email) {
            return self.invalid(line, email, reason);
        }
        let role = role.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = role
            && let Err(reason) = validate::name("role", r)
        {
            return self.invalid(line, email, reason);
        }
        let role = role.map(validate::normalize);
        let normalized = validate::normalize(email);
        if let Some(&first) = self.seen.get(&normalized) {
            let earlier = &self.entries[first];
            if earlier.role != role {
                let at = if earlier.line == 0 {
                    "on the command line".to_owned()
                } else {
                    format!("on line {}", earlier.line)
                };
                let with = |r: &Option<String>| r.clone().unwrap_or_else(|| "no role".to_owned());
                let reason = format!(
                    "listed {at} with {} and here with {}",
                    with(&earlier.role),
                    with(&role)
                );
                self.invalid(line, email, reason);
            }
            return;
        }
        self.seen.insert(normalized.clone(), self.entries.len());
        self.entries.push(EmailEntry {
            email: normalized,
            role,
            line,
        });
    }

    fn finish(self) -> EmailList {
        EmailList {
            entries: self.entries,
            invalid: self.invalid,
        }
    }
}

#[cfg(test)]
mod tests;
