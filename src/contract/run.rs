//! One contract test run: start what the target needs (the mock, the recording proxy, mcpow's own server),
//! connect, list the tools, make the suite's calls one by one, check each, and stop everything it started.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::ContractError;
use super::call::{CallContext, skipped};
use super::recorder::Recorder;
use super::report::{CaseResult, TestRunReport, Totals, cut};
use super::start::{Started, scratch_dir, server_target, upstream_url};
use super::suite::{PlannedCase, Suite, ToolUnderTest, plan_tool};
use crate::mcp::{CallOptions, ConnectOptions, Session, Target};
use crate::mock::SchemaChecker;
use crate::spec::model::{ApiModel, SpecFormat};
use crate::store::now_millis;
use crate::tools::{ToolOptions, build_tools};

/// The MCP server under test.
#[derive(Debug, Clone)]
pub enum McpServer {
    /// Any MCP server (a generated connector, say), reached as `mcpow tools` reaches it.
    Connect(Target),
    /// The spec served by mcpow itself, in this process (the tools `mcpow serve` lists).
    ServeSpec,
}

/// The API behind the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiBackend {
    /// Whatever the server is configured with (for `ServeSpec`: the spec's first server).
    None,
    BaseUrl(String),
    /// mcpow's mock of the spec, on 127.0.0.1, started and stopped by the run.
    Mock,
    /// The mock answering `fail_percent` % of requests with an injected 500 or 503, drawn from `seed`
    /// (the same seed gives the same failures for the same calls).
    MockWithFaults {
        fail_percent: u8,
        seed: u64,
    },
}

impl ApiBackend {
    /// Whether the run starts mcpow's mock (with faults or not).
    pub fn is_mock(&self) -> bool {
        matches!(self, ApiBackend::Mock | ApiBackend::MockWithFaults { .. })
    }
}

/// A loaded spec and how to name it.
#[derive(Debug, Clone)]
pub struct ContractSpec {
    pub model: Arc<ApiModel>,
    /// The file or URL it came from.
    pub label: String,
}

/// What to test: a server, the spec that describes it, and the API behind it. Built by the CLI, or by a
/// caller that started the backend itself (then `api` is its URL).
#[derive(Debug, Clone)]
pub struct ContractTarget {
    pub server: McpServer,
    pub spec: Option<ContractSpec>,
    pub api: ApiBackend,
    /// The variable a stdio server reads its API base URL from; default `{PREFIX}_BASE_URL`, the name
    /// generated connectors read (PREFIX: `env_prefix`, else the spec's title in upper snake case).
    pub base_url_variable: Option<String>,
    pub env_prefix: Option<String>,
    /// Headers `ServeSpec` sends with every API request.
    pub api_headers: Vec<(String, String)>,
}

impl ContractTarget {
    /// The spec served by mcpow, calling `api`.
    pub fn serve_spec(spec: ContractSpec, api: ApiBackend) -> ContractTarget {
        ContractTarget {
            server: McpServer::ServeSpec,
            spec: Some(spec),
            api,
            base_url_variable: None,
            env_prefix: None,
            api_headers: Vec::new(),
        }
    }

    /// The variable the stdio server is given the API's URL in.
    pub(super) fn base_url_variable(&self) -> Option<String> {
        if let Some(name) = &self.base_url_variable {
            return Some(name.clone());
        }
        let prefix = match (&self.env_prefix, &self.spec) {
            (Some(prefix), _) => crate::http::auth::upper_snake(prefix),
            (None, Some(spec)) => crate::http::auth::default_prefix(&spec.model),
            (None, None) => return None,
        };
        Some(format!("{prefix}_BASE_URL"))
    }

    fn label(&self) -> String {
        match (&self.server, &self.spec) {
            (McpServer::Connect(target), _) => target.label(),
            (McpServer::ServeSpec, Some(spec)) => format!("mcpow serve {}", spec.label),
            (McpServer::ServeSpec, None) => "mcpow serve".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub suite: Suite,
    /// Call tools that change data (non-GET operations, tools not marked read-only).
    pub allow_writes: bool,
    /// Only these tools (all when empty).
    pub tools: Vec<String>,
    pub call_timeout: Duration,
    pub initialize_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            suite: Suite::Smoke,
            allow_writes: false,
            tools: Vec::new(),
            call_timeout: Duration::from_secs(60),
            initialize_timeout: Duration::from_secs(60),
        }
    }
}

/// Progress, as it happens.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// Connected and listed: this many tools, this many calls planned.
    Started { tools: usize, cases: usize },
    /// A call was made (or skipped) and checked.
    CaseFinished {
        index: usize,
        total: usize,
        case: Box<CaseResult>,
    },
}

/// Runs the suite against `target`. Check failures are in the report; `Err` means the run could not be made.
pub async fn run(
    target: ContractTarget,
    options: &RunOptions,
    events: Option<UnboundedSender<RunEvent>>,
) -> Result<TestRunReport, ContractError> {
    let mut started = Started {
        mock: None,
        recorder: None,
        serve: None,
        scratch: None,
    };
    let outcome = run_started(&target, options, events, &mut started).await;
    started.stop().await;
    outcome
}

