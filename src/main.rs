//! The `accessctl` binary; everything lives in the library.
fn main() -> std::process::ExitCode {
    accessctl::main()
}
