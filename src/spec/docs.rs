//! The documents one description spans (the root and the files its `$ref`s reach), and how a `$ref` is located.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use serde_json::Value;
use url::Url;

use super::ahead::PartsAhead;
use super::lazy::LazyJson;
use super::source::{DocLocation, LoadOptions};
use super::text;

pub(crate) type DocId = usize;

/// Fetches a remote document for a `$ref` (only given when remote references are allowed).
pub(crate) type RemoteFetcher<'a> = &'a (dyn Fn(&Url) -> Result<Vec<u8>, String> + Sync);

pub(crate) struct Document {
    /// Display name: the path or URL as the user gave it, or relative to the root.
    pub name: String,
    pub location: DocLocation,
    pub body: Body,
}

/// A document's content: one tree, or JSON text parsed part by part (see [`LazyJson`]).
#[derive(Clone)]
pub(crate) enum Body {
    Tree(Arc<Value>),
    Lazy(Arc<LazyJson>),
}

impl Body {
    /// The whole document as one tree (parsed now for a lazy one).
    pub fn tree(&self) -> Arc<Value> {
        match self {
            Body::Tree(tree) => Arc::clone(tree),
            Body::Lazy(lazy) => Arc::new(serde_json::from_str(lazy.text()).unwrap_or(Value::Null)),
        }
    }
}

/// A value of a document, with the part of the document that holds it.
pub(crate) struct Node {
    unit: Arc<Value>,
    pointer: String,
}

/// Nodes asked for in order ([`DocumentSet::nodes_in_order`]).
pub(crate) enum InOrder {
    Tree(Arc<Value>, std::vec::IntoIter<String>),
    Lazy(PartsAhead),
}

impl Iterator for InOrder {
    type Item = Option<Node>;

    fn next(&mut self) -> Option<Option<Node>> {
        match self {
            InOrder::Tree(tree, pointers) => Some(Node::in_tree(tree, pointers.next()?)),
            InOrder::Lazy(parts) => {
                Some(parts.next()?.map(|(unit, pointer)| Node { unit, pointer }))
            }
        }
    }
}

impl InOrder {
    /// The reader is done with `node` (a part parsed ahead is freed where it was parsed).
    pub fn done(&self, node: Node) {
        if let InOrder::Lazy(parts) = self {
            parts.done(node.unit);
        }
    }
}

impl Node {
    pub fn null() -> Node {
        Node {
            unit: Arc::new(Value::Null),
            pointer: String::new(),
        }
    }

    /// The value at `pointer` in `tree`, if there is one.
    fn in_tree(tree: &Arc<Value>, pointer: String) -> Option<Node> {
        tree.pointer(&pointer)?;
        Some(Node {
            unit: Arc::clone(tree),
            pointer,
        })
    }

    pub fn get(&self) -> &Value {
        self.unit.pointer(&self.pointer).unwrap_or(&Value::Null)
    }
}

/// A located reference target: a document and a JSON pointer in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub doc: DocId,
    pub pointer: String,
}

pub(crate) struct DocumentSet<'a> {
    docs: Vec<Document>,
    by_key: HashMap<String, DocId>,
    failed: HashMap<String, String>,
    options: &'a LoadOptions,
    remote: Option<RemoteFetcher<'a>>,
    total_bytes: u64,
}

impl<'a> DocumentSet<'a> {
    /// The options the documents are loaded with.
    pub fn options(&self) -> &LoadOptions {
        self.options
    }

    pub fn new(
        root: Document,
        root_bytes: u64,
        options: &'a LoadOptions,
        remote: Option<RemoteFetcher<'a>>,
    ) -> Self {
        let mut by_key = HashMap::new();
        by_key.insert(location_key(&root.location), 0);
        DocumentSet {
            docs: vec![root],
            by_key,
            failed: HashMap::new(),
            options,
            remote,
            total_bytes: root_bytes,
        }
    }

    pub fn get(&self, id: DocId) -> &Document {
        &self.docs[id]
    }

