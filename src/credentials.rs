//! Where tokens live: `ACCESSCTL_TOKEN` > the OS keyring (service `accessctl`, account =
//! context) > `credentials.toml` (0600) beside config.toml when no keyring answers.
//! Keyring calls run on a helper thread and are abandoned after [`KEYRING_TIMEOUT`], so
//! a hanging keyring never hangs the CLI.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::fsutil;

/// Keyring service name.
pub const KEYRING_SERVICE: &str = "accessctl";
/// How long one keyring call may take.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

/// A token. `Debug` and `Display` print `***`; only [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a token came from or went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Env,
    Keyring,
    File(PathBuf),
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Env => f.write_str("env ACCESSCTL_TOKEN"),
            TokenSource::Keyring => f.write_str("OS keyring"),
            TokenSource::File(p) => write!(f, "{}", p.display()),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    #[serde(default)]
    tokens: BTreeMap<String, String>,
}

/// The token store of one invocation.
#[derive(Debug, Clone)]
pub struct TokenStore {
    env_token: Option<Secret>,
    file: PathBuf,
    use_keyring: bool,
}

impl TokenStore {
    /// `env_token` is `ACCESSCTL_TOKEN`; `file` is `credentials.toml`.
    pub fn new(env_token: Option<Secret>, file: PathBuf, use_keyring: bool) -> Self {
        TokenStore {
            env_token,
            file,
            use_keyring,
        }
    }

    /// Whether `ACCESSCTL_TOKEN` is set (it wins over anything stored).
    pub fn env_override(&self) -> bool {
        self.env_token.is_some()
    }

    /// The token for `context`, and where it came from.
    pub fn get(&self, context: &str) -> Result<Option<(Secret, TokenSource)>, CliError> {
        if let Some(t) = &self.env_token {
            return Ok(Some((t.clone(), TokenSource::Env)));
        }
        if let Some(Ok(Some(t))) = self.keyring(context, KeyringOp::Get) {
            return Ok(Some((Secret::new(t), TokenSource::Keyring)));
        }
        let file = self.read_file()?;
        Ok(file
            .tokens
            .get(context)
            .map(|t| (Secret::new(t.clone()), TokenSource::File(self.file.clone()))))
    }

    /// Saves the token of `context`: in the keyring when it answers, else in the file.
    pub fn set(&self, context: &str, token: &Secret) -> Result<TokenSource, CliError> {
        if let Some(Ok(_)) = self.keyring(context, KeyringOp::Set(token.expose().to_owned())) {
            // Drop a stale copy from the file (the keyring wins anyway).
            if self.read_file()?.tokens.contains_key(context) {
                self.update_file(|f| {
                    f.tokens.remove(context);
                })?;
            }
            return Ok(TokenSource::Keyring);
        }
        self.update_file(|f| {
            f.tokens.insert(context.to_owned(), token.expose().to_owned());
        })?;
        Ok(TokenSource::File(self.file.clone()))
    }

    /// Forgets the token of `context` everywhere it is stored; whether one was there.
    pub fn delete(&self, context: &str) -> Result<bool, CliError> {
        let in_keyring = matches!(self.keyring(context, KeyringOp::Delete), Some(Ok(Some(_))));
        let in_file = self.read_file()?.tokens.contains_key(context);
        if in_file {
            self.update_file(|f| {
                f.tokens.remove(context);
            })?;
        }
        Ok(in_keyring || in_file)
    }

    /// Moves a stored token from one context name to another.
    pub fn rename(&self, old: &str, new: &str) -> Result<(), CliError> {
        let saved = self.env_token.is_none();
        if !saved {
            return Ok(());
        }
        if let Some(Ok(Some(t))) = self.keyring(old, KeyringOp::Get) {
            self.keyring(new, KeyringOp::Set(t));
            self.keyring(old, KeyringOp::Delete);
        }
        self.update_file(|f| {
            if let Some(t) = f.tokens.remove(old) {
                f.tokens.insert(new.to_owned(), t);
            }
        })
    }

    /// The path of the fallback file.
    pub fn file_path(&self) -> &std::path::Path {
        &self.file
    }

