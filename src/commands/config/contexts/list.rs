//! `accessctl config contexts list`: the saved contexts, `local` always among them.

use serde::Serialize;

use crate::config::LOCAL_CONTEXT;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::Tabular;
use crate::output::table::Fit;

/// List contexts
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    limit: crate::commands::common::Limit,
}

#[derive(Serialize)]
struct ContextRow {
    name: String,
    current: bool,
    server: Option<String>,
    project: Option<String>,
}

impl Tabular for ContextRow {
    const HEADERS: &'static [&'static str] = &["CURRENT", "NAME", "SERVER", "PROJECT"];
    const FITS: &'static [Fit] = &[Fit::KEEP, Fit::KEEP, Fit::cut(2), Fit::cut(1)];
    fn row(&self) -> Vec<String> {
        let server = self.server.clone().unwrap_or_else(|| "embedded".into());
        let current = if self.current { "*" } else { "" };
        vec![
            current.into(),
            self.name.clone(),
            server,
            self.project.clone().unwrap_or_default(),
        ]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

pub async fn run(args: &ListArgs, ctx: &Ctx) -> Result<(), CliError> {
    let config = ctx.config().load()?;
    let current = ctx.context_name();
    let mut rows: Vec<ContextRow> = config
        .contexts
        .iter()
        .map(|(name, t)| ContextRow {
            name: name.clone(),
            current: name == current,
            server: t.server.clone(),
            project: t.project.clone(),
        })
        .collect();
    if !config.contexts.contains_key(LOCAL_CONTEXT) {
        rows.insert(
            0,
            ContextRow {
                name: LOCAL_CONTEXT.into(),
                current: current == LOCAL_CONTEXT,
                server: None,
                project: None,
            },
        );
    }
    ctx.output().list(&args.limit.apply(rows), "")
}
