use serde_json::json;

use super::*;
use crate::spec::error::SpecError;
use crate::spec::graphql::build::SUBSCRIPTION_UNSUPPORTED;
use crate::spec::graphql::document::DocumentWriter;
use crate::spec::model::{GraphqlRoot, HttpMethod, SpecFormat, schema_ref};

#[test]
fn reads_schema_block_and_extensions() {
    let model = sdl(r#"
        "The example API."
        schema { query: Root mutation: Changes }
        extend schema { subscription: Events }

        type Root {
          "Who is calling.\nMore detail here."
          me: User
          old: Int @deprecated(reason: "gone")
        }
        extend type Root { user(id: ID!): User }
        type Changes { me(name: String!): User! }
        type Events { userChanged: User }
        type User { id: ID! name: String }
    "#);
    assert_eq!(model.format, SpecFormat::Graphql);
    assert_eq!(model.version, "sdl");
    assert_eq!(model.title, "test GraphQL API");
    assert_eq!(model.description.as_deref(), Some("The example API."));
    assert!(model.servers.is_empty() && model.security_schemes.is_empty());
    let ids: Vec<_> = model
        .operations
        .iter()
        .map(|o| o.operation_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["me", "old", "user", "me_mutation", "userChanged"]);
    let tags: Vec<_> = model.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["query", "mutation", "subscription"]);

    let me = op(&model, "me");
    assert_eq!(
        (me.method, me.path.as_str()),
        (HttpMethod::Post, "/graphql")
    );
    assert_eq!(me.tags, ["query"]);
    assert_eq!(me.summary.as_deref(), Some("Who is calling."));
    assert_eq!(
        me.description.as_deref(),
        Some("Who is calling.\nMore detail here.")
    );
    assert_eq!(me.pointer, "/types/Root/fields/me");
    assert!(me.request_body.is_none());
    assert!(op(&model, "old").deprecated);
    assert!(!me.deprecated);

    let mutation = op(&model, "me_mutation");
    let graphql = mutation.graphql.as_ref().unwrap();
    assert_eq!(
        (graphql.root, graphql.field.as_str()),
        (GraphqlRoot::Mutation, "me")
    );
    assert_eq!(
        graphql.document,
        "mutation Me_mutation($name: String!) {\n  me(name: $name) {\n    id\n    name\n  }\n}"
    );
    assert_eq!(result_schema(mutation), &schema_ref("User"));
    assert_eq!(
        result_schema(me),
        &json!({"anyOf": [schema_ref("User"), {"type": "null"}]})
    );
    assert_eq!(
        model.schemas["User"],
        json!({"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": ["string", "null"]}}})
    );
    let response = &mutation.responses[0];
    assert_eq!(response.status, "200");
    let envelope = response.content["application/json"]
        .schema
        .as_ref()
        .unwrap();
    assert_eq!(
        envelope["properties"]["errors"],
        json!({"type": "array", "items": {"type": "object"}})
    );
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
}

