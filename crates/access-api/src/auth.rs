//! Login by emailed code and TOTP multi-factor authentication (docs/api.md, "Endpoints": `/v1/auth/…`, `/v1/users/me/mfa…`).

use serde::{Deserialize, Serialize};

/// `POST /v1/auth/email-code`: mail a one-time login code to this address.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailCodeRequest {
    pub email: String,
}

/// `POST /v1/auth/email-code` → 202. The same answer whether or not the email has
/// an account: a code is mailed only when it has one (enabled).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailCodeSent {
    /// How long the code is valid (600).
    pub expires_in_seconds: u32,
}

/// `POST /v1/auth/email-code/verify` → 200 with a token (shown once).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailCodeVerify {
    pub email: String,
    /// The 8-digit code from the mail.
    pub code: String,
    /// A current TOTP code; required once the account has MFA (401 `totp-required`
    /// without it, after a right email code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<String>,
}

/// `POST /v1/users/me/mfa` → 201: a new TOTP secret, shown only in this answer.
/// MFA is on only after `POST /v1/users/me/mfa/confirm` with a code from it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaEnrollment {
    /// Base32, for entering by hand.
    pub secret: String,
    /// `otpauth://totp/…` (SHA-1, 6 digits, 30 s), for a QR code.
    pub otpauth_uri: String,
}

/// `POST /v1/users/me/mfa/confirm` and `DELETE /v1/users/me/mfa`: a current TOTP code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

/// A project's MFA policy (like GitHub's "require two-factor"): which roles may be
/// held only by users with MFA.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MfaPolicy {
    /// No role needs MFA.
    #[default]
    None,
    /// Owner-grade roles need MFA.
    OwnerGrade,
    /// Every role needs MFA.
    All,
}

impl MfaPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            MfaPolicy::None => "none",
            MfaPolicy::OwnerGrade => "owner-grade",
            MfaPolicy::All => "all",
        }
    }

    /// The stored form back (anything unknown is `none`).
    pub fn parse(s: &str) -> MfaPolicy {
        match s {
            "owner-grade" => MfaPolicy::OwnerGrade,
            "all" => MfaPolicy::All,
            _ => MfaPolicy::None,
        }
    }

    /// Whether a role (owner-grade or not) needs MFA under this policy.
    pub fn covers(self, owner_grade: bool) -> bool {
        match self {
            MfaPolicy::None => false,
            MfaPolicy::OwnerGrade => owner_grade,
            MfaPolicy::All => true,
        }
    }
}
