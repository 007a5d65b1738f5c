//! Shell completion end to end: real `bash` sources `accessctl completion bash` and
//! calls the registered function with COMP_WORDS/COMP_CWORD, which runs the real
//! binary through the engine's env protocol against a real accessd. Descriptions are
//! checked through the fish protocol (what fish and zsh show). Generated files:
//! `completion SHELL` prints exactly what `completions/` holds; man pages render.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{BIN, Home, Server, admin_with_project, dead_url};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `PATH` with the binary under test first, so the scripts' `accessctl` is it.
fn path_var() -> String {
    let dir = Path::new(BIN).parent().unwrap();
    format!("{}:/usr/local/bin:/usr/bin:/bin", dir.display())
}

fn found(program: &str) -> Option<PathBuf> {
    ["/usr/local/bin", "/usr/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.exists())
}

fn bash_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// What bash offers for `line` with the cursor at its end (the last word is the
/// one being completed; end `line` with a space to complete a new word), and what
/// reached stderr.
fn bash_complete(home: &Home, line: &str) -> (Vec<String>, String) {
    let words: Vec<&str> = line.split(' ').collect();
    let cword = words.len() - 1;
    let current = words[cword];
    let previous = if cword > 0 { words[cword - 1] } else { "" };
    let script = format!(
        r#"source <(accessctl completion bash) || exit 97
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE={line}
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
_clap_complete_accessctl accessctl {current} {previous}
for c in "${{COMPREPLY[@]}}"; do printf '%s\n' "$c"; done
"#,
        words = words.iter().map(|w| bash_quote(w)).collect::<Vec<_>>().join(" "),
        line = bash_quote(line),
        current = bash_quote(current),
        previous = bash_quote(previous),
    );
    let out = home
        .program("bash", &["--noprofile", "--norc", "-c", &script])
        .env("PATH", path_var())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success(), "bash failed: {out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Where a positional value may come, the engine offers the flags too; those are
    // static, so only the values are compared here.
    let mut candidates: Vec<String> = stdout
        .lines()
        .filter(|c| !c.starts_with('-'))
        .map(str::to_owned)
        .collect();
    candidates.sort();
    (candidates, String::from_utf8(out.stderr).unwrap())
}

/// The engine's env protocol as fish calls it: one `VALUE\tDESCRIPTION` line each.
fn fish_protocol(home: &Home, words: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["--", "accessctl"];
    args.extend(words);
    let out = home
        .command(&args)
        .env("COMPLETE", "fish")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let mut lines: Vec<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('-'))
        .map(|l| {
            let (v, d) = l.split_once('\t').unwrap_or((l, ""));
            (v.to_owned(), d.to_owned())
        })
        .collect();
    lines.sort();
    lines
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn role_names(home: &Home, project: &str) -> Vec<String> {
    let roles = home
        .run(&["-o", "json", "--project", project, "roles", "list"])
        .ok()
        .json();
    sorted(
        roles
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect(),
    )
}

#[test]
fn bash_completes_roles_of_the_project() {
    let (_server, home) = admin_with_project();
    let roles = role_names(&home, "shop");
    assert!(roles.len() >= 3, "{roles:?}");

    let (got, stderr) = bash_complete(&home, "accessctl roles add-binding --role ");
    assert_eq!(got, roles);
    assert_eq!(stderr, "");

    // A prefix narrows the list.
    let first = &roles[0];
    let prefix = &first[..2];
    let (got, _) = bash_complete(
        &home,
        &format!("accessctl roles add-binding --email x@y.z --role {prefix}"),
    );
    assert!(got.contains(first), "{got:?}");
    assert!(got.iter().all(|r| r.starts_with(prefix)), "{got:?}");

    // Every --role completes the same way.
    let (got, _) = bash_complete(&home, "accessctl roles list-bindings --role ");
    assert_eq!(got, roles);
    let (got, _) = bash_complete(&home, "accessctl roles invitations invite-user a@b.c --role ");
    assert_eq!(got, roles);
}

#[test]
fn a_typed_project_is_the_one_completed() {
    let (_server, home) = admin_with_project();
    home.run(&["projects", "new", "gold", "--role-preset", "goldsky"])
        .ok();
    let gold = role_names(&home, "gold");
    assert_ne!(
        gold,
        role_names(&home, "shop"),
        "the presets must differ for this test"
    );
    let (got, _) = bash_complete(&home, "accessctl --project gold roles add-binding --role ");
    assert_eq!(got, gold);
    let (got, _) = bash_complete(&home, "accessctl roles add-binding --project=gold --role ");
    assert_eq!(got, gold);
    // And projects complete for --project.
    let (got, _) = bash_complete(&home, "accessctl roles list --project ");
    assert_eq!(got, ["gold", "shop"]);
}

#[test]
fn bash_completes_binding_ids_with_descriptions_in_fish() {
    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    home.bind(&[], "jane@x.com", "admin");
    let ids = sorted(
        home.run(&["-q", "roles", "list-bindings"])
            .ok()
            .lines()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    );
    assert_eq!(ids.len(), 2, "{ids:?}");

    let (got, stderr) = bash_complete(&home, "accessctl roles delete-binding ");
    assert_eq!(got, ids);
    assert_eq!(stderr, "");
    // Already typed ids are offered again only if clap allows; the list stays ids.
    let (got, _) = bash_complete(&home, &format!("accessctl roles delete-binding {} ", ids[0]));
    assert!(got.iter().all(|g| ids.contains(g)), "{got:?}");

    // What fish (and zsh) show beside each id: the role and the principal.
    let described = fish_protocol(&home, &["roles", "delete-binding", ""]);
    assert_eq!(described.iter().map(|(v, _)| v.clone()).collect::<Vec<_>>(), ids);
    assert!(
        described.iter().any(|(_, d)| d == "admin  Jane <jane@x.com>"),
        "{described:?}"
    );
    assert!(
        described
            .iter()
            .any(|(_, d)| d == "admin  Ada Admin <admin@example.com>"),
        "{described:?}"
    );
}

#[test]
fn invitation_emails_and_contexts_complete() {
    let (_server, home) = admin_with_project();
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "carol@example.com",
        "--role",
        "viewer",
    ])
    .ok();
    let (got, _) = bash_complete(&home, "accessctl roles invitations delete ");
    assert_eq!(got, ["carol@example.com"]);
    let (got, _) = bash_complete(&home, "accessctl roles invitations resend c");
    assert_eq!(got, ["carol@example.com"]);
    let described = fish_protocol(&home, &["roles", "invitations", "resend", ""]);
    assert_eq!(
        described,
        [("carol@example.com".to_owned(), "viewer  pending".to_owned())]
    );

    // Context names come from config.toml (no server needed); `local` is always one.
    let (got, _) = bash_complete(&home, "accessctl config contexts use ");
    assert_eq!(got, ["local", "test"]);
    let (got, _) = bash_complete(&home, "accessctl roles list --context ");
    assert_eq!(got, ["local", "test"]);
}

