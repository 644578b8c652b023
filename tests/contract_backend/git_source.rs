//! Sources: a local directory used in place, a git repository cloned at a branch or a pull request.

use mcpoverflow::contract::source::{CheckedOut, GitRef, SourceError, SourceRequest};

use crate::support::{repository, variant_in};

#[tokio::test(flavor = "multi_thread")]
async fn git_sources_check_out_a_branch_or_a_pull_request_and_are_removed() {
    let repo = repository();
    let main = CheckedOut::prepare(&SourceRequest::new(&repo.url, None, None, false).unwrap())
        .await
        .unwrap();
    assert!(main.is_clone());
    assert!(main.path().join("app.py").is_file());
    assert_eq!(variant_in(&main), None);
    let path = main.path().to_path_buf();
    assert_eq!(main.finish(), None);
    assert!(!path.exists(), "the clone was left at {}", path.display());

    let feature =
        CheckedOut::prepare(&SourceRequest::new(&repo.url, Some("feature"), None, false).unwrap())
            .await
            .unwrap();
    assert_eq!(variant_in(&feature).as_deref(), Some("feature"));
    let path = feature.path().to_path_buf();
    drop(feature);
    assert!(!path.exists(), "dropping left the clone");

    let request = SourceRequest::new(&repo.url, None, Some(7), true).unwrap();
    assert_eq!(request.git_ref, GitRef::PullRequest(7));
    let pull = CheckedOut::prepare(&request).await.unwrap();
    assert_eq!(variant_in(&pull).as_deref(), Some("pr7"));
    let kept = pull.finish().expect("kept");
    assert!(kept.join("variant.txt").is_file());
    std::fs::remove_dir_all(kept).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn git_source_errors_are_clear() {
    let repo = repository();
    let error =
        CheckedOut::prepare(&SourceRequest::new(&repo.url, Some("nope"), None, false).unwrap())
            .await
            .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, SourceError::BranchNotFound { .. }),
        "{message}"
    );
    assert!(message.contains("`nope`"), "{message}");

    let error = CheckedOut::prepare(&SourceRequest::new(&repo.url, None, Some(99), false).unwrap())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, SourceError::PullRequestNotFound { number: 99, .. }),
        "{message}"
    );

    let missing = "file:///no/such/repository.git";
    let message = CheckedOut::prepare(&SourceRequest::new(missing, None, None, false).unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("git clone") && message.contains(missing),
        "{message}"
    );

    let message =
        CheckedOut::prepare(&SourceRequest::new("/no/such/dir", None, None, false).unwrap())
            .await
            .unwrap_err()
            .to_string();
    assert!(message.contains("not a directory"), "{message}");

    // A local directory is used in place, and never removed.
    let dir = tempfile::tempdir().unwrap();
    let local = CheckedOut::prepare(
        &SourceRequest::new(dir.path().to_str().unwrap(), None, None, false).unwrap(),
    )
    .await
    .unwrap();
    assert!(!local.is_clone());
    assert_eq!(local.finish(), None);
    assert!(dir.path().is_dir());
}
