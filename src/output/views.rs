//! How each wire type looks as a table row. Headers are the contract (docs/cli.md,
//! "Text columns" and "Tables on a terminal"); [`Tabular::FITS`] says how each column fits a narrow terminal and which
//! are `-o wide` columns.

use access_api::*;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::table::Fit;

/// A type shown as one table row.
pub trait Tabular {
    const HEADERS: &'static [&'static str];
    /// One [`Fit`] per header (missing ones never cut, always shown).
    const FITS: &'static [Fit] = &[];
    /// One cell per header.
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

/// `Name <email>`, `team:NAME` or `All Users`; a disabled user is marked `(disabled)`.
pub fn principal_label(p: &Principal) -> String {
    match p {
        Principal::User {
            username,
            email,
            name,
            disabled,
            ..
        } => {
            let shown = name.as_deref().filter(|n| !n.is_empty()).unwrap_or(username);
            let mark = if *disabled { " (disabled)" } else { "" };
            format!("{shown} <{email}>{mark}")
        }
        Principal::Team { name, .. } => format!("team:{name}"),
        Principal::AllUsers => "All Users".to_owned(),
    }
}

fn parse_time(ts: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(ts, &Rfc3339).ok()
}

/// Whether an RFC 3339 time is at or before now.
pub fn is_past(ts: &str) -> bool {
    parse_time(ts).is_some_and(|t| t <= OffsetDateTime::now_utc())
}

