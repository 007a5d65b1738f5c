//! The rows of the goals table, each with its reference measured in the same run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::json;

use super::load::{self, Load, Outcome, Req};
use super::proc_;
use super::seed::{self, Document, Spec};
use super::server::{Bins, Server};
use super::stats::{Figure, Goal};
use super::{Options, Sizes};

/// Everything one benchmark run measured.
pub struct Results {
    pub figures: Vec<Figure>,
    pub notes: Vec<String>,
    pub failures: usize,
    pub machine: Machine,
}

/// Where it ran.
pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub load_before: String,
    pub load_after: String,
    pub date: String,
    pub commit: String,
    pub rustc: String,
}

const SMALL: [&str; 4] = ["small0", "small1", "small2", "small3"];
const CLIENTS: usize = 16;

/// A seeded installation with its server.
struct Install {
    server: Server,
    token: String,
    /// Users bound per small project beyond the administrator and `seed`, in
    /// generation order: `u000001…` are small0's first.
    per_small: usize,
}

fn specs(sizes: &Sizes) -> (Spec, Spec) {
    let mut big: Vec<(&str, usize)> = SMALL.iter().map(|p| (*p, sizes.small)).collect();
    let empty = Spec::new("empty", &big);
    big.push(("big", sizes.big));
    big.push(("mid", sizes.mid));
    (Spec::new("big", &big), empty)
}

/// The member of small project `k` that client `c` changes.
fn member(per_small: usize, k: usize, c: usize) -> String {
    format!("u{:06}", k * per_small + c + 1)
}

fn figure<'a>(figs: &'a mut Vec<Figure>, key: &str, make: impl FnOnce() -> Figure) -> &'a mut Figure {
    let i = match figs.iter().position(|f| f.what == key) {
        Some(i) => i,
        None => {
            figs.push(make());
            figs.len() - 1
        }
    };
    &mut figs[i]
}

/// Records `value` as the figure `what` of `row` (created on first use).
fn record(figs: &mut Vec<Figure>, row: &'static str, what: &str, unit: &'static str, goal: Goal, value: f64) {
    figure(figs, what, || Figure::new(row, what, unit, goal))
        .values
        .push(value);
}

fn put_member(project: &'static str, per_small: usize, spread: bool) -> load::MakeReq {
    Arc::new(move |c, seq| {
        let (p, m) = if spread {
            (
                SMALL[c % SMALL.len()],
                member(per_small, c % SMALL.len(), c / SMALL.len()),
            )
        } else {
            (project, member(per_small, 0, c))
        };
        let role = if seq % 2 == 0 { "viewer" } else { "developer" };
        Req::json(
            http::Method::PUT,
            format!("/v1/projects/{p}/members/{m}"),
            &json!({ "role": role }),
        )
    })
}

fn check(project: &'static str) -> load::MakeReq {
    let body = json!({"permissions": ["project.view", "members.manage"]});
    Arc::new(move |_, _| {
        Req::json(
            http::Method::POST,
            format!("/v1/projects/{project}/permissions:check"),
            &body,
        )
    })
}

fn healthz() -> load::MakeReq {
    Arc::new(|_, _| Req::get("/healthz"))
}

impl Install {
    fn load(&self, requests: usize, max_time: Duration, make: load::MakeReq) -> Load {
        Load {
            addr: self.server.addr,
            token: self.token.clone(),
            clients: CLIENTS,
            requests,
            max_time,
            make,
        }
    }
}

/// Runs a load after a short warm-up; fails on any non-2xx.
async fn measure(what: &str, load: Load) -> Result<Outcome> {
    let warm = Load {
        requests: (load.requests / 20).max(CLIENTS * 4),
        max_time: Duration::from_secs(2),
        ..load.clone()
    };
    load::run(&warm).await?.check(&format!("{what} (warm-up)"))?;
    let out = load::run(&load).await?;
    out.check(what)?;
    eprintln!(
        "  {what}: {:.0}/s p50 {:.2} ms p99 {:.2} ms ({} requests)",
        out.rate(),
        out.p50_ms(),
        out.p99_ms(),
        out.ok
    );
    Ok(out)
}

