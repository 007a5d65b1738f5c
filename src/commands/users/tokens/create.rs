//! `accessctl users tokens create USER NAME [--expires-in-days N]`:
//! POST /v1/users/{id}/tokens. The token is printed once, on stdout.

use access_api::CreateToken;

use crate::commands::common;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;

/// Create an API token for a user (shown once); hand it to them over a safe channel
///
/// For servers without mail delivery, where the user cannot log in by an emailed
/// code. With -q only the token is printed.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  accessctl users tokens create jane@example.com laptop --expires-in-days 30\n  TOKEN=$(accessctl -q users tokens create jane ci)"
)]
pub struct CreateArgs {
    /// Username, email or id
    #[arg(value_name = "USER")]
    user: String,
    /// A name to recognise the token by
    #[arg(value_name = "NAME")]
    name: String,
    /// Days until the token expires [default: never]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=3650))]
    expires_in_days: Option<u32>,
}

pub async fn run(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let name = args.name.trim();
    if name.is_empty() {
        return Err(CliError::usage("the token name is empty"));
    }
    let api = ctx.api().await?;
    let user = common::user(api, &args.user).await?;
    let req = CreateToken {
        name: name.to_owned(),
        expires_in_days: args.expires_in_days,
    };
    let created = api.create_user_token(&user.id, &req).await?;
    ctx.output().info(&format!(
        "Created token {} ({}) for {}. Copy it now: it is shown only once.",
        created.info.name, created.info.id, user.username
    ));
    let mut table = Table::new(&["TOKEN"]);
    table.push(created.token.clone(), vec![created.token.clone()]);
    ctx.output().print(&created, &table)
}
