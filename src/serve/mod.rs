//! A spec served live as an MCP server: the tools of `src/tools`, each call run through `src/http`.
//!
//! The server answers `initialize` at once; tools are prepared in a task, and `tools/list` and `tools/call`
//! wait for them. Arguments are validated against the tool's inputSchema before any HTTP request.

mod listing;
mod result;
mod stdio;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use indexmap::IndexMap;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, InitializeResult,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};
use tokio::sync::watch;

use crate::http::{Authenticator, HttpCaller, HttpConfig};
use crate::spec::model::{ApiModel, MediaType};
use crate::tools::{
    Exposure, MetaToolKind, ToolDefinition, ToolOptions, ToolSet, build_tools_with,
};
use listing::RenderedTools;
pub use result::{operation_args, outcome_result};
pub use stdio::run_stdio;

/// How a spec is served.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub tools: ToolOptions,
    pub http: HttpConfig,
    /// The prefix of credential variables; the spec's title in upper snake case when unset.
    pub env_prefix: Option<String>,
}

/// Everything a call needs, built once.
///
/// A large API's schemas are most of the server's memory, so each tool's entry is serialized as soon as it is
/// built and its schemas dropped: the definitions in `tools` keep a placeholder `inputSchema` (and a shared
/// placeholder `outputSchema` where there is one), and a call parses its tool's entry for the real ones.
struct Prepared {
    model: Arc<ApiModel>,
    tools: ToolSet,
    /// The `tools/list` entries of `tools.tools`, index for index.
    operation_json: RenderedTools,
    /// The entries of the discover exposure's meta-tools.
    meta_json: RenderedTools,
    by_name: HashMap<String, usize>,
    /// The listed tools as rmcp's values, parsed on first use (streamable HTTP's `tools/list`).
    listed_tools: OnceLock<Result<Vec<Tool>, String>>,
    /// Built on first use (or by a warm-up task once the tools are listed): a TLS client costs about 50 ms
    /// to build, which `tools/list` need not wait for.
    caller: OnceLock<Result<HttpCaller, String>>,
    http: HttpConfig,
    env_prefix: String,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// The MCP server for one spec. Cheap to clone: every session shares the prepared tools.
#[derive(Clone)]
pub struct SpecServer {
    title: Arc<str>,
    prepared: watch::Receiver<Option<Result<Arc<Prepared>, String>>>,
}

impl SpecServer {
    /// Starts preparing tools for `model` in a task and returns at once.
    pub fn start(model: Arc<ApiModel>, options: ServeOptions) -> SpecServer {
        let title = model.title.clone();
        SpecServer::start_loading(&title, async move { Ok(model) }, options)
    }

    /// Starts loading a model and preparing its tools in a task, and returns at once, so `initialize` is
    /// answered even while a large spec is still being read. `title` names the server until then.
    pub fn start_loading(
        title: &str,
        load: impl std::future::Future<Output = Result<Arc<ApiModel>, String>> + Send + 'static,
        options: ServeOptions,
    ) -> SpecServer {
        let (sender, receiver) = watch::channel(None);
        tokio::spawn(async move {
            let prepared = match load.await {
                Ok(model) => tokio::task::spawn_blocking(move || prepare(model, options))
                    .await
                    .unwrap_or_else(|e| Err(format!("preparing tools failed: {e}"))),
                Err(message) => Err(message),
            };
            let warm = prepared.as_ref().ok().cloned();
            let _ = sender.send(Some(prepared));
            if let Some(prepared) = warm {
                let _ = tokio::task::spawn_blocking(move || prepared.caller().map(|_| ())).await;
            }
        });
        SpecServer {
            title: Arc::from(title),
            prepared: receiver,
        }
    }

    async fn ready(&self) -> Result<Arc<Prepared>, McpError> {
        let mut receiver = self.prepared.clone();
        let state = receiver
            .wait_for(Option::is_some)
            .await
            .map_err(|_| McpError::internal_error("the tools could not be prepared", None))?;
        match state.as_ref() {
            Some(Ok(prepared)) => Ok(prepared.clone()),
            Some(Err(message)) => Err(McpError::internal_error(message.clone(), None)),
            None => Err(McpError::internal_error("the tools are not ready", None)),
        }
    }

