//! Request and response bodies. Requests deny unknown fields (the server answers
//! 422); responses accept them, so an older client keeps working with a newer server.
//! Times are RFC 3339 UTC strings; ids are UUIDv7 strings.

use serde::{Deserialize, Serialize};

/// A page of a list: `{"items": [...], "next_cursor": "..." | null}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// `GET /v1/meta`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub version: String,
    pub api_version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub bootstrapped: bool,
}

// ---------------------------------------------------------------- users & tokens

/// A user, as seen by a server administrator or by the user themself.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Server administrator.
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub mfa_enabled: bool,
    pub created_at: String,
}

/// `POST /v1/bootstrap`, `POST /v1/users`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub username: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `PATCH /v1/users/{id}` and `PATCH /v1/users/me` (only `name` for oneself).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
}

/// `POST /v1/bootstrap` → 201: the first administrator and their token (shown once).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootstrapResponse {
    pub user: User,
    pub token: CreatedToken,
}

/// An API token's metadata (never the token itself).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub created_at: String,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub last_used_at: Option<String>,
}

/// `POST …/tokens` → 201: the only response that carries the token.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub info: TokenInfo,
    /// `acc_` + 43 base62 characters.
    pub token: String,
}

/// `POST /v1/users/me/tokens`, `POST /v1/users/{id}/tokens`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<u32>,
}

// ---------------------------------------------------------------- orgs & projects

/// `{id, name}` of a related object.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    pub id: String,
    pub name: String,
}

/// An organization.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

/// A project.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub org: Ref,
    pub role_preset: String,
    /// Bumped by every access change; sent as the `ETag`.
    pub policy_version: i64,
    pub created_at: String,
    /// The caller's roles in the project.
    #[serde(default)]
    pub my_roles: Vec<String>,
    /// Which roles need MFA (`none`, `owner-grade`, `all`).
    #[serde(default)]
    pub require_mfa: crate::MfaPolicy,
}

/// `POST /v1/projects`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `akka` (default), `goldsky` or `loft`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_preset: Option<String>,
    /// Org name or id; default `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// `PATCH /v1/projects/{project}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Changing it needs an owner-grade role (`owners.manage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_mfa: Option<crate::MfaPolicy>,
}

// ---------------------------------------------------------------- roles

/// A project role (built-in from the preset, or custom).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub built_in: bool,
    pub owner_grade: bool,
    /// 0 = most powerful; bindings sort by it.
    pub rank: i64,
    pub permissions: Vec<String>,
    /// A server-wide role (defined for every project of the org by a server
    /// administrator; changed only there).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub server_wide: bool,
    /// A built-in role whose permissions a server administrator changed for
    /// this server (`PUT /v1/presets/{preset}/roles/{role}`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub modified: bool,
}

/// A preset's default role as this server has it: `GET /v1/presets/{preset}/roles`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresetRoleInfo {
    pub preset: String,
    pub name: String,
    pub owner_grade: bool,
    /// The permissions projects of the preset give the role on this server.
    pub permissions: Vec<String>,
    /// The preset's own permissions for it.
    pub default_permissions: Vec<String>,
    /// Whether `permissions` differ from `default_permissions`.
    pub modified: bool,
    /// Projects of the preset on this server (all of them have the role); only
    /// in the `PUT` response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projects: Option<u64>,
}

/// `PUT /v1/presets/{preset}/roles/{role}` (server administrators): the role's
/// permissions in every project of the preset on this server, now and later.
/// The preset's own permissions again remove the change.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePresetRole {
    pub permissions: Vec<String>,
}

/// A server-wide project role (Loft): `GET/POST /v1/orgs/{org}/project-roles`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRole {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub created_at: String,
}

/// `POST /v1/orgs/{org}/project-roles`; `PUT …/{role}` takes the same body
/// (`name` must match, `from` is ignored).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateServerRole {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Permissions (added to those of `from`).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Start from a copy of this role's permissions: a preset role (`developer`)
    /// or another server-wide role of the org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// `POST /v1/projects/{p}/roles`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub permissions: Vec<String>,
}

/// `PUT /v1/projects/{p}/roles/{role}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRole {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
}

/// `GET /v1/permissions`: one catalogue entry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionInfo {
    pub name: String,
    pub description: String,
}

