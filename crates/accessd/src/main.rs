//! `accessd serve | bootstrap | admin recover | migrate | export | import`.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return report(&anyhow::anyhow!("cannot start the runtime: {e}")),
    };
    match rt.block_on(cli::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}

/// One `error: …` line on stderr.
fn report(e: &anyhow::Error) -> ExitCode {
    // sqlx errors repeat their causes in their own text: print each cause once.
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if msg.contains(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    let msg = msg.replace(['\n', '\r'], " ");
    let _ = writeln!(std::io::stderr(), "error: {msg}");
    ExitCode::FAILURE
}
