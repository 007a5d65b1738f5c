//! `accessctl completion [SHELL]`: prints the shell's completion script (the dynamic
//! registration of clap_complete's engine; see `complete.rs` and README.md).

use crate::complete::{self, SHELLS};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Output;

/// Print the shell completion script (from $SHELL when no shell is named)
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  echo 'source <(accessctl completion bash)' >> ~/.bashrc\n  accessctl completion zsh > \"${fpath[1]}/_accessctl\"\n  accessctl completion fish > ~/.config/fish/completions/accessctl.fish"
)]
pub struct CompletionArgs {
    /// The shell [default: the basename of $SHELL]
    #[arg(value_name = "SHELL", value_parser = clap::builder::PossibleValuesParser::new(SHELLS))]
    shell: Option<String>,
}

pub async fn run(args: &CompletionArgs, ctx: &Ctx) -> Result<(), CliError> {
    print(args, ctx.env().shell.as_deref(), ctx.output())
}

/// Prints the script; `shell_var` is `$SHELL`. (`lib.rs` calls this before reading
/// any config, so a broken config file cannot break the shell's startup.)
pub fn print(args: &CompletionArgs, shell_var: Option<&str>, output: &Output) -> Result<(), CliError> {
    let shell = match &args.shell {
        Some(s) => s.clone(),
        None => shell_of(shell_var)?,
    };
    let script = complete::registration(&shell).ok_or_else(|| unknown(&shell))?;
    output.script(&script)
}

/// The shell named by `$SHELL` (`/usr/bin/zsh` → `zsh`).
fn shell_of(var: Option<&str>) -> Result<String, CliError> {
    let var = var.ok_or_else(|| CliError::usage("no shell named and $SHELL is not set").with_hint(hint()))?;
    let name = std::path::Path::new(var)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match name.as_str() {
        "pwsh" | "powershell.exe" | "pwsh.exe" => "powershell".to_owned(),
        _ => name,
    };
    if SHELLS.contains(&name.as_str()) {
        Ok(name)
    } else {
        Err(unknown(&name))
    }
}

fn unknown(shell: &str) -> CliError {
    CliError::usage(format!("unknown shell '{shell}'")).with_hint(hint())
}

fn hint() -> String {
    format!("name one: accessctl completion {}", SHELLS.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_from_var() {
        assert_eq!(shell_of(Some("/usr/bin/zsh")).unwrap(), "zsh");
        assert_eq!(shell_of(Some("/bin/bash")).unwrap(), "bash");
        assert_eq!(shell_of(Some("/usr/local/bin/pwsh")).unwrap(), "powershell");
        let err = shell_of(Some("/bin/tcsh")).unwrap_err();
        assert_eq!(err.kind.exit_code(), 2);
        assert!(err.hint().unwrap().contains("bash|zsh|fish|powershell|elvish"));
        assert!(shell_of(None).is_err());
    }
}