/// `GET /v1/projects/{p}/permissions/me`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPermissions {
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
}

/// `POST /v1/projects/{p}/permissions:check`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionCheckRequest {
    /// Whose permissions; default the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<PrincipalSelector>,
    pub permissions: Vec<String>,
}

/// One permission's verdict.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionCheck {
    pub permission: String,
    pub allowed: bool,
    /// The bindings that grant it.
    pub granted_by: Vec<Grant>,
    /// The org role that grants it (a base role such as `devops`, or a custom
    /// org role's name), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_role: Option<String>,
}

/// A binding that grants a permission.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub binding_id: String,
    pub role: String,
    /// Whom the binding is for: the user, a team the user is in, or all users.
    pub principal: Principal,
    /// The permission the role grants that implies the one asked (itself, or e.g.
    /// `env.staging.deploy` for `env.staging.view`). Empty from older servers.
    #[serde(default)]
    pub permission: String,
}

/// Response of `permissions:check`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionCheckResponse {
    pub results: Vec<PermissionCheck>,
}

// ---------------------------------------------------------------- bindings

/// Who a binding is for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Principal {
    User {
        id: String,
        username: String,
        email: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        mfa_enabled: bool,
        /// The account is disabled (a server admin disabled it): the binding grants
        /// nothing until it is enabled again. Absent when false.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        disabled: bool,
    },
    Team {
        id: String,
        name: String,
    },
    AllUsers,
}

/// `user`, `team` or `all-users`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalType {
    User,
    Team,
    AllUsers,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::User => "user",
            PrincipalType::Team => "team",
            PrincipalType::AllUsers => "all-users",
        }
    }
}

impl Principal {
    pub fn principal_type(&self) -> PrincipalType {
        match self {
            Principal::User { .. } => PrincipalType::User,
            Principal::Team { .. } => PrincipalType::Team,
            Principal::AllUsers => PrincipalType::AllUsers,
        }
    }
}

/// How a request names a principal: exactly one of the fields for its type.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum PrincipalSelector {
    User {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
    },
    Team {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    AllUsers,
}

/// A role binding: principal × role × project.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleBinding {
    pub id: String,
    pub role: Ref,
    /// The role's rank (0 = most powerful): the first key of the list order.
    /// Old servers do not send it (read as 0).
    #[serde(default)]
    pub role_rank: i64,
    pub principal: Principal,
    #[serde(default)]
    pub expires_at: Option<String>,
    pub created_at: String,
    /// Username of who created it (none for the bootstrap).
    #[serde(default)]
    pub created_by: Option<String>,
    /// The project's MFA policy covers this role (in lists; absent when false).
    /// With a principal that has no MFA the binding does not comply.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mfa_required: bool,
}

/// `POST /v1/projects/{p}/role-bindings`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRoleBinding {
    pub role: String,
    pub principal: PrincipalSelector,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

// ---------------------------------------------------------------- teams

/// A team: a named set of users of an org, bindable as a `team` principal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub org: Ref,
    pub member_count: i64,
    pub created_at: String,
    /// Username of who created it.
    #[serde(default)]
    pub created_by: Option<String>,
}

/// `POST /v1/orgs` (server administrators; the creator becomes the org's owner).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    pub name: String,
}

/// `PATCH /v1/orgs/{org}` (org owners and admins).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The org roles a member can hold (one each; `member` by default, which grants
/// nothing in the org's projects by itself).
pub const ORG_ROLES: &[&str] = &["owner", "admin", "devops", "billing-manager", "viewer", "member"];

/// `GET /v1/orgs/{org}/members`, `PUT /v1/orgs/{org}/members/{user}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMember {
    pub user_id: String,
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    /// One of [`ORG_ROLES`].
    pub role: String,
    pub added_at: String,
}

/// `PUT /v1/orgs/{org}/members/{user}`: add an existing user, or set their role.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOrgMember {
    /// Default `member` for a new member; an existing member's role is kept
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// A cluster: a named resource of an org that org roles grant levels on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

/// `POST /v1/orgs/{org}/clusters`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCluster {
    pub name: String,
}