#[test]
fn permissions_and_custom_roles_complete() {
    let (_server, home) = admin_with_project();
    home.run(&[
        "roles",
        "create",
        "ops",
        "--permission",
        "services.view",
        "--description",
        "Operators",
    ])
    .ok();
    // --permission, --add-permission, --remove-permission: the server's catalogue.
    let catalogue = home.run(&["-q", "roles", "permissions"]);
    let all = sorted(catalogue.lines().iter().map(|l| l.to_string()).collect());
    assert!(all.len() > 30, "{all:?}");
    let (got, _) = bash_complete(&home, "accessctl roles create x --permission ");
    assert_eq!(got, all);
    let (got, _) = bash_complete(&home, "accessctl roles update ops --add-permission services.");
    assert_eq!(
        got,
        [
            "services.delete",
            "services.deploy",
            "services.update",
            "services.view"
        ]
    );
    let (got, _) = bash_complete(&home, "accessctl roles update ops --remove-permission routes.m");
    assert_eq!(got, ["routes.manage"]);
    let described = fish_protocol(&home, &["roles", "check", "audit."]);
    assert_eq!(
        described,
        [("audit.view".to_owned(), "Read the project's audit log".to_owned())]
    );
    // ROLE of update and delete: only the custom roles (built-in ones cannot change).
    let (got, _) = bash_complete(&home, "accessctl roles delete ");
    assert_eq!(got, ["ops"]);
    let described = fish_protocol(&home, &["roles", "update", ""]);
    assert_eq!(described, [("ops".to_owned(), "Operators".to_owned())]);
}

