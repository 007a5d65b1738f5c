//! The in-process run (`accessctl::run_in` with a captured `Process`) prints what
//! the binary prints (`Home::run` runs in-process by default; this holds it to the
//! binary's transcript, `ACCESSCTL_TEST_BINARY=1` runs the whole suite on the binary).

use crate::harness::admin_with_project;

#[test]
fn an_in_process_run_prints_what_the_binary_prints() {
    let (server, home) = admin_with_project();
    server.user_with_token("bob", "bob@example.com", "Bob Builder");
    home.bind(&[], "bob@example.com", "developer");
    for line in [
        "roles list-bindings",
        "-o json roles list-bindings",
        "-q roles list-bindings",
        "roles show nosuchrole",
        "roles add-binding --email bob@example.com --role nosuchrole",
        "roles list-bindings --no-such-flag",
        "--version",
        "-v roles list",
    ] {
        let binary = home.run_binary(line, None);
        let in_process = home.run_in_process(line);
        assert_eq!(in_process.code, binary.code, "{line}");
        // `-v` traces carry per-run request IDs and timings; compare their shape.
        if line.starts_with("-v") {
            assert_eq!(in_process.stdout, binary.stdout, "{line}");
            assert_eq!(
                in_process.stderr.lines().count(),
                binary.stderr.lines().count(),
                "{line}:\n{}\n---\n{}",
                in_process.stderr,
                binary.stderr
            );
        } else {
            assert_eq!(in_process.to_string(), binary.to_string(), "{line}");
        }
    }
}
