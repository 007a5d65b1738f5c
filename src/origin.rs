//! The origin of a server URL (scheme, host, port), the unit a stored token is bound
//! to: `HTTP://Access.Example.com:443/` and `https://access.example.com` differ,
//! `https://access.example.com:443/` and `https://access.example.com` do not.

use reqwest::Url;

/// `scheme://host[:port]`, lowercased, default port left out, path dropped; `None`
/// for anything that is not an http(s) URL with a host.
pub fn origin(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return None;
    }
    // The url crate lowercases the host, drops default ports and punycodes IDNs.
    Some(parsed.origin().ascii_serialization())
}

/// Whether two server URLs have the same origin (both must be valid).
pub fn same(a: &str, b: &str) -> bool {
    matches!((origin(a), origin(b)), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_default_ports_and_paths() {
        assert_eq!(
            origin("HTTPS://Access.Example.COM:443/").as_deref(),
            Some("https://access.example.com")
        );
        assert_eq!(origin("http://127.0.0.1:80").as_deref(), Some("http://127.0.0.1"));
        assert_eq!(
            origin("http://[::1]:8080/x?y#z").as_deref(),
            Some("http://[::1]:8080")
        );
        assert!(same("https://a.example/", "https://A.example:443"));
        assert!(same("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1"));
    }

    #[test]
    fn scheme_host_and_port_each_count() {
        assert!(!same("https://a.example", "http://a.example"));
        assert!(!same("https://a.example", "https://b.example"));
        assert!(!same("http://127.0.0.1:8080", "http://127.0.0.1:8081"));
        assert!(!same("http://127.0.0.1", "http://localhost"));
        assert!(!same("https://a.example.evil", "https://a.example"));
        assert!(!same("https://a.example@evil.example", "https://a.example"));
    }

    #[test]
    fn invalid_urls_match_nothing() {
        for bad in ["", "a.example", "ftp://a.example", "file:///x", "https://"] {
            assert_eq!(origin(bad), None, "{bad}");
            assert!(!same(bad, bad), "{bad}");
        }
    }
}