/// The largest whole unit of a span: `45s`, `12m`, `5h`, `29d`.
fn span(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 2 * 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// A future time as `in 29d`, `expired` once past; the raw string if it does not parse.
pub fn until(ts: &str) -> String {
    match parse_time(ts) {
        Some(t) => {
            let secs = (t - OffsetDateTime::now_utc()).whole_seconds();
            if secs <= 0 {
                "expired".to_owned()
            } else {
                format!("in {}", span(secs))
            }
        }
        None => ts.to_owned(),
    }
}

/// A past time as `5m ago`; the raw string if it does not parse.
pub fn ago(ts: &str) -> String {
    match parse_time(ts) {
        Some(t) => format!(
            "{} ago",
            span((OffsetDateTime::now_utc() - t).whole_seconds().max(0))
        ),
        None => ts.to_owned(),
    }
}

/// The wide form of an expiry: the time, marked once it has passed.
fn expires_at(ts: &Option<String>) -> String {
    match ts {
        Some(t) if is_past(t) => format!("{t} (expired)"),
        Some(t) => t.clone(),
        None => String::new(),
    }
}

/// `roles list-bindings`: the Akka layout (ID, ROLE, PRINCIPAL, MFA, EXPIRES when any
/// binding expires); `-o wide` adds the Kalix columns (USERNAME, EMAIL, NAME), the
/// exact expiry and CREATED.
impl Tabular for RoleBinding {
    const HEADERS: &'static [&'static str] = &[
        "ROLE BINDING ID",
        "ROLE",
        "PRINCIPAL",
        "USERNAME",
        "EMAIL",
        "NAME",
        "MFA",
        "EXPIRES",
        "EXPIRES",
        "CREATED",
    ];
    const FITS: &'static [Fit] = &[
        Fit::KEEP,
        Fit::KEEP,
        Fit::cut(3).label(),
        Fit::cut(2).and_drop(3).wide(),
        Fit::KEEP.wide(),
        Fit::cut(1).and_drop(2).wide(),
        Fit::drop(1),
        Fit::drop(4).narrow().optional(),
        Fit::drop(4).wide().optional(),
        Fit::drop(5).wide(),
    ];
    fn row(&self) -> Vec<String> {
        let (username, email, name, mfa) = match &self.principal {
            Principal::User {
                username,
                email,
                name,
                mfa_enabled,
                ..
            } => (
                username.clone(),
                email.clone(),
                opt(name),
                match (*mfa_enabled, self.mfa_required) {
                    (true, _) => "yes".to_owned(),
                    (false, true) => "no (required)".to_owned(),
                    (false, false) => "no".to_owned(),
                },
            ),
            // A team or all users cannot comply with a policy that covers the role.
            _ if self.mfa_required => (
                String::new(),
                String::new(),
                String::new(),
                "no (required)".to_owned(),
            ),
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
            self.expires_at.as_deref().map(until).unwrap_or_default(),
            expires_at(&self.expires_at),
            self.created_at.clone(),
        ]
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Tabular for Role {
    const HEADERS: &'static [&'static str] = &["NAME", "DESCRIPTION", "BUILT-IN"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::cut(1)];
    fn row(&self) -> Vec<String> {
        // A server-wide role is not the preset's, and not the project's own either.
        let built_in = if self.server_wide {
            "server-wide".to_owned()
        } else if self.modified {
            "modified".to_owned()
        } else {
            yes_no(self.built_in)
        };
        vec![self.name.clone(), opt(&self.description), built_in]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for ServerRole {
    const HEADERS: &'static [&'static str] = &["NAME", "PERMISSIONS", "DESCRIPTION"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::cut(2), Fit::cut(1)];
    fn row(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.permissions.join(","),
            opt(&self.description),
        ]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for PermissionInfo {
    const HEADERS: &'static [&'static str] = &["PERMISSION", "DESCRIPTION"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::cut(1)];
    fn row(&self) -> Vec<String> {
        vec![self.name.clone(), self.description.clone()]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

/// The columns of an open invitation, a project's or an org's.
const INVITATION_HEADERS: &[&str] = &["EMAIL", "ROLE", "STATUS", "EXPIRES", "EXPIRES", "ID"];
const INVITATION_FITS: &[Fit] = &[
    Fit::KEEP,
    Fit::KEEP,
    Fit::KEEP,
    Fit::drop(1).narrow(),
    Fit::drop(1).wide(),
    Fit::drop(2).wide(),
];

fn invitation_row(
    email: &str,
    role: &str,
    status: InvitationStatus,
    expires_at: &str,
    id: &str,
) -> Vec<String> {
    let status = match status {
        InvitationStatus::Pending => "pending",
        InvitationStatus::Expired => "expired",
    };
    vec![
        email.to_owned(),
        role.to_owned(),
        status.to_owned(),
        until(expires_at),
        expires_at.to_owned(),
        id.to_owned(),
    ]
}

impl Tabular for Invitation {
    const HEADERS: &'static [&'static str] = INVITATION_HEADERS;
    const FITS: &'static [Fit] = INVITATION_FITS;
    fn row(&self) -> Vec<String> {
        invitation_row(
            &self.email,
            &self.role.name,
            self.status,
            &self.expires_at,
            &self.id,
        )
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

impl Tabular for OrgInvitation {
    const HEADERS: &'static [&'static str] = INVITATION_HEADERS;
    const FITS: &'static [Fit] = INVITATION_FITS;
    fn row(&self) -> Vec<String> {
        invitation_row(&self.email, &self.role, self.status, &self.expires_at, &self.id)
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

/// `orgs invitations invite-user`: one row per email; CODE only in this one
/// response, and only when the server did not mail it.
impl Tabular for OrgInviteResult {
    const HEADERS: &'static [&'static str] = &["EMAIL", "STATUS", "ROLE", "EXPIRES", "CODE"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::KEEP, Fit::KEEP, Fit::drop(1), Fit::KEEP];
    fn row(&self) -> Vec<String> {
        let inv = self.invitation.as_ref();
        let status = serde_json::to_value(self.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        vec![
            self.email.clone(),
            status,
            inv.map(|i| i.role.clone()).unwrap_or_default(),
            inv.map(|i| until(&i.expires_at)).unwrap_or_default(),
            inv.map(|i| match i.delivery {
                Some(InvitationDelivery::Mail) => "sent by mail".to_owned(),
                _ => i.code.clone().unwrap_or_default(),
            })
            .unwrap_or_default(),
        ]
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

/// `project users list`: members and invitations in one list (docs/cli.md, `project users list`).
impl Tabular for Member {
    const HEADERS: &'static [&'static str] = &["ROLE", "EMAIL", "NAME", "STATUS"];
    const FITS: &'static [Fit] = &[Fit::cut(2), Fit::KEEP, Fit::cut(1).and_drop(1)];
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

impl Tabular for Org {
    const HEADERS: &'static [&'static str] = &["NAME", "CREATED", "ID"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::drop(1), Fit::drop(2).wide()];
    fn row(&self) -> Vec<String> {
        vec![self.name.clone(), self.created_at.clone(), self.id.clone()]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for OrgMember {
    const HEADERS: &'static [&'static str] = &["USERNAME", "EMAIL", "NAME", "ROLE", "ADDED"];
    const FITS: &'static [Fit] = &[
        Fit::cut(2),
        Fit::KEEP,
        Fit::cut(1),
        Fit::KEEP,
        Fit::drop(1).wide(),
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.username.clone(),
            self.email.clone(),
            opt(&self.name),
            self.role.clone(),
            self.added_at.clone(),
        ]
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

impl Tabular for OrgRole {
    const HEADERS: &'static [&'static str] = &["NAME", "KIND", "PROJECTS", "CLUSTERS", "DESCRIPTION"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::KEEP, Fit::KEEP, Fit::KEEP, Fit::cut(1)];
    fn row(&self) -> Vec<String> {
        let kind = if self.built_in { "base" } else { "custom" };
        let count = |n: usize| {
            if self.built_in {
                "all".to_owned()
            } else {
                n.to_string()
            }
        };
        vec![
            self.name.clone(),
            kind.to_owned(),
            count(self.project_permissions.len()),
            count(self.cluster_permissions.len()),
            opt(&self.description),
        ]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for Cluster {
    const HEADERS: &'static [&'static str] = &["NAME", "CREATED", "ID"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::drop(1), Fit::drop(2).wide()];
    fn row(&self) -> Vec<String> {
        vec![self.name.clone(), self.created_at.clone(), self.id.clone()]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Tabular for Team {
    const HEADERS: &'static [&'static str] = &["NAME", "MEMBERS", "CREATED", "ID"];
    const FITS: &'static [Fit] = &[Fit::cut(1), Fit::KEEP, Fit::drop(1).wide(), Fit::drop(2).wide()];
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
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::KEEP, Fit::cut(1), Fit::drop(1).wide()];
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
    const FITS: &'static [Fit] = &[
        Fit::KEEP,
        Fit::cut(1),
        Fit::KEEP,
        Fit::cut(2),
        Fit::drop(1).wide(),
    ];
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
    const FITS: &'static [Fit] = &[
        Fit::KEEP,
        Fit::KEEP,
        Fit::cut(1).and_drop(1),
        Fit::drop(2),
        Fit::KEEP,
        Fit::drop(3).wide(),
    ];
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
    const HEADERS: &'static [&'static str] = &[
        "ID",
        "NAME",
        "CREATED",
        "EXPIRES",
        "EXPIRES",
        "LAST USED",
        "LAST USED",
    ];
    const FITS: &'static [Fit] = &[
        Fit::KEEP,
        Fit::cut(1),
        Fit::drop(3).wide(),
        Fit::drop(2).narrow(),
        Fit::drop(2).wide(),
        Fit::drop(1).narrow(),
        Fit::drop(1).wide(),
    ];
    fn row(&self) -> Vec<String> {
        let never = || "never".to_owned();
        vec![
            self.id.clone(),
            self.name.clone(),
            self.created_at.clone(),
            self.expires_at.as_deref().map_or_else(never, until),
            self.expires_at.clone().unwrap_or_else(never),
            self.last_used_at.as_deref().map_or_else(never, ago),
            self.last_used_at.clone().unwrap_or_else(never),
        ]
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Tabular for AuditEvent {
    const HEADERS: &'static [&'static str] = &["TIME", "TIME", "ACTION", "ACTOR", "PROJECT", "TARGET"];
    const FITS: &'static [Fit] = &[
        Fit::KEEP.narrow(),
        Fit::KEEP.wide(),
        Fit::KEEP,
        Fit::cut(2),
        Fit::cut(3).and_drop(1),
        Fit::cut(1),
    ];
    fn row(&self) -> Vec<String> {
        vec![
            ago(&self.created_at),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_declares_at_most_one_fit_per_header() {
        fn check<T: Tabular>() {
            assert!(T::FITS.len() <= T::HEADERS.len(), "{:?}", T::HEADERS);
        }
        check::<RoleBinding>();
        check::<Role>();
        check::<PermissionInfo>();
        check::<Invitation>();
        check::<OrgInvitation>();
        check::<OrgInviteResult>();
        check::<Member>();
        check::<Team>();
        check::<TeamMember>();
        check::<Project>();
        check::<User>();
        check::<TokenInfo>();
        check::<AuditEvent>();
    }

    #[test]
    fn relative_times() {
        assert_eq!(span(59), "59s");
        assert_eq!(span(3599), "59m");
        assert_eq!(span(47 * 3600), "47h");
        assert_eq!(span(29 * 86_400 + 5), "29d");
        assert_eq!(until("2000-01-01T00:00:00Z"), "expired");
        assert!(until("2999-01-01T00:00:00.000Z").starts_with("in "));
        assert!(ago("2000-01-01T00:00:00Z").ends_with("d ago"));
        assert_eq!(until("soon"), "soon");
        assert!(is_past("2000-01-01T00:00:00Z") && !is_past("2999-01-01T00:00:00Z"));
    }
}
