//! The generated parts of `docs/cli.md`: the command and flag reference and the
//! exit-code table, written from the clap tree and `error::exit_status_table` between
//! `<!-- BEGIN GENERATED: NAME -->` and `<!-- END GENERATED: NAME -->` markers. The rest
//! of the file is written by hand; `cargo xtask gen --check` fails when a region is stale,
//! so the reference cannot drift from the binary.

use anyhow::{Result, bail};
use clap::{Arg, ArgAction, Command};

/// The files, relative to the workspace root.
pub const CLI_MD: &str = "docs/cli.md";
pub const API_MD: &str = "docs/api.md";
pub const MODEL_MD: &str = "docs/access-model.md";

/// `text` with each generated region replaced by what the tree says now.
pub fn cli_md(text: &str, cli: &Command) -> Result<String> {
    let text = splice(text, "global-flags", &global_flags(cli))?;
    let text = splice(&text, "commands", &commands(cli))?;
    splice(&text, "exit-codes", &exit_codes())
}

/// `text` with the endpoint table and the problem codes replaced by what accessd's
/// OpenAPI document says now (a test there calls every operation of that document, so
/// it is the router's list).
pub fn api_md(text: &str) -> Result<String> {
    let doc = serde_json::to_value(accessd::http::openapi::document())?;
    let text = splice_in(API_MD, text, "endpoints", &endpoints(&doc)?)?;
    splice_in(API_MD, &text, "problem-codes", &problem_codes(&doc)?)
}

fn endpoints(doc: &serde_json::Value) -> Result<String> {
    let Some(paths) = doc["paths"].as_object() else {
        bail!("the OpenAPI document has no paths");
    };
    let mut out = String::from("| method | path | token | success | what |\n|---|---|---|---|---|\n");
    for (path, item) in paths {
        let Some(ops) = item.as_object() else { continue };
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = ops.get(method) else { continue };
            let public = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(|o| o.is_empty())));
            let mut ok: Vec<&str> = op["responses"]
                .as_object()
                .map(|r| r.keys().map(String::as_str).filter(|k| *k != "default").collect())
                .unwrap_or_default();
            ok.sort_unstable();
            let page = op["responses"]
                .as_object()
                .and_then(|r| {
                    r.values().find_map(|v| {
                        v["content"]["application/json"]["schema"]["properties"].get("next_cursor")
                    })
                })
                .is_some();
            let summary = op["summary"].as_str().unwrap_or_default();
            out.push_str(&format!(
                "| {} | `{}` | {} | {}{} | {} |\n",
                method.to_uppercase(),
                path,
                if public { "no" } else { "yes" },
                ok.join(", "),
                if page { " (page)" } else { "" },
                cell(summary)
            ));
        }
    }
    Ok(out)
}

fn problem_codes(doc: &serde_json::Value) -> Result<String> {
    let Some(codes) = doc["components"]["schemas"]["ProblemCode"]["enum"].as_array() else {
        bail!("the OpenAPI document has no ProblemCode enum");
    };
    let mut rows: Vec<(u16, String, String)> = Vec::new();
    for c in codes {
        let code: access_api::ProblemCode = serde_json::from_value(c.clone())?;
        if code == access_api::ProblemCode::Unknown {
            continue;
        }
        rows.push((code.status(), code.as_str().to_owned(), code.title().to_owned()));
    }
    rows.sort();
    let mut out = String::from("| status | code | title |\n|---|---|---|\n");
    for (status, code, title) in rows {
        out.push_str(&format!("| {status} | `{code}` | {title} |\n"));
    }
    Ok(out)
}

/// `text` with the permission catalogue and one matrix per preset replaced by the
/// tables in `access_api` (what `roles permissions --matrix` shows).
pub fn model_md(text: &str) -> Result<String> {
    let text = splice_in(MODEL_MD, text, "permissions", &catalogue())?;
    splice_in(MODEL_MD, &text, "presets", &presets())
}

fn catalogue() -> String {
    let mut out = String::from("| permission | description |\n|---|---|\n");
    for p in access_api::permissions::all() {
        out.push_str(&format!("| `{}` | {} |\n", p.name, cell(p.description)));
    }
    out
}

