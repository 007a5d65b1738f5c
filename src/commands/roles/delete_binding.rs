//! `accessctl roles delete-binding ID...`: DELETE /v1/projects/{p}/role-bindings/{id}.

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Remove role bindings by id
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl roles delete-binding 01a20845-d95a-714a-b4c2-dbf338945dd4")]
pub struct DeleteBindingArgs {
    /// Binding ids (see `accessctl roles list-bindings`)
    #[arg(required = true, value_name = "ID", add = crate::complete::bindings())]
    ids: Vec<String>,
}

pub async fn run(args: &DeleteBindingArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let mut failures = Vec::new();
    for id in &args.ids {
        match api.delete_role_binding(&project, id).await {
            Ok(()) => ctx.output().info(&format!("Deleted role binding {id}")),
            Err(e) => {
                let mut err = CliError::from(e);
                if err.kind == crate::error::ErrorKind::NotFound {
                    err.message = format!("no role binding '{id}' in project '{project}'");
                    err.hint = Some("see `accessctl roles list-bindings`".into());
                }
                if args.ids.len() > 1 {
                    crate::output::print_item_failure(&CliError::new(
                        err.kind,
                        format!("{id}: {}", err.message),
                    ));
                }
                failures.push(err);
            }
        }
    }
    common::batch_result(failures, args.ids.len())
}
