//! The rows of an operation's detail (parameters as a table, body and responses as schema trees, auth,
//! servers, its warnings) and of a spec's overview (servers, security schemes, every warning).

use super::outline::{Row, Tone};
use super::schema_tree::schema_rows;
use crate::spec::model::{ApiModel, MediaType, Operation, SecurityRequirement, Server, Warning};

/// `is_open(id, default)` says whether a schema node is open.
pub fn operation_rows(
    model: &ApiModel,
    op: &Operation,
    is_open: &dyn Fn(&str, bool) -> bool,
) -> Vec<Row> {
    let mut rows = vec![Row::new(
        0,
        vec![
            (Tone::Method(op.method), format!("{} ", op.method.as_str())),
            (Tone::Heading, op.path.clone()),
        ],
    )];
    if let Some(summary) = &op.summary {
        rows.push(Row::new(0, vec![(Tone::Plain, summary.clone())]));
    }
    if let Some(description) = &op.description {
        rows.extend(
            description
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| Row::new(0, vec![(Tone::Dim, l.trim_end().to_string())])),
        );
    }
    if op.deprecated {
        rows.push(Row::new(0, vec![(Tone::Warning, "deprecated".into())]));
    }
    if let Some(reason) = &op.unsupported {
        rows.push(Row::new(
            0,
            vec![(Tone::Warning, format!("cannot be called: {reason}"))],
        ));
    }

    rows.push(Row::blank());
    parameter_rows(op, &mut rows);

    if let Some(body) = &op.request_body {
        rows.push(Row::blank());
        let required = if body.required { " (required)" } else { "" };
        rows.push(Row::heading(format!("Request body{required}")));
        if let Some(description) = body.description.as_deref().and_then(first_line) {
            rows.push(Row::new(1, vec![(Tone::Dim, description)]));
        }
        for (media_type, media) in &body.content {
            media_rows(model, media_type, media, "body", 1, is_open, &mut rows);
        }
    }

    rows.push(Row::blank());
    rows.push(Row::heading("Responses"));
    for response in &op.responses {
        let mut parts = vec![(Tone::Accent, format!("{:<8}", response.status))];
        if let Some(description) = response.description.as_deref().and_then(first_line) {
            parts.push((Tone::Plain, description));
        }
        rows.push(Row::new(1, parts));
        for (name, schema) in &response.headers {
            let kind = schema.get("type").and_then(|t| t.as_str()).unwrap_or("any");
            rows.push(Row::new(
                2,
                vec![(Tone::Dim, format!("  header {name}  {kind}"))],
            ));
        }
        let id = format!("response {}", response.status);
        for (media_type, media) in &response.content {
            media_rows(model, media_type, media, &id, 2, is_open, &mut rows);
        }
    }

    rows.push(Row::blank());
    auth_rows(model, op, &mut rows);

    rows.push(Row::blank());
    let (servers, own) = if op.servers.is_empty() {
        (&model.servers, "")
    } else {
        (&op.servers, " (this operation's own)")
    };
    rows.push(Row::heading(format!("Servers{own}")));
    server_rows(servers, &mut rows);

    let warnings: Vec<&Warning> = model
        .warnings
        .iter()
        .filter(|w| points_into(&w.pointer, &op.pointer))
        .collect();
    if !warnings.is_empty() {
        rows.push(Row::blank());
        rows.push(Row::heading(format!("Warnings ({})", warnings.len())));
        warning_rows(&warnings, &mut rows);
    }
    rows
}

