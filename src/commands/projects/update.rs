//! `accessctl projects update P`: PATCH /v1/projects/{p}.

use access_api::{MfaPolicy, UpdateProject};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Rename a project, change its description or its MFA policy
#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("change").required(true).multiple(true))]
pub struct UpdateArgs {
    /// Project name or id
    #[arg(value_name = "PROJECT", add = crate::complete::projects())]
    project: String,
    /// New name
    #[arg(long, group = "change", value_name = "NAME")]
    name: Option<String>,
    /// New description
    #[arg(long, group = "change", value_name = "TEXT")]
    description: Option<String>,
    /// Which roles need MFA: owner-grade, all or none (needs an owner-grade role);
    /// granting or inviting such a role to someone without MFA is then refused
    #[arg(long, group = "change", value_name = "POLICY", value_parser = mfa_policy)]
    require_mfa: Option<MfaPolicy>,
}

fn mfa_policy(s: &str) -> Result<MfaPolicy, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "owner-grade" => Ok(MfaPolicy::OwnerGrade),
        "all" => Ok(MfaPolicy::All),
        "none" => Ok(MfaPolicy::None),
        _ => Err("must be owner-grade, all or none".into()),
    }
}

pub async fn run(args: &UpdateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = args
        .name
        .as_deref()
        .map(|n| common::name("project name", n))
        .transpose()?;
    let req = UpdateProject {
        name,
        description: args.description.clone(),
        require_mfa: args.require_mfa,
    };
    let project = ctx
        .api()
        .await?
        .update_project(&args.project, &req)
        .await
        .map_err(|e| super::get::not_found(e, &args.project))?;
    ctx.output().info(&format!("Updated project {}", project.name));
    ctx.output().one(&project)
}
