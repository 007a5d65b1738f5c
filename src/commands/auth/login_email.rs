//! `auth login --email E`: POST /v1/auth/email-code mails a one-time code; the code
//! (hidden from a terminal, or the first line of stdin) goes to
//! POST /v1/auth/email-code/verify, which answers with a token. An account with MFA
//! answers `totp-required` after a right code: a TOTP code is read the same way (the
//! next line of stdin) and the pair sent again. Codes are secrets: never echoed,
//! printed or traced (`-v` shows paths only).

use access_api::{EmailCodeRequest, EmailCodeVerify, ProblemCode};

use super::login::client;
use crate::api::http::HttpTransport;
use crate::context::Ctx;
use crate::credentials::Secret;
use crate::error::CliError;

/// The token the emailed code (and TOTP code, with MFA) is exchanged for.
pub async fn token(ctx: &Ctx, server: &str, email: &str) -> Result<Secret, CliError> {
    // The token that comes back goes to this server: refuse plain http first.
    HttpTransport::new(
        server,
        Some(Secret::new("-")),
        ctx.settings.timeout.value,
        ctx.settings.insecure_http,
    )?;
    let api = client(ctx, server, None)?;
    let sent = api
        .request_email_code(&EmailCodeRequest {
            email: email.to_owned(),
        })
        .await
        .map_err(|e| match e.code() {
            Some(ProblemCode::MailNotConfigured) => {
                CliError::other(format!("{server} has no mail delivery configured: it cannot mail login codes"))
                    .with_hint("ask a server administrator for a token (`accessctl users tokens create USER NAME`), then `accessctl auth login --server URL`")
            }
            _ => CliError::from(e),
        })?;
    ctx.output().info(&format!(
        "If {email} has an account on this server, a login code is on its way (valid {} minutes).",
        sent.expires_in_seconds / 60
    ));
    let code = read(ctx, "Login code from the mail: ", "login code").await?;
    let mut req = EmailCodeVerify {
        email: email.to_owned(),
        code,
        totp: None,
    };
    loop {
        match api.verify_email_code(&req).await {
            Ok(created) => return Ok(Secret::new(&created.token)),
            Err(e) if e.code() == Some(ProblemCode::TotpRequired) && req.totp.is_none() => {
                req.totp = Some(read(ctx, "TOTP code from your authenticator: ", "TOTP code").await?);
            }
            Err(e) => return Err(refused(e)),
        }
    }
}

fn refused(e: crate::api::ApiError) -> CliError {
    let code = e.code();
    let mut err = CliError::from(e);
    match code {
        Some(ProblemCode::Unauthenticated) => {
            err.set_hint("ask for a new code: run the same `accessctl auth login --email` again");
        }
        Some(ProblemCode::TotpRequired) => {
            err.set_hint(
                "use the current code of the authenticator enrolled with `accessctl auth mfa enroll`; each code works once"
            );
        }
        _ => {}
    }
    err
}

/// One answer: hidden from the terminal, or the next line of stdin.
async fn read(ctx: &Ctx, prompt: &'static str, what: &str) -> Result<String, CliError> {
    let raw = if ctx.stdin_is_tty() {
        crate::terminal::prompt_hidden(prompt).await?
    } else {
        ctx.stdin()
            .read_line()
            .map_err(|e| CliError::io(format!("cannot read the {what} from stdin"), e))?
    };
    let answer = raw.trim().to_owned();
    if answer.is_empty() {
        return Err(CliError::usage(format!("the {what} is empty")).with_hint(
            "type the code from the mail, or pipe it in: echo CODE | accessctl auth login --email E",
        ));
    }
    Ok(answer)
}
