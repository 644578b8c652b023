//! Matching request paths to operations by path template, with the servers' base paths as optional
//! prefixes. Templates may hold several parameters per segment (`/{name}.{ext}`); literal segments win over
//! parameters when both match.

use std::cmp::Ordering;

use crate::spec::model::{ApiModel, HttpMethod, Server};

/// Path parameters by name, as matched (percent-decoded).
type PathParams = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Param(String),
}

#[derive(Debug)]
struct Route {
    op_index: usize,
    method: HttpMethod,
    segments: Vec<Vec<Part>>,
}

/// What a request path and method select.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RouteMatch {
    /// The operations (more than one only when several share a method and template, as GraphQL fields do)
    /// and the path parameters (raw, percent-decoded).
    Found {
        ops: Vec<usize>,
        params: Vec<(String, String)>,
    },
    /// The path exists, but not for this method.
    MethodNotAllowed(Vec<HttpMethod>),
    NotFound,
}

#[derive(Debug)]
pub(crate) struct RouteTable {
    routes: Vec<Route>,
    /// Base paths of the servers (`/v1`), longest first.
    prefixes: Vec<String>,
}

impl RouteTable {
    pub(crate) fn new(model: &ApiModel) -> RouteTable {
        let routes = model
            .operations
            .iter()
            .enumerate()
            .map(|(op_index, op)| Route {
                op_index,
                method: op.method,
                segments: parse_template(&op.path),
            })
            .collect();
        let servers = model
            .servers
            .iter()
            .chain(model.operations.iter().flat_map(|op| op.servers.iter()));
        let mut prefixes: Vec<String> = servers.filter_map(base_path).collect();
        prefixes.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        prefixes.dedup();
        RouteTable { routes, prefixes }
    }

    pub(crate) fn find(&self, method: HttpMethod, raw_path: &str) -> RouteMatch {
        let mut allowed: Vec<HttpMethod> = Vec::new();
        let candidates = self
            .prefixes
            .iter()
            .filter_map(|prefix| strip_base(raw_path, prefix))
            .chain(std::iter::once(raw_path));
        for path in candidates {
            let segments = split_path(path);
            let mut best: Option<(Vec<u8>, Vec<usize>, PathParams)> = None;
            for route in &self.routes {
                let Some(params) = match_route(route, &segments) else {
                    continue;
                };
                if route.method != method {
                    if !allowed.contains(&route.method) {
                        allowed.push(route.method);
                    }
                    continue;
                }
                let score = specificity(route);
                match &mut best {
                    Some((best_score, ops, _)) => match score.cmp(best_score) {
                        Ordering::Greater => best = Some((score, vec![route.op_index], params)),
                        Ordering::Equal => ops.push(route.op_index),
                        Ordering::Less => {}
                    },
                    None => best = Some((score, vec![route.op_index], params)),
                }
            }
            if let Some((_, ops, params)) = best {
                return RouteMatch::Found { ops, params };
            }
        }
        if allowed.is_empty() {
            RouteMatch::NotFound
        } else {
            allowed.sort();
            RouteMatch::MethodNotAllowed(allowed)
        }
    }
}

/// The path part of a server URL (variables at their defaults), without a trailing slash; `None` for `/`.
fn base_path(server: &Server) -> Option<String> {
    let url = server.default_url();
    let path = if url.starts_with('/') {
        url.split(['?', '#']).next().unwrap_or("").to_string()
    } else {
        match url::Url::parse(&url) {
            Ok(parsed) => parsed.path().to_string(),
            // `example.com/v1` (no scheme): everything after the first slash.
            Err(_) => url
                .split_once('/')
                .map(|(_, rest)| format!("/{rest}"))
                .unwrap_or_default(),
        }
    };
    let trimmed = path.trim_end_matches('/');
    (!trimmed.is_empty() && !trimmed.contains(['{', '}'])).then(|| trimmed.to_string())
}

/// `path` without `prefix`, when `prefix` is whole leading segments of it.
fn strip_base<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

fn parse_template(path: &str) -> Vec<Vec<Part>> {
    let path = path.split('?').next().unwrap_or("");
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(parse_segment)
        .collect()
}

fn parse_segment(segment: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        if open > 0 {
            parts.push(Part::Literal(rest[..open].to_string()));
        }
        parts.push(Part::Param(rest[open + 1..close].to_string()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.to_string()));
    }
    parts
}

