//! `accessd export` / `accessd import`: every table of an installation as one
//! JSON document, to move it between databases (SQLite → PostgreSQL) without
//! losing a row. Ids, hashes, timestamps and policy versions are copied as they
//! are; nothing is re-derived.
//!
//! ```json
//! {"format": "accessd-export", "format_version": 1, "schema_version": 1,
//!  "source": "sqlite", "exported_at": 1760000000000,
//!  "tables": {"server_state": [{"id": 1, "bootstrapped": 1, "writes": 7}], "orgs": [...], ...}}
//! ```
//!
//! Each row is an object keyed by column name; values are strings, integers or
//! null. Tables come parents first (the order of `TABLES`). Both directions
//! stream: [`export_to`] writes row by row from a cursor, [`import_reader`]
//! parses row by row and inserts 200 rows at a time, so memory stays flat
//! whatever the size of the installation.

use std::collections::BTreeMap;
use std::io::Write;

use futures_util::TryStreamExt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{Any, Row};

use crate::db::Db;

/// `format` of an export document.
pub const FORMAT: &str = "accessd-export";
/// Version of the document layout (not of the schema).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Text,
    Int,
}

/// A column: name, type, nullable.
type Column = (&'static str, Ty, bool);

/// Every table, parents before children: name, columns, ORDER BY key.
const TABLES: &[(&str, &[Column], &str)] = {
    use Ty::{Int, Text};
    &[
        (
            "server_state",
            &[
                ("id", Int, false),
                ("bootstrapped", Int, false),
                ("writes", Int, false),
            ],
            "id",
        ),
        (
            "orgs",
            &[
                ("id", Text, false),
                ("name", Text, false),
                ("name_norm", Text, false),
                ("created_at", Int, false),
            ],
            "id",
        ),
        (
            "users",
            &[
                ("id", Text, false),
                ("username", Text, false),
                ("username_norm", Text, false),
                ("email", Text, false),
                ("email_norm", Text, false),
                ("name", Text, true),
                ("is_admin", Int, false),
                ("disabled", Int, false),
                ("mfa_enabled", Int, false),
                ("created_at", Int, false),
                ("mfa_secret", Text, true),
                ("mfa_pending_secret", Text, true),
                ("mfa_last_step", Int, true),
            ],
            "id",
        ),
        (
            "org_members",
            &[
                ("org_id", Text, false),
                ("user_id", Text, false),
                ("role", Text, false),
                ("created_at", Int, false),
            ],
            "org_id, user_id",
        ),
        (
            "api_tokens",
            &[
                ("id", Text, false),
                ("user_id", Text, false),
                ("name", Text, false),
                ("token_hash", Text, false),
                ("created_at", Int, false),
                ("expires_at", Int, true),
                ("last_used_at", Int, true),
                ("revoked", Int, false),
            ],
            "id",
        ),
        (
            "projects",
            &[
                ("id", Text, false),
                ("org_id", Text, false),
                ("name", Text, false),
                ("name_norm", Text, false),
                ("description", Text, true),
                ("role_preset", Text, false),
                ("policy_version", Int, false),
                ("created_at", Int, false),
                ("require_mfa", Text, false),
            ],
            "id",
        ),
        (
            "roles",
            &[
                ("id", Text, false),
                ("project_id", Text, false),
                ("name", Text, false),
                ("name_norm", Text, false),
                ("description", Text, true),
                ("built_in", Int, false),
                ("owner_grade", Int, false),
                ("rank", Int, false),
                ("permissions", Text, false),
                ("created_at", Int, false),
                ("server_role_id", Text, true),
                ("modified", Int, false),
            ],
            "id",
        ),
        (
            "preset_role_overrides",
            &[
                ("preset", Text, false),
                ("role_name", Text, false),
                ("permissions", Text, false),
                ("updated_at", Int, false),
                ("updated_by", Text, true),
            ],
            "preset, role_name",
        ),
        (
            "role_bindings",
            &[
                ("id", Text, false),
                ("project_id", Text, false),
                ("role_id", Text, false),
                ("role_rank", Int, false),
                ("principal_type", Text, false),
                ("principal_id", Text, true),
                ("principal_key", Text, false),
                ("principal_sort", Text, false),
                ("expires_at", Int, true),
                ("created_at", Int, false),
                ("created_by", Text, true),
            ],
            "id",
        ),
        (
            "server_roles",
            &[
                ("id", Text, false),
                ("org_id", Text, false),
                ("name", Text, false),
                ("name_norm", Text, false),
                ("description", Text, true),
                ("permissions", Text, false),
                ("created_at", Int, false),
                ("created_by", Text, true),
            ],
            "id",
        ),
        (
            "clusters",
            &[
                ("id", Text, false),
                ("org_id", Text, false),
                ("name", Text, false),
                ("name_norm", Text, false),
                ("created_at", Int, false),
                ("created_by", Text, true),
            ],
            "id",
        ),
        (
            "org_roles",
            &[
                ("id", Text, false),
                ("org_id", Text, false),
                ("name", Text, false),
                ("name_norm", Text, false),
                ("description", Text, true),
                ("created_at", Int, false),
                ("created_by", Text, true),
            ],
            "id",
        ),
        (
            "org_role_projects",
            &[
                ("role_id", Text, false),
                ("project_id", Text, false),
                ("is_admin", Int, false),
                ("env_levels", Text, false),
            ],
            "role_id, project_id",
        ),
        (
            "org_role_clusters",
            &[
                ("role_id", Text, false),
                ("cluster_id", Text, false),
                ("level", Text, false),
            ],
            "role_id, cluster_id",
        ),
        (
            "org_invitations",
            &[
                ("id", Text, false),
                ("org_id", Text, false),
                ("email", Text, false),
                ("email_norm", Text, false),
                ("role", Text, false),
                ("code_hash", Text, false),
                ("mailed", Int, false),
                ("invited_by", Text, true),
                ("created_at", Int, false),
                ("expires_at", Int, false),
            ],
            "id",
        ),
        (
            "teams",
            &[
                ("id", Text, false),
                ("org_id", Text, false),
                ("name", Text, false),
                ("name_norm", Text, false),
                ("created_at", Int, false),
                ("created_by", Text, true),
            ],
            "id",
        ),
        (
            "team_members",
            &[
                ("team_id", Text, false),
                ("user_id", Text, false),
                ("created_at", Int, false),
                ("added_by", Text, true),
            ],
            "team_id, user_id",
        ),
        (
            "invitations",
            &[
                ("id", Text, false),
                ("project_id", Text, false),
                ("email", Text, false),
                ("email_norm", Text, false),
                ("role_id", Text, false),
                ("code_hash", Text, false),
                ("invited_by", Text, true),
                ("created_at", Int, false),
                ("expires_at", Int, false),
            ],
            "id",
        ),
        (
            "audit_events",
            &[
                ("id", Text, false),
                ("created_at", Int, false),
                ("action", Text, false),
                ("actor", Text, true),
                ("project_id", Text, true),
                ("project_name", Text, true),
                ("org_id", Text, true),
                ("target", Text, true),
                ("details", Text, false),
                ("request_id", Text, true),
                ("client_request_id", Text, true),
            ],
            "id",
        ),
        (
            "idempotency_keys",
            &[
                ("user_id", Text, false),
                ("idem_key", Text, false),
                ("path", Text, false),
                ("status", Int, false),
                ("headers", Text, false),
                ("body", Text, false),
                ("created_at", Int, false),
                ("request_hash", Text, true),
            ],
            "user_id, idem_key, path",
        ),
    ]
};

/// Tables `export` leaves out on purpose: login codes live 10 minutes; an
/// export moves the installation, not logins in flight; outbox rows hold
/// invitation and login codes in their bodies (mail not yet sent stays with
/// the old installation: let its outbox drain before moving).
pub const NOT_EXPORTED: &[&str] = &["login_codes", "outbox"];

/// The names of every exported table, parents first.
pub fn table_names() -> Vec<&'static str> {
    TABLES.iter().map(|(t, _, _)| *t).collect()
}

