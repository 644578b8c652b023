//! A backend started for a test run: the user's command in its own process group, on a chosen port, waited for
//! until it answers, its description discovered from it, and always stopped (SIGTERM to the group, then SIGKILL).

mod group;
mod output;
mod prepare;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use thiserror::Error;
use tokio::process::{Child, Command};
use url::Url;

use crate::spec::model::ApiModel;
use crate::spec::source::{LoadOptions, SpecSource, fetch_source};

pub use group::group_alive;
use group::signal_group;
pub use output::OutputLog;
use output::collect_lines;
pub use prepare::{BackendRequest, Finished, PrepareError, PreparedBackend, prepare_backend};

/// How many lines of output an error quotes.
const ERROR_TAIL_LINES: usize = 20;

/// Which port the backend listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortChoice {
    /// A free port on 127.0.0.1, chosen just before the start.
    Auto,
    Fixed(u16),
}

impl PortChoice {
    /// `auto` or a port number.
    pub fn parse(text: &str) -> Result<PortChoice, String> {
        if text.eq_ignore_ascii_case("auto") {
            return Ok(PortChoice::Auto);
        }
        match text.parse::<u16>() {
            Ok(port) if port > 0 => Ok(PortChoice::Fixed(port)),
            _ => Err(format!(
                "`{text}` is not a port: give `auto` or a number from 1 to 65535"
            )),
        }
    }
}

/// How to start a backend.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Run with `sh -c`; `{port}` is replaced by the port, which is also in the environment as `PORT`.
    pub command: String,
    pub cwd: Option<PathBuf>,
    /// Added to the inherited environment.
    pub env: Vec<(String, String)>,
    /// Ready once this answers with any status below 500 (`{port}` replaced); else once the port accepts.
    pub health: Option<String>,
    pub port: PortChoice,
    pub startup_timeout: Duration,
    /// How long SIGTERM is given before SIGKILL.
    pub stop_grace: Duration,
}

impl StartOptions {
    pub fn new(command: impl Into<String>) -> StartOptions {
        StartOptions {
            command: command.into(),
            cwd: None,
            env: Vec::new(),
            health: None,
            port: PortChoice::Auto,
            startup_timeout: Duration::from_secs(60),
            stop_grace: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Error)]
pub enum BackendError {
    #[error("--port: {0}")]
    Port(String),
    #[error("--health `{url}` is not an http(s) URL: {message}")]
    Health { url: String, message: String },
    #[error("--cwd {}: {message}", path.display())]
    Cwd { path: PathBuf, message: String },
    #[error("cannot start `{command}`: {message}")]
    Spawn { command: String, message: String },
    #[error(
        "the backend `{command}` exited before it answered ({status}){}",
        show_tail(tail)
    )]
    Exited {
        command: String,
        status: String,
        tail: String,
    },
    #[error(
        "the backend `{command}` did not answer at {target} within {} s{}",
        waited.as_secs_f64().round(),
        show_tail(tail)
    )]
    TimedOut {
        command: String,
        target: String,
        waited: Duration,
        tail: String,
    },
    #[error("no API description found on the backend at {url}: {message}")]
    Discovery { url: String, message: String },
}

fn show_tail(tail: &str) -> String {
    if tail.trim().is_empty() {
        "; it printed nothing".to_string()
    } else {
        format!("; its last output:\n{}", tail.trim_end())
    }
}

/// How a stop went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    /// Whether SIGKILL was needed.
    pub killed: bool,
    /// The command's exit status, as text.
    pub status: String,
}

/// A running backend. Dropping it stops it (blocking up to the grace period); prefer [`Backend::stop`].
#[derive(Debug)]
pub struct Backend {
    child: Child,
    group: i32,
    port: u16,
    url: Url,
    command: String,
    output: OutputLog,
    stop_grace: Duration,
    stopped: Option<Stopped>,
}