    /// The `tools/list` JSON, once prepared (for `--list` and tests).
    pub async fn list_json(&self) -> Result<Value, String> {
        let prepared = self.ready().await.map_err(|e| e.message.to_string())?;
        prepared.listed_json().parse_all().map(Value::Array)
    }

    /// Runs one tool call and returns the `CallToolResult` JSON.
    pub async fn call_json(
        &self,
        name: &str,
        arguments: Map<String, Value>,
    ) -> Result<Value, String> {
        let prepared = self.ready().await.map_err(|e| e.message.to_string())?;
        Ok(prepared.call(name, arguments).await)
    }
}

fn prepare(mut model: Arc<ApiModel>, options: ServeOptions) -> Result<Arc<Prepared>, String> {
    trim_for_serving(&mut model);
    // Loading freed its parse trees: give their pages back rather than keep them beside the tools.
    crate::memory::release_freed();
    let mut operation_json = RenderedTools::default();
    let mut rendered = Ok(());
    let has_output = Arc::new(json!({"type": "object"}));
    let tools = build_tools_with(&model, &options.tools, |tool| {
        if rendered.is_ok() {
            rendered = operation_json.push(&tool.list_entry_ref());
        }
        tool.input_schema = json!({"type": "object"});
        if tool.output_schema.is_some() {
            tool.output_schema = Some(has_output.clone());
        }
    });
    rendered?;
    let by_name = tools
        .tools
        .iter()
        .enumerate()
        .map(|(index, tool)| (tool.name.clone(), index))
        .collect();
    let mut meta_json = RenderedTools::default();
    for meta in &tools.meta_tools {
        meta_json.push(&meta.list_entry())?;
    }
    let prefix = options
        .env_prefix
        .clone()
        .unwrap_or_else(|| crate::http::auth::default_prefix(&model));
    Ok(Arc::new(Prepared {
        model,
        tools,
        operation_json,
        meta_json,
        by_name,
        listed_tools: OnceLock::new(),
        caller: OnceLock::new(),
        http: options.http,
        env_prefix: prefix,
        validators: Mutex::new(HashMap::new()),
    }))
}

/// Drops what serving never reads (body and response examples, response headers, webhooks, warnings) before
/// the tools are built, so that they reuse its memory. Only when nothing else holds the model.
fn trim_for_serving(model: &mut Arc<ApiModel>) {
    let Some(model) = Arc::get_mut(model) else {
        return;
    };
    model.webhooks = Vec::new();
    model.warnings = Vec::new();
    for op in &mut model.operations {
        let bodies = op
            .request_body
            .iter_mut()
            .flat_map(|b| b.content.values_mut());
        let mut media: Vec<&mut MediaType> = bodies.collect();
        for response in &mut op.responses {
            response.headers = IndexMap::new();
            media.extend(response.content.values_mut());
        }
        for media in media {
            media.example = None;
            media.examples = IndexMap::new();
        }
    }
}

impl Prepared {
    /// What `tools/list` answers: the operation tools, or the meta-tools of the discover exposure.
    fn listed_json(&self) -> &RenderedTools {
        if self.tools.exposure == Exposure::Discover {
            &self.meta_json
        } else {
            &self.operation_json
        }
    }

    /// [`Prepared::listed_json`] as rmcp's tools.
    fn listed_tools(&self) -> Result<&[Tool], String> {
        self.listed_tools
            .get_or_init(|| self.listed_json().parse_all())
            .as_deref()
            .map_err(Clone::clone)
    }

