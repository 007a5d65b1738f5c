//! Built-in project roles, one table per preset (docs/access-model.md, "Presets").
//!
//! A project is created with one preset; its built-in roles are copied from here
//! and are immutable. Roles are listed most powerful first: the position is the
//! role's rank (0 = highest), used to sort bindings.

/// A built-in role of a preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetRole {
    pub name: &'static str,
    pub description: &'static str,
    /// Owner-grade roles need `owners.manage` to grant or revoke, and a project
    /// always keeps at least one active user holding one.
    pub owner_grade: bool,
    pub permissions: &'static [&'static str],
}

/// A named set of built-in roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    /// Most powerful first.
    pub roles: &'static [PresetRole],
    /// The role `project users invite` uses when none is given (the lowest).
    pub default_invite_role: &'static str,
}

impl Preset {
    /// The owner-grade role the creator of a project receives.
    pub fn owner_role(&self) -> &'static PresetRole {
        self.roles
            .iter()
            .find(|r| r.owner_grade)
            .expect("every preset has an owner-grade role (checked by a unit test)")
    }

    /// A role of this preset, by case-insensitive name.
    pub fn role(&self, name: &str) -> Option<&'static PresetRole> {
        self.roles.iter().find(|r| r.name.eq_ignore_ascii_case(name))
    }
}

const PROJECT_VIEW: [&str; 4] = ["project.view", "members.view", "invitations.view", "roles.view"];
const PROJECT_ADMIN: [&str; 7] = [
    "project.update",
    "project.delete",
    "members.manage",
    "owners.manage",
    "invitations.manage",
    "roles.manage",
    "audit.view",
];

macro_rules! perms {
    ($($p:expr),* $(,)?) => { &[$($p),*] };
}

/// Akka / Kalix: the default preset.
pub const AKKA: Preset = Preset {
    name: "akka",
    description: "Akka/Kalix roles: admin, developer, viewer, backoffice",
    default_invite_role: "viewer",
    roles: &[
        PresetRole {
            name: "admin",
            description: "Full control of the project, its members and its services",
            owner_grade: true,
            permissions: perms![
                PROJECT_VIEW[0],
                PROJECT_VIEW[1],
                PROJECT_VIEW[2],
                PROJECT_VIEW[3],
                PROJECT_ADMIN[0],
                PROJECT_ADMIN[1],
                PROJECT_ADMIN[2],
                PROJECT_ADMIN[3],
                PROJECT_ADMIN[4],
                PROJECT_ADMIN[5],
                PROJECT_ADMIN[6],
                "services.view",
                "services.deploy",
                "services.update",
                "services.delete",
                "routes.view",
                "routes.manage",
                "secrets.view",
                "secrets.manage",
                "backoffice.use",
            ],
        },
        PresetRole {
            name: "developer",
            description: "Deploy and update services, manage routes and secrets",
            owner_grade: false,
            permissions: perms![
                PROJECT_VIEW[0],
                PROJECT_VIEW[1],
                PROJECT_VIEW[2],
                PROJECT_VIEW[3],
                "services.view",
                "services.deploy",
                "services.update",
                "routes.view",
                "routes.manage",
                "secrets.view",
                "secrets.manage",
            ],
        },
        PresetRole {
            name: "viewer",
            description: "Read-only access to the project and its services",
            owner_grade: false,
            permissions: perms![
                PROJECT_VIEW[0],
                PROJECT_VIEW[1],
                PROJECT_VIEW[2],
                PROJECT_VIEW[3],
                "services.view",
                "routes.view",
                "secrets.view",
            ],
        },
        PresetRole {
            name: "backoffice",
            description: "Use backoffice functions only",
            owner_grade: false,
            permissions: perms!["project.view", "backoffice.use"],
        },
    ],
};