#[test]
fn maps_lists_non_null_and_defaults() {
    let model = sdl(r#"
        scalar Date
        type Query {
          search(
            "The words."
            terms: [String!]!
            tags: [String]
            first: Int = 10
            limit: Int! = 3
            ratio: Float
            id: ID!
            since: Date
            flags: [[Boolean!]]
          ): [Int]
        }
    "#);
    let search = op(&model, "search");
    let body = search.request_body.as_ref().unwrap();
    assert!(body.required);
    let schema = body_schema(search);
    assert_eq!(schema["required"], json!(["terms", "id"]));
    let p = &schema["properties"];
    assert_eq!(
        p["terms"],
        json!({"type": "array", "items": {"type": "string"}, "description": "The words."})
    );
    assert_eq!(
        p["tags"],
        json!({"type": ["array", "null"], "items": {"type": ["string", "null"]}})
    );
    assert_eq!(
        p["first"],
        json!({"type": ["integer", "null"], "format": "int32", "default": 10})
    );
    assert_eq!(
        p["limit"],
        json!({"type": "integer", "format": "int32", "default": 3})
    );
    assert_eq!(p["ratio"], json!({"type": ["number", "null"]}));
    assert_eq!(p["id"], json!({"type": "string"}));
    assert_eq!(p["since"], json!({"description": "GraphQL scalar Date"}));
    assert_eq!(p["flags"]["items"]["items"], json!({"type": "boolean"}));
    assert_eq!(
        result_schema(search),
        &json!({"type": ["array", "null"], "items": {"type": ["integer", "null"], "format": "int32"}})
    );
    assert_eq!(
        document(search),
        "query Search($terms: [String!]!, $tags: [String], $first: Int, $limit: Int! = 3, $ratio: Float, $id: ID!, \
         $since: Date, $flags: [[Boolean!]]) {\n  search(terms: $terms, tags: $tags, first: $first, limit: $limit, \
         ratio: $ratio, id: $id, since: $since, flags: $flags)\n}"
    );
    assert_valid_document(search);
}

#[test]
fn input_types_and_enums_are_named_schemas() {
    let model = sdl(r#"
        "Paint colors."
        enum Color { "Like blood.\nAnd fire." RED GREEN @deprecated BLUE }
        "A filter."
        input Filter {
          and: [Filter!]
          not: Filter
          color: Color = RED
          where: Where = { name: "x\"y", sizes: [1, 2.5], on: true, none: null }
          name: String!
        }
        input Where { name: String sizes: [Float] on: Boolean none: Int }
        type Query { paint(filter: Filter, color: Color!): Color }
    "#);
    let filter = &model.schemas["Filter"];
    assert_eq!(filter["description"], "A filter.");
    assert_eq!(filter["required"], json!(["name"]));
    assert_eq!(filter["properties"]["and"]["items"], schema_ref("Filter"));
    assert_eq!(
        filter["properties"]["not"],
        json!({"anyOf": [schema_ref("Filter"), {"type": "null"}]})
    );
    assert_eq!(filter["properties"]["color"]["default"], "RED");
    assert_eq!(
        filter["properties"]["where"]["default"],
        json!({"name": "x\"y", "sizes": [1, 2.5], "on": true, "none": null})
    );
    assert_eq!(
        model.schemas["Color"],
        json!({
            "type": "string",
            "enum": ["RED", "GREEN", "BLUE"],
            "description": "Paint colors.\n- RED: Like blood.\n- GREEN (deprecated)"
        })
    );
    assert!(model.schemas.contains_key("Where"));
    let paint = op(&model, "paint");
    assert_eq!(
        body_schema(paint)["properties"]["color"],
        schema_ref("Color")
    );
    assert_eq!(
        document(paint),
        "query Paint($filter: Filter, $color: Color!) {\n  paint(filter: $filter, color: $color)\n}"
    );
}

#[test]
fn builds_bounded_selection_sets() {
    let model = sdl(r#"
        interface Node { id: ID! }
        union Result = User | Repo
        type User implements Node {
          id: ID!
          login: String
          old: String @deprecated
          friends(first: Int): [User]
          repos(first: Int!): [Repo]
          best: Repo
          result: Result
          owner: Node
        }
        type Repo { name: String owner: User }
        type Empty { next: Empty }
        type Query {
          user: User
          node(id: ID!): Node
          search: [Result!]!
          empty: Empty
          count: Int
        }
    "#);
    assert_eq!(
        document(op(&model, "user")),
        "query User {
  user {
    id
    login
    friends {
      id
      login
      friends {
        id
        login
      }
      best {
        name
      }
      owner {
        __typename
        id
      }
    }
    best {
      name
      owner {
        id
        login
      }
    }
    owner {
      __typename
      id
    }
  }
}"
    );
    assert_eq!(
        document(op(&model, "node")),
        "query Node($id: ID!) {\n  node(id: $id) {\n    __typename\n    id\n  }\n}"
    );
    assert_eq!(
        document(op(&model, "search")),
        "query Search {\n  search {\n    __typename\n  }\n}"
    );
    assert_eq!(
        document(op(&model, "empty")),
        "query Empty {\n  empty {\n    __typename\n  }\n}"
    );
    assert_eq!(document(op(&model, "count")), "query Count {\n  count\n}");
    assert_eq!(
        model.schemas["Result"],
        json!({"anyOf": [schema_ref("User"), schema_ref("Repo")]})
    );
    for op in &model.operations {
        assert_valid_document(op);
    }
}

#[test]
fn subscriptions_are_listed_but_unsupported() {
    let model = sdl("type Query { a: Int } type Subscription { ticks(every: Int = 1): Int }");
    let ticks = op(&model, "ticks");
    assert_eq!(ticks.tags, ["subscription"]);
    assert_eq!(ticks.unsupported.as_deref(), Some(SUBSCRIPTION_UNSUPPORTED));
    assert_eq!(
        document(ticks),
        "subscription Ticks($every: Int) {\n  ticks(every: $every)\n}"
    );
    assert!(op(&model, "a").unsupported.is_none());
}

#[test]
fn warns_about_missing_types() {
    let model =
        sdl("schema { query: Missing mutation: M } type M { a: Gone b(x: Lost): Int c: Gone }");
    assert_eq!(model.operations.len(), 3);
    assert!(
        model
            .warnings
            .iter()
            .any(|w| w.pointer == "/schema/query" && w.message.contains("`Missing`"))
    );
    assert!(
        model
            .warnings
            .iter()
            .any(|w| w.pointer == "/schema" && w.message.contains("no query type"))
    );
    let gone: Vec<_> = model
        .warnings
        .iter()
        .filter(|w| w.message.contains("`Gone`"))
        .collect();
    assert_eq!(gone.len(), 1, "warned once: {gone:?}");
    assert_eq!(gone[0].pointer, "/types/M/fields/a");
    assert!(warned(&model, "`Lost`"));
    assert_eq!(
        result_schema(op(&model, "a")),
        &json!({"description": "GraphQL scalar Gone"})
    );
    assert_eq!(document(op(&model, "a")), "mutation A {\n  a\n}");

    let empty = sdl("scalar Date");
    assert!(empty.operations.is_empty());
    assert!(warned(&empty, "no query type"));
}

#[test]
fn reports_syntax_errors_with_line_and_column() {
    let text = "type Query {\n  a: Int\n  b: \n}\n";
    match read_sdl(text, "bad.graphql") {
        Err(SpecError::Syntax {
            source_name,
            line,
            column,
            message,
        }) => {
            assert_eq!(source_name, "bad.graphql");
            assert_eq!((line, column), (4, 1), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    match read_sdl("type Query {\n  é: Int }", "x") {
        Err(SpecError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 3)),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(matches!(
        read_sdl("type Query { a: Int", "x"),
        Err(SpecError::Syntax { line: 1, .. })
    ));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 20_000;
    let list_type = format!(
        "type Query {{ a: {}Int{} }}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let default = format!(
        "type Query {{ a(x: Int = {}1{}): Int }}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let object = format!(
        "type Query {{ a(x: Int = {}): Int }}",
        "{a: ".repeat(depth) + &"}".repeat(depth)
    );
    for text in [list_type, default, object] {
        match read_sdl(&text, "deep.graphql") {
            Err(SpecError::Syntax { message, .. }) => {
                assert!(message.contains("limit"), "{message}")
            }
            other => panic!(
                "expected a syntax error, got {:?}",
                other.map(|m| m.operations.len())
            ),
        }
    }
    // Moderate nesting is fine, and its document is valid.
    let ok = format!(
        "type Query {{ a(x: {}Int{}): Int }}",
        "[".repeat(20),
        "]".repeat(20)
    );
    assert_valid_document(&sdl(&ok).operations[0]);
}

#[test]
fn documents_stay_within_budgets() {
    // `W` selects about 50 KB at any level; `T` selects five of them at level 2: too large for 3 or 2 levels.
    let wide: String = (0..3000).map(|i| format!("field_{i:05}: Int\n")).collect();
    let text = format!(
        "type W {{ {wide} }} type T {{ s: Int n1: W n2: W n3: W n4: W n5: W }} type Query {{ t: T w: W }}"
    );
    let model = sdl(&text);
    assert_eq!(document(op(&model, "t")), "query T {\n  t {\n    s\n  }\n}");
    assert!(model.warnings.iter().any(
        |w| w.pointer == "/types/Query/fields/t" && w.message.contains("selects 1 of 3 levels")
    ));
    assert!(document(op(&model, "w")).contains("    field_02999\n  }"));
    assert_eq!(model.warnings.len(), 1, "{:?}", model.warnings);
    for op in &model.operations {
        assert_valid_document(op);
    }

    // Small budgets: a selection over the document budget, then the total budget spent.
    let schema = crate::spec::graphql::sdl::parse_sdl(&text, "x").unwrap();
    let (t, w) = (
        &schema.types["Query"].fields[0],
        &schema.types["Query"].fields[1],
    );
    let mut writer = DocumentWriter::with_budgets(&schema, 1000, 60);
    let first = writer.document(GraphqlRoot::Query, "W", w);
    assert_eq!(first.text, "query W {\n  w {\n    __typename\n  }\n}");
    assert_eq!(first.cut_to_levels, Some(0));
    let second = writer.document(GraphqlRoot::Query, "T", t);
    assert_eq!(
        (second.text.as_str(), second.cut_to_levels),
        ("query T {\n  t {\n    s\n  }\n}", Some(1))
    );
    let third = writer.document(GraphqlRoot::Query, "T", t);
    assert_eq!(third.cut_to_levels, Some(0), "the total budget is spent");
}

#[test]
fn merges_extensions_and_keeps_first_of_repeats() {
    let model = sdl(r#"
        extend type Query { c: Int a: Boolean }
        type Query { a: Int a: String b(x: Int, x: String): Int }
        extend enum Color { GREEN RED }
        enum Color { RED }
        extend union U = A | A
        extend input Color { x: Int }
        type A { id: ID }
    "#);
    let ids: Vec<_> = model
        .operations
        .iter()
        .map(|o| o.operation_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(
        result_schema(op(&model, "a")),
        &json!({"type": ["integer", "null"], "format": "int32"})
    );
    assert_eq!(
        document(op(&model, "b")),
        "query B($x: Int) {\n  b(x: $x)\n}"
    );
    assert!(warned(&model, "`extend Query` repeats `a`"));
    assert!(warned(&model, "`extend Color` repeats `RED`"));
    assert!(warned(&model, "`extend` of the undefined type `U`"));
    assert!(warned(
        &model,
        "`Color` is an enum, but is extended as an input type"
    ));
}