/// Environment levels of a custom org role (Qovery's), weakest first.
pub const ENV_LEVELS: &[&str] = &["NO_ACCESS", "VIEWER", "DEPLOYER", "MANAGER"];
/// Environment types, as Qovery spells them.
pub const ENV_TYPE_NAMES: &[&str] = &["DEVELOPMENT", "PREVIEW", "STAGING", "PRODUCTION"];
/// Cluster levels of a custom org role, weakest first.
pub const CLUSTER_LEVELS: &[&str] = &["VIEWER", "ENV_CREATOR", "ADMIN"];

/// One environment type's level in a project.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvPermission {
    /// `DEVELOPMENT`, `PREVIEW`, `STAGING` or `PRODUCTION`.
    pub environment_type: String,
    /// `NO_ACCESS`, `VIEWER`, `DEPLOYER` or `MANAGER`.
    pub permission: String,
}

/// What a custom org role grants in one project.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectPermission {
    /// The project's id (its name is accepted on input).
    pub project_id: String,
    /// The project's name (filled in answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_name: Option<String>,
    /// Every permission in the project.
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub permissions: Vec<EnvPermission>,
}

/// What a custom org role grants on one cluster.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterPermission {
    /// The cluster's id (its name is accepted on input).
    pub cluster_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// `VIEWER`, `ENV_CREATOR` or `ADMIN`.
    pub permission: String,
}

/// A custom org role, and the body of `POST /v1/orgs/{org}/roles` and
/// `PUT /v1/orgs/{org}/roles/{role}` (Qovery's customRole shape; `id` and
/// `created_at` are ignored on input).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRole {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub cluster_permissions: Vec<ClusterPermission>,
    #[serde(default)]
    pub project_permissions: Vec<ProjectPermission>,
    /// `true` for the base roles (owner, admin, …), which cannot be changed.
    #[serde(default)]
    pub built_in: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_at: String,
}

/// `POST /v1/teams`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTeam {
    pub name: String,
    /// Org name or id; default `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// `GET /v1/teams/{team}/members`, `PUT /v1/teams/{team}/members/{user}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: String,
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    pub added_at: String,
    /// Username of who added them.
    #[serde(default)]
    pub added_by: Option<String>,
}

// ---------------------------------------------------------------- policy

/// One binding of a policy document.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBinding {
    pub role: String,
    pub principal: PrincipalSelector,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// `GET/PUT /v1/projects/{p}/policy`: every binding of a project as one
/// document. `PUT` makes the project's bindings exactly these (diff checked
/// against the invariants); `etag` (or `If-Match`) guards against lost updates;
/// `project`, when given, must name the project it is applied to (422 otherwise).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The project's name (its id is accepted too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub bindings: Vec<PolicyBinding>,
}

// ---------------------------------------------------------------- members

/// `member`, `pending` or `expired`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberStatus {
    Member,
    Pending,
    Expired,
}

/// `GET /v1/projects/{p}/members`: a user with bindings, or an open invitation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub email: String,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Roles held directly (members) or offered (invitations), most powerful first.
    pub roles: Vec<Ref>,
    pub status: MemberStatus,
    #[serde(default)]
    pub invitation_id: Option<String>,
}

/// `PUT /v1/projects/{p}/members/{member}`: the member ends with exactly this role.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetMemberRole {
    pub role: String,
}

// ---------------------------------------------------------------- invitations

/// `pending` or `expired`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvitationStatus {
    Pending,
    Expired,
}

/// How the code of a just created or resent invitation reaches the invitee.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvitationDelivery {
    /// The server mailed the code to the invitee; the inviter never sees it.
    Mail,
    /// No mail delivery is configured: the code is in this response and the
    /// inviter is the delivery channel.
    Inviter,
}

/// An open invitation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub project: Ref,
    pub email: String,
    pub role: Ref,
    /// Username of the inviter.
    #[serde(default)]
    pub invited_by: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    pub status: InvitationStatus,
    /// Only in the create and resend responses, and only with `delivery:
    /// "inviter"`; absent when the server mailed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Only in the create and resend responses: where the code went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<InvitationDelivery>,
}

/// `POST /v1/projects/{p}/invitations`: 1–100 emails.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitations {
    pub emails: Vec<String>,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_days: Option<u32>,
}

