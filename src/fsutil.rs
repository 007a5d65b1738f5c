//! Private files: a directory only the user can enter, writes that are atomic
//! (temp file + rename) under a lock file, and modes that hold even under `umask 000`.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Creates `dir` (and parents) and makes it 0700.
pub fn ensure_private_dir(dir: &Path) -> Result<(), CliError> {
    fs::create_dir_all(dir).map_err(|e| CliError::io(format!("cannot create {}", dir.display()), e))?;
    set_mode(dir, 0o700)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|e| CliError::io(format!("cannot set permissions of {}", path.display()), e))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<(), CliError> {
    Ok(())
}

fn open_private(path: &Path, create_new: bool) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true);
    if create_new {
        opts.create_new(true);
    } else {
        opts.create(true).truncate(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// An exclusive lock on `<path>.lock`, released on drop.
pub struct FileLock {
    _file: File,
}

/// Takes the lock that serializes writers of `path` (blocks until it is free).
pub fn lock(path: &Path) -> Result<FileLock, CliError> {
    let lock_path = sibling(path, ".lock");
    let file = open_private(&lock_path, false)
        .map_err(|e| CliError::io(format!("cannot open {}", lock_path.display()), e))?;
    file.lock()
        .map_err(|e| CliError::io(format!("cannot lock {}", lock_path.display()), e))?;
    Ok(FileLock { _file: file })
}

/// Writes `bytes` to `path` atomically with mode 0600: a private temp file in the same
/// directory, fsync, rename. The caller holds the [`lock`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    remove_stale_temps(path);
    let tmp = sibling(path, &format!(".tmp.{}", std::process::id()));
    let result = (|| {
        let _ = fs::remove_file(&tmp);
        let mut file = open_private(&tmp, true)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(CliError::io(format!("cannot write {}", path.display()), e));
    }
    set_mode(path, 0o600)
}

/// Under the lock no other writer is mid-write, so any temp file left beside `path`
/// was abandoned by a killed process.
fn remove_stale_temps(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let prefix = format!("{}.tmp.", name.to_string_lossy());
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Creates a new file (never an existing one) with mode 0600 holding `bytes`.
pub fn create_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    open_private(path, true)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| CliError::io(format!("cannot write {}", path.display()), e))
}

/// Makes an existing file 0600 (a file an older version created 0644); a missing
/// one is fine.
pub fn restrict(path: &Path) -> Result<(), CliError> {
    match fs::metadata(path) {
        Ok(_) => set_mode(path, 0o600),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::io(format!("cannot read {}", path.display()), e)),
    }
}

/// Reads a file; `None` when it does not exist.
pub fn read_optional(path: &Path) -> Result<Option<String>, CliError> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(format!("cannot read {}", path.display()), e)),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
