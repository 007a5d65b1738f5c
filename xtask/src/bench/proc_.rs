//! Child processes measured: wall time from spawn to exit, and peak RSS from the
//! kernel's rusage of the child (`/usr/bin/time -f %M`, which reads `wait4`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// One measured run of a command.
pub struct Measured {
    pub wall: Duration,
    pub rss_kb: u64,
    pub success: bool,
    pub stderr: String,
}

impl Measured {
    pub fn rss_mb(&self) -> f64 {
        self.rss_kb as f64 / 1024.0
    }
}

/// A command that runs `program` under `/usr/bin/time`; set its arguments,
/// environment and stdout, then hand it to [`measure`].
pub struct Timed {
    pub cmd: Command,
    rss_file: PathBuf,
}

impl Timed {
    pub fn new(program: &Path) -> Timed {
        let rss_file = std::env::temp_dir().join(format!(
            "accessd-bench-rss-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        let mut cmd = Command::new("/usr/bin/time");
        cmd.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(program);
        Timed { cmd, rss_file }
    }
}

/// Runs a [`Timed`] command to its exit (stderr captured).
pub fn measure(t: Timed) -> Result<Measured> {
    let Timed { mut cmd, rss_file } = t;
    cmd.stdin(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let out = cmd
        .output()
        .context("run /usr/bin/time (install the `time` package)")?;
    let wall = start.elapsed();
    let text = std::fs::read_to_string(&rss_file).context("read /usr/bin/time's output")?;
    let _ = std::fs::remove_file(&rss_file);
    let rss_kb = text
        .lines()
        .rev()
        .find_map(|l| l.trim().parse::<u64>().ok())
        .with_context(|| format!("no peak RSS in /usr/bin/time's output: {text}"))?;
    Ok(Measured {
        wall,
        rss_kb,
        success: out.status.success(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// Runs `cmd` (stdout to `/dev/null` unless set) and returns its wall time; fails
/// when it fails.
pub fn wall(mut cmd: Command) -> Result<Duration> {
    cmd.stdin(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let out = cmd
        .output()
        .with_context(|| format!("run {:?}", cmd.get_program()))?;
    let wall = start.elapsed();
    if !out.status.success() {
        bail!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(wall)
}
