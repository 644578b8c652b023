//! The Generate pane through the app and its real tasks, on a real store: the form for the open spec, the
//! tool list's size following the checkboxes, a job through its stages into the store, the project in the
//! Code pane, and the connector offered by the Tools pane's picker.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::store::Store;
use mcpoverflow::store::sample::{SAMPLE_PROJECT, ensure_sample_project};
use mcpoverflow::store::{JobStatus, SpecVersion};
use mcpoverflow::tools::{Selection, ToolOptions, build_tools};
use mcpoverflow::tui::theme::Palette;
use mcpoverflow::tui::{App, Context, Effect, Message, Pane, spawn_effect};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use super::tools_views::mask_times;

/// The app with its tasks run as the loop runs them.
pub(super) struct Driven {
    pub(super) app: App,
    pub(super) context: Context,
    queue: mpsc::UnboundedSender<Message>,
    messages: mpsc::UnboundedReceiver<Message>,
    _data: tempfile::TempDir,
}

impl Driven {
    pub(super) fn new() -> Driven {
        Driven::with_job_limit(2)
    }

    fn with_job_limit(job_limit: usize) -> Driven {
        let data = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&data.path().join("store")).unwrap());
        ensure_sample_project(&store).unwrap();
        let context = Context::new(
            store,
            data.path().to_path_buf(),
            env!("CARGO_BIN_EXE_mcpow").into(),
            job_limit,
        );
        let (queue, messages) = mpsc::unbounded_channel();
        Driven {
            app: App::new(SAMPLE_PROJECT, Palette::plain()),
            context,
            queue,
            messages,
            _data: data,
        }
    }

    pub(super) fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            spawn_effect(effect, &self.context, self.queue.clone());
        }
    }

    pub(super) fn key(&mut self, code: KeyCode) {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        let (_, effects) = self.app.update(Message::Input(Event::Key(key)));
        self.run(effects);
    }

    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Feeds the tasks' messages back until `done` holds (at most 60 s).
    pub(super) async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !done(&self.app) {
            let message = tokio::time::timeout_at(deadline, self.messages.recv())
                .await
                .unwrap_or_else(|_| panic!("waiting for {what}: {}", self.screen(160, 48)))
                .unwrap();
            let (_, effects) = self.app.update(message);
            self.run(effects);
        }
    }

    pub(super) fn screen(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| self.app.draw(frame)).unwrap();
        terminal.backend().to_string()
    }
}