const GS_VIEWER: [&str; 7] = [
    "project.view",
    "subgraphs.view",
    "pipelines.view",
    "secrets.view",
    "webhooks.view",
    "metrics.view",
    "members.view",
];
const GS_EDITOR: [&str; 7] = [
    "apikeys.view",
    "apikeys.manage",
    "subgraphs.manage",
    "pipelines.manage",
    "secrets.manage",
    "webhooks.manage",
    "project.update",
];
const GS_ADMIN: [&str; 5] = [
    "members.manage",
    "invitations.view",
    "invitations.manage",
    "roles.view",
    "audit.view",
];
const GS_OWNER: [&str; 4] = [
    "owners.manage",
    "billing.manage",
    "project.delete",
    "roles.manage",
];

/// Goldsky: Owner ⊃ Admin ⊃ Editor ⊃ Viewer.
pub const GOLDSKY: Preset = Preset {
    name: "goldsky",
    description: "Goldsky roles: owner ⊃ admin ⊃ editor ⊃ viewer",
    default_invite_role: "viewer",
    roles: &[
        PresetRole {
            name: "owner",
            description: "Everything an admin can do, plus managing owners, billing and deleting the project",
            owner_grade: true,
            permissions: perms![
                GS_VIEWER[0],
                GS_VIEWER[1],
                GS_VIEWER[2],
                GS_VIEWER[3],
                GS_VIEWER[4],
                GS_VIEWER[5],
                GS_VIEWER[6],
                GS_EDITOR[0],
                GS_EDITOR[1],
                GS_EDITOR[2],
                GS_EDITOR[3],
                GS_EDITOR[4],
                GS_EDITOR[5],
                GS_EDITOR[6],
                GS_ADMIN[0],
                GS_ADMIN[1],
                GS_ADMIN[2],
                GS_ADMIN[3],
                GS_ADMIN[4],
                GS_OWNER[0],
                GS_OWNER[1],
                GS_OWNER[2],
                GS_OWNER[3],
            ],
        },
        PresetRole {
            name: "admin",
            description: "Everything an editor can do, plus inviting and managing non-owner teammates",
            owner_grade: false,
            permissions: perms![
                GS_VIEWER[0],
                GS_VIEWER[1],
                GS_VIEWER[2],
                GS_VIEWER[3],
                GS_VIEWER[4],
                GS_VIEWER[5],
                GS_VIEWER[6],
                GS_EDITOR[0],
                GS_EDITOR[1],
                GS_EDITOR[2],
                GS_EDITOR[3],
                GS_EDITOR[4],
                GS_EDITOR[5],
                GS_EDITOR[6],
                GS_ADMIN[0],
                GS_ADMIN[1],
                GS_ADMIN[2],
                GS_ADMIN[3],
                GS_ADMIN[4],
            ],
        },
        PresetRole {
            name: "editor",
            description: "Manage subgraphs, pipelines, secrets, webhooks and API keys",
            owner_grade: false,
            permissions: perms![
                GS_VIEWER[0],
                GS_VIEWER[1],
                GS_VIEWER[2],
                GS_VIEWER[3],
                GS_VIEWER[4],
                GS_VIEWER[5],
                GS_VIEWER[6],
                GS_EDITOR[0],
                GS_EDITOR[1],
                GS_EDITOR[2],
                GS_EDITOR[3],
                GS_EDITOR[4],
                GS_EDITOR[5],
                GS_EDITOR[6],
            ],
        },
        PresetRole {
            name: "viewer",
            description: "See the project, its resources and teammates",
            owner_grade: false,
            permissions: perms![
                GS_VIEWER[0],
                GS_VIEWER[1],
                GS_VIEWER[2],
                GS_VIEWER[3],
                GS_VIEWER[4],
                GS_VIEWER[5],
                GS_VIEWER[6],
            ],
        },
    ],
};