    fn caller(&self) -> Result<&HttpCaller, String> {
        self.caller
            .get_or_init(|| {
                HttpCaller::new(
                    self.model.clone(),
                    self.http.clone(),
                    Authenticator::from_process_env(self.env_prefix.clone()),
                )
                .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The operation tool called `name`, and its index.
    fn operation(&self, name: &str) -> Option<(&ToolDefinition, usize)> {
        let index = *self.by_name.get(name)?;
        Some((&self.tools.tools[index], index))
    }

    async fn call(&self, name: &str, arguments: Map<String, Value>) -> Value {
        if let Some(kind) = self
            .tools
            .meta_tools
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.kind)
        {
            return self.call_meta(kind, arguments).await;
        }
        match self.operation(name) {
            Some((tool, index)) => self.call_tool(tool, index, &arguments).await,
            None => result::error_result(format!("unknown tool `{name}`")),
        }
    }

    async fn call_tool(
        &self,
        tool: &ToolDefinition,
        index: usize,
        arguments: &Map<String, Value>,
    ) -> Value {
        if let Err(message) = self.validate(tool, index, arguments) {
            return result::error_result(message);
        }
        let args = operation_args(tool, arguments);
        let caller = match self.caller() {
            Ok(caller) => caller,
            Err(message) => return result::error_result(message),
        };
        match caller.call(tool.operation, &args).await {
            Ok(outcome) => outcome_result(&tool.name, tool.output_schema.is_some(), &outcome),
            Err(error) => result::error_result(error.to_string()),
        }
    }

    async fn call_meta(&self, kind: MetaToolKind, arguments: Map<String, Value>) -> Value {
        let text = |value: Value| json!({ "content": [{ "type": "text", "text": value.to_string() }], "structuredContent": value });
        match kind {
            MetaToolKind::SearchOperations => {
                let query = arguments.get("query").and_then(Value::as_str).unwrap_or("");
                let limit = arguments.get("limit").and_then(Value::as_u64).unwrap_or(10) as usize;
                let hits = self.tools.search(&self.model, query, limit);
                text(json!({ "operations": hits }))
            }
            MetaToolKind::DescribeOperation => {
                let name = arguments.get("name").and_then(Value::as_str).unwrap_or("");
                match self.operation(name) {
                    Some((_, index)) => text(self.operation_json.parse(index).unwrap_or_default()),
                    None => result::error_result(format!(
                        "unknown operation `{name}`; use search_operations"
                    )),
                }
            }
            MetaToolKind::CallOperation => {
                let name = arguments.get("name").and_then(Value::as_str).unwrap_or("");
                let inner = arguments
                    .get("arguments")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                match self.operation(name) {
                    Some((tool, index)) => self.call_tool(tool, index, &inner).await,
                    None => result::error_result(format!(
                        "unknown operation `{name}`; use search_operations"
                    )),
                }
            }
        }
    }

    /// Checks arguments against the inputSchema; the message names each failing argument.
    fn validate(
        &self,
        tool: &ToolDefinition,
        index: usize,
        arguments: &Map<String, Value>,
    ) -> Result<(), String> {
        let validator = {
            let mut cache = self
                .validators
                .lock()
                .map_err(|_| "validator cache poisoned".to_string())?;
            match cache.get(&tool.name) {
                Some(validator) => validator.clone(),
                None => {
                    let entry: Value = self.operation_json.parse(index)?;
                    let schema = entry.get("inputSchema").unwrap_or(&Value::Null);
                    let validator = Arc::new(
                        jsonschema::options()
                            .should_validate_formats(true)
                            .build(schema)
                            .map_err(|e| format!("the tool's inputSchema is invalid: {e}"))?,
                    );
                    cache.insert(tool.name.clone(), validator.clone());
                    validator
                }
            }
        };
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
}

impl ServerHandler for SpecServer {
    fn get_info(&self) -> InitializeResult {
        let capabilities = ServerCapabilities::builder().enable_tools().build();
        InitializeResult::new(capabilities)
            .with_server_info(
                Implementation::new("mcpow-serve", env!("CARGO_PKG_VERSION"))
                    .with_title(self.title.to_string()),
            )
            .with_instructions(format!(
                "Tools for the {} API, generated by mcpow from its description.",
                self.title
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let prepared = self.ready().await?;
        let tools = prepared
            .listed_tools()
            .map_err(|message| McpError::internal_error(message, None))?;
        Ok(ListToolsResult::with_all_items(tools.to_vec()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let prepared = self.ready().await?;
        let arguments = request.arguments.unwrap_or_default();
        let result = prepared.call(&request.name, arguments).await;
        let result: CallToolResult = serde_json::from_value(result)
            .map_err(|e| McpError::internal_error(format!("result does not fit MCP: {e}"), None))?;
        Ok(CallToolResponse::Complete(result))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let state = self.prepared.borrow();
        let prepared = state.as_ref()?.as_ref().ok()?;
        let listed = prepared.listed_tools().ok()?;
        listed.iter().find(|t| t.name == name).cloned()
    }
}

/// Serves streamable HTTP at `/mcp` on the listener until `shutdown` completes.
pub async fn run_http(
    server: SpecServer,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService,
    };
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| e.to_string())
}
