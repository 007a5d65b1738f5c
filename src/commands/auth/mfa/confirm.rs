//! `accessctl auth mfa confirm CODE`: POST /v1/users/me/mfa/confirm.

use access_api::TotpCode;

use crate::context::Ctx;
use crate::error::CliError;

/// Turn two-factor authentication on with a code from the enrolled app
///
/// From then on, `auth login --email` also asks for a TOTP code.
#[derive(clap::Args, Debug)]
pub struct ConfirmArgs {
    /// The 6-digit code the authenticator app shows now
    #[arg(value_name = "CODE")]
    code: String,
}

pub async fn run(args: &ConfirmArgs, ctx: &Ctx) -> Result<(), CliError> {
    let code = super::totp_code(&args.code)?;
    let user = ctx
        .api()
        .await?
        .confirm_mfa(&TotpCode { code })
        .await
        .map_err(super::mfa_error)?;
    ctx.output()
        .info(&format!("Two-factor authentication is on for {}", user.username));
    ctx.output().one(&user)
}
