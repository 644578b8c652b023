//! The job manager: generation jobs queued, run at most `limit` at a time (on the embedded engine or a remote
//! one), and cancelled on request. Each job is stored as queued the moment it is submitted, and every
//! transition after that is written to the store as it happens (see [`super::embedded`] and
//! [`super::remote_job`]); what a job does is reported to the submitter's sink as it is stored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, Semaphore};

use super::GenerateRequest;
use super::embedded::{Generated, fail_job, queue_job, run_job};
use super::remote::{RemoteEngine, RemoteSettings};
use super::remote_job::{follow, start_remote, unfinished};
use crate::store::add_spec::stored_spec;
use crate::store::{JobRecord, Store};

/// Where a job runs.
#[derive(Debug, Clone)]
pub enum Engine {
    Embedded,
    Remote(RemoteSettings),
}

impl Engine {
    /// The engine's name in job records: `embedded`, or the remote engine's URL.
    pub fn name(&self) -> String {
        match self {
            Engine::Embedded => super::EMBEDDED.to_string(),
            Engine::Remote(settings) => settings.url.clone(),
        }
    }
}

/// What a job reports to whoever submitted it.
pub enum JobEvent {
    /// The job after a transition (already stored).
    Progress(Box<JobRecord>),
    /// The job ended: its connector, or why not (the job is stored as failed).
    Finished {
        job: u64,
        outcome: Result<Box<Generated>, String>,
    },
}

/// Receives a job's events, from whatever task runs it.
pub type JobSink = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// How [`JobQueue::cancel`] went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// The job was asked to stop; it is stored as failed ("cancelled") once it has.
    Requested,
    /// Not a job this process runs (finished, or run by another).
    NotRunning,
}

/// A job's stop request: a flag the embedded engine checks between stages, and a wake-up for the waits.
#[derive(Default)]
struct StopSignal {
    stopped: AtomicBool,
    wake: Notify,
}

impl StopSignal {
    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.wake.notify_waiters();
    }

    async fn stopped(&self) {
        loop {
            let woken = self.wake.notified();
            if self.stopped.load(Ordering::SeqCst) {
                return;
            }
            woken.await;
        }
    }
}

/// The submitter's way to stop its job, usable before the job is even stored (a job cancelled that early
/// never starts). Cheap to clone; clones stop the same job.
#[derive(Clone, Default)]
pub struct CancelHandle(Arc<StopSignal>);

impl CancelHandle {
    pub fn cancel(&self) {
        self.0.stop();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }
}

struct Shared {
    store: Arc<Store>,
    slots: Arc<Semaphore>,
    limit: usize,
    running: AtomicUsize,
    /// Jobs submitted here and not finished: running, or waiting for a slot.
    submitted: AtomicUsize,
    /// The unfinished jobs this process runs or follows.
    live: Mutex<HashMap<u64, Arc<StopSignal>>>,
}

/// The job manager (cheap to clone; clones share the queue).
#[derive(Clone)]
pub struct JobQueue {
    shared: Arc<Shared>,
}

/// How many jobs run at once unless configured: one per core, at least 1, at most 4.
pub fn default_limit() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

