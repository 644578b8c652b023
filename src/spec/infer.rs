//! JSON Schema (2020-12) inferred from example values, for formats that carry examples but no schemas (Postman).
//!
//! Inference is deterministic: objects keep their keys in example order, array items are the union of the first
//! [`MAX_ARRAY_SAMPLES`] elements, and nothing deeper than [`MAX_DEPTH`] is described (it becomes `{}`).
//! No property is marked required: one example cannot tell what is optional.

use serde_json::{Map, Value, json};

use super::model::{BodyKind, JsonSchema, MediaType};

/// Nesting deeper than this is described as `{}` (any value).
pub const MAX_DEPTH: usize = 32;
/// How many elements of an array are looked at to describe its items.
pub const MAX_ARRAY_SAMPLES: usize = 100;

/// A schema that the example validates against: types, object properties, array items and obvious string formats
/// (`date-time`, `date`, `email`, `uri`, `uuid`).
pub fn schema_from_example(example: &Value) -> JsonSchema {
    infer(example, 0)
}

/// Parses an example body as JSON. Template placeholders such as `"id": {{userId}}` (Postman, Insomnia) and
/// comments make the text invalid JSON; when plain parsing fails, they are fixed up and parsing is retried.
pub fn parse_example_json(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    if !text.contains("{{") && !text.contains("/") {
        return None;
    }
    serde_json::from_str(&normalize_template_json(text)).ok()
}

/// What an example body says about its content: see [`media_from_body`].
#[derive(Debug, Clone, PartialEq)]
pub struct InferredBody {
    /// The media type without parameters, lowercased.
    pub media_type: String,
    pub media: MediaType,
    /// The body is declared as JSON but does not parse (its schema is then `{}`).
    pub invalid_json: bool,
}

/// Describes an example body. The media type is the declared one (a Content-Type value) if any; else JSON when
/// `hint` says `json` or the text is a JSON object or array; else what `hint` names (`xml`, `html`, `javascript`,
/// `text`); else `text/plain`. JSON gets the parsed example and its inferred schema, anything else a string schema
/// with the text as example.
pub fn media_from_body(text: &str, declared: Option<&str>, hint: Option<&str>) -> InferredBody {
    let declared = declared
        .map(essence)
        .filter(|d| !d.is_empty() && !d.contains("{{"));
    let hint = hint.map(str::to_ascii_lowercase);
    let wants_json = declared
        .as_deref()
        .is_none_or(|d| BodyKind::of(d) == BodyKind::Json);
    let parsed = wants_json.then(|| parse_example_json(text)).flatten();
    let media_type = declared.unwrap_or_else(|| {
        let sniffed = parsed
            .as_ref()
            .is_some_and(|v| v.is_object() || v.is_array());
        let json = sniffed || hint.as_deref() == Some("json");
        let named = if json {
            Some("application/json")
        } else {
            hint.as_deref().and_then(hint_media)
        };
        named.unwrap_or("text/plain").to_string()
    });
    let is_json = BodyKind::of(&media_type) == BodyKind::Json;
    let media = match (is_json, parsed) {
        (true, Some(example)) => {
            let schema = Some(schema_from_example(&example));
            MediaType {
                schema,
                example: Some(example),
                ..MediaType::default()
            }
        }
        (true, None) => MediaType {
            schema: Some(json!({})),
            ..MediaType::default()
        },
        (false, _) => MediaType {
            schema: Some(json!({"type": "string"})),
            example: Some(Value::String(text.to_string())),
            ..MediaType::default()
        },
    };
    let invalid_json = is_json && media.example.is_none();
    InferredBody {
        media_type,
        media,
        invalid_json,
    }
}

/// `application/json; charset=utf-8` -> `application/json`.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn hint_media(hint: &str) -> Option<&'static str> {
    Some(match hint {
        "json" => "application/json",
        "xml" => "application/xml",
        "html" => "text/html",
        "javascript" => "application/javascript",
        "text" | "plain" => "text/plain",
        _ => return None,
    })
}

