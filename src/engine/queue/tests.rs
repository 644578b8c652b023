use std::collections::HashSet;
use std::time::Duration;

use tokio::sync::mpsc;

use super::*;
use crate::codegen::{Language, Transport};
use crate::engine::Runtime;
use crate::engine::server::{ServeOptions, start};
use crate::spec::{LoadOptions, load_bytes};
use crate::store::JobStatus;
use crate::tools::Selection;

const SPEC: &str = "petstore-3.0.yaml";

/// A store holding the sample spec as `demo`'s v1, and a request for a connector `name` of it.
fn store_and_request(dir: &std::path::Path, name: &str) -> (Arc<Store>, GenerateRequest) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/petstore-3.0.yaml");
    let bytes = std::fs::read(path).unwrap();
    let store = Store::open(dir).unwrap();
    store.add_spec("demo", SPEC, path, &bytes).unwrap();
    (Arc::new(store), request(&bytes, name))
}

fn request(bytes: &[u8], name: &str) -> GenerateRequest {
    let model = load_bytes(SPEC, bytes, None, &LoadOptions::default()).unwrap();
    GenerateRequest {
        project: "demo".into(),
        spec: SPEC.into(),
        spec_version: 1,
        model: Arc::new(model),
        name: name.into(),
        language: Language::Python,
        transport: Transport::Stdio,
        runtime: Runtime::Local,
        selection: Selection::default(),
        env_prefix: None,
    }
}

/// A sink sending every event to a channel.
fn channel() -> (JobSink, mpsc::UnboundedReceiver<JobEvent>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let sink: JobSink = Arc::new(move |event| {
        let _ = sender.send(event);
    });
    (sink, receiver)
}

/// Events until `count` jobs have finished (bounded: a hang fails the test).
async fn until_finished(
    events: &mut mpsc::UnboundedReceiver<JobEvent>,
    count: usize,
) -> (Vec<JobRecord>, Vec<(u64, Result<Box<Generated>, String>)>) {
    let mut progress = Vec::new();
    let mut finished = Vec::new();
    while finished.len() < count {
        let event = tokio::time::timeout(Duration::from_secs(60), events.recv())
            .await
            .expect("a job event within 60 s")
            .expect("the queue keeps its sinks");
        match event {
            JobEvent::Progress(job) => progress.push(*job),
            JobEvent::Finished { job, outcome } => finished.push((job, outcome)),
        }
    }
    (progress, finished)
}