#[test]
fn member_emails_complete_for_project_users_update_and_remove() {
    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    home.bind(&[], "jane@x.com", "viewer");
    // An invitation is not a member: it must not be offered.
    home.run(&[
        "roles",
        "invitations",
        "invite-user",
        "carol@example.com",
        "--role",
        "viewer",
    ])
    .ok();
    let (got, stderr) = bash_complete(&home, "accessctl project users update --email ");
    assert_eq!(got, ["admin@example.com", "jane@x.com"]);
    assert_eq!(stderr, "");
    let (got, _) = bash_complete(&home, "accessctl project users remove --email j");
    assert_eq!(got, ["jane@x.com"]);
    let (got, _) = bash_complete(&home, "accessctl project users update --email jane@x.com --role ");
    assert_eq!(got, role_names(&home, "shop"));
}

/// Every `--email` that names a member offers the project's member emails (the
/// team's for `teams remove-member NAME`), from the server of the context in effect,
/// and only with a token saved for that server's origin.
#[test]
fn member_emails_complete_for_every_member_email_flag() {
    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    server.user_with_token("bob", "bob@x.com", "Bob");
    home.bind(&[], "jane@x.com", "viewer");
    home.bind(&[], "bob@x.com", "developer");
    home.run(&["teams", "create", "backend"]).ok();
    home.run(&["teams", "add-member", "backend", "--email", "bob@x.com"])
        .ok();
    let members = ["admin@example.com", "bob@x.com", "jane@x.com"];
    for line in [
        "accessctl roles add-binding --email ",
        "accessctl roles add-binding --role viewer --email ",
        "accessctl roles check project.view --user ",
        "accessctl teams add-member backend --email ",
    ] {
        let (got, stderr) = bash_complete(&home, line);
        assert_eq!(got, members, "{line}");
        assert_eq!(stderr, "");
    }
    let (got, _) = bash_complete(&home, "accessctl roles add-binding --email j");
    assert_eq!(got, ["jane@x.com"]);
    // Described by name and roles in fish and zsh.
    let described = fish_protocol(&home, &["roles", "add-binding", "--email", "j"]);
    assert_eq!(described, [("jane@x.com".to_owned(), "Jane  viewer".to_owned())]);
    // remove-member: the members of the team typed before.
    let (got, _) = bash_complete(&home, "accessctl teams remove-member backend --email ");
    assert_eq!(got, ["bob@x.com"]);
    let (got, _) = bash_complete(&home, "accessctl teams remove-member --email ");
    assert!(got.is_empty(), "no team typed yet: {got:?}");

    // The token-origin rule: the same server under another origin (localhost, not
    // 127.0.0.1) gets no stored token, so nothing completes; the same origin written
    // differently (case, trailing slash) is the stored token's.
    let other = server.url.replace("127.0.0.1", "localhost");
    assert_ne!(other, server.url);
    let (got, stderr) = bash_complete(
        &home,
        &format!("accessctl --server {other} roles add-binding --email "),
    );
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(stderr, "");
    let same = format!("{}/", server.url.replace("http://", "HTTP://"));
    let (got, _) = bash_complete(
        &home,
        &format!("accessctl --server {same} roles add-binding --email "),
    );
    assert_eq!(got, members);
}

