//! `accessctl users disable USER`: PATCH /v1/users/{id} `{disabled: true}`.

use access_api::UpdateUser;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Disable a user: their tokens stop working (the last owner of a project is kept)
#[derive(clap::Args, Debug)]
pub struct DisableArgs {
    /// Username, email or id
    #[arg(value_name = "USER")]
    user: String,
}

pub async fn run(args: &DisableArgs, ctx: &Ctx) -> Result<(), CliError> {
    let api = ctx.api().await?;
    let user = common::user(api, &args.user).await?;
    let req = UpdateUser {
        disabled: Some(true),
        ..Default::default()
    };
    let user = api.update_user(&user.id, &req).await?;
    ctx.output().info(&format!("Disabled user {}", user.username));
    ctx.output().one(&user)
}
