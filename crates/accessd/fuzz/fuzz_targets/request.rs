//! Arbitrary bytes → one in-process request (operation, body label, body) as the
//! administrator: never a 5xx, every error problem+json.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static APP: OnceLock<(tokio::runtime::Runtime, accessd::App)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (rt, app) = APP.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = std::env::temp_dir().join(format!("accessd-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let app = rt.block_on(accessd::testing::fuzz_app(&dir)).expect("fuzz app");
        (rt, app)
    });
    let (status, content_type) = rt.block_on(accessd::testing::fuzz_request(app, data));
    assert!(status < 500, "status {status}");
    if status >= 400 {
        assert!(
            content_type.starts_with("application/problem+json"),
            "{status} {content_type}"
        );
    }
});
