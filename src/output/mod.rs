//! The only module that prints. stdout carries data; stderr carries everything else
//! (progress, warnings, hints, errors, `-v` traces).
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod jq;
pub mod json;
pub mod pager;
pub mod progress;
pub mod sanitize;
pub mod stream;
pub mod summary;
pub mod table;
pub mod template;
pub mod views;

use std::sync::Arc;

use serde::Serialize;

pub use table::Table;
pub use views::Tabular;

use crate::error::CliError;
use crate::process::{Process, Streams};
use crate::settings::OutputFormat;
use sanitize::sanitize;

/// Prints results in the chosen format.
#[derive(Debug, Clone)]
pub struct Output {
    format: OutputFormat,
    quiet: bool,
    term: Terminal,
    verbose: bool,
    filter: Option<Filter>,
    streams: Streams,
}

/// What replaces the `-o` format: `--jq EXPR` or `--template TPL` (clap lets a
/// command line have at most one), compiled before any request.
#[derive(Debug, Clone)]
pub enum Filter {
    Jq(Arc<jq::JqFilter>),
    Template(Arc<template::Template>),
}

/// What a run knows about its terminal, found out once in `prepare` (the only code
/// that reads the environment) and never again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terminal {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// Columns of the terminal on stdout (tables are cut to it); `None` when piped.
    pub width: Option<usize>,
    /// Rows of the terminal on stdout (taller output goes through the pager); `None`
    /// when piped or unknown.
    pub height: Option<usize>,
    /// Colour (bold headers) on stdout, and the coloured prefixes on stderr.
    pub color_stdout: bool,
    pub color_stderr: bool,
    /// The pager command (`sh -c`) for output taller than the terminal; `None`: none.
    pub pager: Option<String>,
}

/// The pager when neither `ACCESSCTL_PAGER` nor `PAGER` is set.
pub const DEFAULT_PAGER: &str = "less -FRX";
/// The width assumed on a terminal that reports 0 columns without `COLUMNS`.
pub const FALLBACK_WIDTH: usize = 80;

impl Terminal {
    /// The terminal as the run's [`Process`] sees it, and its environment
    /// (`COLUMNS`, `LINES`, `NO_COLOR`, `CLICOLOR_FORCE`, `ACCESSCTL_PAGER`, `PAGER`).
    /// `NO_COLOR` set to anything non-empty (or `--no-color`) turns colour off;
    /// `CLICOLOR_FORCE` set to anything but `0` turns it on even when piped.
    pub fn detect(process: &Process, no_color: bool, no_pager: bool) -> Terminal {
        Terminal::from_facts(
            process.stdout_tty,
            process.stderr_tty,
            process.size,
            |k| process.var(k),
            no_color,
            no_pager,
        )
    }

    fn from_facts(
        stdout_tty: bool,
        stderr_tty: bool,
        size: Option<(usize, usize)>,
        env: impl Fn(&str) -> Option<String>,
        no_color: bool,
        no_pager: bool,
    ) -> Terminal {
        let set = |k: &str| env(k).filter(|v| !v.is_empty());
        let number = |k: &str| {
            set(k)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| *n > 0)
        };
        let (w, h) = size.unwrap_or((0, 0));
        let width = stdout_tty.then(|| {
            Some(w)
                .filter(|w| *w > 0)
                .or_else(|| number("COLUMNS"))
                .unwrap_or(FALLBACK_WIDTH)
        });
        // A terminal that does not know its height (0×0, no LINES) gets no pager:
        // the pager would not know it either.
        let height = stdout_tty
            .then(|| Some(h).filter(|h| *h > 0).or_else(|| number("LINES")))
            .flatten();
        let no_color = no_color || set("NO_COLOR").is_some();
        let forced = set("CLICOLOR_FORCE").is_some_and(|v| v != "0");
        let pager = (stdout_tty && !no_pager)
            .then(|| {
                env("ACCESSCTL_PAGER")
                    .or_else(|| env("PAGER"))
                    .unwrap_or_else(|| DEFAULT_PAGER.to_owned())
            })
            .filter(|p| !p.trim().is_empty() && p.trim() != "cat");
        Terminal {
            stdout_tty,
            stderr_tty,
            width,
            height,
            color_stdout: !no_color && (stdout_tty || forced),
            color_stderr: !no_color && (stderr_tty || forced),
            pager,
        }
    }
}