fn infer(example: &Value, depth: usize) -> JsonSchema {
    if depth >= MAX_DEPTH {
        return json!({});
    }
    match example {
        Value::Null => json!({"type": "null"}),
        Value::Bool(_) => json!({"type": "boolean"}),
        Value::Number(n) if n.is_i64() || n.is_u64() => json!({"type": "integer"}),
        Value::Number(_) => json!({"type": "number"}),
        Value::String(s) => match string_format(s) {
            Some(format) => json!({"type": "string", "format": format}),
            None => json!({"type": "string"}),
        },
        Value::Array(items) => {
            let mut schema = json!({"type": "array"});
            let merged = items
                .iter()
                .take(MAX_ARRAY_SAMPLES)
                .map(|item| infer(item, depth + 1))
                .reduce(merge);
            if let Some(items) = merged {
                schema["items"] = items;
            }
            schema
        }
        Value::Object(fields) => {
            let mut schema = json!({"type": "object"});
            if !fields.is_empty() {
                let properties: Map<String, Value> = fields
                    .iter()
                    .map(|(key, value)| (key.clone(), infer(value, depth + 1)))
                    .collect();
                schema["properties"] = Value::Object(properties);
            }
            schema
        }
    }
}

/// One schema that accepts what either accepts, as narrow as this simple inference allows.
fn merge(a: JsonSchema, b: JsonSchema) -> JsonSchema {
    if a == b {
        return a;
    }
    let (a, a_null) = split_null(a);
    let (b, b_null) = split_null(b);
    let core = match (a, b) {
        (Some(a), Some(b)) => Some(merge_non_null(a, b)),
        (a, b) => a.or(b),
    };
    match (core, a_null || b_null) {
        (Some(core), true) => add_null(core),
        (Some(core), false) => core,
        (None, _) => json!({"type": "null"}),
    }
}

fn merge_non_null(a: JsonSchema, b: JsonSchema) -> JsonSchema {
    if a == b || is_any(&a) {
        return a;
    }
    if is_any(&b) {
        return b;
    }
    match (type_of(&a), type_of(&b)) {
        (Some("object"), Some("object")) => merge_objects(a, b),
        (Some("array"), Some("array")) => merge_arrays(a, b),
        (Some("string"), Some("string")) => json!({"type": "string"}),
        (Some("integer" | "number"), Some("integer" | "number")) => json!({"type": "number"}),
        _ => any_of(a, b),
    }
}

fn merge_objects(mut a: JsonSchema, b: JsonSchema) -> JsonSchema {
    let Some(b_props) = b.get("properties").and_then(Value::as_object).cloned() else {
        return a;
    };
    let mut props = a
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, schema) in b_props {
        let merged = match props.remove(&key) {
            Some(existing) => merge(existing, schema),
            None => schema,
        };
        props.insert(key, merged);
    }
    a["properties"] = Value::Object(props);
    a
}

fn merge_arrays(mut a: JsonSchema, b: JsonSchema) -> JsonSchema {
    let items = match (a.get("items").cloned(), b.get("items").cloned()) {
        (Some(x), Some(y)) => Some(merge(x, y)),
        (x, y) => x.or(y),
    };
    if let Some(items) = items {
        a["items"] = items;
    }
    a
}

/// `anyOf` of both sides' alternatives, merging alternatives of the same type.
fn any_of(a: JsonSchema, b: JsonSchema) -> JsonSchema {
    let mut members = alternatives(a);
    for candidate in alternatives(b) {
        let same = members
            .iter()
            .position(|m| same_kind(type_of(m), type_of(&candidate)));
        match same {
            Some(index) => {
                let existing = members.remove(index);
                members.insert(index, merge_non_null(existing, candidate));
            }
            None => members.push(candidate),
        }
    }
    if members.len() == 1 {
        members.remove(0)
    } else {
        json!({"anyOf": members})
    }
}

