//! The real `accessd` binary: one-shot subcommands and a server on 127.0.0.1:0
//! whose bound address is read from its log, stopped when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The release binaries under test.
#[derive(Debug, Clone)]
pub struct Bins {
    pub accessd: PathBuf,
    pub accessctl: PathBuf,
}

impl Bins {
    /// `accessd` with the database URL set and the environment cleared of
    /// settings that would change what is measured.
    pub fn accessd(&self, database_url: &str) -> Command {
        let mut cmd = Command::new(&self.accessd);
        accessd_env(&mut cmd, database_url);
        cmd
    }

    /// Runs an `accessd` subcommand to completion; its stdout.
    pub fn accessd_ok(&self, database_url: &str, args: &[&str]) -> Result<String> {
        let out = self
            .accessd(database_url)
            .args(args)
            .output()
            .with_context(|| format!("run accessd {}", args.join(" ")))?;
        if !out.status.success() {
            bail!(
                "accessd {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8(out.stdout)?)
    }
}

/// The environment of an `accessd` run: the database URL, and nothing inherited
/// that would change what is measured.
pub fn accessd_env(cmd: &mut Command, database_url: &str) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ACCESSD_DATABASE_URL", database_url)
        .stdin(Stdio::null());
}

/// A running `accessd serve`.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub url: String,
}

impl Server {
    /// Starts `accessd serve --listen 127.0.0.1:0` over `database_url`; its log goes
    /// to `log`.
    pub fn start(bins: &Bins, database_url: &str, log: &Path) -> Result<Server> {
        let mut child = bins
            .accessd(database_url)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("start accessd serve")?;
        let stderr = child.stderr.take().expect("piped stderr");
        let mut file = std::fs::File::create(log).with_context(|| format!("create {}", log.display()))?;
        let (tx, rx) = mpsc::channel();
        // Drains the log for the server's whole life, so it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let _ = writeln!(file, "{line}");
                if let Some(i) = line.find("listening on http://") {
                    let rest = &line[i + "listening on http://".len()..];
                    let addr = rest.split_whitespace().next().unwrap_or_default().to_owned();
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(addr);
                    }
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(addr) => break addr,
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {
                    if let Some(status) = child.try_wait()? {
                        bail!("accessd serve exited ({status}); see {}", log.display());
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    bail!("accessd serve did not report its address; see {}", log.display());
                }
            }
        };
        let addr: SocketAddr = addr
            .parse()
            .with_context(|| format!("accessd logged an odd address '{addr}'"))?;
        Ok(Server {
            child,
            addr,
            url: format!("http://{addr}"),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
