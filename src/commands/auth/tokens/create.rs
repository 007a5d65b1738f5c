//! `accessctl auth tokens create NAME`: POST /v1/users/me/tokens. The token is
//! printed once, on stdout.

use access_api::CreateToken;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;

/// Create an API token for yourself (shown once)
#[derive(clap::Args, Debug)]
pub struct CreateArgs {
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
    let req = CreateToken {
        name: name.to_owned(),
        expires_in_days: args.expires_in_days,
    };
    let created = ctx.api().await?.create_my_token(&req).await?;
    ctx.output().info(&format!(
        "Created token {} ({}). Copy it now: it is shown only once.",
        created.info.name, created.info.id
    ));
    let mut table = Table::new(&["TOKEN"]);
    table.push(created.token.clone(), vec![created.token.clone()]);
    ctx.output().print(&created, &table)
}
