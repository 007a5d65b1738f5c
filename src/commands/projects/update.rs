//! `accessctl projects update P`: PATCH /v1/projects/{p}.

use access_api::UpdateProject;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Rename a project or change its description
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