/// One export document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Export {
    pub format: String,
    pub format_version: u32,
    /// The newest applied migration of the source database.
    pub schema_version: i64,
    /// `sqlite` or `postgres`.
    pub source: String,
    /// Unix ms.
    pub exported_at: i64,
    /// Table name → rows (column → value), each table ordered by its key.
    pub tables: BTreeMap<String, Vec<serde_json::Map<String, Value>>>,
}

/// Export and import failures.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot write the export: {0}")]
    Io(String),
    #[error("not an accessd export: {0}")]
    Format(String),
    #[error(
        "the export has schema version {export}, this database {target}; \
         run the same accessd version (`accessd migrate`) on both sides"
    )]
    SchemaMismatch { export: i64, target: i64 },
    #[error("the target database is not empty ({0}); import only into a new, migrated database")]
    NotEmpty(String),
}

/// The newest applied migration version (0 when none).
pub async fn schema_version(db: &Db) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_one(&db.pool)
        .await?;
    row.try_get::<i64, _>("v")
}

/// Reads every table in one transaction (see [`export_to`]) into memory.
pub async fn export(db: &Db, now_ms: i64) -> Result<Export, TransferError> {
    let mut buf = Vec::new();
    export_to(db, now_ms, &mut buf).await?;
    serde_json::from_slice(&buf).map_err(|e| TransferError::Format(e.to_string()))
}

