//! `accessctl users update USER [--name N] [--admin|--no-admin] [--reset-mfa]`:
//! PATCH /v1/users/{id}, and DELETE /v1/users/{id}/mfa for `--reset-mfa`.

use access_api::{ProblemCode, UpdateUser, validate};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Change a user's name or server-administrator flag, or reset their MFA
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["name", "admin", "no_admin", "reset_mfa"])))]
pub struct UpdateArgs {
    /// Username, email or id
    #[arg(value_name = "USER")]
    user: String,
    /// New display name
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Make them a server administrator
    #[arg(long, conflicts_with = "no_admin")]
    admin: bool,
    /// Take the server-administrator flag away (not from the last active one)
    #[arg(long)]
    no_admin: bool,
    /// Turn off their two-factor authentication (a lost device): they log in by
    /// emailed code alone and enrol again; audited as user.mfa-reset
    #[arg(long)]
    reset_mfa: bool,
}

pub async fn run(args: &UpdateArgs, ctx: &Ctx) -> Result<(), CliError> {
    if let Some(n) = &args.name {
        validate::text("name", n).map_err(CliError::usage)?;
    }
    let is_admin = match (args.admin, args.no_admin) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let api = ctx.api().await?;
    let user = common::user(api, &args.user).await?;
    let req = UpdateUser {
        name: args.name.clone(),
        is_admin,
        ..Default::default()
    };
    if args.reset_mfa {
        let reset = api.reset_user_mfa(&user.id).await?;
        if user.mfa_enabled {
            ctx.output().info(&format!(
                "Reset the two-factor authentication of {}",
                reset.username
            ));
        } else {
            ctx.output().info(&format!(
                "{} had no two-factor authentication; nothing to reset",
                reset.username
            ));
        }
        if args.name.is_none() && is_admin.is_none() {
            return ctx.output().one(&reset);
        }
    }
    let updated = api.update_user(&user.id, &req).await.map_err(|e| {
        if e.code() == Some(ProblemCode::LastAdmin) {
            CliError::conflict(format!(
                "'{}' is the last active server administrator",
                user.username
            ))
            .with_hint("make another user an administrator first: accessctl users update USER --admin")
        } else {
            CliError::from(e)
        }
    })?;
    ctx.output().info(&format!("Updated user {}", updated.username));
    ctx.output().one(&updated)
}