/// Whether a warning's pointer is the operation's or inside it.
fn points_into(pointer: &str, operation: &str) -> bool {
    !operation.is_empty()
        && pointer
            .strip_prefix(operation)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

fn parameter_rows(op: &Operation, rows: &mut Vec<Row>) {
    rows.push(Row::heading("Parameters"));
    if op.parameters.is_empty() {
        rows.push(Row::new(1, vec![(Tone::Dim, "none".into())]));
        return;
    }
    let types: Vec<String> = op
        .parameters
        .iter()
        .map(|p| short_type(&p.schema))
        .collect();
    let name_width = op
        .parameters
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, 24);
    let type_width = types
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, 16);
    let cell = |text: &str, width: usize| format!("{:<width$} ", clip(text, width));
    rows.push(Row::new(
        1,
        vec![(
            Tone::Dim,
            format!(
                "{}{}{}{}description",
                cell("name", name_width),
                cell("in", 6),
                cell("req", 3),
                cell("type", type_width)
            ),
        )],
    ));
    for (param, kind) in op.parameters.iter().zip(&types) {
        let mut description =
            first_line(param.description.as_deref().unwrap_or("")).unwrap_or_default();
        if param.deprecated {
            description = format!("deprecated {description}");
        }
        rows.push(Row::new(
            1,
            vec![
                (Tone::Plain, cell(&param.name, name_width)),
                (Tone::Dim, cell(param.location.as_str(), 6)),
                (
                    Tone::Plain,
                    cell(if param.required { "yes" } else { "" }, 3),
                ),
                (Tone::Accent, cell(kind, type_width)),
                (Tone::Dim, description),
            ],
        ));
    }
}

