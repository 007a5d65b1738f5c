//! Where tokens live: `ACCESSCTL_TOKEN` > the OS keyring (service `accessctl`, account =
//! context) > `credentials.toml` (0600) beside config.toml, only when this machine has
//! no keyring service at all. A stored token carries the origin of the server it was
//! saved for, and [`TokenStore::get`] hands it out only for that origin.
//!
//! Keyring calls run on a helper thread and are abandoned after [`KEYRING_TIMEOUT`], so
//! a hanging keyring never hangs the CLI. A keyring that is there but locked, refuses
//! access, fails or does not answer is an error, never a reason to write the token in
//! plaintext.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::{fsutil, origin};

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

/// A token as stored for a context, with the origin of the server it was saved for
/// (`None`: saved by a version that did not record it).
#[derive(Debug, Clone)]
pub struct Stored {
    pub token: Secret,
    pub origin: Option<String>,
    pub source: TokenSource,
}

impl Stored {
    /// The origin this token belongs to: the recorded one, else (a token saved before
    /// origins were recorded) the context's configured server in config.toml — never
    /// a `--server` or `ACCESSCTL_SERVER` of this run.
    pub fn bound_origin(&self, configured_server: Option<&str>) -> Option<String> {
        match &self.origin {
            Some(o) => origin::origin(o),
            None => configured_server.and_then(origin::origin),
        }
    }

    /// Whether this token may be sent to `server`.
    pub fn may_go_to(&self, server: &str, configured_server: Option<&str>) -> bool {
        matches!(
            (self.bound_origin(configured_server), origin::origin(server)),
            (Some(a), Some(b)) if a == b
        )
    }
}

/// One token in the keyring's secret or in credentials.toml.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Bound {
    token: String,
    origin: String,
}

/// A credentials.toml entry: `ctx = { token = "…", origin = "…" }`, or the bare
/// `ctx = "…"` of older versions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum FileEntry {
    Bound(Bound),
    Legacy(String),
}

impl FileEntry {
    fn into_parts(self) -> (String, Option<String>) {
        match self {
            FileEntry::Bound(b) => (b.token, Some(b.origin)),
            FileEntry::Legacy(t) => (t, None),
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    #[serde(default)]
    tokens: BTreeMap<String, FileEntry>,
}

/// The keyring's secret: JSON `{"token","origin"}`; a bare token from older versions.
fn encode_secret(token: &Secret, origin: &str) -> String {
    let bound = Bound {
        token: token.expose().to_owned(),
        origin: origin.to_owned(),
    };
    serde_json::to_string(&bound).unwrap_or_default()
}

fn decode_secret(secret: String) -> (String, Option<String>) {
    if secret.trim_start().starts_with('{')
        && let Ok(b) = serde_json::from_str::<Bound>(&secret)
    {
        return (b.token, Some(b.origin));
    }
    (secret, None)
}

/// What one keyring call came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Keyring<T> {
    /// No keyring service on this machine (or the keyring is disabled): use the file.
    Absent,
    /// The call succeeded (`None`: no entry).
    Done(T),
    /// The keyring is there but locked or refuses access, or did not answer in time
    /// (it may be waiting on an unlock prompt).
    Locked(String),
    /// The keyring is there and failed.
    Failed(String),
}

/// Sorts a keyring-core result into [`Keyring`]: only `NoDefaultStore` (no store could
/// be set up: no Secret Service, no D-Bus session) means "no keyring".
pub fn classify<T>(result: Result<T, keyring_core::Error>) -> Keyring<Option<T>> {
    use keyring_core::Error;
    match result {
        Ok(v) => Keyring::Done(Some(v)),
        Err(Error::NoEntry) => Keyring::Done(None),
        Err(Error::NoDefaultStore) => Keyring::Absent,
        Err(Error::NoStorageAccess(e)) => Keyring::Locked(e.to_string()),
        Err(e) => Keyring::Failed(e.to_string()),
    }
}

impl<T> Keyring<T> {
    /// `Absent` → `Ok(None)`, `Done(v)` → `Ok(Some(v))`, the rest → the error to show.
    fn usable(self) -> Result<Option<T>, CliError> {
        match self {
            Keyring::Absent => Ok(None),
            Keyring::Done(v) => Ok(Some(v)),
            Keyring::Locked(why) => Err(CliError::auth(format!("the OS keyring is locked ({why})"))
                .with_hint(
                    "unlock it (log in to the desktop session, or unlock the 'login' keyring in your keyring manager) and run the command again; or set ACCESSCTL_TOKEN",
                )),
            Keyring::Failed(why) => Err(CliError::other(format!("the OS keyring failed: {why}"))
                .with_hint("set ACCESSCTL_TOKEN to work without the keyring")),
        }
    }
}

/// The token store of one invocation.
#[derive(Debug, Clone)]
pub struct TokenStore {
    env_token: Option<Secret>,
    file: PathBuf,
    use_keyring: bool,
    /// How long a keyring call may take: [`KEYRING_TIMEOUT`] (a test's is shorter).
    keyring_timeout: Duration,
}

impl TokenStore {
    /// `env_token` is `ACCESSCTL_TOKEN`; `file` is `credentials.toml`.
    pub fn new(env_token: Option<Secret>, file: PathBuf, use_keyring: bool) -> Self {
        TokenStore {
            env_token,
            file,
            use_keyring,
            keyring_timeout: KEYRING_TIMEOUT,
        }
    }