/// Writes the export document to `out` row by row, reading every table in one
/// transaction (a consistent snapshot on PostgreSQL; SQLite's WAL reader sees
/// one snapshot too). Returns the number of rows written.
pub async fn export_to(db: &Db, now_ms: i64, out: &mut impl Write) -> Result<usize, TransferError> {
    let schema_version = schema_version(db).await?;
    let mut tx = db.pool.begin().await?;
    if db.kind == crate::db::DbKind::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let io = |e: std::io::Error| TransferError::Io(e.to_string());
    let header = serde_json::json!({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": schema_version,
        "source": db.kind.as_str(),
        "exported_at": now_ms,
    });
    let header = serde_json::to_string(&header).map_err(|e| TransferError::Io(e.to_string()))?;
    // `{"format": …, "exported_at": …` then `, "tables": {…}}`.
    out.write_all(&header.as_bytes()[..header.len() - 1])
        .map_err(io)?;
    out.write_all(br#","tables":{"#).map_err(io)?;
    let mut total = 0;
    for (t, (table, cols, key)) in TABLES.iter().enumerate() {
        if t > 0 {
            out.write_all(b",").map_err(io)?;
        }
        write!(out, "\"{table}\":[").map_err(io)?;
        let names: Vec<&str> = cols.iter().map(|(c, _, _)| *c).collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY {key}", names.join(", "));
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
        let mut n = 0;
        while let Some(row) = rows.try_next().await? {
            let mut obj = serde_json::Map::new();
            for (col, ty, _) in cols.iter() {
                let v = match ty {
                    Ty::Text => row
                        .try_get::<Option<String>, _>(*col)?
                        .map_or(Value::Null, Value::String),
                    Ty::Int => row
                        .try_get::<Option<i64>, _>(*col)?
                        .map_or(Value::Null, |n| Value::Number(n.into())),
                };
                obj.insert((*col).to_owned(), v);
            }
            if n > 0 {
                out.write_all(b",").map_err(io)?;
            }
            serde_json::to_writer(&mut *out, &obj).map_err(|e| TransferError::Io(e.to_string()))?;
            n += 1;
        }
        drop(rows);
        total += n;
        out.write_all(b"]").map_err(io)?;
    }
    out.write_all(b"}}").map_err(io)?;
    tx.commit().await?;
    Ok(total)
}

/// What an import wrote: rows per table.
pub type ImportCounts = Vec<(&'static str, usize)>;

/// Rows per multi-row INSERT.
const CHUNK: usize = 200;

/// Writes `doc` into an empty, migrated database in one transaction: on any
/// error nothing is written. Refuses a database that holds any row (beyond the
/// migration's `server_state` row in its initial state).
pub async fn import(db: &Db, doc: &Export) -> Result<ImportCounts, TransferError> {
    let target = schema_version(db).await?;
    check_header(
        Some(&doc.format),
        Some(u64::from(doc.format_version)),
        Some(doc.schema_version),
        target,
    )?;
    for name in doc.tables.keys() {
        table_index(name)?;
    }
    let mut tx = begin_import(db).await?;
    let mut counts = Vec::new();
    for (t, (table, _, _)) in TABLES.iter().enumerate() {
        let rows = doc.tables.get(*table).map(Vec::as_slice).unwrap_or(&[]);
        for (c, chunk) in rows.chunks(CHUNK).enumerate() {
            insert_rows(&mut tx, t, chunk, c * CHUNK).await?;
        }
        counts.push((*table, rows.len()));
    }
    tx.commit().await?;
    analyze(db).await;
    Ok(counts)
}

/// [`import`] from a reader, parsing and inserting row by row (the document is
/// never held in memory). Tables in the export's order (parents first) go
/// straight in; a table that comes before one of its parents waits in a
/// temporary file until the end.
pub async fn import_reader(
    db: &Db,
    input: impl std::io::Read + Send + 'static,
) -> Result<ImportCounts, TransferError> {
    let target = schema_version(db).await?;
    let mut tx = begin_import(db).await?;
    let (send, mut recv) = tokio::sync::mpsc::channel::<Parsed>(4);
    let parser = tokio::task::spawn_blocking(move || parse(input, &send));
    let mut counts: Vec<(&'static str, usize)> = TABLES.iter().map(|(t, _, _)| (*t, 0)).collect();
    let (mut format, mut format_version, mut schema) = (None, None, None);
    // A table is inserted as it streams when every table before it (parents
    // first) is complete; otherwise (a document whose tables were reordered,
    // e.g. by a tool that sorts keys) its rows wait in a temporary file.
    let mut done = vec![false; TABLES.len()];
    let mut spooled: Vec<Option<std::io::BufWriter<std::fs::File>>> = TABLES.iter().map(|_| None).collect();
    let io = |e: std::io::Error| TransferError::Io(e.to_string());
    while let Some(msg) = recv.recv().await {
        match msg {
            Parsed::Field(k, v) => match k.as_str() {
                "format" => format = v.as_str().map(str::to_owned),
                "format_version" => format_version = v.as_u64(),
                "schema_version" => schema = v.as_i64(),
                _ => {}
            },
            Parsed::Rows(name, rows, last) => {
                let t = table_index(&name)?;
                if done[t] {
                    return Err(TransferError::Format(format!("table '{name}' appears twice")));
                }
                if spooled[t].is_none() && done[..t].iter().all(|d| *d) {
                    check_header(format.as_deref(), format_version, schema, target)?;
                    insert_rows(&mut tx, t, &rows, counts[t].1).await?;
                } else {
                    if spooled[t].is_none() {
                        spooled[t] = Some(std::io::BufWriter::new(tempfile::tempfile().map_err(io)?));
                    }
                    let w = spooled[t].as_mut().expect("just set");
                    for row in &rows {
                        serde_json::to_writer(&mut *w, row).map_err(|e| TransferError::Io(e.to_string()))?;
                        w.write_all(b"\n").map_err(io)?;
                    }
                }
                counts[t].1 += rows.len();
                done[t] = last;
            }
        }
    }
    parser
        .await
        .map_err(|e| TransferError::Format(e.to_string()))?
        .map_err(TransferError::Format)?;
    check_header(format.as_deref(), format_version, schema, target)?;
    for (t, spool) in spooled.into_iter().enumerate() {
        let Some(w) = spool else { continue };
        let mut file = w.into_inner().map_err(|e| io(e.into_error()))?;
        std::io::Seek::rewind(&mut file).map_err(io)?;
        let mut rows = Vec::with_capacity(CHUNK);
        let mut first = 0;
        for line in std::io::BufRead::lines(std::io::BufReader::new(file)) {
            let line = line.map_err(io)?;
            rows.push(serde_json::from_str(&line).map_err(|e| TransferError::Io(e.to_string()))?);
            if rows.len() == CHUNK {
                insert_rows(&mut tx, t, &rows, first).await?;
                first += rows.len();
                rows.clear();
            }
        }
        insert_rows(&mut tx, t, &rows, first).await?;
    }
    tx.commit().await?;
    analyze(db).await;
    Ok(counts)
}

/// A bulk load changes the data's shape: refresh the planner's statistics.
async fn analyze(db: &Db) {
    if let Err(e) = db.optimize().await {
        tracing::warn!(error = %e, "could not refresh the planner's statistics");
    }
}

/// What the parser hands to the writer: a top-level field, or up to [`CHUNK`]
/// rows of a table.
enum Parsed {
    Field(String, Value),
    /// Table, rows, whether these are the table's last rows.
    Rows(String, Vec<serde_json::Map<String, Value>>, bool),
}

type Sender = tokio::sync::mpsc::Sender<Parsed>;

/// Runs on a blocking thread: the document's top-level object, streamed.
fn parse(input: impl std::io::Read, send: &Sender) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(input));
    serde::Deserializer::deserialize_map(&mut de, DocVisitor(send)).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())
}