impl Output {
    /// An output on the process's stdout and stderr, as if neither were a terminal
    /// (no colour, no pager); [`Output::with_terminal`] and [`Output::with_streams`]
    /// give it what `prepare` found.
    pub fn new(format: OutputFormat, quiet: bool, verbose: bool) -> Self {
        Output {
            format,
            quiet,
            term: Terminal::default(),
            verbose,
            filter: None,
            streams: Streams::Inherited,
        }
    }

    /// The terminal `prepare` found.
    pub fn with_terminal(mut self, term: Terminal) -> Self {
        self.term = term;
        self
    }

    /// Where stdout and stderr go (the run's [`Process`]).
    pub fn with_streams(mut self, streams: Streams) -> Self {
        self.streams = streams;
        self
    }

    /// Results go through `--jq EXPR` or `--template TPL`, which override `-o`
    /// (`-o json-compact` makes `--jq`'s non-string outputs compact).
    pub fn with_filter(mut self, filter: Option<Filter>) -> Self {
        self.filter = filter;
        self
    }

    pub fn format(&self) -> OutputFormat {
        self.format
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Whether results are printed as text for a person (not json/yaml/csv/tsv, not
    /// `-q`, `--jq` or `--template`).
    pub fn is_text(&self) -> bool {
        matches!(self.format, OutputFormat::Text | OutputFormat::Wide) && !self.quiet && self.filter.is_none()
    }

    /// A list of results; `empty` goes to stderr (text mode) when there are none.
    pub fn list<T: Tabular + Serialize>(&self, items: &[T], empty: &str) -> Result<(), CliError> {
        let mut table = Table::new(T::HEADERS).with_fits(T::FITS);
        for item in items {
            table.push(item.id(), item.row());
        }
        if items.is_empty() && self.is_text() {
            self.info(empty);
            return Ok(());
        }
        self.print(items, &table)
    }

    /// One result shown as a one-row table (text) and one object (JSON).
    pub fn row<T: Tabular + Serialize>(&self, item: &T) -> Result<(), CliError> {
        let mut table = Table::new(T::HEADERS).with_fits(T::FITS);
        table.push(item.id(), item.row());
        self.print(item, &table)
    }

    /// One result.
    pub fn one<T: Tabular + Serialize>(&self, item: &T) -> Result<(), CliError> {
        let mut table = Table::new(T::HEADERS).with_fits(T::FITS);
        table.push(item.id(), item.row());
        table.vertical = true;
        self.print(item, &table)
    }

    /// `data` for json/yaml/`--jq`/`--template`, `table` for text/csv/tsv, `table.ids`
    /// for `-q`.
    pub fn print<T: Serialize + ?Sized>(&self, data: &T, table: &Table) -> Result<(), CliError> {
        if let Some(text) = self.filtered(data)? {
            return self.data(&text);
        }
        let text = if self.quiet {
            table.ids.iter().map(|id| format!("{}\n", sanitize(id))).collect()
        } else {
            match self.format {
                OutputFormat::Text | OutputFormat::Wide => {
                    let rendered = table::render(
                        table,
                        table::Style {
                            tty: self.term.stdout_tty,
                            color: self.term.color_stdout,
                            width: self.term.width,
                            wide: self.format == OutputFormat::Wide,
                        },
                    );
                    if !rendered.dropped.is_empty() {
                        self.info(&format!(
                            "{} left out to fit {} columns (a pipe or -o json shows all)",
                            rendered.dropped.join(", "),
                            self.term.width.unwrap_or_default(),
                        ));
                    }
                    rendered.text
                }
                OutputFormat::Json | OutputFormat::JsonCompact => {
                    let pretty = self.format == OutputFormat::Json;
                    let mut s = json::to_string(data, pretty)
                        .map_err(|e| CliError::other(format!("cannot encode JSON: {e}")))?;
                    s.push('\n');
                    s
                }
                OutputFormat::Yaml => yaml(data)?,
                OutputFormat::Csv => table.delimited(','),
                OutputFormat::Tsv => table.delimited('\t'),
            }
        };
        self.data(&text)
    }

    /// A document meant to be saved and edited (`roles export`): YAML, unless `-o json`
    /// or `json-compact` asks for JSON; `--jq`/`--template` work on its JSON. `-q`
    /// does not shorten it (the document is the data); csv and tsv cannot hold it.
    pub fn document<T: Serialize + ?Sized>(&self, data: &T) -> Result<(), CliError> {
        if let Some(text) = self.filtered(data)? {
            return self.data(&text);
        }
        let text = match self.format {
            OutputFormat::Text | OutputFormat::Wide | OutputFormat::Yaml => to_yaml(data)?,
            OutputFormat::Json | OutputFormat::JsonCompact => {
                let mut s = json::to_string(data, self.format == OutputFormat::Json)
                    .map_err(|e| CliError::other(format!("cannot encode JSON: {e}")))?;
                s.push('\n');
                s
            }
            OutputFormat::Csv | OutputFormat::Tsv => {
                return Err(
                    CliError::usage("a document is written as yaml or json, not as a table")
                        .with_hint("use -o yaml (the default) or -o json"),
                );
            }
        };
        self.data(&text)
    }

    /// Whether stdout is a terminal.
    pub fn is_tty(&self) -> bool {
        self.term.stdout_tty
    }

    /// A bare value (a config value, a context name) on stdout, sanitized; `--jq` and
    /// `--template` see it as a JSON string.
    pub fn value(&self, value: &str) -> Result<(), CliError> {
        if let Some(text) = self.filtered(value)? {
            return self.stdout(&text);
        }
        self.stdout(&format!("{}\n", sanitize(value)))
    }

    /// What `--jq` or `--template` make of `data`; `None` when neither is given.
    /// Like table cells, server strings are sanitized: a `--jq` string result keeps
    /// its TABs and newlines (`@tsv`), a template sees sanitized values; other `--jq`
    /// results are terminal-safe JSON, which keeps every string exact.
    fn filtered<T: Serialize + ?Sized>(&self, data: &T) -> Result<Option<String>, CliError> {
        let Some(filter) = &self.filter else {
            return Ok(None);
        };
        let mut value =
            serde_json::to_value(data).map_err(|e| CliError::other(format!("cannot encode JSON: {e}")))?;
        let formatting_failed = |msg: String| {
            CliError::other(msg).with_hint(
                "the command itself succeeded; only formatting its output failed (compare with -o json)",
            )
        };
        let text = match filter {
            Filter::Jq(jq) => {
                let outputs = jq.run(value).map_err(|e| formatting_failed(e.to_string()))?;
                let compact = self.format == OutputFormat::JsonCompact;
                jq::to_text(&outputs, compact)
                    .map_err(|e| CliError::other(format!("cannot encode JSON: {e}")))?
            }
            Filter::Template(tpl) => {
                sanitize_value(&mut value);
                tpl.render(&value).map_err(|e| formatting_failed(e.to_string()))?
            }
        };
        Ok(Some(text))
    }

    /// Drawing meant for a terminal (the MFA enrolment's QR code), on stdout as it
    /// is; the caller shows it only when stdout is a terminal and the output text.
    pub fn terminal_art(&self, art: &str) -> Result<(), CliError> {
        self.stdout(art)
    }

    /// A generated script (shell completion), on stdout exactly as generated.
    pub fn script(&self, script: &str) -> Result<(), CliError> {
        self.stdout(script)
    }

    /// A secret the user asked for, on stdout only.
    pub fn secret(&self, secret: &crate::credentials::Secret) -> Result<(), CliError> {
        self.stdout(&format!("{}\n", sanitize(secret.expose())))
    }

    /// Results on stdout: through the pager when stdout is a terminal and `text` is
    /// taller than it (never when piped, never with `--no-pager`).
    fn data(&self, text: &str) -> Result<(), CliError> {
        if let (Some(pager), Some(height)) = (&self.term.pager, self.term.height)
            && text.lines().count() >= height
            && pager::page(pager, text)
        {
            return Ok(());
        }
        self.stdout(text)
    }

    fn stdout(&self, text: &str) -> Result<(), CliError> {
        match self.streams.stdout(text.as_bytes()) {
            Ok(()) => Ok(()),
            // A closed pipe (`| head`) is the reader's choice, not our failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(e) => Err(CliError::other(format!("cannot write to stdout: {e}"))),
        }
    }

    /// A message for the person at the terminal (stderr; silent with `-q`).
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.stderr_line(&sanitize(msg));
        }
    }

