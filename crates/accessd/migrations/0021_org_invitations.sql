-- Org invitations (issue 15): an email invited into an org with one org role (a
-- base role or the normalized name of a custom org role). Like project
-- invitations only the SHA-256 of the code is stored. `mailed` records whether
-- the code went only to the invitee's mailbox: only then may it create an
-- account (without mail delivery the inviter holds the code).

CREATE TABLE org_invitations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    email TEXT NOT NULL,
    email_norm TEXT NOT NULL,
    role TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    mailed INTEGER NOT NULL,
    invited_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    UNIQUE (org_id, email_norm)
);
CREATE INDEX org_invitations_email ON org_invitations (email_norm);