    /// A set of the root document alone, sharing its body, that never loads another document: for reading
    /// parts of the root on another thread.
    pub fn root_only(&self) -> DocumentSet<'a> {
        let root = &self.docs[0];
        let root = Document {
            name: root.name.clone(),
            location: root.location.clone(),
            body: root.body.clone(),
        };
        DocumentSet::new(root, self.total_bytes, self.options, None)
    }

    /// The value at `pointer` in document `id`.
    pub fn node(&self, id: DocId, pointer: &str) -> Option<Node> {
        match &self.docs[id].body {
            Body::Tree(tree) => Node::in_tree(tree, pointer.to_string()),
            Body::Lazy(lazy) => {
                let (unit, pointer) = lazy.part(pointer)?;
                Some(Node { unit, pointer })
            }
        }
    }

    /// The values at `pointers` in document `id`, in order (`None` where there is none); hand each back with
    /// [`InOrder::done`]. A lazily read document parses them ahead on another thread (see [`PartsAhead`]),
    /// unless it is read for a server, whose peak memory counts more than its start-up time.
    pub fn nodes_in_order(&self, id: DocId, pointers: Vec<String>) -> InOrder {
        match &self.docs[id].body {
            Body::Tree(tree) => InOrder::Tree(Arc::clone(tree), pointers.into_iter()),
            Body::Lazy(lazy) => InOrder::Lazy(PartsAhead::new(
                Arc::clone(lazy),
                pointers,
                !self.options.serving_only,
            )),
        }
    }

    /// [`DocumentSet::node`], or null.
    pub fn node_or_null(&self, id: DocId, pointer: &str) -> Node {
        self.node(id, pointer).unwrap_or_else(Node::null)
    }

    /// The keys of the object at `pointer` in document `id`, in order.
    pub fn keys(&self, id: DocId, pointer: &str) -> Option<Vec<String>> {
        match &self.docs[id].body {
            Body::Tree(tree) => Some(
                tree.pointer(pointer)?
                    .as_object()?
                    .keys()
                    .cloned()
                    .collect(),
            ),
            Body::Lazy(lazy) => lazy.keys(pointer),
        }
    }

    /// The top level of document `id`; a lazy document leaves out what [`LazyJson::shallow_root`] does.
    pub fn shallow_root(&self, id: DocId) -> Arc<Value> {
        match &self.docs[id].body {
            Body::Tree(tree) => Arc::clone(tree),
            Body::Lazy(lazy) => Arc::new(lazy.shallow_root()),
        }
    }

    fn exists(&self, id: DocId, pointer: &str) -> bool {
        match &self.docs[id].body {
            Body::Tree(tree) => tree.pointer(pointer).is_some(),
            Body::Lazy(lazy) => lazy.exists(pointer),
        }
    }

    /// Where `reference` (a `$ref` string found in document `from`) points, loading another file if needed.
    pub fn locate(&mut self, from: DocId, reference: &str) -> Result<Target, String> {
        let (resource, fragment) = match reference.split_once('#') {
            Some((resource, fragment)) => (resource, fragment),
            None => (reference, ""),
        };
        let pointer = percent_decode_str(fragment)
            .decode_utf8()
            .map_err(|_| format!("reference `{reference}` is not valid percent-encoded UTF-8"))?
            .into_owned();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(format!(
                "reference `{reference}` uses a named anchor, which is not supported (use a JSON pointer)"
            ));
        }
        let doc = if resource.is_empty() {
            from
        } else {
            self.load_relative(from, resource)?
        };
        if !self.exists(doc, &pointer) {
            return Err(format!("reference `{reference}` does not resolve"));
        }
        Ok(Target { doc, pointer })
    }

    /// A pointer's display form for warnings: the bare pointer in the root, `file#pointer` elsewhere.
    pub fn display(&self, doc: DocId, pointer: &str) -> String {
        let pointer = if pointer.is_empty() { "/" } else { pointer };
        if doc == 0 {
            pointer.to_string()
        } else {
            format!("{}#{pointer}", self.docs[doc].name)
        }
    }

    fn load_relative(&mut self, from: DocId, resource: &str) -> Result<DocId, String> {
        let location = self.resolve_location(from, resource)?;
        let key = location_key(&location);
        if let Some(&id) = self.by_key.get(&key) {
            return Ok(id);
        }
        if let Some(reason) = self.failed.get(&key) {
            return Err(reason.clone());
        }
        let result = self.load(location, resource);
        match result {
            Ok(id) => {
                self.by_key.insert(key, id);
                Ok(id)
            }
            Err(reason) => {
                self.failed.insert(key, reason.clone());
                Err(reason)
            }
        }
    }

    fn resolve_location(&self, from: DocId, resource: &str) -> Result<DocLocation, String> {
        let is_url = resource.starts_with("http://") || resource.starts_with("https://");
        match (&self.docs[from].location, is_url) {
            (_, true) => Url::parse(resource)
                .map(DocLocation::Url)
                .map_err(|e| format!("reference `{resource}` is not a valid URL: {e}")),
            (DocLocation::Url(base), false) => {
                base.join(resource).map(DocLocation::Url).map_err(|e| {
                    format!("reference `{resource}` does not resolve against {base}: {e}")
                })
            }
            (DocLocation::File(path), false) => {
                let dir = path.parent().unwrap_or(Path::new("."));
                Ok(DocLocation::File(normalize(
                    &dir.join(decode_path(resource)),
                )))
            }
            (DocLocation::Detached, false) => {
                let cwd = std::env::current_dir().unwrap_or_default();
                Ok(DocLocation::File(normalize(
                    &cwd.join(decode_path(resource)),
                )))
            }
        }
    }

    fn load(&mut self, location: DocLocation, resource: &str) -> Result<DocId, String> {
        if self.docs.len() >= self.options.max_documents {
            return Err(format!(
                "reference `{resource}` not followed: the description already spans {} files",
                self.options.max_documents
            ));
        }
        let bytes = match &location {
            DocLocation::File(path) => self.read_file(path, resource)?,
            DocLocation::Url(url) => match self.remote {
                Some(fetch) => fetch(url).map_err(|e| format!("reference `{resource}`: {e}"))?,
                None => {
                    return Err(format!(
                        "remote reference `{url}` not followed (allow it with --allow-remote-refs)"
                    ));
                }
            },
            DocLocation::Detached => return Err(format!("reference `{resource}` has no location")),
        };
        self.total_bytes += bytes.len() as u64;
        if self.total_bytes > self.options.max_bytes {
            return Err(format!(
                "reference `{resource}` not followed: the description's files pass the {} MB limit",
                self.options.max_bytes / (1024 * 1024)
            ));
        }
        let name = self.relative_name(&location);
        let text = text::decode(&bytes, &name).map_err(|e| e.to_string())?;
        let value = text::parse_tree(&text, &name).map_err(|e| e.to_string())?;
        self.docs.push(Document {
            name,
            location,
            body: Body::Tree(Arc::new(value)),
        });
        Ok(self.docs.len() - 1)
    }

    fn read_file(&self, path: &Path, resource: &str) -> Result<Vec<u8>, String> {
        let metadata = std::fs::metadata(path)
            .map_err(|e| format!("reference `{resource}`: {}: {e}", path.display()))?;
        if !metadata.is_file() {
            return Err(format!(
                "reference `{resource}`: {} is not a file",
                path.display()
            ));
        }
        let too_large = || format!("reference `{resource}`: {} is too large", path.display());
        if metadata.len() > self.options.max_bytes {
            return Err(too_large());
        }
        // Read at most one byte past the limit: some files hold more than their size says (`/proc` files say 0).
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| {
                file.take(self.options.max_bytes.saturating_add(1))
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| format!("reference `{resource}`: {}: {e}", path.display()))?;
        if bytes.len() as u64 > self.options.max_bytes {
            return Err(too_large());
        }
        Ok(bytes)
    }

    /// A file's name relative to the root document's folder, or its URL.
    fn relative_name(&self, location: &DocLocation) -> String {
        match (location, &self.docs[0].location) {
            (DocLocation::File(path), DocLocation::File(root)) => {
                let root_dir = root.parent().unwrap_or(Path::new(""));
                path.strip_prefix(root_dir)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| path.display().to_string())
            }
            (DocLocation::File(path), _) => path.display().to_string(),
            (DocLocation::Url(url), _) => url.to_string(),
            (DocLocation::Detached, _) => "<text>".to_string(),
        }
    }
}