fn stopped<E: serde::de::Error>() -> E {
    E::custom("the import stopped")
}

struct DocVisitor<'a>(&'a Sender);

impl<'de> serde::de::Visitor<'de> for DocVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an accessd export document (a JSON object)")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "tables" {
                map.next_value_seed(TablesSeed(self.0))?;
            } else {
                let v: Value = map.next_value()?;
                self.0
                    .blocking_send(Parsed::Field(key, v))
                    .map_err(|_| stopped())?;
            }
        }
        Ok(())
    }
}

struct TablesSeed<'a>(&'a Sender);

impl<'de> serde::de::DeserializeSeed<'de> for TablesSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for TablesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of tables")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            map.next_value_seed(RowsSeed(self.0, name))?;
        }
        Ok(())
    }
}

struct RowsSeed<'a>(&'a Sender, String);

impl<'de> serde::de::DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RowsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut buf = Vec::with_capacity(CHUNK);
        while let Some(row) = seq.next_element::<serde_json::Map<String, Value>>()? {
            buf.push(row);
            if buf.len() == CHUNK {
                let rows = std::mem::replace(&mut buf, Vec::with_capacity(CHUNK));
                self.0
                    .blocking_send(Parsed::Rows(self.1.clone(), rows, false))
                    .map_err(|_| stopped())?;
            }
        }
        self.0
            .blocking_send(Parsed::Rows(self.1, buf, true))
            .map_err(|_| stopped())
    }
}