    /// A warning (stderr, even with `-q`).
    pub fn warn(&self, msg: &str) {
        self.stderr_line(&format!("{}{}", self.prefix(Prefix::Warning), sanitize(msg)));
    }

    /// The `error:` line and its `hint:`, the prefixes coloured like clap's on a
    /// terminal.
    pub fn error(&self, err: &CliError) {
        self.stderr_line(&format!(
            "{}{}",
            self.prefix(Prefix::Error),
            sanitize(&err.message)
        ));
        for hint in &err.hints {
            self.stderr_line(&format!("{}{}", self.prefix(Prefix::Hint), sanitize(hint)));
        }
        if self.verbose {
            // The chain of causes, for whoever debugs it (never secrets: no
            // error of this program holds a token or a code).
            let mut cause = std::error::Error::source(err);
            while let Some(c) = cause {
                self.stderr_line(&format!("  caused by: {}", sanitize(&c.to_string())));
                cause = c.source();
            }
        }
    }

    fn prefix(&self, p: Prefix) -> String {
        p.render(self.term.color_stderr)
    }

    /// A prompt on stderr (no newline).
    pub fn prompt(&self, msg: &str) {
        self.streams.stderr(sanitize(msg).as_bytes());
    }

    /// A progress bar counting `unit` on stderr: drawn only when stderr is a terminal
    /// and not with `-q`.
    pub fn progress(&self, unit: &str) -> progress::Progress {
        progress::Progress::new(!self.quiet && self.term.stderr_tty, unit, self.streams.clone())
    }