impl Backend {
    /// Starts the command and waits until it answers. On any failure what was started is stopped first.
    pub async fn start(options: &StartOptions) -> Result<Backend, BackendError> {
        let port = choose_port(options.port)?;
        let command = options.command.replace("{port}", &port.to_string());
        let health = match &options.health {
            Some(raw) => Some(parse_health(&raw.replace("{port}", &port.to_string()))?),
            None => None,
        };
        if let Some(cwd) = &options.cwd
            && !cwd.is_dir()
        {
            return Err(BackendError::Cwd {
                path: cwd.clone(),
                message: "is not a directory".to_string(),
            });
        }
        let mut process = Command::new("sh");
        process
            .arg("-c")
            .arg(&command)
            .env("PORT", port.to_string())
            .envs(options.env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0);
        if let Some(cwd) = &options.cwd {
            process.current_dir(cwd);
        }
        let mut child = process.spawn().map_err(|e| BackendError::Spawn {
            command: command.clone(),
            message: e.to_string(),
        })?;
        let group = child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .unwrap_or(0);
        let output = OutputLog::default();
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(collect_lines(stdout, output.clone()));
        }
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(collect_lines(stderr, output.clone()));
        }
        let url = Url::parse(&format!("http://127.0.0.1:{port}/"))
            .map_err(|e| BackendError::Port(format!("port {port} makes no URL: {e}")))?;
        let mut backend = Backend {
            child,
            group,
            port,
            url,
            command,
            output,
            stop_grace: options.stop_grace,
            stopped: None,
        };
        if let Err(error) = backend
            .wait_until_ready(health.as_ref(), options.startup_timeout)
            .await
        {
            backend.stop().await;
            return Err(error);
        }
        Ok(backend)
    }

    async fn wait_until_ready(
        &mut self,
        health: Option<&Url>,
        timeout: Duration,
    ) -> Result<(), BackendError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| BackendError::Spawn {
                command: self.command.clone(),
                message: format!("cannot build an HTTP client: {e}"),
            })?;
        let started = Instant::now();
        let mut pause = Duration::from_millis(25);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Give the output readers a moment to take the last lines.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return Err(BackendError::Exited {
                    command: self.command.clone(),
                    status: status.to_string(),
                    tail: self.output.tail(ERROR_TAIL_LINES),
                });
            }
            let answered = match health {
                Some(url) => client
                    .get(url.clone())
                    .send()
                    .await
                    .is_ok_and(|r| r.status().as_u16() < 500),
                None => tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                    .await
                    .is_ok(),
            };
            if answered {
                return Ok(());
            }
            if started.elapsed() >= timeout {
                return Err(BackendError::TimedOut {
                    command: self.command.clone(),
                    target: health
                        .map_or_else(|| format!("127.0.0.1:{}", self.port), |u| u.to_string()),
                    waited: timeout,
                    tail: self.output.tail(ERROR_TAIL_LINES),
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The process group's id (the `sh` process's id).
    pub fn process_group(&self) -> i32 {
        self.group
    }

    pub fn output(&self) -> &OutputLog {
        &self.output
    }

    /// Finds the backend's API description: at `spec` when given (a path or URL; `{port}` replaced), else
    /// discovered from the running service (`/openapi.json`, `/swagger.json`, `/__api__`, ...).
    pub async fn spec_source(
        &self,
        spec: Option<&str>,
        options: &LoadOptions,
    ) -> Result<SpecSource, BackendError> {
        if let Some(spec) = spec {
            return Ok(SpecSource::from_arg(
                &spec.replace("{port}", &self.port.to_string()),
            ));
        }
        let base = self.url.as_str().trim_end_matches('/').to_string();
        match fetch_source(&SpecSource::Url(base.clone()), options).await {
            Ok(fetched) => Ok(SpecSource::Url(fetched.name)),
            Err(error) => Err(BackendError::Discovery {
                url: base,
                message: error.to_string(),
            }),
        }
    }

    /// The base URL calls go to: the backend's origin with the path of the spec's first server
    /// (`/v1` for a server `https://api.example.com/v1` or `/v1`).
    pub fn api_base_url(&self, model: &ApiModel) -> String {
        api_base_url(&self.url, model)
    }

    /// Stops the process group: SIGTERM, then SIGKILL after the grace period. Safe to call twice.
    pub async fn stop(&mut self) -> Stopped {
        if let Some(stopped) = &self.stopped {
            return stopped.clone();
        }
        signal_group(self.group, libc::SIGTERM);
        let deadline = Instant::now() + self.stop_grace;
        let mut killed = false;
        loop {
            let exited = self.child.try_wait().ok().flatten().is_some();
            if exited && !group_alive(self.group) {
                break;
            }
            if Instant::now() >= deadline {
                signal_group(self.group, libc::SIGKILL);
                killed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let status = match tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await {
            Ok(Ok(status)) => status.to_string(),
            Ok(Err(e)) => format!("unknown ({e})"),
            Err(_) => "still running after SIGKILL".to_string(),
        };
        let stopped = Stopped { killed, status };
        self.stopped = Some(stopped.clone());
        stopped
    }

    /// Whether [`Backend::stop`] has run (or the drop guard will still have to).
    pub fn is_stopped(&self) -> bool {
        self.stopped.is_some()
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if self.stopped.is_some() {
            return;
        }
        signal_group(self.group, libc::SIGTERM);
        let deadline = Instant::now() + self.stop_grace;
        loop {
            let exited = self.child.try_wait().ok().flatten().is_some();
            if exited && !group_alive(self.group) {
                return;
            }
            if Instant::now() >= deadline {
                signal_group(self.group, libc::SIGKILL);
                let _ = self.child.start_kill();
                let _ = self.child.try_wait();
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// Origin of `backend` + path of the spec's first server.
pub fn api_base_url(backend: &Url, model: &ApiModel) -> String {
    let origin = backend.as_str().trim_end_matches('/').to_string();
    let Some(server) = model.servers.first() else {
        return origin;
    };
    let declared = server.default_url();
    let path = match Url::parse(&declared) {
        Ok(url) => url.path().to_string(),
        // Relative (`/v1`, `v1`) or a template left over.
        Err(_) => {
            let trimmed = declared.trim();
            if trimmed.starts_with('/') {
                trimmed.to_string()
            } else if trimmed.is_empty() {
                String::new()
            } else {
                format!("/{trimmed}")
            }
        }
    };
    format!("{origin}{}", path.trim_end_matches('/'))
}

fn choose_port(choice: PortChoice) -> Result<u16, BackendError> {
    match choice {
        PortChoice::Auto => std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .map_err(|e| BackendError::Port(format!("no free port on 127.0.0.1: {e}"))),
        // A port someone else already holds would answer for a backend that never started.
        PortChoice::Fixed(port) => match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(_) => Ok(port),
            Err(e) => Err(BackendError::Port(format!(
                "port {port} on 127.0.0.1 is taken ({e})"
            ))),
        },
    }
}

fn parse_health(text: &str) -> Result<Url, BackendError> {
    let url = Url::parse(text).map_err(|e| BackendError::Health {
        url: text.to_string(),
        message: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(BackendError::Health {
            url: text.to_string(),
            message: format!("the scheme is `{}`", url.scheme()),
        });
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{Server, SpecFormat};

    #[test]
    fn port_choice_parses() {
        assert_eq!(PortChoice::parse("auto"), Ok(PortChoice::Auto));
        assert_eq!(PortChoice::parse("8080"), Ok(PortChoice::Fixed(8080)));
        assert!(PortChoice::parse("0").is_err());
        assert!(PortChoice::parse("70000").unwrap_err().contains("70000"));
    }

    #[test]
    fn base_url_takes_the_servers_path() {
        let backend = Url::parse("http://127.0.0.1:5000/").unwrap();
        let mut model = ApiModel::new(SpecFormat::Openapi, "3.0.3", "t");
        assert_eq!(api_base_url(&backend, &model), "http://127.0.0.1:5000");
        for (declared, expected) in [
            ("https://api.example.com/v1/", "http://127.0.0.1:5000/v1"),
            ("/api/v2", "http://127.0.0.1:5000/api/v2"),
            ("api/v2", "http://127.0.0.1:5000/api/v2"),
            ("http://localhost:9/", "http://127.0.0.1:5000"),
        ] {
            model.servers = vec![Server {
                url: declared.to_string(),
                ..Server::default()
            }];
            assert_eq!(api_base_url(&backend, &model), expected, "{declared}");
        }
    }

    #[test]
    fn health_must_be_http() {
        assert!(parse_health("http://127.0.0.1:1/health").is_ok());
        assert!(matches!(
            parse_health("ftp://x/"),
            Err(BackendError::Health { .. })
        ));
        assert!(parse_health("not a url").is_err());
    }
}
