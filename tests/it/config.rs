//! `config get|set|unset|list` and `config contexts …`; the file's safety properties.

use std::process::Stdio;

use crate::harness::{BIN, Home};

#[test]
fn set_get_unset_and_where_values_come_from() {
    let home = Home::new();
    home.run(&["config", "set", "output", "JSON"])
        .ok()
        .stderr_has("Set output = json in context local");
    let r = home.run(&["config", "get", "output"]);
    r.ok();
    assert_eq!(r.stdout, "json\n");
    home.run(&["config", "set", "timeout", "30s"]).ok();
    let r = home.run(&["-o", "json", "config", "list"]);
    r.ok();
    let rows = r.json();
    let row = |k: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(row("context")["value"], "local");
    assert_eq!(row("context")["source"], "default");
    assert_eq!(row("output")["source"], "flag --output");
    assert_eq!(row("timeout")["value"], "30s");
    assert_eq!(row("timeout")["source"], "context local");
    let r = home.run(&["config", "get", "timeout"]);
    assert_eq!(r.stdout, "30s\n");
}

#[test]
fn env_overrides_context_and_list_says_so() {
    let home = Home::new()
        .env("ACCESSCTL_TIMEOUT", "5s")
        .env("ACCESSCTL_PROJECT", "shop");
    home.run(&["config", "set", "timeout", "30s"]).ok();
    let r = home.run(&["config", "list"]);
    r.ok();
    let line = r
        .lines()
        .into_iter()
        .find(|l| l.starts_with("timeout"))
        .unwrap()
        .to_owned();
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["timeout", "5s", "env", "ACCESSCTL_TIMEOUT"]
    );
    assert!(
        r.stdout.lines().next().unwrap().starts_with("KEY"),
        "{}",
        r.stdout
    );
    let r = home.run(&["config", "get", "project"]);
    assert_eq!(r.stdout, "shop\n");
}

#[test]
fn unset_and_missing_values() {
    let home = Home::new();
    home.run(&["config", "get", "server"])
        .fails(3)
        .stderr_has("hint: set it with");
    home.run(&["config", "set", "project", "shop"]).ok();
    home.run(&["config", "unset", "project"])
        .ok()
        .stderr_has("Unset project");
    home.run(&["config", "unset", "project"])
        .ok()
        .stderr_has("was not set");
}

#[test]
fn bad_keys_and_values_are_usage_errors() {
    let home = Home::new();
    home.run(&["config", "get", "colour"])
        .fails(2)
        .stderr_has("hint: keys: project, org, output, timeout, server");
    home.run(&["config", "set", "output", "xml"]).fails(2);
    home.run(&["config", "set", "timeout", "soon"]).fails(2);
    home.run(&["config", "set", "server", "ftp://x"]).fails(2);
    home.run(&["config", "set", "project", "a/b"]).fails(2);
    assert!(
        !home.config_path().exists(),
        "nothing written on a rejected value"
    );
}

#[test]
fn contexts_list_current_use_rename_delete() {
    let home = Home::new();
    let r = home.run(&["config", "contexts", "list"]);
    r.ok();
    assert_eq!(
        r.lines()[0].split_whitespace().collect::<Vec<_>>(),
        ["CURRENT", "NAME", "SERVER", "PROJECT"]
    );
    assert_eq!(
        r.lines()[1].split_whitespace().collect::<Vec<_>>(),
        ["*", "local", "embedded"]
    );
    assert_eq!(home.run(&["config", "contexts", "current"]).stdout, "local\n");

    home.run(&[
        "--context",
        "prod",
        "config",
        "set",
        "server",
        "https://prod.example/",
    ])
    .ok();
    home.run(&["--context", "prod", "config", "set", "project", "shop"])
        .ok();
    home.run(&["config", "contexts", "use", "prod"])
        .ok()
        .stderr_has("Switched to context prod");
    assert_eq!(home.run(&["config", "contexts", "current"]).stdout, "prod\n");
    assert_eq!(
        home.run(&["config", "get", "server"]).stdout,
        "https://prod.example\n"
    );

    home.run(&["config", "contexts", "rename", "prod", "production"])
        .ok();
    assert_eq!(
        home.run(&["config", "contexts", "current"]).stdout,
        "production\n"
    );
    let r = home.run(&["-q", "config", "contexts", "list"]);
    assert_eq!(r.stdout, "local\nproduction\n");

    home.run(&["config", "contexts", "use", "nope"]).fails(3);
    home.run(&["config", "contexts", "rename", "nope", "x"]).fails(3);
    home.run(&["config", "contexts", "rename", "production", "local"])
        .fails(2);
    home.run(&["config", "contexts", "delete", "production"]).ok();
    assert_eq!(home.run(&["config", "contexts", "current"]).stdout, "local\n");
    home.run(&["config", "contexts", "delete", "production"]).fails(3);
}

#[test]
fn hostile_context_names_are_rejected_before_any_file_call() {
    let home = Home::new();
    let long = "x".repeat(65);
    for bad in ["../evil", "a/b", "a\\b", ".hidden", long.as_str()] {
        home.run(&["--context", bad, "config", "set", "project", "p"])
            .fails(2)
            .stderr_has("invalid context name");
        home.run(&["config", "contexts", "use", bad]).fails(2);
    }
    assert!(!home.config_path().exists());
}