    /// Where the API client announces a wait before a retry: stderr, only when it
    /// is a terminal and not with `-q` (a script sees only the outcome).
    pub fn notifier(&self) -> Option<crate::api::Tracer> {
        let streams = self.streams.clone();
        (!self.quiet && self.term.stderr_tty)
            .then(|| Arc::new(move |line: &str| stderr_line(&streams, &sanitize(line))) as crate::api::Tracer)
    }

    /// The `-v` trace sink, when verbose.
    pub fn tracer(&self) -> Option<crate::api::Tracer> {
        let streams = self.streams.clone();
        self.verbose
            .then(|| Arc::new(move |line: &str| stderr_line(&streams, &sanitize(line))) as crate::api::Tracer)
    }

    /// One failed item of a batch (an invalid email, a conflict) on stderr, shown
    /// even with `-q`. It is a result line, not the run's error: the run's single
    /// `error:` line is its summary.
    pub fn item_failure(&self, err: &CliError) {
        self.stderr_line(&sanitize(&err.message));
    }

    /// Prints a clap parse failure or `--help`/`--version`; returns the exit code.
    pub fn clap(&self, err: &clap::Error) -> u8 {
        if err.kind() == clap::error::ErrorKind::DisplayVersion {
            // Subcommands would print `accessctl-roles-list 0.1.0`.
            let _ = self
                .streams
                .stdout(format!("accessctl {}\n", env!("CARGO_PKG_VERSION")).as_bytes());
            return 0;
        }
        match &self.streams {
            Streams::Inherited => {
                let _ = err.print();
            }
            streams if err.use_stderr() => streams.stderr(err.render().to_string().as_bytes()),
            streams => {
                let _ = streams.stdout(err.render().to_string().as_bytes());
            }
        }
        if err.use_stderr() { 2 } else { 0 }
    }

