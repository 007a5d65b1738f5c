//! The OpenAPI document is served, and every operation in it is routed.

use reqwest::Method;
use serde_json::json;

use crate::support::World;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_exists() {
    let w = World::new().await;
    let doc = w.anon().get("/v1/openapi.json").await.expect(200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let ops = accessd::http::openapi::operations();
    assert!(ops.len() > 40);
    for (method, path) in ops {
        assert!(
            doc["paths"][&path][method.to_ascii_lowercase()].is_object(),
            "{method} {path} not in the served document"
        );
        let concrete: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "nope" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then(|| json!({}));
        let r = w.admin.send(m, &concrete, body.as_ref(), &[]).await;
        assert_ne!(r.status.as_u16(), 405, "{method} {path}");
        assert!(r.status.as_u16() < 500, "{method} {path}: {}", r.body);
        assert!(
            !(r.status == 404 && r.body["detail"] == "no such resource"),
            "{method} {path} is not routed"
        );
    }
}
