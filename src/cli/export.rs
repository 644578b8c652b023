//! `mcpow export PROJECT --out FILE` and `mcpow import FILE [--as NAME]`: a whole project as one JSON file
//! (specs with every version, connectors with their files, jobs, profiles, calls; never secrets).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::EXIT_UNUSABLE;
use super::history::DataDirArgs;
use crate::store::export::{ProjectExport, export_project, import_project};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The project.
    pub project: String,
    /// The file to write (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub data: DataDirArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file written by `mcpow export`.
    pub file: PathBuf,
    /// The project's name here (default: the exported one); it must not exist yet.
    #[arg(long = "as", value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub data: DataDirArgs,
}

fn done(outcome: Result<String, String>) -> ExitCode {
    match outcome {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

pub async fn export(args: ExportArgs) -> ExitCode {
    done(tokio::task::block_in_place(|| {
        let store = args.data.open().map_err(|e| e.to_string())?;
        let export = export_project(&store, &args.project)?;
        let text = serde_json::to_string_pretty(&export).map_err(|e| e.to_string())?;
        if args.out.as_os_str() == "-" {
            super::write_stdout(&format!("{text}\n"));
        } else {
            std::fs::write(&args.out, format!("{text}\n"))
                .map_err(|e| format!("{}: {e}", args.out.display()))?;
        }
        Ok(format!(
            "exported {}: {} spec versions, {} connectors, {} jobs, {} calls",
            args.project,
            export.specs.len(),
            export.connectors.len(),
            export.jobs.len(),
            export.calls.len()
        ))
    }))
}

pub async fn import(args: ImportArgs) -> ExitCode {
    done(tokio::task::block_in_place(|| {
        let file = args.file.display().to_string();
        let text = std::fs::read_to_string(&args.file).map_err(|e| format!("{file}: {e}"))?;
        let mut reader = serde_json::Deserializer::from_str(&text);
        let export: ProjectExport = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
            format!(
                "{file}: {} (line {}): {}",
                e.path(),
                e.inner().line(),
                e.inner()
            )
        })?;
        let store = args.data.open().map_err(|e| e.to_string())?;
        let imported = import_project(&store, export, args.name.as_deref())?;
        Ok(format!(
            "imported {}: {} spec versions, {} connectors, {} jobs, {} calls",
            imported.project, imported.specs, imported.connectors, imported.jobs, imported.calls
        ))
    }))
}