pub(super) fn opened(app: &App) -> Option<SpecVersion> {
    app.specs.opened.as_ref()?;
    app.specs.opened_version()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connector_is_generated_stored_shown_and_offered_to_run() {
    let mut driven = Driven::new();
    let specs = driven.context.store.specs(SAMPLE_PROJECT).unwrap();
    let (_, effects) = driven.app.update(Message::SpecsListed(Ok(specs)));
    driven.run(effects);
    driven
        .until("the first spec", |app| opened(app).is_some())
        .await;
    let version = opened(&driven.app).unwrap();

    // Pane 2 builds the spec's tool list, every tool checked.
    driven.key(KeyCode::Char('2'));
    assert_eq!(driven.app.focus, Pane::Generate);
    driven
        .until("the tool list", |app| app.generate.choices.is_some())
        .await;
    let form = driven.screen(80, 24);
    assert!(form.contains("Generate · petstore-3.0.yaml v1"), "{form}");
    assert!(form.contains("10 of 10"), "{form}");
    insta::assert_snapshot!("generate_form_80x24", form);
    insta::assert_snapshot!("generate_form_160x48", driven.screen(160, 48));

    // Unchecking the first tag: the size shown is that of the list the connector would send.
    for _ in 0..5 {
        driven.key(KeyCode::Char('j'));
    }
    driven.key(KeyCode::Char(' '));
    let choices = driven.app.generate.choices.clone().unwrap();
    let names = choices.selected_names().expect("some unchecked");
    let model = driven.app.specs.opened.as_ref().unwrap().model.clone();
    let real = build_tools(
        &model,
        &ToolOptions {
            selection: Selection {
                include_operations: names.clone(),
                ..Selection::default()
            },
            ..ToolOptions::default()
        },
    );
    assert_eq!(choices.size(), real.size());
    let shown = driven.screen(160, 48);
    let header = format!(
        "{} of 10 · {} bytes",
        names.len(),
        mcpoverflow::tui::generate::thousands(real.size().bytes)
    );
    assert!(shown.contains(&header), "{header} in {shown}");
    // `a` checks everything again; the name is edited in place.
    driven.key(KeyCode::Char('a'));
    assert!(driven.app.generate.choices.as_ref().unwrap().all_checked());
    driven.key(KeyCode::Char('g'));
    driven.key(KeyCode::Enter);
    for _ in 0.."pet-clinic-store-mcp".len() {
        driven.key(KeyCode::Backspace);
    }
    driven.keys("clinic");
    driven.key(KeyCode::Enter);
    assert_eq!(driven.app.generate.name, "clinic");

    // r runs the job: every stage is reported, and the project lands in the store and the Code pane.
    driven.key(KeyCode::Char('r'));
    driven
        .until("the job", |app| {
            app.generate
                .job
                .as_ref()
                .is_some_and(|j| j.connector.is_some() || j.error.is_some())
        })
        .await;
    let job = driven.app.generate.job.as_ref().unwrap().record.clone();
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error);
    let store = driven.context.store.clone();
    let stored = store.job(job.id).unwrap().unwrap();
    assert_eq!(stored, job);
    let stages: Vec<&str> = stored.log.iter().map(|e| e.stage.as_str()).collect();
    assert_eq!(
        stages,
        [
            "analyzing",
            "generating code",
            "generating tests",
            "writing docs",
            "writing docs",
            "done"
        ]
    );
    let connector = store.connector(SAMPLE_PROJECT, "clinic").unwrap().unwrap();
    assert_eq!(connector.job, Some(job.id));
    assert_eq!(connector.spec, version.name);
    assert!(connector.files.iter().any(|f| f.path == "pyproject.toml"));
    // The job's panel: every stage ticked, the connector named, the log in order (not a snapshot: the
    // generators' line counts show in it).
    let done = mask_times(&driven.screen(160, 48));
    let files = format!("✓ clinic: {} files", connector.files.len());
    for text in [
        "Job #",
        "completed",
        "✓ done",
        &files,
        "+# ms analyzing: petstore-3.0.yaml v1",
    ] {
        assert!(done.contains(text), "{text} in {done}");
    }
    assert!(
        driven
            .app
            .toast
            .as_deref()
            .is_some_and(|t| t.starts_with("generated clinic: ")),
        "{:?}",
        driven.app.toast
    );

    // The Jobs pane lists the job; Enter opens its connector in the Code pane.
    driven.key(KeyCode::Char('5'));
    driven.until("the jobs", |app| app.jobs.loaded).await;
    let jobs = driven.screen(160, 48);
    assert!(jobs.contains(&format!("#{}", job.id)), "{jobs}");
    assert!(
        jobs.contains("generate") && jobs.contains("Timeline"),
        "{jobs}"
    );
    driven.key(KeyCode::Enter);
    driven
        .until("the connector in the Code pane", |app| {
            app.focus == Pane::Code
        })
        .await;
    assert!(driven.screen(160, 48).contains("server.py"));

    // The Tools pane's picker offers to run it.
    driven.key(KeyCode::Char('4'));
    driven.key(KeyCode::Char('c'));
    driven
        .until("the picker's connectors", |app| {
            let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
            terminal.draw(|frame| app.draw(frame)).unwrap();
            terminal
                .backend()
                .to_string()
                .contains("Run connector clinic (python) against mcpow's mock")
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_or_empty_generation_fails_and_says_why() {
    let mut driven = Driven::new();
    let specs = driven.context.store.specs(SAMPLE_PROJECT).unwrap();
    let (_, effects) = driven.app.update(Message::SpecsListed(Ok(specs)));
    driven.run(effects);
    driven
        .until("the first spec", |app| opened(app).is_some())
        .await;
    driven.key(KeyCode::Char('2'));
    driven
        .until("the tool list", |app| app.generate.choices.is_some())
        .await;
    // Nothing checked: refused before any job.
    driven.key(KeyCode::Char('a'));
    driven.key(KeyCode::Char('r'));
    assert!(driven.app.generate.job.is_none());
    assert!(
        driven
            .app
            .toast
            .as_deref()
            .is_some_and(|t| t.contains("no operation is checked")),
        "{:?}",
        driven.app.toast
    );
    // Ctrl-C before the job's task runs: it fails as cancelled, in the store too, and nothing is stored.
    driven.key(KeyCode::Char('a'));
    let press = |code, modifiers| Message::Input(Event::Key(KeyEvent::new(code, modifiers)));
    let (_, run) = driven
        .app
        .update(press(KeyCode::Char('r'), KeyModifiers::NONE));
    assert!(driven.app.generate.animating());
    driven
        .app
        .update(press(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(
        driven.app.toast.as_deref(),
        Some("cancelling the generation")
    );
    driven.run(run);
    driven
        .until("the cancelled job", |app| {
            app.generate.job.as_ref().is_some_and(|j| !j.running())
        })
        .await;
    let jobs = driven.context.store.jobs().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status, JobStatus::Failed);
    assert_eq!(
        jobs[0].error.as_deref(),
        Some("cancelled before it started")
    );
    assert!(
        driven
            .context
            .store
            .connectors(SAMPLE_PROJECT)
            .unwrap()
            .is_empty()
    );
    let shown = driven.screen(160, 48);
    assert!(shown.contains("✗ cancelled"), "{shown}");

    // The Jobs pane runs the failed job again (on its spec version, loaded again from the store).
    driven.key(KeyCode::Char('5'));
    driven.until("the jobs", |app| app.jobs.loaded).await;
    driven.key(KeyCode::Char('f'));
    assert_eq!(driven.app.jobs.visible().len(), 1, "failed only");
    driven.key(KeyCode::Char('r'));
    driven
        .until("the job run again", |app| {
            app.generate
                .job
                .as_ref()
                .is_some_and(|j| j.connector.is_some())
        })
        .await;
    let jobs = driven.context.store.jobs().unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[1].status, JobStatus::Completed);
    assert_eq!(jobs[1].request, jobs[0].request, "the same request");
    driven.key(KeyCode::Char('f'));
    assert_eq!(driven.app.jobs.visible().len(), 1, "completed only");
    assert_eq!(driven.app.jobs.selected().unwrap().id, jobs[1].id);
}

#[tokio::test(flavor = "multi_thread")]
async fn queued_generations_wait_their_turn_and_the_jobs_pane_cancels_one() {
    let mut driven = Driven::with_job_limit(1);
    let specs = driven.context.store.specs(SAMPLE_PROJECT).unwrap();
    let (_, effects) = driven.app.update(Message::SpecsListed(Ok(specs)));
    driven.run(effects);
    driven
        .until("the first spec", |app| opened(app).is_some())
        .await;
    // A real engine whose stages take 2 s each: its job holds the only slot.
    let engine = mcpoverflow::engine::server::start(mcpoverflow::engine::server::ServeOptions {
        port: 0,
        stage_delay: Duration::from_secs(2),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut settings = mcpoverflow::engine::remote::RemoteSettings::new(&engine.url());
    settings.poll_interval = Duration::from_millis(50);
    let health = driven.app.generate.set_remote(Some(settings));
    driven.run(health.map(Effect::Generate).into_iter().collect());
    driven.key(KeyCode::Char('2'));
    driven
        .until("the tool list", |app| app.generate.choices.is_some())
        .await;
    driven.key(KeyCode::Char('r'));
    driven
        .until("the remote job on the engine", |app| {
            app.generate
                .job
                .as_ref()
                .is_some_and(|j| j.record.remote_id.is_some())
        })
        .await;
    // The second one, on the embedded engine, waits for the slot.
    driven.app.generate.use_remote = false;
    driven.key(KeyCode::Char('r'));
    driven
        .until("the second job stored", |app| {
            app.generate.job.as_ref().is_some_and(|j| j.record.id == 2)
        })
        .await;
    assert_eq!(driven.context.jobs.counts(), (1, 1));
    let waiting = driven.context.store.job(2).unwrap().unwrap();
    assert_eq!(waiting.status, JobStatus::Queued);
    assert!(waiting.log[0].message.contains("waiting for a free slot"));

    // Pane 5: the remote job (the older, second row) is cancelled with Ctrl-C; the waiting one then runs.
    driven.key(KeyCode::Char('5'));
    driven
        .until("the jobs listed", |app| app.jobs.jobs.len() == 2)
        .await;
    driven.key(KeyCode::Char('j'));
    assert_eq!(driven.app.jobs.selected().map(|j| j.id), Some(1));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let (_, effects) = driven.app.update(Message::Input(Event::Key(ctrl_c)));
    driven.run(effects);
    driven
        .until("the second job done", |app| {
            app.generate
                .job
                .as_ref()
                .is_some_and(|j| j.connector.is_some())
        })
        .await;
    let cancelled = driven.context.store.job(1).unwrap().unwrap();
    assert_eq!(cancelled.status, JobStatus::Failed);
    assert!(
        cancelled
            .error
            .as_deref()
            .unwrap()
            .starts_with("cancelled here"),
        "{:?}",
        cancelled.error
    );
    assert_eq!(
        driven.context.store.job(2).unwrap().unwrap().status,
        JobStatus::Completed
    );
    let shown = driven.screen(160, 48);
    assert!(shown.contains("✗ #1"), "{shown}");
    assert!(shown.contains("cancelled here"), "{shown}");
    engine.stop().await.unwrap();
}
