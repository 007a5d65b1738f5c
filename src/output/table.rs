//! Tables for text output and rows for csv/tsv. Cells are sanitized here, so a server
//! string never reaches the terminal raw.
//!
//! A terminal table never wraps a cell: each row is one line. When the table is wider
//! than the terminal, the columns a table declared cuttable ([`Fit::cut`]) are cut with
//! `…`, lowest priority first; if that is not enough, the columns it declared
//! droppable ([`Fit::drop`]) are left out, lowest priority first, and the caller says
//! so on stderr. Identifiers, emails, roles and timestamps are never cut. Widths are
//! display widths (a CJK character or an emoji takes two columns), measured after
//! sanitization. Piped output is never cut.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::sanitize::sanitize;

/// How one column behaves in a text table. The default is a column that is always
/// shown and never cut.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fit {
    /// Shown only with `-o wide` (csv and tsv always have it).
    pub wide: bool,
    /// Shown only without `-o wide` (a short form of a wide column; not in csv/tsv).
    pub narrow: bool,
    /// Left out of text tables when every cell is empty.
    pub optional: bool,
    /// 0: never cut; otherwise the column is cut to fit, lowest number first.
    pub cut: u8,
    /// 0: never left out; otherwise left out when cutting is not enough, lowest first.
    pub drop: u8,
    /// The cell is `Name <email>`: the name is cut first and the email kept whole;
    /// when not even the email fits, the name alone is shown, cut.
    pub label: bool,
}

impl Fit {
    /// Always shown, never cut.
    pub const KEEP: Fit = Fit {
        wide: false,
        narrow: false,
        optional: false,
        cut: 0,
        drop: 0,
        label: false,
    };

    pub const fn cut(order: u8) -> Fit {
        Fit {
            cut: order,
            ..Fit::KEEP
        }
    }

    pub const fn drop(order: u8) -> Fit {
        Fit {
            drop: order,
            ..Fit::KEEP
        }
    }

    pub const fn and_drop(self, order: u8) -> Fit {
        Fit { drop: order, ..self }
    }

    pub const fn label(self) -> Fit {
        Fit { label: true, ..self }
    }

    pub const fn wide(self) -> Fit {
        Fit { wide: true, ..self }
    }

    pub const fn narrow(self) -> Fit {
        Fit { narrow: true, ..self }
    }

    pub const fn optional(self) -> Fit {
        Fit {
            optional: true,
            ..self
        }
    }
}

/// What a command shows in text, csv and tsv formats (JSON/YAML serialize the data).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// One [`Fit`] per header; missing entries are [`Fit::KEEP`].
    pub fits: Vec<Fit>,
    pub rows: Vec<Vec<String>>,
    /// One identifier per row, for `-q`.
    pub ids: Vec<String>,
    /// Shown as `KEY  value` lines (a single object) in text mode.
    pub vertical: bool,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            ..Default::default()
        }
    }

    /// Declares how the columns fit a terminal (one entry per header).
    pub fn with_fits(mut self, fits: &[Fit]) -> Self {
        self.fits = fits.to_vec();
        self
    }

    pub fn push(&mut self, id: impl Into<String>, row: Vec<String>) {
        self.ids.push(id.into());
        self.rows.push(row);
    }

    fn fit(&self, i: usize) -> Fit {
        self.fits.get(i).copied().unwrap_or_default()
    }

    /// The columns of csv/tsv: every column but the short forms of wide ones.
    pub fn delimited_columns(&self) -> Vec<usize> {
        (0..self.headers.len()).filter(|&i| !self.fit(i).narrow).collect()
    }

    /// The csv/tsv lines of the table (header first), `sep` between cells.
    pub fn delimited(&self, sep: char) -> String {
        let cols = self.delimited_columns();
        let mut s = String::new();
        for line in std::iter::once(&self.headers).chain(&self.rows) {
            let cells: Vec<String> = cols
                .iter()
                .map(|&i| line.get(i).cloned().unwrap_or_default())
                .collect();
            s.push_str(&delimited(&cells, sep));
            s.push('\n');
        }
        s
    }
}

