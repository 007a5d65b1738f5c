//! How each wire type looks as a table row. Headers are the contract (cli.md).

use access_api::*;

/// A type shown as one table row.
pub trait Tabular {
    const HEADERS: &'static [&'static str];
    fn row(&self) -> Vec<String>;
    /// The identifier printed by `-q`.
    fn id(&self) -> String;
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

/// `Name <email>`, `team:NAME` or `All Users`.
pub fn principal_label(p: &Principal) -> String {
    match p {
        Principal::User {
            username,
            email,
            name,
            ..
        } => {
            let shown = name.as_deref().filter(|n| !n.is_empty()).unwrap_or(username);
            format!("{shown} <{email}>")
        }
        Principal::Team { name, .. } => format!("team:{name}"),
        Principal::AllUsers => "All Users".to_owned(),
    }
}

impl Tabular for RoleBinding {
    const HEADERS: &'static [&'static str] = &[
        "ROLE BINDING ID",
        "ROLE",
        "PRINCIPAL",
        "USERNAME",
        "EMAIL",
        "NAME",
        "MFA",
    ];
    fn row(&self) -> Vec<String> {
        let (username, email, name, mfa) = match &self.principal {
            Principal::User {
                username,
                email,
                name,
                mfa_enabled,
                ..
            } => (username.clone(), email.clone(), opt(name), yes_no(*mfa_enabled)),
            _ => Default::default(),
        };
        vec![
            self.id.clone(),
            self.role.name.clone(),
            principal_label(&self.principal),
            username,
            email,
            name,
            mfa,
        ]
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Tabular for Role {
    const HEADERS: &'static [&'static str] = &["NAME", "DESCRIPTION", "BUILT-IN"];
    fn row(&self) -> Vec<String> {
        vec![self.name.clone(), opt(&self.description), yes_no(self.built_in)]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for PermissionInfo {
    const HEADERS: &'static [&'static str] = &["PERMISSION", "DESCRIPTION"];
    fn row(&self) -> Vec<String> {
        vec![self.name.clone(), self.description.clone()]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for Invitation {
    const HEADERS: &'static [&'static str] = &["EMAIL", "ROLE", "STATUS", "EXPIRES"];
    fn row(&self) -> Vec<String> {
        let status = match self.status {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Expired => "expired",
        };
        vec![
            self.email.clone(),
            self.role.name.clone(),
            status.to_owned(),
            self.expires_at.clone(),
        ]
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

/// `project users list`: members and invitations in one list (cli.md, "Goldsky tree").
impl Tabular for Member {
    const HEADERS: &'static [&'static str] = &["ROLE", "EMAIL", "NAME", "STATUS"];
    fn row(&self) -> Vec<String> {
        let roles: Vec<&str> = self.roles.iter().map(|r| r.name.as_str()).collect();
        let status = match self.status {
            MemberStatus::Member => "member",
            MemberStatus::Pending => "pending",
            MemberStatus::Expired => "expired",
        };
        vec![
            roles.join(","),
            self.email.clone(),
            opt(&self.name),
            status.to_owned(),
        ]
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

impl Tabular for Team {
    const HEADERS: &'static [&'static str] = &["NAME", "MEMBERS", "CREATED", "ID"];
    fn row(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.member_count.to_string(),
            self.created_at.clone(),
            self.id.clone(),
        ]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for TeamMember {
    const HEADERS: &'static [&'static str] = &["USERNAME", "EMAIL", "NAME", "ADDED"];
    fn row(&self) -> Vec<String> {
        vec![
            self.username.clone(),
            self.email.clone(),
            opt(&self.name),
            self.added_at.clone(),
        ]
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

impl Tabular for Project {
    const HEADERS: &'static [&'static str] = &["NAME", "DESCRIPTION", "PRESET", "MY ROLES", "ID"];
    fn row(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            opt(&self.description),
            self.role_preset.clone(),
            self.my_roles.join(","),
            self.id.clone(),
        ]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for User {
    const HEADERS: &'static [&'static str] = &["USERNAME", "EMAIL", "NAME", "ADMIN", "DISABLED", "ID"];
    fn row(&self) -> Vec<String> {
        vec![
            self.username.clone(),
            self.email.clone(),
            opt(&self.name),
            yes_no(self.is_admin),
            yes_no(self.disabled),
            self.id.clone(),
        ]
    }
    fn id(&self) -> String {
        self.username.clone()
    }
}

impl Tabular for TokenInfo {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "CREATED", "EXPIRES", "LAST USED"];
    fn row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.created_at.clone(),
            self.expires_at.clone().unwrap_or_else(|| "never".into()),
            self.last_used_at.clone().unwrap_or_else(|| "never".into()),
        ]
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Tabular for AuditEvent {
    const HEADERS: &'static [&'static str] = &["TIME", "ACTION", "ACTOR", "PROJECT", "TARGET"];
    fn row(&self) -> Vec<String> {
        vec![
            self.created_at.clone(),
            self.action.clone(),
            opt(&self.actor),
            self.project.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            audit_target(self),
        ]
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

/// TARGET of an audit event: for a role binding `ROLE for PRINCIPAL (ID)`; for a
/// membership document applied, what it added and removed; else the server's target.
fn audit_target(e: &AuditEvent) -> String {
    let d = &e.details;
    let text = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    let binding = |v: &serde_json::Value| {
        let role = text(v, "role")?;
        let who = text(v, "principal_name").or_else(|| text(v, "principal"))?;
        Some(format!("{role} for {who}"))
    };
    match e.action.as_str() {
        "role_binding.create" | "role_binding.delete" => match binding(d) {
            Some(b) => format!("{b} ({})", opt(&e.target)),
            None => opt(&e.target),
        },
        "policy.apply" => {
            let list = |k: &str| -> Vec<String> {
                d.get(k)
                    .and_then(|x| x.as_array())
                    .map(|a| a.iter().filter_map(binding).collect())
                    .unwrap_or_default()
            };
            let (added, removed) = (list("added_bindings"), list("removed_bindings"));
            if added.is_empty() && removed.is_empty() {
                return opt(&e.target);
            }
            let mut parts: Vec<String> = added.iter().map(|b| format!("+{b}")).collect();
            parts.extend(removed.iter().map(|b| format!("-{b}")));
            parts.join(", ")
        }
        _ => opt(&e.target),
    }
}
