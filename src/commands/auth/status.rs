//! `accessctl auth status`: context, server, user and where the token came from
//! (never the token). Verifies it with GET /v1/users/me.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Tabular;

/// Show who you are logged in as, and where the token comes from
#[derive(clap::Args, Debug)]
pub struct StatusArgs {}

#[derive(Serialize)]
struct Status {
    context: String,
    server: String,
    username: String,
    email: String,
    token_source: String,
}

impl Tabular for Status {
    const HEADERS: &'static [&'static str] = &["CONTEXT", "SERVER", "USER", "EMAIL", "TOKEN"];
    fn row(&self) -> Vec<String> {
        vec![
            self.context.clone(),
            self.server.clone(),
            self.username.clone(),
            self.email.clone(),
            self.token_source.clone(),
        ]
    }
    fn id(&self) -> String {
        self.username.clone()
    }
}

pub async fn run(_args: &StatusArgs, ctx: &Ctx) -> Result<(), CliError> {
    let token_source = if ctx.settings.is_embedded() {
        "none needed (embedded server, OS user)".to_owned()
    } else {
        ctx.require_token()?.1.to_string()
    };
    let api = ctx.api().await?;
    let me = api.me().await?;
    let status = Status {
        context: ctx.context_name().to_owned(),
        server: api.describe(),
        username: me.username,
        email: me.email,
        token_source,
    };
    ctx.output().one(&status)
}
