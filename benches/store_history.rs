//! A store with a long history: 100,000 jobs (mixed kinds and statuses, with their logs, results and
//! requests) and 100,000 calls, built once in a temp dir. Measured: `Store::open` on it (with the marking of
//! interrupted jobs: once clean, once after a "crash" left an embedded job processing), and the first frame of
//! the Jobs pane and of the Tools pane's History view: from the key that shows the pane, through the task that
//! reads the store (run as the workbench runs it), to the pane drawn into a 160x48 `TestBackend`; and the
//! Jobs pane until every job is read.
//!
//! Usage: `cargo bench --bench store_history` (`STORE_HISTORY_RECORDS=N` for another size).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::store::{CallRecord, JobKind, JobRecord, Store, now_millis};
use mcpoverflow::tui::jobs::JobsMessage;
use mcpoverflow::tui::theme::Palette;
use mcpoverflow::tui::{App, Context, Effect, Message, spawn_effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use tokio::sync::mpsc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const REMOTE: &str = "http://127.0.0.1:3001";
const CONNECTORS: [&str; 5] = [
    "pet-clinic-store-mcp",
    "billing-mcp",
    "github-mcp",
    "stripe-mcp",
    "inventory-mcp",
];
const STAGES: [(&str, &str); 5] = [
    (
        "analyzing",
        "petstore-3.0.yaml v1 (openapi 3.0.3), 10 operations",
    ),
    (
        "generating code",
        "python 10 tools, 0 skipped; tools/list 13771 bytes (~3443 tokens)",
    ),
    ("generating tests", "code: 13 files, 2243 lines"),
    ("writing docs", "tests: 5 files, 507 lines"),
    ("writing docs", "docs: 3 files, 93 lines; stored 21 files"),
];

fn records() -> usize {
    std::env::var("STORE_HISTORY_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// The `i`th job of the history: 70% generate, 15% tests, 10% validate, 5% fix; one in five on a remote
/// engine; one in eight failed (a few of those interrupted), the rest completed, as `mcpow generate` leaves them.
fn history_job(i: usize) -> JobRecord {
    let kind = match i % 20 {
        0..=13 => JobKind::Generate,
        14..=16 => JobKind::Tests,
        17 | 18 => JobKind::Validate,
        _ => JobKind::Fix,
    };
    let remote = i.is_multiple_of(5) || kind == JobKind::Fix;
    let engine = if remote { REMOTE } else { "embedded" };
    let connector = CONNECTORS[i % CONNECTORS.len()];
    let project = ["sample", "billing", "clinic"][i % 3];
    let mut job = JobRecord::queued(kind, project, Some(connector), engine);
    let start = 1_790_000_000_000 + i as u64 * 60_000;
    job.created_at = start;
    let language = ["python", "typescript", "rust"][i % 3];
    job.request = Some(json!({
        "spec": "petstore-3.0.yaml",
        "spec_version": 1 + i % 4,
        "name": connector,
        "language": language,
        "transport": "stdio",
        "runtime": "stdio",
        "selection": {
            "include_tags": [], "exclude_tags": [], "include_paths": [], "exclude_paths": [],
            "include_methods": [], "exclude_methods": [], "include_operations": [], "exclude_operations": []
        },
        "env_prefix": null
    }));
    if remote {
        job.remote_id = Some(format!("job_{i:08x}"));
    }
    let failed = i % 8 == 3;
    let stages = if failed { 2 } else { STAGES.len() };
    for (step, (stage, message)) in STAGES.iter().take(stages).enumerate() {
        job.enter(stage, message);
        job.log[step].at = start + 1 + step as u64 * 7;
    }
    job.started_at = Some(start + 1);
    if failed {
        let reason = if i % 64 == 3 {
            "interrupted"
        } else {
            "no operation is selected"
        };
        job.fail(reason);
    } else {
        job.complete(json!({
            "connector": connector,
            "language": "python",
            "files": 21,
            "lines": 2843,
            "tools": 10,
            "durationMs": 19,
        }));
    }
    let end = start + 40;
    if let Some(last) = job.log.last_mut() {
        last.at = end;
    }
    job.completed_at = Some(end);
    job
}

fn history_call(i: usize) -> CallRecord {
    let pet = json!({"id": i, "name": "Rex", "species": "dog", "tag": "good", "owner": {"id": i % 97, "name": "Ana"}});
    let arguments = json!({"petId": i, "apiKey": "sk-test"});
    CallRecord {
        id: 0,
        server: "mcpow serve specs/petstore-3.0.yaml".into(),
        tool: ["getPet", "listPets", "createPet", "deletePet"][i % 4].into(),
        arguments: arguments.as_object().cloned().unwrap_or_default(),
        result: json!({
            "content": [{"type": "text", "text": pet.to_string()}],
            "structuredContent": pet,
            "isError": false
        }),
        is_error: i.is_multiple_of(11),
        duration_ms: 3 + (i % 40) as u64,
        at: 1_790_000_000_000 + i as u64 * 30_000,
    }
}

/// Builds (once) the store: `count` jobs, the last two of them remote and still processing (polled again at
/// the next start), and `count` calls.
fn build_store(path: &Path, count: usize) {
    let started = Instant::now();
    let store = Store::open(path).expect("a new store");
    for i in 0..count {
        let mut job = history_job(i);
        if i + 2 >= count {
            job = JobRecord::queued(JobKind::Generate, "sample", Some("billing-mcp"), REMOTE);
            job.enter("queued", "job_remote on http://127.0.0.1:3001");
            job.remote_id = Some(format!("job_{i:08x}"));
        }
        store.create_job(job).expect("a job");
        store.append_call(history_call(i)).expect("a call");
    }
    store.flush().expect("flushed");
    drop(store);
    let bytes: u64 = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    eprintln!(
        "built a store of {count} jobs and {count} calls in {:.1} s ({} MB on disk at the top level)",
        started.elapsed().as_secs_f64(),
        bytes / 1_000_000
    );
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Message::Input(Event::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))))
    .1
}