#[test]
fn corrupt_config_names_file_and_line_and_is_never_reset() {
    let home = Home::new();
    let path = home.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = "current_context = \"local\"\n\n[contexts.local]\nproject = = \"x\"\n";
    std::fs::write(&path, text).unwrap();
    let r = home.run(&["config", "set", "project", "p"]);
    r.fails(1)
        .stderr_has(&format!("{}:4:", path.display()))
        .stderr_has("hint:");
    home.run(&["roles", "list"]).fails(1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[cfg(unix)]
#[test]
fn files_are_private_even_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.args([
        "-c",
        "umask 000; exec \"$0\" \"$@\"",
        BIN,
        "config",
        "set",
        "project",
        "p",
    ])
    .env_clear()
    .env("HOME", home.path());
    assert!(cmd.status().unwrap().success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let path = home.config_path();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
}

#[test]
fn concurrent_writers_lose_nothing() {
    let home = Home::new();
    // 8 processes × 10 writes, all at once: a lost update shows as a missing
    // context (the in-process unit test covers many more writers).
    let children: Vec<_> = (0..8)
        .map(|i| {
            let script = (0..10)
                .map(|j| format!("\"$0\" --context c{i}-{j} config set project p{j} || exit 1"))
                .collect::<Vec<_>>()
                .join("; ");
            std::process::Command::new("/bin/sh")
                .args(["-c", &script, BIN])
                .env_clear()
                .env("HOME", home.path())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let text = std::fs::read_to_string(home.config_path()).unwrap();
    let parsed: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(parsed["contexts"].as_table().unwrap().len(), 80);
    let leftovers = std::fs::read_dir(home.config_path().parent().unwrap())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

/// `kill -9` at arbitrary points of a write: the file always parses.
#[cfg(unix)]
#[test]
fn killed_writers_never_leave_a_broken_file() {
    let home = Home::new();
    home.run(&["config", "set", "project", "p"]).ok();
    for round in 0..40u64 {
        let mut child = home
            .command(&["--context", &format!("k{round}"), "config", "set", "project", "x"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Fault injection, not synchronisation: kill after a varying delay.
        std::thread::sleep(std::time::Duration::from_micros((round * 7919) % 4000));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(home.config_path()).unwrap();
        let parsed: Result<toml::Value, _> = toml::from_str(&text);
        assert!(parsed.is_ok(), "round {round}: {text}");
    }
    home.run(&["config", "set", "output", "json"]).ok();
    let leftovers = std::fs::read_dir(home.config_path().parent().unwrap())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".tmp"))
        .count();
    assert_eq!(leftovers, 0, "the next write removes abandoned temp files");
}

/// `--timeout`, `ACCESSCTL_TIMEOUT` and the `timeout` key go through the one
/// duration parser of `--expires-at` and `--since` (jiff's friendly format); zero,
/// negative, too long and overflowing values are exit 2 naming the valid range.
#[test]
fn timeouts_use_the_shared_duration_parser() {
    let home = Home::new();
    for (args, env, shown) in [
        (vec!["--timeout", "1m30s"], None, "1m30s"),
        (vec!["--timeout", "1.5s"], None, "1.5s"),
        (vec!["--timeout", "90 seconds"], None, "1m30s"),
        (vec![], Some("250ms"), "250ms"),
    ] {
        let mut home = Home::new();
        if let Some(v) = env {
            home = home.env("ACCESSCTL_TIMEOUT", v);
        }
        let r = home.run(&[&args[..], &["config", "get", "timeout"]].concat());
        r.ok();
        assert_eq!(r.stdout, format!("{shown}\n"), "{args:?} {env:?}");
    }
    const RANGE: &str = "a timeout is more than 0s and at most 24h\n";
    for (value, says) in [
        ("0s", "must be positive"),
        ("-5s", "must be positive"),
        ("25h", "too long"),
        ("999999999999999d", "out of range"),
    ] {
        home.run(&[&format!("--timeout={value}"), "roles", "list"])
            .fails(2)
            .one_error()
            .stderr_has(&format!(
                "error: invalid timeout '{value}' (from flag --timeout): {says}; {RANGE}"
            ));
        Home::new()
            .env("ACCESSCTL_TIMEOUT", value)
            .run(&["roles", "list"])
            .fails(2)
            .stderr_has(&format!("(from env ACCESSCTL_TIMEOUT): {says}; {RANGE}"));
        home.run(&["config", "set", "timeout", "--", value])
            .fails(2)
            .stderr_has(&format!("{says}; {RANGE}"));
    }
    home.run(&["--timeout", "soon", "roles", "list"])
        .fails(2)
        .stderr_has("expected a duration like 10s, 1m30s, 1.5s or 500ms");
    assert!(
        !home.config_path().exists(),
        "nothing written on a rejected value"
    );
    home.run(&["config", "set", "timeout", "1m30s"]).ok();
    assert_eq!(home.run(&["config", "get", "timeout"]).stdout, "1m30s\n");
}
