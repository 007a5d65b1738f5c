//! The email list of `--from-file FILE|-` and of positional EMAIL arguments.
//!
//! Accepted input, line by line:
//! - one email per line; surrounding whitespace is trimmed; blank lines are skipped;
//! - `#` starts a comment: a whole line, or a trailing ` # comment` (the `#` must follow
//!   whitespace, since `#` is a valid character inside an email's local part);
//! - CSV: either a header row naming an `email` column (any case, any column order,
//!   optional `role` column, extra columns ignored), or plain `email,role` rows;
//!   fields may be quoted (`"a@x.io","viewer"`, `""` for a quote inside);
//! - CRLF line endings and a UTF-8 byte-order mark are fine.
//!
//! Emails are stored normalized (ASCII lower case) so they match what the server
//! stores; a repeated email is dropped, keeping the first. A bad line does not fail
//! the list: it comes back in [`EmailList::invalid`] beside the usable entries, so the
//! caller can report every one of them and still send the rest.

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
    #[error("{name} has no emails (only blank lines and comments)")]
    EmptyFile { name: String },
    #[error("no emails given: pass EMAIL arguments or --from-file FILE")]
    NoEmails,
    /// Entries without a role while no default role was given.
    #[error("{} without a role (line {}): pass --role or add a role column", plural(lines.len(), "email"), join_lines(lines))]
    MissingRole { lines: Vec<usize> },
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

/// Reads `FILE`, or standard input for `-`; errors name the file as `'FILE'`.
pub fn read_email_list(path: &str) -> Result<EmailList, EmailListError> {
    if path == "-" {
        parse_email_list("standard input", io::stdin().lock())
    } else {
        let name = format!("'{path}'");
        let file = std::fs::File::open(path).map_err(|source| EmailListError::Read {
            name: name.clone(),
            source,
        })?;
        parse_email_list(&name, io::BufReader::new(file))
    }
}

/// Which column holds what, decided by the first non-comment line.
enum Layout {
    /// `email` or `email,role`.
    Plain,
    Header {
        email: usize,
        role: Option<usize>,
    },
}

/// Parses an email list; `name` is how errors refer to the input (a path, "standard input").
/// Only input that cannot be read at all is an error: unreadable, not UTF-8, or
/// without a single email or bad line.
pub fn parse_email_list(name: &str, mut reader: impl BufRead) -> Result<EmailList, EmailListError> {
    let mut list = Dedup::default();
    let mut layout: Option<Layout> = None;
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|source| EmailListError::Read {
                name: name.to_owned(),
                source,
            })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut bytes = buf.as_slice();
        if line_no == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| EmailListError::NotUtf8 {
            name: name.to_owned(),
            line: line_no,
        })?;
        let content = strip_comment(text).trim();
        if content.is_empty() {
            continue;
        }
        let fields = match split_csv(content) {
            Ok(fields) => fields,
            Err(reason) => {
                list.invalid(line_no, content, reason);
                continue;
            }
        };
        let layout = match &layout {
            Some(layout) => layout,
            None => {
                let is_header = fields.iter().any(|f| f.eq_ignore_ascii_case("email"));
                if is_header {
                    let col = |want: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(want));
                    layout = Some(Layout::Header {
                        email: col("email").unwrap_or(0),
                        role: col("role"),
                    });
                    continue;
                }
                layout.insert(Layout::Plain)
            }
        };
        let (email, role) = match *layout {
            Layout::Plain => match fields.as_slice() {
                [email] => (email.as_str(), None),
                [email, role] => (email.as_str(), Some(role.as_str())),
                _ => {
                    list.invalid(
                        line_no,
                        content,
                        "expected `email` or `email,role` (add a header row naming the columns to use others)"
                            .to_owned(),
                    );
                    continue;
                }
            },
            Layout::Header { email, role } => {
                let Some(e) = fields.get(email) else {
                    list.invalid(line_no, content, "no value in the email column".to_owned());
                    continue;
                };
                (e.as_str(), role.and_then(|r| fields.get(r)).map(String::as_str))
            }
        };
        list.push(line_no, email, role);
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

/// Drops a `#` comment: at the start of the line or after whitespace, outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut in_quotes = false;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '#' if !in_quotes && prev_space => return &line[..i],
            _ => {}
        }
        prev_space = c.is_whitespace() || c == ',';
    }
    line
}

