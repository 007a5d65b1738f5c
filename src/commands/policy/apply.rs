//! Printing the plan and applying it with `PUT …/policy` at the etag it was made at.

use access_api::{PolicyDocument, ProblemCode};

use super::*;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;
use crate::output::table::Fit;

/// Prints the plan: `ACTION ROLE PRINCIPAL EXPIRES` (JSON: the items); `-q` prints
/// nothing.
pub(super) fn print(ctx: &Ctx, plan: &Plan) -> Result<(), CliError> {
    // On a narrow terminal the name part of PRINCIPAL is cut (its `<email>` kept
    // whole while it fits); times are never cut.
    let mut table = Table::new(&["ACTION", "ROLE", "PRINCIPAL", "EXPIRES"]).with_fits(&[
        Fit::KEEP,
        Fit::KEEP,
        Fit::cut(1).label(),
        Fit::KEEP,
    ]);
    for i in &plan.items {
        let mut expires = i.expires_at.clone().unwrap_or_default();
        if i.action == Action::Update {
            let never = |e: &Option<String>| e.clone().unwrap_or_else(|| "never".into());
            expires = format!("{} (was {})", never(&i.expires_at), never(&i.previous_expires_at));
        }
        table.push(
            String::new(),
            vec![
                i.action.as_str().to_owned(),
                i.role.clone(),
                i.principal.label(),
                expires,
            ],
        );
    }
    table.ids.clear();
    ctx.output().print(&plan.items, &table)
}

/// Makes the project's membership match `doc` (read from `source`): checks it names
/// this project and is not stale, plans, and unless `dry_run` or there is nothing to
/// change, applies the plan at the etag it was made at. Prints the plan on success.
pub async fn apply(
    ctx: &Ctx,
    doc: &PolicyDocument,
    source: &str,
    prune: bool,
    dry_run: bool,
) -> Result<(), CliError> {
    let project = ctx.project().await?;
    let api = ctx.api().await?;
    let now = api.get_policy(&project).await?;
    let name = now.project.clone().unwrap_or_else(|| project.clone());
    if let Some(p) = doc.project.as_deref().map(str::trim)
        && !(p.eq_ignore_ascii_case(&name) || p == project)
    {
        return Err(
            CliError::usage(format!("{source} is for project '{p}', not '{name}'")).with_hint(format!(
                "apply it to its project with `--project {p}`, or change its `project:` line"
            )),
        );
    }
    let roles = api.list_roles(&project).await?;
    let current = api.list_role_bindings(&project, None, None).await?;
    let plan = plan(doc, &roles, &current, prune, source)?;
    // A stale document changes nothing it does not already match (so applying the
    // same file twice is fine), but it never overwrites what changed since.
    let current_etag = now.etag.clone().unwrap_or_default();
    if plan.has_changes()
        && let Some(e) = &doc.etag
        && etag_value(e) != etag_value(&current_etag)
    {
        return Err(stale(&name, source));
    }
    if !plan.has_changes() {
        print(ctx, &plan)?;
        ctx.output()
            .info(&format!("No changes: project {name} already matches {source}"));
        return Ok(());
    }
    if dry_run {
        print(ctx, &plan)?;
        if leaves_no_owner(&plan, &roles) {
            ctx.output().warn(&format!(
                "this leaves project {name} without an owner: the server will refuse it"
            ));
        }
        ctx.output()
            .info(&format!("Dry run: {}; nothing was changed", plan.summary(false)));
        return Ok(());
    }
    let body = PolicyDocument {
        project: now.project.clone(),
        etag: now.etag.clone(),
        bindings: plan.bindings.clone(),
    };
    match api.put_policy(&project, &body).await {
        Ok(_) => {}
        // Only a change made since the plan was worked out (the document's own etag
        // was checked above).
        Err(e) if e.code() == Some(ProblemCode::PreconditionFailed) => {
            return Err(CliError::conflict(format!(
                "project {name} changed while {source} was being applied; nothing was changed"
            ))
            .with_hint("run the command again"));
        }
        Err(e) => return Err(e.into()),
    }
    print(ctx, &plan)?;
    ctx.output().info(&format!(
        "Applied {source} to project {name}: {}",
        plan.summary(true)
    ));
    Ok(())
}

pub(super) fn stale(project: &str, source: &str) -> CliError {
    CliError::conflict(format!(
        "project {project} has changed since {source} was exported (its etag is stale); nothing was changed"
    ))
    .with_hint("export it again (`accessctl roles export > FILE`), make your changes there, and apply that")
}