/// The request path's segments, percent-decoded; a trailing slash is ignored.
fn split_path(path: &str) -> Vec<String> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

fn match_route(route: &Route, segments: &[String]) -> Option<Vec<(String, String)>> {
    if route.segments.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (parts, text) in route.segments.iter().zip(segments) {
        if !match_parts(parts, text, &mut params) {
            return None;
        }
    }
    Some(params)
}

/// Matches one segment's parts against its text; a parameter takes the longest text that lets the rest
/// match (`{name}.{ext}` reads `a.tar.gz` as `a.tar` and `gz`), the last one what remains.
fn match_parts(parts: &[Part], text: &str, out: &mut Vec<(String, String)>) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Part::Literal(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|remaining| match_parts(rest, remaining, out)),
        Some((Part::Param(name), rest)) => {
            if rest.is_empty() {
                if text.is_empty() {
                    return false;
                }
                out.push((name.clone(), text.to_string()));
                return true;
            }
            let ends: Vec<usize> = text.char_indices().skip(1).map(|(i, _)| i).collect();
            for end in ends.into_iter().rev() {
                out.push((name.clone(), text[..end].to_string()));
                if match_parts(rest, &text[end..], out) {
                    return true;
                }
                out.pop();
            }
            false
        }
    }
}

/// Per segment: 2 all literal, 1 mixed, 0 a lone parameter; compared left to right.
fn specificity(route: &Route) -> Vec<u8> {
    route
        .segments
        .iter()
        .map(|parts| {
            let literal = parts.iter().any(|p| matches!(p, Part::Literal(_)));
            let param = parts.iter().any(|p| matches!(p, Part::Param(_)));
            match (literal, param) {
                (true, false) => 2,
                (true, true) => 1,
                _ => 0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{Operation, SpecFormat};

    fn table(paths: &[(&str, HttpMethod)], server: &str) -> RouteTable {
        let mut model = ApiModel::new(SpecFormat::Openapi, "3.0.3", "t");
        for (path, method) in paths {
            model.operations.push(Operation::new(*method, *path, ""));
        }
        model.servers.push(Server {
            url: server.into(),
            ..Server::default()
        });
        RouteTable::new(&model)
    }

    #[test]
    fn literals_win_and_prefixes_are_optional() {
        let t = table(
            &[
                ("/pets/{petId}", HttpMethod::Get),
                ("/pets/mine", HttpMethod::Get),
                ("/files/{name}.{ext}", HttpMethod::Get),
                ("/pets/{petId}", HttpMethod::Delete),
            ],
            "https://{region}.example.com/v1",
        );
        let found = |m, p| t.find(m, p);
        assert_eq!(
            found(HttpMethod::Get, "/v1/pets/mine"),
            RouteMatch::Found {
                ops: vec![1],
                params: vec![]
            }
        );
        assert_eq!(
            found(HttpMethod::Get, "/pets/7"),
            RouteMatch::Found {
                ops: vec![0],
                params: vec![("petId".into(), "7".into())]
            }
        );
        assert_eq!(
            found(HttpMethod::Get, "/files/a%20b.tar.gz"),
            RouteMatch::Found {
                ops: vec![2],
                params: vec![
                    ("name".into(), "a b.tar".into()),
                    ("ext".into(), "gz".into())
                ]
            }
        );
        assert_eq!(
            found(HttpMethod::Delete, "/v1/pets/mine"),
            RouteMatch::Found {
                ops: vec![3],
                params: vec![("petId".into(), "mine".into())]
            }
        );
        assert_eq!(
            found(HttpMethod::Post, "/pets/7"),
            RouteMatch::MethodNotAllowed(vec![HttpMethod::Get, HttpMethod::Delete])
        );
        assert_eq!(found(HttpMethod::Get, "/nothing"), RouteMatch::NotFound);
    }

    #[test]
    fn server_paths() {
        let server = |url: &str| Server {
            url: url.into(),
            ..Server::default()
        };
        assert_eq!(
            base_path(&server("https://api.example.com/v1/")),
            Some("/v1".into())
        );
        assert_eq!(base_path(&server("/api")), Some("/api".into()));
        assert_eq!(base_path(&server("https://api.example.com")), None);
        assert_eq!(
            base_path(&server("api.example.com/base")),
            Some("/base".into())
        );
    }
}
