//! Store rows → wire types.

use access_api as api;

use crate::clock::rfc3339;
use crate::store::users::{OrgRow, TokenRow};
use crate::store::{BindingRow, InvitationRow, ProjectRow, RoleRow, UserRow};

pub fn user(u: &UserRow) -> api::User {
    api::User {
        id: u.id.clone(),
        username: u.username.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
        is_admin: u.is_admin,
        disabled: u.disabled,
        mfa_enabled: u.mfa_enabled,
        created_at: rfc3339(u.created_at),
    }
}

pub fn token_info(t: &TokenRow) -> api::TokenInfo {
    api::TokenInfo {
        id: t.id.clone(),
        name: t.name.clone(),
        created_at: rfc3339(t.created_at),
        expires_at: t.expires_at.map(rfc3339),
        last_used_at: t.last_used_at.map(rfc3339),
    }
}

pub fn org(o: &OrgRow) -> api::Org {
    api::Org {
        id: o.id.clone(),
        name: o.name.clone(),
        created_at: rfc3339(o.created_at),
    }
}

pub fn project(p: &ProjectRow, my_roles: Vec<String>) -> api::Project {
    api::Project {
        id: p.id.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        org: api::Ref {
            id: p.org_id.clone(),
            name: p.org_name.clone(),
        },
        role_preset: p.role_preset.clone(),
        policy_version: p.policy_version,
        created_at: rfc3339(p.created_at),
        my_roles,
        require_mfa: api::MfaPolicy::parse(&p.require_mfa),
    }
}

pub fn role(r: &RoleRow) -> api::Role {
    api::Role {
        id: r.id.clone(),
        name: r.name.clone(),
        description: r.description.clone(),
        built_in: r.built_in,
        owner_grade: r.owner_grade,
        rank: r.rank,
        permissions: r.permissions.clone(),
        server_wide: r.server_role_id.is_some(),
        modified: r.modified,
    }
}

pub fn binding(b: &BindingRow) -> api::RoleBinding {
    let principal = match (b.principal_type.as_str(), &b.user) {
        ("user", Some(u)) => api::Principal::User {
            id: u.id.clone(),
            username: u.username.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            mfa_enabled: u.mfa_enabled,
            disabled: u.disabled,
        },
        ("team", _) => api::Principal::Team {
            id: b.principal_id.clone().unwrap_or_default(),
            name: b.team_name.clone().unwrap_or_default(),
        },
        _ => api::Principal::AllUsers,
    };
    api::RoleBinding {
        id: b.id.clone(),
        role: api::Ref {
            id: b.role_id.clone(),
            name: b.role_name.clone(),
        },
        role_rank: b.role_rank,
        principal,
        expires_at: b.expires_at.map(rfc3339),
        created_at: rfc3339(b.created_at),
        created_by: b.created_by.clone(),
        mfa_required: b.mfa_required,
    }
}

/// An invitation as listed (no code, no delivery).
pub fn invitation(i: &InvitationRow, now: i64) -> api::Invitation {
    invitation_with(i, now, None, None)
}

/// An invitation of a create or resend response: `code` only when
/// `delivery` is `inviter`.
pub fn invitation_with(
    i: &InvitationRow,
    now: i64,
    code: Option<String>,
    delivery: Option<api::InvitationDelivery>,
) -> api::Invitation {
    api::Invitation {
        id: i.id.clone(),
        project: api::Ref {
            id: i.project_id.clone(),
            name: i.project_name.clone(),
        },
        email: i.email.clone(),
        role: api::Ref {
            id: i.role_id.clone(),
            name: i.role_name.clone(),
        },
        invited_by: i.invited_by.clone(),
        created_at: rfc3339(i.created_at),
        expires_at: rfc3339(i.expires_at),
        status: if now >= i.expires_at {
            api::InvitationStatus::Expired
        } else {
            api::InvitationStatus::Pending
        },
        code,
        delivery,
    }
}
