-- Trust (issue 12 §5): the request id in the audit log is always the server's own;
-- a client's X-Request-Id is kept beside it, cleaned and length-limited. An
-- Idempotency-Key remembers a hash of the request it was first used with, so reusing
-- it with a different body is refused instead of replaying the first answer.

ALTER TABLE audit_events ADD COLUMN client_request_id TEXT;
ALTER TABLE idempotency_keys ADD COLUMN request_hash TEXT;
