//! `accessctl auth …`

pub mod login;
mod login_email;
pub mod logout;
pub mod mfa;
pub mod status;
pub mod token;
pub mod tokens;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum AuthCommand {
    Login(login::LoginArgs),
    Logout(logout::LogoutArgs),
    Status(status::StatusArgs),
    Token(token::TokenArgs),
    /// Create, list and revoke your API tokens
    #[command(subcommand)]
    Tokens(tokens::TokensCommand),
    /// TOTP two-factor authentication: enroll, confirm, disable
    #[command(subcommand)]
    Mfa(mfa::MfaCommand),
}

pub async fn run(cmd: AuthCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        AuthCommand::Login(a) => login::run(&a, ctx).await,
        AuthCommand::Logout(a) => logout::run(&a, ctx).await,
        AuthCommand::Status(a) => status::run(&a, ctx).await,
        AuthCommand::Token(a) => token::run(&a, ctx).await,
        AuthCommand::Tokens(c) => tokens::run(c, ctx).await,
        AuthCommand::Mfa(c) => mfa::run(c, ctx).await,
    }
}
