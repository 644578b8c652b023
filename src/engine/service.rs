//! The embedded engine's answers to the engine API's requests (what `mcpow engine serve` runs): analyze,
//! generate a connector (with progress), generate tests and validate. Fixing a connector and making one from
//! a description need an AI model: the embedded engine says so plainly.

use std::sync::Arc;
use std::time::Instant;

use thiserror::Error;

use super::api::{
    AnalyzeRequest, AnalyzeResponse, Connector, ConnectorFiles, Endpoint, FileContent,
    GenerateConnectorRequest, GenerateConnectorResponse, GenerateTestsRequest,
    GenerateTestsResponse, ValidateRequest, ValidateResponse, ValidationIssue,
};
use super::embedded::{FileRole, generate_in_stages};
use super::{GenerateRequest, Runtime};
use crate::codegen::{GeneratedFile, Language, Transport};
use crate::spec::model::ApiModel;
use crate::spec::{LoadOptions, load_bytes};
use crate::tools::Selection;

/// Why a request was not answered; each has the API's `code` and an HTTP status.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EngineError {
    /// The request names something wrong (the field is in the message).
    #[error("{0}")]
    BadRequest(String),
    /// The spec did not load (the message names the line or pointer).
    #[error("{0}")]
    BadSpec(String),
    #[error(
        "{0} needs a remote AI engine (set MCPOVERFLOW_API_URL); the embedded engine does not do it"
    )]
    NeedsAi(&'static str),
    #[error("{0}")]
    Failed(String),
}

impl EngineError {
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::BadRequest(_) => "bad_request",
            EngineError::BadSpec(_) => "bad_spec",
            EngineError::NeedsAi(_) => "ai_required",
            EngineError::Failed(_) => "generation_failed",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            EngineError::BadRequest(_) | EngineError::BadSpec(_) => 400,
            EngineError::NeedsAi(_) => 501,
            EngineError::Failed(_) => 422,
        }
    }
}

/// The engine's name in `/health` and records.
pub const ENGINE_NAME: &str = "mcpow-embedded";

fn load_spec(spec: &str) -> Result<ApiModel, EngineError> {
    if spec.trim().is_empty() {
        return Err(EngineError::BadRequest("spec: is empty".into()));
    }
    load_bytes("spec", spec.as_bytes(), None, &LoadOptions::default())
        .map_err(|e| EngineError::BadSpec(e.to_string()))
}

pub fn language(name: &str) -> Result<Language, EngineError> {
    Language::parse(name).ok_or_else(|| {
        EngineError::BadRequest(format!(
            "language: `{name}` is not python, typescript or rust"
        ))
    })
}

fn runtime(name: &str) -> Result<(Transport, Runtime), EngineError> {
    match name {
        "stdio" => Ok((Transport::Stdio, Runtime::Local)),
        "streamable-http" => Ok((Transport::Http, Runtime::Local)),
        "docker" => Ok((Transport::Http, Runtime::Docker)),
        other => Err(EngineError::BadRequest(format!(
            "runtime: `{other}` is not stdio, streamable-http or docker"
        ))),
    }
}

fn text_files(files: Vec<GeneratedFile>) -> Vec<FileContent> {
    files
        .into_iter()
        .map(|f| FileContent {
            content: String::from_utf8_lossy(&f.contents).into_owned(),
            path: f.path,
        })
        .collect()
}

pub fn analyze(request: &AnalyzeRequest) -> Result<AnalyzeResponse, EngineError> {
    let model = load_spec(&request.spec)?;
    Ok(AnalyzeResponse {
        endpoints: model
            .operations
            .iter()
            .map(|op| Endpoint {
                method: op.method.as_str().to_string(),
                path: op.path.clone(),
                operation_id: op.operation_id.clone(),
                summary: op.summary.clone(),
                tags: op.tags.clone(),
            })
            .collect(),
        models: model.schemas.keys().cloned().collect(),
        auth: model.security_schemes.keys().cloned().collect(),
        suggested_name: crate::codegen::default_name(&model.title),
        warnings: model
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.pointer, w.message))
            .collect(),
        tokens_used: 0,
    })
}

