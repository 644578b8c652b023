//! `src/operations.ts`: the tool table (one `Tool` per operation with its schemas, annotations and request
//! shape) and the security schemes with the variables they read.

use std::fmt::Write;
use std::sync::Arc;

use super::literal::js_value;
use crate::codegen::escape::{comment_line, js_block_comment, js_str};
use crate::codegen::plan::{
    Plan, SchemeVariables, ToolPlan, is_content_param, scheme_variables, style_name,
};
use crate::codegen::shared::{ByAddress, par_append};
use crate::tools::ToolAnnotations;

/// `[a, b]` on one line.
pub fn js_array(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// A string literal, split after each newline into parenthesized `+`-joined parts when it has several lines
/// and is long (continuation lines at `indent`).
pub fn js_text(text: &str, indent: usize) -> String {
    let literal = js_str(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.len() < 2 || indent + literal.len() <= 90 {
        return literal;
    }
    let pad = " ".repeat(indent + 2);
    let parts: Vec<String> = lines.iter().map(|line| js_str(line)).collect();
    format!(
        "(\n{pad}{}\n{})",
        parts.join(&format!(" +\n{pad}")),
        " ".repeat(indent)
    )
}

pub fn render(plan: &Plan<'_>, doc: &str) -> String {
    let mut out = format!(
        "/**\n{}\n */\n\nimport type {{ SecurityScheme, Tool }} from \"./definitions.js\";\n\n",
        block(doc)
    );
    out.push_str("/** The spec's security schemes and the environment variables they read. */\n");
    out.push_str(
        "export const SECURITY_SCHEMES: ReadonlyMap<string, SecurityScheme> = new Map<string, SecurityScheme>([\n",
    );
    for (name, scheme) in &plan.model.security_schemes {
        let fields = scheme_fields(&scheme_variables(&plan.env_prefix, name, scheme));
        let _ = writeln!(out, "  [{}, {{ {} }}],", js_str(name), fields.join(", "));
    }
    out.push_str("]);\n\n");
    // Each element goes through `defineTool`, so the array literal's type is `Tool` and not the union of
    // every element's literal type, which tsc refuses past ~1,000 tools (TS2590, the GitHub description).
    out.push_str(
        "/** Types one element of TOOLS (checked in full, excess properties included). */\n",
    );
    out.push_str("const defineTool = (tool: Tool): Tool => tool;\n\n");
    out.push_str("/** One tool per selected operation, in the spec's order. */\n");
    out.push_str("export const TOOLS: readonly Tool[] = [\n");
    // Each tool's text rendered on every core and appended in order.
    let outputs = ByAddress::<Arc<str>>::default();
    par_append(
        &mut out,
        &plan.tools,
        || &outputs,
        |_, tool, outputs, text: &mut String| {
            // A shared output schema is written once.
            let output = tool
                .tool
                .output_schema
                .as_ref()
                .map(|schema| outputs.of(schema, || Arc::from(js_value(schema, 4, 18))));
            render_tool(text, tool, output.as_deref());
        },
    );
    out.push_str("];\n");
    out
}

/// The lines of a `/** */` comment body, each starting with ` * `.
pub fn block(text: &str) -> String {
    js_block_comment(text)
        .lines()
        .map(|line| {
            if line.is_empty() {
                " *".to_string()
            } else {
                format!(" * {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn scheme_fields(variables: &SchemeVariables) -> Vec<String> {
    let opt = |value: &Option<String>| value.as_deref().map_or("null".to_string(), js_str);
    match variables {
        SchemeVariables::ApiKey {
            variable,
            name,
            location,
        } => vec![
            "kind: \"apiKey\"".into(),
            format!("variable: {}", js_str(variable)),
            format!("name: {}", js_str(name)),
            format!("location: {}", js_str(location)),
        ],
        SchemeVariables::Basic { username, password } => vec![
            "kind: \"basic\"".into(),
            format!("usernameVariable: {}", js_str(username)),
            format!("passwordVariable: {}", js_str(password)),
        ],
        SchemeVariables::Bearer { token } => vec![
            "kind: \"bearer\"".into(),
            format!("variable: {}", js_str(token)),
        ],
        SchemeVariables::OAuth2 {
            token,
            client_id,
            client_secret,
            token_url,
        } => vec![
            "kind: \"oauth2\"".into(),
            format!("tokenVariable: {}", js_str(token)),
            format!("clientIdVariable: {}", opt(client_id)),
            format!("clientSecretVariable: {}", opt(client_secret)),
            format!("tokenUrl: {}", opt(token_url)),
        ],
        SchemeVariables::Unsupported { kind } => vec![
            "kind: \"unsupported\"".into(),
            format!("scheme: {}", js_str(kind)),
        ],
    }
}

fn annotations(hints: &ToolAnnotations) -> Option<String> {
    if *hints == ToolAnnotations::default() {
        return None;
    }
    let mut fields = Vec::new();
    if let Some(title) = &hints.title {
        fields.push(format!("title: {}", js_str(title)));
    }
    for (name, value) in [
        ("readOnlyHint", hints.read_only_hint),
        ("destructiveHint", hints.destructive_hint),
        ("idempotentHint", hints.idempotent_hint),
        ("openWorldHint", hints.open_world_hint),
    ] {
        if let Some(value) = value {
            fields.push(format!("{name}: {value}"));
        }
    }
    Some(format!("{{ {} }}", fields.join(", ")))
}

/// One tool's entry; `output` is the literal of its output schema.
fn render_tool(out: &mut String, plan: &ToolPlan<'_>, output: Option<&str>) {
    let tool = plan.tool;
    let op = plan.op;
    let label = match &tool.title {
        Some(title) => format!("{} {}: {title}", op.method.as_str(), op.path),
        None => format!("{} {}", op.method.as_str(), op.path),
    };
    let _ = writeln!(out, "  // {}", comment_line(&label, 100));
    out.push_str("  defineTool({\n");
    let _ = writeln!(out, "    name: {},", js_str(&tool.name));
    if let Some(title) = &tool.title {
        let _ = writeln!(out, "    title: {},", js_str(title));
    }
    let _ = writeln!(out, "    description: {},", js_text(&tool.description, 4));
    let _ = writeln!(
        out,
        "    inputSchema: {},",
        js_value(&tool.input_schema, 4, 17)
    );
    if let Some(output) = output {
        let _ = writeln!(out, "    outputSchema: {output},");
    }
    if let Some(hints) = annotations(&tool.annotations) {
        let _ = writeln!(out, "    annotations: {hints},");
    }
    out.push_str("    operation: {\n");
    let _ = writeln!(out, "      method: {},", js_str(op.method.as_str()));
    let _ = writeln!(out, "      path: {},", js_str(&op.path));
    let server = plan.server.as_deref().map_or("null".to_string(), js_str);
    let _ = writeln!(out, "      server: {server},");
    if !op.parameters.is_empty() {
        out.push_str("      parameters: [\n");
        for param in &op.parameters {
            let mut fields = vec![
                format!("name: {}", js_str(&param.name)),
                format!("location: {}", js_str(param.location.as_str())),
                format!("style: {}", js_str(style_name(param.style))),
                format!("explode: {}", param.explode),
            ];
            if param.allow_reserved {
                fields.push("allowReserved: true".into());
            }
            if is_content_param(param) {
                fields.push("content: true".into());
            }
            let _ = writeln!(out, "        {{ {} }},", fields.join(", "));
        }
        out.push_str("      ],\n");
    }
    if !tool.bindings.is_empty() {
        out.push_str("      bindings: [\n");
        for binding in &tool.bindings {
            let (target, name) = binding.target.place_and_name();
            let _ = writeln!(
                out,
                "        {{ argument: {}, target: {}, name: {} }},",
                js_str(&binding.argument),
                js_str(target),
                js_str(name)
            );
        }
        out.push_str("      ],\n");
    }
    if let Some(media_type) = &tool.body_media_type {
        let _ = writeln!(out, "      bodyMediaType: {},", js_str(media_type));
    }
    let strings = |items: &[String]| js_array(&items.iter().map(|s| js_str(s)).collect::<Vec<_>>());
    if !plan.body_media_types.is_empty() {
        let _ = writeln!(
            out,
            "      bodyMediaTypes: {},",
            strings(&plan.body_media_types)
        );
    }
    if !plan.file_fields.is_empty() {
        let _ = writeln!(out, "      fileFields: {},", strings(&plan.file_fields));
    }
    if !plan.file_content_types.is_empty() {
        let pairs: Vec<String> = plan
            .file_content_types
            .iter()
            .map(|(name, kind)| js_array(&[js_str(name), js_str(kind)]))
            .collect();
        let _ = writeln!(out, "      fileContentTypes: {},", js_array(&pairs));
    }
    if !plan.security.is_empty() {
        out.push_str("      security: [\n");
        for requirement in &plan.security {
            let schemes: Vec<String> = requirement
                .iter()
                .map(|(name, scopes)| js_array(&[js_str(name), strings(scopes)]))
                .collect();
            let _ = writeln!(out, "        {},", js_array(&schemes));
        }
        out.push_str("      ],\n");
    }
    if let Some(graphql) = &op.graphql {
        let _ = writeln!(
            out,
            "      graphqlDocument: {},",
            js_text(&graphql.document, 6)
        );
    }
    out.push_str("    },\n  }),\n");
}
