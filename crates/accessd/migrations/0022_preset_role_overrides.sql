-- The server's own permissions for a preset's default role (Loft: global admins
-- change the default project roles; issue 15). The role keeps its name; every
-- project of the preset gets the permissions (roles.modified marks its copy), and
-- so does every project created with the preset later.

CREATE TABLE preset_role_overrides (
    preset TEXT NOT NULL,
    role_name TEXT NOT NULL,
    permissions TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (preset, role_name)
);

ALTER TABLE roles ADD COLUMN modified INTEGER NOT NULL DEFAULT 0;