async fn install(
    bins: &Bins,
    work: &Path,
    doc: &Document,
    url: &str,
    name: &str,
    sizes: &Sizes,
) -> Result<(Install, proc_::Measured)> {
    let imported = seed::import(bins, url, doc)?;
    let server = Server::start(bins, url, &work.join(format!("{name}.log")))?;
    Ok((
        Install {
            server,
            token: doc.token.clone(),
            per_small: sizes.small - 2,
        },
        imported,
    ))
}

fn sqlite_url(work: &Path, name: &str) -> String {
    format!("sqlite://{}", work.join(format!("{name}.db")).display())
}

/// A PostgreSQL database for one benchmark run, dropped when this is dropped.
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(admin: &str) -> Result<PgDatabase> {
        let name = format!("bench_{}", std::process::id());
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
        let db = PgDatabase {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        };
        db.psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", db.name))?;
        db.psql(&format!("CREATE DATABASE {}", db.name))?;
        // Production's setting: every commit waits for its WAL flush.
        db.psql(&format!("ALTER DATABASE {} SET synchronous_commit = on", db.name))?;
        Ok(db)
    }

    fn psql(&self, sql: &str) -> Result<()> {
        let out = Command::new("psql")
            .args([self.admin.as_str(), "-qtAc", sql])
            .stdin(Stdio::null())
            .output()
            .context("run psql")?;
        if !out.status.success() {
            bail!("psql {sql}: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(())
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = self.psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

/// The environment of an `accessctl` run against `server`: no config, no keyring,
/// no prompts.
fn accessctl(bins: &Bins, work: &Path, url: &str, token: &str, project: &str) -> Command {
    let mut cmd = Command::new(&bins.accessctl);
    accessctl_env(&mut cmd, work, url, token, project);
    cmd
}

fn accessctl_env(cmd: &mut Command, work: &Path, url: &str, token: &str, project: &str) {
    let home = work.join("home");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("ACCESSCTL_CONFIG", home.join("config.toml"))
        .env("ACCESSCTL_SERVER", url)
        .env("ACCESSCTL_TOKEN", token)
        .env("ACCESSCTL_PROJECT", project)
        .env("ACCESSCTL_DISABLE_PROMPTS", "1")
        .env("NO_COLOR", "1");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub async fn run_all(bins: &Bins, work: &Path, opts: &Options, sizes: &Sizes) -> Result<Results> {
    let mut machine = machine()?;
    let mut figs: Vec<Figure> = Vec::new();
    let mut notes = Vec::new();
    let (big_spec, empty_spec) = specs(sizes);
    let needs_big = [
        "import",
        "member-change",
        "check-scale",
        "mutations",
        "checks",
        "list",
        "round-trip",
    ]
    .iter()
    .any(|r| opts.wants(r));
    let needs_empty = opts.wants("member-change") || opts.wants("postgres");
    let pg_admin = std::env::var("ACCESSD_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());

    eprintln!("seeding (documents through the real API + accessd export, then accessd import)…");
    let big_doc = match needs_big {
        true => Some(seed::document(bins, work, &big_spec).await?),
        false => None,
    };
    let empty_doc = match needs_empty {
        true => Some(seed::document(bins, work, &empty_spec).await?),
        false => None,
    };
    let mut big = None;
    if let Some(doc) = &big_doc {
        let (inst, imported) = install(bins, work, doc, &sqlite_url(work, "big"), "big", sizes).await?;
        notes.push(format!(
            "Large installation: {} bindings ({} rows in the import document: users, org memberships, bindings, …).",
            big_spec.bindings(),
            doc.rows
        ));
        if opts.wants("import") {
            record_import(&mut figs, doc.rows, &imported);
        }
        big = Some(inst);
    }
    let mut empty = None;
    if let Some(doc) = &empty_doc
        && opts.wants("member-change")
    {
        let (inst, _) = install(bins, work, doc, &sqlite_url(work, "empty"), "empty", sizes).await?;
        empty = Some(inst);
    }
    let mut pg_db = None;
    let mut pg = None;
    if opts.wants("postgres") {
        match (&pg_admin, &empty_doc) {
            (Some(admin), Some(doc)) => {
                let db = PgDatabase::create(admin)?;
                let (inst, _) = install(bins, work, doc, &db.url, "postgres", sizes).await?;
                pg = Some(inst);
                pg_db = Some(db);
            }
            _ => notes.push("PostgreSQL rows skipped: ACCESSD_TEST_DATABASE_URL is not set.".into()),
        }
    }
    let local = match opts.wants("local") {
        true => Some(local_setup(bins, work, sizes).await?),
        false => None,
    };

    let mut failures = 0;
    for run in 1..=opts.runs {
        eprintln!("run {run} of {}", opts.runs);
        let result: Result<()> = async {
            if run > 1
                && opts.wants("import")
                && let Some(doc) = &big_doc
            {
                let url = sqlite_url(work, &format!("import{run}"));
                let m = seed::import(bins, &url, doc)?;
                record_import(&mut figs, doc.rows, &m);
                eprintln!("  import: {:.1} s {:.0} MB", m.wall.as_secs_f64(), m.rss_mb());
            }
            if let (Some(b), Some(e)) = (&big, &empty)
                && opts.wants("member-change")
            {
                let big_out = measure(
                    "member change, large install",
                    b.load(
                        sizes.write_requests,
                        sizes.max_time,
                        put_member("small0", b.per_small, false),
                    ),
                )
                .await?;
                let small_out = measure(
                    "member change, empty install",
                    e.load(
                        sizes.write_requests,
                        sizes.max_time,
                        put_member("small0", e.per_small, false),
                    ),
                )
                .await?;
                let row = "member-change";
                record(
                    &mut figs,
                    row,
                    "member change, 50-binding project, large install",
                    "/s",
                    Goal::None,
                    big_out.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "member change, 50-binding project, empty install",
                    "/s",
                    Goal::None,
                    small_out.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "member change: large / empty install",
                    "×",
                    Goal::AtLeast(0.8),
                    big_out.rate() / small_out.rate(),
                );
            }
            if let Some(b) = &big
                && opts.wants("check-scale")
            {
                let large = measure(
                    "check, large project",
                    b.load(sizes.check_requests, sizes.max_time, check("big")),
                )
                .await?;
                let small = measure(
                    "check, 50-binding project",
                    b.load(sizes.check_requests, sizes.max_time, check("small0")),
                )
                .await?;
                let row = "check-scale";
                record(
                    &mut figs,
                    row,
                    &format!("check in the {}-binding project", sizes.big),
                    "/s",
                    Goal::None,
                    large.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "check in a 50-binding project",
                    "/s",
                    Goal::None,
                    small.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "check: large / 50-binding project",
                    "×",
                    Goal::AtLeast(0.5),
                    large.rate() / small.rate(),
                );
            }
            if let Some(b) = &big
                && opts.wants("mutations")
            {
                let out = measure(
                    "SQLite mutations (4 projects)",
                    b.load(
                        sizes.write_requests,
                        sizes.max_time,
                        put_member("", b.per_small, true),
                    ),
                )
                .await?;
                let row = "mutations";
                record(
                    &mut figs,
                    row,
                    "SQLite mutations, 16 clients",
                    "/s",
                    Goal::AtLeast(1500.0),
                    out.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "SQLite mutations, p99",
                    "ms",
                    Goal::Below(50.0),
                    out.p99_ms(),
                );
            }
            if let Some(b) = &big
                && opts.wants("checks")
            {
                let out = measure(
                    "SQLite checks",
                    b.load(sizes.check_requests, sizes.max_time, check("small0")),
                )
                .await?;
                let h = measure(
                    "/healthz",
                    b.load(sizes.check_requests * 2, sizes.max_time, healthz()),
                )
                .await?;
                let row = "checks";
                record(
                    &mut figs,
                    row,
                    "SQLite checks, 16 clients",
                    "/s",
                    Goal::AtLeast(10_000.0),
                    out.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "SQLite checks, p99",
                    "ms",
                    Goal::Below(20.0),
                    out.p99_ms(),
                );
                record(
                    &mut figs,
                    row,
                    "/healthz, 16 clients (reference)",
                    "/s",
                    Goal::None,
                    h.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "check / healthz",
                    "×",
                    Goal::AtLeast(0.25),
                    out.rate() / h.rate(),
                );
            }
            if let Some(p) = &pg {
                let m = measure(
                    "PostgreSQL mutations",
                    p.load(
                        sizes.write_requests,
                        sizes.max_time,
                        put_member("", p.per_small, true),
                    ),
                )
                .await?;
                let c = measure(
                    "PostgreSQL checks",
                    p.load(sizes.check_requests, sizes.max_time, check("small0")),
                )
                .await?;
                let row = "postgres";
                record(
                    &mut figs,
                    row,
                    "PostgreSQL mutations, 16 clients",
                    "/s",
                    Goal::AtLeast(1000.0),
                    m.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "PostgreSQL mutations, p99",
                    "ms",
                    Goal::None,
                    m.p99_ms(),
                );
                record(
                    &mut figs,
                    row,
                    "PostgreSQL checks, 16 clients",
                    "/s",
                    Goal::AtLeast(5000.0),
                    c.rate(),
                );
                record(
                    &mut figs,
                    row,
                    "PostgreSQL checks, p99",
                    "ms",
                    Goal::None,
                    c.p99_ms(),
                );
            }
            if let Some(b) = &big
                && opts.wants("list")
            {
                list_row(bins, work, b, sizes, run == 1, &mut figs)?;
            }
            if let Some(b) = &big
                && opts.wants("round-trip")
            {
                round_trip(bins, work, b, sizes, &mut figs)?;
            }
            if let Some(l) = &local {
                local_row(bins, l, sizes, &mut figs)?;
            }
            Ok(())
        }
        .await;
        if let Err(e) = result {
            eprintln!("error in run {run}: {e:#}");
            notes.push(format!("Run {run} failed: {e:#}"));
            failures += 1;
        }
    }
    drop(pg);
    drop(pg_db);
    machine.load_after = loadavg();
    Ok(Results {
        figures: figs,
        notes,
        failures,
        machine,
    })
}

fn record_import(figs: &mut Vec<Figure>, rows: usize, m: &proc_::Measured) {
    let what = format!(
        "accessd import of {} rows, peak RSS",
        super::stats::num(rows as f64)
    );
    record(figs, "import", &what, "MB", Goal::Below(128.0), m.rss_mb());
    let what = format!("accessd import of {} rows, wall", super::stats::num(rows as f64));
    record(figs, "import", &what, "s", Goal::None, m.wall.as_secs_f64());
}

/// `roles list-bindings` of the large and the mid project in every format.
fn list_row(
    bins: &Bins,
    work: &Path,
    b: &Install,
    sizes: &Sizes,
    verify: bool,
    figs: &mut Vec<Figure>,
) -> Result<()> {
    let out = work.join("list.out");
    let formats: &[(&str, &[&str], f64, f64)] = &[
        ("json", &["-o", "json"], 1.5, 64.0),
        ("json-compact", &["-o", "json-compact"], 1.5, 64.0),
        ("csv", &["-o", "csv"], 1.5, 64.0),
        ("tsv", &["-o", "tsv"], 1.5, 64.0),
        ("yaml", &["-o", "yaml"], 1.5, 64.0),
        ("-q", &["-q"], 1.5, 64.0),
        ("text", &["-o", "text"], 3.0, 128.0),
    ];
    let n = |k: usize| super::stats::num(k as f64);
    let mut rss_json = (0.0, 0.0);
    for (project, count) in [("mid", sizes.mid), ("big", sizes.big)] {
        for (name, args, wall_goal, rss_goal) in formats {
            if project == "mid" && *name != "json" {
                continue;
            }
            let mut t = proc_::Timed::new(&bins.accessctl);
            accessctl_env(&mut t.cmd, work, &b.server.url, &b.token, project);
            t.cmd
                .args(*args)
                .args(["roles", "list-bindings"])
                .stdout(std::fs::File::create(&out)?);
            let m = proc_::measure(t)?;
            if !m.success {
                bail!("accessctl {name} roles list-bindings failed: {}", m.stderr.trim());
            }
            if verify && *name == "json" {
                let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out)?)
                    .context("list-bindings -o json is not one JSON document")?;
                let got = v.as_array().map_or(0, Vec::len);
                if got != count {
                    bail!("list-bindings -o json of {project}: {got} bindings, expected {count}");
                }
            }
            if project == "mid" {
                rss_json.0 = m.rss_mb();
                record(
                    figs,
                    "list",
                    &format!("list-bindings -o json, {} bindings, wall", n(count)),
                    "s",
                    Goal::None,
                    m.wall.as_secs_f64(),
                );
                record(
                    figs,
                    "list",
                    &format!("list-bindings -o json, {} bindings, peak RSS", n(count)),
                    "MB",
                    Goal::None,
                    m.rss_mb(),
                );
                continue;
            }
            if *name == "json" {
                rss_json.1 = m.rss_mb();
            }
            let flag = if name.starts_with('-') {
                name.to_string()
            } else {
                format!("-o {name}")
            };
            record(
                figs,
                "list",
                &format!("list-bindings {flag}, {} bindings, wall", n(count)),
                "s",
                Goal::Below(*wall_goal),
                m.wall.as_secs_f64(),
            );
            record(
                figs,
                "list",
                &format!("list-bindings {flag}, {} bindings, peak RSS", n(count)),
                "MB",
                Goal::Below(*rss_goal),
                m.rss_mb(),
            );
        }
    }
    record(
        figs,
        "list",
        &format!(
            "list-bindings -o json peak RSS, {} / {} bindings (flat)",
            n(sizes.big),
            n(sizes.mid)
        ),
        "×",
        Goal::Below(1.25),
        rss_json.1 / rss_json.0,
    );
    Ok(())
}

/// One `roles list-bindings -o json` of a 50-binding project against `curl` of the
/// same endpoint, alternating, `repeats` each.
fn round_trip(bins: &Bins, work: &Path, b: &Install, sizes: &Sizes, figs: &mut Vec<Figure>) -> Result<()> {
    let mut cli = Vec::new();
    let mut curl = Vec::new();
    let url = format!("{}/v1/projects/small0/role-bindings?limit=500", b.server.url);
    let auth = format!("Authorization: Bearer {}", b.token);
    for _ in 0..sizes.repeats {
        let mut cmd = accessctl(bins, work, &b.server.url, &b.token, "small0");
        cmd.args(["-o", "json", "roles", "list-bindings"])
            .stdout(Stdio::null());
        cli.push(proc_::wall(cmd)?);
        let mut cmd = Command::new("curl");
        cmd.args([
            "-sf",
            "-o",
            "/dev/null",
            "-H",
            &auth,
            "-H",
            "Accept: application/json",
            &url,
        ]);
        curl.push(proc_::wall(cmd)?);
    }
    let (cli, curl) = (median(cli), median(curl));
    let row = "round-trip";
    record(
        figs,
        row,
        "list-bindings -o json, 50 bindings (one request)",
        "ms",
        Goal::None,
        cli.as_secs_f64() * 1e3,
    );
    record(
        figs,
        row,
        "curl of the same endpoint (reference)",
        "ms",
        Goal::None,
        curl.as_secs_f64() * 1e3,
    );
    record(
        figs,
        row,
        "list-bindings / curl",
        "×",
        Goal::Below(1.1),
        cli.as_secs_f64() / curl.as_secs_f64(),
    );
    Ok(())
}

/// The local context's home: its database seeded with `sizes.local` bindings in
/// project `default`, and the config that names it.
struct Local {
    home: PathBuf,
    db: PathBuf,
}

async fn local_setup(bins: &Bins, work: &Path, sizes: &Sizes) -> Result<Local> {
    let mut spec = Spec::new("local", &[("default", sizes.local)]);
    spec.admin = "bench";
    spec.admin_email = "bench@localhost".into();
    let doc = seed::document(bins, work, &spec).await?;
    let home = work.join("local-home");
    let data = home.join("data/accessctl");
    std::fs::create_dir_all(&data)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for d in [home.join("data"), data.clone()] {
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    let db = data.join("local.db");
    seed::import(bins, &format!("sqlite://{}", db.display()), &doc)?;
    let l = Local { home, db };
    // The first use records the context's project in the config.
    proc_::wall(local_cmd(bins, &l))?;
    Ok(l)
}

fn local_cmd(bins: &Bins, l: &Local) -> Command {
    let mut cmd = Command::new(&bins.accessctl);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &l.home)
        .env("USER", "bench")
        .env("XDG_CONFIG_HOME", l.home.join("config"))
        .env("XDG_DATA_HOME", l.home.join("data"))
        .env("ACCESSCTL_CONFIG", l.home.join("config.toml"))
        .env("ACCESSCTL_DISABLE_PROMPTS", "1")
        .env("NO_COLOR", "1")
        .args(["--context", "local", "-o", "json", "roles", "list-bindings"])
        .stdout(Stdio::null());
    cmd
}

/// The join the list runs, for `sqlite3`.
const LOCAL_SQL: &str = "SELECT b.id, b.project_id, b.role_id, r.name, b.role_rank, r.owner_grade, \
     b.principal_type, b.principal_id, b.principal_sort, b.expires_at, b.created_at, b.created_by, \
     u.id, u.username, u.email, u.name, u.is_admin, u.disabled, u.mfa_enabled, u.created_at, tb.name \
     FROM role_bindings b JOIN roles r ON r.id = b.role_id \
     LEFT JOIN users u ON b.principal_type = 'user' AND u.id = b.principal_id \
     LEFT JOIN teams tb ON b.principal_type = 'team' AND tb.id = b.principal_id \
     WHERE b.project_id = (SELECT id FROM projects WHERE name_norm = 'default') \
     ORDER BY b.role_rank, b.principal_sort, b.id";

fn local_row(bins: &Bins, l: &Local, sizes: &Sizes, figs: &mut Vec<Figure>) -> Result<()> {
    let mut cli = Vec::new();
    let mut sql = Vec::new();
    for _ in 0..sizes.repeats {
        cli.push(proc_::wall(local_cmd(bins, l))?);
        let mut cmd = Command::new("sqlite3");
        cmd.arg("-json").arg(&l.db).arg(LOCAL_SQL).stdout(Stdio::null());
        sql.push(proc_::wall(cmd)?);
    }
    let (cli, sql) = (median(cli), median(sql));
    let row = "local";
    let n = super::stats::num(sizes.local as f64);
    record(
        figs,
        row,
        &format!("local context, list-bindings -o json, {n} bindings"),
        "ms",
        Goal::Below(15.0),
        cli.as_secs_f64() * 1e3,
    );
    record(
        figs,
        row,
        "sqlite3 running the same join (reference)",
        "ms",
        Goal::None,
        sql.as_secs_f64() * 1e3,
    );
    Ok(())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn output(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn machine() -> Result<Machine> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let dirty = !output("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    let commit = format!(
        "{}{}",
        output("git", &["rev-parse", "--short", "HEAD"]),
        if dirty { " (with uncommitted changes)" } else { "" }
    );
    Ok(Machine {
        nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu,
        load_before: loadavg(),
        load_after: String::new(),
        date: output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        commit,
        rustc: output("rustc", &["--version"]),
    })
}
