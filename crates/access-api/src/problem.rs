//! RFC 9457 `application/problem+json` bodies with a stable `code`.

use serde::{Deserialize, Serialize};

/// Media type of every error body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// The stable machine-readable error codes (docs/api.md, "Errors: problem+json").
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemCode {
    InvalidRequest,
    Unauthenticated,
    Forbidden,
    PrivilegeEscalation,
    RoleImmutable,
    EmailMismatch,
    NotFound,
    UserNotFound,
    BindingExists,
    AlreadyMember,
    InvitationExists,
    LastOwner,
    LastAdmin,
    RoleInUse,
    TeamInUse,
    NameTaken,
    AlreadyBootstrapped,
    InvitationExpired,
    PreconditionFailed,
    PayloadTooLarge,
    ValidationFailed,
    /// An `Idempotency-Key` sent again with a different request.
    IdempotencyKeyReused,
    RateLimited,
    Unavailable,
    Internal,
    /// The server has no mail delivery (`--smtp-url`): no login by emailed code.
    MailNotConfigured,
    /// The account has MFA: a current TOTP code is required (missing, wrong or
    /// already used).
    TotpRequired,
    /// MFA is already on (enrol again after disabling it).
    MfaEnabled,
    /// MFA is not on, or there is no enrolment to confirm.
    MfaNotEnabled,
    /// The project's MFA policy covers the role and the principal has no MFA.
    MfaRequired,
    /// A code this client does not know (a newer server).
    #[serde(other)]
    Unknown,
}

impl ProblemCode {
    /// The HTTP status this code is sent with.
    pub fn status(self) -> u16 {
        use ProblemCode::*;
        match self {
            InvalidRequest => 400,
            Unauthenticated | TotpRequired => 401,
            Forbidden | PrivilegeEscalation | RoleImmutable | EmailMismatch => 403,
            NotFound | UserNotFound => 404,
            BindingExists | AlreadyMember | InvitationExists | LastOwner | LastAdmin | RoleInUse
            | TeamInUse | NameTaken | AlreadyBootstrapped | MfaEnabled | MfaNotEnabled | MfaRequired => 409,
            InvitationExpired => 410,
            PreconditionFailed => 412,
            PayloadTooLarge => 413,
            ValidationFailed | IdempotencyKeyReused => 422,
            RateLimited => 429,
            MailNotConfigured => 501,
            Unavailable => 503,
            Internal | Unknown => 500,
        }
    }

    /// The kebab-case wire name.
    pub fn as_str(self) -> &'static str {
        use ProblemCode::*;
        match self {
            InvalidRequest => "invalid-request",
            Unauthenticated => "unauthenticated",
            Forbidden => "forbidden",
            PrivilegeEscalation => "privilege-escalation",
            RoleImmutable => "role-immutable",
            EmailMismatch => "email-mismatch",
            NotFound => "not-found",
            UserNotFound => "user-not-found",
            BindingExists => "binding-exists",
            AlreadyMember => "already-member",
            InvitationExists => "invitation-exists",
            LastOwner => "last-owner",
            LastAdmin => "last-admin",
            RoleInUse => "role-in-use",
            TeamInUse => "team-in-use",
            NameTaken => "name-taken",
            AlreadyBootstrapped => "already-bootstrapped",
            InvitationExpired => "invitation-expired",
            PreconditionFailed => "precondition-failed",
            PayloadTooLarge => "payload-too-large",
            ValidationFailed => "validation-failed",
            IdempotencyKeyReused => "idempotency-key-reused",
            RateLimited => "rate-limited",
            Unavailable => "unavailable",
            Internal => "internal",
            MailNotConfigured => "mail-not-configured",
            TotpRequired => "totp-required",
            MfaEnabled => "mfa-enabled",
            MfaNotEnabled => "mfa-not-enabled",
            MfaRequired => "mfa-required",
            Unknown => "unknown",
        }
    }

    /// A short title for the code (the problem's `title`).
    pub fn title(self) -> &'static str {
        use ProblemCode::*;
        match self {
            InvalidRequest => "Invalid request",
            Unauthenticated => "Not authenticated",
            Forbidden => "Not permitted",
            PrivilegeEscalation => "Privilege escalation",
            RoleImmutable => "Built-in roles cannot be changed",
            EmailMismatch => "Email does not match",
            NotFound => "Not found",
            UserNotFound => "User not found",
            BindingExists => "Role binding exists",
            AlreadyMember => "Already a member",
            InvitationExists => "Invitation exists",
            LastOwner => "Last owner",
            LastAdmin => "Last administrator",
            RoleInUse => "Role in use",
            TeamInUse => "Team in use",
            NameTaken => "Name taken",
            AlreadyBootstrapped => "Already bootstrapped",
            InvitationExpired => "Invitation expired",
            PreconditionFailed => "Precondition failed",
            PayloadTooLarge => "Payload too large",
            ValidationFailed => "Validation failed",
            IdempotencyKeyReused => "Idempotency key reused",
            RateLimited => "Too many requests",
            Unavailable => "Service unavailable",
            Internal => "Internal server error",
            MailNotConfigured => "Mail delivery not configured",
            TotpRequired => "TOTP code required",
            MfaEnabled => "MFA already enabled",
            MfaNotEnabled => "MFA not enabled",
            MfaRequired => "MFA required",
            Unknown => "Error",
        }
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invalid field of a request (422 `validation-failed`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON path of the field, e.g. `emails[2]` or `role`.
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field errors (422).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For an unknown role: the roles that exist in the project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub valid_roles: Vec<String>,
    /// For a 409: the id of the thing already there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
    /// For a privilege escalation: the role being granted or revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// For a privilege escalation: the permissions of `role` the caller lacks
    /// (`owners.manage` for an owner-grade role).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_permissions: Vec<String>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// A problem with the code's status and title.
    pub fn new(code: ProblemCode, detail: impl Into<String>) -> Self {
        Problem {
            type_: about_blank(),
            title: code.title().to_owned(),
            status: code.status(),
            detail: Some(detail.into()),
            code,
            instance: None,
            request_id: None,
            errors: Vec::new(),
            valid_roles: Vec::new(),
            existing_id: None,
            role: None,
            missing_permissions: Vec::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn with_valid_roles(mut self, roles: Vec<String>) -> Self {
        self.valid_roles = roles;
        self
    }

    pub fn with_existing_id(mut self, id: impl Into<String>) -> Self {
        self.existing_id = Some(id.into());
        self
    }

    /// The role a privilege escalation was about and what the caller lacks.
    pub fn with_escalation(mut self, role: impl Into<String>, missing: Vec<String>) -> Self {
        self.role = Some(role.into());
        self.missing_permissions = missing;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_json() {
        for code in [
            ProblemCode::PrivilegeEscalation,
            ProblemCode::LastOwner,
            ProblemCode::LastAdmin,
            ProblemCode::InvitationExpired,
            ProblemCode::ValidationFailed,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ProblemCode>(&json).unwrap(), code);
        }
        assert_eq!(
            serde_json::from_str::<ProblemCode>("\"from-the-future\"").unwrap(),
            ProblemCode::Unknown
        );
    }

    #[test]
    fn problem_serializes_type_and_skips_empty_extensions() {
        let p = Problem::new(ProblemCode::LastOwner, "x");
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["type"], "about:blank");
        assert_eq!(v["status"], 409);
        assert_eq!(v["code"], "last-owner");
        assert!(v.get("errors").is_none() && v.get("valid_roles").is_none());
    }
}