/// A flag's values never include flags: for every option of every command that
/// takes a value, what the engine offers for an empty value (the server known, so
/// remote values are there) starts with no `-`; checked in bash and fish for
/// `--role` and `--email` as the shells receive them.
#[test]
fn flag_values_never_list_flags() {
    use accessctl::cli::Cli;
    use clap::CommandFactory;

    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    home.bind(&[], "jane@x.com", "viewer");

    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
        for arg in cmd.get_arguments() {
            let takes_value = arg.get_action().takes_values();
            if let (Some(long), true, false) = (
                arg.get_long(),
                takes_value,
                arg.is_global_set() && !path.is_empty(),
            ) {
                out.push((path.clone(), format!("--{long}")));
            }
        }
        for sub in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(sub.get_name().to_owned());
            walk(sub, p, out);
        }
    }
    let mut flags = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut flags);
    assert!(flags.len() > 40, "{}", flags.len());
    let mut with_values = 0;
    for (path, flag) in &flags {
        let mut words: Vec<&str> = path.iter().map(String::as_str).collect();
        words.push(flag);
        words.push("");
        let mut args = vec!["--", "accessctl"];
        args.extend(&words);
        let out = home.command(&args).env("COMPLETE", "fish").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let flagged: Vec<&str> = stdout.lines().filter(|l| l.starts_with('-')).collect();
        assert!(flagged.is_empty(), "{words:?} offers flags: {flagged:?}");
        with_values += usize::from(!stdout.trim().is_empty());
    }
    assert!(
        with_values >= 15,
        "only {with_values} flags had values: the check saw nothing"
    );

    // Bash, unfiltered: exactly the values.
    let raw_bash = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let script = format!(
            "source <(accessctl completion bash) || exit 97\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE={}\nCOMP_POINT=${{#COMP_LINE}}\nCOMP_TYPE=9\n_clap_complete_accessctl accessctl '' {}\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            words.iter().map(|w| bash_quote(w)).collect::<Vec<_>>().join(" "),
            words.len() - 1,
            bash_quote(line),
            bash_quote(words[words.len() - 2]),
        );
        let out = home
            .program("bash", &["--noprofile", "--norc", "-c", &script])
            .env("PATH", path_var())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        sorted(
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect(),
        )
    };
    assert_eq!(
        raw_bash("accessctl roles add-binding --role "),
        role_names(&home, "shop")
    );
    assert_eq!(
        raw_bash("accessctl --project shop roles add-binding --email "),
        ["admin@example.com", "jane@x.com"]
    );
    // Where a positional may come, flags are offered too (documented): the check
    // above is not blind to them.
    assert!(raw_bash("accessctl roles show ").contains(&"--server".to_owned()));
}

#[test]
fn team_names_complete_for_team_and_the_teams_subcommands() {
    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    home.run(&["teams", "create", "backend"]).ok();
    home.run(&["teams", "create", "frontend"]).ok();
    home.run(&["teams", "add-member", "backend", "--email", "jane@x.com"])
        .ok();
    let (got, stderr) = bash_complete(&home, "accessctl roles add-binding --team ");
    assert_eq!(got, ["backend", "frontend"]);
    assert_eq!(stderr, "");
    for sub in ["delete", "members", "add-member", "remove-member"] {
        let (got, _) = bash_complete(&home, &format!("accessctl teams {sub} b"));
        assert_eq!(got, ["backend"], "teams {sub}");
    }
    let described = fish_protocol(&home, &["teams", "members", ""]);
    assert!(
        described.contains(&("backend".to_owned(), "1 member".to_owned())),
        "{described:?}"
    );
    assert!(
        described.contains(&("frontend".to_owned(), "0 members".to_owned())),
        "{described:?}"
    );
}

