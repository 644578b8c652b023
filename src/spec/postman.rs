//! Postman collections v2.0 and v2.1 into the model.

use serde_json::Value;

use super::error::SpecError;
use super::model::ApiModel;

/// Reads a document already identified as a Postman v2.x collection (it has `info` and `item`).
pub(crate) fn read(_doc: &Value, source_name: &str) -> Result<ApiModel, SpecError> {
    Err(SpecError::unsupported(source_name, "Postman collections are not read yet"))
}