/// Loft: project-admin, project-user, project-viewer.
///
/// `project-user` also holds `project.view` and `members.view`: without
/// `project.view` a role could not even see the project it belongs to (docs/access-model.md,
/// invariant 7), which is not what Loft means by a project user.
pub const LOFT: Preset = Preset {
    name: "loft",
    description: "Loft roles: project-admin, project-user, project-viewer",
    default_invite_role: "project-viewer",
    roles: &[
        PresetRole {
            name: "project-admin",
            description: "Administer the project, its members and all of its spaces",
            owner_grade: true,
            permissions: perms![
                PROJECT_VIEW[0],
                PROJECT_VIEW[1],
                PROJECT_VIEW[2],
                PROJECT_VIEW[3],
                PROJECT_ADMIN[0],
                PROJECT_ADMIN[1],
                PROJECT_ADMIN[2],
                PROJECT_ADMIN[3],
                PROJECT_ADMIN[4],
                PROJECT_ADMIN[5],
                PROJECT_ADMIN[6],
                "spaces.create",
                "spaces.access-all",
                "spaces.create-without-template",
                "secrets.view",
                "secrets.manage",
            ],
        },
        PresetRole {
            name: "project-user",
            description: "Create spaces and read secrets",
            owner_grade: false,
            permissions: perms!["project.view", "members.view", "spaces.create", "secrets.view"],
        },
        PresetRole {
            name: "project-viewer",
            description: "See the project and its members",
            owner_grade: false,
            permissions: perms!["project.view", "members.view"],
        },
    ],
};

/// Every preset; the first is the default.
pub const PRESETS: &[Preset] = &[AKKA, GOLDSKY, LOFT];

/// The default preset's name.
pub const DEFAULT_PRESET: &str = "akka";

/// A preset by case-insensitive name.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The names of every preset, for error messages.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions;
    use std::collections::BTreeSet;

    fn set(role: &PresetRole) -> BTreeSet<&'static str> {
        role.permissions.iter().copied().collect()
    }

    #[test]
    fn every_permission_of_every_role_is_in_the_catalogue() {
        for preset in PRESETS {
            for role in preset.roles {
                for perm in role.permissions {
                    assert!(
                        permissions::find(perm).is_some(),
                        "{}/{}: {perm}",
                        preset.name,
                        role.name
                    );
                }
                assert_eq!(
                    set(role).len(),
                    role.permissions.len(),
                    "{}/{} repeats a permission",
                    preset.name,
                    role.name
                );
            }
        }
    }

    #[test]
    fn every_preset_has_exactly_one_owner_grade_role_first() {
        for preset in PRESETS {
            assert_eq!(
                preset.roles.iter().filter(|r| r.owner_grade).count(),
                1,
                "{}",
                preset.name
            );
            assert!(preset.roles[0].owner_grade, "{}", preset.name);
            assert!(preset.owner_role().permissions.contains(&"owners.manage"));
            assert!(preset.role(preset.default_invite_role).is_some());
        }
    }

    #[test]
    fn owner_grade_role_holds_every_permission_of_its_preset() {
        for preset in PRESETS {
            let owner = set(preset.owner_role());
            for role in preset.roles {
                assert!(set(role).is_subset(&owner), "{}/{}", preset.name, role.name);
            }
        }
    }

    #[test]
    fn goldsky_is_a_strict_hierarchy() {
        let roles: Vec<_> = GOLDSKY.roles.iter().map(set).collect();
        for pair in roles.windows(2) {
            assert!(pair[1].is_subset(&pair[0]) && pair[1] != pair[0]);
        }
        let admin = set(GOLDSKY.role("Admin").unwrap());
        assert!(!admin.contains("owners.manage"));
        assert!(admin.contains("members.manage"));
        let editor = set(GOLDSKY.role("editor").unwrap());
        assert!(!editor.contains("members.manage") && !editor.contains("invitations.manage"));
    }

    #[test]
    fn akka_table_matches_the_docs() {
        let dev = set(AKKA.role("developer").unwrap());
        assert!(dev.contains("services.deploy") && !dev.contains("services.delete"));
        assert!(!dev.contains("members.manage"));
        let viewer = set(AKKA.role("viewer").unwrap());
        assert!(viewer.contains("secrets.view") && !viewer.contains("routes.manage"));
        let bo = set(AKKA.role("backoffice").unwrap());
        assert_eq!(bo, ["project.view", "backoffice.use"].into_iter().collect());
        assert_eq!(find("AKKA").unwrap().name, DEFAULT_PRESET);
    }
}
