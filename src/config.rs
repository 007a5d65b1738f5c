//! `config.toml`: the current context and one table per context.
//!
//! ```toml
//! current_context = "prod"
//! [contexts.prod]
//! server = "https://access.example.com"
//! project = "shop"
//! output = "json"
//! timeout = "30s"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::fsutil;

/// The context used on a machine with no config: the embedded server.
pub const LOCAL_CONTEXT: &str = "local";

/// The keys of a context that `config get/set/unset` accept.
pub const KEYS: &[&str] = &["project", "org", "output", "timeout", "server"];

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_context: Option<String>,
    #[serde(default)]
    pub contexts: BTreeMap<String, ContextConfig>,
}

/// One `[contexts.NAME]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
}

impl ContextConfig {
    /// The value of a key of [`KEYS`].
    pub fn get(&self, key: &str) -> Option<&String> {
        match key {
            "server" => self.server.as_ref(),
            "project" => self.project.as_ref(),
            "org" => self.org.as_ref(),
            "output" => self.output.as_ref(),
            "timeout" => self.timeout.as_ref(),
            _ => None,
        }
    }

    /// Sets (or with `None` removes) a key of [`KEYS`].
    pub fn set(&mut self, key: &str, value: Option<String>) -> Result<(), CliError> {
        let slot = match key {
            "server" => &mut self.server,
            "project" => &mut self.project,
            "org" => &mut self.org,
            "output" => &mut self.output,
            "timeout" => &mut self.timeout,
            _ => return Err(unknown_key(key)),
        };
        *slot = value;
        Ok(())
    }
}

/// The error for a key that is not one of [`KEYS`].
pub fn unknown_key(key: &str) -> CliError {
    CliError::usage(format!("unknown config key '{key}'")).with_hint(format!("keys: {}", KEYS.join(", ")))
}

/// Rejects context names that could escape a directory or hide a file.
pub fn validate_context_name(name: &str) -> Result<(), CliError> {
    let bad = name.is_empty()
        || name.chars().count() > 64
        || name.contains('/')
        || name.contains('\\')
        || name.contains("..")
        || name.contains('\0')
        || name.starts_with('.')
        || name.chars().any(char::is_control);
    if bad {
        return Err(CliError::usage(format!("invalid context name {name:?}"))
            .with_hint("use 1-64 characters without '/', '\\', '..', control characters or a leading '.'"));
    }
    Ok(())
}

/// Reads and writes one config file.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    path: PathBuf,
}

impl ConfigStore {
    pub fn new(path: PathBuf) -> Self {
        ConfigStore { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's contents; the default when it does not exist; an error naming the
    /// file and line when it does not parse (never a silent reset).
    pub fn load(&self) -> Result<ConfigFile, CliError> {
        match fsutil::read_optional(&self.path)? {
            None => Ok(ConfigFile::default()),
            Some(text) => parse(&self.path, &text),
        }
    }

    /// Re-reads the file under the lock, applies `f` and writes the result atomically.
    pub fn update<T>(&self, f: impl FnOnce(&mut ConfigFile) -> Result<T, CliError>) -> Result<T, CliError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fsutil::ensure_private_dir(dir)?;
        }
        let _lock = fsutil::lock(&self.path)?;
        let mut config = self.load()?;
        let out = f(&mut config)?;
        let text =
            toml::to_string(&config).map_err(|e| CliError::other(format!("cannot encode config: {e}")))?;
        fsutil::write_atomic(&self.path, text.as_bytes())?;
        Ok(out)
    }
}

fn parse(path: &Path, text: &str) -> Result<ConfigFile, CliError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| fsutil::line_of(text, s.start)).unwrap_or(1);
        CliError::other(format!(
            "{}:{line}: cannot parse config: {}",
            path.display(),
            e.message()
        ))
        .with_hint("fix or remove that line; the file was left as it is")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_names() {
        for ok in ["local", "prod", "my-ctx_1", "a.b", &"x".repeat(64)] {
            assert!(validate_context_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a/b",
            "a\\b",
            "..",
            "a..b",
            ".hidden",
            "a\0b",
            &"x".repeat(65),
        ] {
            assert!(validate_context_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn save_is_atomic_private_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let store = ConfigStore::new(path.clone());
        store
            .update(|c| {
                c.current_context = Some("prod".into());
                c.contexts
                    .entry("prod".into())
                    .or_default()
                    .set("project", Some("shop".into()))
            })
            .unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.current_context.as_deref(), Some("prod"));
        assert_eq!(loaded.contexts["prod"].project.as_deref(), Some("shop"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn corrupt_file_names_file_and_line_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = "current_context = \"a\"\n[contexts.a]\nproject = \n";
        std::fs::write(&path, text).unwrap();
        let store = ConfigStore::new(path.clone());
        let err = store.load().unwrap_err();
        assert!(err.message.contains("config.toml:3:"), "{}", err.message);
        assert!(store.update(|_| Ok(())).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn concurrent_updates_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = ConfigStore::new(path.clone());
                std::thread::spawn(move || {
                    for i in 0..10 {
                        store
                            .update(|c| {
                                c.contexts.entry(format!("c{t}-{i}")).or_default();
                                Ok(())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(ConfigStore::new(path).load().unwrap().contexts.len(), 80);
    }
}