fn alternatives(schema: JsonSchema) -> Vec<JsonSchema> {
    match schema.get("anyOf").and_then(Value::as_array) {
        Some(members) => members.clone(),
        None => vec![schema],
    }
}

fn same_kind(a: Option<&str>, b: Option<&str>) -> bool {
    let numeric = |t: Option<&str>| matches!(t, Some("integer" | "number"));
    a.is_some() && (a == b || (numeric(a) && numeric(b)))
}

/// Splits `null` off a schema: `{"type":["string","null"]}` gives `({"type":"string"}, true)`.
fn split_null(schema: JsonSchema) -> (Option<JsonSchema>, bool) {
    match schema.get("type") {
        Some(Value::String(t)) if t == "null" => (None, true),
        Some(Value::Array(types)) if types.len() == 2 && types.contains(&json!("null")) => {
            let other = types.iter().find(|t| *t != "null").cloned();
            let mut schema = schema.clone();
            schema["type"] = other.unwrap_or(Value::Null);
            (Some(schema), true)
        }
        _ => (Some(schema), false),
    }
}

fn add_null(mut schema: JsonSchema) -> JsonSchema {
    if is_any(&schema) {
        return schema;
    }
    if let Some(t) = type_of(&schema).map(str::to_string) {
        schema["type"] = json!([t, "null"]);
        return schema;
    }
    if let Some(members) = schema.get_mut("anyOf").and_then(Value::as_array_mut) {
        members.push(json!({"type": "null"}));
    }
    schema
}

fn type_of(schema: &JsonSchema) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

fn is_any(schema: &JsonSchema) -> bool {
    schema.as_object().is_some_and(Map::is_empty)
}

/// A format hint when the string obviously is one.
fn string_format(s: &str) -> Option<&'static str> {
    if is_date_time(s) {
        Some("date-time")
    } else if is_date(s) {
        Some("date")
    } else if is_uuid(s) {
        Some("uuid")
    } else if is_uri(s) {
        Some("uri")
    } else if is_email(s) {
        Some("email")
    } else {
        None
    }
}

fn digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

fn is_date(s: &str) -> bool {
    is_date_bytes(s.as_bytes())
}

/// `YYYY-MM-DD`.
fn is_date_bytes(b: &[u8]) -> bool {
    b.len() == 10
        && digits(&b[0..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
}

/// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !is_date_bytes(&b[..10]) || !matches!(b[10], b'T' | b't') {
        return false;
    }
    let time_ok = digits(&b[11..13])
        && b[13] == b':'
        && digits(&b[14..16])
        && b[16] == b':'
        && digits(&b[17..19]);
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let len = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 {
            return false;
        }
        rest = &fraction[len..];
    }
    let zone_ok = match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => digits(&[*h1, *h2, *m1, *m2]),
        _ => false,
    };
    time_ok && zone_ok
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_uri(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !s.contains(char::is_whitespace)
            && !s.contains("{{")
    })
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    !local.is_empty()
        && local.chars().all(allowed)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Makes template JSON parseable: each `{{...}}` outside a string is quoted (`{"n": {{count}}}`) and `//` and