fn location_key(location: &DocLocation) -> String {
    match location {
        DocLocation::File(path) => format!("file:{}", path.display()),
        DocLocation::Url(url) => {
            let mut url = url.clone();
            url.set_fragment(None);
            format!("url:{url}")
        }
        DocLocation::Detached => "detached:".to_string(),
    }
}

fn decode_path(resource: &str) -> PathBuf {
    PathBuf::from(
        percent_decode_str(resource)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Removes `.` and `..` components without touching the file system (so `a/../b` and `b` are one file).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set_with(root: Value, options: &LoadOptions) -> DocumentSet<'_> {
        let doc = Document {
            name: "root".into(),
            location: DocLocation::Detached,
            body: Body::Tree(Arc::new(root)),
        };
        DocumentSet::new(doc, 0, options, None)
    }

    #[test]
    fn locates_local_pointers_with_escapes() {
        let options = LoadOptions::default();
        let mut set = set_with(
            json!({"paths": {"/a/{b}": {"get": {}}}, "x~y": 1}),
            &options,
        );
        let target = set.locate(0, "#/paths/~1a~1%7Bb%7D/get").unwrap();
        assert_eq!(target.pointer, "/paths/~1a~1{b}/get");
        assert!(set.locate(0, "#/x~0y").is_ok());
        assert!(
            set.locate(0, "#/missing")
                .unwrap_err()
                .contains("does not resolve")
        );
        assert!(set.locate(0, "#anchor").unwrap_err().contains("anchor"));
    }

    #[test]
    fn remote_refs_are_refused_by_default() {
        let options = LoadOptions::default();
        let mut set = set_with(json!({}), &options);
        let err = set.locate(0, "https://127.0.0.1:1/x.json#/a").unwrap_err();
        assert!(err.contains("--allow-remote-refs"), "{err}");
    }

    #[test]
    fn normalize_removes_dots() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }
}