// One thread: the jobs cannot start before all three are submitted, so the later two always wait.
#[tokio::test(flavor = "current_thread")]
async fn jobs_beyond_the_limit_wait_their_turn_and_all_complete() {
    let dir = tempfile::tempdir().unwrap();
    let (store, request) = store_and_request(dir.path(), "first");
    let queue = JobQueue::new(store.clone(), 1);
    let (sink, mut events) = channel();
    let mut submitted = Vec::new();
    for name in ["first", "second", "third"] {
        let mut request = request.clone();
        request.name = name.into();
        let job = queue
            .submit(
                request,
                Engine::Embedded,
                sink.clone(),
                CancelHandle::default(),
            )
            .unwrap();
        assert_eq!(job.status, JobStatus::Queued);
        submitted.push(job.id);
    }
    let (progress, finished) = until_finished(&mut events, 3).await;
    // With one slot, a job only starts once the one before it has finished.
    let mut processing = HashSet::new();
    for job in &progress {
        if job.status == JobStatus::Processing {
            processing.insert(job.id);
        } else if job.status.is_finished() {
            processing.remove(&job.id);
        }
        assert!(
            processing.len() <= 1,
            "two jobs ran at once: {processing:?}"
        );
    }
    let finished_ids: Vec<u64> = finished.iter().map(|(id, _)| *id).collect();
    assert_eq!(finished_ids, submitted, "one slot runs them in order");
    for (id, outcome) in finished {
        assert!(outcome.is_ok(), "job {id}: {:?}", outcome.err());
        assert_eq!(store.job(id).unwrap().unwrap().status, JobStatus::Completed);
    }
    let first = store.job(submitted[0]).unwrap().unwrap();
    assert!(!first.log[0].message.contains("waiting"), "{:?}", first.log);
    for id in &submitted[1..] {
        let waiting = store.job(*id).unwrap().unwrap();
        assert!(
            waiting.log[0].message.contains("waiting for a free slot"),
            "{:?}",
            waiting.log
        );
    }
    assert_eq!(store.connectors("demo").unwrap().len(), 3);
    assert_eq!(queue.counts(), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_queued_job_and_a_remote_one_fails_both_and_frees_the_slot() {
    let dir = tempfile::tempdir().unwrap();
    let (store, request) = store_and_request(dir.path(), "slow");
    // A real engine whose every stage takes 2 s: the remote job holds the only slot meanwhile.
    let engine = start(ServeOptions {
        port: 0,
        stage_delay: Duration::from_secs(2),
        ..ServeOptions::default()
    })
    .await
    .unwrap();
    let mut settings = RemoteSettings::new(&engine.url());
    settings.poll_interval = Duration::from_millis(50);
    let queue = JobQueue::new(store.clone(), 1);
    let (sink, mut events) = channel();
    let remote = queue
        .submit(
            request.clone(),
            Engine::Remote(settings),
            sink.clone(),
            CancelHandle::default(),
        )
        .unwrap();
    // Wait until the engine has the job (its remote id is stored).
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
            .await
            .unwrap()
            .unwrap();
        if let JobEvent::Progress(job) = event
            && job.remote_id.is_some()
        {
            break;
        }
    }
    let mut waiting_request = request.clone();
    waiting_request.name = "waiting".into();
    let waiting = queue
        .submit(
            waiting_request,
            Engine::Embedded,
            sink.clone(),
            CancelHandle::default(),
        )
        .unwrap();
    assert_eq!(queue.counts(), (1, 1));
    assert_eq!(queue.cancel(waiting.id), Cancelled::Requested);
    let (_, finished) = until_finished(&mut events, 1).await;
    assert_eq!(finished[0].0, waiting.id);
    let stored = store.job(waiting.id).unwrap().unwrap();
    assert_eq!(stored.status, JobStatus::Failed);
    assert_eq!(stored.error.as_deref(), Some("cancelled before it started"));
    assert_eq!(stored.started_at, None, "it never ran");

    assert_eq!(queue.cancel(remote.id), Cancelled::Requested);
    let (_, finished) = until_finished(&mut events, 1).await;
    assert_eq!(finished[0].0, remote.id);
    let stored = store.job(remote.id).unwrap().unwrap();
    assert_eq!(stored.status, JobStatus::Failed);
    assert!(
        stored
            .error
            .as_deref()
            .unwrap()
            .starts_with("cancelled here")
    );
    assert_eq!(queue.cancel(remote.id), Cancelled::NotRunning);

    // The slot is free again: an embedded job runs to completion.
    let mut next = request;
    next.name = "after".into();
    let after = queue
        .submit(next, Engine::Embedded, sink, CancelHandle::default())
        .unwrap();
    let (_, finished) = until_finished(&mut events, 1).await;
    assert_eq!(finished[0].0, after.id);
    assert!(finished[0].1.is_ok());
    engine.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_job_left_unfinished_is_followed_to_completion() {
    let dir = tempfile::tempdir().unwrap();
    let (store, request) = store_and_request(dir.path(), "resumed");
    let engine = start(ServeOptions {
        port: 0,
        stage_delay: Duration::from_millis(20),
        ..ServeOptions::default()
    })
    .await
    .unwrap();
    let mut settings = RemoteSettings::new(&engine.url());
    settings.poll_interval = Duration::from_millis(20);
    // A job created on the engine by an earlier run that quit before following it.
    let remote = RemoteEngine::new(settings.clone()).unwrap();
    let text = spec_text(&store, &request).unwrap();
    let created = remote
        .create_job(
            &crate::engine::remote_job::api_request(&request, text),
            &crate::engine::remote::idempotency_key(),
        )
        .await
        .unwrap();
    let mut job = queue_job(&store, &request, &settings.url).unwrap();
    job.remote_id = Some(created.job_id);
    store.save_job(&job).unwrap();

    let queue = JobQueue::new(store.clone(), 1);
    let (sink, mut events) = channel();
    assert_eq!(queue.resume(settings, sink).unwrap(), 1);
    let (_, finished) = until_finished(&mut events, 1).await;
    assert_eq!(finished[0].0, job.id);
    let generated = finished.into_iter().next().unwrap().1.unwrap();
    assert_eq!(generated.connector.name, "resumed");
    assert_eq!(
        store.job(job.id).unwrap().unwrap().status,
        JobStatus::Completed
    );
    engine.stop().await.unwrap();
}