async fn run_started(
    target: &ContractTarget,
    options: &RunOptions,
    events: Option<UnboundedSender<RunEvent>>,
    started: &mut Started,
) -> Result<TestRunReport, ContractError> {
    let clock = Instant::now();
    let started_at = now_millis();
    let model = target.spec.as_ref().map(|s| s.model.clone());
    if model.is_none() && (target.api.is_mock() || matches!(target.server, McpServer::ServeSpec)) {
        return Err(ContractError::Usage(
            "give the spec (--spec): the mock and mcpow's own server are made from it".into(),
        ));
    }
    let api_label = match &target.api {
        ApiBackend::Mock => "mock".to_string(),
        ApiBackend::MockWithFaults { fail_percent, seed } => {
            format!("mock with {fail_percent}% faults (seed {seed})")
        }
        ApiBackend::BaseUrl(url) => url.clone(),
        ApiBackend::None => "none".to_string(),
    };
    let upstream = upstream_url(target, model.as_deref(), started).await?;
    if let Some(upstream) = &upstream {
        started.recorder = Some(Recorder::start(upstream, options.call_timeout).await?);
    }
    let mcp_target = server_target(target, started).await?;
    let connect = ConnectOptions {
        initialize_timeout: options.initialize_timeout,
        ..ConnectOptions::default()
    };
    let session = Session::connect(mcp_target, &connect)
        .await
        .map_err(|e| ContractError::Connection(e.to_string()))?;
    let listed = match session.list_tools().await {
        Ok(tools) => tools,
        Err(e) => {
            session.close().await;
            return Err(ContractError::Connection(format!("tools/list failed: {e}")));
        }
    };
    let definitions = model
        .as_deref()
        .map(|m| build_tools(m, &ToolOptions::default()).tools)
        .unwrap_or_default();
    let tools: Vec<ToolUnderTest> = listed
        .iter()
        .filter_map(|tool| serde_json::to_value(tool).ok())
        .filter_map(|entry| ToolUnderTest::from_listed(&entry, &definitions))
        .filter(|tool| options.tools.is_empty() || options.tools.contains(&tool.name))
        .collect();
    let unknown: Vec<&str> = options
        .tools
        .iter()
        .filter(|name| !tools.iter().any(|t| &t.name == *name))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        session.close().await;
        let listed: Vec<String> = listed.iter().map(|t| t.name.to_string()).collect();
        return Err(ContractError::Usage(format!(
            "the server has no tool {} (it lists: {})",
            unknown.join(", "),
            cut(&listed.join(", "), 400)
        )));
    }
    let scratch = scratch_dir()?;
    started.scratch = Some(scratch.clone());
    let upload = scratch.join("upload.txt");
    std::fs::write(&upload, b"mcpow test upload\n")
        .map_err(|e| ContractError::Setup(format!("cannot write {}: {e}", upload.display())))?;
    let empty = Arc::new(ApiModel::new(SpecFormat::Openapi, "3.1.0", "tools"));
    let synth_model = model.clone().unwrap_or_else(|| empty.clone());
    let planned: Vec<(usize, PlannedCase)> = tools
        .iter()
        .enumerate()
        .flat_map(|(index, tool)| {
            plan_tool(options.suite, tool, &synth_model, &upload)
                .into_iter()
                .map(move |case| (index, case))
        })
        .collect();
    let send = |event: RunEvent| {
        if let Some(events) = &events {
            let _ = events.send(event);
        }
    };
    send(RunEvent::Started {
        tools: tools.len(),
        cases: planned.len(),
    });
    let checker = SchemaChecker::new(synth_model.clone(), true);
    let writes_allowed =
        options.allow_writes || (options.suite == Suite::Full && target.api.is_mock());
    let call = CallOptions {
        timeout: options.call_timeout,
        ..CallOptions::default()
    };
    let total = planned.len();
    let mut cases = Vec::with_capacity(total);
    for (index, (tool_index, case)) in planned.into_iter().enumerate() {
        let tool = &tools[tool_index];
        let result = if !writes_allowed && !tool.is_read_only(model.as_deref()) {
            skipped(case, write_reason(options.suite))
        } else {
            let context = CallContext {
                tool,
                model: model.as_deref(),
                checker: &checker,
                recorder: started.recorder.as_ref(),
                session: &session,
                call: &call,
            };
            context.run_case(case).await
        };
        send(RunEvent::CaseFinished {
            index,
            total,
            case: Box::new(result.clone()),
        });
        cases.push(result);
    }
    session.close().await;
    Ok(TestRunReport {
        target: target.label(),
        suite: options.suite.as_str().to_string(),
        spec: target.spec.as_ref().map(|s| s.label.clone()),
        api: api_label,
        started_at,
        duration_ms: clock.elapsed().as_millis() as u64,
        tools: tools.len(),
        totals: Totals::of(&cases),
        cases,
    })
}

fn write_reason(suite: Suite) -> String {
    match suite {
        Suite::Smoke => {
            "may change data (not read-only): the smoke suite calls it only with --allow-writes"
                .into()
        }
        Suite::Full => {
            "may change data (not read-only) and the API is not the mock: give --allow-writes"
                .into()
        }
    }
}