/// Per-email outcome of an invitation request.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InviteStatus {
    /// A new invitation was created.
    Invited,
    /// A pending invitation with the same role already existed (nothing changed).
    AlreadyInvited,
    /// The person already holds this role in the project (nothing changed).
    AlreadyMember,
    /// Something else is in the way: see `problem` (`invitation-exists` with another
    /// role, `already-member` with other roles).
    Conflict,
    /// The email is not valid.
    Invalid,
}

impl InviteStatus {
    /// Whether the email ends in the desired state.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            InviteStatus::Invited | InviteStatus::AlreadyInvited | InviteStatus::AlreadyMember
        )
    }
}

/// One email's result.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteResult {
    pub email: String,
    pub status: InviteStatus,
    /// Why the email is a `conflict` (`invitation-exists`, `already-member`). Servers
    /// before 0.2 sent it as `code`, which is still read.
    #[serde(default, alias = "code", skip_serializing_if = "Option::is_none")]
    pub problem: Option<crate::ProblemCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<Invitation>,
}

/// Response of `POST …/invitations`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteResponse {
    pub results: Vec<InviteResult>,
}

/// `POST /v1/invitations/accept`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub code: String,
}

/// Response of accepting: the new binding, and a first token when the
/// invitation created the user.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptResponse {
    /// The project of a project invitation (absent for an org invitation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<Ref>,
    /// The binding a project invitation created (absent for an org invitation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<RoleBinding>,
    /// The org of an org invitation (absent for a project invitation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Ref>,
    /// The membership an org invitation created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_member: Option<OrgMember>,
    pub user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<CreatedToken>,
}

/// An open invitation into an org, with one org role.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgInvitation {
    pub id: String,
    pub org: Ref,
    pub email: String,
    /// A base org role or a custom org role of the org.
    pub role: String,
    /// Username of the inviter.
    #[serde(default)]
    pub invited_by: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    pub status: InvitationStatus,
    /// Only in the create response, and only with `delivery: "inviter"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Only in the create response: where the code went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<InvitationDelivery>,
}

/// `POST /v1/orgs/{org}/invitations`: 1–100 emails, one org role.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgInvitations {
    pub emails: Vec<String>,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_days: Option<u32>,
}

/// One email's result of an org invitation request (`already-member`: the
/// account is a member of the org with that role).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgInviteResult {
    pub email: String,
    pub status: InviteStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<crate::ProblemCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<OrgInvitation>,
}

/// Response of `POST /v1/orgs/{org}/invitations`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgInviteResponse {
    pub results: Vec<OrgInviteResult>,
}

// ---------------------------------------------------------------- audit

/// An append-only audit event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: String,
    pub created_at: String,
    /// e.g. `role_binding.create`.
    pub action: String,
    /// Username of the actor (none for the server itself).
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub project: Option<Ref>,
    /// What was changed, e.g. a binding id or an email.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub details: serde_json::Value,
    /// The id this server gave the request (the `X-Request-Id` of its answer).
    #[serde(default)]
    pub request_id: Option<String>,
    /// The `X-Request-Id` the client sent, if any: printable ASCII, at most 64
    /// characters; recorded as the client said, so never proof of anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_is_tagged_by_type() {
        let p = Principal::AllUsers;
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"type": "all-users"})
        );
        let sel: PrincipalSelector = serde_json::from_str(r#"{"type":"user","email":"a@b.c"}"#).unwrap();
        assert_eq!(
            sel,
            PrincipalSelector::User {
                id: None,
                username: None,
                email: Some("a@b.c".into())
            }
        );
    }

    #[test]
    fn requests_reject_unknown_fields() {
        assert!(
            serde_json::from_str::<CreateRoleBinding>(
                r#"{"role":"x","principal":{"type":"all-users"},"extra":1}"#
            )
            .is_err()
        );
        assert!(serde_json::from_str::<CreateInvitations>(r#"{"emails":[],"role":"x","rol":"y"}"#).is_err());
    }

    #[test]
    fn created_token_flattens_info() {
        let t = CreatedToken {
            info: TokenInfo {
                id: "1".into(),
                name: "n".into(),
                created_at: "t".into(),
                expires_at: None,
                last_used_at: None,
            },
            token: "acc_x".into(),
        };
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["id"], "1");
        assert_eq!(v["token"], "acc_x");
    }
}
