//! The grant flags of `orgs roles create | update` and the `-f FILE` document
//! (Qovery's customRole JSON, or the same as YAML).

use access_api::{ClusterPermission, EnvPermission, OrgRole, ProjectPermission};

use crate::context::Ctx;
use crate::error::CliError;

/// The flags that say what a custom role grants.
#[derive(clap::Args, Debug, Default)]
pub struct GrantArgs {
    /// Every permission in project P (repeatable)
    #[arg(long = "project-admin", value_name = "P")]
    pub project_admin: Vec<String>,
    /// A level on one environment type of project P: `P:TYPE=LEVEL`, TYPE one of
    /// DEVELOPMENT, PREVIEW, STAGING, PRODUCTION, LEVEL one of NO_ACCESS, VIEWER,
    /// DEPLOYER, MANAGER (repeatable)
    #[arg(long = "env", value_name = "P:TYPE=LEVEL")]
    pub env: Vec<String>,
    /// A level on cluster C: `C=LEVEL`, LEVEL one of VIEWER, ENV_CREATOR, ADMIN (repeatable)
    #[arg(long = "cluster", value_name = "C=LEVEL", add = crate::complete::clusters())]
    pub cluster: Vec<String>,
}

impl GrantArgs {
    pub fn is_empty(&self) -> bool {
        self.project_admin.is_empty() && self.env.is_empty() && self.cluster.is_empty()
    }

    /// Adds the flags' grants to `doc` (a project or cluster named again replaces
    /// its entry; an environment type named again replaces its level).
    pub fn apply(&self, doc: &mut OrgRole) -> Result<(), CliError> {
        for p in &self.project_admin {
            project(doc, p.trim()).is_admin = true;
        }
        for e in &self.env {
            let (p, rest) = e
                .split_once(':')
                .ok_or_else(|| bad("--env", e, "P:TYPE=LEVEL, e.g. api:STAGING=DEPLOYER"))?;
            let (ty, level) = rest
                .split_once('=')
                .ok_or_else(|| bad("--env", e, "P:TYPE=LEVEL, e.g. api:STAGING=DEPLOYER"))?;
            let entry = project(doc, p.trim());
            let ty = ty.trim().to_ascii_uppercase();
            entry
                .permissions
                .retain(|x| !x.environment_type.eq_ignore_ascii_case(&ty));
            entry.permissions.push(EnvPermission {
                environment_type: ty,
                permission: level.trim().to_ascii_uppercase(),
            });
        }
        for c in &self.cluster {
            let (name, level) = c
                .split_once('=')
                .ok_or_else(|| bad("--cluster", c, "C=LEVEL, e.g. eu-1=ENV_CREATOR"))?;
            let name = name.trim();
            doc.cluster_permissions.retain(|x| {
                !(x.cluster_id.eq_ignore_ascii_case(name) || x.cluster_name.as_deref() == Some(name))
            });
            doc.cluster_permissions.push(ClusterPermission {
                cluster_id: name.to_owned(),
                cluster_name: None,
                permission: level.trim().to_ascii_uppercase(),
            });
        }
        Ok(())
    }
}

fn bad(flag: &str, value: &str, shape: &str) -> CliError {
    CliError::usage(format!("invalid value '{value}' for {flag}: expected {shape}"))
}

fn project<'a>(doc: &'a mut OrgRole, p: &str) -> &'a mut ProjectPermission {
    let i = doc
        .project_permissions
        .iter()
        .position(|x| x.project_id.eq_ignore_ascii_case(p) || x.project_name.as_deref() == Some(p));
    let i = i.unwrap_or_else(|| {
        doc.project_permissions.push(ProjectPermission {
            project_id: p.to_owned(),
            project_name: None,
            is_admin: false,
            permissions: Vec::new(),
        });
        doc.project_permissions.len() - 1
    });
    &mut doc.project_permissions[i]
}

/// A role document from `-f FILE` (`-`: stdin), JSON or YAML.
pub fn read(ctx: &Ctx, path: &str) -> Result<OrgRole, CliError> {
    let text = ctx.read_input(path)?;
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<OrgRole>(&text).map_err(|e| e.to_string())
    } else {
        yaml_serde::from_str::<OrgRole>(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| {
        CliError::usage(format!("{path}: not an org role document: {e}")).with_hint(
            "the shape of Qovery's customRole: name, description, cluster_permissions, project_permissions; \
         see `accessctl orgs roles show NAME -o json`",
        )
    })
}

/// A new, empty document named `name`.
pub fn empty(name: &str) -> OrgRole {
    OrgRole {
        id: String::new(),
        name: name.to_owned(),
        description: None,
        cluster_permissions: Vec::new(),
        project_permissions: Vec::new(),
        built_in: false,
        created_at: String::new(),
    }
}
