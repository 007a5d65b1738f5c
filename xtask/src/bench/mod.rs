//! `cargo xtask bench`: the goals of issue #14 measured side by side with their
//! references, on the release binaries, loopback only, bounded in requests and time.
//!
//! ```text
//! cargo xtask bench                   # every row, 3 runs, rewrites BENCHMARKS.md
//! cargo xtask bench --quick           # 1/10 sizes, 1 run, writes nothing
//! cargo xtask bench --only checks,list --runs 5
//! ```
//!
//! Run from a debug `cargo xtask`, it builds `accessd`, `accessctl` and itself with
//! `--release` and runs the release `xtask` (so the load driver is optimised too).
//! PostgreSQL rows run when `ACCESSD_TEST_DATABASE_URL` is set: a database
//! `bench_<pid>` is created through it (synchronous_commit on) and dropped at the end.

mod load;
mod proc_;
mod report;
mod rows;
mod seed;
mod server;
mod stats;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// Every row, in the order they run.
pub const ROWS: &[&str] = &[
    "import",
    "member-change",
    "check-scale",
    "mutations",
    "checks",
    "postgres",
    "list",
    "round-trip",
    "local",
];

const USAGE: &str =
    "usage: cargo xtask bench [--quick] [--only ROW[,ROW…]] [--runs N] [--no-write] [--keep] [--bins DIR]
  --quick     installations of 1/10 the size, shorter loads, 1 run; writes nothing
  --only      run only these rows (import, member-change, check-scale, mutations, checks,
              postgres, list, round-trip, local); writes nothing
  --runs N    repetitions of every row (default 3; min/median/max over them)
  --no-write  do not rewrite the results in BENCHMARKS.md
  --keep      keep the work directory (databases, documents, server logs)
  --bins DIR  measure DIR/accessd and DIR/accessctl (another release profile); writes nothing";

/// The command line of `cargo xtask bench`.
#[derive(Debug, Clone)]
pub struct Options {
    pub quick: bool,
    pub only: Option<Vec<String>>,
    pub runs: usize,
    pub write: bool,
    pub keep: bool,
    /// Measure the `accessd`/`accessctl` in this directory instead of the fresh
    /// release build (comparing release profiles).
    pub bins: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut o = Options {
            quick: false,
            only: None,
            runs: 0,
            write: true,
            keep: false,
            bins: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--quick" => o.quick = true,
                "--no-write" => o.write = false,
                "--keep" => o.keep = true,
                "--bins" => o.bins = Some(it.next().context("--bins needs a directory")?.into()),
                "--only" => {
                    let list = it.next().context("--only needs a row name")?;
                    let rows: Vec<String> = list.split(',').map(str::to_owned).collect();
                    for r in &rows {
                        if !ROWS.contains(&r.as_str()) {
                            bail!("unknown row '{r}' (rows: {})\n{USAGE}", ROWS.join(", "));
                        }
                    }
                    o.only = Some(rows);
                }
                "--runs" => {
                    let n = it.next().context("--runs needs a number")?;
                    o.runs = n
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .context("--runs needs a number above 0")?;
                }
                other => bail!("unknown argument '{other}'\n{USAGE}"),
            }
        }
        if o.runs == 0 {
            o.runs = if o.quick { 1 } else { 3 };
        }
        if o.quick || o.only.is_some() || o.bins.is_some() {
            o.write = false;
        }
        Ok(o)
    }

    pub fn wants(&self, row: &str) -> bool {
        self.only.as_ref().is_none_or(|o| o.iter().any(|r| r == row))
    }
}

/// Sizes and budgets of one mode.
#[derive(Debug, Clone)]
pub struct Sizes {
    /// Bindings of the large project (the "100k" of the goals).
    pub big: usize,
    /// Bindings of the project the list's flatness is compared with (the "10k").
    pub mid: usize,
    /// Bindings of each small project.
    pub small: usize,
    /// Bindings of the local context's project.
    pub local: usize,
    pub check_requests: usize,
    pub write_requests: usize,
    pub max_time: Duration,
    /// Sequential runs of a CLI command per figure (median taken).
    pub repeats: usize,
}

impl Sizes {
    fn new(quick: bool) -> Sizes {
        if quick {
            Sizes {
                big: 10_000,
                mid: 1_000,
                small: 50,
                local: 1_000,
                check_requests: 4_000,
                write_requests: 1_000,
                max_time: Duration::from_secs(3),
                repeats: 5,
            }
        } else {
            Sizes {
                big: 100_000,
                mid: 10_000,
                small: 50,
                local: 1_000,
                check_requests: 40_000,
                write_requests: 8_000,
                max_time: Duration::from_secs(8),
                repeats: 20,
            }
        }
    }
}

/// Entry point of `cargo xtask bench ARGS`.
pub fn main(args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let opts = Options::parse(args)?;
    if cfg!(debug_assertions) {
        return build_and_rerun(args);
    }
    let exe = std::env::current_exe()?;
    let dir = match &opts.bins {
        Some(d) => d.as_path(),
        None => exe.parent().context("xtask has a directory")?,
    };
    let bins = server::Bins {
        accessd: dir.join("accessd"),
        accessctl: dir.join("accessctl"),
    };
    for b in [&bins.accessd, &bins.accessctl] {
        if !b.exists() {
            bail!(
                "{} is missing; run `cargo xtask bench` (it builds it)",
                b.display()
            );
        }
    }
    let work = std::env::temp_dir().join(format!("accessd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = rt.block_on(rows::run_all(&bins, &work, &opts, &Sizes::new(opts.quick)));
    if opts.keep {
        eprintln!("kept {}", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    let results = result?;
    let text = report::markdown(&results, &opts);
    println!("\n{text}");
    if opts.write {
        let path = root().join("BENCHMARKS.md");
        report::rewrite(&path, &text)?;
        println!("wrote the results into {}", path.display());
    }
    if results.failures > 0 {
        bail!("{} row(s) had non-2xx responses or failed", results.failures);
    }
    Ok(())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Builds the release binaries (xtask included) and runs the release xtask.
fn build_and_rerun(args: &[String]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(root())
        .args([
            "build",
            "--release",
            "-p",
            "accessd",
            "-p",
            "accessctl",
            "-p",
            "xtask",
            "--bins",
        ])
        .status()
        .context("run cargo build --release")?;
    if !status.success() {
        bail!("the release build failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let status = Command::new(target.join("release/xtask"))
        .arg("bench")
        .args(args)
        .status()
        .context("run the release xtask")?;
    if !status.success() {
        bail!("the benchmark failed");
    }
    Ok(())
}
