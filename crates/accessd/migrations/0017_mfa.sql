-- TOTP (RFC 6238) multi-factor authentication. `mfa_enabled` (0001) is now the
-- real state: set by a confirmed enrolment. The secrets are stored as base32
-- text (not encrypted at rest: see SECURITY.md); `mfa_pending_secret` is an
-- enrolment not yet confirmed; `mfa_last_step` is the newest 30 s step whose
-- code was accepted, so a code is never accepted twice.
ALTER TABLE users ADD COLUMN mfa_secret TEXT;
ALTER TABLE users ADD COLUMN mfa_pending_secret TEXT;
ALTER TABLE users ADD COLUMN mfa_last_step BIGINT;

-- A project's MFA policy (`projects update P --require-mfa`): `none`,
-- `owner-grade` (owner-grade roles need MFA) or `all` (every role does).
ALTER TABLE projects ADD COLUMN require_mfa TEXT NOT NULL DEFAULT 'none';
