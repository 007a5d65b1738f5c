//! Installations for the benchmark, seeded through `accessd import` of a generated
//! export document (not request by request).
//!
//! A small template installation is made through the real API (bootstrap, the
//! projects, one user `seed` bound in each), exported, and then the document is
//! written again with `seed`'s user, org membership and binding rows cloned once per
//! generated user (new ids, usernames and principal keys). So the document always
//! has the schema version and columns of the binary under test.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

use super::load::{self, Req};
use super::proc_;
use super::server::{Bins, Server};

/// What to seed: the bootstrap administrator and the projects with their number of
/// bindings (the administrator's owner binding included).
#[derive(Debug, Clone)]
pub struct Spec {
    pub name: &'static str,
    pub admin: &'static str,
    pub admin_email: String,
    pub projects: Vec<(String, usize)>,
}

impl Spec {
    pub fn new(name: &'static str, projects: &[(&str, usize)]) -> Spec {
        Spec {
            name,
            admin: "admin",
            admin_email: "admin@example.com".into(),
            projects: projects.iter().map(|(p, n)| ((*p).to_owned(), *n)).collect(),
        }
    }

    pub fn bindings(&self) -> usize {
        self.projects.iter().map(|(_, n)| n).sum()
    }
}

/// A generated export document on disk.
pub struct Document {
    pub path: PathBuf,
    /// The administrator's API token (its hash is in the document).
    pub token: String,
    pub rows: usize,
}

/// Makes the template through the API, exports it and writes the full document.
pub async fn document(bins: &Bins, work: &Path, spec: &Spec) -> Result<Document> {
    let dir = work.join(format!("template-{}", spec.name));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("template.db").display());
    let token = bins
        .accessd_ok(
            &url,
            &[
                "bootstrap",
                "--username",
                spec.admin,
                "--email",
                &spec.admin_email,
            ],
        )?
        .trim()
        .to_owned();
    {
        let server = Server::start(bins, &url, &dir.join("serve.log"))?;
        let a = server.addr;
        for (p, _) in &spec.projects {
            let body = json!({"name": p, "role_preset": "akka"});
            load::call(a, &token, &Req::json(http::Method::POST, "/v1/projects", &body)).await?;
        }
        let body = json!({"username": "seed", "email": "seed@example.com"});
        load::call(a, &token, &Req::json(http::Method::POST, "/v1/users", &body)).await?;
        for (p, _) in &spec.projects {
            let path = format!("/v1/projects/{p}/members/seed");
            load::call(
                a,
                &token,
                &Req::json(http::Method::PUT, path, &json!({"role": "developer"})),
            )
            .await?;
        }
    }
    let export = dir.join("export.json");
    bins.accessd_ok(&url, &["export", "--output", &export.display().to_string()])?;
    let template: Value = serde_json::from_slice(&std::fs::read(&export)?)?;
    let path = work.join(format!("{}.json", spec.name));
    let rows = write(&template, spec, &path).with_context(|| format!("write {}", path.display()))?;
    Ok(Document { path, token, rows })
}

fn table<'a>(doc: &'a Value, name: &str) -> Result<&'a Vec<Value>> {
    doc["tables"][name]
        .as_array()
        .with_context(|| format!("the export has no table {name}"))
}

fn find<'a>(rows: &'a [Value], key: &str, value: &str) -> Result<&'a Map<String, Value>> {
    rows.iter()
        .filter_map(Value::as_object)
        .find(|r| r[key] == value)
        .with_context(|| format!("no row with {key} = {value}"))
}