/// From the key(s) that show a pane to its frame drawn, with the effects run as the workbench's loop runs
/// them: until the first answer, or (`every_job`) until the Jobs pane has every job.
fn frame_after(
    runtime: &tokio::runtime::Runtime,
    context: &Context,
    show: &[KeyCode],
    every_job: bool,
    expect: &str,
) -> Duration {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("a test terminal");
    let started = Instant::now();
    let mut app = App::new("sample", Palette::dark());
    let mut effects = Vec::new();
    for &key in show {
        effects.extend(press(&mut app, key));
    }
    let elapsed = runtime.block_on(async {
        let (queue, mut messages) = mpsc::unbounded_channel();
        for effect in effects {
            spawn_effect(effect, context, queue.clone());
        }
        drop(queue);
        loop {
            let message = messages.recv().await.expect("an answer");
            let last = !every_job || matches!(message, Message::Jobs(JobsMessage::Listed(_)));
            app.update(message);
            terminal
                .draw(|frame| app.draw(frame))
                .expect("a frame drawn");
            if last {
                break;
            }
        }
        let elapsed = started.elapsed();
        // What the tasks still do (the rest of the jobs) ends before the next run.
        while messages.recv().await.is_some() {}
        elapsed
    });
    let screen = terminal.backend().to_string();
    assert!(screen.contains(expect), "{expect} is not on:\n{screen}");
    elapsed
}

fn store_history(c: &mut Criterion) {
    let count = records();
    let dir = tempfile::tempdir().expect("a temp dir");
    let path: PathBuf = dir.path().join("store");
    build_store(&path, count);

    let mut group = c.benchmark_group(format!("store with {count} jobs and {count} calls"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("Store::open (nothing to mark)", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let started = Instant::now();
                let store = Store::open(&path).expect("open");
                total += started.elapsed();
                assert_eq!(store.interrupted_at_open(), 0);
                drop(store);
            }
            total
        })
    });
    group.bench_function(
        "Store::open after a crash (one embedded job marked interrupted)",
        |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    {
                        let store = Store::open(&path).expect("open");
                        let mut job = JobRecord::queued(
                            JobKind::Generate,
                            "sample",
                            Some("cut-mcp"),
                            "embedded",
                        );
                        job.created_at = now_millis();
                        let mut job = store.create_job(job).expect("a job");
                        job.enter("generating code", "python");
                        store.save_job(&job).expect("saved");
                    }
                    let started = Instant::now();
                    let store = Store::open(&path).expect("open");
                    total += started.elapsed();
                    assert_eq!(store.interrupted_at_open(), 1);
                    drop(store);
                }
                total
            })
        },
    );

    let store = Arc::new(Store::open(&path).expect("open"));
    let context = Context::new(
        store.clone(),
        dir.path().to_path_buf(),
        PathBuf::from("mcpow"),
        2,
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let newest = format!(
        "#{}",
        store.jobs().expect("jobs").last().map_or(0, |j| j.id)
    );
    group.bench_function("Jobs pane first frame (160x48)", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| frame_after(&runtime, &context, &[KeyCode::Char('5')], false, &newest))
                .sum()
        })
    });
    let every = format!("Jobs ({}", store.jobs().expect("jobs").len());
    group.bench_function("Jobs pane with every job read (160x48)", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| frame_after(&runtime, &context, &[KeyCode::Char('5')], true, &every))
                .sum()
        })
    });
    group.bench_function("Tools pane History first frame (160x48)", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| {
                    frame_after(
                        &runtime,
                        &context,
                        &[
                            KeyCode::Char('4'),
                            KeyCode::Char(']'),
                            KeyCode::Char(']'),
                            KeyCode::Char(']'),
                        ],
                        false,
                        "History 500",
                    )
                })
                .sum()
        })
    });
    group.finish();
    eprintln!("peak RSS of the bench process: {:.0} MB", peak_rss_mb());
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

criterion_group!(benches, store_history);
criterion_main!(benches);
