//! The workbench: a keyboard-driven terminal UI over the store, specs and (soon) live MCP servers.
//!
//! The loop follows Slumber's: one message queue for everything that happens (input, results of background
//! tasks), a biased `tokio::select!` over terminal input and that queue, and a draw only when an update says
//! something changed. Every effect (reading the store, loading a spec) runs in a task and reports back as a
//! [`Message`]; the loop never waits on I/O.

pub mod add_spec;
mod app;
pub mod code;
pub mod contract;
pub mod drift;
pub mod form;
pub mod fuzzy;
pub mod generate;
pub mod highlight;
pub mod host;
pub mod jobs;
pub mod keymap;
pub mod palette;
mod projects;
mod specs;
pub mod theme;
pub mod tools;
pub mod widgets;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::Event;
use futures::StreamExt;
use tokio::sync::mpsc;

pub use app::App;

use crate::spec::model::ApiModel;
use crate::spec::{LoadOptions, load_bytes};
use crate::store::add_spec::{Added, store_spec};
use crate::store::drift::{SpecDrift, latest_drift, spec_added};
use crate::store::sample::{SAMPLE_PROJECT, ensure_sample_project};
use crate::store::{SpecVersion, Store};
pub use host::Host;
pub use tools::Context;

/// The workbench's panes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Specs,
    Generate,
    Code,
    Tools,
    Jobs,
    Tests,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Specs,
        Pane::Generate,
        Pane::Code,
        Pane::Tools,
        Pane::Jobs,
        Pane::Tests,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Specs => "Specs",
            Pane::Generate => "Generate",
            Pane::Code => "Code",
            Pane::Tools => "Tools",
            Pane::Jobs => "Jobs",
            Pane::Tests => "Tests",
        }
    }

    fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    pub fn previous(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// What an edited text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditPurpose {
    /// The arguments of the Tools pane's form, as JSON: they go back into the form.
    Arguments,
    /// Something to read (a result, frames, stderr): changes are dropped.
    View,
    /// A file of the project in the Code pane (`source` counts the projects shown): the edit replaces it.
    CodeFile { source: u64, file: usize },
}

/// Everything that reaches the loop.
pub enum Message {
    Input(Event),
    Copied(Result<String, String>),
    Edited {
        purpose: EditPurpose,
        text: Result<String, String>,
    },
    /// Time passed (sent only while something on screen counts time).
    Tick,
    Tools(tools::ToolsMessage),
    Code(code::CodeMessage),
    Generate(generate::GenerateMessage),
    Jobs(jobs::JobsMessage),
    Tests(contract::TestsMessage),
    SpecsListed(Result<Vec<SpecVersion>, String>),
    ProjectsListed(Result<Vec<(String, usize)>, String>),
    SpecOpened {
        name: String,
        model: Result<Arc<ApiModel>, String>,
    },
    /// A spec was added: it, and the project's specs now; for a new version, its drift from the one before
    /// (the connectors it breaks are marked stale already).
    SpecAdded {
        added: SpecVersion,
        specs: Vec<SpecVersion>,
        drift: Option<Result<SpecDrift, String>>,
    },
    /// The drift of a spec's latest version from the one before (`None`: it has one version).
    DriftComputed {
        spec: String,
        drift: Result<Option<SpecDrift>, String>,
    },
    Failed(String),
}

/// Work the app asks for; the loop runs each in a task.
pub enum Effect {
    /// Put text on the clipboard (the loop does it, between draws).
    Copy(String),
    /// Hand the terminal to $EDITOR on this text; what comes back goes to `purpose`.
    Edit {
        text: String,
        extension: &'static str,
        purpose: EditPurpose,
    },
    ListSpecs(String),
    /// The projects with their spec counts.
    ListProjects,
    OpenSpec(SpecVersion),
    AddSpec {
        project: String,
        source: crate::spec::SpecSource,
    },
    /// The drift of a spec's latest version (nothing is marked).
    ShowDrift {
        project: String,
        spec: String,
    },
    Tools(tools::ToolsRequest),
    Code(code::CodeRequest),
    Generate(generate::GenerateTask),
    Jobs(jobs::JobsTask),
    Tests(contract::TestsTask),
}