/// How a terminal table looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// stdout is a terminal: bold header when `color`, cut to `width`.
    pub tty: bool,
    pub color: bool,
    /// The terminal's width; `None` is never cut (a pipe).
    pub width: Option<usize>,
    /// `-o wide`: the wide columns instead of their short forms.
    pub wide: bool,
}

/// A rendered text table and the headers of the columns left out to fit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub dropped: Vec<String>,
}

/// Space between columns.
const GAP: usize = 2;
/// A cut column is first cut no narrower than this, before any column is left out.
const COMFORTABLE: usize = 12;
/// The narrowest a cut column gets (`ab…`).
const NARROWEST: usize = 3;

/// Renders `table` for a terminal or a pipe; no trailing spaces.
pub fn render(table: &Table, style: Style) -> Rendered {
    if table.vertical {
        return Rendered {
            text: render_vertical(table, style),
            dropped: Vec::new(),
        };
    }
    let headers: Vec<String> = table.headers.iter().map(|h| sanitize(h).into_owned()).collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            (0..headers.len())
                .map(|i| r.get(i).map(|c| sanitize(c).into_owned()).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut cols: Vec<usize> = (0..headers.len())
        .filter(|&i| {
            let fit = table.fit(i);
            let shown = if style.wide { !fit.narrow } else { !fit.wide };
            shown && !(fit.optional && rows.iter().all(|r| r[i].is_empty()))
        })
        .collect();
    let natural: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].width())
                .chain(std::iter::once(headers[i].width()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut widths = natural.clone();
    let mut left_out = Vec::new();
    if let Some(limit) = style.width {
        fit_columns(
            table,
            limit,
            !style.wide,
            &natural,
            &mut widths,
            &mut cols,
            &mut left_out,
        );
    }
    let dropped = left_out.iter().map(|&i| headers[i].clone()).collect();
    let bold = style.color;
    let mut out = String::new();
    let mut line = |cells: &dyn Fn(usize) -> String, is_header: bool| {
        let mut l = String::new();
        for (n, &i) in cols.iter().enumerate() {
            let text = cells(i);
            let shown = fit_cell(&text, widths[i], table.fit(i).label && !is_header);
            let pad = widths[i].saturating_sub(shown.width());
            if bold && is_header {
                l.push_str("\u{1b}[1m");
                l.push_str(&shown);
                l.push_str("\u{1b}[0m");
            } else {
                l.push_str(&shown);
            }
            if n + 1 < cols.len() {
                l.push_str(&" ".repeat(pad + GAP));
            }
        }
        let trimmed = l.trim_end_matches(' ');
        out.push_str(trimmed);
        out.push('\n');
    };
    line(&|i| headers[i].clone(), true);
    for r in &rows {
        line(&|i| r[i].clone(), false);
    }
    Rendered { text: out, dropped }
}

fn total(widths: &[usize], cols: &[usize]) -> usize {
    cols.iter().map(|&i| widths[i]).sum::<usize>() + GAP * cols.len().saturating_sub(1)
}

/// Narrows `widths` (cut columns) and removes droppable columns from `cols` until the
/// table fits `limit`, then gives any room left back to the cut columns. `-o wide`
/// never leaves a column out (its lines may then be wider than the terminal).
fn fit_columns(
    table: &Table,
    limit: usize,
    may_drop: bool,
    natural: &[usize],
    widths: &mut [usize],
    cols: &mut Vec<usize>,
    dropped: &mut Vec<usize>,
) {
    if total(widths, cols) <= limit {
        return;
    }
    let mut cuttable: Vec<usize> = cols.iter().copied().filter(|&i| table.fit(i).cut > 0).collect();
    cuttable.sort_by_key(|&i| table.fit(i).cut);
    let cut_to = |floor: &dyn Fn(usize) -> usize, widths: &mut [usize], cols: &[usize]| {
        for &i in &cuttable {
            if !cols.contains(&i) {
                continue;
            }
            let excess = total(widths, cols).saturating_sub(limit);
            if excess == 0 {
                break;
            }
            let min = floor(i).min(natural[i]);
            widths[i] -= excess.min(widths[i].saturating_sub(min));
        }
    };
    // 1. Cut, but not below a readable width.
    cut_to(&|_| COMFORTABLE, widths, cols);
    // 2. Leave out columns, lowest priority first.
    let mut droppable: Vec<usize> = cols.iter().copied().filter(|&i| table.fit(i).drop > 0).collect();
    droppable.sort_by_key(|&i| table.fit(i).drop);
    for i in droppable {
        if !may_drop || total(widths, cols) <= limit {
            break;
        }
        cols.retain(|&c| c != i);
        dropped.push(i);
    }
    // 3. Cut further, down to the narrowest.
    cut_to(&|_| NARROWEST, widths, cols);
    // 4. Room left (a column was left out): back to the cut columns, most important first.
    for &i in cuttable.iter().rev() {
        if !cols.contains(&i) {
            continue;
        }
        let room = limit.saturating_sub(total(widths, cols));
        widths[i] += room.min(natural[i] - widths[i]);
    }
}

/// `text` in at most `width` columns: whole when it fits, else cut with `…`. A label
/// (`Name <email>`) keeps its `<email>` whole and cuts the name; when even that is too
/// wide it shows the name alone, cut (an email is never split).
fn fit_cell(text: &str, width: usize, label: bool) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if label && let Some(at) = text.rfind(" <") {
        let (name, tail) = text.split_at(at);
        let tail_w = tail.width();
        if width >= tail_w + 2 {
            return format!("{}{tail}", cut(name, width - tail_w));
        }
        return cut(name, width);
    }
    cut(text, width)
}

