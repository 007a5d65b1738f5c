//! What the input looks like, decided by its first row: a header row naming the
//! email column (and maybe a role column) and its delimiter, or plain `email` /
//! `email,role` rows; and what each row then gives.

use super::records::{self, Row};

/// The delimiters a file may use, in the order a tie is decided.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// How the rows are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// `email` or `email,role` per row (no header).
    Plain { delimiter: u8 },
    /// A header row (on `line`) named the columns.
    Header {
        delimiter: u8,
        line: usize,
        email: usize,
        role: Option<usize>,
    },
}

/// What one row gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cells {
    /// Blank, a comment or the header row.
    Skip,
    /// An email (the address of a `Name <email>` cell) and maybe a role, as written.
    Entry { email: String, role: Option<String> },
    /// Unusable; `shown` is what the report calls it.
    Invalid { shown: String, reason: String },
}

/// Decides the layout from the first row that is not blank or a comment, and returns
/// the text to read with it: comments blanked out (lines keep their numbers). Without
/// a header row, trailing ` # comments` are comments too; with one, only whole-line
/// comments are (a cell of a real export may hold ` #`).
pub fn detect(text: &str) -> (Layout, String) {
    let whole_lines = blank_comments(text, false);
    let first = records::first_filled(&whole_lines, b',');
    let Some(first) = first else {
        return (Layout::Plain { delimiter: b',' }, whole_lines);
    };
    // The first row's own text, split with each delimiter.
    let first_text: String = whole_lines
        .lines()
        .skip(first.line - 1)
        .take(first.last_line - first.line + 1)
        .collect::<Vec<_>>()
        .join("\n");
    for delimiter in DELIMITERS {
        let Some(fields) = first_fields(&first_text, delimiter) else {
            continue;
        };
        let column = |want: &str| fields.iter().position(|f| header_name(f) == want);
        if let Some(email) = column("email") {
            let layout = Layout::Header {
                delimiter,
                line: first.line,
                email,
                role: column("role"),
            };
            return (layout, whole_lines);
        }
    }
    let text = blank_comments(text, true);
    let first_text = blank_comments(&first_text, true);
    // Most non-empty fields wins; a tie (one email alone) keeps the comma.
    let mut best = (b',', 0);
    for delimiter in DELIMITERS {
        let n = first_fields(&first_text, delimiter)
            .map_or(0, |f| f.iter().filter(|f| !f.trim().is_empty()).count());
        if n > best.1 {
            best = (delimiter, n);
        }
    }
    (Layout::Plain { delimiter: best.0 }, text)
}

fn first_fields(text: &str, delimiter: u8) -> Option<Vec<String>> {
    records::first_filled(text, delimiter).map(|r| r.fields)
}

/// A header cell as a column name: `Email`, `E-mail`, `Email Address`,
/// `email_address`, `E-mail Address` and `Email Address [Required]` are all `email`.
fn header_name(cell: &str) -> String {
    let mut name = cell.trim();
    if name.ends_with(']')
        && let Some(i) = name.rfind('[')
    {
        name = name[..i].trim();
    }
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect();
    match name.as_str() {
        "email" | "emailaddress" => "email".to_owned(),
        _ => name,
    }
}

fn is_blank(row: &Row) -> bool {
    row.fields.iter().all(|f| f.trim().is_empty())
}

impl Layout {
    pub fn delimiter(&self) -> u8 {
        match self {
            Layout::Plain { delimiter } | Layout::Header { delimiter, .. } => *delimiter,
        }
    }

    /// What `row` gives in this layout.
    pub fn cells(&self, row: &Row) -> Cells {
        if is_blank(row) {
            return Cells::Skip;
        }
        let (email, role) = match *self {
            Layout::Header { line, .. } if row.line == line => return Cells::Skip,
            Layout::Header { email, role, .. } => match row.fields.get(email) {
                Some(e) if !e.trim().is_empty() => (email, role.filter(|r| row.fields.get(*r).is_some())),
                _ => return invalid(row, "no value in the email column"),
            },
            Layout::Plain { .. } => {
                let used = row
                    .fields
                    .iter()
                    .rposition(|f| !f.trim().is_empty())
                    .map_or(0, |i| i + 1);
                match used {
                    1 => (0, None),
                    2 => (0, Some(1)),
                    _ => {
                        return invalid(
                            row,
                            "expected `email` or `email,role` (add a header row naming the columns to use others)",
                        );
                    }
                }
            }
        };
        for column in std::iter::once(email).chain(role) {
            if row.after_quote.get(column) == Some(&true) {
                return invalid(row, "unexpected text after a closing quote");
            }
        }
        let cell = value(&row.fields[email]);
        if cell.contains('\n') {
            return Cells::Invalid {
                shown: first_line(&cell),
                reason: format!(
                    "the quoted email cell spans lines {}–{}; an email has no line break (a misplaced quote?)",
                    row.line, row.last_line
                ),
            };
        }
        let role = role.map(|r| value(&row.fields[r])).filter(|r| !r.is_empty());
        Cells::Entry {
            email: address(&cell).to_owned(),
            role,
        }
    }
}

