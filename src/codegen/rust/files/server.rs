//! The MCP server: the tools of `tools.json`, each call checked against its inputSchema and run through the
//! runner.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, InitializeResult,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value};

use crate::auth::Authenticator;
use crate::config;
use crate::definitions::Definitions;
use crate::results::{error_result, outcome_result};
use crate::runner::{Runner, Settings};

/// The tools as `tools/list` lists them, parsed once from the embedded `tools.json`.
pub fn tools() -> &'static [Tool] {
    &catalog().tools
}

/// What every connector in the process shares, built on first use: the tools, by name, and each tool's
/// argument validator (built the first time the tool is called, as `mcpow serve` does).
struct Catalog {
    tools: Vec<Tool>,
    by_name: HashMap<String, usize>,
    validators: Vec<OnceLock<Result<jsonschema::Validator, String>>>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let tools: Vec<Tool> =
            serde_json::from_str(config::TOOLS_JSON).expect("tools.json is valid");
        let by_name = tools
            .iter()
            .enumerate()
            .map(|(index, tool)| (tool.name.to_string(), index))
            .collect();
        let validators = tools.iter().map(|_| OnceLock::new()).collect();
        Catalog {
            tools,
            by_name,
            validators,
        }
    })
}

impl Catalog {
    /// The validator of the tool at `index`, or why its inputSchema cannot be one.
    fn validator(&self, index: usize) -> Result<&jsonschema::Validator, String> {
        self.validators[index]
            .get_or_init(|| {
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(&Value::Object(
                        self.tools[index].input_schema.as_ref().clone(),
                    ))
                    .map_err(|e| format!("the tool's inputSchema is invalid: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The connector. Cheap to clone: every session shares the tools and the HTTP client.
#[derive(Clone)]
pub struct Connector {
    runner: Arc<Runner>,
}

impl Connector {
    /// Settings and credentials from the environment.
    pub fn from_env() -> Result<Connector, String> {
        Connector::new(Settings::from_env(), Authenticator::from_process_env())
    }

    pub fn new(settings: Settings, auth: Authenticator) -> Result<Connector, String> {
        let runner = Runner::new(Definitions::embedded(), settings, auth)?;
        Ok(Connector {
            runner: Arc::new(runner),
        })
    }

    /// A connector calling through `client` (made by [`Runner::client`] for the same settings).
    pub fn with_client(
        settings: Settings,
        auth: Authenticator,
        client: reqwest::Client,
    ) -> Connector {
        let runner = Runner::with_client(Definitions::embedded(), settings, auth, client);
        Connector {
            runner: Arc::new(runner),
        }
    }

    pub fn tools(&self) -> &'static [Tool] {
        tools()
    }

    /// Runs one tool call and returns the `CallToolResult` JSON.
    pub async fn call_json(&self, name: &str, arguments: &Map<String, Value>) -> Value {
        let catalog = catalog();
        let Some(&index) = catalog.by_name.get(name) else {
            return error_result(format!("unknown tool `{name}`"));
        };
        let tool = &catalog.tools[index];
        if let Err(message) = catalog
            .validator(index)
            .and_then(|validator| validate(validator, arguments))
        {
            return error_result(message);
        }
        let operation = &self.runner.definitions().operations[index];
        match self.runner.call(operation, arguments).await {
            Ok(outcome) => outcome_result(&tool.name, tool.output_schema.is_some(), &outcome),
            Err(error) => error_result(error.to_string()),
        }
    }
}

/// Checks arguments against the inputSchema; the message names each failing argument.
fn validate(
    validator: &jsonschema::Validator,
    arguments: &Map<String, Value>,
) -> Result<(), String> {
    let instance = Value::Object(arguments.clone());
    let problems: Vec<String> = validator
        .iter_errors(&instance)
        .take(5)
        .map(|error| {
            let at = error.instance_path().to_string();
            let argument = at.trim_start_matches('/').split('/').next().unwrap_or("");
            if argument.is_empty() {
                format!("invalid arguments: {error}")
            } else {
                format!("invalid argument `{argument}` (at {at}): {error}")
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

impl ServerHandler for Connector {
    fn get_info(&self) -> InitializeResult {
        let capabilities = ServerCapabilities::builder().enable_tools().build();
        InitializeResult::new(capabilities)
            .with_server_info(
                Implementation::new(config::SERVER_NAME, config::SERVER_VERSION)
                    .with_title(config::API_TITLE.to_string()),
            )
            .with_instructions(config::INSTRUCTIONS.to_string())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(tools().to_vec()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let arguments = request.arguments.unwrap_or_default();
        let result = self.call_json(&request.name, &arguments).await;
        let result: CallToolResult = serde_json::from_value(result)
            .map_err(|e| McpError::internal_error(format!("result does not fit MCP: {e}"), None))?;
        Ok(CallToolResponse::Complete(result))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tools().iter().find(|t| t.name == name).cloned()
    }
}

/// Serves over stdio until the client closes it.
pub async fn run_stdio(connector: Connector) -> Result<(), String> {
    use rmcp::ServiceExt;
    let running = connector
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| format!("MCP session failed to start: {e}"))?;
    running
        .waiting()
        .await
        .map_err(|e| format!("MCP session ended with an error: {e}"))?;
    Ok(())
}

/// Serves streamable HTTP at `/mcp` on the listener until `shutdown` completes.
pub async fn run_http(
    connector: Connector,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService,
    };
    let service = StreamableHttpService::new(
        move || Ok(connector.clone()),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| e.to_string())
}
