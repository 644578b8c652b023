//! Where a document comes from: a file, stdin, a URL, or a running service whose description is discovered.

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use url::Url;

use super::error::SpecError;

/// Bounds on loading. The defaults suit the largest real descriptions (13 MB) with room to spare.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The largest document, and the largest total over a multi-file document.
    pub max_bytes: u64,
    /// Follow `$ref`s to http(s) URLs (and relative ones inside a document fetched from a URL).
    pub allow_remote_refs: bool,
    /// Per HTTP request.
    pub timeout: Duration,
    pub max_redirects: usize,
    /// How many files one multi-file description may span.
    pub max_documents: usize,
    /// Also check an OpenAPI 3.0 document against the specification's typed object model (`openapiv3`).
    pub strict: bool,
    /// Read only what a live server uses: body and response examples, response headers and webhooks are
    /// left unread (a large description's examples are much of its size).
    pub serving_only: bool,
    /// Read of the examples only what a generated connector's tests use: each success response's first
    /// (`example`, else the first of `examples` that resolves); none of request bodies or other responses.
    pub connector_only: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_bytes: 100 * 1024 * 1024,
            allow_remote_refs: false,
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_documents: 10_000,
            strict: false,
            serving_only: false,
            connector_only: false,
        }
    }
}

impl LoadOptions {
    pub(crate) fn too_large(&self, source_name: &str) -> SpecError {
        SpecError::TooLarge {
            source_name: source_name.to_string(),
            limit_mb: self.max_bytes / (1024 * 1024),
        }
    }
}

/// The places a running service usually publishes its description, tried in order. `__api__` is Cornice's
/// (Pyramid services such as Kinto, whose root redirects it to `/v1/__api__`).
pub const DISCOVERY_PATHS: [&str; 8] = [
    "openapi.json",
    "openapi.yaml",
    "swagger.json",
    "v3/api-docs",
    "swagger/v1/swagger.json",
    "api-docs",
    "docs/openapi.json",
    "__api__",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecSource {
    File(PathBuf),
    Stdin,
    /// A document's URL, or a running service's base URL (its description is then discovered).
    Url(String),
    /// Text already in memory (pasted, or from the store).
    Text {
        name: String,
        text: String,
    },
}

impl SpecSource {
    /// `-` is stdin, `http://` and `https://` are URLs, anything else is a path.
    pub fn from_arg(arg: &str) -> SpecSource {
        if arg == "-" {
            SpecSource::Stdin
        } else if arg.starts_with("http://") || arg.starts_with("https://") {
            SpecSource::Url(arg.to_string())
        } else {
            SpecSource::File(PathBuf::from(arg))
        }
    }

    pub fn display_name(&self) -> String {
        match self {
            SpecSource::File(path) => path.display().to_string(),
            SpecSource::Stdin => "<stdin>".to_string(),
            SpecSource::Url(url) => url.clone(),
            SpecSource::Text { name, .. } => name.clone(),
        }
    }
}

/// Where a fetched document lives, for resolving its relative references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocLocation {
    File(PathBuf),
    Url(Url),
    /// Stdin or pasted text: relative references resolve against the working directory.
    Detached,
}

/// A document's bytes, with its display name and location.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub name: String,
    pub bytes: Vec<u8>,
    pub location: DocLocation,
}

/// Reads the source's bytes within the options' bounds.
pub async fn fetch_source(
    source: &SpecSource,
    options: &LoadOptions,
) -> Result<Fetched, SpecError> {
    let name = source.display_name();
    match source {
        SpecSource::File(path) => {
            let bytes = read_file(path, &name, options).await?;
            let location = DocLocation::File(super::docs::normalize(
                &std::path::absolute(path).unwrap_or_else(|_| path.clone()),
            ));
            Ok(Fetched {
                name,
                bytes,
                location,
            })
        }
        SpecSource::Stdin => {
            let bytes = read_bounded(tokio::io::stdin(), &name, options).await?;
            Ok(Fetched {
                name,
                bytes,
                location: DocLocation::Detached,
            })
        }
        SpecSource::Text { text, .. } => {
            if text.len() as u64 > options.max_bytes {
                return Err(options.too_large(&name));
            }
            Ok(Fetched {
                name,
                bytes: text.clone().into_bytes(),
                location: DocLocation::Detached,
            })
        }
        SpecSource::Url(url) => fetch_url_or_discover(url, options).await,
    }
}

async fn read_file(
    path: &std::path::Path,
    name: &str,
    options: &LoadOptions,
) -> Result<Vec<u8>, SpecError> {
    let io_error = |e: std::io::Error| SpecError::Io {
        source_name: name.to_string(),
        message: e.to_string(),
    };
    let metadata = tokio::fs::metadata(path).await.map_err(io_error)?;
    if metadata.is_dir() {
        return Err(SpecError::Io {
            source_name: name.to_string(),
            message: "is a directory, not a file".to_string(),
        });
    }
    if metadata.len() > options.max_bytes {
        return Err(options.too_large(name));
    }
    // One blocking read into a buffer sized from the metadata: tokio's file reads go 2 MB at a time through
    // the blocking pool, and growing by doubling would briefly hold up to three times the file.
    let capacity = usize::try_from(metadata.len())
        .unwrap_or(0)
        .saturating_add(64);
    let limit = options.max_bytes.saturating_add(1);
    let path = path.to_path_buf();
    let read = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut bytes = Vec::with_capacity(capacity);
        std::fs::File::open(path)?
            .take(limit)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))
    .and_then(|read| read);
    let bytes = read.map_err(io_error)?;
    if bytes.len() as u64 > options.max_bytes {
        return Err(options.too_large(name));
    }
    Ok(bytes)
}

