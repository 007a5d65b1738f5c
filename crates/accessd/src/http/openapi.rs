//! `GET /v1/openapi.json`: the OpenAPI 3.1 document, built from the wire types'
//! schemas (utoipa derives in access-api, feature `openapi`) and the route
//! table below. A test calls every operation listed here, so a route that
//! disappears from the router fails the suite.

use access_api as api;
use utoipa::ToSchema;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, RefOr,
    Required, ResponseBuilder, Schema,
};

/// What an operation answers with on success.
enum Out {
    Empty,
    One(&'static str),
    Page(&'static str),
}

/// One row per operation: method, path (under /v1 unless it starts with `/`),
/// summary, request body schema, success status, success body.
type Row = (
    HttpMethod,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Out,
);

#[rustfmt::skip]
fn table() -> Vec<Row> {
    use HttpMethod::{Delete, Get, Patch, Post, Put};
    use Out::{Empty, One, Page};
    vec![
        (Get, "/healthz", "Liveness", None, "200", Empty),
        (Get, "/readyz", "Readiness (database reachable)", None, "200", Empty),
        (Get, "/meta", "Server version, database kind, bootstrapped", None, "200", One("Meta")),
        (Post, "/bootstrap", "Create the first administrator (once)", Some("CreateUser"), "201", One("BootstrapResponse")),
        (Get, "/permissions", "The permission catalogue", None, "200", Page("PermissionInfo")),
        (Get, "/users/me", "The caller", None, "200", One("User")),
        (Patch, "/users/me", "Change the caller's name", Some("UpdateUser"), "200", One("User")),
        (Get, "/users/me/tokens", "The caller's tokens", None, "200", Page("TokenInfo")),
        (Post, "/users/me/tokens", "Create a token (shown once)", Some("CreateToken"), "201", One("CreatedToken")),
        (Delete, "/users/me/tokens/{id}", "Revoke a token", None, "204", Empty),
        (Get, "/users/me/invitations", "Open invitations to the caller's email", None, "200", Page("Invitation")),
        (Post, "/users/me/mfa", "Enrol in TOTP MFA: a new secret and otpauth URI, shown once (409 mfa-enabled when on)", None, "201", One("MfaEnrollment")),
        (Post, "/users/me/mfa/confirm", "Turn MFA on with a code of the enrolment (401 totp-required when wrong)", Some("TotpCode"), "200", One("User")),
        (Delete, "/users/me/mfa", "Turn MFA off; needs a current code (401 totp-required when wrong)", Some("TotpCode"), "200", One("User")),
        (Post, "/auth/email-code", "Mail a one-time login code (8 digits, 10 minutes, 5 tries); 202 whether or not the email has an account; 501 mail-not-configured without mail delivery", Some("EmailCodeRequest"), "202", One("EmailCodeSent")),
        (Post, "/auth/email-code/verify", "Exchange a login code for a token (401 unauthenticated for a wrong, used or expired code; after a right one, 401 totp-required when the account has MFA and totp is missing or wrong)", Some("EmailCodeVerify"), "200", One("CreatedToken")),
        (Get, "/users", "Users (administrators)", None, "200", Page("User")),
        (Post, "/users", "Create a user (administrators)", Some("CreateUser"), "201", One("User")),
        (Get, "/users/{id}", "A user by id, username or email", None, "200", One("User")),
        (Patch, "/users/{id}", "Change or disable a user (409 last-admin for the last active administrator)", Some("UpdateUser"), "200", One("User")),
        (Delete, "/users/{id}", "Delete a user (409 last-admin for the last active administrator)", None, "204", Empty),
        (Post, "/users/{id}/tokens", "Create a token for a user", Some("CreateToken"), "201", One("CreatedToken")),
        (Delete, "/users/{id}/mfa", "Reset a user's MFA after a lost device (administrators; audited as user.mfa-reset; no change for a user without MFA)", None, "200", One("User")),
        (Get, "/orgs", "The caller's organizations", None, "200", Page("Org")),
        (Post, "/orgs", "Create an organization (server administrators; the caller becomes its owner)", Some("CreateOrg"), "201", One("Org")),
        (Get, "/orgs/{org}", "An organization", None, "200", One("Org")),
        (Patch, "/orgs/{org}", "Rename an organization (its owners and admins)", Some("UpdateOrg"), "200", One("Org")),
        (Get, "/orgs/{org}/members", "The organization's members and their org roles", None, "200", Page("OrgMember")),
        (Put, "/orgs/{org}/members/{user}", "Add an existing user (201) or set a member's org role (200); 409 last-owner", Some("SetOrgMember"), "201", One("OrgMember")),
        (Delete, "/orgs/{org}/members/{user}", "Remove a member (`me`: leave); 409 last-owner", None, "204", Empty),
        (Get, "/presets/{preset}/roles", "A preset's default roles as this server has them (`modified`: changed by a server administrator)", None, "200", Page("PresetRoleInfo")),
        (Put, "/presets/{preset}/roles/{role}", "Give a preset's (not owner-grade) default role new permissions in every project of the preset on this server, now and later (server administrators; audited)", Some("UpdatePresetRole"), "200", One("PresetRoleInfo")),
        (Get, "/orgs/{org}/invitations", "The organization's open invitations (its owners and admins)", None, "200", Page("OrgInvitation")),
        (Post, "/orgs/{org}/invitations", "Invite emails into the organization with one org role (who may: as for adding a member); a result per email", Some("CreateOrgInvitations"), "201", One("OrgInviteResponse")),
        (Delete, "/orgs/{org}/invitations/{invitation}", "Revoke an org invitation (id or email)", None, "204", Empty),
        (Get, "/orgs/{org}/roles", "The base org roles, then the org's custom roles", None, "200", Page("OrgRole")),
        (Post, "/orgs/{org}/roles", "Create a custom org role (Qovery's customRole shape; owners and admins)", Some("OrgRole"), "201", One("OrgRole")),
        (Get, "/orgs/{org}/roles/{role}", "An org role", None, "200", One("OrgRole")),
        (Put, "/orgs/{org}/roles/{role}", "Replace a custom org role's document", Some("OrgRole"), "200", One("OrgRole")),
        (Delete, "/orgs/{org}/roles/{role}", "Delete a custom org role nobody holds (409 role-in-use)", None, "204", Empty),
        (Get, "/orgs/{org}/clusters", "The org's clusters", None, "200", Page("Cluster")),
        (Post, "/orgs/{org}/clusters", "Create a cluster (owners and admins)", Some("CreateCluster"), "201", One("Cluster")),
        (Delete, "/orgs/{org}/clusters/{cluster}", "Delete a cluster no org role grants on (409 role-in-use)", None, "204", Empty),
        (Get, "/orgs/{org}/project-roles", "Server-wide project roles of the org (Loft)", None, "200", Page("ServerRole")),
        (Post, "/orgs/{org}/project-roles", "Define a role in every project of the org (server administrators; `from` copies a role)", Some("CreateServerRole"), "201", One("ServerRole")),
        (Put, "/orgs/{org}/project-roles/{role}", "Change a server-wide role in every project at once", Some("CreateServerRole"), "200", One("ServerRole")),
        (Delete, "/orgs/{org}/project-roles/{role}", "Delete a server-wide role no project binds (409 role-in-use)", None, "204", Empty),
        (Get, "/teams", "The org's teams (everyone in the org)", None, "200", Page("Team")),
        (Post, "/teams", "Create a team (org owners and admins)", Some("CreateTeam"), "201", One("Team")),
        (Get, "/teams/{team}", "A team by id or name", None, "200", One("Team")),
        (Delete, "/teams/{team}", "Delete a team no binding uses (409 team-in-use otherwise)", None, "204", Empty),
        (Get, "/teams/{team}/members", "The team's members", None, "200", Page("TeamMember")),
        (Put, "/teams/{team}/members/{user}", "Add an org member to the team (201; 200 when already one)", None, "201", One("TeamMember")),
        (Delete, "/teams/{team}/members/{user}", "Remove a member from the team", None, "204", Empty),
        (Get, "/projects", "Projects the caller can see", None, "200", Page("Project")),
        (Post, "/projects", "Create a project (409 name-taken; existing_id only when the caller can see that project)", Some("CreateProject"), "201", One("Project")),
        (Get, "/projects/{project}", "A project by id or name", None, "200", One("Project")),
        (Patch, "/projects/{project}", "Rename or describe a project, or set its MFA policy (require_mfa: owners.manage; grants and invitations of covered roles to principals without MFA are then 409 mfa-required)", Some("UpdateProject"), "200", One("Project")),
        (Delete, "/projects/{project}", "Delete a project", None, "204", Empty),
        (Get, "/projects/{project}/roles", "The project's roles", None, "200", Page("Role")),
        (Post, "/projects/{project}/roles", "Create a custom role", Some("CreateRole"), "201", One("Role")),
        (Get, "/projects/{project}/roles/{role}", "A role", None, "200", One("Role")),
        (Put, "/projects/{project}/roles/{role}", "Change a custom role", Some("UpdateRole"), "200", One("Role")),
        (Delete, "/projects/{project}/roles/{role}", "Delete a custom role", None, "204", Empty),
        (Get, "/projects/{project}/permissions/me", "The caller's roles and permissions", None, "200", One("MyPermissions")),
        (Post, "/projects/{project}/permissions:check", "Check permissions", Some("PermissionCheckRequest"), "200", One("PermissionCheckResponse")),
        (Get, "/projects/{project}/role-bindings", "Role bindings (filters role, principal_type, id_prefix)", None, "200", Page("RoleBinding")),
        (Post, "/projects/{project}/role-bindings", "Grant a role", Some("CreateRoleBinding"), "201", One("RoleBinding")),
        (Get, "/projects/{project}/role-bindings/{id}", "A role binding", None, "200", One("RoleBinding")),
        (Delete, "/projects/{project}/role-bindings/{id}", "Revoke a role binding", None, "204", Empty),
        (Get, "/projects/{project}/members", "Members and open invitations", None, "200", Page("Member")),
        (Put, "/projects/{project}/members/{member}", "Set a member's one role", Some("SetMemberRole"), "200", One("Member")),
        (Delete, "/projects/{project}/members/{member}", "Remove a member (`me` = leave)", None, "204", Empty),
        (Get, "/projects/{project}/policy", "Every binding as one document (+ etag)", None, "200", One("PolicyDocument")),
        (Put, "/projects/{project}/policy", "Apply a policy document (a checked diff; 412 on a stale etag)", Some("PolicyDocument"), "200", One("PolicyDocument")),
        (Get, "/projects/{project}/invitations", "Open invitations", None, "200", Page("Invitation")),
        (Post, "/projects/{project}/invitations", "Invite 1–100 emails (with mail delivery the codes go by mail only: delivery `mail`, no code)", Some("CreateInvitations"), "201", One("InviteResponse")),
        (Get, "/projects/{project}/invitations/{invitation}", "An invitation by id or email", None, "200", One("Invitation")),
        (Delete, "/projects/{project}/invitations/{invitation}", "Revoke an invitation", None, "204", Empty),
        (Post, "/projects/{project}/invitations/{invitation}/resend", "New code and expiry (mailed, or returned with delivery `inviter` when no mail delivery is configured)", None, "200", One("Invitation")),
        (Post, "/invitations/accept", "Accept an invitation by code (an email that has an account: signed in as that account, else 401; a new email: creates the account, bound in that project only; an org invitation: adds the org membership, a new account only when the code was mailed)", Some("AcceptInvitation"), "200", One("AcceptResponse")),
        (Post, "/invitations/decline", "Decline an invitation by code", Some("AcceptInvitation"), "204", Empty),
        (Get, "/projects/{project}/audit-events", "Project audit log, newest first", None, "200", Page("AuditEvent")),
        (Get, "/orgs/{org}/audit-events", "Org audit log: its teams and projects (org owners and admins), newest first", None, "200", Page("AuditEvent")),
        (Get, "/audit-events", "Server audit log (administrators)", None, "200", Page("AuditEvent")),
        (Get, "/openapi.json", "This document", None, "200", Empty),
    ]
}

/// Operations that need no token.
const PUBLIC: &[&str] = &[
    "/healthz",
    "/readyz",
    "/meta",
    "/bootstrap",
    "/openapi.json",
    "/invitations/accept",
    "/invitations/decline",
    "/auth/email-code",
    "/auth/email-code/verify",
];

/// The operations of the document: (method, full path), for tests.
pub fn operations() -> Vec<(String, String)> {
    table()
        .into_iter()
        .map(|(m, p, ..)| (method_name(&m).to_owned(), full_path(p)))
        .collect()
}

fn method_name(m: &HttpMethod) -> &'static str {
    match m {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Delete => "DELETE",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Options => "OPTIONS",
        HttpMethod::Head => "HEAD",
        HttpMethod::Trace => "TRACE",
    }
}

fn full_path(p: &str) -> String {
    if p == "/healthz" || p == "/readyz" {
        p.to_owned()
    } else {
        format!("/v1{p}")
    }
}

fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut out = Vec::new();
    macro_rules! add {
        ($($t:ty),*) => {$(
            out.push((<$t as ToSchema>::name().into_owned(), <$t as utoipa::PartialSchema>::schema()));
            <$t as ToSchema>::schemas(&mut out);
        )*};
    }
    add!(
        api::Meta,
        api::User,
        api::CreateUser,
        api::UpdateUser,
        api::BootstrapResponse,
        api::TokenInfo,
        api::CreatedToken,
        api::CreateToken,
        api::Ref,
        api::Org,
        api::Project,
        api::CreateProject,
        api::UpdateProject,
        api::Role,
        api::CreateRole,
        api::UpdateRole,
        api::PermissionInfo,
        api::MyPermissions,
        api::PermissionCheckRequest,
        api::PermissionCheck,
        api::Grant,
        api::PermissionCheckResponse,
        api::Principal,
        api::PrincipalType,
        api::PrincipalSelector,
        api::RoleBinding,
        api::CreateRoleBinding,
        api::MemberStatus,
        api::Member,
        api::SetMemberRole,
        api::InvitationStatus,
        api::InvitationDelivery,
        api::Invitation,
        api::CreateInvitations,
        api::InviteStatus,
        api::InviteResult,
        api::InviteResponse,
        api::AcceptInvitation,
        api::AcceptResponse,
        api::OrgInvitation,
        api::PresetRoleInfo,
        api::UpdatePresetRole,
        api::CreateOrgInvitations,
        api::OrgInviteResult,
        api::OrgInviteResponse,
        api::AuditEvent,
        api::PolicyBinding,
        api::Team,
        api::CreateTeam,
        api::TeamMember,
        api::CreateOrg,
        api::UpdateOrg,
        api::OrgMember,
        api::SetOrgMember,
        api::OrgRole,
        api::Cluster,
        api::CreateCluster,
        api::ServerRole,
        api::CreateServerRole,
        api::PolicyDocument,
        api::EmailCodeRequest,
        api::EmailCodeSent,
        api::EmailCodeVerify,
        api::MfaEnrollment,
        api::TotpCode,
        api::MfaPolicy,
        api::Problem,
        api::ProblemCode,
        api::FieldError
    );
    out
}

fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

fn page_of(name: &str) -> Schema {
    ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(schema_ref(name)))
        .required("items")
        .property(
            "next_cursor",
            ObjectBuilder::new().schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Null,
            ])),
        )
        .into()
}

fn param(name: &str, location: ParameterIn, required: bool) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(location)
        .required(if required { Required::True } else { Required::False })
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

/// Builds the document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for (method, path, summary, body, status, out) in table() {
        let mut op = OperationBuilder::new().summary(Some(summary));
        for seg in path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.parameter(param(name, ParameterIn::Path, true));
            }
        }
        if matches!(out, Out::Page(_)) && method == HttpMethod::Get {
            for q in ["limit", "cursor"] {
                op = op.parameter(param(q, ParameterIn::Query, false));
            }
            let extra: &[&str] = if path.ends_with("role-bindings") {
                &["role", "principal_type", "id_prefix"]
            } else if path.ends_with("audit-events") {
                &["action", "actor", "since", "until"]
            } else {
                &[]
            };
            for q in extra {
                op = op.parameter(param(q, ParameterIn::Query, false));
            }
        }
        if path.starts_with("/teams/") || (path == "/teams" && method == HttpMethod::Get) {
            // The org of the team; `default` unless given (POST takes it in the body).
            op = op.parameter(param("org", ParameterIn::Query, false));
        }
        if let Some(b) = body {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(schema_ref(b))).build(),
                    )
                    .required(Some(Required::True))
                    .build(),
            ));
        }
        let ok = match out {
            Out::Empty => ResponseBuilder::new().description("success"),
            Out::One(s) => ResponseBuilder::new().description("success").content(
                "application/json",
                ContentBuilder::new().schema(Some(schema_ref(s))).build(),
            ),
            Out::Page(s) => ResponseBuilder::new().description("a page").content(
                "application/json",
                ContentBuilder::new().schema(Some(page_of(s))).build(),
            ),
        };
        let problem = ResponseBuilder::new()
            .description("an RFC 9457 problem with a stable `code`")
            .content(
                "application/problem+json",
                ContentBuilder::new().schema(Some(schema_ref("Problem"))).build(),
            );
        if method == HttpMethod::Put && path == "/teams/{team}/members/{user}" {
            // Already a member: nothing changes, the member comes back with 200.
            op = op.response(
                "200",
                ResponseBuilder::new().description("already a member").content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(schema_ref("TeamMember")))
                        .build(),
                ),
            );
        }
        op = op.response(status, ok).response("default", problem);
        if PUBLIC.contains(&path) {
            // No token needed (accept/decline take one optionally).
            op = op.securities(Some(vec![SecurityRequirement::default()]));
        }
        paths = paths.path(full_path(path), PathItem::new(method, op));
    }
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas())
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("accessd")
                .version(env!("CARGO_PKG_VERSION"))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .security(Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]))
        .build()
}