    /// Whether `ACCESSCTL_TOKEN` is set (it wins over anything stored).
    pub fn env_override(&self) -> bool {
        self.env_token.is_some()
    }

    /// The token to send to `server` for `context`, and where it came from:
    /// `ACCESSCTL_TOKEN`, else the context's stored token when it was saved for the
    /// origin of `server`. `configured_server` is the context's server in config.toml
    /// (it binds a token saved without an origin).
    pub fn get(
        &self,
        context: &str,
        server: &str,
        configured_server: Option<&str>,
    ) -> Result<Option<(Secret, TokenSource)>, CliError> {
        if let Some(t) = &self.env_token {
            return Ok(Some((t.clone(), TokenSource::Env)));
        }
        Ok(self
            .stored(context)?
            .filter(|s| s.may_go_to(server, configured_server))
            .map(|s| (s.token, s.source)))
    }

    /// The stored token of `context`, whichever server it belongs to.
    pub fn stored(&self, context: &str) -> Result<Option<Stored>, CliError> {
        if let Some(Some(secret)) = self.keyring(context, KeyringOp::Get).usable()? {
            let (token, origin) = decode_secret(secret);
            return Ok(Some(Stored {
                token: Secret::new(token),
                origin,
                source: TokenSource::Keyring,
            }));
        }
        let file = self.read_file()?;
        Ok(file.tokens.get(context).cloned().map(|entry| {
            let (token, origin) = entry.into_parts();
            Stored {
                token: Secret::new(token),
                origin,
                source: TokenSource::File(self.file.clone()),
            }
        }))
    }

    /// Saves the token of `context` for the server `server` (its origin is stored
    /// with it): in the keyring, or in the file when there is no keyring service.
    pub fn set(&self, context: &str, token: &Secret, server: &str) -> Result<TokenSource, CliError> {
        let origin = origin::origin(server)
            .ok_or_else(|| CliError::usage(format!("invalid server URL '{server}'")))?;
        let secret = encode_secret(token, &origin);
        if self.keyring(context, KeyringOp::Set(secret)).usable()?.is_some() {
            // Drop a stale copy from the file (the keyring wins anyway).
            if self.read_file()?.tokens.contains_key(context) {
                self.update_file(|f| {
                    f.tokens.remove(context);
                })?;
            }
            return Ok(TokenSource::Keyring);
        }
        self.update_file(|f| {
            let entry = FileEntry::Bound(Bound {
                token: token.expose().to_owned(),
                origin,
            });
            f.tokens.insert(context.to_owned(), entry);
        })?;
        Ok(TokenSource::File(self.file.clone()))
    }