    fn stderr_line(&self, line: &str) {
        stderr_line(&self.streams, line);
    }
}

/// The app's own stderr prefixes.
#[derive(Debug, Clone, Copy)]
enum Prefix {
    Error,
    Warning,
    Hint,
}

impl Prefix {
    /// `error:` bold red, `warning:` bold yellow, `hint:` bold green (clap's error
    /// and tip styles), or plain.
    fn render(self, color: bool) -> String {
        let (word, sgr) = match self {
            Prefix::Error => ("error:", "1;31"),
            Prefix::Warning => ("warning:", "1;33"),
            Prefix::Hint => ("hint:", "1;32"),
        };
        if color {
            format!("\u{1b}[{sgr}m{word}\u{1b}[0m ")
        } else {
            format!("{word} ")
        }
    }
}

/// Replaces the panic message (and any backtrace) with one `error:` line.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let streams = Streams::Inherited;
        stderr_line(&streams, &format!("error: internal error: {}", sanitize(&msg)));
        stderr_line(&streams, "hint: this is a bug in accessctl; please report it");
    }));
}

fn stderr_line(streams: &Streams, line: &str) {
    streams.stderr(format!("{line}\n").as_bytes());
}

/// Sanitizes every string (and object key) of `value` for a terminal.
fn sanitize_value(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = sanitize(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sanitize_value),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (k, mut v) in entries {
                sanitize_value(&mut v);
                map.insert(sanitize(&k).into_owned(), v);
            }
        }
        _ => {}
    }
}

/// `data` as YAML with its fields in declaration order, not sorted like `-o yaml`
/// (a document to edit reads top-down: project, etag, bindings; role before
/// principal); escaped and round-tripping like `-o yaml`.
pub fn to_yaml<T: Serialize + ?Sized>(data: &T) -> Result<String, CliError> {
    let mut value =
        yaml_serde::to_value(data).map_err(|e| CliError::other(format!("cannot encode YAML: {e}")))?;
    let mut escaper = Escaper::new();
    swap_yaml_strings(&mut value, &mut |s| escaper.swap(s));
    let text =
        yaml_serde::to_string(&value).map_err(|e| CliError::other(format!("cannot encode YAML: {e}")))?;
    Ok(escaper.restore(text))
}

fn yaml<T: Serialize + ?Sized>(data: &T) -> Result<String, CliError> {
    // Through JSON first so YAML has exactly the JSON field names and values.
    let mut value = serde_json::to_value(data).map_err(|e| CliError::other(format!("cannot encode: {e}")))?;
    let mut escaper = Escaper::new();
    swap_strings(&mut value, &mut |s| escaper.swap(s));
    let text =
        yaml_serde::to_string(&value).map_err(|e| CliError::other(format!("cannot encode YAML: {e}")))?;
    Ok(escaper.restore(text))
}

/// The YAML emitter escapes C0/C1 but writes bidi and zero-width characters raw:
/// such strings are swapped for placeholders, then written as JSON strings, which
/// are valid YAML double-quoted scalars with `\uXXXX` escapes.
struct Escaper {
    nonce: String,
    escaped: Vec<String>,
}