fn check_header(
    format: Option<&str>,
    format_version: Option<u64>,
    schema: Option<i64>,
    target: i64,
) -> Result<(), TransferError> {
    match format {
        Some(FORMAT) => {}
        Some(f) => return Err(TransferError::Format(format!("format is '{f}'"))),
        None => return Err(TransferError::Format("no 'format' before the tables".into())),
    }
    match format_version {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(TransferError::Format(format!(
                "format version {v} (this accessd reads {FORMAT_VERSION})"
            )));
        }
        None => {
            return Err(TransferError::Format(
                "no 'format_version' before the tables".into(),
            ));
        }
    }
    match schema {
        Some(v) if v == target => Ok(()),
        Some(export) => Err(TransferError::SchemaMismatch { export, target }),
        None => Err(TransferError::Format(
            "no 'schema_version' before the tables".into(),
        )),
    }
}

fn table_index(name: &str) -> Result<usize, TransferError> {
    TABLES
        .iter()
        .position(|(t, _, _)| *t == name)
        .ok_or_else(|| TransferError::Format(format!("unknown table '{name}'")))
}

/// Opens the import's transaction and checks the target is empty.
async fn begin_import(db: &Db) -> Result<sqlx::Transaction<'static, Any>, TransferError> {
    let mut tx = db.begin().await?;
    // The first statement writes: it takes SQLite's write lock and serializes
    // two imports into one PostgreSQL database on the row lock.
    let state =
        sqlx::query("UPDATE server_state SET writes = writes WHERE id = 1 RETURNING bootstrapped, writes")
            .fetch_optional(&mut *tx)
            .await?;
    match state {
        Some(r) if r.try_get::<i64, _>("bootstrapped")? == 0 && r.try_get::<i64, _>("writes")? == 0 => {}
        Some(_) => return Err(TransferError::NotEmpty("it is bootstrapped".into())),
        None => return Err(TransferError::Format("target has no server_state row".into())),
    }
    for (table, _, _) in TABLES.iter().skip(1) {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if n > 0 {
            return Err(TransferError::NotEmpty(format!("{table} has {n} rows")));
        }
    }
    Ok(tx)
}