/// Streams the document: the template's tables as they are, plus the generated
/// users, org memberships and bindings. Returns the number of rows.
fn write(template: &Value, spec: &Spec, path: &Path) -> Result<usize> {
    let users = table(template, "users")?;
    let seed = find(users, "username", "seed")?;
    let seed_id = seed["id"].as_str().context("seed id")?.to_owned();
    let seed_member = find(table(template, "org_members")?, "user_id", &seed_id)?;
    let projects = table(template, "projects")?;
    let bindings = table(template, "role_bindings")?;

    // (project's sample binding, how many to add) per project.
    let mut plan = Vec::new();
    for (name, n) in &spec.projects {
        let project = find(projects, "name", name)?;
        let sample = bindings
            .iter()
            .filter_map(Value::as_object)
            .find(|b| b["project_id"] == project["id"] && b["principal_id"] == seed_id.as_str())
            .with_context(|| format!("no seed binding in {name}"))?;
        // The administrator's owner binding and seed's are there already.
        plan.push((sample, n.saturating_sub(2)));
    }

    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut head = template.as_object().context("export is an object")?.clone();
    head.remove("tables");
    let head = serde_json::to_string(&head)?;
    let head = head.strip_suffix('}').context("export head is an object")?;
    write!(out, "{head},\"tables\":{{")?;
    let mut rows = 0;
    let tables = template["tables"].as_object().context("tables")?;
    for (t, (name, existing)) in tables.iter().enumerate() {
        if t > 0 {
            out.write_all(b",")?;
        }
        write!(out, "{}:[", serde_json::to_string(name)?)?;
        let existing = existing.as_array().context("a table is an array")?;
        let mut first = true;
        let mut emit = |out: &mut BufWriter<std::fs::File>, row: &Map<String, Value>| -> Result<()> {
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut *out, row)?;
            rows += 1;
            Ok(())
        };
        for row in existing {
            emit(&mut out, row.as_object().context("a row is an object")?)?;
        }
        let generated = matches!(name.as_str(), "users" | "org_members" | "role_bindings");
        let mut n = 0usize;
        for (sample, count) in plan.iter().filter(|_| generated) {
            for _ in 0..*count {
                n += 1;
                // Per user: the same id in users, org_members and role_bindings.
                let uid = uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n as u128);
                let uid = uid.to_string();
                let username = format!("u{n:06}");
                match name.as_str() {
                    "users" => {
                        let mut u = seed.clone();
                        u.insert("id".into(), json!(uid));
                        u.insert("username".into(), json!(username));
                        u.insert("username_norm".into(), json!(username));
                        let email = format!("{username}@example.com");
                        u.insert("email".into(), json!(email));
                        u.insert("email_norm".into(), json!(email));
                        emit(&mut out, &u)?;
                    }
                    "org_members" => {
                        let mut m = seed_member.clone();
                        m.insert("user_id".into(), json!(uid));
                        emit(&mut out, &m)?;
                    }
                    "role_bindings" => {
                        let mut b = (*sample).clone();
                        let bid =
                            uuid::Uuid::from_u128(0x0190_0000_0000_7000_9000_0000_0000_0000 | n as u128);
                        b.insert("id".into(), json!(bid.to_string()));
                        b.insert("principal_id".into(), json!(uid));
                        b.insert("principal_key".into(), json!(format!("user:{uid}")));
                        // The server's sort key for seed (its username, or its label
                        // `seed <seed@example.com>` lower-cased), with the new name.
                        let sort = sample["principal_sort"].as_str().unwrap_or("seed");
                        b.insert("principal_sort".into(), json!(sort.replace("seed", &username)));
                        emit(&mut out, &b)?;
                    }
                    _ => {}
                }
            }
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"}}\n")?;
    out.flush()?;
    Ok(rows)
}

/// `accessd import` of `doc` into `database_url`: wall time and peak RSS.
pub fn import(bins: &Bins, database_url: &str, doc: &Document) -> Result<proc_::Measured> {
    let mut t = proc_::Timed::new(&bins.accessd);
    super::server::accessd_env(&mut t.cmd, database_url);
    t.cmd.arg("import").arg(&doc.path);
    let m = proc_::measure(t)?;
    if !m.success {
        bail!(
            "accessd import {} failed: {}",
            doc.path.display(),
            m.stderr.trim()
        );
    }
    Ok(m)
}
