-- Login by emailed code (POST /v1/auth/email-code): one open code per email
-- address (a new request replaces it), whether or not the address has an
-- account, so both answers do the same work. The code is stored only as
-- SHA-256 of "<id>:<code>"; it lives 10 minutes and 5 wrong tries burn it.
-- Not part of `accessd export`: an export moves the installation, not logins
-- in flight.
CREATE TABLE login_codes (
    email_norm TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL
);
CREATE INDEX login_codes_expiry ON login_codes (expires_at);