    /// Binds a token of `context` saved without an origin to `server` (the context's
    /// server so far), so that changing the context's server does not take the token
    /// along. Nothing to do without such a token or without a server.
    pub fn pin(&self, context: &str, server: Option<&str>) -> Result<(), CliError> {
        let Some(stored) = self.stored(context)? else {
            return Ok(());
        };
        match (&stored.origin, server) {
            (None, Some(server)) if origin::origin(server).is_some() => {
                self.set(context, &stored.token, server).map(|_| ())
            }
            _ => Ok(()),
        }
    }

    /// Forgets the token of `context` everywhere it is stored; whether one was there.
    pub fn delete(&self, context: &str) -> Result<bool, CliError> {
        let in_keyring = matches!(self.keyring(context, KeyringOp::Delete).usable()?, Some(Some(_)));
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
        if let Some(Some(t)) = self.keyring(old, KeyringOp::Get).usable()? {
            self.keyring(new, KeyringOp::Set(t)).usable()?;
            self.keyring(old, KeyringOp::Delete).usable()?;
        }
        if !self.read_file()?.tokens.contains_key(old) {
            return Ok(());
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

    /// Runs one keyring call with a time limit. A keyring that does not answer in
    /// time is taken for a locked one (it may be showing an unlock prompt).
    fn keyring(&self, context: &str, op: KeyringOp) -> Keyring<Option<String>> {
        if !self.use_keyring {
            return Keyring::Absent;
        }
        let context = context.to_owned();
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("keyring".into()).spawn(move || {
            let _ = tx.send(keyring_call(&context, op));
        });
        if let Err(e) = spawned {
            return Keyring::Failed(format!("cannot start the keyring call: {e}"));
        }
        match rx.recv_timeout(self.keyring_timeout) {
            Ok(r) => r,
            Err(mpsc::RecvTimeoutError::Timeout) => Keyring::Locked(format!(
                "no answer within {:?}; is it waiting for an unlock prompt?",
                self.keyring_timeout
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => Keyring::Failed("the keyring call crashed".into()),
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
    // The Secret Service over D-Bus (GNOME Keyring, KWallet); fails without a session
    // bus or without a Secret Service on it: then there is no keyring at all.
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

/// One keyring call on the default store (`Absent` when none could be set up).
fn keyring_call(context: &str, op: KeyringOp) -> Keyring<Option<String>> {
    ensure_platform_store();
    let entry = match keyring_core::Entry::new(KEYRING_SERVICE, context) {
        Ok(e) => e,
        Err(e) => return classify(Err(e)),
    };
    classify(match op {
        KeyringOp::Get => entry.get_password(),
        KeyringOp::Set(secret) => entry.set_password(&secret).map(|()| String::new()),
        KeyringOp::Delete => entry.delete_credential().map(|()| String::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const SERVER: &str = "http://127.0.0.1:8080";

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
        assert!(store.get("a", SERVER, None).unwrap().is_none());
        assert_eq!(
            store.set("a", &Secret::new("acc_1"), SERVER).unwrap(),
            TokenSource::File(file.clone())
        );
        let (t, src) = store.get("a", SERVER, None).unwrap().unwrap();
        assert_eq!((t.expose(), src), ("acc_1", TokenSource::File(file.clone())));
        let env = TokenStore::new(Some(Secret::new("acc_env")), file.clone(), false);
        assert_eq!(env.get("a", SERVER, None).unwrap().unwrap().1, TokenSource::Env);
        store.rename("a", "b").unwrap();
        assert!(store.get("a", SERVER, None).unwrap().is_none());
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

    /// A token goes only to the origin it was saved for; ACCESSCTL_TOKEN goes anywhere.
    #[test]
    fn a_stored_token_goes_only_to_its_origin() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials.toml");
        let store = TokenStore::new(None, file.clone(), false);
        store
            .set("a", &Secret::new("acc_1"), "HTTP://LocalHost:8080/")
            .unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("origin = \"http://localhost:8080\""), "{text}");
        for same in ["http://localhost:8080", "http://LOCALHOST:8080/v1/"] {
            assert!(store.get("a", same, None).unwrap().is_some(), "{same}");
        }
        for other in [
            "http://localhost:8081",
            "https://localhost:8080",
            "http://127.0.0.1:8080",
            "not a url",
        ] {
            // The configured server does not matter once the origin is recorded.
            assert!(store.get("a", other, Some(other)).unwrap().is_none(), "{other}");
        }
        let env = TokenStore::new(Some(Secret::new("acc_env")), file, false);
        assert_eq!(
            env.get("a", "http://elsewhere:1", None)
                .unwrap()
                .unwrap()
                .0
                .expose(),
            "acc_env"
        );
    }

    /// A token saved by an older version (no origin) belongs to the context's
    /// configured server; `pin` binds it there before that server changes.
    #[test]
    fn a_token_without_origin_belongs_to_the_configured_server() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials.toml");
        std::fs::write(&file, "[tokens]\nold = \"acc_old\"\n").unwrap();
        let store = TokenStore::new(None, file.clone(), false);
        assert!(store.get("old", SERVER, Some(SERVER)).unwrap().is_some());
        assert!(
            store
                .get("old", "http://127.0.0.1:9", Some(SERVER))
                .unwrap()
                .is_none()
        );
        assert!(
            store.get("old", SERVER, None).unwrap().is_none(),
            "no server, no token"
        );
        store.pin("old", Some(SERVER)).unwrap();
        let new = "http://127.0.0.1:9";
        assert!(
            store.get("old", new, Some(new)).unwrap().is_none(),
            "stays with its server"
        );
        assert!(store.get("old", SERVER, Some(new)).unwrap().is_some());
    }

    #[test]
    fn keyring_errors_are_sorted_by_kind() {
        use keyring_core::Error;
        let boxed = || -> keyring_core::error::PlatformError { Box::new(std::io::Error::other("x")) };
        assert_eq!(classify(Ok("t".to_owned())), Keyring::Done(Some("t".to_owned())));
        assert_eq!(classify::<String>(Err(Error::NoEntry)), Keyring::Done(None));
        assert_eq!(classify::<String>(Err(Error::NoDefaultStore)), Keyring::Absent);
        assert!(matches!(
            classify::<String>(Err(Error::NoStorageAccess(boxed()))),
            Keyring::Locked(_)
        ));
        for e in [
            Error::PlatformFailure(boxed()),
            Error::BadEncoding(vec![0xff]),
            Error::Invalid("a".into(), "b".into()),
            Error::NotSupportedByStore("x".into()),
        ] {
            assert!(matches!(classify::<String>(Err(e)), Keyring::Failed(_)));
        }
        // Only "no keyring at all" lets the file be used.
        assert!(matches!(Keyring::<()>::Absent.usable(), Ok(None)));
        let locked = Keyring::<()>::Locked("locked".into()).usable().unwrap_err();
        assert_eq!(locked.kind.exit_code(), 4);
        assert!(
            locked.hint().unwrap().starts_with("unlock it"),
            "{:?}",
            locked.hints
        );
        let failed = Keyring::<()>::Failed("boom".into()).usable().unwrap_err();
        assert_eq!(failed.kind.exit_code(), 1);
    }

    #[test]
    fn keyring_secrets_carry_the_origin_and_old_ones_are_bare() {
        let s = encode_secret(&Secret::new("acc_1"), "https://a.example");
        assert_eq!(
            decode_secret(s),
            ("acc_1".to_owned(), Some("https://a.example".to_owned()))
        );
        assert_eq!(decode_secret("acc_bare".into()), ("acc_bare".to_owned(), None));
    }

    /// A keyring store for tests: in memory, hanging forever, or failing every call.
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
            pub fail: Option<fn() -> Error>,
            pub secrets: Secrets,
        }

        #[derive(Debug)]
        struct Cred {
            hang: bool,
            fail: Option<fn() -> Error>,
            key: String,
            secrets: Secrets,
        }

        impl Cred {
            fn wait(&self) -> Result<()> {
                if self.hang {
                    loop {
                        std::thread::park();
                    }
                }
                match self.fail {
                    Some(f) => Err(f()),
                    None => Ok(()),
                }
            }
        }

        impl CredentialApi for Cred {
            fn set_secret(&self, secret: &[u8]) -> Result<()> {
                self.wait()?;
                self.secrets
                    .lock()
                    .unwrap()
                    .insert(self.key.clone(), secret.to_vec());
                Ok(())
            }
            fn get_secret(&self) -> Result<Vec<u8>> {
                self.wait()?;
                self.secrets
                    .lock()
                    .unwrap()
                    .get(&self.key)
                    .cloned()
                    .ok_or(Error::NoEntry)
            }
            fn delete_credential(&self) -> Result<()> {
                self.wait()?;
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
                    fail: self.fail,
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

    /// A working keyring is preferred to the file; a locked, failing or hanging one
    /// is an error and nothing is written in plaintext. (One test: the default store
    /// is global.)
    #[test]
    fn keyring_is_used_when_it_answers_and_never_bypassed_when_locked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials.toml");
        let store = TokenStore::new(None, file.clone(), true);

        let memory = Arc::new(fake_keyring::Store::default());
        keyring_core::set_default_store(memory.clone());
        assert_eq!(
            store.set("ctx", &Secret::new("acc_kr"), SERVER).unwrap(),
            TokenSource::Keyring
        );
        assert!(!file.exists(), "nothing written to the file");
        let (t, src) = store.get("ctx", SERVER, None).unwrap().unwrap();
        assert_eq!((t.expose(), src), ("acc_kr", TokenSource::Keyring));
        assert!(store.get("ctx", "http://127.0.0.1:1", None).unwrap().is_none());
        let raw = memory.secrets.lock().unwrap()["accessctl/ctx"].clone();
        assert!(
            String::from_utf8(raw)
                .unwrap()
                .contains(r#""origin":"http://127.0.0.1:8080""#)
        );
        store.rename("ctx", "ctx2").unwrap();
        assert_eq!(
            store.get("ctx2", SERVER, None).unwrap().unwrap().1,
            TokenSource::Keyring
        );
        assert!(store.delete("ctx2").unwrap());
        assert!(store.get("ctx2", SERVER, None).unwrap().is_none());

        let locked: fn() -> keyring_core::Error =
            || keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other("collection is locked")));
        let failing: fn() -> keyring_core::Error =
            || keyring_core::Error::PlatformFailure(Box::new(std::io::Error::other("dbus broke")));
        for (fail, code) in [(locked, 4), (failing, 1)] {
            keyring_core::set_default_store(Arc::new(fake_keyring::Store {
                fail: Some(fail),
                ..Default::default()
            }));
            let err = store.set("ctx", &Secret::new("acc_plain"), SERVER).unwrap_err();
            assert_eq!(err.kind.exit_code(), code, "{}", err.message);
            assert_eq!(store.get("ctx", SERVER, None).unwrap_err().kind.exit_code(), code);
            let plain = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                !plain.contains("acc_plain"),
                "never a plaintext fallback: {}",
                err.message
            );
        }

        keyring_core::set_default_store(Arc::new(fake_keyring::Store {
            hang: true,
            ..Default::default()
        }));
        // The 3 s of a real run, shortened so the suite does not wait for it.
        let store = TokenStore {
            keyring_timeout: Duration::from_millis(200),
            ..store
        };
        let start = std::time::Instant::now();
        let err = store.set("ctx", &Secret::new("acc_file"), SERVER).unwrap_err();
        assert_eq!(err.kind.exit_code(), 4, "{}", err.message);
        assert!(err.message.contains("no answer within 200ms"), "{}", err.message);
        assert!(
            !std::fs::read_to_string(&file)
                .unwrap_or_default()
                .contains("acc_file")
        );
        assert!(
            start.elapsed() < store.keyring_timeout + Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );

        keyring_core::unset_default_store();
    }
}