#[test]
fn org_names_roles_clusters_and_org_invitations_complete() {
    let (_server, home) = admin_with_project();
    home.run(&["orgs", "new", "acme"]).ok();
    home.run(&["--org", "acme", "orgs", "clusters", "create", "eu-1"])
        .ok();
    home.run(&["--org", "acme", "orgs", "roles", "create", "Platform Engineers"])
        .ok();
    home.run(&[
        "--org",
        "acme",
        "orgs",
        "invitations",
        "invite-user",
        "zoe@x.com",
        "--role",
        "viewer",
    ])
    .ok();
    let (got, stderr) = bash_complete(&home, "accessctl --org a");
    assert_eq!(got, ["acme"]);
    assert_eq!(stderr, "");
    let (got, _) = bash_complete(&home, "accessctl --org acme orgs members add --role platform");
    assert_eq!(got, ["platform-engineers"]);
    let (got, _) = bash_complete(&home, "accessctl --org acme orgs clusters delete e");
    assert_eq!(got, ["eu-1"]);
    let (got, _) = bash_complete(&home, "accessctl --org acme orgs invitations delete z");
    assert_eq!(got, ["zoe@x.com"]);
}

#[test]
fn env_login_completes_without_a_config_file() {
    let server = Server::start();
    let home = Home::new()
        .env("ACCESSCTL_SERVER", &server.url)
        .env("ACCESSCTL_TOKEN", &server.admin_token)
        .env("ACCESSCTL_PROJECT", "shop");
    home.run(&["projects", "new", "shop"]).ok();
    let (got, stderr) = bash_complete(&home, "accessctl roles add-binding --role ");
    assert_eq!(got, role_names(&home, "shop"));
    assert_eq!(stderr, "");
    assert!(!home.config_path().exists());
}

#[test]
fn failures_complete_nothing_silently() {
    // Server unreachable: nothing, no stderr, within the deadline (plus process start).
    let home = Home::new()
        .env("ACCESSCTL_SERVER", &dead_url())
        .env("ACCESSCTL_TOKEN", "acc_nope")
        .env("ACCESSCTL_PROJECT", "shop");
    let start = Instant::now();
    let (got, stderr) = bash_complete(&home, "accessctl roles add-binding --role ");
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(stderr, "");
    assert!(start.elapsed() < Duration::from_secs(8), "{:?}", start.elapsed());

    // A server that accepts the connection and never answers: nothing, after the
    // 2 s completion deadline rather than the 10 s request timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let home = Home::new()
        .env(
            "ACCESSCTL_SERVER",
            &format!("http://{}", silent.local_addr().unwrap()),
        )
        .env("ACCESSCTL_TOKEN", "acc_nope")
        .env("ACCESSCTL_PROJECT", "shop");
    let start = Instant::now();
    let (got, stderr) = bash_complete(&home, "accessctl roles add-binding --role ");
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(stderr, "");
    assert!(start.elapsed() < Duration::from_secs(8), "{:?}", start.elapsed());
    drop(silent);

    // Logged in with a bad token: 401 → nothing.
    let server = Server::start();
    let home = Home::new()
        .env("ACCESSCTL_SERVER", &server.url)
        .env("ACCESSCTL_TOKEN", "acc_wrong")
        .env("ACCESSCTL_PROJECT", "shop");
    let (got, stderr) = bash_complete(&home, "accessctl roles delete-binding ");
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(stderr, "");

    // A context that does not exist, and a corrupt config file: nothing.
    let home = Home::new();
    let (got, stderr) = bash_complete(&home, "accessctl --context nope roles add-binding --role ");
    assert!(got.is_empty() && stderr.is_empty(), "{got:?} {stderr}");
    std::fs::create_dir_all(home.config_path().parent().unwrap()).unwrap();
    std::fs::write(home.config_path(), "current_context = [").unwrap();
    let (got, stderr) = bash_complete(&home, "accessctl config contexts use ");
    assert!(got.is_empty() && stderr.is_empty(), "{got:?} {stderr}");
}

#[test]
fn local_context_never_creates_the_database() {
    let home = Home::new();
    let db = home.path().join(".local/share/accessctl/local.db");
    let (got, stderr) = bash_complete(&home, "accessctl roles add-binding --role ");
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(stderr, "");
    assert!(!db.exists(), "completion created the local database");
    assert!(!home.path().join(".local/share/accessctl").exists());

    // Once a command has set it up, its roles complete.
    home.run(&["roles", "list"]).ok();
    assert!(db.exists());
    let (got, _) = bash_complete(&home, "accessctl roles add-binding --role ");
    assert_eq!(got, role_names(&home, "default"));
    let (got, _) = bash_complete(&home, "accessctl roles delete-binding ");
    assert_eq!(got.len(), 1, "the local admin binding: {got:?}");
}

