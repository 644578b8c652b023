//! A rejected request: status, the field and JSON pointer that failed, and a message.

use serde_json::{Value, json};

use super::validate::Issue;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// 400 for malformed input, 422 for values that break their schema, 415 for a wrong content type.
    pub status: u16,
    /// `query.limit`, `body.owner.email`, `header.Idempotency-Key`.
    pub field: String,
    /// The pointer inside that location's values (`/limit`, `/owner/email`).
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub(crate) fn malformed(field: String, pointer: String, message: String) -> Problem {
        Problem {
            status: 400,
            field,
            pointer,
            message,
        }
    }

    /// A schema issue of the value at `base` (a pointer) in `location` (`query`, `body`, ...).
    pub(crate) fn from_issue(location: &str, base: &str, issue: &Issue) -> Problem {
        let pointer = format!("{base}{}", issue.pointer);
        Problem {
            status: 422,
            field: field_name(location, &pointer),
            message: format!("{}: {}", field_name(location, &pointer), issue.message),
            pointer,
        }
    }
}

/// `body` + `/owner/pets/0/name` → `body.owner.pets[0].name`.
pub(crate) fn field_name(location: &str, pointer: &str) -> String {
    let mut out = location.to_string();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            out.push('.');
            out.push_str(&segment);
        }
    }
    out
}

/// Escapes a name for use as one pointer segment.
pub(crate) fn pointer_segment(name: &str) -> String {
    format!("/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// The JSON error body for problems (the first names the field; all are listed).
pub(crate) fn problems_body(problems: &[Problem], operation: &str) -> Value {
    let Some(first) = problems.first() else {
        return json!({"error": "the request was refused", "operation": operation});
    };
    let all: Vec<Value> = problems
        .iter()
        .take(20)
        .map(|p| json!({"field": p.field, "pointer": p.pointer, "message": p.message}))
        .collect();
    json!({
        "error": first.message,
        "field": first.field,
        "pointer": first.pointer,
        "operation": operation,
        "errors": all,
    })
}

/// The status for a set of problems: malformed input wins over schema failures.
pub(crate) fn problems_status(problems: &[Problem]) -> u16 {
    problems
        .iter()
        .map(|p| p.status)
        .find(|s| *s != 422)
        .unwrap_or(422)
}
