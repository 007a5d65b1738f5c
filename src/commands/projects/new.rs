//! `accessctl projects new NAME`: POST /v1/projects.

use access_api::{CreateProject, presets};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Create a project; you become its owner
///
/// The project belongs to the current organization (`--org`, `ACCESSCTL_ORG` or the
/// context's `org`; default `default`).
#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// Project name: letters, digits, '.', '_', '-'
    #[arg(value_name = "NAME")]
    name: String,
    /// A description
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// Built-in roles of the project [default: the server's, akka]
    #[arg(long, value_name = "PRESET", value_parser = ["akka", "goldsky", "loft"])]
    role_preset: Option<String>,
    /// Also select it: set it as the current context's project
    #[arg(long = "use")]
    use_it: bool,
}

pub async fn run(args: &NewArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = common::name("project name", &args.name)?;
    if let Some(p) = &args.role_preset
        && presets::find(p).is_none()
    {
        return Err(CliError::usage(format!("unknown role preset '{p}'")));
    }
    let req = CreateProject {
        name,
        description: args.description.clone(),
        role_preset: args.role_preset.clone(),
        // `--org` / ACCESSCTL_ORG / the context's `org`; the server's default otherwise.
        org: (ctx.settings.org.source != crate::settings::Source::Default)
            .then(|| ctx.settings.org.value.clone()),
    };
    let project = ctx.api().await?.create_project(&req).await?;
    ctx.output().info(&format!(
        "Created project {} ({} roles)",
        project.name, project.role_preset
    ));
    let context = ctx.context_name().to_owned();
    if args.use_it {
        ctx.config().update(|c| {
            c.contexts
                .entry(context.clone())
                .or_default()
                .set("project", Some(project.name.clone()))
        })?;
        ctx.output()
            .info(&format!("Selected project {} in context {context}", project.name));
    } else {
        ctx.output().info(&format!(
            "Select it with `accessctl config set project {}`, or pass --project {} to each command",
            project.name, project.name
        ));
    }
    ctx.output().one(&project)
}
