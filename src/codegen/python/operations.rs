//! `operations.py`: the tool table (one `Tool` per operation with its schemas, annotations and request
//! shape) and the security schemes with the variables they read.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::Arc;

use super::literal::push_py_value;
use crate::codegen::escape::{comment_line, py_docstring, py_str};
use crate::codegen::plan::{
    Plan, SchemeVariables, ToolPlan, is_content_param, scheme_variables, style_name,
};
use crate::codegen::shared::{ByAddress, par_append};
use crate::tools::ToolAnnotations;

/// A tuple literal (`()`, `("a",)`, `("a", "b")`).
pub fn py_tuple(items: &[String]) -> String {
    match items {
        [] => "()".into(),
        [one] => format!("({one},)"),
        many => format!("({})", many.join(", ")),
    }
}

/// `callee(a, b)` on one line when it fits in 100 columns from `column`, else one argument per line (with
/// a trailing comma) indented from `indent`.
pub fn py_call(callee: &str, args: &[String], indent: usize, column: usize) -> String {
    let line = format!("{callee}({})", args.join(", "));
    if column + line.len() <= 100 || args.is_empty() {
        return line;
    }
    let pad = " ".repeat(indent + 4);
    let mut out = format!("{callee}(\n");
    for arg in args {
        let _ = writeln!(out, "{pad}{arg},");
    }
    out.push_str(&" ".repeat(indent));
    out.push(')');
    out
}

/// A string literal, split after each newline into implicitly concatenated parts when it has several
/// lines (parenthesized, continuation lines at `indent`).
pub fn py_text(text: &str, indent: usize) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let literal = py_str(text);
    if lines.len() < 2 || indent + literal.len() <= 90 {
        return literal;
    }
    let pad = " ".repeat(indent + 4);
    let mut out = String::from("(\n");
    for line in lines {
        let _ = writeln!(out, "{pad}{}", py_str(line));
    }
    out.push_str(&" ".repeat(indent));
    out.push(')');
    out
}

pub fn render(plan: &Plan<'_>, docstring: &str) -> String {
    let mut imports: BTreeSet<&str> = BTreeSet::from(["SecurityScheme", "Tool", "Operation"]);
    let mut schemes = String::new();
    schemes.push_str("SECURITY_SCHEMES: dict[str, SecurityScheme] = {\n");
    for (name, scheme) in &plan.model.security_schemes {
        let (class, fields) = scheme_fields(&scheme_variables(&plan.env_prefix, name, scheme));
        imports.insert(class);
        let key = py_str(name);
        let call = py_call(class, &fields, 4, 6 + key.len());
        let _ = writeln!(schemes, "    {key}: {call},");
    }
    schemes.push_str(
        "}\n\"\"\"The spec's security schemes and the environment variables they read.\"\"\"\n\n",
    );
    for tool in &plan.tools {
        if tool.tool.annotations != ToolAnnotations::default() {
            imports.insert("ToolAnnotations");
        }
        if !tool.op.parameters.is_empty() {
            imports.insert("Parameter");
        }
        if !tool.tool.bindings.is_empty() {
            imports.insert("Binding");
        }
    }

    // The module's head goes first; `import json`, which only a literal too deep for Python's parser needs,
    // is put in afterwards if one does.
    let mut out = format!(
        "\"\"\"{}\"\"\"\n\nfrom __future__ import annotations\n\n",
        py_docstring(docstring)
    );
    let json_import_at = out.len();
    if imports.remove("ToolAnnotations") {
        out.push_str("from mcp.types import ToolAnnotations\n\n");
    }
    out.push_str("from .definitions import (\n");
    for name in imports {
        let _ = writeln!(out, "    {name},");
    }
    out.push_str(")\n\n");
    out.push_str(&schemes);
    out.push_str("TOOLS: tuple[Tool, ...] = (\n");
    // Each tool's text rendered on every core and appended in order; a shared output schema written once.
    let outputs = ByAddress::default();
    let json_needed = par_append(
        &mut out,
        &plan.tools,
        || &outputs,
        |_, tool, outputs, text: &mut String| {
            let output = tool.tool.output_schema.as_ref().map(|schema| {
                outputs.of(schema, || {
                    let mut literal = String::new();
                    let json_needed = push_py_value(&mut literal, schema, 8, 22);
                    (json_needed, Arc::<str>::from(literal))
                })
            });
            let output_json_needed = output.as_ref().is_some_and(|(json_needed, _)| *json_needed);
            let output = output.map(|(_, literal)| literal);
            let input_json_needed = render_tool(text, tool, output.as_deref());
            input_json_needed || output_json_needed
        },
    );
    if json_needed.contains(&true) {
        out.insert_str(json_import_at, "import json\n\n");
    }
    out.push_str(")\n\"\"\"One tool per selected operation, in the spec's order.\"\"\"\n");
    out
}

