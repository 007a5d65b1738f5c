//! `accessctl roles export [-o yaml|json]`: GET /v1/projects/{p}/policy.

use crate::context::Ctx;
use crate::error::CliError;
use crate::settings::OutputFormat;

/// Print the project's role bindings as a document to edit and apply
///
/// YAML unless -o json. The document names its project and carries the project's
/// etag: `accessctl roles apply` refuses it for another project, or, when it would
/// change something, once the project's access has changed since (export again
/// then). Without those two lines a document applies to any project at any time.
/// Users are named by username; in a document you apply you may also name them by
/// `email` or `id`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles export > shop.yaml\n  accessctl roles export -o json | jq '.bindings | length'\n  accessctl --project staging roles export | grep -v '^etag:\\|^project:' > team.yaml"
)]
pub struct ExportArgs {}

pub async fn run(_args: &ExportArgs, ctx: &Ctx) -> Result<(), CliError> {
    if matches!(ctx.output().format(), OutputFormat::Csv | OutputFormat::Tsv) {
        return Err(CliError::usage("roles export writes yaml or json, not a table")
            .with_hint("use -o yaml (the default) or -o json"));
    }
    let project = ctx.project().await?;
    let doc = ctx.api().await?.get_policy(&project).await?;
    ctx.output().document(&doc)
}
