//! The spec engine: any supported API description, from any source, into one [`model::ApiModel`].
//!
//! Loading is two steps: [`source::fetch_source`] gets the bytes (async: files, stdin, URLs, discovery), then
//! [`load_bytes`] turns them into the model (sync and CPU-bound; it reads the files that `$ref`s reach).

pub mod analysis;
pub mod error;
pub mod model;
pub mod source;

mod ahead;
mod compact;
mod detect;
mod docs;
mod graphql;
pub mod infer;
mod lazy;
mod openapi;
mod postman;
mod strict;
mod text;
mod yaml;

use std::sync::Arc;

pub use error::SpecError;
pub use model::ApiModel;
pub use source::{LoadOptions, SpecSource};

use detect::Detected;
use docs::{Body, Document, DocumentSet};
use lazy::LazyJson;
use source::{DocLocation, Fetched};

/// Loads a description from any source. Parsing runs on a blocking thread so an async caller never stalls.
pub async fn load(source: &SpecSource, options: &LoadOptions) -> Result<ApiModel, SpecError> {
    let fetched = source::fetch_source(source, options).await?;
    let options = options.clone();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        // Built on the first remote `$ref` only: a TLS client costs about 50 ms.
        let client = std::sync::OnceLock::new();
        let fetch_options = options.clone();
        let remote = move |url: &url::Url| -> Result<Vec<u8>, String> {
            let client = client
                .get_or_init(|| source::http_client(&fetch_options))
                .as_ref()
                .map_err(Clone::clone)?;
            handle
                .block_on(source::fetch_url(client, url, &fetch_options))
                .map_err(|e| e.to_string())
        };
        let remote: docs::RemoteFetcher<'_> = &remote;
        build(
            fetched,
            &options,
            options.allow_remote_refs.then_some(remote),
        )
    })
    .await
    .map_err(|e| SpecError::Io {
        source_name: source.display_name(),
        message: format!("the loader stopped unexpectedly: {e}"),
    })?
}

/// Loads a description from bytes. `path` (when the bytes came from a file) anchors relative `$ref`s.
pub fn load_bytes(
    name: &str,
    bytes: &[u8],
    path: Option<&std::path::Path>,
    options: &LoadOptions,
) -> Result<ApiModel, SpecError> {
    if bytes.len() as u64 > options.max_bytes {
        return Err(options.too_large(name));
    }
    let location = match path {
        Some(path) => DocLocation::File(docs::normalize(
            &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        )),
        None => DocLocation::Detached,
    };
    let fetched = Fetched {
        name: name.to_string(),
        bytes: bytes.to_vec(),
        location,
    };
    build(fetched, options, None)
}

/// A text this long is worth giving back to the system once it is dropped (see [`crate::memory`]).
const LARGE_TEXT: usize = 1 << 20;

fn build(
    fetched: Fetched,
    options: &LoadOptions,
    remote: Option<docs::RemoteFetcher<'_>>,
) -> Result<ApiModel, SpecError> {
    let name = fetched.name;
    let text = text::decode_owned(fetched.bytes, &name)?;
    if !text::looks_like_json(&text) && graphql::looks_like_sdl(&text) {
        return graphql::read_sdl(&text, &name);
    }
    // OpenAPI and Swagger JSON is read part by part; everything else (and any JSON the scan refuses) whole.
    let large = text.len() >= LARGE_TEXT;
    let (detected, body) = match LazyJson::new(text) {
        Ok(lazy) => match lazy.probe() {
            Some(probe) => (detect::detect(&probe, &name)?, Body::Lazy(Arc::new(lazy))),
            None => parse_whole(lazy.into_text(), &name)?,
        },
        Err(text) => parse_whole(text, &name)?,
    };
    if large {
        // The text was dropped (the scan kept it without whitespace, or it became a tree): give its pages
        // back before the model grows.
        crate::memory::release_freed();
    }
    match detected {
        Detected::Postman => postman::read(&body.tree(), &name),
        Detected::GraphqlIntrospection => graphql::read_introspection(&body.tree(), &name),
        Detected::Swagger2 => Ok(read_openapi(
            name,
            fetched.location,
            body,
            openapi::Dialect::Swagger2,
            "2.0",
            options,
            remote,
        )),
        Detected::Openapi { version, v31 } => {
            let strict = if options.strict && !v31 {
                strict::check_openapi30(&body.tree())
            } else {
                Vec::new()
            };
            let dialect = if v31 {
                openapi::Dialect::Openapi31
            } else {
                openapi::Dialect::Openapi30
            };
            let mut model = read_openapi(
                name,
                fetched.location,
                body,
                dialect,
                &version,
                options,
                remote,
            );
            model.warnings.extend(strict);
            Ok(model)
        }
    }
}

/// The text as one tree (JSON or YAML), and its format.
fn parse_whole(text: String, name: &str) -> Result<(Detected, Body), SpecError> {
    let tree = text::parse_tree(&text, name)?;
    drop(text);
    Ok((detect::detect(&tree, name)?, Body::Tree(Arc::new(tree))))
}

fn read_openapi(
    name: String,
    location: DocLocation,
    body: Body,
    dialect: openapi::Dialect,
    version: &str,
    options: &LoadOptions,
    remote: Option<docs::RemoteFetcher<'_>>,
) -> ApiModel {
    let root = Document {
        name,
        location,
        body,
    };
    let mut docs = DocumentSet::new(root, 0, options, remote);
    openapi::read(&mut docs, dialect, version)
}

/// True when the bytes are a document of a supported format (used when discovering a service's description).
pub(crate) fn is_api_description(bytes: &[u8]) -> bool {
    let Ok(text) = text::decode(bytes, "") else {
        return false;
    };
    if !text::looks_like_json(&text) && graphql::looks_like_sdl(&text) {
        return true;
    }
    text::parse_tree(&text, "")
        .ok()
        .is_some_and(|tree| detect::detect(&tree, "").is_ok())
}
