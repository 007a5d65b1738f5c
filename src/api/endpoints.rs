//! One method per endpoint of docs/api.md, over the `access-api` wire types.

use access_api::*;

use super::{ApiClient, ApiError, Method, enc};

fn project_path(project: &str) -> String {
    format!("/v1/projects/{}", enc(project))
}

fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", enc(v))))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

impl ApiClient {
    // ------------------------------------------------------------ meta & me

    pub async fn meta(&self) -> Result<Meta, ApiError> {
        self.call(Method::Get, "/v1/meta".into(), None::<&()>).await
    }

    pub async fn me(&self) -> Result<User, ApiError> {
        self.call(Method::Get, "/v1/users/me".into(), None::<&()>).await
    }

    pub async fn list_my_tokens(&self) -> Result<Vec<TokenInfo>, ApiError> {
        self.list("/v1/users/me/tokens".into()).await
    }

    pub async fn create_my_token(&self, req: &CreateToken) -> Result<CreatedToken, ApiError> {
        self.call(Method::Post, "/v1/users/me/tokens".into(), Some(req))
            .await
    }

    pub async fn revoke_my_token(&self, id: &str) -> Result<(), ApiError> {
        self.call_empty(Method::Delete, format!("/v1/users/me/tokens/{}", enc(id)))
            .await
    }

    // ------------------------------------------------------------ login by email code, MFA

    pub async fn request_email_code(&self, req: &EmailCodeRequest) -> Result<EmailCodeSent, ApiError> {
        self.post_once("/v1/auth/email-code".into(), req).await
    }

    pub async fn verify_email_code(&self, req: &EmailCodeVerify) -> Result<CreatedToken, ApiError> {
        self.post_once("/v1/auth/email-code/verify".into(), req).await
    }

    pub async fn enroll_mfa(&self) -> Result<MfaEnrollment, ApiError> {
        self.post_once("/v1/users/me/mfa".into(), &serde_json::json!({}))
            .await
    }

    pub async fn confirm_mfa(&self, req: &TotpCode) -> Result<User, ApiError> {
        self.post_once("/v1/users/me/mfa/confirm".into(), req).await
    }

    pub async fn disable_mfa(&self, req: &TotpCode) -> Result<User, ApiError> {
        let mut r = super::request(Method::Delete, "/v1/users/me/mfa".into(), Some(req))?;
        r.idempotency_key = None;
        let resp = self.execute(r).await?;
        super::decode(&resp.body)
    }

    // ------------------------------------------------------------ users (admin)

    pub async fn list_users(&self) -> Result<Vec<User>, ApiError> {
        self.user_pages().collect().await
    }

    /// The server's users page by page, by username.
    pub fn user_pages(&self) -> super::Pages<User> {
        self.pages("/v1/users".into())
    }

    pub async fn create_user(&self, req: &CreateUser) -> Result<User, ApiError> {
        self.call(Method::Post, "/v1/users".into(), Some(req)).await
    }

    pub async fn update_user(&self, id: &str, req: &UpdateUser) -> Result<User, ApiError> {
        self.call(Method::Patch, format!("/v1/users/{}", enc(id)), Some(req))
            .await
    }

    /// A server administrator turns off a user's MFA (a lost device).
    pub async fn reset_user_mfa(&self, id: &str) -> Result<User, ApiError> {
        self.call(Method::Delete, format!("/v1/users/{}/mfa", enc(id)), None::<&()>)
            .await
    }

    pub async fn delete_user(&self, id: &str) -> Result<(), ApiError> {
        self.call_empty(Method::Delete, format!("/v1/users/{}", enc(id)))
            .await
    }

    pub async fn create_user_token(&self, id: &str, req: &CreateToken) -> Result<CreatedToken, ApiError> {
        self.call(Method::Post, format!("/v1/users/{}/tokens", enc(id)), Some(req))
            .await
    }

    // ------------------------------------------------------------ orgs

    pub async fn list_orgs(&self) -> Result<Vec<Org>, ApiError> {
        self.list("/v1/orgs".into()).await
    }

