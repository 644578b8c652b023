//! The sample project: the bundled specs (specs/), compiled into the binary so the first run needs nothing
//! else.

use super::{Store, StoreError};

pub const SAMPLE_PROJECT: &str = "sample";

/// The bundled specs, by file name.
pub const BUNDLED: [(&str, &[u8]); 5] = [
    (
        "petstore-3.0.yaml",
        include_bytes!("../../specs/petstore-3.0.yaml"),
    ),
    (
        "petstore-3.1.yaml",
        include_bytes!("../../specs/petstore-3.1.yaml"),
    ),
    (
        "petstore-swagger-2.0.json",
        include_bytes!("../../specs/petstore-swagger-2.0.json"),
    ),
    (
        "petstore.postman_collection.json",
        include_bytes!("../../specs/petstore.postman_collection.json"),
    ),
    (
        "petstore.graphql",
        include_bytes!("../../specs/petstore.graphql"),
    ),
];

/// On a store with no project yet, creates the sample project from the bundled specs. Returns whether it
/// did.
pub fn ensure_sample_project(store: &Store) -> Result<bool, StoreError> {
    if !store.projects()?.is_empty() {
        return Ok(false);
    }
    for (name, bytes) in BUNDLED {
        store.add_spec(SAMPLE_PROJECT, name, &format!("bundled:{name}"), bytes)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_open_creates_the_sample_project_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(ensure_sample_project(&store).unwrap());
        assert!(!ensure_sample_project(&store).unwrap());
        let specs = store.specs(SAMPLE_PROJECT).unwrap();
        assert_eq!(specs.len(), 5);
        assert!(
            specs
                .iter()
                .all(|s| s.version == 1 && s.source.starts_with("bundled:"))
        );
    }
}