fn invalid(row: &Row, reason: &str) -> Cells {
    let text = row.fields.iter().map(|f| f.trim()).collect::<Vec<_>>().join(",");
    Cells::Invalid {
        shown: first_line(text.trim_end_matches(',')),
        reason: reason.to_owned(),
    }
}

/// The first line of a multi-line cell, with `…` when there is more.
fn first_line(s: &str) -> String {
    match s.trim().split_once('\n') {
        Some((first, _)) => format!("{}…", first.trim_end()),
        None => s.trim().to_owned(),
    }
}

/// A cell's value: without a trailing ` # comment`, trimmed, and unquoted when a
/// quote opened it after spaces (`a@x.io, "viewer"`: the crate reads such a quote
/// literally).
fn value(field: &str) -> String {
    let v = strip_comment(field).trim();
    match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) if field.starts_with(char::is_whitespace) => inner.replace("\"\"", "\""),
        _ => v.to_owned(),
    }
}

/// The address of a `Name <email>` (or `<email>`) cell; any other cell as it is.
fn address(cell: &str) -> &str {
    let cell = cell.trim();
    match (cell.strip_suffix('>'), cell.rfind('<')) {
        (Some(inner), Some(open)) => inner[open + 1..].trim(),
        _ => cell,
    }
}

/// Drops a trailing ` # comment` from a cell (the `#` must follow whitespace).
fn strip_comment(cell: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in cell.char_indices() {
        if c == '#' && prev_space {
            return &cell[..i];
        }
        prev_space = c.is_whitespace();
    }
    cell
}

/// `text` with comments replaced by spaces (line breaks kept, so lines keep their
/// numbers): lines whose first non-blank character is `#`, and with `trailing` a `#`
/// after whitespace or a delimiter too; never inside quotes.
fn blank_comments(text: &str, trailing: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_quotes, mut line_start, mut prev_space, mut skipping) = (false, true, true, false);
    for c in text.chars() {
        if c == '\n' {
            skipping = false;
            line_start = !in_quotes;
            prev_space = true;
            out.push(c);
            continue;
        }
        if skipping {
            out.push(if c == '\r' { '\r' } else { ' ' });
            continue;
        }
        match c {
            '"' => in_quotes = !in_quotes,
            '#' if !in_quotes && (line_start || (trailing && prev_space)) => {
                skipping = true;
                out.push(' ');
                continue;
            }
            _ => {}
        }
        if !c.is_whitespace() {
            line_start = false;
        }
        prev_space = c.is_whitespace() || matches!(c, ',' | ';');
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names() {
        for cell in [
            "email",
            "Email",
            " E-mail ",
            "EMAIL ADDRESS",
            "Email Address [Required]",
            "e_mail_address",
            "E-mail Address",
        ] {
            assert_eq!(header_name(cell), "email", "{cell:?}");
        }
        for cell in ["Name", "E-mail 2 Address", "emails", "mail"] {
            assert_ne!(header_name(cell), "email", "{cell:?}");
        }
        assert_eq!(header_name("Role"), "role");
    }

    #[test]
    fn delimiters_are_sniffed_from_the_first_row() {
        let delim = |t: &str| detect(t).0.delimiter();
        assert_eq!(delim("Name;E-mail\nA;a@x.io\n"), b';');
        assert_eq!(delim("Name\tEmail Address\n"), b'\t');
        assert_eq!(delim("\"Smith, A\";Email\n"), b';');
        assert_eq!(delim("Email,Name\n"), b',');
        assert_eq!(delim("a@x.io;viewer\n"), b';');
        assert_eq!(delim("a@x.io\tviewer\n"), b'\t');
        assert_eq!(delim("\ta@x.io\t\n"), b',', "padding is not a delimiter");
        assert_eq!(delim("# a;b;c\n\na@x.io,viewer\n"), b',', "comments do not count");
        assert_eq!(delim("a@x.io # x;y\n"), b',');
    }

    #[test]
    fn comments_are_blanked_keeping_lines() {
        assert_eq!(
            blank_comments("# c\na # d\n\"x\n# y\"\n", true),
            "   \na    \n\"x\n# y\"\n"
        );
        assert_eq!(blank_comments("a # d\n  # e\n", false), "a # d\n     \n");
        assert_eq!(blank_comments("a#b@x.io #c", true), "a#b@x.io   ");
    }

    #[test]
    fn addresses_of_name_cells() {
        assert_eq!(address(" Bob Builder <bob@x.io> "), "bob@x.io");
        assert_eq!(address("<bob@x.io>"), "bob@x.io");
        assert_eq!(address("bob@x.io"), "bob@x.io");
        assert_eq!(address("Bob <bob@x.io"), "Bob <bob@x.io");
    }
}