impl JobQueue {
    pub fn new(store: Arc<Store>, limit: usize) -> JobQueue {
        let limit = limit.max(1);
        JobQueue {
            shared: Arc::new(Shared {
                store,
                slots: Arc::new(Semaphore::new(limit)),
                limit,
                running: AtomicUsize::new(0),
                submitted: AtomicUsize::new(0),
                live: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn limit(&self) -> usize {
        self.shared.limit
    }

    /// (running, the others this process holds: waiting for a slot, or remote ones being followed again).
    pub fn counts(&self) -> (usize, usize) {
        let running = self.shared.running.load(Ordering::SeqCst);
        let live = self.live().len();
        (running, live.saturating_sub(running))
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<StopSignal>>> {
        // A panic while holding the lock leaves plain data behind: still usable.
        self.shared
            .live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores `request` as a queued job and starts it once a slot is free. Returns the stored job at once.
    /// Must be called within a tokio runtime.
    pub fn submit(
        &self,
        request: GenerateRequest,
        engine: Engine,
        sink: JobSink,
        cancel: CancelHandle,
    ) -> Result<JobRecord, String> {
        let store = &self.shared.store;
        let mut job = queue_job(store, &request, &engine.name())?;
        // Counted here, not by the slots: a job submitted a moment ago may not have taken its slot yet.
        let ahead = self.shared.submitted.fetch_add(1, Ordering::SeqCst);
        if ahead >= self.shared.limit {
            job.note(&format!(
                "waiting for a free slot ({} jobs run at a time)",
                self.shared.limit
            ));
            if let Err(error) = store.save_job(&job) {
                self.shared.submitted.fetch_sub(1, Ordering::SeqCst);
                return Err(error.to_string());
            }
        }
        let signal = cancel.0;
        self.live().insert(job.id, signal.clone());
        sink(JobEvent::Progress(Box::new(job.clone())));
        let queue = self.clone();
        let submitted = job.clone();
        tokio::spawn(async move {
            let _submitted = Decrement(&queue.shared.submitted);
            let id = job.id;
            let outcome = queue.run(request, engine, job, &signal, &sink).await;
            queue.live().remove(&id);
            sink(JobEvent::Finished {
                job: id,
                outcome: outcome.map(Box::new),
            });
        });
        Ok(submitted)
    }

    /// Waits for a slot (or a cancel), then runs the job on its engine.
    async fn run(
        &self,
        request: GenerateRequest,
        engine: Engine,
        mut job: JobRecord,
        signal: &Arc<StopSignal>,
        sink: &JobSink,
    ) -> Result<Generated, String> {
        let store = self.shared.store.clone();
        let mut report = |job: &JobRecord| sink(JobEvent::Progress(Box::new(job.clone())));
        let slot = tokio::select! {
            biased;
            _ = signal.stopped() => None,
            slot = self.shared.slots.clone().acquire_owned() => slot.ok(),
        };
        let Some(_slot) = slot else {
            return Err(fail_job(
                &store,
                &mut job,
                "cancelled before it started",
                &mut report,
            ));
        };
        self.shared.running.fetch_add(1, Ordering::SeqCst);
        let _running = Decrement(&self.shared.running);
        match engine {
            Engine::Embedded => {
                let signal = signal.clone();
                let sink = sink.clone();
                let blocking_store = store.clone();
                let id = job.id;
                let ran = tokio::task::spawn_blocking(move || {
                    run_job(&blocking_store, &request, job, &signal.stopped, |job| {
                        sink(JobEvent::Progress(Box::new(job.clone())))
                    })
                })
                .await;
                ran.unwrap_or_else(|e| {
                    let reason = format!("the generation stopped unexpectedly: {e}");
                    fail_stored(&store, id, &reason, &mut report)
                })
            }
            Engine::Remote(settings) => {
                let id = job.id;
                let started = async {
                    let remote = RemoteEngine::new(settings)?;
                    let text = spec_text(&store, &request)?;
                    let mut report =
                        |job: &JobRecord| sink(JobEvent::Progress(Box::new(job.clone())));
                    start_remote(&store, &remote, &request, text, job, &mut report).await
                };
                tokio::select! {
                    biased;
                    _ = signal.stopped() => fail_stored(&store, id, REMOTE_CANCELLED, &mut report),
                    outcome = started => outcome,
                }
            }
        }
    }

    /// Follows the remote engine's jobs left unfinished by a quit or a crash (no slot needed: they run
    /// there). Returns how many are followed.
    pub fn resume(&self, settings: RemoteSettings, sink: JobSink) -> Result<usize, String> {
        let remote = RemoteEngine::new(settings.clone())?;
        let jobs = unfinished(&self.shared.store, &settings.url)?;
        let count = jobs.len();
        for job in jobs {
            let signal = Arc::new(StopSignal::default());
            self.live().insert(job.id, signal.clone());
            let (queue, remote, sink) = (self.clone(), remote.clone(), sink.clone());
            tokio::spawn(async move {
                let id = job.id;
                let store = queue.shared.store.clone();
                let mut report = |job: &JobRecord| sink(JobEvent::Progress(Box::new(job.clone())));
                let outcome = tokio::select! {
                    biased;
                    _ = signal.stopped() => fail_stored(&store, id, REMOTE_CANCELLED, &mut report),
                    outcome = follow(&store, &remote, job, &mut report) => outcome,
                };
                queue.live().remove(&id);
                sink(JobEvent::Finished {
                    job: id,
                    outcome: outcome.map(Box::new),
                });
            });
        }
        Ok(count)
    }

    /// Asks job `id` to stop: a queued one fails at once, an embedded one at its next stage, a remote one is
    /// no longer followed.
    pub fn cancel(&self, id: u64) -> Cancelled {
        match self.live().get(&id) {
            Some(signal) => {
                signal.stop();
                Cancelled::Requested
            }
            None => Cancelled::NotRunning,
        }
    }
}

const REMOTE_CANCELLED: &str =
    "cancelled here (the engine's API cannot cancel, so its job may still finish there)";

/// Takes one off its count when dropped (a job's place among the running or the submitted ones).
struct Decrement<'a>(&'a AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Fails the stored job `id` (read again: the task that held it was dropped).
fn fail_stored(
    store: &Store,
    id: u64,
    reason: &str,
    report: &mut dyn FnMut(&JobRecord),
) -> Result<Generated, String> {
    match store.job(id) {
        Ok(Some(mut job)) if !job.status.is_finished() => {
            Err(fail_job(store, &mut job, reason, report))
        }
        Ok(_) => Err(reason.to_string()),
        Err(e) => Err(format!("{reason} (and the job could not be read: {e})")),
    }
}

/// The spec's text as the project keeps it (the remote engine takes the document itself).
pub fn spec_text(store: &Store, request: &GenerateRequest) -> Result<String, String> {
    let (_, bytes) = stored_spec(store, &request.project, &request.spec, request.spec_version)?;
    String::from_utf8(bytes).map_err(|_| format!("{}: is not UTF-8 text", request.spec))
}

#[cfg(test)]
mod tests;
