//! `mcpow serve SPEC`: the spec as a live MCP server over stdio or streamable HTTP.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::EXIT_UNUSABLE;
use super::selection::SelectionArgs;
use crate::http::HttpConfig;
use crate::serve::{ServeOptions, SpecServer, run_http, run_stdio};
use crate::spec::{LoadOptions, SpecSource};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TransportArg {
    Stdio,
    Http,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A file, `-` for stdin, a URL, or a running service's base URL.
    pub spec: String,
    /// Call the API here instead of the spec's first server.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    #[arg(long, value_enum, default_value = "stdio")]
    pub transport: TransportArg,
    /// Port for `--transport http` on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Prefix of the credential variables (default: the spec's title in upper snake case).
    #[arg(long, value_name = "PREFIX")]
    pub env_prefix: Option<String>,
    /// A header sent with every API request, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Seconds each API request may take.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// The API's name in `initialize` (default: the spec's file name or URL).
    #[arg(long)]
    pub name: Option<String>,
    /// Print the tools/list JSON and its size, then exit.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

pub async fn run(args: ServeArgs) -> ExitCode {
    match serve(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let tools = args.selection.tool_options()?;
    let headers = super::parse_headers(&args.headers)?;
    let options = ServeOptions {
        tools,
        http: HttpConfig {
            base_url: args.base_url.clone(),
            timeout: Duration::from_secs(args.timeout.max(1)),
            headers,
            ..HttpConfig::default()
        },
        env_prefix: args.env_prefix.clone(),
    };
    let source = SpecSource::from_arg(&args.spec);
    let load_options = LoadOptions {
        serving_only: true,
        ..LoadOptions::default()
    };
    if args.list {
        let model = crate::spec::load(&source, &load_options)
            .await
            .map_err(|e| e.to_string())?;
        let server = SpecServer::start(Arc::new(model), options);
        let list = server.list_json().await?;
        let bytes = serde_json::to_vec(&list).map(|v| v.len()).unwrap_or(0);
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "tools": list,
            "bytes": bytes,
            "estimated_tokens": bytes.div_ceil(4),
        }))
        .map_err(|e| e.to_string())?;
        super::write_stdout(&(text + "\n"));
        return Ok(());
    }
    // Fail fast on an unusable spec, but answer `initialize` while a large one is still being prepared.
    let name = args.name.clone().unwrap_or_else(|| source.display_name());
    let load = async move {
        crate::spec::load(&source, &load_options)
            .await
            .map(Arc::new)
            .map_err(|e| e.to_string())
    };
    let server = SpecServer::start_loading(&name, load, options);
    match args.transport {
        TransportArg::Stdio => run_stdio(server).await,
        TransportArg::Http => {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
                .await
                .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
            let address = listener.local_addr().map_err(|e| e.to_string())?;
            eprintln!("mcpow serve: MCP (streamable HTTP) at http://{address}/mcp");
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            run_http(server, listener, shutdown).await
        }
    }
}
