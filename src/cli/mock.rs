//! `mcpow mock SPEC [--port N] [--latency MS] [--fail-rate P --seed N] [--require-auth] [--log FILE]`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::EXIT_UNUSABLE;
use crate::mock::{MockOptions, start};
use crate::spec::{LoadOptions, SpecSource};

#[derive(Debug, Args)]
pub struct MockArgs {
    /// A file, `-` for stdin, a URL, or a running service's base URL (its description is discovered).
    pub spec: String,
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    pub port: u16,
    /// Delay every response by this many milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency: u64,
    /// Answer this share of requests (0 to 1) with an injected 500 or 503.
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_rate: f64,
    /// Seed for --fail-rate: the same seed gives the same failures for the same requests.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Answer 401 when a request carries no credentials for the operation's security.
    #[arg(long)]
    pub require_auth: bool,
    /// Also append every request to FILE as JSON lines.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Check only types, not `format`s (date-time, email, uuid, ...), of parameters and bodies.
    #[arg(long)]
    pub no_format_check: bool,
    /// Always answer with data synthesized from the schemas, never with the spec's own examples.
    #[arg(long)]
    pub no_examples: bool,
}

pub async fn run(args: MockArgs) -> ExitCode {
    let source = SpecSource::from_arg(&args.spec);
    let model = match crate::spec::load(&source, &LoadOptions::default()).await {
        Ok(model) => model,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    let options = MockOptions {
        port: args.port,
        latency: Duration::from_millis(args.latency),
        fail_rate: args.fail_rate,
        seed: args.seed,
        require_auth: args.require_auth,
        log_file: args.log,
        validate_formats: !args.no_format_check,
        use_examples: !args.no_examples,
        ..MockOptions::default()
    };
    let mock = match start(Arc::new(model), options).await {
        Ok(mock) => mock,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    let line = format!(
        "mock listening on {} ({} operations)\n",
        mock.base_url(),
        mock.operation_count()
    );
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
    let _ = std::io::stdout().lock().flush();
    if args.fail_rate > 0.0 && args.seed.is_none() {
        eprintln!(
            "fault injection seed: {} (pass --seed to repeat a run)",
            mock.seed()
        );
    }
    let mut events = mock.log().subscribe();
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(entry) => eprintln!("{}", entry.summary()),
                Err(RecvError::Lagged(missed)) => eprintln!("({missed} requests not shown)"),
                Err(RecvError::Closed) => break,
            }
        }
    });
    let mut mock = mock;
    let ended = tokio::select! {
        _ = tokio::signal::ctrl_c() => None,
        result = mock.wait() => Some(result),
    };
    match ended {
        None => {
            let _ = mock.stop().await;
            ExitCode::SUCCESS
        }
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(error)) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
