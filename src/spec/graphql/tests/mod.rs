//! Unit tests of the GraphQL reader: sniffing, SDL, introspection and the corpus.

mod corpus;
mod introspection;
mod sdl;
mod sniff;

use apollo_parser::Parser;
use serde_json::Value;

use super::read_sdl;
use crate::spec::model::{ApiModel, Operation};

pub(super) const CORPUS: &str = "/work/shared/corpus/graphql";

pub(super) fn sdl(text: &str) -> ApiModel {
    read_sdl(text, "test.graphql").expect("the SDL loads")
}

pub(super) fn op<'a>(model: &'a ApiModel, id: &str) -> &'a Operation {
    model
        .operations
        .iter()
        .find(|o| o.operation_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no operation {id}"))
}

pub(super) fn body_schema(op: &Operation) -> &Value {
    op.request_body.as_ref().expect("a body").content["application/json"]
        .schema
        .as_ref()
        .unwrap()
}

pub(super) fn result_schema(op: &Operation) -> &Value {
    let field = &op.graphql.as_ref().unwrap().field;
    &op.responses[0].content["application/json"]
        .schema
        .as_ref()
        .unwrap()["properties"]["data"]["properties"][field]
}

pub(super) fn document(op: &Operation) -> &str {
    &op.graphql.as_ref().unwrap().document
}

pub(super) fn assert_valid_document(op: &Operation) {
    let text = document(op);
    let tree = Parser::new(text).parse();
    let errors: Vec<_> = tree.errors().collect();
    assert!(
        errors.is_empty(),
        "{:?}: {errors:?}\n{text}",
        op.operation_id
    );
    assert_eq!(tree.document().definitions().count(), 1, "{text}");
}

pub(super) fn warned(model: &ApiModel, needle: &str) -> bool {
    model.warnings.iter().any(|w| w.message.contains(needle))
}