    fn read_file(&self) -> Result<CredentialsFile, CliError> {
        match fsutil::read_optional(&self.file)? {
            None => Ok(CredentialsFile::default()),
            Some(text) => toml::from_str(&text).map_err(|e| {
                let line = e.span().map(|s| fsutil::line_of(&text, s.start)).unwrap_or(1);
                CliError::other(format!(
                    "{}:{line}: cannot parse credentials: {}",
                    self.file.display(),
                    e.message()
                ))
            }),
        }
    }

    fn update_file(&self, f: impl FnOnce(&mut CredentialsFile)) -> Result<(), CliError> {
        if let Some(dir) = self.file.parent().filter(|d| !d.as_os_str().is_empty()) {
            fsutil::ensure_private_dir(dir)?;
        }
        let _lock = fsutil::lock(&self.file)?;
        let mut file = self.read_file()?;
        f(&mut file);
        let text =
            toml::to_string(&file).map_err(|e| CliError::other(format!("cannot encode credentials: {e}")))?;
        fsutil::write_atomic(&self.file, text.as_bytes())
    }

    /// Runs one keyring call with a time limit. `None`: no keyring (disabled, no store,
    /// or it did not answer in time).
    fn keyring(&self, context: &str, op: KeyringOp) -> Option<Result<Option<String>, String>> {
        if !self.use_keyring {
            return None;
        }
        let context = context.to_owned();
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(keyring_call(&context, op));
            })
            .ok()?;
        match rx.recv_timeout(KEYRING_TIMEOUT) {
            Ok(Some(r)) => Some(r),
            _ => None,
        }
    }
}

enum KeyringOp {
    Get,
    Set(String),
    Delete,
}

/// Registers this OS's keyring store once, unless one is registered already.
fn ensure_platform_store() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        if keyring_core::get_default_store().is_none()
            && let Some(store) = platform_store()
        {
            keyring_core::set_default_store(store);
        }
    });
}

