use serde_json::{Value, json};

use super::*;
use crate::spec::error::SpecError;
use crate::spec::graphql::read_introspection;
use crate::spec::model::schema_ref;

fn introspection_doc() -> Value {
    let named = |kind: &str, name: &str| json!({"kind": kind, "name": name, "ofType": null});
    let non_null = |inner: Value| json!({"kind": "NON_NULL", "name": null, "ofType": inner});
    let list = |inner: Value| json!({"kind": "LIST", "name": null, "ofType": inner});
    json!({"__schema": {
        "description": "From introspection.",
        "queryType": {"name": "QueryRoot"},
        "mutationType": {"name": "Mutation"},
        "subscriptionType": null,
        "types": [
            {"kind": "OBJECT", "name": "QueryRoot", "description": "Queries.", "fields": [
                {"name": "products", "description": "Lists products.", "args": [
                    {"name": "first", "type": named("SCALAR", "Int"), "defaultValue": "10"},
                    {"name": "sort", "type": non_null(named("ENUM", "Sort")), "defaultValue": "TITLE"},
                    {"name": "query", "description": "A filter.", "type": named("SCALAR", "String"),
                     "defaultValue": "\"a \\\"b\\\"\""},
                    {"name": "ids", "type": non_null(list(non_null(named("SCALAR", "ID")))), "defaultValue": null}
                ], "type": non_null(list(non_null(named("OBJECT", "Product")))), "isDeprecated": false},
                {"name": "legacy", "args": [], "type": named("SCALAR", "String"), "isDeprecated": true}
            ], "inputFields": null, "interfaces": [], "enumValues": null, "possibleTypes": null},
            {"kind": "OBJECT", "name": "Mutation", "fields": [
                {"name": "products", "args": [{"name": "input", "type": non_null(named("INPUT_OBJECT", "ProductInput"))}],
                 "type": named("OBJECT", "Product")},
                {"name": "products", "args": [], "type": named("SCALAR", "Int")}
            ]},
            {"kind": "OBJECT", "name": "Product", "fields": [
                {"name": "title", "args": [], "type": non_null(named("SCALAR", "String"))},
                {"name": "price", "args": [], "type": named("SCALAR", "Money")}
            ]},
            {"kind": "SCALAR", "name": "Money"},
            {"kind": "SCALAR", "name": "Int"},
            {"kind": "ENUM", "name": "Sort", "enumValues": [{"name": "TITLE"}, {"name": "PRICE", "isDeprecated": true}]},
            {"kind": "INPUT_OBJECT", "name": "ProductInput", "inputFields": [
                {"name": "title", "type": non_null(named("SCALAR", "String")), "defaultValue": null},
                {"name": "related", "type": list(named("INPUT_OBJECT", "ProductInput"))}
            ]},
            {"kind": "OBJECT", "description": "no name"},
            {"kind": "OBJECT", "name": "Broken", "fields": [{"name": "x"}, {"type": named("SCALAR", "Int")}]},
            {"kind": "OBJECT", "name": "Odd", "fields": {"not": "a list"}}
        ]
    }})
}

#[test]
fn reads_introspection() {
    let doc = introspection_doc();
    let model = read_introspection(&doc, "shop/storefront.schema.json").unwrap();
    assert_eq!(model.version, "introspection");
    assert_eq!(model.title, "storefront GraphQL API");
    assert_eq!(model.description.as_deref(), Some("From introspection."));
    let ids: Vec<_> = model
        .operations
        .iter()
        .map(|o| o.operation_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["products", "legacy", "products_mutation"]);
    let products = op(&model, "products");
    assert_eq!(products.pointer, "/types/QueryRoot/fields/products");
    assert_eq!(products.summary.as_deref(), Some("Lists products."));
    let body = products.request_body.as_ref().unwrap();
    assert!(body.required);
    let schema = body_schema(products);
    assert_eq!(schema["required"], json!(["ids"]));
    assert_eq!(schema["properties"]["first"]["default"], 10);
    assert_eq!(
        schema["properties"]["sort"],
        json!({"$ref": "#/components/schemas/Sort", "default": "TITLE"})
    );
    assert_eq!(schema["properties"]["query"]["default"], "a \"b\"");
    assert_eq!(
        document(products),
        "query Products($first: Int, $sort: Sort! = TITLE, $query: String, $ids: [ID!]!) {\n  \
         products(first: $first, sort: $sort, query: $query, ids: $ids) {\n    title\n    price\n  }\n}"
    );
    assert!(op(&model, "legacy").deprecated);
    assert_eq!(
        model.schemas["ProductInput"]["properties"]["related"]["items"]["anyOf"][0],
        schema_ref("ProductInput")
    );
    assert_eq!(
        model.schemas["Product"]["properties"]["price"],
        json!({"description": "GraphQL scalar Money"})
    );
    for op in &model.operations {
        assert_valid_document(op);
    }
    // Malformed parts are skipped with a warning that points at them.
    for pointer in [
        "/__schema/types/1/fields/1",
        "/__schema/types/7",
        "/__schema/types/8/fields/0/type",
        "/__schema/types/8/fields/1",
        "/__schema/types/9/fields",
    ] {
        assert!(
            model.warnings.iter().any(|w| w.pointer == pointer),
            "{pointer}: {:?}",
            model.warnings
        );
    }

    let wrapped = json!({"data": doc});
    let again = read_introspection(&wrapped, "x.json").unwrap();
    assert_eq!(again.operations, model.operations);
    assert_eq!(again.title, "x GraphQL API");
}

#[test]
fn rejects_unusable_introspection() {
    let cases = [
        (json!({"openapi": "3.0.0"}), "/"),
        (
            json!({"data": null, "errors": [{"message": "denied"}]}),
            "/errors/0/message",
        ),
        (json!({"__schema": []}), "/__schema"),
        (
            json!({"data": {"__schema": {"queryType": {"name": "Q"}}}}),
            "/data/__schema/types",
        ),
        (json!({"__schema": {"types": "nope"}}), "/__schema/types"),
    ];
    for (doc, expected) in cases {
        match read_introspection(&doc, "x.json") {
            Err(SpecError::Invalid { pointer, .. }) => assert_eq!(pointer, expected),
            other => panic!(
                "{doc}: expected an error, got {:?}",
                other.map(|m| m.operations.len())
            ),
        }
    }
    let deep = (0..100).fold(
        json!({"kind": "SCALAR", "name": "Int"}),
        |inner, _| json!({"kind": "LIST", "ofType": inner}),
    );
    let doc = json!({"__schema": {"queryType": {"name": "Q"}, "types": [
        {"kind": "OBJECT", "name": "Q", "fields": [{"name": "a", "type": deep}, {"name": "b", "type": {"kind": "SCALAR", "name": "Int"}}]},
        {"kind": "OBJECT", "name": "Q2", "fields": [{"name": "a", "type": "Int", "args": [{"name": "x", "type": {"kind": "SCALAR", "name": "Int"}, "defaultValue": "{{"}]}]}
    ]}});
    let model = read_introspection(&doc, "x.json").unwrap();
    assert_eq!(model.operations.len(), 1);
    assert!(
        model
            .warnings
            .iter()
            .any(|w| w.pointer == "/__schema/types/0/fields/0/type")
    );
    assert!(
        model
            .warnings
            .iter()
            .any(|w| w.pointer == "/__schema/types/1/fields/0/type")
    );
}