fn presets() -> String {
    let mut out = String::new();
    for preset in access_api::presets::PRESETS {
        let default = if preset.name == access_api::presets::DEFAULT_PRESET {
            " (the default)"
        } else {
            ""
        };
        out.push_str(&format!(
            "\n### `{}`{default}\n\n{}.\n\n",
            preset.name,
            cell(preset.description)
        ));
        for r in preset.roles {
            let grade = if r.owner_grade { " **owner-grade**" } else { "" };
            out.push_str(&format!("- `{}`{grade}: {}\n", r.name, cell(r.description)));
        }
        out.push_str(&format!(
            "\n`project users invite` without `--role` invites as `{}`. Permissions no role of the preset holds are left out.\n\n",
            preset.default_invite_role
        ));
        let names: Vec<String> = preset.roles.iter().map(|r| format!("`{}`", r.name)).collect();
        out.push_str(&format!(
            "| permission | {} |\n|---|{}\n",
            names.join(" | "),
            "---|".repeat(names.len())
        ));
        for p in access_api::permissions::all() {
            if !preset.roles.iter().any(|r| r.permissions.contains(&p.name)) {
                continue;
            }
            let marks: Vec<&str> = preset
                .roles
                .iter()
                .map(|r| {
                    if r.permissions.contains(&p.name) {
                        "✓"
                    } else {
                        ""
                    }
                })
                .collect();
            out.push_str(&format!("| `{}` | {} |\n", p.name, marks.join(" | ")));
        }
    }
    out
}

/// Replaces what lies between the two markers of region `name`.
fn splice(text: &str, name: &str, content: &str) -> Result<String> {
    splice_in(CLI_MD, text, name, content)
}

fn splice_in(file: &str, text: &str, name: &str, content: &str) -> Result<String> {
    let begin = format!("<!-- BEGIN GENERATED: {name} (cargo xtask gen) -->\n");
    let end = format!("<!-- END GENERATED: {name} -->");
    let (Some(b), Some(e)) = (text.find(&begin), text.find(&end)) else {
        bail!("{file} lacks the markers of the generated region `{name}`");
    };
    if e < b {
        bail!("{file}: the markers of `{name}` are out of order");
    }
    let start = b + begin.len();
    Ok(format!("{}{}{}", &text[..start], content, &text[e..]))
}

fn global_flags(cli: &Command) -> String {
    let mut out = String::from("| flag | env | meaning |\n|---|---|---|\n");
    for a in cli
        .get_arguments()
        .filter(|a| a.is_global_set() && !a.is_hide_set())
    {
        let env = a
            .get_env()
            .map(|e| format!("`{}`", e.to_string_lossy()))
            .unwrap_or_default();
        out.push_str(&format!("| {} | {} | {} |\n", flag(a), env, cell(&meaning(a))));
    }
    out.push_str("| `-h, --help` | | help (`--help` is longer than `-h` where a command has examples) |\n");
    out.push_str("| `-V, --version` | | the version |\n");
    out
}

/// An index of every command (links to its section), then one section per command,
/// depth first in the order `--help` lists them.
fn commands(cli: &Command) -> String {
    let mut out = String::new();
    for c in visible(cli) {
        index(c, "accessctl", 0, &mut out);
    }
    for c in visible(cli) {
        command(c, "accessctl", &mut out);
    }
    out
}

/// `- [`roles`](#accessctl-roles): [`list`](#accessctl-roles-list), …` per group.
fn index(cmd: &Command, parent: &str, depth: usize, out: &mut String) {
    let path = format!("{parent} {}", cmd.get_name());
    let anchor = |p: &str| p.replace(' ', "-");
    let children: Vec<&Command> = visible(cmd).collect();
    out.push_str(&format!(
        "{}- [`{}`](#{})",
        "  ".repeat(depth),
        cmd.get_name(),
        anchor(&path)
    ));
    let leaves: Vec<String> = children
        .iter()
        .filter(|c| visible(c).next().is_none())
        .map(|c| {
            format!(
                "[`{}`](#{})",
                c.get_name(),
                anchor(&format!("{path} {}", c.get_name()))
            )
        })
        .collect();
    if !leaves.is_empty() {
        out.push_str(&format!(": {}", leaves.join(", ")));
    }
    out.push('\n');
    for c in children.iter().filter(|c| visible(c).next().is_some()) {
        index(c, &path, depth + 1, out);
    }
}

fn command(cmd: &Command, parent: &str, out: &mut String) {
    let path = format!("{parent} {}", cmd.get_name());
    out.push_str(&format!("\n### `{path}`\n\n"));
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        out.push_str(&format!("{}\n\n", prose(about.to_string().trim_end())));
    }
    let aliases: Vec<&str> = cmd.get_visible_aliases().collect();
    if !aliases.is_empty() {
        out.push_str(&format!("Alias: `{}`.\n\n", aliases.join("`, `")));
    }
    let children: Vec<&Command> = visible(cmd).collect();
    if !children.is_empty() {
        let names: Vec<String> = children.iter().map(|c| format!("`{}`", c.get_name())).collect();
        out.push_str(&format!("Subcommands: {}.\n", names.join(", ")));
        for c in children {
            command(c, &path, out);
        }
        return;
    }
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.trim_start_matches("Usage: ").trim_end();
    out.push_str(&format!("```\n{usage}\n```\n"));
    let own: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_global_set() && !a.is_hide_set())
        .filter(|a| {
            !matches!(
                a.get_action(),
                ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
            )
        })
        .collect();
    if !own.is_empty() {
        out.push_str("\n| argument | meaning |\n|---|---|\n");
        for a in own {
            out.push_str(&format!("| {} | {} |\n", flag(a), cell(&meaning(a))));
        }
    }
    if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        let after = after.to_string();
        let after = after.trim_start_matches("Examples:").trim_matches('\n');
        let lines: Vec<&str> = after.lines().map(|l| l.strip_prefix("  ").unwrap_or(l)).collect();
        out.push_str(&format!("\nExamples:\n\n```sh\n{}\n```\n", lines.join("\n")));
    }
}

