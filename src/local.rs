//! The `local` context: the real accessd service inside this process, on SQLite at
//! `<data dir>/accessctl/local.db`. The first use bootstraps the OS user as its
//! administrator and creates the project `default`; a lock file serializes that
//! setup, so two first commands started together are safe.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use access_api::{CreateProject, CreateUser, ProblemCode, validate};

use crate::api::local::InProcessTransport;
use crate::api::{ApiClient, ApiError, Tracer, Transport};
use crate::config::{ConfigStore, LOCAL_CONTEXT};
use crate::error::CliError;
use crate::fsutil;

/// The project the local context starts with.
pub const DEFAULT_PROJECT: &str = "default";
/// Username when `$USER` is unset or not a valid username.
pub const FALLBACK_USER: &str = "local";

/// Domain of the local user's email (docs/cli.md, "Contexts, config and the local context": `$USER@localhost`).
pub const LOCAL_EMAIL_DOMAIN: &str = "localhost";

/// The local user's email.
pub fn local_email(user: &str) -> String {
    format!("{user}@{LOCAL_EMAIL_DOMAIN}")
}

/// The username the local context acts as: `$USER` when it is a valid username.
pub fn identity(os_user: Option<&str>) -> String {
    match os_user.map(validate::normalize) {
        Some(u) if validate::name("username", &u).is_ok() => u,
        _ => FALLBACK_USER.to_owned(),
    }
}

/// The local context's database in `data_dir`.
pub fn database_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("local.db")
}

/// Opens the embedded server (setting it up on first use) and returns its transport
/// and the local context's project.
pub async fn open(
    data_dir: &Path,
    user: &str,
    timeout: Duration,
    config: &ConfigStore,
    tracer: &Option<Tracer>,
) -> Result<(Arc<dyn Transport>, Option<String>), CliError> {
    fsutil::ensure_private_dir(data_dir)?;
    let db = database_path(data_dir);
    let lock = fsutil::lock(&db)?;
    private_database(&db)?;
    let app = accessd::App::open(accessd::Config {
        database_url: sqlite_url(&db),
        ..accessd::Config::default()
    })
    .await
    .map_err(|e| CliError::other(format!("cannot open the local database {}: {e}", db.display())))?;
    let transport: Arc<dyn Transport> =
        Arc::new(InProcessTransport::new(app.router(), user.to_owned(), timeout));
    let client = ApiClient::new(transport.clone(), tracer.clone());

    // An existing database answers `me` at once: one in-process request before the
    // command's own. Only when that fails is the bootstrap state looked at.
    if let Err(first) = client.me().await {
        let meta = client.meta().await?;
        if meta.bootstrapped {
            return Err(not_ours(first, &db, user));
        }
        let req = CreateUser {
            username: user.to_owned(),
            email: local_email(user),
            name: None,
        };
        if let Err(e) = app.bootstrap(req).await {
            // Another process may have won the race; only fail if still not bootstrapped.
            if !client.meta().await?.bootstrapped {
                return Err(CliError::other(format!("cannot set up the local context: {e}")));
            }
        }
        if let Err(e) = client.me().await {
            return Err(not_ours(e, &db, user));
        }
    }

    let saved = config
        .load()?
        .contexts
        .get(LOCAL_CONTEXT)
        .and_then(|c| c.project.clone());
    let project = match saved {
        Some(p) => p,
        None => {
            ensure_default_project(&client).await?;
            config.update(|c| {
                let table = c.contexts.entry(LOCAL_CONTEXT.to_owned()).or_default();
                if table.project.is_none() {
                    table.project = Some(DEFAULT_PROJECT.to_owned());
                }
                Ok(())
            })?;
            DEFAULT_PROJECT.to_owned()
        }
    };
    drop(lock);
    Ok((transport, Some(project)))
}

/// The error of `me` on a bootstrapped database: another OS user's (exit 4), or
/// whatever else went wrong.
fn not_ours(e: ApiError, db: &Path, user: &str) -> CliError {
    let err = CliError::from(e);
    if err.kind == crate::error::ErrorKind::Auth {
        return CliError::auth(format!(
            "the local database {} belongs to another user; you are '{user}'",
            db.display()
        ))
        .with_hint("run accessctl as that user, or move the file away to start over");
    }
    err
}

/// The database, its `-wal` and `-shm` are 0600. SQLite creates `-wal`/`-shm` with
/// the database file's mode, so the database is created empty and 0600 before
/// SQLite opens it (an empty file is an empty database); files made 0644 by an older
/// version are tightened. The caller holds the lock.
fn private_database(db: &Path) -> Result<(), CliError> {
    if !db.exists() {
        fsutil::create_private(db, b"")?;
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        fsutil::restrict(Path::new(&name))?;
    }
    Ok(())
}

/// `sqlite://PATH` with the characters a URL would misread (`%`, `?`, `#`) escaped.
fn sqlite_url(path: &Path) -> String {
    let mut url = String::from("sqlite://");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => url.push_str("%25"),
            '?' => url.push_str("%3F"),
            '#' => url.push_str("%23"),
            c => url.push(c),
        }
    }
    url
}

async fn ensure_default_project(client: &ApiClient) -> Result<(), CliError> {
    let req = CreateProject {
        name: DEFAULT_PROJECT.to_owned(),
        description: Some("Created by accessctl for the local context".to_owned()),
        role_preset: None,
        org: None,
    };
    match client.create_project(&req).await {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(ProblemCode::NameTaken) => Ok(()),
        Err(ApiError::Problem { status: 409, .. }) => Ok(()),
        Err(e) => Err(CliError::from(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_falls_back() {
        assert_eq!(identity(Some("Alice")), "alice");
        assert_eq!(identity(Some("bad user")), "local");
        assert_eq!(identity(Some("")), "local");
        assert_eq!(identity(None), "local");
        assert!(validate::email(&local_email("alice")).is_ok());
    }
}