fn scheme_fields(variables: &SchemeVariables) -> (&'static str, Vec<String>) {
    let opt = |value: &Option<String>| value.as_deref().map_or("None".to_string(), py_str);
    match variables {
        SchemeVariables::ApiKey {
            variable,
            name,
            location,
        } => (
            "ApiKey",
            vec![
                format!("variable={}", py_str(variable)),
                format!("name={}", py_str(name)),
                format!("location={}", py_str(location)),
            ],
        ),
        SchemeVariables::Basic { username, password } => (
            "Basic",
            vec![
                format!("username_variable={}", py_str(username)),
                format!("password_variable={}", py_str(password)),
            ],
        ),
        SchemeVariables::Bearer { token } => {
            ("Bearer", vec![format!("variable={}", py_str(token))])
        }
        SchemeVariables::OAuth2 {
            token,
            client_id,
            client_secret,
            token_url,
        } => (
            "OAuth2",
            vec![
                format!("token_variable={}", py_str(token)),
                format!("client_id_variable={}", opt(client_id)),
                format!("client_secret_variable={}", opt(client_secret)),
                format!("token_url={}", opt(token_url)),
            ],
        ),
        SchemeVariables::Unsupported { kind } => {
            ("Unsupported", vec![format!("kind={}", py_str(kind))])
        }
    }
}

fn annotations(hints: &ToolAnnotations) -> Option<String> {
    if *hints == ToolAnnotations::default() {
        return None;
    }
    let flag = |value: bool| if value { "True" } else { "False" };
    let mut fields = Vec::new();
    if let Some(title) = &hints.title {
        fields.push(format!("title={}", py_str(title)));
    }
    for (name, value) in [
        ("read_only_hint", hints.read_only_hint),
        ("destructive_hint", hints.destructive_hint),
        ("idempotent_hint", hints.idempotent_hint),
        ("open_world_hint", hints.open_world_hint),
    ] {
        if let Some(value) = value {
            fields.push(format!("{name}={}", flag(value)));
        }
    }
    Some(py_call("ToolAnnotations", &fields, 8, 20))
}

