//! `accessctl users create --username U --email E [--name N]`: POST /v1/users.

use access_api::{CreateUser, validate};

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;

/// Create a user (they join the default organization)
#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// Username: letters, digits, '.', '_', '-'
    #[arg(long, value_name = "USERNAME")]
    username: String,
    /// Email address
    #[arg(long, value_name = "EMAIL")]
    email: String,
    /// Display name
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

pub async fn run(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let username = common::name("username", &args.username)?;
    let email = common::email(&args.email)?;
    if let Some(n) = &args.name {
        validate::text("name", n).map_err(CliError::usage)?;
    }
    let req = CreateUser {
        username,
        email,
        name: args.name.clone(),
    };
    let user = ctx.api().await?.create_user(&req).await?;
    ctx.output().info(&format!("Created user {}", user.username));
    ctx.output().one(&user)
}
