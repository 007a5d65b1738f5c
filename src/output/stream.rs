//! Lists printed page by page as they arrive: json, json-compact, yaml, csv, tsv and
//! `-q` write each page and flush it before the next is fetched, keeping nothing
//! from earlier pages, so memory stays flat however long the list. Text tables
//! (column widths need every row), `--jq` and `--template` (they see the whole
//! array) collect the pages and print at the end, as [`Output::list`] does.
//!
//! The bytes are those `Output::list` prints for the whole list. A failure after
//! the first page leaves the output unfinished: a JSON array without its closing
//! `]`, so no parser mistakes it for the whole list, and the command exits non-zero
//! with its `error:` line.

use std::io::Write;

use serde::Serialize;

use super::sanitize::sanitize;
use super::{Output, Tabular, json, yaml};
use crate::error::CliError;
use crate::settings::OutputFormat;

enum Mode {
    /// Text, `--jq`, `--template`: everything at the end.
    Collect,
    Json {
        pretty: bool,
    },
    Yaml,
    Delimited(char),
    Ids,
}

/// A list being printed (to stdout, or a buffer in tests); see the module doc.
pub struct ListStream<'a, T, W: Write = crate::process::StdoutWriter> {
    out: &'a Output,
    sink: W,
    mode: Mode,
    empty: &'a str,
    collected: Vec<T>,
    written: usize,
    closed: bool,
}

impl Output {
    /// Starts printing a list that arrives in pages; `empty` goes to stderr (text
    /// mode) when there are none.
    pub fn list_stream<'a, T: Tabular + Serialize>(&'a self, empty: &'a str) -> ListStream<'a, T> {
        self.list_stream_to(empty, self.streams.stdout_writer())
    }

    fn list_stream_to<'a, T: Tabular + Serialize, W: Write>(
        &'a self,
        empty: &'a str,
        sink: W,
    ) -> ListStream<'a, T, W> {
        let mode = if self.filter.is_some() {
            Mode::Collect
        } else if self.quiet {
            Mode::Ids
        } else {
            match self.format {
                OutputFormat::Text | OutputFormat::Wide => Mode::Collect,
                OutputFormat::Json => Mode::Json { pretty: true },
                OutputFormat::JsonCompact => Mode::Json { pretty: false },
                OutputFormat::Yaml => Mode::Yaml,
                OutputFormat::Csv => Mode::Delimited(','),
                OutputFormat::Tsv => Mode::Delimited('\t'),
            }
        };
        ListStream {
            out: self,
            sink,
            mode,
            empty,
            collected: Vec::new(),
            written: 0,
            closed: false,
        }
    }
}

fn encode_err(e: impl std::fmt::Display) -> CliError {
    CliError::other(format!("cannot encode JSON: {e}"))
}

impl<T: Tabular + Serialize, W: Write> ListStream<'_, T, W> {
    /// Whether stdout's reader has gone (`| head`): stop fetching, it is not a failure.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Prints (or, for text and filters, keeps) one page.
    pub fn page(&mut self, items: Vec<T>) -> Result<(), CliError> {
        if self.closed || items.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        match self.mode {
            Mode::Collect => {
                self.collected.extend(items);
                return Ok(());
            }
            Mode::Json { pretty } => {
                for item in &items {
                    let one = json::to_string(item, pretty).map_err(encode_err)?;
                    text.push_str(match (self.written, pretty) {
                        (0, true) => "[\n",
                        (0, false) => "[",
                        (_, true) => ",\n",
                        (_, false) => ",",
                    });
                    if pretty {
                        // A nested value of the array: one level deeper. JSON
                        // strings hold no raw newline, so every line is indented.
                        for (i, line) in one.split('\n').enumerate() {
                            if i > 0 {
                                text.push('\n');
                            }
                            text.push_str("  ");
                            text.push_str(line);
                        }
                    } else {
                        text.push_str(&one);
                    }
                    self.written += 1;
                }
            }
            Mode::Yaml => {
                // A top-level sequence is its items' `- …` entries one after another.
                text = yaml(&items)?;
                self.written += items.len();
            }
            Mode::Delimited(sep) => {
                let mut page = super::Table::new(T::HEADERS).with_fits(T::FITS);
                for item in &items {
                    page.push(item.id(), item.row());
                }
                let lines = page.delimited(sep);
                // The header line only before the first page.
                text = if self.written == 0 {
                    lines
                } else {
                    lines
                        .split_once('\n')
                        .map(|(_, rest)| rest.to_owned())
                        .unwrap_or_default()
                };
                self.written += items.len();
            }
            Mode::Ids => {
                for item in &items {
                    text.push_str(&sanitize(&item.id()));
                    text.push('\n');
                }
                self.written += items.len();
            }
        }
        self.write(&text)
    }

    /// Ends the list: the closing bracket, the header of an empty table, or the
    /// collected list printed at once.
    pub fn finish(mut self) -> Result<(), CliError> {
        if self.closed {
            return Ok(());
        }
        let text = match self.mode {
            Mode::Collect => {
                let items = std::mem::take(&mut self.collected);
                return self.out.list(&items, self.empty);
            }
            Mode::Json { pretty } => match (self.written, pretty) {
                (0, _) => "[]\n".to_owned(),
                (_, true) => "\n]\n".to_owned(),
                (_, false) => "]\n".to_owned(),
            },
            Mode::Yaml if self.written == 0 => "[]\n".to_owned(),
            Mode::Delimited(sep) if self.written == 0 => header::<T>(sep),
            Mode::Yaml | Mode::Delimited(_) | Mode::Ids => return Ok(()),
        };
        self.write(&text)
    }

    fn write(&mut self, text: &str) -> Result<(), CliError> {
        let out = &mut self.sink;
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(CliError::other(format!("cannot write to stdout: {e}"))),
        }
    }
}

