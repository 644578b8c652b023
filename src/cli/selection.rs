//! The tool selection and exposure flags shared by `serve`, `tools` sizing and (later) `generate`.

use clap::{Args, ValueEnum};

use crate::spec::model::HttpMethod;
use crate::tools::{ClientProfile, Exposure, Selection, ToolOptions};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExposureArg {
    /// One tool per operation (the selection is ignored).
    All,
    /// One tool per selected operation.
    Selected,
    /// Three meta-tools (search, describe, call) over the selected operations, for huge APIs.
    Discover,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    /// Tool names up to 64 characters.
    Standard,
    /// Tool names up to 40 characters, for clients that prefix them with the server's name.
    Prefixed,
}

#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Only operations with this tag (repeatable).
    #[arg(long = "include-tag", value_name = "TAG")]
    pub include_tags: Vec<String>,
    #[arg(long = "exclude-tag", value_name = "TAG")]
    pub exclude_tags: Vec<String>,
    /// Only paths matching this glob (`*` one segment, `**` any number).
    #[arg(long = "include-path", value_name = "GLOB")]
    pub include_paths: Vec<String>,
    #[arg(long = "exclude-path", value_name = "GLOB")]
    pub exclude_paths: Vec<String>,
    /// Only this HTTP method (repeatable).
    #[arg(long = "method", value_name = "METHOD")]
    pub methods: Vec<String>,
    /// Only this operation (operationId, tool name or `METHOD /path`; repeatable).
    #[arg(long = "include-op", value_name = "OP")]
    pub include_ops: Vec<String>,
    #[arg(long = "exclude-op", value_name = "OP")]
    pub exclude_ops: Vec<String>,
    #[arg(long, value_enum, default_value = "selected")]
    pub exposure: ExposureArg,
    #[arg(long, value_enum, default_value = "standard")]
    pub profile: ProfileArg,
}

impl SelectionArgs {
    pub fn tool_options(&self) -> Result<ToolOptions, String> {
        let methods = self
            .methods
            .iter()
            .map(|m| HttpMethod::parse(m).ok_or_else(|| format!("unknown HTTP method `{m}`")))
            .collect::<Result<Vec<_>, _>>()?;
        let selection = Selection {
            include_tags: self.include_tags.clone(),
            exclude_tags: self.exclude_tags.clone(),
            include_paths: self.include_paths.clone(),
            exclude_paths: self.exclude_paths.clone(),
            include_methods: methods,
            exclude_methods: Vec::new(),
            include_operations: self.include_ops.clone(),
            exclude_operations: self.exclude_ops.clone(),
        };
        Ok(ToolOptions {
            selection,
            exposure: match self.exposure {
                ExposureArg::All => Exposure::All,
                ExposureArg::Selected => Exposure::Selected,
                ExposureArg::Discover => Exposure::Discover,
            },
            profile: match self.profile {
                ProfileArg::Standard => ClientProfile::Standard,
                ProfileArg::Prefixed => ClientProfile::Prefixed,
            },
        })
    }
}