pub async fn serve_document() -> axum::response::Response {
    super::respond::json(axum::http::StatusCode::OK, &document(), None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_referenced_schema_exists() {
        let doc = serde_json::to_value(super::document()).unwrap();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "missing schema {name}");
        }
        assert!(doc["paths"]["/v1/projects/{project}/role-bindings"]["post"].is_object());
    }

    #[test]
    fn documents_invitation_delivery_and_last_admin() {
        let doc = serde_json::to_value(super::document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let delivery = schemas["Invitation"]["properties"]["delivery"].to_string();
        assert!(
            delivery.contains("#/components/schemas/InvitationDelivery"),
            "{delivery}"
        );
        assert_eq!(
            schemas["InvitationDelivery"]["enum"],
            serde_json::json!(["mail", "inviter"])
        );
        let codes = schemas["ProblemCode"].to_string();
        assert!(codes.contains("\"last-admin\""), "{codes}");
        for code in [
            "mail-not-configured",
            "totp-required",
            "mfa-enabled",
            "mfa-not-enabled",
        ] {
            assert!(codes.contains(&format!("\"{code}\"")), "{code} not in {codes}");
        }
        let verify = &doc["paths"]["/v1/auth/email-code/verify"]["post"];
        assert!(verify["security"].is_array(), "{verify}");
        let accept = doc["paths"]["/v1/invitations/accept"]["post"]["summary"]
            .as_str()
            .unwrap();
        assert!(accept.contains("signed in as that account"), "{accept}");
    }
}
