//! `accessctl users enable USER`: PATCH /v1/users/{id} `{disabled: false}`.

use access_api::UpdateUser;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Enable a disabled user again: their unexpired tokens work again
#[derive(clap::Args, Debug)]
pub struct EnableArgs {
    /// Username, email or id
    #[arg(value_name = "USER")]
    user: String,
}

pub async fn run(args: &EnableArgs, ctx: &Ctx) -> Result<(), CliError> {
    let api = ctx.api().await?;
    let user = common::user(api, &args.user).await?;
    let req = UpdateUser {
        disabled: Some(false),
        ..Default::default()
    };
    let user = api.update_user(&user.id, &req).await?;
    ctx.output().info(&format!("Enabled user {}", user.username));
    ctx.output().one(&user)
}