/// The csv/tsv header line of `T`'s table.
fn header<T: Tabular>(sep: char) -> String {
    super::Table::new(T::HEADERS).with_fits(T::FITS).delimited(sep)
}

#[cfg(test)]
mod tests {
    use access_api::{Principal, Ref, RoleBinding};

    use super::*;
    use crate::output::Table;

    fn binding(i: usize) -> RoleBinding {
        RoleBinding {
            id: format!("rb-{i:03}"),
            role: Ref {
                id: format!("r{}", i % 3),
                name: ["owner", "=cmd", "viewer"][i % 3].into(),
            },
            principal: match i % 4 {
                0 => Principal::AllUsers,
                _ => Principal::User {
                    id: format!("u{i}"),
                    username: format!("user{i}"),
                    email: format!("u{i}@example.com"),
                    name: Some(["Zoë, \"Z\"", "bidi\u{202e}x", "plain"][i % 3].into()),
                    mfa_enabled: i.is_multiple_of(2),
                    disabled: false,
                },
            },
            expires_at: i.is_multiple_of(5).then(|| "2030-01-01T00:00:00Z".into()),
            created_at: "2026-01-01T00:00:00Z".into(),
            created_by: (i % 2 == 1).then(|| "admin".into()),
            role_rank: (i % 3) as i64,
            mfa_required: false,
        }
    }

    /// What `Output::print` writes for the whole list.
    fn whole(out: &Output, items: &[RoleBinding]) -> String {
        let mut table = Table::new(RoleBinding::HEADERS).with_fits(RoleBinding::FITS);
        for item in items {
            table.push(item.id(), item.row());
        }
        if out.quiet {
            return table.ids.iter().map(|id| format!("{}\n", sanitize(id))).collect();
        }
        match out.format {
            OutputFormat::Json | OutputFormat::JsonCompact => {
                json::to_string(items, out.format == OutputFormat::Json).unwrap() + "\n"
            }
            OutputFormat::Yaml => yaml(items).unwrap(),
            OutputFormat::Csv | OutputFormat::Tsv => {
                let sep = if out.format == OutputFormat::Csv {
                    ','
                } else {
                    '\t'
                };
                table.delimited(sep)
            }
            OutputFormat::Text | OutputFormat::Wide => unreachable!("text is collected"),
        }
    }

    fn streamed(out: &Output, items: &[RoleBinding], page: usize) -> String {
        let mut buf = Vec::new();
        let mut list = out.list_stream_to::<RoleBinding, _>("none", &mut buf);
        for chunk in items.chunks(page) {
            list.page(chunk.to_vec()).unwrap();
        }
        // An empty last page, as a server may send.
        list.page(Vec::new()).unwrap();
        list.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn a_failure_after_the_first_page_leaves_json_unterminated() {
        let out = Output::new(OutputFormat::Json, false, false);
        let mut buf = Vec::new();
        let mut list = out.list_stream_to::<RoleBinding, _>("none", &mut buf);
        list.page((0..3).map(binding).collect()).unwrap();
        // The next page fails: the command returns its error without finish().
        drop(list);
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("[\n  {"), "{text}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_err(),
            "{text}"
        );
    }

    #[test]
    fn every_streamed_format_is_the_whole_list_byte_for_byte() {
        let items: Vec<RoleBinding> = (0..23).map(binding).collect();
        for (format, quiet) in [
            (OutputFormat::Json, false),
            (OutputFormat::JsonCompact, false),
            (OutputFormat::Yaml, false),
            (OutputFormat::Csv, false),
            (OutputFormat::Tsv, false),
            (OutputFormat::Json, true),
        ] {
            let out = Output::new(format, quiet, false);
            for n in [0, 1, 23] {
                for page in [1, 5, 23, 50] {
                    assert_eq!(
                        streamed(&out, &items[..n], page),
                        whole(&out, &items[..n]),
                        "{format:?} quiet={quiet} {n} items, pages of {page}"
                    );
                }
            }
        }
    }
}
