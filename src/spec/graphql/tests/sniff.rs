use std::time::Instant;

use crate::spec::graphql::{looks_like_sdl, title_for};

#[test]
fn sniffs_sdl_by_content() {
    for text in [
        "type Query { a: Int }",
        "schema { query: Root }",
        "\u{feff}scalar Date",
        "# a comment\n\n# another\ntype Query {\n a: Int\n}",
        "\"\"\"\nThe root.\n\"\"\"\ntype Query { a: Int }",
        "\"The root\" type Query { a: Int }",
        "\"\"\"has \\\"\"\" inside\"\"\" enum Color { RED }",
        "extend type Query { b: Int }",
        "directive @key(fields: String!) on OBJECT",
        "input Filter { a: Int }",
        "interface Node { id: ID! }",
        "union U = A | B",
        "enum\n  Color { RED }",
    ] {
        assert!(looks_like_sdl(text), "{text:?}");
    }
    for text in [
        "",
        "   \n# only a comment",
        "type: object\nproperties: {}",
        "type : object",
        "{\"__schema\": {\"types\": []}}",
        "[1, 2]",
        "openapi: 3.0.0\ninfo:\n  title: x",
        "typeQuery { a: Int }",
        "type",
        "type\n",
        "type 1",
        "\"\"\"never closed type Query { a: Int }",
        "\"one line\nstring\" type Query { a: Int }",
        "query { viewer { login } }",
        "directive(x)",
        "enum: [a, b]",
    ] {
        assert!(!looks_like_sdl(text), "{text:?}");
    }
}

#[test]
fn sniffing_is_linear_on_long_descriptions() {
    let text = format!(
        "\"\"\"{}\"\"\" type Query {{ a: Int }}",
        "x\\\"y".repeat(500_000)
    );
    let start = Instant::now();
    assert!(looks_like_sdl(&text));
    assert!(start.elapsed().as_secs_f64() < 1.0);
}

#[test]
fn titles_come_from_the_source_name() {
    assert_eq!(title_for("github/schema.graphql"), "github GraphQL API");
    assert_eq!(
        title_for("/a/b/storefront.schema.json"),
        "storefront GraphQL API"
    );
    assert_eq!(title_for("schema.graphql"), "GraphQL API");
    assert_eq!(title_for("-"), "GraphQL API");
    assert_eq!(title_for("https://api.example.com/graphql"), "GraphQL API");
    assert_eq!(
        title_for("https://example.com/specs/countries.graphql?v=2"),
        "countries GraphQL API"
    );
    assert_eq!(
        title_for("C:\\specs\\swapi\\schema.graphql"),
        "swapi GraphQL API"
    );
}
