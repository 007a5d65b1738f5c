//! The project-scope permission catalogue (docs/access-model.md, "Permissions").

/// One permission of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    pub name: &'static str,
    pub description: &'static str,
}

const fn p(name: &'static str, description: &'static str) -> Permission {
    Permission { name, description }
}

/// Every fixed permission, in catalogue order. Environment-typed permissions
/// (`env.<type>.<level>`) follow in [`ENV_PERMISSIONS`].
pub const FIXED_PERMISSIONS: &[Permission] = &[
    p("project.view", "See the project, its settings and that it exists"),
    p("project.update", "Change the project's name and description"),
    p("project.delete", "Delete the project"),
    p("members.view", "See who is a member and with which roles"),
    p(
        "members.manage",
        "Add, change and remove role bindings of non-owner roles",
    ),
    p("owners.manage", "Grant, change and revoke owner-grade roles"),
    p("invitations.view", "See open invitations"),
    p(
        "invitations.manage",
        "Invite people, resend and revoke invitations",
    ),
    p("roles.view", "See the project's roles and their permissions"),
    p("roles.manage", "Create, change and delete custom project roles"),
    p("audit.view", "Read the project's audit log"),
    p("services.view", "See services"),
    p("services.deploy", "Deploy services"),
    p("services.update", "Update services"),
    p("services.delete", "Delete services"),
    p("routes.view", "See routes"),
    p("routes.manage", "Create, change and delete routes"),
    p("secrets.view", "See secrets"),
    p("secrets.manage", "Create, change and delete secrets"),
    p("backoffice.use", "Use backoffice functions"),
    p("apikeys.view", "See API keys"),
    p("apikeys.manage", "Create and revoke API keys"),
    p("subgraphs.view", "See subgraphs"),
    p("subgraphs.manage", "Deploy, change and delete subgraphs"),
    p("pipelines.view", "See pipelines"),
    p("pipelines.manage", "Create, change and delete pipelines"),
    p("webhooks.view", "See webhooks"),
    p("webhooks.manage", "Create, change and delete webhooks"),
    p("metrics.view", "See metrics"),
    p("spaces.create", "Create spaces"),
    p("spaces.access-all", "Access every space of the project"),
    p(
        "spaces.create-without-template",
        "Create spaces without a template",
    ),
    p("billing.manage", "Manage billing"),
];

/// Levels of `clusters.<name>.<level>` checks, weakest first; each implies the
/// ones before it.
pub const CLUSTER_LEVELS: &[&str] = &["viewer", "env-creator", "admin"];

/// Environment types of `env.<type>.<level>`.
pub const ENV_TYPES: &[&str] = &["development", "staging", "preview", "production"];
/// Levels of `env.<type>.<level>`, weakest first; each implies the ones before it.
pub const ENV_LEVELS: &[&str] = &["view", "deploy", "manage"];

/// The environment-typed permissions, `env.development.view` … `env.production.manage`.
pub const ENV_PERMISSIONS: &[Permission] = &[
    p("env.development.view", "View development environments"),
    p(
        "env.development.deploy",
        "Deploy to development environments (implies view)",
    ),
    p(
        "env.development.manage",
        "Manage development environments (implies deploy)",
    ),
    p("env.staging.view", "View staging environments"),
    p(
        "env.staging.deploy",
        "Deploy to staging environments (implies view)",
    ),
    p(
        "env.staging.manage",
        "Manage staging environments (implies deploy)",
    ),
    p("env.preview.view", "View preview environments"),
    p(
        "env.preview.deploy",
        "Deploy to preview environments (implies view)",
    ),
    p(
        "env.preview.manage",
        "Manage preview environments (implies deploy)",
    ),
    p("env.production.view", "View production environments"),
    p(
        "env.production.deploy",
        "Deploy to production environments (implies view)",
    ),
    p(
        "env.production.manage",
        "Manage production environments (implies deploy)",
    ),
];

/// Every permission of the catalogue, fixed first then environment-typed.
pub fn all() -> impl Iterator<Item = &'static Permission> {
    FIXED_PERMISSIONS.iter().chain(ENV_PERMISSIONS.iter())
}

/// Looks a permission up by its exact (lower-case) name.
pub fn find(name: &str) -> Option<&'static Permission> {
    all().find(|perm| perm.name == name)
}

/// The permissions a granted permission implies, itself included
/// (`env.staging.manage` → manage, deploy, view).
pub fn implied(name: &str) -> Vec<&'static str> {
    let Some(perm) = find(name) else {
        return Vec::new();
    };
    let mut out = vec![perm.name];
    if let Some(rest) = name.strip_prefix("env.")
        && let Some((env, level)) = rest.split_once('.')
        && let Some(idx) = ENV_LEVELS.iter().position(|l| *l == level)
    {
        for lower in &ENV_LEVELS[..idx] {
            let implied_name = format!("env.{env}.{lower}");
            if let Some(p) = find(&implied_name) {
                out.push(p.name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut names: Vec<_> = all().map(|p| p.name).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert!(names.iter().all(|n| n.chars().all(|c| !c.is_uppercase())));
    }

    #[test]
    fn env_permissions_cover_every_type_and_level() {
        for t in ENV_TYPES {
            for l in ENV_LEVELS {
                assert!(find(&format!("env.{t}.{l}")).is_some(), "env.{t}.{l}");
            }
        }
        assert_eq!(ENV_PERMISSIONS.len(), ENV_TYPES.len() * ENV_LEVELS.len());
    }

    #[test]
    fn env_levels_imply_the_weaker_ones() {
        assert_eq!(
            implied("env.staging.manage"),
            vec!["env.staging.manage", "env.staging.view", "env.staging.deploy"]
        );
        assert_eq!(implied("env.staging.view"), vec!["env.staging.view"]);
        assert_eq!(implied("project.view"), vec!["project.view"]);
        assert!(implied("nope").is_empty());
    }
}