impl Escaper {
    fn new() -> Self {
        Escaper {
            nonce: uuid::Uuid::new_v4().simple().to_string(),
            escaped: Vec::new(),
        }
    }

    fn placeholder(&self, i: usize) -> String {
        format!("p{}n{i}e", self.nonce)
    }

    fn swap(&mut self, s: &mut String) {
        if s.chars().any(sanitize::is_unsafe) {
            let quoted = json::to_string(s, false).unwrap_or_else(|_| "\"\"".to_owned());
            self.escaped.push(quoted);
            *s = self.placeholder(self.escaped.len() - 1);
        }
    }

    fn restore(&self, mut text: String) -> String {
        for (i, quoted) in self.escaped.iter().enumerate() {
            text = text.replace(&self.placeholder(i), quoted);
        }
        text
    }
}

/// Applies `f` to every string and mapping key of a YAML `value`.
fn swap_yaml_strings(value: &mut yaml_serde::Value, f: &mut impl FnMut(&mut String)) {
    use yaml_serde::Value;
    match value {
        Value::String(s) => f(s),
        Value::Sequence(items) => items.iter_mut().for_each(|v| swap_yaml_strings(v, f)),
        Value::Mapping(map) => {
            for (mut k, mut v) in std::mem::take(map) {
                swap_yaml_strings(&mut k, f);
                swap_yaml_strings(&mut v, f);
                map.insert(k, v);
            }
        }
        Value::Tagged(t) => swap_yaml_strings(&mut t.value, f),
        _ => {}
    }
}