#[test]
fn from_file_completes_file_names() {
    let home = Home::new();
    std::fs::write(home.path().join("team.csv"), "a@example.com\n").unwrap();
    std::fs::write(home.path().join("tea.txt"), "").unwrap();
    let dir = home.path().display().to_string();
    let prefix = format!("{dir}/tea");
    for words in [
        [
            "roles",
            "invitations",
            "invite-user",
            "--from-file",
            prefix.as_str(),
        ],
        ["project", "users", "invite", "--from-file", prefix.as_str()],
    ] {
        let got: Vec<String> = fish_protocol(&home, &words).into_iter().map(|(v, _)| v).collect();
        assert_eq!(
            got,
            [format!("{dir}/tea.txt"), format!("{dir}/team.csv")],
            "{words:?}"
        );
        let line = format!("accessctl {}", words.join(" "));
        let (got, stderr) = bash_complete(&home, &line);
        assert_eq!(
            got,
            [format!("{dir}/tea.txt"), format!("{dir}/team.csv")],
            "{stderr}"
        );
    }
}

#[test]
fn subcommands_and_flags_complete_offline() {
    let home = Home::new();
    let (got, stderr) = bash_complete(&home, "accessctl roles invitations ");
    assert_eq!(got, ["accept", "delete", "help", "invite-user", "list", "resend"]);
    assert_eq!(stderr, "");
    let (got, _) = bash_complete(&home, "accessctl completion ");
    assert_eq!(got, ["bash", "elvish", "fish", "powershell", "zsh"]);
}

#[test]
fn completion_prints_the_committed_scripts() {
    let home = Home::new();
    for (shell, file) in [
        ("bash", "accessctl.bash"),
        ("zsh", "_accessctl"),
        ("fish", "accessctl.fish"),
        ("powershell", "_accessctl.ps1"),
        ("elvish", "accessctl.elv"),
    ] {
        let committed = std::fs::read_to_string(root().join("completions").join(file)).unwrap();
        let run = home.run(&["completion", shell]);
        run.ok();
        assert_eq!(run.stdout, committed, "{shell}: run `cargo xtask gen`");
        assert_eq!(run.stderr, "");
        // The engine's own registration (`COMPLETE=zsh accessctl`) is the same text.
        let out = home
            .command(&[])
            .env("COMPLETE", shell)
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), committed, "{shell}");
    }
    // From $SHELL.
    let run = Home::new().env("SHELL", "/usr/bin/zsh").run(&["completion"]);
    run.ok();
    assert!(run.stdout.contains("#compdef accessctl"), "{}", run.stdout);
    // Unknown shells: exit 2 with the list.
    let run = Home::new().env("SHELL", "/bin/tcsh").run(&["completion"]);
    run.fails(2)
        .stderr_has("unknown shell 'tcsh'")
        .stderr_has("bash|zsh|fish|powershell|elvish");
    Home::new().run(&["completion"]).fails(2).stderr_has("$SHELL");
    Home::new().run(&["completion", "tcsh"]).code(2);
}

