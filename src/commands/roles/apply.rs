//! `accessctl roles apply -f FILE|- [--dry-run] [--prune]`: the plan, then
//! PUT /v1/projects/{p}/policy at the etag it was made at.

use crate::commands::policy;
use crate::context::Ctx;
use crate::error::CliError;

/// Make the project's role bindings match a document; prints the plan
///
/// The document is what `accessctl roles export` writes (YAML or JSON). Each of its
/// bindings is added, or updated when only its expiry differs; bindings of the
/// project that the document leaves out are kept, unless --prune removes them. The
/// plan (ACTION: add, update, remove, keep, unchanged) is printed; with --dry-run
/// nothing is changed. All of it is applied or none: a document that would change
/// the project after it changed since the export (a stale etag), or remove the last
/// owner, is refused (exit 5); an invalid one is exit 2, naming the line or the
/// field. Applying the same document again changes nothing and says so.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles export > shop.yaml; $EDITOR shop.yaml\n  accessctl roles apply -f shop.yaml --dry-run\n  accessctl roles apply -f shop.yaml --prune\n  accessctl --project prod roles apply -f team.yaml     # exported elsewhere, without etag/project\n  echo 'bindings: [{role: viewer, principal: {type: all-users}}]' | accessctl roles apply -f -"
)]
pub struct ApplyArgs {
    /// The document (`-` = stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    file: String,
    /// Print the plan and change nothing
    #[arg(long)]
    dry_run: bool,
    /// Also remove the project's bindings that the document leaves out
    #[arg(long)]
    prune: bool,
}

pub async fn run(args: &ApplyArgs, ctx: &Ctx) -> Result<(), CliError> {
    let source = if args.file == "-" {
        "stdin"
    } else {
        args.file.as_str()
    };
    let text = ctx.read_input(&args.file)?;
    let doc = policy::parse(&text, source)?.ok_or_else(|| {
        CliError::usage(format!("{source} holds no document"))
            .with_hint("write one with `accessctl roles export`")
    })?;
    policy::apply(ctx, &doc, source, args.prune, args.dry_run).await
}