#[cfg(target_os = "linux")]
fn platform_store() -> Option<std::sync::Arc<keyring_core::CredentialStore>> {
    // The Secret Service over D-Bus (GNOME Keyring, KWallet); fails without a session bus.
    let store = zbus_secret_service_keyring_store::Store::new().ok()?;
    Some(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Option<std::sync::Arc<keyring_core::CredentialStore>> {
    let store = apple_native_keyring_store::keychain::Store::new().ok()?;
    Some(store)
}

#[cfg(windows)]
fn platform_store() -> Option<std::sync::Arc<keyring_core::CredentialStore>> {
    let store = windows_native_keyring_store::Store::new().ok()?;
    Some(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn platform_store() -> Option<std::sync::Arc<keyring_core::CredentialStore>> {
    None
}

/// `None` when no keyring store is available on this machine.
fn keyring_call(context: &str, op: KeyringOp) -> Option<Result<Option<String>, String>> {
    use keyring_core::Error;
    ensure_platform_store();
    let entry = match keyring_core::Entry::new(KEYRING_SERVICE, context) {
        Ok(e) => e,
        Err(_) => return None,
    };
    let result = match op {
        KeyringOp::Get => entry.get_password().map(Some),
        KeyringOp::Set(token) => entry.set_password(&token).map(|()| Some(String::new())),
        KeyringOp::Delete => entry.delete_credential().map(|()| Some(String::new())),
    };
    match result {
        Ok(v) => Some(Ok(v)),
        Err(Error::NoEntry) => Some(Ok(None)),
        Err(Error::NoStorageAccess(_) | Error::PlatformFailure(_)) => None,
        Err(e) => Some(Err(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("acc_canary");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        assert_eq!(s.expose(), "acc_canary");
    }

    #[test]
    fn env_wins_then_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials.toml");
        let store = TokenStore::new(None, file.clone(), false);
        assert!(store.get("a").unwrap().is_none());
        assert_eq!(
            store.set("a", &Secret::new("acc_1")).unwrap(),
            TokenSource::File(file.clone())
        );
        let (t, src) = store.get("a").unwrap().unwrap();
        assert_eq!((t.expose(), src), ("acc_1", TokenSource::File(file.clone())));
        let env = TokenStore::new(Some(Secret::new("acc_env")), file.clone(), false);
        assert_eq!(env.get("a").unwrap().unwrap().1, TokenSource::Env);
        store.rename("a", "b").unwrap();
        assert!(store.get("a").unwrap().is_none());
        assert!(store.delete("b").unwrap());
        assert!(!store.delete("b").unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    /// A keyring store for tests: in memory, or hanging forever on every call.
    mod fake_keyring {
        use std::any::Any;
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex};

        use keyring_core::api::{CredentialApi, CredentialStoreApi};
        use keyring_core::{Credential, Entry, Error, Result};

        type Secrets = Arc<Mutex<HashMap<String, Vec<u8>>>>;

        #[derive(Debug, Default)]
        pub struct Store {
            pub hang: bool,
            pub secrets: Secrets,
        }

        #[derive(Debug)]
        struct Cred {
            hang: bool,
            key: String,
            secrets: Secrets,
        }

        impl Cred {
            fn wait(&self) {
                if self.hang {
                    loop {
                        std::thread::park();
                    }
                }
            }
        }

        impl CredentialApi for Cred {
            fn set_secret(&self, secret: &[u8]) -> Result<()> {
                self.wait();
                self.secrets
                    .lock()
                    .unwrap()
                    .insert(self.key.clone(), secret.to_vec());
                Ok(())
            }
            fn get_secret(&self) -> Result<Vec<u8>> {
                self.wait();
                self.secrets
                    .lock()
                    .unwrap()
                    .get(&self.key)
                    .cloned()
                    .ok_or(Error::NoEntry)
            }
            fn delete_credential(&self) -> Result<()> {
                self.wait();
                self.secrets
                    .lock()
                    .unwrap()
                    .remove(&self.key)
                    .map(|_| ())
                    .ok_or(Error::NoEntry)
            }
            fn get_credential(&self) -> Result<Option<Arc<Credential>>> {
                Ok(None)
            }
            fn get_specifiers(&self) -> Option<(String, String)> {
                None
            }
            fn as_any(&self) -> &dyn Any {
                self
            }
        }

        impl CredentialStoreApi for Store {
            fn vendor(&self) -> String {
                "test".into()
            }
            fn id(&self) -> String {
                "test".into()
            }
            fn build(&self, service: &str, user: &str, _: Option<&HashMap<&str, &str>>) -> Result<Entry> {
                let cred = Cred {
                    hang: self.hang,
                    key: format!("{service}/{user}"),
                    secrets: self.secrets.clone(),
                };
                Ok(Entry::new_with_credential(Arc::new(cred)))
            }
            fn as_any(&self) -> &dyn Any {
                self
            }
        }
    }

    /// A working keyring is preferred to the file; a hanging one is abandoned after
    /// the timeout and the file is used. (One test: the default store is global.)
    #[test]
    fn keyring_is_used_when_it_answers_and_abandoned_when_it_hangs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials.toml");
        let store = TokenStore::new(None, file.clone(), true);

        let memory = Arc::new(fake_keyring::Store::default());
        keyring_core::set_default_store(memory.clone());
        assert_eq!(
            store.set("ctx", &Secret::new("acc_kr")).unwrap(),
            TokenSource::Keyring
        );
        assert!(!file.exists(), "nothing written to the file");
        let (t, src) = store.get("ctx").unwrap().unwrap();
        assert_eq!((t.expose(), src), ("acc_kr", TokenSource::Keyring));
        assert!(memory.secrets.lock().unwrap().contains_key("accessctl/ctx"));
        store.rename("ctx", "ctx2").unwrap();
        assert_eq!(store.get("ctx2").unwrap().unwrap().1, TokenSource::Keyring);
        assert!(store.delete("ctx2").unwrap());
        assert!(store.get("ctx2").unwrap().is_none());

        keyring_core::set_default_store(Arc::new(fake_keyring::Store {
            hang: true,
            ..Default::default()
        }));
        let start = std::time::Instant::now();
        assert_eq!(
            store.set("ctx", &Secret::new("acc_file")).unwrap(),
            TokenSource::File(file.clone())
        );
        let (t, src) = store.get("ctx").unwrap().unwrap();
        assert_eq!((t.expose(), src), ("acc_file", TokenSource::File(file)));
        assert!(
            start.elapsed() < 2 * KEYRING_TIMEOUT + Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        keyring_core::unset_default_store();
    }
}
