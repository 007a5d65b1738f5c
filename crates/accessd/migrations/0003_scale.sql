-- Scale: an index for every access path, so that no request reads rows in
-- proportion to the installation (only to the project or the principal).

-- find_project by name (the UNIQUE (org_id, name_norm) index needs the org).
CREATE INDEX projects_name ON projects (name_norm);
-- Owner counting (owner-grade roles of the project → their bindings) and role_uses.
CREATE INDEX role_bindings_role ON role_bindings (role_id, principal_type, expires_at);
CREATE INDEX invitations_role ON invitations (role_id);

-- Lists are ordered by (role rank, principal label lower-cased, id), the label
-- being what clients show: `Name <email>` (username when no name), `team:<name>`,
-- `All Users`. New keys are lower-cased in Rust (Unicode); here SQL lower().
UPDATE role_bindings SET principal_sort = 'all users' WHERE principal_type = 'all-users';
UPDATE role_bindings SET principal_sort = lower('team:' ||
    (SELECT t.name FROM teams t WHERE t.id = role_bindings.principal_id))
  WHERE principal_type = 'team';
UPDATE role_bindings SET principal_sort = lower(
    (SELECT COALESCE(NULLIF(u.name, ''), u.username) || ' <' || u.email || '>'
       FROM users u WHERE u.id = role_bindings.principal_id))
  WHERE principal_type = 'user';
