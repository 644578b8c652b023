//! Adding a spec to a project: fetch the bytes (a file, a URL, a running service's discovered description,
//! pasted text) with the spec engine's own source loading, check that they load, and store them as the spec's
//! next version. Used by the workbench and `mcpow specs add`. Blocking: call it from a blocking thread.

use std::path::Path;

use url::Url;

use super::{SpecVersion, Store};
use crate::spec::model::SpecFormat;
use crate::spec::source::fetch_source;
use crate::spec::{LoadOptions, SpecSource, load_bytes};

/// What adding a spec did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The bytes are the spec's next version.
    New(SpecVersion),
    /// The bytes are the same as the spec's latest version, which is returned; nothing was written.
    Unchanged(SpecVersion),
}

impl Added {
    pub fn version(&self) -> &SpecVersion {
        match self {
            Added::New(version) | Added::Unchanged(version) => version,
        }
    }

    pub fn into_version(self) -> SpecVersion {
        match self {
            Added::New(version) | Added::Unchanged(version) => version,
        }
    }
}

/// The bytes of version `version` of `spec` in `project`, or an error saying it is no longer there.
pub fn stored_spec(
    store: &Store,
    project: &str,
    spec: &str,
    version: u32,
) -> Result<(SpecVersion, Vec<u8>), String> {
    let found = store
        .spec_versions(project, spec)
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or_else(|| format!("{spec} v{version} is no longer in project {project}"))?;
    let bytes = store.spec_bytes(&found).map_err(|e| e.to_string())?;
    Ok((found, bytes))
}

/// Loads `source`, checks that it is a description this crate reads, and adds it to `project` (creating
/// the project). Errors name the path, URL or pasted text, and the line where there is one.
///
/// Call it from a blocking thread (in a Tokio runtime's `spawn_blocking`, or outside any runtime); it
/// waits on the network for URLs.
pub fn add_spec(store: &Store, project: &str, source: &SpecSource) -> Result<SpecVersion, String> {
    store_spec(store, project, source).map(Added::into_version)
}

/// [`add_spec`], telling a new version from bytes already stored as the latest one.
pub fn store_spec(store: &Store, project: &str, source: &SpecSource) -> Result<Added, String> {
    let options = LoadOptions::default();
    let fetched = block_on(fetch_source(source, &options))?.map_err(|e| e.to_string())?;
    let path = match source {
        SpecSource::File(path) => Some(path.as_path()),
        _ => None,
    };
    let model =
        load_bytes(&fetched.name, &fetched.bytes, path, &options).map_err(|e| e.to_string())?;
    let name = match source {
        SpecSource::File(path) => file_name(path),
        SpecSource::Url(_) => url_name(&fetched.name),
        SpecSource::Stdin | SpecSource::Text { .. } => {
            let extension = match (model.format, fetched.bytes.trim_ascii_start().first()) {
                (SpecFormat::Graphql, Some(b'{')) => "json",
                (SpecFormat::Graphql, _) => "graphql",
                (_, Some(b'{')) => "json",
                _ => "yaml",
            };
            format!("{}.{extension}", slug(&model.title))
        }
    };
    let stored_source = match source {
        SpecSource::File(path) => std::path::absolute(path)
            .unwrap_or_else(|_| path.clone())
            .display()
            .to_string(),
        SpecSource::Url(_) => fetched.name.clone(),
        SpecSource::Stdin => "stdin".into(),
        SpecSource::Text { .. } => "pasted".into(),
    };
    let cannot_store = |e: super::StoreError| format!("{}: cannot store it: {e}", fetched.name);
    let latest = store
        .spec_versions(project, &name)
        .map_err(cannot_store)?
        .pop();
    let version = store
        .add_spec_with(project, &name, &stored_source, &fetched.bytes, || {
            Some(Box::new(super::SpecSummary::of(&model)))
        })
        .map_err(cannot_store)?;
    // The store hands back its latest version, untouched, when the bytes are the same.
    if latest.as_ref() == Some(&version) {
        Ok(Added::Unchanged(version))
    } else {
        Ok(Added::New(version))
    }
}

/// Runs `future` to completion from synchronous code: on the current runtime from a blocking thread, else
/// on a small runtime of its own.
fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, String> {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => Ok(handle.block_on(future)),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|runtime| runtime.block_on(future))
            .map_err(|e| format!("cannot start the loader: {e}")),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `api.github.com.json` for a document's URL; `localhost:8080 openapi.json` for a service's discovered
/// one (whose last segment alone would say little).
fn url_name(url: &str) -> String {
    let Ok(parsed) = Url::parse(url) else {
        return url.to_string();
    };
    let last = parsed
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .unwrap_or("")
        .to_string();
    let host = match (parsed.host_str(), parsed.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => String::new(),
    };
    if last.contains('.')
        && !matches!(
            last.as_str(),
            "openapi.json" | "openapi.yaml" | "swagger.json"
        )
    {
        last
    } else if last.is_empty() {
        host
    } else {
        format!("{host} {last}")
    }
}

/// `Pet Clinic & Store` -> `pet-clinic-store`.
fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "pasted".into()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_source() {
        assert_eq!(file_name(Path::new("/a/b/pets.yaml")), "pets.yaml");
        assert_eq!(
            url_name("https://raw.example/x/api.github.com.json"),
            "api.github.com.json"
        );
        assert_eq!(
            url_name("http://localhost:8080/openapi.json"),
            "localhost:8080 openapi.json"
        );
        assert_eq!(
            url_name("http://localhost:8080/v3/api-docs"),
            "localhost:8080 api-docs"
        );
        assert_eq!(slug("Pet Clinic & Store"), "pet-clinic-store");
        assert_eq!(slug("  "), "pasted");
    }

    #[test]
    fn pasted_text_is_stored_under_its_title() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let text = "openapi: 3.1.0\ninfo: {title: Tiny Thing, version: '1'}\npaths: {}\n";
        let source = SpecSource::Text {
            name: "pasted text".into(),
            text: text.into(),
        };
        let added = add_spec(&store, "p", &source).unwrap();
        assert_eq!(
            (added.name.as_str(), added.source.as_str()),
            ("tiny-thing.yaml", "pasted")
        );
        let broken = SpecSource::Text {
            name: "pasted text".into(),
            text: "openapi: 3.1.0\ninfo: [\n".into(),
        };
        let error = add_spec(&store, "p", &broken).unwrap_err();
        assert!(error.starts_with("pasted text: line "), "{error}");
    }

    #[test]
    fn the_same_bytes_again_are_unchanged_and_new_bytes_a_new_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let text = |version: &str| SpecSource::Text {
            name: "pasted text".into(),
            text: format!(
                "openapi: 3.1.0\ninfo: {{title: Tiny, version: '{version}'}}\npaths: {{}}\n"
            ),
        };
        let first = store_spec(&store, "p", &text("1")).unwrap();
        assert!(
            matches!(&first, Added::New(v) if v.version == 1),
            "{first:?}"
        );
        let again = store_spec(&store, "p", &text("1")).unwrap();
        assert_eq!(again, Added::Unchanged(first.version().clone()));
        let changed = store_spec(&store, "p", &text("2")).unwrap();
        assert!(
            matches!(&changed, Added::New(v) if v.version == 2),
            "{changed:?}"
        );
        assert_eq!(store.spec_versions("p", "tiny.yaml").unwrap().len(), 2);
    }
}
