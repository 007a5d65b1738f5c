//! TOTP (RFC 6238) through `totp-rs`: SHA-1, 6 digits, 30 s steps, one step of
//! clock skew either way. A code is accepted only for a step newer than the
//! last accepted one (the caller stores it), so no code works twice.

use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
/// Name shown by authenticator apps.
pub const ISSUER: &str = "accessd";

fn totp(secret_b32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    // An account name with ':' is not allowed in the URI's label.
    let account = account.replace(':', "_");
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECS)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// A new secret: 160 random bits, base32.
pub fn new_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    Secret::new_stack(bytes).to_base32()
}

/// `otpauth://totp/accessd:<account>?secret=…&issuer=accessd…`.
pub fn uri(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account)?.to_url().ok()
}

/// The code of the step holding `unix_ms` (for tests and the manual check).
pub fn code_at(secret_b32: &str, unix_ms: i64) -> Option<String> {
    let t = totp(secret_b32, "x")?;
    Some(t.generate(u64::try_from(unix_ms / 1000).ok()?).to_string())
}

/// The step `code` belongs to at `now_ms` (±1 step), when it is right and newer
/// than `last_step`. Anything that is not six digits is simply wrong.
pub fn accept(secret_b32: &str, code: &str, now_ms: i64, last_step: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "x")?;
    let now = u64::try_from(now_ms / 1000).ok()?;
    let step = i64::try_from(t.check(code, now)?).ok()?;
    last_step.is_none_or(|last| step > last).then_some(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vector_and_skew_and_reuse() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits) → 287082.
        let secret = Secret::new(b"12345678901234567890".to_vec().into_boxed_slice()).to_base32();
        assert_eq!(code_at(&secret, 59_000).unwrap(), "287082");
        let now = 1_111_111_109_000; // 07081804 in the RFC
        assert_eq!(code_at(&secret, now).unwrap(), "081804");
        let step = accept(&secret, "081804", now, None).unwrap();
        assert_eq!(step, 1_111_111_109 / 30);
        // One step late or early still counts; two do not.
        assert_eq!(accept(&secret, "081804", now + 30_000, None), Some(step));
        assert_eq!(accept(&secret, "081804", now - 30_000, None), Some(step));
        assert_eq!(accept(&secret, "081804", now + 60_000, None), None);
        // Not twice, nor an older one after a newer one.
        assert_eq!(accept(&secret, "081804", now, Some(step)), None);
        assert_eq!(accept(&secret, "081804", now, Some(step - 1)), Some(step));
        assert_eq!(accept(&secret, "08180", now, None), None);
        assert_eq!(accept(&secret, "o81804", now, None), None);
    }

    #[test]
    fn new_secrets_make_uris() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_ne!(s, new_secret());
        let u = uri(&s, "ada@example.com").unwrap();
        assert!(u.starts_with("otpauth://totp/accessd:ada%40example.com?"), "{u}");
        assert!(
            u.contains(&format!("secret={s}")) && u.contains("issuer=accessd"),
            "{u}"
        );
    }
}
