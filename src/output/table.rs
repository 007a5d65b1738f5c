//! Tables for text output (comfy-table) and rows for csv/tsv. Cells are sanitized
//! here, so a server string never reaches the terminal raw.

use comfy_table::{Attribute, Cell, ContentArrangement, Table as Comfy, presets};

use super::sanitize::sanitize;

/// What a command shows in text, csv and tsv formats (JSON/YAML serialize the data).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
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

    pub fn push(&mut self, id: impl Into<String>, row: Vec<String>) {
        self.ids.push(id.into());
        self.rows.push(row);
    }
}

/// How a terminal table looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// stdout is a terminal: wrap to `width`, bold header unless `color` is off.
    pub tty: bool,
    pub color: bool,
    pub width: Option<u16>,
}

/// Renders `table` for a terminal or a pipe; no trailing spaces.
pub fn render(table: &Table, style: Style) -> String {
    let (headers, rows) = if table.vertical {
        let rows = table
            .headers
            .iter()
            .zip(table.rows.first().cloned().unwrap_or_default())
            .map(|(h, v)| vec![h.clone(), v])
            .collect();
        (None, rows)
    } else {
        (Some(&table.headers), table.rows.clone())
    };
    let mut t = Comfy::new();
    t.load_preset(presets::NOTHING);
    if style.tty {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(w) = style.width {
            t.set_width(w);
        }
    } else {
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    if let Some(h) = headers {
        let bold = style.tty && style.color;
        t.set_header(h.iter().map(|h| {
            if bold {
                Cell::new(sanitize(h)).add_attribute(Attribute::Bold)
            } else {
                Cell::new(sanitize(h))
            }
        }));
    }
    for row in rows {
        t.add_row(row.iter().map(|c| Cell::new(sanitize(c))));
    }
    let n = t.column_count();
    for (i, col) in t.column_iter_mut().enumerate() {
        col.set_padding((0, if i + 1 == n { 0 } else { 2 }));
        // The first column is the identifier people copy: never wrap it.
        if i == 0 && !table.vertical {
            col.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    let mut out = String::new();
    for line in t.lines() {
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

    #[test]
    fn plain_table_has_two_space_gaps_and_no_trailing_space() {
        let mut t = Table::new(&["ROLE BINDING ID", "ROLE", "MFA"]);
        t.push("1", vec!["b1".into(), "admin".into(), "no".into()]);
        let out = render(
            &t,
            Style {
                tty: false,
                color: false,
                width: None,
            },
        );
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
            },
        );
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("\\u{1b}]0;pwned\\u{7}"));
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
