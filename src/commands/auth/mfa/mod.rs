//! `accessctl auth mfa …`: TOTP two-factor authentication of your account

pub mod confirm;
pub mod disable;
pub mod enroll;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Subcommand, Debug)]
pub enum MfaCommand {
    Enroll(enroll::EnrollArgs),
    Confirm(confirm::ConfirmArgs),
    Disable(disable::DisableArgs),
}

pub async fn run(cmd: MfaCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        MfaCommand::Enroll(a) => enroll::run(&a, ctx).await,
        MfaCommand::Confirm(a) => confirm::run(&a, ctx).await,
        MfaCommand::Disable(a) => disable::run(&a, ctx).await,
    }
}

/// A TOTP code as typed: six digits (spaces ignored), checked before any request.
pub fn totp_code(given: &str) -> Result<String, CliError> {
    let code: String = given.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::usage("a TOTP code is 6 digits")
            .with_hint("type the code your authenticator app shows now"));
    }
    Ok(code)
}

/// The server's refusal of a TOTP code or of the MFA state, with what to do.
pub fn mfa_error(e: crate::api::ApiError) -> CliError {
    use access_api::ProblemCode;
    let code = e.code();
    let mut err = CliError::from(e);
    let hint = match code {
        Some(ProblemCode::TotpRequired) => {
            "use the code your authenticator shows now (each code works once); check the device's clock"
        }
        Some(ProblemCode::MfaEnabled) => "to enrol a new device, run `accessctl auth mfa disable` first",
        Some(ProblemCode::MfaNotEnabled) => "enrol first: `accessctl auth mfa enroll`",
        _ => return err,
    };
    err.set_hint(hint);
    err
}