/// Runs `effect` in a task that sends its result to `queue`.
pub fn spawn_effect(effect: Effect, context: &Context, queue: mpsc::UnboundedSender<Message>) {
    let effect = match effect {
        Effect::Tools(request) => return tools::tasks::spawn(request, context.clone(), queue),
        Effect::Code(request) => return code::tasks::spawn(request, queue),
        Effect::Generate(task) => return generate::tasks::spawn(task, context, queue),
        Effect::Jobs(task) => return jobs::tasks::spawn(task, context.store.clone(), queue),
        Effect::Tests(task) => return contract::tasks::spawn(task, context, queue),
        Effect::Copy(_) | Effect::Edit { .. } => return, // the loop's own (see `event_loop`)
        other => other,
    };
    let store = context.store.clone();
    tokio::task::spawn_blocking(move || {
        let message = match effect {
            Effect::ListSpecs(project) => {
                Message::SpecsListed(store.specs(&project).map_err(|e| e.to_string()))
            }
            Effect::ListProjects => Message::ProjectsListed(
                store
                    .projects()
                    .and_then(|projects| {
                        projects
                            .into_iter()
                            .map(|p| store.specs(&p.name).map(|specs| (p.name, specs.len())))
                            .collect()
                    })
                    .map_err(|e| e.to_string()),
            ),
            Effect::OpenSpec(version) => {
                let model = store
                    .spec_bytes(&version)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| {
                        load_bytes(&version.name, &bytes, None, &LoadOptions::default())
                            .map(Arc::new)
                            .map_err(|e| e.to_string())
                    });
                Message::SpecOpened {
                    name: version.name,
                    model,
                }
            }
            Effect::AddSpec { project, source } => {
                let added = store_spec(&store, &project, &source).and_then(|added| {
                    // A new version: its drift, and the connectors it breaks marked stale.
                    let drift = match &added {
                        Added::New(version) => spec_added(&store, &project, version)
                            .map_err(|e| {
                                format!("{} v{} was added, but: {e}", version.name, version.version)
                            })
                            .transpose(),
                        Added::Unchanged(_) => None,
                    };
                    let specs = store.specs(&project).map_err(|e| e.to_string())?;
                    Ok(Message::SpecAdded {
                        added: added.into_version(),
                        specs,
                        drift,
                    })
                });
                added.unwrap_or_else(Message::Failed)
            }
            Effect::ShowDrift { project, spec } => Message::DriftComputed {
                drift: latest_drift(&store, &project, &spec).map_err(|e| e.to_string()),
                spec,
            },
            Effect::Tools(_)
            | Effect::Code(_)
            | Effect::Generate(_)
            | Effect::Jobs(_)
            | Effect::Tests(_)
            | Effect::Copy(_)
            | Effect::Edit { .. } => {
                unreachable!("handled above")
            }
        };
        let _ = queue.send(message);
    });
}

/// Opens the store in `data_dir` (creating the sample project on the first run) and runs the workbench
/// until the user quits, on `project` (else the first project), with `config_dir`'s config.toml (its problems
/// open the error modal). Errors before the terminal is taken over (the store is locked, no such project)
/// come back as text.
pub async fn run(data_dir: &Path, config_dir: &Path, project: Option<&str>) -> Result<(), String> {
    let store = Store::open(&data_dir.join("store")).map_err(|e| e.to_string())?;
    ensure_sample_project(&store).map_err(|e| e.to_string())?;
    // Jobs of the embedded engine cut off by a quit or a crash were marked failed when the store opened.
    let interrupted = store.interrupted_at_open();
    let projects = store.projects().map_err(|e| e.to_string())?;
    let project = match project {
        Some(name) if projects.iter().any(|p| p.name == name) => name.to_string(),
        Some(name) => {
            let names: Vec<&str> = projects.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "no project `{name}` (projects: {}; `mcpow specs add SPEC --project {name}` makes it)",
                names.join(", ")
            ));
        }
        None => projects
            .first()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| SAMPLE_PROJECT.to_string()),
    };
    // A bad config is shown in the error modal; what was wrong keeps its default.
    let settings = crate::config::Settings::load(config_dir);
    let job_limit = settings
        .engine
        .jobs
        .unwrap_or_else(crate::engine::queue::default_limit);
    let context = Context::new(
        Arc::new(store),
        data_dir.to_path_buf(),
        mcpow_exe(),
        job_limit,
    );
    let remote = crate::engine::remote::RemoteSettings::resolve(&settings.engine.remote, &|name| {
        std::env::var(name).ok()
    });
    let mut app = App::new(&project, settings.palette)
        .with_keymap(settings.keymap)
        .with_engine(remote.clone().unwrap_or_default());
    let mut problems = settings.problems;
    if let Err(problem) = remote {
        problems.push(format!("{problem} (the embedded engine is used)"));
    }
    if !problems.is_empty() {
        app.error = Some(problems.join("\n"));
    }
    if interrupted > 0 {
        app.toast = Some(format!(
            "{interrupted} job{} cut off last time marked failed (interrupted): see pane 5",
            if interrupted == 1 { " was" } else { "s were" }
        ));
    }
    // ratatui::init installs a panic hook that restores the terminal before the panic is printed.
    let mut terminal = ratatui::init();
    // Pasted text arrives whole (a spec pasted into the add-a-spec overlay), not as keys.
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let restore_terminal = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        restore_terminal(info);
    }));
    let outcome = event_loop(&mut terminal, &mut host::RealTerminal, &mut app, context).await;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    outcome
}

