//! `--help` of every command, snapshotted (a changed help text fails CI), and
//! clap's own consistency checks.

use accessctl::cli::Cli;
use clap::CommandFactory;

use crate::harness::Home;

#[test]
fn clap_tree_is_consistent() {
    Cli::command().debug_assert();
}

fn paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    for sub in cmd.get_subcommands() {
        let mut p = prefix.clone();
        p.push(sub.get_name().to_owned());
        paths(sub, p, out);
    }
}

#[test]
fn help_of_every_command() {
    let mut all = Vec::new();
    paths(&Cli::command(), Vec::new(), &mut all);
    assert!(all.len() > 40, "{}", all.len());
    let home = Home::new();
    for path in all {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = home.run(&args);
        run.ok();
        assert_eq!(run.stderr, "");
        let name = if path.is_empty() {
            "accessctl".to_owned()
        } else {
            format!("accessctl_{}", path.join("_"))
        };
        insta::assert_snapshot!(name, run.stdout);
    }
}

#[test]
fn version_and_env_values_are_hidden() {
    let home = Home::new()
        .env("ACCESSCTL_PROJECT", "secret-project-name")
        .env("ACCESSCTL_TOKEN", "acc_canary");
    let run = home.run(&["--version"]);
    run.ok().stdout_has("accessctl ");
    let run = home.run(&["roles", "list", "--help"]);
    run.ok();
    assert!(!run.stdout.contains("secret-project-name") && !run.stdout.contains("acc_canary"));
}

#[test]
fn usage_errors_exit_2() {
    let home = Home::new();
    home.run(&["roles", "add-binding", "--role", "admin"])
        .code(2)
        .stderr_has("error:");
    home.run(&[
        "roles",
        "add-binding",
        "--email",
        "a@b.co",
        "--username",
        "x",
        "--role",
        "admin",
    ])
    .code(2);
    home.run(&["nope"]).code(2);
    home.run(&["-o", "xml", "roles", "list"]).code(2);
}