/// `integer`, `string[]`, `Species[]`: a parameter's type in one short word.
fn short_type(schema: &serde_json::Value) -> String {
    if let Some(name) = schema
        .get("$ref")
        .and_then(|r| r.as_str())
        .and_then(crate::spec::model::schema_ref_name)
    {
        return name;
    }
    match schema.get("type") {
        Some(serde_json::Value::String(t)) if t == "array" => {
            format!("{}[]", short_type(&schema["items"]))
        }
        Some(serde_json::Value::String(t)) => t.clone(),
        Some(serde_json::Value::Array(types)) => types
            .iter()
            .filter_map(|t| t.as_str())
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join("|"),
        _ => "any".into(),
    }
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let kept: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

fn media_rows(
    model: &ApiModel,
    media_type: &str,
    media: &MediaType,
    parent: &str,
    indent: usize,
    is_open: &dyn Fn(&str, bool) -> bool,
    rows: &mut Vec<Row>,
) {
    match &media.schema {
        Some(schema) => {
            let id = format!("{parent}\u{1f}{media_type}");
            schema_rows(model, media_type, schema, &id, indent, is_open, rows);
        }
        None => rows.push(Row::new(
            indent,
            vec![
                (Tone::Plain, format!("  {media_type}")),
                (Tone::Dim, "  no schema".into()),
            ],
        )),
    }
}

fn auth_rows(model: &ApiModel, op: &Operation, rows: &mut Vec<Row>) {
    let requirements = model.security_for(op);
    let inherited = if op.security.is_none() && !requirements.is_empty() {
        " (the spec's default)"
    } else {
        ""
    };
    let any = if requirements.len() > 1 {
        " · any one of"
    } else {
        ""
    };
    rows.push(Row::heading(format!("Auth{inherited}{any}")));
    if requirements.is_empty() {
        rows.push(Row::new(
            1,
            vec![(Tone::Dim, "none: no credentials needed".into())],
        ));
    }
    for requirement in requirements {
        rows.push(Row::new(1, requirement_parts(model, requirement)));
    }
}

/// `apiKey: apiKey (header X-Api-Key) + clinicOAuth: oauth2 (…) [pets:read]`.
fn requirement_parts(model: &ApiModel, requirement: &SecurityRequirement) -> Vec<(Tone, String)> {
    if requirement.is_empty() {
        return vec![(Tone::Dim, "anonymous".into())];
    }
    let mut parts = Vec::new();
    for (index, (name, scopes)) in requirement.iter().enumerate() {
        if index > 0 {
            parts.push((Tone::Dim, " + ".into()));
        }
        parts.push((Tone::Plain, format!("{name}: ")));
        match model.security_schemes.get(name) {
            Some(scheme) => parts.push((Tone::Accent, scheme.summary())),
            None => parts.push((Tone::Warning, "not a defined scheme".into())),
        }
        if !scopes.is_empty() {
            parts.push((Tone::Dim, format!(" [{}]", scopes.join(", "))));
        }
    }
    parts
}

fn server_rows(servers: &[Server], rows: &mut Vec<Row>) {
    if servers.is_empty() {
        rows.push(Row::new(1, vec![(Tone::Dim, "none given".into())]));
    }
    for server in servers {
        let mut parts = vec![(Tone::Accent, server.url.clone())];
        if let Some(description) = &server.description {
            parts.push((Tone::Dim, format!("  {description}")));
        }
        rows.push(Row::new(1, parts));
        for (name, variable) in &server.variables {
            let choices = if variable.enum_values.is_empty() {
                String::new()
            } else {
                format!(" (one of {})", variable.enum_values.join(", "))
            };
            rows.push(Row::new(
                2,
                vec![(
                    Tone::Dim,
                    format!("{{{name}}} = {}{choices}", variable.default),
                )],
            ));
        }
    }
}

fn warning_rows(warnings: &[&Warning], rows: &mut Vec<Row>) {
    for warning in warnings {
        rows.push(Row::new(1, vec![(Tone::Warning, warning.message.clone())]));
        rows.push(Row::new(2, vec![(Tone::Dim, warning.pointer.clone())]));
    }
}

/// The spec as a whole: what it is, its servers and security schemes, and every warning with its pointer.
pub fn overview_rows(model: &ApiModel) -> Vec<Row> {
    let version = model
        .api_version
        .as_ref()
        .map(|v| format!("  {v}"))
        .unwrap_or_default();
    let mut rows = vec![
        Row::new(
            0,
            vec![(Tone::Heading, model.title.clone()), (Tone::Dim, version)],
        ),
        Row::new(
            0,
            vec![(
                Tone::Dim,
                format!(
                    "{} {} · {} operations · {} schemas",
                    model.format.as_str(),
                    model.version,
                    model.operations.len(),
                    model.schemas.len()
                ),
            )],
        ),
    ];
    if let Some(description) = model.description.as_deref().and_then(first_line) {
        rows.push(Row::new(0, vec![(Tone::Plain, description)]));
    }
    rows.push(Row::blank());
    rows.push(Row::heading(format!("Warnings ({})", model.warnings.len())));
    if model.warnings.is_empty() {
        rows.push(Row::new(1, vec![(Tone::Dim, "none".into())]));
    }
    let warnings: Vec<&Warning> = model.warnings.iter().collect();
    warning_rows(&warnings, &mut rows);
    rows.push(Row::blank());
    rows.push(Row::heading("Servers"));
    server_rows(&model.servers, &mut rows);
    rows.push(Row::blank());
    rows.push(Row::heading("Security schemes"));
    if model.security_schemes.is_empty() {
        rows.push(Row::new(1, vec![(Tone::Dim, "none".into())]));
    }
    for (name, scheme) in &model.security_schemes {
        rows.push(Row::new(
            1,
            vec![
                (Tone::Plain, format!("{name}: ")),
                (Tone::Accent, scheme.summary()),
            ],
        ));
    }
    if !model.security.is_empty() {
        rows.push(Row::new(
            1,
            vec![(Tone::Dim, "by default, any one of:".into())],
        ));
        for requirement in &model.security {
            rows.push(Row::new(2, requirement_parts(model, requirement)));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_belong_to_the_operation_they_point_into() {
        assert!(points_into("/paths/~1pets/get", "/paths/~1pets/get"));
        assert!(points_into(
            "/paths/~1pets/get/responses/200",
            "/paths/~1pets/get"
        ));
        assert!(!points_into("/paths/~1pets/getter", "/paths/~1pets/get"));
        assert!(!points_into("/paths/~1pets/get", ""));
    }

    #[test]
    fn long_cells_are_clipped() {
        assert_eq!(clip("petId", 8), "petId");
        assert_eq!(clip("averyveryverylongname", 8), "averyve…");
    }
}