/// Checks and inserts up to [`CHUNK`] rows of table `t` (`first` = the index of
/// the first row in its table, for messages).
async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, Any>,
    t: usize,
    rows: &[serde_json::Map<String, Value>],
    first: usize,
) -> Result<(), TransferError> {
    let (table, cols, _) = TABLES[t];
    // Check every value of the chunk before writing any (the transaction
    // makes the whole import all or nothing).
    for (i, row) in rows.iter().enumerate() {
        let i = first + i;
        for name in row.keys() {
            if !cols.iter().any(|(c, _, _)| c == name) {
                return Err(TransferError::Format(format!(
                    "{table}[{i}]: unknown column '{name}'"
                )));
            }
        }
        for (col, ty, nullable) in cols.iter() {
            let ok = match row.get(*col).unwrap_or(&Value::Null) {
                Value::Null => *nullable,
                Value::String(_) => *ty == Ty::Text,
                Value::Number(n) => *ty == Ty::Int && n.is_i64(),
                _ => false,
            };
            if !ok {
                return Err(TransferError::Format(format!(
                    "{table}[{i}].{col}: expected {}{}",
                    if *ty == Ty::Text { "a string" } else { "an integer" },
                    if *nullable { " or null" } else { "" }
                )));
            }
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    if table == "server_state" {
        // The migration created the one row: carry the counters over.
        for row in rows {
            sqlx::query("UPDATE server_state SET bootstrapped = $1, writes = $2 WHERE id = $3")
                .bind(row["bootstrapped"].as_i64())
                .bind(row["writes"].as_i64())
                .bind(row["id"].as_i64())
                .execute(&mut **tx)
                .await?;
        }
        return Ok(());
    }
    let names: Vec<&str> = cols.iter().map(|(c, _, _)| *c).collect();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
    let mut p = 0;
    for r in 0..rows.len() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            p += 1;
            sql.push_str(&format!("${p}"));
        }
        sql.push(')');
    }
    let mut q = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for (col, ty, _) in cols.iter() {
            let v = row.get(*col).unwrap_or(&Value::Null);
            q = match ty {
                Ty::Text => q.bind(v.as_str().map(str::to_owned)),
                Ty::Int => q.bind(v.as_i64()),
            };
        }
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