/// Splits one CSV line on commas; `"…"` quotes a field and `""` is a quote inside.
/// Fields are trimmed.
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let mut field = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') if chars.next_if_eq(&'"').is_some() => field.push('"'),
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("unterminated quote".to_owned()),
                }
            }
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(_) => return Err("unexpected text after a closing quote".to_owned()),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field.trim().to_owned());
                        return Ok(fields);
                    }
                    Some(',') => break,
                    Some(c) => field.push(c),
                }
            }
            fields.push(field.trim().to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<EmailList, EmailListError> {
        parse_email_list("emails.txt", text.as_bytes())
    }

    /// The entries of a list that must have no invalid line.
    fn entries(text: &str) -> Vec<EmailEntry> {
        let list = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(list.invalid, vec![], "{text:?}");
        list.entries
    }

    fn emails(text: &str) -> Vec<String> {
        entries(text).into_iter().map(|e| e.email).collect()
    }

    fn entry(email: &str, role: Option<&str>, line: usize) -> EmailEntry {
        EmailEntry {
            email: email.into(),
            role: role.map(Into::into),
            line,
        }
    }

    fn invalid(text: &str) -> Vec<InvalidLine> {
        let lines = parse(text).unwrap_or_else(|e| panic!("{e}")).invalid;
        assert!(!lines.is_empty(), "expected invalid lines in {text:?}");
        lines
    }

    #[test]
    fn one_per_line_with_comments_and_blanks() {
        let text = "# people to invite\n\nalice@example.com\n   bob@example.com   \n\n# carol later\ndave@example.com # the new one\n\t\n";
        assert_eq!(
            entries(text),
            vec![
                entry("alice@example.com", None, 3),
                entry("bob@example.com", None, 4),
                entry("dave@example.com", None, 7),
            ]
        );
    }

    #[test]
    fn hash_inside_an_email_is_not_a_comment() {
        assert_eq!(emails("a#b@example.com\n"), vec!["a#b@example.com"]);
        assert_eq!(emails("a#b@example.com #c\n"), vec!["a#b@example.com"]);
        assert_eq!(emails("#a@example.com\nb@example.com"), vec!["b@example.com"]);
    }

    #[test]
    fn crlf_bom_and_no_final_newline() {
        let text = "\u{FEFF}alice@example.com\r\nbob@example.com # x\r\n\r\ncarol@example.com";
        assert_eq!(
            emails(text),
            vec!["alice@example.com", "bob@example.com", "carol@example.com"]
        );
        // A BOM followed by a header row is still a header.
        let text = "\u{FEFF}Email,Role\r\nalice@example.com,viewer\r\n";
        assert_eq!(entries(text), vec![entry("alice@example.com", Some("viewer"), 2)]);
    }

    #[test]
    fn emails_are_normalized() {
        assert_eq!(
            emails("Alice.Smith@Example.COM\n"),
            vec!["alice.smith@example.com"]
        );
    }

    #[test]
    fn csv_with_header_any_case_any_order_extra_columns() {
        let text = "name,ROLE,Email,team\nAlice,admin,alice@example.com,ops\nBob,,bob@example.com,dev\nCarol,Viewer,carol@example.com\n";
        assert_eq!(
            entries(text),
            vec![
                entry("alice@example.com", Some("admin"), 2),
                entry("bob@example.com", None, 3),
                entry("carol@example.com", Some("viewer"), 4),
            ]
        );
        // Header with only an email column.
        assert_eq!(emails("email\na@example.com\n"), vec!["a@example.com"]);
        // Comments and blank lines before the header are fine.
        let text = "# exported\n\n email , role \n a@example.com , viewer \n";
        assert_eq!(entries(text), vec![entry("a@example.com", Some("viewer"), 4)]);
    }

    #[test]
    fn csv_header_row_missing_value() {
        let lines = invalid("name,email\nAlice\n");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line, 2);
        assert_eq!(lines[0].reason, "no value in the email column");
    }

    #[test]
    fn csv_without_header() {
        let text = "alice@example.com,admin\nbob@example.com\ncarol@example.com, viewer\n";
        assert_eq!(
            entries(text),
            vec![
                entry("alice@example.com", Some("admin"), 1),
                entry("bob@example.com", None, 2),
                entry("carol@example.com", Some("viewer"), 3),
            ]
        );
        let lines = invalid("a@example.com,viewer,extra\n");
        assert_eq!(lines[0].line, 1);
        assert!(lines[0].reason.contains("header"), "{}", lines[0].reason);
    }

    #[test]
    fn quoted_csv_fields() {
        let text = "\"name\",\"email\",\"role\"\n\"Smith, Alice # not a comment\",\"alice@example.com\",\"admin\"\n\"Bob \"\"B\"\"\" , \"bob@example.com\" ,viewer # trailing\n";
        assert_eq!(
            entries(text),
            vec![
                entry("alice@example.com", Some("admin"), 2),
                entry("bob@example.com", Some("viewer"), 3),
            ]
        );
        let lines = invalid("\"alice@example.com\n\"bob@example.com\"x\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].reason, "unterminated quote");
        assert_eq!(lines[1].reason, "unexpected text after a closing quote");
    }

    #[test]
    fn duplicates_keep_the_first() {
        let text = "alice@example.com\nbob@example.com\nALICE@example.com\n alice@EXAMPLE.com \n";
        assert_eq!(
            entries(text),
            vec![
                entry("alice@example.com", None, 1),
                entry("bob@example.com", None, 2)
            ]
        );
        let text = "a@example.com,viewer\nA@example.com,Viewer\n";
        assert_eq!(entries(text), vec![entry("a@example.com", Some("viewer"), 1)]);
    }

    #[test]
    fn duplicate_with_another_role_is_an_error() {
        let lines = invalid("a@example.com,viewer\nb@example.com\nA@example.com,admin\n");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line, 3);
        assert_eq!(
            lines[0].reason,
            "listed on line 1 with viewer and here with admin"
        );
    }

    #[test]
    fn every_bad_line_is_reported_beside_the_good_ones() {
        let text = "good@example.com\nplain\n\n# c\nalso-good@example.com\na@b\nx@example.com,bad role!\nzoë@example.com\n";
        let list = parse(text).unwrap();
        assert_eq!(
            list.entries,
            vec![
                entry("good@example.com", None, 1),
                entry("also-good@example.com", None, 5)
            ]
        );
        let got: Vec<(usize, &str)> = list.invalid.iter().map(|l| (l.line, l.email.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (2, "plain"),
                (6, "a@b"),
                (7, "x@example.com"),
                (8, "zoë@example.com")
            ]
        );
        assert_eq!(list.invalid[0].reason, "email has no '@'");
        assert!(
            list.invalid[2].reason.starts_with("role may hold only"),
            "{}",
            list.invalid[2].reason
        );
        assert_eq!(
            list.invalid[0].to_string(),
            "invalid email 'plain' on line 2: email has no '@'"
        );
    }

    #[test]
    fn a_list_of_only_bad_lines_is_not_an_error() {
        let text: String = (1..=25).map(|i| format!("bad{i}\n")).collect();
        let list = parse(&text).unwrap();
        assert!(list.entries.is_empty());
        assert_eq!(list.invalid.len(), 25, "every line is kept");
        assert_eq!(
            list.invalid.iter().map(|l| l.line).collect::<Vec<_>>(),
            (1..=25).collect::<Vec<_>>()
        );
    }

    #[test]
    fn empty_input_is_an_error() {
        for text in ["", "\n\n", "# only\n  # comments\n", "\u{FEFF}", "email,role\n"] {
            assert!(
                matches!(parse(text), Err(EmailListError::EmptyFile { .. })),
                "{text:?}: {:?}",
                parse(text)
            );
        }
        assert_eq!(
            parse("").unwrap_err().to_string(),
            "emails.txt has no emails (only blank lines and comments)"
        );
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = parse_email_list("f", &b"a@example.com\nb\xff@example.com\n"[..]).unwrap_err();
        assert!(matches!(err, EmailListError::NotUtf8 { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn ten_thousand_lines() {
        let mut text = String::from("# generated\n");
        for i in 1..=10_000 {
            text.push_str(&format!("user{i}@example.com\n"));
            if i % 1000 == 0 {
                text.push_str(&format!("USER{i}@example.com\n\n"));
            }
        }
        let list = entries(&text);
        assert_eq!(list.len(), 10_000);
        assert_eq!(list[0], entry("user1@example.com", None, 2));
        assert_eq!(list[9_999].email, "user10000@example.com");
        let mut seen = std::collections::HashSet::new();
        assert!(list.iter().all(|e| seen.insert(e.email.clone())));
        assert!(list.windows(2).all(|w| w[0].line < w[1].line));
    }

    #[test]
    fn reads_a_file_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emails.csv");
        std::fs::write(&path, "email,role\na@example.com,admin\n").unwrap();
        let list = read_email_list(path.to_str().unwrap()).unwrap();
        assert_eq!(list.entries, vec![entry("a@example.com", Some("admin"), 2)]);
        assert!(list.invalid.is_empty());
        std::fs::write(&path, "# nobody\n").unwrap();
        let err = read_email_list(path.to_str().unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "'{}' has no emails (only blank lines and comments)",
                path.display()
            )
        );

        let missing = dir.path().join("nope.txt");
        let err = read_email_list(missing.to_str().unwrap()).unwrap_err();
        assert!(matches!(err, EmailListError::Read { .. }), "{err:?}");
        assert!(err.to_string().starts_with("cannot read "), "{err}");
        assert!(err.to_string().contains("nope.txt"), "{err}");
    }

    #[test]
    fn merge_arguments_then_file() {
        let file = parse("b@example.com\nA@example.com\nc@example.com,admin\n").unwrap();
        let args = vec!["A@Example.com".to_owned(), "d@example.com".to_owned()];
        let merged = merge(&args, file).unwrap();
        assert_eq!(
            merged.entries,
            vec![
                entry("a@example.com", None, 0),
                entry("d@example.com", None, 0),
                entry("b@example.com", None, 1),
                entry("c@example.com", Some("admin"), 3),
            ]
        );
        assert!(merged.invalid.is_empty());

        // Invalid arguments come back beside the valid ones, before the file's bad lines.
        let file = parse("bad-line\ne@example.com\n").unwrap();
        let merged = merge(&["nope".to_owned(), "ok@example.com".to_owned()], file).unwrap();
        assert_eq!(
            merged.entries,
            vec![entry("ok@example.com", None, 0), entry("e@example.com", None, 2)]
        );
        let bad: Vec<String> = merged.invalid.iter().map(ToString::to_string).collect();
        assert_eq!(
            bad,
            [
                "invalid email 'nope': email has no '@'",
                "invalid email 'bad-line' on line 1: email has no '@'"
            ]
        );
        // Only invalid arguments: a list with no entries, not an error.
        let merged = merge(&["x@".to_owned()], EmailList::default()).unwrap();
        assert!(merged.entries.is_empty() && merged.invalid.len() == 1);
        assert!(matches!(
            merge(&[], EmailList::default()),
            Err(EmailListError::NoEmails)
        ));

        // The same email as an argument (no role) and in the file with a role conflicts.
        let file = parse("a@example.com,admin\n").unwrap();
        let merged = merge(&["a@example.com".to_owned()], file).unwrap();
        assert_eq!(merged.entries, vec![entry("a@example.com", None, 0)]);
        assert_eq!(merged.invalid[0].line, 1);
        assert_eq!(
            merged.invalid[0].reason,
            "listed on the command line with no role and here with admin"
        );
    }

    #[test]
    fn grouping_by_role() {
        let list = entries("a@example.com\nb@example.com,admin\nc@example.com\nd@example.com,Admin\n");
        assert_eq!(
            group_by_role(&list, Some("Viewer")).unwrap(),
            vec![
                (
                    "viewer".to_owned(),
                    vec!["a@example.com".to_owned(), "c@example.com".to_owned()]
                ),
                (
                    "admin".to_owned(),
                    vec!["b@example.com".to_owned(), "d@example.com".to_owned()]
                ),
            ]
        );
        let err = group_by_role(&list, None).unwrap_err();
        assert!(
            matches!(&err, EmailListError::MissingRole { lines } if lines == &[1, 3]),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "2 emails without a role (line 1, 3): pass --role or add a role column"
        );
    }

    #[test]
    fn csv_splitting() {
        let s = |l: &str| split_csv(l).unwrap();
        assert_eq!(s("a"), vec!["a"]);
        assert_eq!(s("a,b"), vec!["a", "b"]);
        assert_eq!(s(" a , b "), vec!["a", "b"]);
        assert_eq!(s("a,"), vec!["a", ""]);
        assert_eq!(s(",b"), vec!["", "b"]);
        assert_eq!(s(r#""a,b",c"#), vec!["a,b", "c"]);
        assert_eq!(s(r#""say ""hi""""#), vec![r#"say "hi""#]);
        assert_eq!(s(r#""","x""#), vec!["", "x"]);
    }

    fn email_strategy() -> impl Strategy<Value = String> {
        ("[a-zA-Z0-9_+-]{1,12}", "[a-z0-9]{1,10}", "[a-z]{2,5}").prop_map(|(l, d, t)| format!("{l}@{d}.{t}"))
    }

    proptest! {
        #[test]
        fn any_layout_gives_the_same_distinct_emails(
            list in proptest::collection::vec(email_strategy(), 1..40),
            pad in "[ \t]{0,3}",
            crlf in any::<bool>(),
            comment in any::<bool>(),
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            for e in &list {
                text.push_str(&pad);
                text.push_str(e);
                text.push_str(&pad);
                if comment {
                    text.push_str(" # note");
                }
                text.push_str(eol);
                text.push_str(eol);
            }
            let mut expected: Vec<String> = Vec::new();
            for e in &list {
                let n = e.to_ascii_lowercase();
                if !expected.contains(&n) {
                    expected.push(n);
                }
            }
            prop_assert_eq!(emails(&text), expected);
        }
    }
}
