//! Project tasks. `cargo xtask gen` writes the generated files that are committed:
//! `completions/` (the shells' registration scripts, the same text `accessctl
//! completion SHELL` prints), `man/` (one roff page per command and subcommand) and
//! the generated regions of `docs/cli.md` (the command and flag reference, the exit
//! codes) and `docs/api.md` (the endpoints and problem codes, from accessd's OpenAPI
//! document) and `docs/access-model.md` (the permission catalogue, the presets).
//! `cargo xtask gen --check` writes nothing and fails naming every file that differs,
//! is missing or is extra; CI runs it. `cargo xtask bench` measures the goals in
//! BENCHMARKS.md (see `bench/mod.rs`).
// A developer tool: it reports on the terminal directly.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accessctl::cli::Cli;
use accessctl::complete;
use anyhow::{Context, Result, bail};
use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

mod bench;
mod docs;

/// The directories this task owns, relative to the workspace root.
const DIRS: &[&str] = &["completions", "man"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["gen"] => write(&root()),
        ["gen", "--check"] => check(&root()),
        ["bench", ..] => bench::main(&args[1..]),
        _ => Err(anyhow::anyhow!(
            "usage: cargo xtask gen [--check] | bench [--help]\n  gen          write completions/, man/ and the generated parts of docs/*.md\n  gen --check  fail if the committed files differ\n  bench        measure the goals of BENCHMARKS.md on release builds (bench --help)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Every generated file: path relative to the root → contents.
fn generate() -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for shell in complete::SHELLS {
        let script = complete::registration(shell).with_context(|| format!("no script for {shell}"))?;
        files.insert(
            Path::new("completions").join(complete::script_file_name(shell)),
            script.into_bytes(),
        );
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let env = environment(&cmd);
    man_pages(&cmd, None, &env, &mut files)?;
    // docs/cli.md is written by hand around its generated regions: the text comes from
    // the workspace's own copy (also when writing into another root, as the tests do).
    let cli_md = std::fs::read_to_string(root().join(docs::CLI_MD))
        .with_context(|| format!("reading {}", docs::CLI_MD))?;
    files.insert(
        PathBuf::from(docs::CLI_MD),
        docs::cli_md(&cli_md, &cmd)?.into_bytes(),
    );
    let api_md = std::fs::read_to_string(root().join(docs::API_MD))
        .with_context(|| format!("reading {}", docs::API_MD))?;
    files.insert(PathBuf::from(docs::API_MD), docs::api_md(&api_md)?.into_bytes());
    let model_md = std::fs::read_to_string(root().join(docs::MODEL_MD))
        .with_context(|| format!("reading {}", docs::MODEL_MD))?;
    files.insert(
        PathBuf::from(docs::MODEL_MD),
        docs::model_md(&model_md)?.into_bytes(),
    );
    Ok(files)
}

/// The pages in plain ASCII: typographic characters as the roff escapes every output
/// device has (`…` → `...`, `×` → `\(mu`), anything else as `\[uXXXX]`. Raw UTF-8
/// makes groff warn when it reads Latin-1 (no preconv), and `\[u2026]` has no glyph on
/// the ASCII device `man` picks without a UTF-8 locale.
fn ascii_roff(page: &[u8]) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(page).context("man page is not UTF-8")?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '…' => out.push_str("..."),
            '×' => out.push_str("\\(mu"),
            '—' => out.push_str("\\(em"),
            '–' => out.push_str("\\(en"),
            '‘' => out.push_str("\\(oq"),
            '’' => out.push_str("\\(cq"),
            '“' => out.push_str("\\(lq"),
            '”' => out.push_str("\\(rq"),
            '→' => out.push_str("\\(->"),
            c => out.push_str(&format!("\\[u{:04X}]", c as u32)),
        }
    }
    Ok(out.into_bytes())
}

/// One page for `cmd` and, recursively, for each of its subcommands.
fn man_pages(
    cmd: &clap::Command,
    parent: Option<&str>,
    env: &[(String, String)],
    files: &mut BTreeMap<PathBuf, Vec<u8>>,
) -> Result<()> {
    let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_owned();
    let children: Vec<&clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    let man = Man::new(cmd.clone())
        .manual("accessctl manual")
        .source(format!("accessctl {}", env!("CARGO_PKG_VERSION")));
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if !children.is_empty() {
        man.render_subcommands_section(&mut page)?;
    }
    if cmd.get_after_help().is_some() || cmd.get_after_long_help().is_some() {
        let mut extra = Vec::new();
        man.render_extra_section(&mut extra)?;
        // Every after-help of this tree is a list of examples.
        let extra = String::from_utf8(extra)?.replacen(".SH EXTRA", ".SH EXAMPLES", 1);
        page.extend(extra.into_bytes());
    }
    let see_also: Vec<String> = parent
        .into_iter()
        .map(str::to_owned)
        .chain(
            children
                .iter()
                .map(|c| c.get_display_name().unwrap_or(c.get_name()).to_owned()),
        )
        .collect();
    page.extend(common_sections(env, &see_also).render().into_bytes());
    files.insert(Path::new("man").join(format!("{name}.1")), ascii_roff(&page)?);
    for child in children {
        man_pages(child, Some(&name), env, files)?;
    }
    Ok(())
}

