//! `accessctl roles delete-binding ID...`: DELETE /v1/projects/{p}/role-bindings/{id}.

use crate::api::ApiClient;
use crate::commands::{common, ids};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::views::principal_label;

/// Remove role bindings by id
///
/// An id may be shortened to a unique prefix of at least 8 characters.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles delete-binding 01a20845-d95a-714a-b4c2-dbf338945dd4\n  accessctl roles delete-binding 01a20845-d95a-714a"
)]
pub struct DeleteBindingArgs {
    /// Binding ids or unique prefixes of them (see `accessctl roles list-bindings`)
    #[arg(required = true, value_name = "ID", add = crate::complete::bindings())]
    ids: Vec<String>,
}

pub async fn run(args: &DeleteBindingArgs, ctx: &Ctx) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let mut failures = Vec::new();
    for given in &args.ids {
        let id = match resolve(api, &project, given).await {
            Ok(id) => id,
            Err(err) => {
                if args.ids.len() > 1 {
                    ctx.output()
                        .item_failure(&CliError::new(err.kind, format!("{given}: {}", err.message)));
                }
                failures.push(err);
                continue;
            }
        };
        let id = &id;
        match api.delete_role_binding(&project, id).await {
            Ok(()) => ctx.output().info(&format!("Deleted role binding {id}")),
            Err(e) => {
                let mut err = CliError::from(e);
                if err.kind == crate::error::ErrorKind::NotFound {
                    err.message = format!("no role binding '{id}' in project '{project}'");
                    err.set_hint("see `accessctl roles list-bindings`");
                }
                if args.ids.len() > 1 {
                    ctx.output()
                        .item_failure(&CliError::new(err.kind, format!("{id}: {}", err.message)));
                }
                failures.push(err);
            }
        }
    }
    common::batch_result(failures, args.ids.len())
}

/// A whole id as given; a prefix through the server's `id_prefix` filter.
async fn resolve(api: &ApiClient, project: &str, given: &str) -> Result<String, CliError> {
    let given = given.trim();
    if ids::is_whole(given) {
        return Ok(given.to_owned());
    }
    let found = api.role_bindings_with_prefix(project, given).await?;
    let candidates: Vec<(String, String)> = found
        .iter()
        .map(|b| {
            (
                b.id.clone(),
                format!("{} {}", b.role.name, principal_label(&b.principal)),
            )
        })
        .collect();
    ids::pick(
        given,
        &candidates,
        "role binding",
        "accessctl roles list-bindings",
    )
}
