//! Every output format of every list command agrees with `-o json`, and `--jq` /
//! `--template` fail the way scripts need: a bad expression is a usage error before
//! any request, a failure on the data is exit 1 after the work is done.

use insta::assert_snapshot;
use serde_json::Value;

use crate::harness::{Home, Server, admin_with_project, cells};

/// The list commands, each with the JSON field `-q` prints for each item.
const LISTS: &[(&[&str], &str)] = &[
    (&["roles", "list"], "name"),
    (&["roles", "list-bindings"], "id"),
    (&["roles", "invitations", "list"], "email"),
    (&["roles", "permissions"], "name"),
    (&["roles", "permissions", "--matrix"], "permission"),
    (&["project", "users", "list"], "email"),
    (&["projects", "list"], "name"),
    (&["users", "list"], "username"),
    (&["audit", "list"], "id"),
    (&["auth", "tokens", "list"], "id"),
    (&["config", "list"], "key"),
    (&["config", "contexts", "list"], "name"),
];

/// Lists whose table has no column for the identifier `-q` prints.
const ID_NOT_IN_TABLE: &[&str] = &["audit list", "auth tokens list"];

/// A project with more than one of everything: bindings, invitations, projects,
/// users, tokens and audit events.
fn populated() -> (Server, Home) {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob, \"the\" Builder");
    home.bind(&[], "bob@example.com", "viewer");
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "carol@example.com",
        "dan@example.com",
        "--role",
        "developer",
    ])
    .ok();
    home.run(&["projects", "new", "attic"]).ok();
    home.run(&["auth", "tokens", "create", "ci"]).ok();
    (server, home)
}

/// `config list` shows the `-o` in effect; everything else must be identical.
fn comparable(what: &str, mut v: Value) -> Value {
    if what == "config list"
        && let Some(items) = v.as_array_mut()
    {
        items.retain(|i| i["key"] != "output");
    }
    v
}

/// Whether every one of `part` appears in `whole`, in the same order.
fn in_order(part: &[String], whole: &[String]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|p| rest.any(|w| w == p))
}

fn run(home: &Home, format: &[&str], args: &[&str]) -> crate::harness::Run {
    let mut all = format.to_vec();
    all.extend_from_slice(args);
    let r = home.run(&all);
    r.ok();
    r
}

#[test]
fn every_format_of_every_list_command_agrees_with_json() {
    let (_server, home) = populated();
    for &(args, id) in LISTS {
        let what = args.join(" ");
        let json = run(&home, &["-o", "json"], args).json();
        let items = json
            .as_array()
            .unwrap_or_else(|| panic!("{what}: not an array: {json}"));
        assert!(items.len() > 1, "{what}: the fixture should list several items");
        let n = items.len();

        let compact = run(&home, &["-o", "json-compact"], args);
        assert_eq!(compact.lines().len(), 1, "{what}: json-compact is one line");
        assert_eq!(
            comparable(&what, compact.json()),
            comparable(&what, json.clone()),
            "{what}: json-compact"
        );

        let yaml = run(&home, &["-o", "yaml"], args).stdout;
        let from_yaml: Value = yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("{what}: {e}\n{yaml}"));
        assert_eq!(
            comparable(&what, from_yaml),
            comparable(&what, json.clone()),
            "{what}: yaml"
        );

        let text = run(&home, &[], args);
        let header = cells(text.lines()[0]);
        assert_eq!(text.lines().len(), n + 1, "{what}: text rows\n{}", text.stdout);

        // `-o wide`: every default column and more, in order; csv and tsv have the
        // wide columns (and the optional ones `-o wide` leaves out when empty).
        let wide = run(&home, &["-o", "wide"], args);
        assert_eq!(wide.lines().len(), n + 1, "{what}: wide rows\n{}", wide.stdout);
        let wide_header = cells(wide.lines()[0]);
        assert!(
            in_order(&header, &wide_header),
            "{what}: {header:?} in {wide_header:?}"
        );
        let csv = run(&home, &["-o", "csv"], args);
        assert_eq!(csv.lines().len(), n + 1, "{what}: csv rows\n{}", csv.stdout);
        let csv_header: Vec<String> = csv.lines()[0].split(',').map(str::to_owned).collect();
        assert!(
            in_order(&wide_header, &csv_header),
            "{what}: csv header {csv_header:?}"
        );
        let tsv = run(&home, &["-o", "tsv"], args);
        assert_eq!(tsv.lines().len(), n + 1, "{what}: tsv rows\n{}", tsv.stdout);
        assert_eq!(
            tsv.lines()[0].split('\t').collect::<Vec<_>>(),
            csv_header,
            "{what}: tsv header"
        );
        for (line, item) in tsv.lines()[1..].iter().zip(items) {
            if ID_NOT_IN_TABLE.contains(&what.as_str()) {
                break;
            }
            // Every row carries its item's identifier in some column.
            let value = item[id].as_str().unwrap_or_else(|| panic!("{what}: {}", item));
            assert!(
                line.split('\t').any(|c| c == value),
                "{what}: {value} not in {line:?}"
            );
        }

        let quiet = run(&home, &["-q"], args);
        let ids: Vec<&str> = items.iter().map(|i| i[id].as_str().unwrap()).collect();
        assert_eq!(quiet.lines(), ids, "{what}: -q prints the {} of each item", id);

        let jq = run(&home, &["--jq", "length"], args);
        assert_eq!(jq.stdout, format!("{n}\n"), "{what}: --jq length");
        let jq = run(&home, &["--jq", &format!(".[].{id}")], args);
        assert_eq!(jq.lines(), ids, "{what}: --jq strings are raw, one a line");
        let jq = run(&home, &["--jq", ".[-1]"], args).json();
        assert_eq!(&jq, items.last().unwrap(), "{what}: --jq object");
        let jq = run(&home, &["--jq", "."], args).json();
        assert_eq!(
            comparable(&what, jq),
            comparable(&what, json.clone()),
            "{what}: --jq ."
        );

        let tpl = run(&home, &["--template", "{{ item | tojson }}"], args);
        let rendered: Vec<Value> = tpl
            .lines()
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: {e}: {l}")))
            .collect();
        assert_eq!(
            comparable(&what, Value::Array(rendered)),
            comparable(&what, json.clone()),
            "{what}: --template renders each item"
        );
        let tpl = run(&home, &["--template", &format!("<{{{{ {} }}}}>", id)], args);
        let expected: Vec<String> = ids.iter().map(|id| format!("<{id}>")).collect();
        assert_eq!(
            tpl.lines(),
            expected,
            "{what}: --template fields are top-level names"
        );
    }
}