/// `/* */` comments outside strings (which Postman accepts in raw bodies) are dropped.
fn normalize_template_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if let Some(skip) = template_token(rest, &mut out) {
            rest = &rest[skip..];
            continue;
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Outside strings: writes the replacement for a placeholder or comment at the start of `rest` and returns how
/// many bytes it covered.
fn template_token(rest: &str, out: &mut String) -> Option<usize> {
    if rest.starts_with("{{") {
        let end = rest.find("}}")? + 2;
        out.push_str(&serde_json::to_string(&rest[..end]).unwrap_or_default());
        Some(end)
    } else if rest.starts_with("//") {
        Some(rest.find('\n').unwrap_or(rest.len()))
    } else {
        let comment = rest.strip_prefix("/*")?;
        Some(comment.find("*/").map_or(rest.len(), |i| i + 4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_and_formats() {
        assert_eq!(schema_from_example(&json!(1)), json!({"type": "integer"}));
        assert_eq!(schema_from_example(&json!(1.5)), json!({"type": "number"}));
        assert_eq!(
            schema_from_example(&json!(true)),
            json!({"type": "boolean"})
        );
        assert_eq!(schema_from_example(&Value::Null), json!({"type": "null"}));
        let format = |s: &str| schema_from_example(&json!(s)).get("format").cloned();
        assert_eq!(format("2024-01-31T10:20:30Z"), Some(json!("date-time")));
        assert_eq!(
            format("2024-01-31T10:20:30.123+02:00"),
            Some(json!("date-time"))
        );
        assert_eq!(format("2024-01-31"), Some(json!("date")));
        assert_eq!(format("a.b@example.com"), Some(json!("email")));
        assert_eq!(format("https://example.com/x"), Some(json!("uri")));
        assert_eq!(
            format("123e4567-e89b-12d3-a456-426614174000"),
            Some(json!("uuid"))
        );
        assert_eq!(format("hello world"), None);
        assert_eq!(format("2024-01-31T10:20"), None);
        assert_eq!(format("@handle"), None);
        assert_eq!(format("Twitter ファッション"), None);
        assert_eq!(format("2024-01-3ファッション"), None);
    }

    #[test]
    fn objects_and_arrays_merge_their_elements() {
        let schema = schema_from_example(&json!({
            "items": [{"id": 1, "name": "a"}, {"id": 2.5, "tag": null}, {"id": 3, "tag": "x"}],
            "empty": [],
            "mixed": [1, "a", 2]
        }));
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {
                "items": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "number"},
                    "name": {"type": "string"},
                    "tag": {"type": ["string", "null"]}
                }}},
                "empty": {"type": "array"},
                "mixed": {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}
            }})
        );
    }

    #[test]
    fn depth_is_bounded() {
        let mut value = json!(1);
        for _ in 0..100 {
            value = json!([value]);
        }
        let schema = schema_from_example(&value);
        let mut depth = 0;
        let mut current = &schema;
        while let Some(items) = current.get("items") {
            current = items;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(current, &json!({}));
    }

    #[test]
    fn body_media_types() {
        let body = |text, declared, hint| {
            let inferred = media_from_body(text, declared, hint);
            (
                inferred.media_type,
                inferred.media.example,
                inferred.invalid_json,
            )
        };
        assert_eq!(
            body("{\"a\": 1}", None, Some("Text")),
            ("application/json".into(), Some(json!({"a": 1})), false)
        );
        assert_eq!(
            body("[1]", Some("application/vnd.api+json; x=y"), None).0,
            "application/vnd.api+json"
        );
        assert_eq!(
            body("{oops", None, Some("json")),
            ("application/json".into(), None, true)
        );
        assert_eq!(body("<a/>", None, Some("xml")).0, "application/xml");
        assert_eq!(
            body("{\"a\": 1}", Some("text/csv"), None),
            ("text/csv".into(), Some(json!("{\"a\": 1}")), false)
        );
        assert_eq!(
            body("42", None, None),
            ("text/plain".into(), Some(json!("42")), false)
        );
    }

    #[test]
    fn placeholders_outside_strings_are_quoted() {
        let parsed = parse_example_json(r#"{"n": {{count}}, "s": "a {{b}} \" c", "l": [{{x}}]}"#);
        assert_eq!(
            parsed,
            Some(json!({"n": "{{count}}", "s": "a {{b}} \" c", "l": ["{{x}}"]}))
        );
        let commented = "{\n  \"a\": \"x // y\" // note\n  /* gone */, \"b\": \"/* kept */\"\n}";
        assert_eq!(
            parse_example_json(commented),
            Some(json!({"a": "x // y", "b": "/* kept */"}))
        );
        assert_eq!(parse_example_json("not json"), None);
    }
}
