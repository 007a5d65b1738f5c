-- Durable mail outbox: every invitation or login-code mail is written here in
-- the transaction that creates the invitation or code, and a worker in
-- `accessd serve` sends it (retries with exponential backoff). A row is
-- deleted once the SMTP server accepted it; after the last failed attempt it
-- is kept with status 'failed' and its subject and bodies blanked (they hold
-- the code). Not part of `accessd export` (the bodies hold codes).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    -- 'invitation' or 'login_code'
    kind TEXT NOT NULL,
    -- The invitation's id (kind 'invitation'), for logs.
    ref_id TEXT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- 'pending' or 'failed'
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