#[test]
fn jq_and_template_on_single_results_and_mutations() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    assert_snapshot!(home.session(&[
        r#"roles add-binding --email bob@example.com --role viewer --jq '.principal.email + " " + .role.name'"#,
        "projects get --template '{{ name }}: {{ description }}'",
        // -o json-compact makes --jq's non-string results compact.
        "-o json-compact projects get --jq '{name, role_preset}'",
        "projects get --jq '{name}'",
        // A bare value (config get) is a JSON string to --jq.
        "config get project --jq ascii_upcase",
    ]), @r#"
    $ accessctl roles add-binding --email bob@example.com --role viewer --jq '.principal.email + " " + .role.name'
    bob@example.com viewer
    ----- stderr -----
    Granted role viewer in project shop
    $ accessctl projects get --template '{{ name }}: {{ description }}'
    shop: The shop
    $ accessctl -o json-compact projects get --jq '{name, role_preset}'
    {"name":"shop","role_preset":"akka"}
    $ accessctl projects get --jq '{name}'
    {
      "name": "shop"
    }
    $ accessctl config get project --jq ascii_upcase
    SHOP
    "#);
}

#[test]
fn bad_expressions_are_usage_errors_before_any_request() {
    // The server is dead (port 9, discard): a usage error must come before any
    // request is tried.
    let home = Home::new();
    home.run("config contexts list").ok();
    assert_snapshot!(home.session(&[
        "--server http://127.0.0.1:9 roles list-bindings --jq '.[] | selectt(.x)'",
        "--server http://127.0.0.1:9 roles list-bindings --jq '.[] |
  (.a'",
        "--server http://127.0.0.1:9 roles list-bindings --template '{% if %}'",
        "--server http://127.0.0.1:9 roles list-bindings --jq . --template x",
        "--server http://127.0.0.1:9 roles list-bindings -q --jq .",
        "--server http://127.0.0.1:9 roles list-bindings -q --template x",
    ]), @"
    $ accessctl --server http://127.0.0.1:9 roles list-bindings --jq '.[] | selectt(.x)'
    ----- stderr -----
    error: invalid --jq expression at column 7: undefined function `selectt/1`
    hint: --jq takes a jq filter over the JSON that `-o json` prints, e.g. '.[].email'
    ----- exit 2 -----
    $ accessctl --server http://127.0.0.1:9 roles list-bindings --jq '.[] |
      (.a'
    ----- stderr -----
    error: invalid --jq expression at line 2, column 3: unclosed parenthesis `(`
    hint: --jq takes a jq filter over the JSON that `-o json` prints, e.g. '.[].email'
    ----- exit 2 -----
    $ accessctl --server http://127.0.0.1:9 roles list-bindings --template '{% if %}'
    ----- stderr -----
    error: invalid --template at line 1: unexpected end of block
    hint: --template takes minijinja syntax over the fields that `-o json` prints, e.g. '{{ email }}'
    ----- exit 2 -----
    $ accessctl --server http://127.0.0.1:9 roles list-bindings --jq . --template x
    ----- stderr -----
    error: the argument '--jq <EXPR>' cannot be used with '--template <TPL>'

    Usage: accessctl roles list-bindings --jq <EXPR>

    For more information, try '--help'.
    ----- exit 2 -----
    $ accessctl --server http://127.0.0.1:9 roles list-bindings -q --jq .
    ----- stderr -----
    error: the argument '--quiet' cannot be used with '--jq <EXPR>'

    Usage: accessctl roles list-bindings --quiet

    For more information, try '--help'.
    ----- exit 2 -----
    $ accessctl --server http://127.0.0.1:9 roles list-bindings -q --template x
    ----- stderr -----
    error: the argument '--quiet' cannot be used with '--template <TPL>'

    Usage: accessctl roles list-bindings --quiet

    For more information, try '--help'.
    ----- exit 2 -----
    ");
}

#[test]
fn failures_on_the_data_are_exit_1_after_the_work_is_done() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    assert_snapshot!(home.session(&[
        "roles list-bindings --jq '.[0].role.name | .x'",
        "roles list --template '{{ nmae }}'",
        // The mutation happens even though its output cannot be formatted.
        "roles add-binding --email bob@example.com --role viewer --template '{{ role.nmae.x }}'",
        r#"roles list-bindings --jq '[.[].principal.email] | index("bob@example.com") != null'"#,
    ]), @r#"
    $ accessctl roles list-bindings --jq '.[0].role.name | .x'
    ----- stderr -----
    error: --jq expression failed: cannot index "admin" with "x"
    hint: the command itself succeeded; only formatting its output failed (compare with -o json)
    ----- exit 1 -----
    $ accessctl roles list --template '{{ nmae }}'
    ----- stderr -----
    error: --template uses `nmae` at line 1, which is not defined (item 1)
    hint: the command itself succeeded; only formatting its output failed (compare with -o json)
    ----- exit 1 -----
    $ accessctl roles add-binding --email bob@example.com --role viewer --template '{{ role.nmae.x }}'
    ----- stderr -----
    Granted role viewer in project shop
    error: --template uses `role.nmae` at line 1, which is not defined
    hint: the command itself succeeded; only formatting its output failed (compare with -o json)
    ----- exit 1 -----
    $ accessctl roles list-bindings --jq '[.[].principal.email] | index("bob@example.com") != null'
    true
    "#);
}

#[test]
fn jq_strings_and_templates_are_sanitized_and_jq_json_is_exact() {
    // The server rejects control characters in names; bidi and zero-width ones
    // pass and must not reach a terminal raw.
    let (server, home) = admin_with_project();
    let name = "Eve\u{202e}gnp.exe\u{200b}";
    server.user_with_token("eve", "eve@example.com", name);
    home.bind(&[], "eve@example.com", "viewer");
    let jq = home
        .run(r#"roles list-bindings --jq '.[] | select(.principal.username == "eve") | .principal | .name'"#);
    assert_snapshot!(jq, @r"Eve\u{202e}gnp.exe\u{200b}");
    // @tsv rows keep their TABs.
    let tsv = home.run(r#"roles list-bindings --jq '.[] | select(.principal.username == "eve") | .principal | [.username, .name] | @tsv'"#);
    assert_eq!(tsv.stdout, "eve\tEve\\u{202e}gnp.exe\\u{200b}\n");
    // A JSON result escapes instead, and round-trips exactly.
    let exact = home.run(
        r#"roles list-bindings --jq '[.[] | select(.principal.username == "eve") | .principal | .name]'"#,
    );
    assert_snapshot!(exact, @r#"
    [
      "Eve\u202egnp.exe\u200b"
    ]
    "#);
    assert_eq!(exact.json(), serde_json::json!([name]));
    let tpl = home.run("users list --template \"{% if username == 'eve' %}<{{ name }}>{% endif %}\"");
    assert_snapshot!(tpl, @r"

    <Eve\u{202e}gnp.exe\u{200b}>
    ");
    assert!(!tpl.stdout.contains('\u{202e}'));
}
