//! `config get|set|unset|list` and `config contexts …`; the file's safety properties.

use std::process::Stdio;

use insta::assert_snapshot;

use crate::harness::{BIN, Home};

#[test]
fn set_get_unset_and_where_values_come_from() {
    let home = Home::new();
    assert_snapshot!(home.session(&[
        "config set output JSON",
        "config get output",
        "config set timeout 30s",
        "-o json config list",
        "config get timeout",
    ]), @r#"
    $ accessctl config set output JSON
    ----- stderr -----
    Set output = json in context local
    $ accessctl config get output
    json
    $ accessctl config set timeout 30s
    ----- stderr -----
    Set timeout = 30s in context local
    $ accessctl -o json config list
    [
      {
        "key": "context",
        "value": "local",
        "source": "default"
      },
      {
        "key": "project",
        "value": "default",
        "source": "local context (on first use)"
      },
      {
        "key": "org",
        "value": "default",
        "source": "default"
      },
      {
        "key": "output",
        "value": "json",
        "source": "flag --output"
      },
      {
        "key": "timeout",
        "value": "30s",
        "source": "context local"
      },
      {
        "key": "server",
        "value": "embedded",
        "source": "local context"
      },
      {
        "key": "token",
        "value": "none needed",
        "source": "local context"
      },
      {
        "key": "config",
        "value": "[HOME]/.config/accessctl/config.toml",
        "source": "file"
      }
    ]
    $ accessctl config get timeout
    30s
    "#);
}

#[test]
fn env_overrides_context_and_list_says_so() {
    let home = Home::new()
        .env("ACCESSCTL_TIMEOUT", "5s")
        .env("ACCESSCTL_PROJECT", "shop");
    assert_snapshot!(home.session(&[
        "config set timeout 30s",
        "config list",
        "config get project",
    ]), @"
    $ accessctl config set timeout 30s
    ----- stderr -----
    Set timeout = 30s in context local
    $ accessctl config list
    KEY      VALUE                                          SOURCE
    context  local                                          default
    project  shop                                           env ACCESSCTL_PROJECT
    org      default                                        default
    output   text                                           default
    timeout  5s                                             env ACCESSCTL_TIMEOUT
    server   embedded                                       local context
    token    none needed                                    local context
    config   [HOME]/.config/accessctl/config.toml  file
    $ accessctl config get project
    shop
    ");
}

#[test]
fn unset_and_missing_values() {
    let home = Home::new();
    assert_snapshot!(home.session(&[
        "config get server",
        "config set project shop",
        "config unset project",
        "config unset project",
    ]), @"
    $ accessctl config get server
    ----- stderr -----
    error: server is not set in context local
    hint: set it with `accessctl config set server VALUE`
    ----- exit 3 -----
    $ accessctl config set project shop
    ----- stderr -----
    Set project = shop in context local
    $ accessctl config unset project
    ----- stderr -----
    Unset project in context local
    $ accessctl config unset project
    ----- stderr -----
    project was not set in context local
    ");
}

#[test]
fn bad_keys_and_values_are_usage_errors() {
    let home = Home::new();
    assert_snapshot!(home.session(&[
        "config get colour",
        "config set output xml",
        "config set timeout soon",
        "config set server ftp://x",
        "config set project a/b",
    ]), @"
    $ accessctl config get colour
    ----- stderr -----
    error: unknown config key 'colour'
    hint: keys: project, org, output, timeout, server
    ----- exit 2 -----
    $ accessctl config set output xml
    ----- stderr -----
    error: invalid output format 'xml'
    hint: one of: text, json, json-compact, yaml, csv, tsv
    ----- exit 2 -----
    $ accessctl config set timeout soon
    ----- stderr -----
    error: invalid timeout 'soon': expected a duration like 10s, 1m30s, 1.5s or 500ms
    ----- exit 2 -----
    $ accessctl config set server ftp://x
    ----- stderr -----
    error: invalid server URL 'ftp://x'
    hint: use https://HOST[:PORT]
    ----- exit 2 -----
    $ accessctl config set project a/b
    ----- stderr -----
    error: project may hold only ASCII letters, digits, '.', '_' and '-', and must start with a letter or digit
    ----- exit 2 -----
    ");
    assert!(
        !home.config_path().exists(),
        "nothing written on a rejected value"
    );
}

#[test]
fn contexts_list_current_use_rename_delete() {
    let home = Home::new();
    assert_snapshot!(home.session(&[
        "config contexts list",
        "config contexts current",
        "--context prod config set server https://prod.example/",
        "--context prod config set project shop",
        "config contexts use prod",
        "config contexts current",
        "config get server",
        "config contexts rename prod production",
        "config contexts current",
        "-q config contexts list",
        "config contexts use nope",
        "config contexts rename nope x",
        "config contexts rename production local",
        "config contexts delete production",
        "config contexts current",
        "config contexts delete production",
    ]), @"
    $ accessctl config contexts list
    CURRENT  NAME   SERVER    PROJECT
    *        local  embedded
    $ accessctl config contexts current
    local
    $ accessctl --context prod config set server https://prod.example/
    ----- stderr -----
    Set server = https://prod.example in context prod
    $ accessctl --context prod config set project shop
    ----- stderr -----
    Set project = shop in context prod
    $ accessctl config contexts use prod
    ----- stderr -----
    Switched to context prod
    $ accessctl config contexts current
    prod
    $ accessctl config get server
    https://prod.example
    $ accessctl config contexts rename prod production
    ----- stderr -----
    Renamed context prod to production
    $ accessctl config contexts current
    production
    $ accessctl -q config contexts list
    local
    production
    $ accessctl config contexts use nope
    ----- stderr -----
    error: no context named 'nope'
    hint: see `accessctl config contexts list`
    ----- exit 3 -----
    $ accessctl config contexts rename nope x
    ----- stderr -----
    error: no context named 'nope'
    hint: see `accessctl config contexts list`
    ----- exit 3 -----
    $ accessctl config contexts rename production local
    ----- stderr -----
    error: the local context cannot be renamed, nor can another take its name
    ----- exit 2 -----
    $ accessctl config contexts delete production
    ----- stderr -----
    Deleted context production
    $ accessctl config contexts current
    local
    $ accessctl config contexts delete production
    ----- stderr -----
    error: no context named 'production'
    hint: see `accessctl config contexts list`
    ----- exit 3 -----
    ");
}

#[test]
fn hostile_context_names_are_rejected_before_any_file_call() {
    let home = Home::new();
    let long = "x".repeat(65);
    let set_long = format!("--context {long} config set project p");
    let use_long = format!("config contexts use {long}");
    assert_snapshot!(home.session(&[
        "--context ../evil config set project p",
        "config contexts use ../evil",
        "--context a/b config set project p",
        "config contexts use a/b",
        r"--context 'a\b' config set project p",
        r"config contexts use 'a\b'",
        "--context .hidden config set project p",
        "config contexts use .hidden",
        &set_long,
        &use_long,
    ]), @r#"
    $ accessctl --context ../evil config set project p
    ----- stderr -----
    error: invalid context name "../evil"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl config contexts use ../evil
    ----- stderr -----
    error: invalid context name "../evil"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl --context a/b config set project p
    ----- stderr -----
    error: invalid context name "a/b"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl config contexts use a/b
    ----- stderr -----
    error: invalid context name "a/b"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl --context 'a\b' config set project p
    ----- stderr -----
    error: invalid context name "a\\b"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl config contexts use 'a\b'
    ----- stderr -----
    error: invalid context name "a\\b"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl --context .hidden config set project p
    ----- stderr -----
    error: invalid context name ".hidden"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl config contexts use .hidden
    ----- stderr -----
    error: invalid context name ".hidden"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl --context xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx config set project p
    ----- stderr -----
    error: invalid context name "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    $ accessctl config contexts use xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
    ----- stderr -----
    error: invalid context name "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    hint: use 1-64 characters without '/', '\', '..', control characters or a leading '.'
    ----- exit 2 -----
    "#);
    assert!(!home.config_path().exists());
}

#[test]
fn corrupt_config_names_file_and_line_and_is_never_reset() {
    let home = Home::new();
    let path = home.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = "current_context = \"local\"\n\n[contexts.local]\nproject = = \"x\"\n";
    std::fs::write(&path, text).unwrap();
    assert_snapshot!(home.session(&["config set project p", "roles list"]), @"
    $ accessctl config set project p
    ----- stderr -----
    error: [HOME]/.config/accessctl/config.toml:4: cannot parse config: extra `=`, expected nothing
    hint: fix or remove that line; the file was left as it is
    ----- exit 1 -----
    $ accessctl roles list
    ----- stderr -----
    error: [HOME]/.config/accessctl/config.toml:4: cannot parse config: extra `=`, expected nothing
    hint: fix or remove that line; the file was left as it is
    ----- exit 1 -----
    ");
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
    assert_snapshot!(Home::new().session(&[
        "--timeout 1m30s config get timeout",
        "--timeout 1.5s config get timeout",
        "--timeout '90 seconds' config get timeout",
    ]), @"
    $ accessctl --timeout 1m30s config get timeout
    1m30s
    $ accessctl --timeout 1.5s config get timeout
    1.5s
    $ accessctl --timeout '90 seconds' config get timeout
    1m30s
    ");
    assert_snapshot!(Home::new().env("ACCESSCTL_TIMEOUT", "250ms").run("config get timeout"), @"250ms");

    let home = Home::new();
    assert_snapshot!(home.session(&[
        "--timeout=0s roles list",
        "--timeout=-5s roles list",
        "--timeout=25h roles list",
        "--timeout=999999999999999d roles list",
        "config set timeout -- 0s",
        "config set timeout -- -5s",
        "config set timeout -- 25h",
        "config set timeout -- 999999999999999d",
        "--timeout soon roles list",
    ]), @"
    $ accessctl --timeout=0s roles list
    ----- stderr -----
    error: invalid timeout '0s' (from flag --timeout): must be positive; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl --timeout=-5s roles list
    ----- stderr -----
    error: invalid timeout '-5s' (from flag --timeout): must be positive; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl --timeout=25h roles list
    ----- stderr -----
    error: invalid timeout '25h' (from flag --timeout): too long; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl --timeout=999999999999999d roles list
    ----- stderr -----
    error: invalid timeout '999999999999999d' (from flag --timeout): out of range; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl config set timeout -- 0s
    ----- stderr -----
    error: invalid timeout '0s': must be positive; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl config set timeout -- -5s
    ----- stderr -----
    error: invalid timeout '-5s': must be positive; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl config set timeout -- 25h
    ----- stderr -----
    error: invalid timeout '25h': too long; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl config set timeout -- 999999999999999d
    ----- stderr -----
    error: invalid timeout '999999999999999d': out of range; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ accessctl --timeout soon roles list
    ----- stderr -----
    error: invalid timeout 'soon' (from flag --timeout): expected a duration like 10s, 1m30s, 1.5s or 500ms
    ----- exit 2 -----
    ");
    let from_env: String = ["0s", "-5s", "25h", "999999999999999d"]
        .iter()
        .map(|v| {
            let r = Home::new().env("ACCESSCTL_TIMEOUT", v).run("roles list");
            format!("$ ACCESSCTL_TIMEOUT={v} accessctl roles list\n{r}")
        })
        .collect();
    assert_snapshot!(from_env, @"
    $ ACCESSCTL_TIMEOUT=0s accessctl roles list
    ----- stderr -----
    error: invalid timeout '0s' (from env ACCESSCTL_TIMEOUT): must be positive; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ ACCESSCTL_TIMEOUT=-5s accessctl roles list
    ----- stderr -----
    error: invalid timeout '-5s' (from env ACCESSCTL_TIMEOUT): must be positive; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ ACCESSCTL_TIMEOUT=25h accessctl roles list
    ----- stderr -----
    error: invalid timeout '25h' (from env ACCESSCTL_TIMEOUT): too long; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    $ ACCESSCTL_TIMEOUT=999999999999999d accessctl roles list
    ----- stderr -----
    error: invalid timeout '999999999999999d' (from env ACCESSCTL_TIMEOUT): out of range; a timeout is more than 0s and at most 24h
    ----- exit 2 -----
    ");
    assert!(
        !home.config_path().exists(),
        "nothing written on a rejected value"
    );
    assert_snapshot!(home.session(&["config set timeout 1m30s", "config get timeout"]), @"
    $ accessctl config set timeout 1m30s
    ----- stderr -----
    Set timeout = 1m30s in context local
    $ accessctl config get timeout
    1m30s
    ");
}
