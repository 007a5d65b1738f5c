//! The store: every SQL statement of the server, as small functions over one
//! connection (a pooled connection or a transaction). No rules live here.

pub mod audit;
pub mod bindings;
pub mod invitations;
pub mod login_codes;
pub mod org_invitations;
pub mod org_roles;
pub mod orgs;
pub mod outbox;
pub mod preset_roles;
pub mod projects;
pub mod server_roles;
pub mod teams;
pub mod users;

use sqlx::Row;
use sqlx::any::AnyRow;

pub type Conn = sqlx::AnyConnection;

/// A fresh UUIDv7 id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn flag(row: &AnyRow, col: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

pub const USER_COLS: &str =
    "u.id, u.username, u.email, u.name, u.is_admin, u.disabled, u.mfa_enabled, u.created_at";

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: String,
    pub name: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub mfa_enabled: bool,
    pub created_at: i64,
}

impl UserRow {
    pub fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(UserRow {
            id: r.try_get("id")?,
            username: r.try_get("username")?,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            is_admin: flag(r, "is_admin")?,
            disabled: flag(r, "disabled")?,
            mfa_enabled: flag(r, "mfa_enabled")?,
            created_at: r.try_get("created_at")?,
        })
    }
}

pub const PROJECT_COLS: &str = "p.id, p.org_id, o.name AS org_name, p.name, p.description, \
     p.role_preset, p.policy_version, p.created_at, p.require_mfa";

#[derive(Debug, Clone)]
pub struct ProjectRow {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub name: String,
    pub description: Option<String>,
    pub role_preset: String,
    pub policy_version: i64,
    pub created_at: i64,
    /// `none`, `owner-grade` or `all`.
    pub require_mfa: String,
}

impl ProjectRow {
    pub fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(ProjectRow {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            org_name: r.try_get("org_name")?,
            name: r.try_get("name")?,
            description: r.try_get("description")?,
            role_preset: r.try_get("role_preset")?,
            policy_version: r.try_get("policy_version")?,
            created_at: r.try_get("created_at")?,
            require_mfa: r.try_get("require_mfa")?,
        })
    }
}

pub const ROLE_COLS: &str = "r.id, r.project_id, r.name, r.description, r.built_in, r.owner_grade, r.rank, r.permissions, \
     r.server_role_id, r.modified";

#[derive(Debug, Clone)]
pub struct RoleRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: Option<String>,
    pub built_in: bool,
    pub owner_grade: bool,
    pub rank: i64,
    pub permissions: Vec<String>,
    /// Set on the copy of a server-wide role (see [`server_roles`]).
    pub server_role_id: Option<String>,
    /// A built-in role whose permissions the server changed (see [`preset_roles`]).
    pub modified: bool,
}

impl RoleRow {
    pub fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        let perms: String = r.try_get("permissions")?;
        Ok(RoleRow {
            id: r.try_get("id")?,
            project_id: r.try_get("project_id")?,
            name: r.try_get("name")?,
            description: r.try_get("description")?,
            built_in: flag(r, "built_in")?,
            owner_grade: flag(r, "owner_grade")?,
            rank: r.try_get("rank")?,
            permissions: perms.split_whitespace().map(str::to_owned).collect(),
            server_role_id: r.try_get("server_role_id")?,
            modified: flag(r, "modified")?,
        })
    }
}

/// A binding joined with its role and (for user bindings) the user.
#[derive(Debug, Clone)]
pub struct BindingRow {
    pub id: String,
    pub project_id: String,
    pub role_id: String,
    pub role_name: String,
    pub role_rank: i64,
    pub owner_grade: bool,
    pub principal_type: String,
    pub principal_id: Option<String>,
    pub principal_sort: String,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub user: Option<UserRow>,
    /// The team's name, for a team binding.
    pub team_name: Option<String>,
    /// The role's permissions, when the query selected them (`role_permissions`).
    pub role_permissions: Vec<String>,
    /// The project's MFA policy covers this binding's role (set by the listing).
    pub mfa_required: bool,
}

pub const BINDING_COLS: &str = "b.id AS b_id, b.project_id, b.role_id, r.name AS role_name, \
     b.role_rank, r.owner_grade, b.principal_type, b.principal_id, b.principal_sort, b.expires_at, \
     b.created_at AS b_created_at, b.created_by, u.id, u.username, u.email, u.name, u.is_admin, \
     u.disabled, u.mfa_enabled, u.created_at, tb.name AS team_name";

/// FROM clause matching [`BINDING_COLS`].
pub const BINDING_FROM: &str = "role_bindings b JOIN roles r ON r.id = b.role_id \
     LEFT JOIN users u ON b.principal_type = 'user' AND u.id = b.principal_id \
     LEFT JOIN teams tb ON b.principal_type = 'team' AND tb.id = b.principal_id";

impl BindingRow {
    pub fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        let principal_type: String = r.try_get("principal_type")?;
        let uid: Option<String> = r.try_get("id")?;
        let user = if uid.is_some() {
            Some(UserRow::from_row(r)?)
        } else {
            None
        };
        Ok(BindingRow {
            id: r.try_get("b_id")?,
            project_id: r.try_get("project_id")?,
            role_id: r.try_get("role_id")?,
            role_name: r.try_get("role_name")?,
            role_rank: r.try_get("role_rank")?,
            owner_grade: flag(r, "owner_grade")?,
            principal_type,
            principal_id: r.try_get("principal_id")?,
            principal_sort: r.try_get("principal_sort")?,
            expires_at: r.try_get("expires_at")?,
            created_at: r.try_get("b_created_at")?,
            created_by: r.try_get("created_by")?,
            user,
            team_name: r.try_get("team_name")?,
            role_permissions: match r.try_get::<String, _>("role_permissions") {
                Ok(p) => p.split_whitespace().map(str::to_owned).collect(),
                Err(sqlx::Error::ColumnNotFound(_)) => Vec::new(),
                Err(e) => return Err(e),
            },
            mfa_required: false,
        })
    }
}

#[derive(Debug, Clone)]
pub struct InvitationRow {
    pub id: String,
    pub project_id: String,
    pub project_name: String,
    pub email: String,
    pub role_id: String,
    pub role_name: String,
    pub invited_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

pub const INVITATION_COLS: &str = "i.id, i.project_id, p.name AS project_name, i.email, \
     i.role_id, r.name AS role_name, i.invited_by, i.created_at, i.expires_at";
pub const INVITATION_FROM: &str =
    "invitations i JOIN projects p ON p.id = i.project_id JOIN roles r ON r.id = i.role_id";

impl InvitationRow {
    pub fn from_row(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(InvitationRow {
            id: r.try_get("id")?,
            project_id: r.try_get("project_id")?,
            project_name: r.try_get("project_name")?,
            email: r.try_get("email")?,
            role_id: r.try_get("role_id")?,
            role_name: r.try_get("role_name")?,
            invited_by: r.try_get("invited_by")?,
            created_at: r.try_get("created_at")?,
            expires_at: r.try_get("expires_at")?,
        })
    }
}
