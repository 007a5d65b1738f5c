//! `accessctl roles edit`: export → $VISUAL/$EDITOR → apply with --prune.

use std::path::Path;

use crate::commands::policy;
use crate::context::Ctx;
use crate::error::{CliError, ErrorKind};
use crate::output::sanitize::sanitize;

/// Edit the project's role bindings in your editor, then apply them
///
/// Opens the document `accessctl roles export` writes in $VISUAL, else $EDITOR, else
/// vi. When the editor exits, the document is applied as it is, like `accessctl roles
/// apply --prune`: bindings you add are granted, bindings you delete are removed, and
/// the plan is printed. An unchanged (or emptied) file changes nothing. Needs a
/// terminal. When the document cannot be read or is refused (an unknown role or
/// user, no owner left), the editor opens again with the error as `#` lines on top;
/// saving it unchanged or emptying it then gives up (exit 2). When the document
/// cannot be applied, the file is kept and its path shown, so nothing you typed is
/// lost.
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
    let (path, mut edited) = ctx.edit(&text, &format!("roles-{project}")).await?;
    let source = "the edited document";
    let unchanged = |ctx: &Ctx| {
        ctx.discard(&path);
        ctx.output().info("No changes");
        Ok(())
    };
    // What the editor was last given, and the error that reopened it.
    let mut shown = text.clone();
    let mut reopened: Option<(CliError, String)> = None;
    loop {
        if edited == shown {
            return match reopened {
                None => unchanged(ctx),
                Some((e, _)) => Err(aborted(e, "saved unchanged", &path)),
            };
        }
        let result = match policy::parse(&edited, source) {
            Ok(None) => match reopened {
                None => {
                    ctx.discard(&path);
                    ctx.output()
                        .info("Edit cancelled: the document is empty; nothing was changed");
                    return Ok(());
                }
                // The edit before the emptying is what is worth keeping.
                Some((e, before)) => {
                    crate::fsutil::write_atomic(&path, before.as_bytes())?;
                    return Err(aborted(e, "emptied", &path));
                }
            },
            // Only comments or layout changed.
            Ok(Some(d)) if d == doc => return unchanged(ctx),
            Ok(Some(d)) => policy::apply(ctx, &d, source, true, false).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                ctx.discard(&path);
                return Ok(());
            }
            Err(e) if fixable(&e) => {
                let body = without_error_block(&edited).to_owned();
                shown = format!("{}{body}", error_block(&e));
                crate::fsutil::write_atomic(&path, shown.as_bytes())?;
                reopened = Some((e, body));
                edited = ctx.edit_file(&path).await?;
            }
            Err(e) => return Err(kept(e, &path)),
        }
    }
}

/// Errors the document can fix (unreadable, an unknown role or user, the last
/// owner removed) reopen the editor; a stale etag, a denial or a network failure
/// do not, since editing again cannot help.
fn fixable(e: &CliError) -> bool {
    match e.kind {
        ErrorKind::Usage | ErrorKind::NotFound => true,
        ErrorKind::Conflict => !e.message.contains("changed since"),
        _ => false,
    }
}

const ERROR_MARK: &str = "# accessctl: this edit was not applied. Fix it, then save and quit again;";

/// The `#` lines put on top of a reopened file: the error, its hint, and how to
/// give up (kubectl edit's way).
fn error_block(e: &CliError) -> String {
    let mut block =
        format!("{ERROR_MARK}\n# save it unchanged or empty it to give up (your edit is kept).\n#\n");
    for line in sanitize(&e.message).lines() {
        block.push_str(&format!("# error: {line}\n"));
    }
    for h in &e.hints {
        block.push_str(&format!("# hint: {}\n", sanitize(h)));
    }
    block.push_str("#\n");
    block
}

/// The text without a previous round's error block.
fn without_error_block(text: &str) -> &str {
    if !text.starts_with(ERROR_MARK) {
        return text;
    }
    let mut rest = text;
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
        if rest.starts_with("# The role bindings of project") {
            break;
        }
    }
    rest
}

/// Giving up after a reopen: exit 2 with the last error, the edit kept.
fn aborted(e: CliError, how: &str, path: &Path) -> CliError {
    let message = format!(
        "{} (the reopened document was {how}; nothing was changed)",
        e.message
    );
    kept(CliError::usage(message), path)
}

/// A failure after editing: the hint says where the edit is, and how to apply it.
fn kept(e: CliError, path: &Path) -> CliError {
    let path = path.display();
    e.with_hint(format!(
        "your edit is kept in {path} (once fixed: `accessctl roles apply -f {path} --prune`)"
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
