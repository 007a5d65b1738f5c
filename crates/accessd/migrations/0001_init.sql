-- Portable schema: runs unchanged on SQLite and PostgreSQL.
-- TEXT ids (UUIDv7), BIGINT unix-ms times, INTEGER flags, *_norm columns (ASCII
-- lower case) carry the case-insensitive uniqueness.

CREATE TABLE server_state (
    id INTEGER PRIMARY KEY,
    bootstrapped INTEGER NOT NULL,
    writes BIGINT NOT NULL
);
INSERT INTO server_state (id, bootstrapped, writes) VALUES (1, 0, 0);

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_norm TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_norm TEXT NOT NULL UNIQUE,
    name TEXT,
    is_admin INTEGER NOT NULL,
    disabled INTEGER NOT NULL,
    mfa_enabled INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE org_members (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_user ON org_members (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked INTEGER NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    description TEXT,
    role_preset TEXT NOT NULL,
    policy_version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, name_norm)
);

CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    description TEXT,
    built_in INTEGER NOT NULL,
    owner_grade INTEGER NOT NULL,
    rank BIGINT NOT NULL,
    -- space-separated permission names, sorted
    permissions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (project_id, name_norm)
);

CREATE TABLE role_bindings (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles (id),
    role_rank BIGINT NOT NULL,
    principal_type TEXT NOT NULL,
    principal_id TEXT,
    -- 'user:<id>', 'team:<id>' or 'all-users': one binding per (project, principal, role)
    principal_key TEXT NOT NULL,
    -- lists are ordered by (role_rank, principal_sort, id)
    principal_sort TEXT NOT NULL,
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    UNIQUE (project_id, principal_key, role_id)
);
CREATE INDEX role_bindings_page ON role_bindings (project_id, role_rank, principal_sort, id);
CREATE INDEX role_bindings_principal ON role_bindings (principal_type, principal_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_norm TEXT NOT NULL,
    role_id TEXT NOT NULL REFERENCES roles (id),
    code_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    UNIQUE (project_id, email_norm)
);
CREATE INDEX invitations_email ON invitations (email_norm);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT,
    project_id TEXT,
    project_name TEXT,
    target TEXT,
    details TEXT NOT NULL,
    request_id TEXT
);
CREATE INDEX audit_events_project ON audit_events (project_id, created_at, id);
CREATE INDEX audit_events_time ON audit_events (created_at, id);

CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key, path)
);