#[test]
fn man_pages_render_without_warnings() {
    let man_dir = root().join("man");
    let page = man_dir.join("accessctl-roles-list-bindings.1");
    assert!(page.exists());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&man_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(pages.len() > 40, "{}", pages.len());
    for p in &pages {
        let text = std::fs::read_to_string(p).unwrap();
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
        ] {
            assert!(text.contains(section), "{} lacks {section}", p.display());
        }
        assert!(text.contains("ACCESSCTL_TOKEN") && text.contains("NO_COLOR") && text.contains("local.db"));
    }
    let Some(groff) = found("groff") else {
        skip("groff is not installed: man pages were not rendered");
        return;
    };
    for p in &pages {
        for device in ["-Tutf8", "-Tascii"] {
            let out = Command::new(&groff)
                .args(["-man", device, "-ww", "-z"])
                .arg(p)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}: {out:?}", p.display());
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                "",
                "{} {device}",
                p.display()
            );
        }
    }
    // `man -l` as a user runs it, without a UTF-8 locale (the ASCII device).
    match found("man") {
        None => skip("man is not installed: `man -l` was not tried"),
        Some(man) => {
            let out = Command::new(man)
                .arg("-l")
                .arg(&page)
                .env_clear()
                .env("PATH", "/usr/bin:/bin")
                .env("MANPAGER", "cat")
                .env("MANWIDTH", "80")
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            assert_eq!(String::from_utf8_lossy(&out.stderr), "");
            assert!(String::from_utf8_lossy(&out.stdout).contains("accessctl-roles-list-bindings"));
        }
    }
    let out = Command::new(&groff)
        .args(["-man", "-Tutf8", "-ww"])
        .arg(&page)
        .output()
        .unwrap();
    // grotty emboldens by overstriking (`X\bX`); drop that to read the text.
    let mut text = String::new();
    for c in String::from_utf8_lossy(&out.stdout).chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    for heading in ["EXIT STATUS", "ENVIRONMENT", "FILES", "--role"] {
        assert!(text.contains(heading), "{heading} not rendered:\n{text}");
    }
}

/// Runs in a real fish or zsh when one is installed; otherwise says so.
#[test]
fn fish_completes_binding_ids_with_descriptions() {
    let Some(fish) = found("fish") else {
        skip("fish is not installed: the real-fish completion test did not run");
        return;
    };
    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    home.bind(&[], "jane@x.com", "admin");
    let script =
        "accessctl completion fish | source; complete --do-complete 'accessctl roles delete-binding '";
    let out = home
        .program(fish.to_str().unwrap(), &["--no-config", "-c", script])
        .env("PATH", path_var())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("admin  Jane <jane@x.com>"), "{stdout}\n{out:?}");
}

/// Real zsh with the generated script; compsys's `_describe` is replaced by a stub
/// that prints what it was given (`VALUE:DESCRIPTION`), so no terminal is needed.
#[test]
fn zsh_completes_roles_and_binding_ids_with_descriptions() {
    let Some(zsh) = found("zsh") else {
        skip("zsh is not installed: the real-zsh completion test did not run");
        return;
    };
    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    home.bind(&[], "jane@x.com", "admin");
    let complete = |words: &str, current: usize| {
        let script = format!(
            r#"compdef() {{ : }}
source <(accessctl completion zsh) || exit 97
_describe() {{ print -rl -- "${{(@P)3}}" }}
words=({words})
CURRENT={current}
_clap_dynamic_completer_accessctl
"#
        );
        let out = home
            .program(zsh.to_str().unwrap(), &["-f", "-c", &script])
            .env("PATH", path_var())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
        let stdout = String::from_utf8(out.stdout).unwrap();
        sorted(
            stdout
                .lines()
                .filter(|l| !l.starts_with('-'))
                .map(str::to_owned)
                .collect(),
        )
    };
    let got = complete("accessctl roles delete-binding ''", 4);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got.iter().any(|l| l.ends_with(":admin  Jane <jane@x.com>")),
        "{got:?}"
    );
    let roles: Vec<String> = complete("accessctl roles add-binding --role ''", 5)
        .into_iter()
        .map(|l| l.split(':').next().unwrap().to_owned())
        .collect();
    assert_eq!(roles, role_names(&home, "shop"));
}

/// How the zsh script is installed.
#[derive(Clone, Copy, Debug)]
enum ZshInstall {
    /// README's way: `accessctl completion zsh > DIR/_accessctl`, DIR on `$fpath`
    /// before `compinit` (compinit autoloads the file on the first TAB).
    Fpath,
    /// `source <(accessctl completion zsh)` after `compinit`.
    Sourced,
}

