//! `accessctl projects get [P]`: GET /v1/projects/{p}.

use crate::context::Ctx;
use crate::error::CliError;

/// Show a project (default: the current one)
#[derive(clap::Args, Debug)]
pub struct GetArgs {
    /// Project name or id
    #[arg(value_name = "PROJECT", add = crate::complete::projects())]
    project: Option<String>,
}

pub async fn run(args: &GetArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = match &args.project {
        Some(p) => p.clone(),
        None => ctx.project().await?,
    };
    let found = ctx
        .api()
        .await?
        .get_project(&project)
        .await
        .map_err(|e| not_found(e, &project))?;
    ctx.output().one(&found)
}

/// A 404 on a project, said in words.
pub fn not_found(e: crate::api::ApiError, project: &str) -> CliError {
    let mut err = CliError::from(e);
    if err.kind == crate::error::ErrorKind::NotFound {
        err.message = format!("no project '{project}' (or you cannot see it)");
        err.set_hint("see `accessctl projects list`");
    }
    err
}
