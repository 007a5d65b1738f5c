//! The audit log's actions, as data: the server writes only these (checked in debug
//! builds), and the CLI checks `audit list --action` against them.

/// Every action an audit event can have.
pub const ACTIONS: &[&str] = &[
    "server.bootstrap",
    "server.admin-recover",
    "project.create",
    "project.update",
    "project.delete",
    "role.create",
    "role.update",
    "role.delete",
    "role_binding.create",
    "role_binding.delete",
    "policy.apply",
    "member.update",
    "member.remove",
    "member.leave",
    "invitation.create",
    "invitation.resend",
    "invitation.delete",
    "invitation.accept",
    "invitation.decline",
    "org.create",
    "org.update",
    "org.member.add",
    "org.member.update",
    "org.member.remove",
    "org.invitation.create",
    "org.invitation.delete",
    "org.invitation.accept",
    "org.invitation.decline",
    "org.role.create",
    "org.role.update",
    "org.role.delete",
    "org.cluster.create",
    "org.cluster.delete",
    "server_role.create",
    "server_role.update",
    "server_role.delete",
    "team.create",
    "team.delete",
    "team.member.add",
    "team.member.remove",
    "user.create",
    "user.update",
    "user.delete",
    "token.create",
    "token.revoke",
    "auth.email-login",
    "user.mfa-enable",
    "user.mfa-disable",
];

/// Whether `action` is one the server writes.
pub fn is_action(action: &str) -> bool {
    ACTIONS.contains(&action)
}