/// Applies `f` to every string and object key of `value`.
fn swap_strings(value: &mut serde_json::Value, f: &mut impl FnMut(&mut String)) {
    use serde_json::Value;
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter_mut().for_each(|v| swap_strings(v, f)),
        Value::Object(map) => {
            for (mut k, mut v) in std::mem::take(map) {
                f(&mut k);
                swap_strings(&mut v, f);
                map.insert(k, v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn terminal_width_comes_from_the_terminal_then_columns_then_80() {
        let t = Terminal::from_facts(
            true,
            true,
            Some((120, 40)),
            env(&[("COLUMNS", "60")]),
            false,
            false,
        );
        assert_eq!((t.width, t.height), (Some(120), Some(40)));
        let t = Terminal::from_facts(true, true, Some((0, 0)), env(&[("COLUMNS", "60")]), false, false);
        assert_eq!((t.width, t.height), (Some(60), None));
        let t = Terminal::from_facts(true, true, Some((0, 0)), env(&[("LINES", "30")]), false, false);
        assert_eq!((t.width, t.height), (Some(FALLBACK_WIDTH), Some(30)));
        let t = Terminal::from_facts(true, true, Some((0, 0)), env(&[("COLUMNS", "x")]), false, false);
        assert_eq!(t.width, Some(FALLBACK_WIDTH));
        let t = Terminal::from_facts(
            false,
            false,
            Some((0, 0)),
            env(&[("COLUMNS", "60")]),
            false,
            false,
        );
        assert_eq!(
            (t.width, t.pager),
            (None, None),
            "piped output is never cut or paged"
        );
    }

    #[test]
    fn no_color_any_value_and_clicolor_force() {
        let on = Terminal::from_facts(true, true, None, env(&[]), false, false);
        assert!(on.color_stdout && on.color_stderr);
        for v in ["1", "0", "false", "yes"] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([("NO_COLOR", v)]));
            let t = Terminal::from_facts(true, true, None, env(pairs), false, false);
            assert!(!t.color_stdout && !t.color_stderr, "NO_COLOR={v}");
        }
        let t = Terminal::from_facts(true, true, None, env(&[("NO_COLOR", "")]), false, false);
        assert!(t.color_stdout, "an empty NO_COLOR is unset");
        assert!(!Terminal::from_facts(true, true, None, env(&[]), true, false).color_stderr);
        let piped = Terminal::from_facts(false, false, None, env(&[("CLICOLOR_FORCE", "1")]), false, false);
        assert!(piped.color_stdout && piped.color_stderr);
        let piped = Terminal::from_facts(false, false, None, env(&[("CLICOLOR_FORCE", "0")]), false, false);
        assert!(!piped.color_stdout);
        let both = Terminal::from_facts(
            false,
            false,
            None,
            env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
            false,
            false,
        );
        assert!(!both.color_stdout, "NO_COLOR wins");
    }

    #[test]
    fn pager_choice() {
        let t = |pairs, no_pager| Terminal::from_facts(true, true, None, env(pairs), false, no_pager).pager;
        assert_eq!(t(&[], false).as_deref(), Some(DEFAULT_PAGER));
        assert_eq!(t(&[("PAGER", "more")], false).as_deref(), Some("more"));
        assert_eq!(
            t(&[("PAGER", "more"), ("ACCESSCTL_PAGER", "most")], false).as_deref(),
            Some("most")
        );
        assert_eq!(t(&[("ACCESSCTL_PAGER", "")], false), None);
        assert_eq!(t(&[("PAGER", "cat")], false), None);
        assert_eq!(t(&[], true), None);
    }

    #[test]
    fn prefixes_are_coloured_only_when_asked() {
        assert_eq!(Prefix::Error.render(false), "error: ");
        assert_eq!(Prefix::Error.render(true), "\u{1b}[1;31merror:\u{1b}[0m ");
        assert_eq!(Prefix::Hint.render(true), "\u{1b}[1;32mhint:\u{1b}[0m ");
    }

    #[test]
    fn yaml_escapes_every_unsafe_character_and_round_trips() {
        for s in [
            "a\u{7f}b",
            "c1\u{85}\u{9b}x",
            "\u{1b}[31m",
            "bidi\u{202e}x",
            "zw\u{200b}",
            "plain: text",
            "Zoë",
        ] {
            let out = yaml(&serde_json::json!({ "k": s })).unwrap();
            assert!(
                !out.chars().any(|c| c != '\n' && sanitize::is_unsafe(c)),
                "{s:?} -> {out:?}"
            );
            let back: serde_json::Value = yaml_serde::from_str(&out).unwrap();
            assert_eq!(back["k"], s, "{out}");
        }
    }

    #[test]
    fn documents_keep_field_order_and_are_escaped_the_same() {
        #[derive(Serialize)]
        struct Doc {
            zeta: &'static str,
            alpha: Vec<(&'static str, u8)>,
        }
        let out = to_yaml(&Doc {
            zeta: "bidi\u{202e}x",
            alpha: vec![("zw\u{200b}", 1)],
        })
        .unwrap();
        assert!(out.starts_with("zeta: "), "{out}");
        assert!(!out.chars().any(|c| c != '\n' && sanitize::is_unsafe(c)), "{out}");
        let back: serde_json::Value = yaml_serde::from_str(&out).unwrap();
        assert_eq!(back["zeta"], "bidi\u{202e}x");
        assert_eq!(back["alpha"][0][0], "zw\u{200b}");
    }

    #[test]
    fn yaml_escapes_keys_and_many_strings_in_nested_documents() {
        let payloads: Vec<String> = (0..12).map(|i| format!("n{i}\u{202e}\u{200b}")).collect();
        let doc = serde_json::json!({
            "list": payloads,
            "nested": [{ "k\u{2066}ey": "v\u{feff}", "plain": "p", "num": 1, "none": null }],
            "tricky": "a: b # c",
        });
        let out = yaml(&doc).unwrap();
        assert!(!out.chars().any(|c| c != '\n' && sanitize::is_unsafe(c)), "{out}");
        let back: serde_json::Value = yaml_serde::from_str(&out).unwrap();
        assert_eq!(back, doc, "{out}");
    }
}