    pub async fn get_org(&self, org: &str) -> Result<Org, ApiError> {
        self.call(Method::Get, format!("/v1/orgs/{}", enc(org)), None::<&()>)
            .await
    }

    pub async fn create_org(&self, req: &CreateOrg) -> Result<Org, ApiError> {
        self.call(Method::Post, "/v1/orgs".into(), Some(req)).await
    }

    pub async fn update_org(&self, org: &str, req: &UpdateOrg) -> Result<Org, ApiError> {
        self.call(Method::Patch, format!("/v1/orgs/{}", enc(org)), Some(req))
            .await
    }

    pub async fn list_org_members(&self, org: &str) -> Result<Vec<OrgMember>, ApiError> {
        self.list(format!("/v1/orgs/{}/members", enc(org))).await
    }

    /// Adds a member or sets their role; `true` when they were added.
    pub async fn set_org_member(
        &self,
        org: &str,
        user: &str,
        req: &SetOrgMember,
    ) -> Result<(OrgMember, bool), ApiError> {
        let path = format!("/v1/orgs/{}/members/{}", enc(org), enc(user));
        let resp = self
            .execute(super::request(Method::Put, path, Some(req))?)
            .await?;
        Ok((super::decode(&resp.body)?, resp.status == 201))
    }

    pub async fn remove_org_member(&self, org: &str, user: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("/v1/orgs/{}/members/{}", enc(org), enc(user)),
        )
        .await
    }

    pub async fn list_preset_roles(&self, preset: &str) -> Result<Vec<PresetRoleInfo>, ApiError> {
        self.list(format!("/v1/presets/{}/roles", enc(preset))).await
    }

    pub async fn update_preset_role(
        &self,
        preset: &str,
        role: &str,
        req: &UpdatePresetRole,
    ) -> Result<PresetRoleInfo, ApiError> {
        self.call(
            Method::Put,
            format!("/v1/presets/{}/roles/{}", enc(preset), enc(role)),
            Some(req),
        )
        .await
    }

    pub async fn list_org_invitations(&self, org: &str) -> Result<Vec<OrgInvitation>, ApiError> {
        self.list(format!("/v1/orgs/{}/invitations", enc(org))).await
    }

    pub async fn create_org_invitations(
        &self,
        org: &str,
        req: &CreateOrgInvitations,
    ) -> Result<OrgInviteResponse, ApiError> {
        self.call(
            Method::Post,
            format!("/v1/orgs/{}/invitations", enc(org)),
            Some(req),
        )
        .await
    }

    pub async fn delete_org_invitation(&self, org: &str, id_or_email: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("/v1/orgs/{}/invitations/{}", enc(org), enc(id_or_email)),
        )
        .await
    }

    pub async fn list_org_roles(&self, org: &str) -> Result<Vec<OrgRole>, ApiError> {
        self.list(format!("/v1/orgs/{}/roles", enc(org))).await
    }

    pub async fn get_org_role(&self, org: &str, role: &str) -> Result<OrgRole, ApiError> {
        self.call(
            Method::Get,
            format!("/v1/orgs/{}/roles/{}", enc(org), enc(role)),
            None::<&()>,
        )
        .await
    }

    pub async fn create_org_role(&self, org: &str, doc: &OrgRole) -> Result<OrgRole, ApiError> {
        self.call(Method::Post, format!("/v1/orgs/{}/roles", enc(org)), Some(doc))
            .await
    }

    pub async fn update_org_role(&self, org: &str, role: &str, doc: &OrgRole) -> Result<OrgRole, ApiError> {
        self.call(
            Method::Put,
            format!("/v1/orgs/{}/roles/{}", enc(org), enc(role)),
            Some(doc),
        )
        .await
    }

    pub async fn delete_org_role(&self, org: &str, role: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("/v1/orgs/{}/roles/{}", enc(org), enc(role)),
        )
        .await
    }

    pub async fn list_clusters(&self, org: &str) -> Result<Vec<Cluster>, ApiError> {
        self.list(format!("/v1/orgs/{}/clusters", enc(org))).await
    }

    pub async fn create_cluster(&self, org: &str, req: &CreateCluster) -> Result<Cluster, ApiError> {
        self.call(Method::Post, format!("/v1/orgs/{}/clusters", enc(org)), Some(req))
            .await
    }

    pub async fn delete_cluster(&self, org: &str, cluster: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("/v1/orgs/{}/clusters/{}", enc(org), enc(cluster)),
        )
        .await
    }

    pub async fn list_server_roles(&self, org: &str) -> Result<Vec<ServerRole>, ApiError> {
        self.list(format!("/v1/orgs/{}/project-roles", enc(org))).await
    }

    pub async fn create_server_role(
        &self,
        org: &str,
        req: &CreateServerRole,
    ) -> Result<ServerRole, ApiError> {
        self.call(
            Method::Post,
            format!("/v1/orgs/{}/project-roles", enc(org)),
            Some(req),
        )
        .await
    }

    pub async fn update_server_role(
        &self,
        org: &str,
        role: &str,
        req: &CreateServerRole,
    ) -> Result<ServerRole, ApiError> {
        self.call(
            Method::Put,
            format!("/v1/orgs/{}/project-roles/{}", enc(org), enc(role)),
            Some(req),
        )
        .await
    }

    pub async fn delete_server_role(&self, org: &str, role: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("/v1/orgs/{}/project-roles/{}", enc(org), enc(role)),
        )
        .await
    }

    // ------------------------------------------------------------ teams (of an org: `?org=`)

    pub async fn list_teams(&self, org: &str) -> Result<Vec<Team>, ApiError> {
        self.list(format!("/v1/teams?org={}", enc(org))).await
    }

    pub async fn create_team(&self, req: &CreateTeam) -> Result<Team, ApiError> {
        self.call(Method::Post, "/v1/teams".into(), Some(req)).await
    }

    pub async fn delete_team(&self, org: &str, team: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("/v1/teams/{}?org={}", enc(team), enc(org)),
        )
        .await
    }

    pub async fn list_team_members(&self, org: &str, team: &str) -> Result<Vec<TeamMember>, ApiError> {
        self.list(format!("/v1/teams/{}/members?org={}", enc(team), enc(org)))
            .await
    }

    /// Adds a member; `true` when they were added, `false` when they already were one.
    pub async fn add_team_member(
        &self,
        org: &str,
        team: &str,
        user: &str,
    ) -> Result<(TeamMember, bool), ApiError> {
        let path = format!("/v1/teams/{}/members/{}?org={}", enc(team), enc(user), enc(org));
        let resp = self
            .execute(super::request(Method::Put, path, None::<&()>)?)
            .await?;
        Ok((super::decode(&resp.body)?, resp.status == 201))
    }

    pub async fn remove_team_member(&self, org: &str, team: &str, user: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("/v1/teams/{}/members/{}?org={}", enc(team), enc(user), enc(org)),
        )
        .await
    }

    // ------------------------------------------------------------ projects

    pub async fn list_projects(&self) -> Result<Vec<Project>, ApiError> {
        self.project_pages().collect().await
    }

    /// The caller's projects page by page, by name (case-insensitive), then id.
    pub fn project_pages(&self) -> super::Pages<Project> {
        self.pages("/v1/projects".into())
    }

    pub async fn create_project(&self, req: &CreateProject) -> Result<Project, ApiError> {
        self.call(Method::Post, "/v1/projects".into(), Some(req)).await
    }

    pub async fn get_project(&self, project: &str) -> Result<Project, ApiError> {
        self.call(Method::Get, project_path(project), None::<&()>).await
    }

    pub async fn update_project(&self, project: &str, req: &UpdateProject) -> Result<Project, ApiError> {
        self.call(Method::Patch, project_path(project), Some(req)).await
    }

    pub async fn delete_project(&self, project: &str) -> Result<(), ApiError> {
        self.call_empty(Method::Delete, project_path(project)).await
    }

    // ------------------------------------------------------------ roles

    pub async fn list_permissions(&self) -> Result<Vec<PermissionInfo>, ApiError> {
        self.list("/v1/permissions".into()).await
    }

    pub async fn list_roles(&self, project: &str) -> Result<Vec<Role>, ApiError> {
        self.list(format!("{}/roles", project_path(project))).await
    }

    pub async fn get_role(&self, project: &str, role: &str) -> Result<Role, ApiError> {
        self.call(
            Method::Get,
            format!("{}/roles/{}", project_path(project), enc(role)),
            None::<&()>,
        )
        .await
    }

    /// The role and the project's ETag it was read at (for `If-Match`).
    pub async fn get_role_tagged(
        &self,
        project: &str,
        role: &str,
    ) -> Result<(Role, Option<String>), ApiError> {
        let path = format!("{}/roles/{}", project_path(project), enc(role));
        self.call_tagged(Method::Get, path, None::<&()>, None).await
    }

    pub async fn create_role(&self, project: &str, req: &CreateRole) -> Result<Role, ApiError> {
        self.call(
            Method::Post,
            format!("{}/roles", project_path(project)),
            Some(req),
        )
        .await
    }

    /// Changes a custom role; with `if_match`, only if the project is still at that ETag
    /// (412 otherwise).
    pub async fn update_role(
        &self,
        project: &str,
        role: &str,
        req: &UpdateRole,
        if_match: Option<&str>,
    ) -> Result<Role, ApiError> {
        let path = format!("{}/roles/{}", project_path(project), enc(role));
        self.call_tagged(Method::Put, path, Some(req), if_match)
            .await
            .map(|(r, _)| r)
    }

    pub async fn delete_role(&self, project: &str, role: &str) -> Result<(), ApiError> {
        let path = format!("{}/roles/{}", project_path(project), enc(role));
        self.call_empty(Method::Delete, path).await
    }

    pub async fn check_permissions(
        &self,
        project: &str,
        req: &PermissionCheckRequest,
    ) -> Result<PermissionCheckResponse, ApiError> {
        let path = format!("{}/permissions:check", project_path(project));
        self.call(Method::Post, path, Some(req)).await
    }

    // ------------------------------------------------------------ policy

    /// Every binding of the project as one document, with its `etag`.
    pub async fn get_policy(&self, project: &str) -> Result<PolicyDocument, ApiError> {
        self.call(
            Method::Get,
            format!("{}/policy", project_path(project)),
            None::<&()>,
        )
        .await
    }

    /// Makes the project's bindings exactly `doc.bindings` (412 when `doc.etag` is stale).
    pub async fn put_policy(&self, project: &str, doc: &PolicyDocument) -> Result<PolicyDocument, ApiError> {
        self.call(
            Method::Put,
            format!("{}/policy", project_path(project)),
            Some(doc),
        )
        .await
    }

    // ------------------------------------------------------------ role bindings

    pub async fn list_role_bindings(
        &self,
        project: &str,
        role: Option<&str>,
        principal_type: Option<PrincipalType>,
    ) -> Result<Vec<RoleBinding>, ApiError> {
        self.role_binding_pages(project, role, principal_type)
            .collect()
            .await
    }

    /// The project's bindings page by page, in the server's order (role rank, then
    /// principal, then id).
    pub fn role_binding_pages(
        &self,
        project: &str,
        role: Option<&str>,
        principal_type: Option<PrincipalType>,
    ) -> super::Pages<RoleBinding> {
        let q = query(&[
            ("role", role),
            ("principal_type", principal_type.map(PrincipalType::as_str)),
        ]);
        self.pages(format!("{}/role-bindings{q}", project_path(project)))
    }

    /// The bindings whose id starts with `prefix` (`id_prefix=`; filtered here
    /// too, for a server that does not know the parameter).
    pub async fn role_bindings_with_prefix(
        &self,
        project: &str,
        prefix: &str,
    ) -> Result<Vec<RoleBinding>, ApiError> {
        let q = query(&[("id_prefix", Some(prefix))]);
        let prefix = prefix.to_ascii_lowercase();
        let mut found: Vec<RoleBinding> = self
            .list(format!("{}/role-bindings{q}", project_path(project)))
            .await?;
        found.retain(|b| b.id.to_ascii_lowercase().starts_with(&prefix));
        Ok(found)
    }

    pub async fn create_role_binding(
        &self,
        project: &str,
        req: &CreateRoleBinding,
    ) -> Result<RoleBinding, ApiError> {
        self.call(
            Method::Post,
            format!("{}/role-bindings", project_path(project)),
            Some(req),
        )
        .await
    }

    pub async fn delete_role_binding(&self, project: &str, id: &str) -> Result<(), ApiError> {
        self.call_empty(
            Method::Delete,
            format!("{}/role-bindings/{}", project_path(project), enc(id)),
        )
        .await
    }

    // ------------------------------------------------------------ members

    pub async fn list_members(&self, project: &str) -> Result<Vec<Member>, ApiError> {
        self.list(format!("{}/members", project_path(project))).await
    }

    /// The member ends with exactly `req.role` in the project.
    pub async fn set_member_role(
        &self,
        project: &str,
        member: &str,
        req: &SetMemberRole,
    ) -> Result<Member, ApiError> {
        let path = format!("{}/members/{}", project_path(project), enc(member));
        self.call(Method::Put, path, Some(req)).await
    }

    /// Removes every direct binding of the member; `me` = leave the project.
    pub async fn remove_member(&self, project: &str, member: &str) -> Result<(), ApiError> {
        let path = format!("{}/members/{}", project_path(project), enc(member));
        self.call_empty(Method::Delete, path).await
    }

    // ------------------------------------------------------------ invitations

    pub async fn list_invitations(&self, project: &str) -> Result<Vec<Invitation>, ApiError> {
        self.list(format!("{}/invitations", project_path(project))).await
    }

    /// `idempotency_key` replaces the client's random key: the same batch sent with
    /// the same key (a retry, a re-run with `--idempotency-key`) is answered by the
    /// server's first response instead of being applied twice.
    pub async fn create_invitations(
        &self,
        project: &str,
        req: &CreateInvitations,
        idempotency_key: &str,
    ) -> Result<InviteResponse, ApiError> {
        let path = format!("{}/invitations", project_path(project));
        self.post_with_key(path, req, idempotency_key).await
    }

    pub async fn delete_invitation(&self, project: &str, id_or_email: &str) -> Result<(), ApiError> {
        let path = format!("{}/invitations/{}", project_path(project), enc(id_or_email));
        self.call_empty(Method::Delete, path).await
    }

    pub async fn resend_invitation(&self, project: &str, id_or_email: &str) -> Result<Invitation, ApiError> {
        let path = format!(
            "{}/invitations/{}/resend",
            project_path(project),
            enc(id_or_email)
        );
        self.call(Method::Post, path, None::<&()>).await
    }

    pub async fn accept_invitation(&self, req: &AcceptInvitation) -> Result<AcceptResponse, ApiError> {
        self.call(Method::Post, "/v1/invitations/accept".into(), Some(req))
            .await
    }

    // ------------------------------------------------------------ audit

    /// The events of `scope` page by page, newest first.
    pub fn audit_event_pages(
        &self,
        scope: AuditScope<'_>,
        since: Option<&str>,
        action: Option<&str>,
        actor: Option<&str>,
    ) -> super::Pages<AuditEvent> {
        let q = query(&[("since", since), ("action", action), ("actor", actor)]);
        let base = match scope {
            AuditScope::Project(p) => format!("{}/audit-events", project_path(p)),
            AuditScope::Org(o) => format!("/v1/orgs/{}/audit-events", enc(o)),
            AuditScope::Server => "/v1/audit-events".into(),
        };
        self.pages(format!("{base}{q}"))
    }
}

/// Whose audit log `audit_event_pages` reads.
#[derive(Debug, Clone, Copy)]
pub enum AuditScope<'a> {
    Project(&'a str),
    Org(&'a str),
    Server,
}