/// The `mcpow` that serves specs for the Tools pane: `MCPOW_EXE`, else this very binary.
fn mcpow_exe() -> PathBuf {
    std::env::var_os("MCPOW_EXE")
        .map(PathBuf::from)
        .or_else(|| std::env::current_exe().ok())
        .unwrap_or_else(|| PathBuf::from("mcpow"))
}

/// The loop: terminal input first, then the message queue; a draw once the queue is drained after a
/// change; ticks only while something on screen counts time. Generic over the backend and the [`Host`]
/// so tests drive it with `TestBackend` and a channel.
pub async fn event_loop<B, H>(
    terminal: &mut ratatui::Terminal<B>,
    host: &mut H,
    app: &mut App,
    context: Context,
) -> Result<(), String>
where
    B: ratatui::backend::Backend,
    H: Host,
{
    let mut input = host.input();
    let (queue, mut messages) = mpsc::unbounded_channel();
    for effect in std::mem::take(&mut app.startup) {
        spawn_effect(effect, &context, queue.clone());
    }
    spawn_effect(
        Effect::ListSpecs(app.specs.project.clone()),
        &context,
        queue.clone(),
    );
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let outcome = loop {
        if dirty && messages.is_empty() {
            if let Err(e) = terminal.draw(|frame| app.draw(frame)) {
                break Err(format!("cannot draw: {e}"));
            }
            dirty = false;
        }
        let message = tokio::select! {
            biased;
            event = input.next() => match event {
                Some(Ok(event)) => Message::Input(event),
                Some(Err(e)) => break Err(format!("reading the terminal: {e}")),
                None => break Ok(()),
            },
            Some(message) = messages.recv() => message,
            _ = ticker.tick(), if app.animating() => Message::Tick,
        };
        let (changed, effects) = app.update(message);
        for effect in effects {
            match effect {
                Effect::Copy(text) => {
                    let _ = queue.send(Message::Copied(host.copy(&text)));
                }
                Effect::Edit {
                    text,
                    extension,
                    purpose,
                } => {
                    // The editor owns the terminal until it exits; our input stream must not read its keys.
                    drop(input);
                    let edited = host.edit(&text, extension);
                    input = host.input();
                    // The host cleared the screen; diffing against an empty buffer redraws it all.
                    // (`Terminal::clear` would ask the terminal for its cursor, racing the input.)
                    terminal.swap_buffers();
                    dirty = true;
                    let _ = queue.send(Message::Edited {
                        purpose,
                        text: edited,
                    });
                }
                other => spawn_effect(other, &context, queue.clone()),
            }
        }
        if app.quit {
            break Ok(());
        }
        dirty |= changed;
    };
    // Servers started from the workbench end with it.
    if let Some(live) = app.tools.take_live() {
        let _ = tokio::time::timeout(Duration::from_secs(5), live.close()).await;
    }
    // So does a test run, and what it started (the connector's process group, the mock).
    if app.stop_test_run() {
        let stopped = async {
            while let Some(message) = messages.recv().await {
                if let Message::Tests(
                    contract::TestsMessage::Cancelled { .. }
                    | contract::TestsMessage::Finished { .. },
                ) = message
                {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), stopped).await;
        // The server's watcher signals its group on its next turn.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    outcome
}