/// Generates a connector; `progress` sees each stage (name, percent, message) as it starts.
pub fn generate_connector(
    request: &GenerateConnectorRequest,
    progress: &mut dyn FnMut(&str, u8, String),
) -> Result<GenerateConnectorResponse, EngineError> {
    if request.description.is_some() {
        return Err(EngineError::NeedsAi("a connector from a description"));
    }
    let started = Instant::now();
    let language = language(&request.language)?;
    let (transport, runtime) = runtime(&request.runtime)?;
    let selection = match &request.endpoints {
        Some(endpoints) if endpoints.is_empty() => {
            return Err(EngineError::BadRequest(
                "endpoints: is empty (leave it out for every operation)".into(),
            ));
        }
        Some(endpoints) => Selection {
            include_operations: endpoints.clone(),
            ..Selection::default()
        },
        None => Selection::all(),
    };
    let model = load_spec(&request.spec)?;
    let name = if request.name.trim().is_empty() {
        crate::codegen::default_name(&model.title)
    } else {
        request.name.clone()
    };
    let generate = GenerateRequest {
        project: String::new(),
        spec: model.title.clone(),
        spec_version: 1,
        model: Arc::new(model),
        name: name.clone(),
        language,
        transport,
        runtime,
        selection,
        env_prefix: None,
    };
    let mut stage = |stage: &str, message: String| {
        let percent = match stage {
            "analyzing" => 10,
            "generating code" => 40,
            "generating tests" => 70,
            _ => 90,
        };
        progress(stage, percent, message);
        Ok(())
    };
    let staged = generate_in_stages(&generate, &mut stage).map_err(EngineError::Failed)?;
    progress("done", 100, format!("{} files", staged.project.files.len()));
    Ok(GenerateConnectorResponse {
        connector: Connector {
            name,
            language: request.language.clone(),
            runtime: request.runtime.clone(),
            files: text_files(staged.project.files),
        },
        ai_model: None,
        tokens_used: 0,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// The tests of a connector for the spec: the test files the embedded generator writes for its language.
pub fn generate_tests(
    request: &GenerateTestsRequest,
) -> Result<GenerateTestsResponse, EngineError> {
    let language = language(&request.connector.language)?;
    let model = load_spec(&request.spec)?;
    let framework = match language {
        Language::Python => "pytest",
        Language::Typescript => "node:test",
        Language::Rust => "cargo test",
    };
    let generate = GenerateRequest {
        project: String::new(),
        spec: model.title.clone(),
        spec_version: 1,
        name: crate::codegen::default_name(&model.title),
        model: Arc::new(model),
        language,
        transport: Transport::Stdio,
        runtime: Runtime::Local,
        selection: Selection::all(),
        env_prefix: None,
    };
    let staged = generate_in_stages(&generate, &mut |_, _| Ok(())).map_err(EngineError::Failed)?;
    let tests = staged
        .project
        .files
        .into_iter()
        .filter(|f| FileRole::of(&f.path) == FileRole::Tests)
        .collect();
    Ok(GenerateTestsResponse {
        files: text_files(tests),
        framework: framework.to_string(),
        tokens_used: 0,
    })
}

/// Structural checks a connector can fail without running it: safe relative paths, no duplicates, the
/// manifest its language needs, and JSON and TOML files that parse (with the line of the first error).
pub fn validate(request: &ValidateRequest) -> Result<ValidateResponse, EngineError> {
    let connector: &ConnectorFiles = &request.connector;
    let language = language(&connector.language)?;
    let mut issues = Vec::new();
    let mut error = |message: String, file: Option<&str>, line: Option<u64>| {
        issues.push(ValidationIssue {
            severity: "error".into(),
            message,
            file: file.map(str::to_string),
            line,
        })
    };
    let files: Vec<&FileContent> = connector
        .files
        .iter()
        .chain(request.tests.iter().flatten())
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for file in &files {
        let path = file.path.as_str();
        let unsafe_path = path.is_empty()
            || path.starts_with('/')
            || path.contains('\\')
            || path
                .split('/')
                .any(|part| part.is_empty() || part == "." || part == "..");
        if unsafe_path {
            error(
                "the path must be relative, with no empty, `.` or `..` part".into(),
                Some(path),
                None,
            );
        }
        if !seen.insert(path) {
            error("the file is listed twice".into(), Some(path), None);
        }
        if path.ends_with(".json") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&file.content) {
                error(
                    format!("invalid JSON: {e}"),
                    Some(path),
                    Some(e.line() as u64),
                );
            }
        } else if path.ends_with(".toml")
            && let Err(e) = file.content.parse::<toml::Table>()
        {
            let line = e
                .span()
                .map(|span| file.content[..span.start].matches('\n').count() as u64 + 1);
            error(format!("invalid TOML: {}", e.message()), Some(path), line);
        }
    }
    let manifest = match language {
        Language::Python => "pyproject.toml",
        Language::Typescript => "package.json",
        Language::Rust => "Cargo.toml",
    };
    if !seen.contains(manifest) {
        error(
            format!("a {} project needs {manifest}", connector.language),
            None,
            None,
        );
    }
    Ok(ValidateResponse {
        valid: issues.is_empty(),
        issues,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn petstore() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/specs/petstore-3.0.yaml"
        ))
        .unwrap()
    }

    fn request(language: &str) -> GenerateConnectorRequest {
        GenerateConnectorRequest {
            name: "clinic".into(),
            spec_type: "openapi".into(),
            spec: petstore(),
            language: language.into(),
            runtime: "stdio".into(),
            endpoints: Some(vec!["getPet".into()]),
            description: None,
        }
    }

    #[test]
    fn analyze_lists_endpoints_models_and_auth() {
        let analysis = analyze(&AnalyzeRequest {
            spec_type: "openapi".into(),
            spec: petstore(),
        })
        .unwrap();
        assert_eq!(analysis.endpoints.len(), 10);
        assert!(analysis.models.iter().any(|m| m == "Pet"));
        assert_eq!(analysis.suggested_name, "pet-clinic-store-mcp");
        let bad = analyze(&AnalyzeRequest {
            spec_type: "openapi".into(),
            spec: "openapi: 3.0.0\ninfo: {title: x\n".into(),
        })
        .unwrap_err();
        assert_eq!(bad.code(), "bad_spec");
        assert!(bad.to_string().contains("line"), "{bad}");
    }

    #[test]
    fn a_connector_comes_with_its_stages_and_validates() {
        let mut stages = Vec::new();
        let generated = generate_connector(&request("typescript"), &mut |stage, percent, _| {
            stages.push((stage.to_string(), percent))
        })
        .unwrap();
        let names: Vec<&str> = stages.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "analyzing",
                "generating code",
                "generating tests",
                "writing docs",
                "done"
            ]
        );
        assert_eq!(stages.last().unwrap().1, 100);
        let files = generated.connector.files;
        let operations = files
            .iter()
            .find(|f| f.path == "src/operations.ts")
            .unwrap();
        assert!(operations.content.contains("getPet") && !operations.content.contains("addPet"));
        let connector = ConnectorFiles {
            language: "typescript".into(),
            files: files.clone(),
        };
        let valid = validate(&ValidateRequest {
            connector: connector.clone(),
            tests: None,
        })
        .unwrap();
        assert!(valid.valid, "{:?}", valid.issues);
        // A broken manifest and a hostile path are named, with the line.
        let mut broken = files;
        broken.retain(|f| f.path != "package.json");
        broken.push(FileContent {
            path: "src/tools.json".into(),
            content: "{\n  \"a\": \n}".into(),
        });
        broken.push(FileContent {
            path: "../escape.ts".into(),
            content: String::new(),
        });
        let invalid = validate(&ValidateRequest {
            connector: ConnectorFiles {
                language: "typescript".into(),
                files: broken,
            },
            tests: None,
        })
        .unwrap();
        assert!(!invalid.valid);
        let described: Vec<(Option<&str>, Option<u64>)> = invalid
            .issues
            .iter()
            .map(|i| (i.file.as_deref(), i.line))
            .collect();
        assert!(
            described.contains(&(Some("src/tools.json"), Some(3))),
            "{described:?}"
        );
        assert!(described.contains(&(Some("../escape.ts"), None)));
        assert!(
            described.contains(&(None, None)),
            "the missing package.json"
        );
    }

    #[test]
    fn tests_come_from_the_generator_and_ai_only_requests_say_so() {
        let tests = generate_tests(&GenerateTestsRequest {
            connector: ConnectorFiles {
                language: "python".into(),
                files: Vec::new(),
            },
            spec: petstore(),
        })
        .unwrap();
        assert_eq!(tests.framework, "pytest");
        assert!(tests.files.iter().all(|f| f.path.starts_with("tests/")));
        assert!(!tests.files.is_empty());
        let mut described = request("python");
        described.description = Some("a pet shop".into());
        let error = generate_connector(&described, &mut |_, _, _| {}).unwrap_err();
        assert_eq!((error.code(), error.status()), ("ai_required", 501));
        let mut bad = request("cobol");
        assert!(
            generate_connector(&bad, &mut |_, _, _| {})
                .unwrap_err()
                .to_string()
                .starts_with("language: `cobol`")
        );
        bad.language = "rust".into();
        bad.endpoints = Some(Vec::new());
        assert_eq!(
            generate_connector(&bad, &mut |_, _, _| {})
                .unwrap_err()
                .code(),
            "bad_request"
        );
    }
}
