//! Starts the connector over stdio or streamable HTTP (`--transport`, else `MCP_TRANSPORT`).

use std::process::ExitCode;

use connector::config;
use connector::server::{Connector, run_http, run_stdio};

const USAGE: &str = "usage: [--transport stdio|http] [--host HOST] [--port PORT]";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut transport =
        env(config::TRANSPORT_VARIABLE).unwrap_or_else(|| config::DEFAULT_TRANSPORT.to_string());
    let mut host = env(config::HOST_VARIABLE).unwrap_or_else(|| config::DEFAULT_HOST.to_string());
    let mut port = env(config::PORT_VARIABLE).unwrap_or_else(|| config::DEFAULT_PORT.to_string());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let slot = match flag.as_str() {
            "--transport" => &mut transport,
            "--host" => &mut host,
            "--port" => &mut port,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("error: unexpected argument `{arg}`\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        match inline.or_else(|| args.next()) {
            Some(value) => *slot = value,
            None => {
                eprintln!("error: {flag} needs a value\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let connector = match Connector::from_env() {
        Ok(connector) => connector,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match transport.as_str() {
        "stdio" => run_stdio(connector).await,
        "http" => {
            let Ok(port) = port.trim().parse::<u16>() else {
                eprintln!("error: `{port}` is not a port");
                return ExitCode::from(2);
            };
            match tokio::net::TcpListener::bind((host.as_str(), port)).await {
                Ok(listener) => {
                    let shown = listener
                        .local_addr()
                        .map(|a| a.to_string())
                        .unwrap_or(host.clone());
                    eprintln!("{} listening on http://{shown}/mcp", config::SERVER_NAME);
                    let shutdown = async {
                        let _ = tokio::signal::ctrl_c().await;
                    };
                    run_http(connector, listener, shutdown).await
                }
                Err(error) => Err(format!("cannot listen on {host}:{port}: {error}")),
            }
        }
        other => Err(format!("unknown transport `{other}` (stdio or http)")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
