//! What a run reads from and writes to outside itself: environment variables,
//! stdin, stdout and stderr, and whether they are terminals. `main` hands a run the
//! process's own ([`Process::inherited`]); the CLI's tests run commands in-process
//! with their own ([`Process::captured`]: an environment of their choosing, stdin
//! given as bytes, stdout and stderr captured), as gh's `iostreams.Test()` and
//! cargo's `Shell::from_write` do. Nothing else in the crate touches the process's
//! streams or environment while a command runs (clap's documented `ACCESSCTL_*`
//! fallbacks and jq's `$ENV` aside).

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Reads an environment variable.
pub type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The outside of one run.
#[derive(Clone)]
pub struct Process {
    env: Env,
    pub stdin: Stdin,
    pub streams: Streams,
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// The terminal's (columns, rows) on stdout.
    pub size: Option<(usize, usize)>,
    /// The config and data directories (`None`: the OS's, from `directories`).
    pub dirs: Option<(PathBuf, PathBuf)>,
    /// Whether Ctrl-C is listened for (a process's signal, not a test's).
    pub signals: bool,
}

impl Process {
    /// The process's own environment, stdin, stdout and stderr.
    pub fn inherited() -> Process {
        use std::io::IsTerminal;
        Process {
            env: Arc::new(|k| std::env::var(k).ok()),
            stdin: Stdin::Inherited,
            streams: Streams::Inherited,
            stdin_tty: io::stdin().is_terminal(),
            stdout_tty: io::stdout().is_terminal(),
            stderr_tty: io::stderr().is_terminal(),
            size: terminal_size::terminal_size_of(io::stdout()).map(|(w, h)| (w.0 as usize, h.0 as usize)),
            dirs: None,
            signals: true,
        }
    }

    /// A run in a test: only `env` is its environment, `stdin` its input (none:
    /// empty), no terminal anywhere, the config and data directories where
    /// `config_dir`/`data_dir` say; what it prints is kept in the returned
    /// [`Captured`].
    pub fn captured(
        env: Vec<(String, String)>,
        stdin: Option<Vec<u8>>,
        config_dir: PathBuf,
        data_dir: PathBuf,
    ) -> (Process, Arc<Captured>) {
        let captured = Arc::new(Captured::default());
        let process = Process {
            env: Arc::new(move |k| env.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone())),
            stdin: Stdin::Given(Arc::new(Mutex::new(io::Cursor::new(stdin.unwrap_or_default())))),
            streams: Streams::Captured(captured.clone()),
            stdin_tty: false,
            stdout_tty: false,
            stderr_tty: false,
            size: None,
            dirs: Some((config_dir, data_dir)),
            signals: false,
        };
        (process, captured)
    }

    /// An environment variable (`None` when unset).
    pub fn var(&self, key: &str) -> Option<String> {
        (self.env)(key)
    }
}

/// Where a run's stdin comes from.
#[derive(Clone)]
pub enum Stdin {
    Inherited,
    Given(Arc<Mutex<io::Cursor<Vec<u8>>>>),
}

impl std::fmt::Debug for Stdin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stdin::Inherited => "Stdin::Inherited",
            Stdin::Given(_) => "Stdin::Given",
        })
    }
}

impl Stdin {
    /// Runs `f` on stdin as a buffered reader.
    pub fn with_reader<R>(&self, f: impl FnOnce(&mut dyn BufRead) -> R) -> R {
        match self {
            Stdin::Inherited => f(&mut io::stdin().lock()),
            Stdin::Given(bytes) => f(&mut *bytes.lock().unwrap_or_else(|e| e.into_inner())),
        }
    }

    /// The next line (with its newline; empty at the end).
    pub fn read_line(&self) -> io::Result<String> {
        let mut line = String::new();
        self.with_reader(|r| r.read_line(&mut line))?;
        Ok(line)
    }

    /// Everything left.
    pub fn read_to_string(&self) -> io::Result<String> {
        let mut text = String::new();
        self.with_reader(|r| r.read_to_string(&mut text))?;
        Ok(text)
    }
}

/// Where a run's stdout and stderr go.
#[derive(Clone, Debug)]
pub enum Streams {
    Inherited,
    Captured(Arc<Captured>),
}

/// What a captured run printed.
#[derive(Debug, Default)]
pub struct Captured {
    stdout: Mutex<Vec<u8>>,
    stderr: Mutex<Vec<u8>>,
}

impl Captured {
    /// What was printed on stdout so far.
    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// What was printed on stderr so far.
    pub fn stderr(&self) -> Vec<u8> {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Streams {
    /// Writes `bytes` to stdout and flushes.
    pub fn stdout(&self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Streams::Inherited => {
                let mut out = io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Streams::Captured(c) => {
                append(&c.stdout, bytes);
                Ok(())
            }
        }
    }

    /// Writes `bytes` to stderr; a failure to write there has nowhere to go.
    pub fn stderr(&self, bytes: &[u8]) {
        match self {
            Streams::Inherited => {
                let mut e = io::stderr().lock();
                let _ = e.write_all(bytes).and_then(|()| e.flush());
            }
            Streams::Captured(c) => {
                append(&c.stderr, bytes);
            }
        }
    }

    /// Stdout as a [`Write`] (for output written piece by piece).
    pub fn stdout_writer(&self) -> StdoutWriter {
        StdoutWriter(self.clone())
    }
}

/// Adds `bytes` to a captured stream.
fn append(stream: &Mutex<Vec<u8>>, bytes: &[u8]) {
    stream
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend_from_slice(bytes);
}

/// Stdout of a [`Streams`] as a writer; each `write` goes straight through.
pub struct StdoutWriter(Streams);

impl Write for StdoutWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &self.0 {
            Streams::Inherited => io::stdout().lock().write(buf),
            Streams::Captured(c) => {
                append(&c.stdout, buf);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &self.0 {
            Streams::Inherited => io::stdout().lock().flush(),
            Streams::Captured(_) => Ok(()),
        }
    }
}
