use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use super::*;
use crate::spec::graphql::{looks_like_sdl, read_introspection};

#[test]
fn decodes_strings_like_apollo_parser() {
    use apollo_parser::cst::{CstNode, StringValue};
    let mut texts = vec![
        r#"type Q { "plain" a: Int }"#.to_string(),
        "type Q { \"\"\"\n    Indented\n      more\n\n    end\n  \"\"\" a: Int }".to_string(),
        "type Q { \"\"\"  first line kept  \n  x\"\"\" a: Int }".to_string(),
        "type Q { \"\"\"quote \\\"\"\" inside\"\"\" a: Int }".to_string(),
        "type Q { \"\"\"\n \t \n\"\"\" a: Int }".to_string(),
        "type Q { \"\"\"tabs\n\t\ta\n\t b\"\"\" a: Int }".to_string(),
        "type Q { \"\"\"é\n  ü ß\n\"\"\" a: Int }".to_string(),
    ];
    for file in [
        "swapi/schema.graphql",
        "github/schema.graphql",
        "saleor/schema.graphql",
    ] {
        texts.extend(std::fs::read_to_string(Path::new(CORPUS).join(file)));
    }
    let mut compared = 0;
    for text in &texts {
        let tree = Parser::new(text).parse();
        for node in tree.document().syntax().descendants() {
            let Some(value) = StringValue::cast(node) else {
                continue;
            };
            let token = value.syntax().first_token().unwrap();
            if let Some(decoded) = crate::spec::graphql::strings::decode_string(token.text()) {
                assert_eq!(decoded, String::from(&value), "{}", token.text());
                compared += 1;
            }
        }
    }
    assert!(compared >= 7, "{compared}");
}

fn load_corpus(relative: &str) -> Option<ApiModel> {
    let path = Path::new(CORPUS).join(relative);
    let text = std::fs::read_to_string(&path).ok()?;
    let start = Instant::now();
    let model = if relative.ends_with(".json") {
        let doc: Value = serde_json::from_str(&text).unwrap();
        read_introspection(&doc, relative).unwrap()
    } else {
        assert!(looks_like_sdl(&text), "{relative} is sniffed as SDL");
        read_sdl(&text, relative).unwrap()
    };
    let elapsed = start.elapsed();
    eprintln!(
        "{relative}: {} operations in {elapsed:?}",
        model.operations.len()
    );
    // Generous, for a loaded machine running a debug build: this catches accidental blow-ups, not tuning.
    assert!(elapsed.as_secs() < 10, "{relative} took {elapsed:?}");
    Some(model)
}

#[test]
fn loads_the_corpus() {
    let cases = [
        ("github/schema.graphql", 31, 247, 0),
        ("shopify/storefront.schema.json", 34, 41, 0),
        ("swapi/schema.graphql", 13, 0, 0),
        ("saleor/schema.graphql", 89, 332, 26),
    ];
    for (file, queries, mutations, subscriptions) in cases {
        let Some(model) = load_corpus(file) else {
            eprintln!("skipped: {file} is not in the corpus");
            continue;
        };
        let count = |tag: &str| model.operations.iter().filter(|o| o.tags == [tag]).count();
        assert_eq!(
            (count("query"), count("mutation"), count("subscription")),
            (queries, mutations, subscriptions),
            "{file}"
        );
        assert_eq!(model.operations.len(), queries + mutations + subscriptions);
        assert!(model.warnings.is_empty(), "{file}: {:?}", model.warnings);
        let mut ids: Vec<_> = model
            .operations
            .iter()
            .map(|o| o.operation_id.clone().unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            model.operations.len(),
            "{file}: unique operation ids"
        );
        for op in &model.operations {
            assert_valid_document(op);
            assert_eq!(op.unsupported.is_some(), op.tags == ["subscription"]);
        }
        // Every reference points at a named schema.
        let text = serde_json::to_string(&(&model.operations, &model.schemas)).unwrap();
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(
                model.schemas.contains_key(name),
                "{file}: dangling reference to {name}"
            );
        }
    }
}
