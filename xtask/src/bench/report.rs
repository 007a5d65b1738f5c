//! The results as Markdown: printed, and written into BENCHMARKS.md between the
//! `<!-- bench:results -->` markers (the rest of the file is prose kept by hand).

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::Options;
use super::rows::Results;
use super::stats::num;

const BEGIN: &str = "<!-- bench:results:begin (written by `cargo xtask bench`) -->";
const END: &str = "<!-- bench:results:end -->";

pub fn markdown(r: &Results, opts: &Options) -> String {
    let m = &r.machine;
    let mut s = String::new();
    s.push_str(&format!(
        "Measured {} on {} × {} ({} cores seen), commit {}, {}; load average {} before, {} after.\n\n",
        m.date, m.nproc, m.cpu, m.nproc, m.commit, m.rustc, m.load_before, m.load_after
    ));
    let mut cmd = String::from("cargo xtask bench");
    if opts.quick {
        cmd.push_str(" --quick");
    }
    if let Some(only) = &opts.only {
        cmd.push_str(&format!(" --only {}", only.join(",")));
    }
    cmd.push_str(&format!(" --runs {}", opts.runs));
    if std::env::var_os("ACCESSD_TEST_DATABASE_URL").is_some() {
        cmd = format!("ACCESSD_TEST_DATABASE_URL=postgres://… {cmd}");
    }
    s.push_str(&format!("Command: `{cmd}` ({} run(s) of every row; min / median / max over the runs; the goal is judged on the median).\n\n", opts.runs));
    s.push_str("| row | figure | min | median | max | goal | met |\n|---|---|---|---|---|---|---|\n");
    for f in &r.figures {
        let unit = if f.unit == "×" {
            "×".to_owned()
        } else {
            format!(" {}", f.unit)
        };
        let met = match f.met() {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "",
        };
        s.push_str(&format!(
            "| {} | {} | {}{unit} | {}{unit} | {}{unit} | {} | {met} |\n",
            f.row,
            f.what,
            num(f.min()),
            num(f.median()),
            num(f.max()),
            f.goal.describe(f.unit),
        ));
    }
    if !r.notes.is_empty() {
        s.push('\n');
        for n in &r.notes {
            s.push_str(&format!("- {n}\n"));
        }
    }
    s
}

/// Replaces the text between the markers of `path` with `text`.
pub fn rewrite(path: &Path, text: &str) -> Result<()> {
    let old = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    let (Some(b), Some(e)) = (old.find(BEGIN), old.find(END)) else {
        bail!("{} has no `{BEGIN}` … `{END}` markers", path.display());
    };
    if e < b {
        bail!("{}: the results markers are out of order", path.display());
    }
    let new = format!("{}{BEGIN}\n\n{text}\n{}", &old[..b], &old[e..]);
    std::fs::write(path, new).with_context(|| format!("write {}", path.display()))
}
