-- Server-wide project roles (Loft, issue 15): a server administrator defines a role
-- once for an org; it exists in every project of the org (a copy per project,
-- marked with server_role_id, kept in step with the definition), and in every
-- project created later.

CREATE TABLE server_roles (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    description TEXT,
    permissions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    UNIQUE (org_id, name_norm)
);

ALTER TABLE roles ADD COLUMN server_role_id TEXT;
CREATE INDEX roles_server_role ON roles (server_role_id);
