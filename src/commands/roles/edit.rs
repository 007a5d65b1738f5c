//! `accessctl roles edit`: export → $VISUAL/$EDITOR → apply with --prune.

use std::path::Path;

use crate::commands::policy;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::sanitize::sanitize;

/// Edit the project's role bindings in your editor, then apply them
///
/// Opens the document `accessctl roles export` writes in $VISUAL, else $EDITOR, else
/// vi. When the editor exits, the document is applied as it is, like `accessctl roles
/// apply --prune`: bindings you add are granted, bindings you delete are removed, and
/// the plan is printed. An unchanged (or emptied) file changes nothing. Needs a
/// terminal. When the document cannot be read or applied, the file is kept and its
/// path shown, so nothing you typed is lost.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl roles edit\n  EDITOR=nano accessctl --project shop roles edit\n  VISUAL='code --wait' accessctl roles edit"
)]
pub struct EditArgs {}

pub async fn run(_args: &EditArgs, ctx: &Ctx) -> Result<(), CliError> {
    if !ctx.stdin_is_tty() || !ctx.output().is_tty() {
        return Err(CliError::usage("roles edit needs a terminal for the editor").with_hint(
            "without one: `accessctl roles export > roles.yaml`, edit it, then `accessctl roles apply -f roles.yaml --prune`",
        ));
    }
    let project = ctx.project().await?;
    let doc = ctx.api().await?.get_policy(&project).await?;
    let text = format!(
        "{}{}",
        header(doc.project.as_deref().unwrap_or(&project)),
        crate::output::to_yaml(&doc)?
    );
    let (path, edited) = ctx.edit(&text, &format!("roles-{project}")).await?;
    let source = "the edited document";
    let unchanged = |ctx: &Ctx| {
        ctx.discard(&path);
        ctx.output().info("No changes");
        Ok(())
    };
    if edited == text {
        return unchanged(ctx);
    }
    let result = match policy::parse(&edited, source) {
        Ok(None) => {
            ctx.discard(&path);
            ctx.output()
                .info("Edit cancelled: the document is empty; nothing was changed");
            return Ok(());
        }
        // Only comments or layout changed.
        Ok(Some(d)) if d == doc => return unchanged(ctx),
        Ok(Some(d)) => policy::apply(ctx, &d, source, true, false).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            ctx.discard(&path);
            Ok(())
        }
        Err(e) => Err(kept(e, &path)),
    }
}

/// A failure after editing: the hint says where the edit is, and how to apply it.
fn kept(e: CliError, path: &Path) -> CliError {
    let before = e.hint.clone().map(|h| format!("{h}; ")).unwrap_or_default();
    let path = path.display();
    e.with_hint(format!(
        "{before}your edit is kept in {path} (once fixed: `accessctl roles apply -f {path} --prune`)"
    ))
}

fn header(project: &str) -> String {
    let project = sanitize(project);
    format!(
        "# The role bindings of project '{project}'. Save and quit to apply this document as it\n\
         # is: bindings you add are granted, bindings you delete are removed. Quit without\n\
         # saving, or empty the file, to change nothing.\n\
         #\n\
         #   - role: ROLE                        (accessctl roles list)\n\
         #     principal:\n\
         #       type: user                      (or all-users)\n\
         #       username: NAME                  (or email: EMAIL, or id: ID)\n\
         #     expires_at: 2026-01-31T00:00:00Z  (optional)\n\
         #\n\
         # Keep the etag: if the project changes meanwhile, nothing is applied.\n"
    )
}
