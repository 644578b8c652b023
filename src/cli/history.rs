//! `mcpow history`: the calls kept in the store, newest first.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_UNUSABLE, write_stdout};
use crate::store::{CallRecord, Store, StoreError, default_data_dir};

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// How many calls to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// The calls as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataDirArgs,
}

/// Where the store is.
#[derive(Debug, Args)]
pub struct DataDirArgs {
    /// The data directory (default: $MCPOW_DATA_DIR, else $XDG_DATA_HOME/mcpow, else ~/.local/share/mcpow).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataDirArgs {
    pub fn open(&self) -> Result<Store, StoreError> {
        let dir = self.data_dir.clone().unwrap_or_else(default_data_dir);
        Store::open(&dir.join("store"))
    }
}

fn line(call: &CallRecord) -> String {
    let arguments = serde_json::to_string(&call.arguments).unwrap_or_default();
    let arguments: String = arguments.chars().take(80).collect();
    let outcome = if call.is_error { "error" } else { "ok" };
    format!(
        "{:>6}  {}  {} {}  {outcome} in {} ms  ({})\n",
        call.id, call.at, call.tool, arguments, call.duration_ms, call.server
    )
}

pub async fn run(args: HistoryArgs) -> ExitCode {
    let store = match args.data.open() {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    let calls = match store.recent_calls(args.limit) {
        Ok(calls) => calls,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    if args.json {
        write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&calls).unwrap_or_default()
        ));
    } else {
        write_stdout(&calls.iter().map(line).collect::<String>());
    }
    ExitCode::SUCCESS
}