/// Reads to the end, refusing more than `max_bytes` (so an endless stream cannot exhaust memory).
async fn read_bounded(
    reader: impl tokio::io::AsyncRead + Unpin,
    name: &str,
    options: &LoadOptions,
) -> Result<Vec<u8>, SpecError> {
    let mut bytes = Vec::new();
    reader
        .take(options.max_bytes + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| SpecError::Io {
            source_name: name.to_string(),
            message: e.to_string(),
        })?;
    if bytes.len() as u64 > options.max_bytes {
        return Err(options.too_large(name));
    }
    Ok(bytes)
}

pub(crate) fn http_client(options: &LoadOptions) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::limited(options.max_redirects))
        .user_agent(concat!("mcpow/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}

/// GETs one URL within the size bound. Non-2xx statuses are errors.
pub(crate) async fn fetch_url(
    client: &reqwest::Client,
    url: &Url,
    options: &LoadOptions,
) -> Result<Vec<u8>, SpecError> {
    let fail = |message: String| SpecError::Fetch {
        url: url.to_string(),
        message,
    };
    let mut response = client
        .get(url.clone())
        .header(
            "Accept",
            "application/json, application/yaml;q=0.9, */*;q=0.5",
        )
        .send()
        .await
        .map_err(|e| fail(describe_reqwest(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("HTTP {status}")));
    }
    if response
        .content_length()
        .is_some_and(|len| len > options.max_bytes)
    {
        return Err(options.too_large(url.as_str()));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| fail(describe_reqwest(&e)))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > options.max_bytes {
            return Err(options.too_large(url.as_str()));
        }
    }
    Ok(bytes)
}

fn describe_reqwest(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_redirect() {
        "too many redirects".to_string()
    } else if error.is_connect() {
        "could not connect".to_string()
    } else {
        let mut message = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message = format!("{message}: {cause}");
            source = cause.source();
        }
        message
    }
}

async fn fetch_url_or_discover(url: &str, options: &LoadOptions) -> Result<Fetched, SpecError> {
    let parsed = Url::parse(url).map_err(|e| SpecError::Fetch {
        url: url.to_string(),
        message: format!("not a valid URL: {e}"),
    })?;
    let client = http_client(options).map_err(|message| SpecError::Fetch {
        url: url.to_string(),
        message,
    })?;
    let direct = match fetch_url(&client, &parsed, options).await {
        Ok(bytes) if super::is_api_description(&bytes) => {
            return Ok(Fetched {
                name: url.to_string(),
                bytes,
                location: DocLocation::Url(parsed),
            });
        }
        Err(too_large @ SpecError::TooLarge { .. }) => return Err(too_large),
        other => other,
    };
    let mut tried = Vec::new();
    for candidate in discovery_candidates(&parsed) {
        tried.push(candidate.path().to_string());
        if let Ok(bytes) = fetch_url(&client, &candidate, options).await
            && super::is_api_description(&bytes)
        {
            return Ok(Fetched {
                name: candidate.to_string(),
                bytes,
                location: DocLocation::Url(candidate),
            });
        }
    }
    let first = match direct {
        Err(e) => e.to_string(),
        Ok(_) => format!("{url}: not an API description"),
    };
    Err(SpecError::Fetch {
        url: url.to_string(),
        message: format!(
            "no API description found ({first}; also tried {})",
            tried.join(", ")
        ),
    })
}

/// The discovery URLs for a base URL: under its own path first, then under the origin's root.
pub fn discovery_candidates(base: &Url) -> Vec<Url> {
    let mut bases = Vec::new();
    let mut own = base.clone();
    own.set_query(None);
    own.set_fragment(None);
    if !own.path().ends_with('/') {
        let path = format!("{}/", own.path());
        own.set_path(&path);
    }
    bases.push(own);
    if let Ok(root) = base.join("/") {
        bases.push(root);
    }
    let mut out: Vec<Url> = Vec::new();
    for base in bases {
        for path in DISCOVERY_PATHS {
            if let Ok(candidate) = base.join(path)
                && !out.contains(&candidate)
            {
                out.push(candidate);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_from_arg() {
        assert_eq!(SpecSource::from_arg("-"), SpecSource::Stdin);
        assert_eq!(
            SpecSource::from_arg("https://x/openapi.json"),
            SpecSource::Url("https://x/openapi.json".into())
        );
        assert_eq!(
            SpecSource::from_arg("a.yaml"),
            SpecSource::File("a.yaml".into())
        );
    }

    #[test]
    fn discovery_tries_own_path_then_root() {
        let urls = discovery_candidates(&Url::parse("http://127.0.0.1:9/api?x=1").unwrap());
        assert_eq!(urls[0].as_str(), "http://127.0.0.1:9/api/openapi.json");
        assert!(
            urls.iter()
                .any(|u| u.as_str() == "http://127.0.0.1:9/v3/api-docs")
        );
        assert_eq!(urls.len(), 16);
        let root = discovery_candidates(&Url::parse("http://127.0.0.1:9").unwrap());
        assert_eq!(root.len(), 8);
    }
}