/// The environment variables of the global flags (from the clap tree, so they cannot
/// drift), plus the ones clap does not know.
fn environment(cmd: &clap::Command) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let var = a.get_env()?.to_string_lossy().into_owned();
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            let flag = a.get_long().map(|l| format!(" (like --{l})")).unwrap_or_default();
            Some((var, format!("{help}{flag}")))
        })
        .collect();
    vars.push((
        "ACCESSCTL_TOKEN".into(),
        "API token; wins over the stored credentials of the context (with ACCESSCTL_SERVER a CI job needs no config file)".into(),
    ));
    vars.push((
        "SHELL".into(),
        "the shell `accessctl completion` writes a script for when none is named".into(),
    ));
    vars.push((
        complete::VAR.into(),
        "set by the completion scripts (COMPLETE=bash accessctl -- WORDS...) to ask for completions".into(),
    ));
    vars.sort();
    vars
}

/// EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO: the same on every page.
fn common_sections(env: &[(String, String)], see_also: &[String]) -> Roff {
    let mut r = Roff::default();
    r.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in accessctl::error::exit_status_table() {
        r.control("TP", []);
        r.text([bold(code.to_string())]);
        r.text([roman(meaning)]);
    }
    r.control("SH", ["ENVIRONMENT"]);
    for (var, help) in env {
        r.control("TP", []);
        r.text([bold(var.as_str())]);
        r.text([roman(help.as_str())]);
    }
    r.control("SH", ["FILES"]);
    let files = [
        (
            "~/.config/accessctl/config.toml",
            "The contexts and their settings (current_context, [contexts.NAME] with server, project, output, timeout); --config or ACCESSCTL_CONFIG choose another file. Written atomically, mode 0600. The platform's config directory on macOS and Windows.",
        ),
        (
            "~/.config/accessctl/credentials.toml",
            "Tokens per context (mode 0600), beside config.toml, used only when no OS keyring (service accessctl, account = context) is available.",
        ),
        (
            "~/.local/share/accessctl/local.db",
            "The SQLite database of the local context (the embedded accessd), created on first use; the platform's data directory on macOS and Windows.",
        ),
    ];
    for (path, what) in files {
        r.control("TP", []);
        r.text([italic(path)]);
        r.text([roman(what)]);
    }
    if !see_also.is_empty() {
        r.control("SH", ["SEE ALSO"]);
        let mut parts = Vec::new();
        for (i, page) in see_also.iter().enumerate() {
            if i > 0 {
                parts.push(roman(", "));
            }
            parts.push(bold(page.as_str()));
            parts.push(roman("(1)"));
        }
        r.text(parts);
    }
    r
}

/// Writes every generated file and removes stale ones in the owned directories.
fn write(root: &Path) -> Result<()> {
    let files = generate()?;
    for (rel, contents) in &files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("files live in a directory"))?;
        if std::fs::read(&path).ok().as_deref() != Some(contents.as_slice()) {
            std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", rel.display());
        }
    }
    for rel in existing(root)? {
        if !files.contains_key(&rel) {
            std::fs::remove_file(root.join(&rel))?;
            println!("removed {}", rel.display());
        }
    }
    Ok(())
}

/// Compares the generated files with the committed ones; fails naming each difference.
fn check(root: &Path) -> Result<()> {
    let files = generate()?;
    let mut problems = Vec::new();
    for (rel, contents) in &files {
        match std::fs::read(root.join(rel)) {
            Ok(on_disk) if on_disk == *contents => {}
            Ok(_) => problems.push(format!("differs: {}", rel.display())),
            Err(_) => problems.push(format!("missing: {}", rel.display())),
        }
    }
    for rel in existing(root)? {
        if !files.contains_key(&rel) {
            problems.push(format!("extra:   {}", rel.display()));
        }
    }
    if problems.is_empty() {
        println!(
            "completions/, man/ and the generated parts of docs/ are up to date ({} files)",
            files.len()
        );
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    bail!(
        "{} generated file(s) out of date; run `cargo xtask gen` and commit the result",
        problems.len()
    )
}

/// The files now in the owned directories, relative to the root.
fn existing(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for dir in DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                out.push(Path::new(dir).join(entry.file_name()));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(root: &Path) -> String {
        check(root)
            .map(|()| String::new())
            .unwrap_or_else(|e| format!("{e:#}"))
    }

    #[test]
    fn check_passes_after_gen_and_names_each_drift() {
        let dir = std::env::temp_dir().join(format!("xtask-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // Nothing written yet: everything is missing.
        assert!(problems(&dir).contains("out of date"));
        write(&dir).unwrap();
        assert_eq!(problems(&dir), "");
        // A changed, a missing and an extra file: three problems, the check fails.
        std::fs::write(dir.join("man/accessctl-roles-list.1"), "changed").unwrap();
        std::fs::remove_file(dir.join("completions/accessctl.bash")).unwrap();
        std::fs::write(dir.join("man/stale.1"), "old").unwrap();
        assert!(
            problems(&dir).starts_with("3 generated file(s)"),
            "{}",
            problems(&dir)
        );
        // gen repairs all three.
        write(&dir).unwrap();
        assert_eq!(problems(&dir), "");
        assert!(!dir.join("man/stale.1").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_page_has_the_common_sections() {
        let files = generate().unwrap();
        let page =
            String::from_utf8(files[Path::new("man/accessctl-roles-list-bindings.1")].clone()).unwrap();
        for needle in [
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            "ACCESSCTL_PROJECT",
            "NO_COLOR",
            "credentials.toml",
            "local.db",
            "130",
        ] {
            assert!(page.contains(needle), "{needle}");
        }
        assert!(page.is_ascii());
    }
}