fn visible(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
}

/// `--email <EMAIL>`, `-o, --output <FORMAT>`, `<CODE>`, `[SHELL]`.
fn flag(a: &Arg) -> String {
    let value = a
        .get_value_names()
        .map(|v| v.iter().map(|n| format!("<{n}>")).collect::<Vec<_>>().join(" "))
        .filter(|_| a.get_action().takes_values());
    let multiple = a.get_num_args().is_some_and(|n| n.max_values() > 1);
    let dots = if multiple { "..." } else { "" };
    let text = if a.is_positional() {
        // As clap's usage line writes them: `<ROLE>`, `[SHELL]`.
        let v = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|n| n.to_string())
            .unwrap_or_else(|| a.get_id().to_string());
        if a.is_required_set() {
            format!("<{v}>{dots}")
        } else {
            format!("[{v}]{dots}")
        }
    } else {
        let mut names = Vec::new();
        if let Some(s) = a.get_short() {
            names.push(format!("-{s}"));
        }
        if let Some(l) = a.get_long() {
            names.push(format!("--{l}"));
        }
        let mut t = names.join(", ");
        if let Some(v) = value {
            t.push(' ');
            t.push_str(&v);
            t.push_str(dots);
        }
        t
    };
    format!("`{}`", text.replace('|', "\\|"))
}

/// The flag's help plus what `--help` shows in brackets: values, default, aliases.
fn meaning(a: &Arg) -> String {
    let mut m = a
        .get_long_help()
        .or(a.get_help())
        .map(|h| h.to_string().split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| format!("`{}`", v.get_name()))
        .collect();
    if !values.is_empty() && a.get_action().takes_values() {
        m.push_str(&format!(" (values: {})", values.join(", ")));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && a.get_action().takes_values() {
        m.push_str(&format!(" (default: `{}`)", defaults.join(" ")));
    }
    if a.is_required_set() && !a.is_positional() {
        m.push_str(" (required)");
    }
    let aliases: Vec<String> = a
        .get_visible_aliases()
        .unwrap_or_default()
        .into_iter()
        .map(|s| format!("`--{s}`"))
        .collect();
    if !aliases.is_empty() {
        m.push_str(&format!(" (alias: {})", aliases.join(", ")));
    }
    m
}

/// A table cell: no line breaks, `|` escaped, prose escaped.
fn cell(s: &str) -> String {
    prose(&s.replace('\n', " ")).replace('|', "\\|")
}

/// Help text as Markdown: a `<` outside a code span would open an HTML tag
/// (`<config dir>`, `Name <email>`), so it is written `&lt;` there.
fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut code = false;
    for c in s.chars() {
        match c {
            '`' => {
                code = !code;
                out.push(c);
            }
            '<' if !code => out.push_str("&lt;"),
            c => out.push(c),
        }
    }
    out
}

fn exit_codes() -> String {
    let mut out = String::from("| code | meaning |\n|---|---|\n");
    for (code, meaning) in accessctl::error::exit_status_table() {
        out.push_str(&format!("| {code} | {} |\n", cell(meaning)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_only_the_region_and_needs_its_markers() {
        let text = "a\n<!-- BEGIN GENERATED: x (cargo xtask gen) -->\nold\n<!-- END GENERATED: x -->\nb\n";
        assert_eq!(
            splice(text, "x", "new\n").unwrap(),
            "a\n<!-- BEGIN GENERATED: x (cargo xtask gen) -->\nnew\n<!-- END GENERATED: x -->\nb\n"
        );
        assert!(splice("no markers", "x", "").is_err());
    }

    #[test]
    fn prose_escapes_tags_outside_code_and_cells_escape_pipes() {
        assert_eq!(prose("Name <email> and `<ROLE>`"), "Name &lt;email> and `<ROLE>`");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn every_leaf_command_has_a_section_with_its_usage() {
        let mut cmd = <accessctl::cli::Cli as clap::CommandFactory>::command();
        cmd.build();
        let text = commands(&cmd);
        for c in visible(&cmd) {
            for leaf in visible(c) {
                let path = format!("accessctl {} {}", c.get_name(), leaf.get_name());
                assert!(text.contains(&format!("### `{path}`")), "{path}");
            }
        }
        assert!(
            text.contains("accessctl roles add-binding [OPTIONS] --role <ROLE>"),
            "{text}"
        );
    }
}
