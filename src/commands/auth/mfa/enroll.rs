//! `accessctl auth mfa enroll`: POST /v1/users/me/mfa. Prints the secret and the
//! otpauth:// URI (once; the server never shows them again), and on a terminal a QR
//! code to scan.

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Table;

/// Start TOTP two-factor authentication: a secret for your authenticator app
///
/// Prints the secret and its otpauth:// URI (and a QR code on a terminal). MFA is
/// on once `accessctl auth mfa confirm CODE` gets a code from the app; enrolling
/// again before that replaces the secret. With -q only the URI is printed.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  accessctl auth mfa enroll\n  accessctl auth mfa confirm 123456")]
pub struct EnrollArgs {}

pub async fn run(_args: &EnrollArgs, ctx: &Ctx) -> Result<(), CliError> {
    let enrolled = ctx.api().await?.enroll_mfa().await.map_err(super::mfa_error)?;
    let out = ctx.output();
    if out.is_tty() && out.is_text() {
        out.terminal_art(&qr(&enrolled.otpauth_uri)?)?;
    }
    let mut table = Table::new(&["SECRET", "OTPAUTH URI"]);
    table.push(
        enrolled.otpauth_uri.clone(),
        vec![enrolled.secret.clone(), enrolled.otpauth_uri.clone()],
    );
    table.vertical = true;
    out.print(&enrolled, &table)?;
    out.info("Add it to your authenticator app (scan the QR code or type the secret), then run `accessctl auth mfa confirm CODE` with the code it shows.");
    Ok(())
}

/// The URI as a QR code of half-height blocks (light modules drawn dark: it reads
/// from a terminal with a dark background, with its quiet zone).
fn qr(uri: &str) -> Result<String, CliError> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| CliError::other(format!("cannot draw the QR code: {e}")))?;
    let mut art = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    art.push('\n');
    Ok(art)
}
