//! Placeholder until the CLI lands (issue 4).
fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