/// One tool's entry; `output` is the literal of its output schema. True when its input schema needs
/// `import json`.
fn render_tool(out: &mut String, plan: &ToolPlan<'_>, output: Option<&str>) -> bool {
    let tool = plan.tool;
    let op = plan.op;
    let label = match &tool.title {
        Some(title) => format!("{} {}: {title}", op.method.as_str(), op.path),
        None => format!("{} {}", op.method.as_str(), op.path),
    };
    let _ = writeln!(out, "    # {}", comment_line(&label, 100));
    out.push_str("    Tool(\n");
    let _ = writeln!(out, "        name={},", py_str(&tool.name));
    let title = tool.title.as_deref().map_or("None".to_string(), py_str);
    let _ = writeln!(out, "        title={title},");
    let _ = writeln!(
        out,
        "        description={},",
        py_text(&tool.description, 8)
    );
    out.push_str("        input_schema=");
    let json_needed = push_py_value(out, &tool.input_schema, 8, 21);
    out.push_str(",\n");
    let _ = writeln!(out, "        output_schema={},", output.unwrap_or("None"));
    let hints = annotations(&tool.annotations);
    let _ = writeln!(
        out,
        "        annotations={},",
        hints.unwrap_or_else(|| "None".into())
    );
    out.push_str("        operation=Operation(\n");
    let _ = writeln!(out, "            method={},", py_str(op.method.as_str()));
    let _ = writeln!(out, "            path={},", py_str(&op.path));
    let server = plan.server.as_deref().map_or("None".to_string(), py_str);
    let _ = writeln!(out, "            server={server},");
    if !op.parameters.is_empty() {
        out.push_str("            parameters=(\n");
        for param in &op.parameters {
            let mut fields = vec![
                py_str(&param.name),
                py_str(param.location.as_str()),
                py_str(style_name(param.style)),
                if param.explode { "True" } else { "False" }.to_string(),
            ];
            if param.allow_reserved {
                fields.push("allow_reserved=True".into());
            }
            if is_content_param(param) {
                fields.push("content=True".into());
            }
            let _ = writeln!(out, "                Parameter({}),", fields.join(", "));
        }
        out.push_str("            ),\n");
    }
    if !tool.bindings.is_empty() {
        out.push_str("            bindings=(\n");
        for binding in &tool.bindings {
            let (target, name) = binding.target.place_and_name();
            let _ = writeln!(
                out,
                "                Binding({}, {}, {}),",
                py_str(&binding.argument),
                py_str(target),
                py_str(name)
            );
        }
        out.push_str("            ),\n");
    }
    if let Some(media_type) = &tool.body_media_type {
        let _ = writeln!(out, "            body_media_type={},", py_str(media_type));
    }
    if !plan.body_media_types.is_empty() {
        let types: Vec<String> = plan.body_media_types.iter().map(|m| py_str(m)).collect();
        let _ = writeln!(out, "            body_media_types={},", py_tuple(&types));
    }
    if !plan.file_fields.is_empty() {
        let fields: Vec<String> = plan.file_fields.iter().map(|f| py_str(f)).collect();
        let _ = writeln!(out, "            file_fields={},", py_tuple(&fields));
    }
    if !plan.file_content_types.is_empty() {
        let pairs: Vec<String> = plan
            .file_content_types
            .iter()
            .map(|(name, kind)| py_tuple(&[py_str(name), py_str(kind)]))
            .collect();
        let _ = writeln!(out, "            file_content_types={},", py_tuple(&pairs));
    }
    if !plan.security.is_empty() {
        out.push_str("            security=(\n");
        for requirement in &plan.security {
            let schemes: Vec<String> = requirement
                .iter()
                .map(|(name, scopes)| {
                    let scopes: Vec<String> = scopes.iter().map(|s| py_str(s)).collect();
                    py_tuple(&[py_str(name), py_tuple(&scopes)])
                })
                .collect();
            let _ = writeln!(out, "                {},", py_tuple(&schemes));
        }
        out.push_str("            ),\n");
    }
    if let Some(graphql) = &op.graphql {
        let _ = writeln!(
            out,
            "            graphql_document={},",
            py_text(&graphql.document, 12)
        );
    }
    out.push_str("        ),\n    ),\n");
    json_needed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::codegen::{GenerateOptions, Language, generate};
    use crate::spec::{LoadOptions, load_bytes};
    use crate::tools::{ToolOptions, build_tools};

    /// `operations.py` for a document with one `POST /things` operation taking `body` as JSON.
    fn operations_module(body: serde_json::Value) -> String {
        let document = json!({
            "openapi": "3.1.0",
            "info": {"title": "Deep", "version": "1"},
            "paths": {"/things": {"post": {
                "operationId": "makeThing",
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "made"}},
            }}},
        });
        let text = document.to_string();
        let model = load_bytes("deep.json", text.as_bytes(), None, &LoadOptions::default())
            .expect("document loads");
        let tools = build_tools(&model, &ToolOptions::default());
        let project = generate(
            &model,
            &tools,
            Language::Python,
            &GenerateOptions::default(),
        )
        .expect("generates");
        let file = project
            .files
            .iter()
            .find(|f| f.path.ends_with("/operations.py"))
            .expect("operations.py");
        String::from_utf8(file.contents.clone()).unwrap()
    }

    #[test]
    fn json_is_imported_after_the_future_import_only_when_a_literal_needs_it() {
        let mut deep = json!({"type": "string"});
        // Two containers a level: deeper than a Python literal may be, within what a document may nest.
        for _ in 0..40 {
            deep = json!({"type": "object", "properties": {"inner": deep}});
        }
        let module = operations_module(deep);
        assert!(module.contains("json.loads("), "{module}");
        assert!(
            module.contains(
                "\nfrom __future__ import annotations\n\nimport json\n\nfrom .definitions import (\n"
            ),
            "{}",
            module.get(..600).unwrap_or(&module)
        );
        assert_eq!(module.matches("import json").count(), 1);

        let shallow =
            operations_module(json!({"type": "object", "properties": {"n": {"type": "integer"}}}));
        assert!(!shallow.contains("import json") && !shallow.contains("json.loads("));
        assert!(
            shallow
                .contains("\nfrom __future__ import annotations\n\nfrom .definitions import (\n"),
            "{}",
            shallow.get(..600).unwrap_or(&shallow)
        );
    }
}
