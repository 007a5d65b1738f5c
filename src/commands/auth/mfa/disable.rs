//! `accessctl auth mfa disable [CODE]`: DELETE /v1/users/me/mfa with a current code.

use access_api::TotpCode;

use crate::context::Ctx;
use crate::error::CliError;

/// Turn two-factor authentication off (needs a current code)
///
/// Without CODE it is read hidden from the terminal, or as the first line of stdin.
#[derive(clap::Args, Debug)]
pub struct DisableArgs {
    /// The 6-digit code the authenticator app shows now
    #[arg(value_name = "CODE")]
    code: Option<String>,
}

pub async fn run(args: &DisableArgs, ctx: &Ctx) -> Result<(), CliError> {
    let given = match &args.code {
        Some(c) => c.clone(),
        None if ctx.stdin_is_tty() => {
            crate::terminal::prompt_hidden("TOTP code from your authenticator: ").await?
        }
        None => ctx
            .stdin()
            .read_line()
            .map_err(|e| CliError::io("cannot read the TOTP code from stdin", e))?,
    };
    let code = super::totp_code(&given)?;
    let user = ctx
        .api()
        .await?
        .disable_mfa(&TotpCode { code })
        .await
        .map_err(super::mfa_error)?;
    ctx.output()
        .info(&format!("Two-factor authentication is off for {}", user.username));
    ctx.output().one(&user)
}
