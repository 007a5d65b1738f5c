-- Org-level audit (issue 13): each event records the org it belongs to, so org
-- owners and admins can read their org's log (team changes and every project's
-- events) with GET /v1/orgs/{org}/audit-events. Server-level events (users,
-- tokens, bootstrap) have no org.

ALTER TABLE audit_events ADD COLUMN org_id TEXT;
UPDATE audit_events SET org_id = (SELECT p.org_id FROM projects p WHERE p.id = audit_events.project_id)
    WHERE project_id IS NOT NULL;
CREATE INDEX audit_events_org ON audit_events (org_id, created_at, id);
