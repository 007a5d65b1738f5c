//! `cargo +nightly fuzz run sanitize` (from fuzz/): the terminal sanitizer and the
//! terminal-safe JSON encoder on arbitrary strings.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The CLI's own files, unchanged (`json.rs` refers to `super::sanitize`).
#[path = "../../src/output/json.rs"]
mod json;
#[path = "../../src/output/sanitize.rs"]
mod sanitize;

use sanitize::{is_unsafe, sanitize};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let out = sanitize(s);
    assert!(!out.chars().any(is_unsafe), "unsafe character survived: {out:?}");
    // Every safe character survives, in order.
    let mut rest = out.as_ref();
    for c in s.chars().filter(|c| !is_unsafe(*c)) {
        let i = rest.find(c).expect("a safe character was lost");
        rest = &rest[i + c.len_utf8()..];
    }
    // JSON escapes instead and round-trips exactly.
    let encoded = json::to_string(&[s], false).expect("encodes");
    assert!(!encoded.chars().any(is_unsafe));
    let back: Vec<String> = serde_json::from_str(&encoded).expect("decodes");
    assert_eq!(back[0], s);
});
