//! `--jq` is jq: the same expression on the same input (`-o json`) prints what the
//! real jq prints (`jq -r`, and `jq -r -c` against `-o json-compact`). Skipped, with a
//! visible line, when jq is not installed (`.ci/run` installs it).

use std::path::Path;

use crate::harness::{Home, admin_with_project};

const JQ: &str = "/usr/bin/jq";

/// Expressions on the bindings list: key order, whole numbers, `$ENV`/`env`, the
/// standard library, formats.
const EXPRESSIONS: &[&str] = &[
    ".",
    ".[0]",
    ".[].role.name",
    "map(.principal.email)",
    ".[0] | keys_unsorted",
    ".[0] | keys",
    ".[0].principal | to_entries | map(.key)",
    "length",
    "10 / 2",
    "[range(0; 5)] | add / 2",
    "3 * 1.5",
    "[1, 2.0, 3.5] | map(. * 2)",
    "[3.7, -1.2] | map(floor)",
    "$ENV.JQ_PROBE",
    "env.JQ_PROBE",
    "$ENV | keys",
    "map(select(.role.name == \"admin\")) | length",
    "[.[].role.name] | unique",
    "group_by(.role.name) | map({role: .[0].role.name, n: length})",
    "[.[] | .principal.username // \"none\"]",
    "map(.role.name) | join(\",\")",
    "[.[].principal.type] | sort",
    ".[] | [.role.name, .principal.type] | @tsv",
    ".[] | [.role.name, .principal.email] | @csv",
    "{n: length, first: .[0].role}",
    ".[0] | has(\"expires_at\")",
    "[.[] | .principal.email | select(. != null) | ascii_upcase]",
    "first(.[]) | .role",
    "[limit(2; .[])] | length",
    "reduce .[] as $b ({}; .[$b.role.name] += 1)",
    "map(.id | length)",
    ".[0].created_at | test(\"^[0-9]{4}-\")",
    ".[0] | tojson | fromjson | keys_unsorted",
    ".[0].role.name | @base64",
    "map(.principal.mfa_enabled) | any",
    ".[0] | .role.name |= ascii_upcase",
    "\"\\(.[0].role.name)-x\"",
    "map(.principal) | unique_by(.type) | map(.type)",
    "min_by(.role.name) | .role.name",
    "[.[] | select(.principal.type == \"user\") | .principal.username] | sort",
    "{b: 1, a: 2, c: {z: 1, y: 2}}",
];

#[test]
fn jq_expressions_print_what_jq_prints() {
    if !Path::new(JQ).exists() {
        skip("jq is not installed: --jq was not compared with jq");
        return;
    }
    let (_server, home) = admin_with_project();
    home.run(&[
        "users",
        "create",
        "--username",
        "bob",
        "--email",
        "bob@example.com",
        "--name",
        "Bob",
    ])
    .ok();
    home.bind(&[], "bob@example.com", "developer");
    home.run(&["roles", "add-binding", "--all-users", "--role", "viewer"])
        .ok();
    let home = home.env("JQ_PROBE", "probe value");
    let input = home.run(&["-o", "json", "roles", "list-bindings"]);
    input.ok();
    assert_eq!(input.json().as_array().unwrap().len(), 3);

    let mut differ = Vec::new();
    for expr in EXPRESSIONS {
        for compact in [false, true] {
            let format = if compact { "json-compact" } else { "json" };
            let ours = home.run(&["-o", format, "--jq", expr, "roles", "list-bindings"]);
            ours.ok();
            let theirs = jq(&home, expr, compact, &input.stdout);
            if ours.stdout != theirs {
                differ.push(format!(
                    "{expr} (-o {format}):\n--jq:\n{}jq:\n{theirs}",
                    ours.stdout
                ));
            }
        }
    }
    assert!(differ.is_empty(), "--jq differs from jq:\n{}", differ.join("\n"));
}

/// `--jq .` is `-o json`, key for key.
#[test]
fn jq_identity_is_the_json_output() {
    let (_server, home) = admin_with_project();
    let json = home.run(&["-o", "json", "projects", "get"]);
    let jq = home.run(&["--jq", ".", "projects", "get"]);
    assert_eq!(jq.ok().stdout, json.ok().stdout);
}

fn jq(home: &Home, expr: &str, compact: bool, input: &str) -> String {
    use std::io::Write;
    let mut args = vec!["-r"];
    if compact {
        args.push("-c");
    }
    args.push(expr);
    let mut child = home
        .program(JQ, &args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "jq failed on {expr}");
    String::from_utf8(out.stdout).unwrap()
}

/// Says on the real stderr that the comparison did not run.
fn skip(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}
