-- Organizations (issue 15): custom org roles shaped like Qovery's (per project:
-- admin, or a level per environment type; per cluster: a level), and clusters,
-- named resources of an org. A member's org_members.role holds a base role or the
-- normalized name of one of these.

CREATE TABLE clusters (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    UNIQUE (org_id, name_norm)
);

CREATE TABLE org_roles (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    description TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    UNIQUE (org_id, name_norm)
);

-- One row per project the role grants something in: is_admin, or the
-- environment-type levels as a JSON object {"staging": "deployer", ...}.
CREATE TABLE org_role_projects (
    role_id TEXT NOT NULL REFERENCES org_roles (id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    is_admin INTEGER NOT NULL,
    env_levels TEXT NOT NULL,
    PRIMARY KEY (role_id, project_id)
);
CREATE INDEX org_role_projects_project ON org_role_projects (project_id);

CREATE TABLE org_role_clusters (
    role_id TEXT NOT NULL REFERENCES org_roles (id) ON DELETE CASCADE,
    cluster_id TEXT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    PRIMARY KEY (role_id, cluster_id)
);