/// The start of `text` and `…`, at most `width` columns.
fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    out
}

/// `KEY  value` lines of the first row: every column in its full form (there is room
/// for the wide ones), optional ones only when set.
fn render_vertical(table: &Table, _style: Style) -> String {
    let row = table.rows.first().cloned().unwrap_or_default();
    let pairs: Vec<(String, String)> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let fit = table.fit(*i);
            let empty = row.get(*i).is_none_or(|v| v.is_empty());
            !(fit.narrow || (fit.optional && empty))
        })
        .map(|(i, h)| {
            (
                sanitize(h).into_owned(),
                row.get(i).map(|v| sanitize(v).into_owned()).unwrap_or_default(),
            )
        })
        .collect();
    let key_w = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in pairs {
        let line = format!("{k}{}{v}", " ".repeat(key_w - k.width() + GAP));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One csv or tsv line. Formula-looking cells get a `'` prefix; cells are sanitized.
pub fn delimited(cells: &[String], sep: char) -> String {
    let mut out = Vec::with_capacity(cells.len());
    for raw in cells {
        let guarded = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{raw}")
        } else {
            raw.clone()
        };
        let cell = sanitize(&guarded).into_owned();
        if sep == ',' && (cell.contains([',', '"']) || cell.starts_with(' ') || cell.ends_with(' ')) {
            out.push(format!("\"{}\"", cell.replace('"', "\"\"")));
        } else {
            out.push(cell);
        }
    }
    out.join(&sep.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipe() -> Style {
        Style::default()
    }

    fn term(width: usize) -> Style {
        Style {
            tty: true,
            color: false,
            width: Some(width),
            wide: false,
        }
    }

    #[test]
    fn plain_table_has_two_space_gaps_and_no_trailing_space() {
        let mut t = Table::new(&["ROLE BINDING ID", "ROLE", "MFA"]);
        t.push("1", vec!["b1".into(), "admin".into(), "no".into()]);
        let out = render(&t, pipe()).text;
        assert_eq!(out, "ROLE BINDING ID  ROLE   MFA\nb1               admin  no\n");
    }

    #[test]
    fn cells_are_sanitized() {
        let mut t = Table::new(&["NAME"]);
        t.push("x", vec!["\u{1b}]0;pwned\u{7}".into()]);
        let out = render(
            &t,
            Style {
                tty: true,
                color: true,
                width: Some(80),
                wide: false,
            },
        )
        .text;
        assert!(!out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("\\u{1b}]0;pwned\\u{7}"));
        assert!(out.starts_with("\u{1b}[1mNAME\u{1b}[0m\n"), "{out:?}");
    }

    fn bindings() -> Table {
        let mut t = Table::new(&["ID", "ROLE", "PRINCIPAL", "NAME", "MFA"]).with_fits(&[
            Fit::KEEP,
            Fit::KEEP,
            Fit::cut(2).label(),
            Fit::cut(1),
            Fit::drop(1),
        ]);
        t.push(
            "1",
            vec![
                "0123456789abcdef".into(),
                "developer".into(),
                "Zoë Ångström-Lindqvist <zoe@example.com>".into(),
                "Zoë Ångström-Lindqvist".into(),
                "yes".into(),
            ],
        );
        t.push(
            "2",
            vec![
                "fedcba9876543210".into(),
                "viewer".into(),
                "team:backend".into(),
                String::new(),
                String::new(),
            ],
        );
        t
    }

    #[test]
    fn lowest_priority_columns_are_cut_first_and_tokens_stay_whole() {
        let t = bindings();
        let full = render(&t, pipe()).text;
        let full_w = full.lines().map(|l| l.width()).max().unwrap();
        for width in [full_w, full_w - 5, 70, 60, 50, 40, 37] {
            let r = render(&t, term(width));
            for line in r.text.lines() {
                assert!(line.width() <= width, "{width}: {line:?}\n{}", r.text);
            }
            assert_eq!(r.text.lines().count(), 3, "{}", r.text);
            assert!(r.text.contains("0123456789abcdef") && r.text.contains("developer"));
            // The email is whole or not there at all.
            assert_eq!(
                r.text.contains("zoe"),
                r.text.contains("zoe@example.com"),
                "{}",
                r.text
            );
        }
        // NAME (cut 1) goes before PRINCIPAL's name part (cut 2).
        let r = render(&t, term(full_w - 5)).text;
        assert!(r.contains("Zoë Ångström-Lindqvist <zoe@example.com>"), "{r}");
        assert!(r.contains("Zoë Ångström-Lin…  yes"), "{r}");
        assert!(render(&t, term(full_w)).dropped.is_empty());
    }

    #[test]
    fn columns_are_left_out_only_after_cutting() {
        let r = render(&bindings(), term(40));
        assert_eq!(r.dropped, ["MFA"]);
        assert!(!r.text.contains("MFA"));
        assert_eq!(cut("Zoë Ångström", 6), "Zoë Å…");
    }

    #[test]
    fn wide_characters_count_twice() {
        let mut t = Table::new(&["ID", "NAME"]).with_fits(&[Fit::KEEP, Fit::cut(1)]);
        t.push("1", vec!["abc".into(), "数据库管理员团队".into()]);
        let r = render(&t, term(14)).text;
        for line in r.lines() {
            assert!(line.width() <= 14, "{line:?}");
        }
        assert!(r.contains("数据库管…"), "{r}");
    }

    #[test]
    fn labels_keep_the_email_or_leave_it_out() {
        let label = "Alice Smith <alice@example.com>";
        assert_eq!(fit_cell(label, 25, true), "Alic… <alice@example.com>");
        assert_eq!(fit_cell(label, 8, true), "Alice S…");
    }

    #[test]
    fn wide_and_optional_columns() {
        let mut t = Table::new(&["ID", "EXPIRES", "EMAIL", "EXPIRES AT"]).with_fits(&[
            Fit::KEEP,
            Fit::KEEP.optional().narrow(),
            Fit::KEEP.wide(),
            Fit::KEEP.wide(),
        ]);
        t.push("1", vec!["a".into(), String::new(), "a@x".into(), String::new()]);
        assert_eq!(render(&t, pipe()).text, "ID\na\n");
        let wide = Style { wide: true, ..pipe() };
        assert_eq!(render(&t, wide).text, "ID  EMAIL  EXPIRES AT\na   a@x\n");
        assert_eq!(t.delimited(','), "ID,EMAIL,EXPIRES AT\na,a@x,\n");
    }

    #[test]
    fn csv_guards_formulas_and_quotes() {
        let cells = vec![
            "=cmd".to_string(),
            "a,b".into(),
            "-1".into(),
            "x\"y".into(),
            "\tz".into(),
        ];
        assert_eq!(delimited(&cells, ','), "'=cmd,\"a,b\",'-1,\"x\"\"y\",'\\u{9}z");
        assert_eq!(delimited(&["@a".to_string(), "b".into()], '\t'), "'@a\tb");
    }
}