/// What a real interactive zsh offers on the first TAB after `line`: the zsh runs in
/// a pseudo-terminal of zsh's own `zpty` module, with compinit; `compadd` is wrapped
/// to also record the matches it is given (after compsys's own prefix matching), and
/// a `comppostfuncs` hook writes them to a file and exits the shell, so the test
/// waits for that exit. The values of matches only (no descriptions).
fn zsh_first_tab(zsh: &Path, home: &Home, install: ZshInstall, line: &str) -> Vec<String> {
    let dir = home.path().join("zfunc");
    std::fs::create_dir_all(&dir).unwrap();
    let script = home.run(&["completion", "zsh"]);
    script.ok();
    std::fs::write(dir.join("_accessctl"), &script.stdout).unwrap();
    let out_file = home.path().join("zsh-matches");
    let _ = std::fs::remove_file(&out_file);
    let (fpath, source) = match install {
        ZshInstall::Fpath => (format!("fpath=({} $fpath)", dir.display()), String::new()),
        ZshInstall::Sourced => (String::new(), format!("source {}/_accessctl", dir.display())),
    };
    let rc = format!(
        r#"PS1='> '
{fpath}
autoload -Uz compinit && compinit -u -D
{source}
typeset -ga __hits
compadd() {{
  if [[ ${{@[1,(i)(-|--)]}} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __m
  builtin compadd -O __m "$@"
  __hits+=("${{__m[@]}}")
  builtin compadd "$@"
}}
__done() {{ print -rl -- "${{__hits[@]}}" > {out}; exit }}
comppostfuncs=(__done)
print RC-$((6*7))
"#,
        out = out_file.display(),
    );
    let rc_file = home.path().join("rc.zsh");
    std::fs::write(&rc_file, rc).unwrap();
    let driver = r#"zmodload zsh/zpty || exit 98
zpty z zsh -f -i
zpty -w z "source ${(q)1}"
zpty -r z line '*RC-42*' || exit 96
zpty -w -n z "$2"$'\t'
while zpty -r z line; do :; done
"#;
    let out = home
        .program(
            "timeout",
            &[
                "60",
                zsh.to_str().unwrap(),
                "-f",
                "-c",
                driver,
                "zsh",
                rc_file.to_str().unwrap(),
                line,
            ],
        )
        .env("PATH", path_var())
        .output()
        .unwrap();
    assert!(out.status.success(), "zsh driver failed: {out:?}");
    let matches = std::fs::read_to_string(&out_file)
        .unwrap_or_else(|e| panic!("zsh wrote no matches ({e}) for {line:?}: {out:?}"));
    sorted(
        matches
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

/// The fpath install README describes works on the first TAB (clap_complete's script
/// alone only registered the completer then, so that TAB offered nothing), and so
/// does sourcing: roles for `--role`, member emails for `--email`, subcommands, and
/// no flag among a flag's values.
#[test]
fn zsh_completes_on_the_first_tab_from_fpath_and_sourced() {
    let Some(zsh) = found("zsh") else {
        skip("zsh is not installed: the real-zsh first-TAB test did not run");
        return;
    };
    let (server, home) = admin_with_project();
    server.user_with_token("jane", "jane@x.com", "Jane");
    home.bind(&[], "jane@x.com", "viewer");
    let roles = role_names(&home, "shop");
    for install in [ZshInstall::Fpath, ZshInstall::Sourced] {
        let got = zsh_first_tab(&zsh, &home, install, "accessctl roles add-binding --role ");
        assert_eq!(got, roles, "{install:?}");
        let got = zsh_first_tab(&zsh, &home, install, "accessctl roles add-binding --email ");
        assert_eq!(got, ["admin@example.com", "jane@x.com"], "{install:?}");
        let got = zsh_first_tab(&zsh, &home, install, "accessctl roles dele");
        assert_eq!(got, ["delete", "delete-binding"], "{install:?}");
    }
}

/// Says on the real stderr (not the captured test output, so `cargo test` shows it
/// even when the test passes) that a check did not run.
fn skip(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}
