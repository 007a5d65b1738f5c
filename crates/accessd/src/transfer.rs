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
//! null. The document is built in memory (installations are small: users,
//! bindings and audit events of one team).

use std::collections::BTreeMap;

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
            ],
            "id",
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
                ("target", Text, true),
                ("details", Text, false),
                ("request_id", Text, true),
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
            ],
            "user_id, idem_key, path",
        ),
    ]
};

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

/// Reads every table in one transaction (a consistent snapshot on PostgreSQL;
/// SQLite's WAL reader sees one snapshot too).
pub async fn export(db: &Db, now_ms: i64) -> Result<Export, TransferError> {
    let schema_version = schema_version(db).await?;
    let mut tx = db.pool.begin().await?;
    if db.kind == crate::db::DbKind::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let mut tables = BTreeMap::new();
    for (table, cols, key) in TABLES {
        let names: Vec<&str> = cols.iter().map(|(c, _, _)| *c).collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY {key}", names.join(", "));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
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
            out.push(obj);
        }
        tables.insert((*table).to_owned(), out);
    }
    tx.commit().await?;
    Ok(Export {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version,
        source: db.kind.as_str().into(),
        exported_at: now_ms,
        tables,
    })
}

/// What an import wrote: rows per table.
pub type ImportCounts = Vec<(&'static str, usize)>;

/// Rows per multi-row INSERT.
const CHUNK: usize = 200;

/// Writes `doc` into an empty, migrated database in one transaction: on any
/// error nothing is written. Refuses a database that holds any row (beyond the
/// migration's `server_state` row in its initial state).
pub async fn import(db: &Db, doc: &Export) -> Result<ImportCounts, TransferError> {
    if doc.format != FORMAT {
        return Err(TransferError::Format(format!("format is '{}'", doc.format)));
    }
    if doc.format_version != FORMAT_VERSION {
        return Err(TransferError::Format(format!(
            "format version {} (this accessd reads {FORMAT_VERSION})",
            doc.format_version
        )));
    }
    let target = schema_version(db).await?;
    if target != doc.schema_version {
        return Err(TransferError::SchemaMismatch {
            export: doc.schema_version,
            target,
        });
    }
    for name in doc.tables.keys() {
        if !TABLES.iter().any(|(t, _, _)| t == name) {
            return Err(TransferError::Format(format!("unknown table '{name}'")));
        }
    }
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
    let mut counts = Vec::new();
    for (table, cols, _) in TABLES {
        let rows = doc.tables.get(*table).map(Vec::as_slice).unwrap_or(&[]);
        // Check every value before writing any.
        for (i, row) in rows.iter().enumerate() {
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
        if *table == "server_state" {
            // The migration created the one row: carry the counters over.
            for row in rows {
                sqlx::query("UPDATE server_state SET bootstrapped = $1, writes = $2 WHERE id = $3")
                    .bind(row["bootstrapped"].as_i64())
                    .bind(row["writes"].as_i64())
                    .bind(row["id"].as_i64())
                    .execute(&mut *tx)
                    .await?;
            }
            counts.push((*table, rows.len()));
            continue;
        }
        let names: Vec<&str> = cols.iter().map(|(c, _, _)| *c).collect();
        for chunk in rows.chunks(CHUNK) {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
            let mut p = 0;
            for (r, _) in chunk.iter().enumerate() {
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
            for row in chunk {
                for (col, ty, _) in cols.iter() {
                    let v = row.get(*col).unwrap_or(&Value::Null);
                    q = match ty {
                        Ty::Text => q.bind(v.as_str().map(str::to_owned)),
                        Ty::Int => q.bind(v.as_i64()),
                    };
                }
            }
            q.execute(&mut *tx).await?;
        }
        counts.push((*table, rows.len()));
    }
    tx.commit().await?;
    Ok(counts)
}
