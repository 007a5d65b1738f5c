//! The rows of the input, read by the `csv` crate: each with its first physical line
//! and, for the fields that need it, whether text followed a closing quote (which the
//! crate reads leniently, `"a@x.io"b` as `a@x.iob`, so a typo would invite a wrong
//! address).

/// One record of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based physical line the record starts on.
    pub line: usize,
    /// 1-based physical line it ends on (later than `line` when a quoted field holds
    /// a line break).
    pub last_line: usize,
    /// The fields, untrimmed, as the crate decoded them.
    pub fields: Vec<String>,
    /// Per field: text other than whitespace or a `<address>` followed its closing
    /// quote.
    pub after_quote: Vec<bool>,
}

/// Reads every record of `text` split on `delimiter`; `Err(line)` when a quote opened
/// on `line` is never closed.
pub fn rows(text: &str, delimiter: u8) -> Result<Vec<Row>, usize> {
    read(text, delimiter, false)
}

/// The first record with a non-blank field, reading no further.
pub fn first_filled(text: &str, delimiter: u8) -> Option<Row> {
    read(text, delimiter, true).ok()?.pop()
}

/// Reads the records; with `first_filled` only up to the first one with a
/// non-blank field, which is then the only one returned.
fn read(text: &str, delimiter: u8, first_filled: bool) -> Result<Vec<Row>, usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            // Input is a valid &str and records may differ in length: the crate has
            // nothing else to refuse. Stop rather than guess.
            Ok(false) | Err(_) => break,
        }
        let begin = record.position().map_or(start.byte(), csv::Position::byte);
        let line = record.position().map_or(start.line(), csv::Position::line);
        let end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        let raw = text
            .get(usize::try_from(begin).unwrap_or(usize::MAX)..end.min(text.len()))
            .unwrap_or_default();
        // The crate skips empty lines before a record; its position is theirs.
        let record_text = raw.trim_start_matches(['\r', '\n']);
        let skipped = raw[..raw.len() - record_text.len()].matches('\n').count();
        let raw = record_text;
        let (after_quote, unterminated) = quote_check(raw, char::from(delimiter));
        let line = usize::try_from(line)
            .unwrap_or(usize::MAX)
            .saturating_add(skipped);
        if unterminated {
            return Err(line);
        }
        let body = raw.trim_end_matches(['\r', '\n']);
        let row = Row {
            line,
            last_line: line + body.matches('\n').count(),
            fields: record.iter().map(str::to_owned).collect(),
            after_quote,
        };
        if first_filled {
            if row.fields.iter().any(|f| !f.trim().is_empty()) {
                return Ok(vec![row]);
            }
            continue;
        }
        rows.push(row);
    }
    if first_filled {
        return Ok(Vec::new());
    }
    Ok(rows)
}

/// Scans one raw record the way the crate split it: for each field, whether text
/// followed its closing quote (whitespace and a `"Name" <address>` tail are fine),
/// and whether the record ends inside a quote (or runs on past where its quotes
/// say it ends).
fn quote_check(raw: &str, delimiter: char) -> (Vec<bool>, bool) {
    let mut flags = Vec::new();
    let mut chars = raw.chars().peekable();
    loop {
        // As in the crate, a quote opens a field only as its first character.
        let mut after = false;
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') if chars.next_if_eq(&'"').is_some() => {}
                    Some('"') => break,
                    Some(_) => {}
                    None => {
                        flags.push(false);
                        return (flags, true);
                    }
                }
            }
            let mut rest = String::new();
            while let Some(c) = chars.next_if(|c| *c != delimiter && *c != '\n' && *c != '\r') {
                rest.push(c);
            }
            let rest = rest.trim();
            let address = rest.starts_with('<') && rest.ends_with('>');
            after = !(rest.is_empty() || address);
        } else {
            while chars
                .next_if(|c| *c != delimiter && *c != '\n' && *c != '\r')
                .is_some()
            {}
        }
        flags.push(after);
        if chars.next_if_eq(&delimiter).is_none() {
            // The record must end here. If the crate's record goes on past this line
            // break, it reopened a quote that our reading closed: the rest of the
            // input would be one cell, as with a quote never closed.
            let rest: String = chars.collect();
            return (flags, !rest.trim_matches(['\r', '\n']).is_empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, usize, Vec<String>)> {
        rows(text, b',')
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.last_line, r.fields))
            .collect()
    }

    #[test]
    fn physical_lines_count_quoted_line_breaks() {
        let text = "a,b\n\"x\ny\nz\",c\n\nd\r\ne,\"f\"\n";
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            lines(text),
            vec![
                (1, 1, v(&["a", "b"])),
                (2, 4, v(&["x\ny\nz", "c"])),
                (6, 6, v(&["d"])),
                (7, 7, v(&["e", "f"])),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        assert_eq!(rows("a\nb,\"c\nd\ne\n", b','), Err(2));
        assert_eq!(rows("\"a", b';'), Err(1));
    }

    #[test]
    fn text_after_a_closing_quote_is_flagged() {
        let flags = |raw: &str, d: char| quote_check(raw, d).0;
        assert_eq!(flags(r#""a"x,b"#, ','), [true, false]);
        assert_eq!(flags(r#""a" , "b""#, ','), [false, false]);
        assert_eq!(flags(r#""Smith, A" <a@x.io>;v"#, ';'), [false, false]);
        assert_eq!(flags("\"a\"\t\"b\"z\n", '\t'), [false, true]);
        assert_eq!(flags(r#"say ""hi"",b"#, ','), [false, false]);
        assert!(quote_check("\"abc\n", ',').1);
        assert!(!quote_check("\"a\nb\"\r\n", ',').1);
    }
}
