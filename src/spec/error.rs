//! Why a document could not be used. Every variant names the source, and the line and column or the pointer.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SpecError {
    #[error("{source_name}: cannot read: {message}")]
    Io {
        source_name: String,
        message: String,
    },
    #[error("{source_name}: the document is empty")]
    Empty { source_name: String },
    #[error(
        "{source_name}: the document is larger than the {limit_mb} MB limit (raise it with --max-size)"
    )]
    TooLarge { source_name: String, limit_mb: u64 },
    #[error("{source_name}: line {line}, column {column}: {message}")]
    Syntax {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{source_name}: {pointer}: {message}")]
    Invalid {
        source_name: String,
        pointer: String,
        message: String,
    },
    #[error("{source_name}: {message}")]
    Unsupported {
        source_name: String,
        message: String,
    },
    #[error("{source_name}: {message}")]
    UnknownFormat {
        source_name: String,
        message: String,
    },
    #[error("{url}: {message}")]
    Fetch { url: String, message: String },
}

impl SpecError {
    pub fn invalid(source_name: &str, pointer: &str, message: impl Into<String>) -> Self {
        SpecError::Invalid {
            source_name: source_name.to_string(),
            pointer: if pointer.is_empty() {
                "/".to_string()
            } else {
                pointer.to_string()
            },
            message: message.into(),
        }
    }

    pub fn unsupported(source_name: &str, message: impl Into<String>) -> Self {
        SpecError::Unsupported {
            source_name: source_name.to_string(),
            message: message.into(),
        }
    }

    pub fn syntax(
        source_name: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        SpecError::Syntax {
            source_name: source_name.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}
