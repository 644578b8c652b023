//! The workbench: a keyboard-driven terminal UI over the store, specs and (soon) live MCP servers.
//!
//! The loop follows Slumber's: one message queue for everything that happens (input, results of background
//! tasks), a biased `tokio::select!` over terminal input and that queue, and a draw only when an update says
//! something changed. Every effect (reading the store, loading a spec) runs in a task and reports back as a
//! [`Message`]; the loop never waits on I/O.

mod app;
pub mod fuzzy;
pub mod keymap;
mod specs;
pub mod theme;

use std::path::Path;
use std::sync::Arc;

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

pub use app::App;

use crate::spec::model::ApiModel;
use crate::spec::{LoadOptions, load_bytes};
use crate::store::sample::{SAMPLE_PROJECT, ensure_sample_project};
use crate::store::{SpecVersion, Store};

/// The workbench's panes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Specs,
    Generate,
    Code,
    Tools,
    Jobs,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Specs,
        Pane::Generate,
        Pane::Code,
        Pane::Tools,
        Pane::Jobs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Specs => "Specs",
            Pane::Generate => "Generate",
            Pane::Code => "Code",
            Pane::Tools => "Tools",
            Pane::Jobs => "Jobs",
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

/// Everything that reaches the loop.
pub enum Message {
    Input(Event),
    SpecsListed(Result<Vec<SpecVersion>, String>),
    SpecOpened {
        name: String,
        model: Result<Arc<ApiModel>, String>,
    },
    Failed(String),
}

/// Work the app asks for; the loop runs each in a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    ListSpecs(String),
    OpenSpec(SpecVersion),
}

/// Runs `effect` in a task that sends its result to `queue`.
pub fn spawn_effect(effect: Effect, store: Arc<Store>, queue: mpsc::UnboundedSender<Message>) {
    tokio::task::spawn_blocking(move || {
        let message = match effect {
            Effect::ListSpecs(project) => {
                Message::SpecsListed(store.specs(&project).map_err(|e| e.to_string()))
            }
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
        };
        let _ = queue.send(message);
    });
}

/// Opens the store in `data_dir` (creating the sample project on the first run) and runs the workbench
/// until the user quits. Errors before the terminal is taken over (the store is locked) come back as text.
pub async fn run(data_dir: &Path) -> Result<(), String> {
    let store = Store::open(&data_dir.join("store")).map_err(|e| e.to_string())?;
    ensure_sample_project(&store).map_err(|e| e.to_string())?;
    let project = store
        .projects()
        .map_err(|e| e.to_string())?
        .first()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| SAMPLE_PROJECT.to_string());
    let store = Arc::new(store);
    // ratatui::init installs a panic hook that restores the terminal before the panic is printed.
    let mut terminal = ratatui::init();
    let outcome = event_loop(&mut terminal, store, &project).await;
    ratatui::restore();
    outcome
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    store: Arc<Store>,
    project: &str,
) -> Result<(), String> {
    let (queue, mut messages) = mpsc::unbounded_channel();
    let mut input = EventStream::new();
    let mut app = App::new(project, theme::Palette::from_environment());
    spawn_effect(
        Effect::ListSpecs(project.to_string()),
        store.clone(),
        queue.clone(),
    );
    let draw = |terminal: &mut ratatui::DefaultTerminal, app: &App| {
        terminal
            .draw(|frame| app.draw(frame))
            .map(|_| ())
            .map_err(|e| format!("cannot draw: {e}"))
    };
    draw(terminal, &app)?;
    loop {
        let message = tokio::select! {
            biased;
            event = input.next() => match event {
                Some(Ok(event)) => Message::Input(event),
                Some(Err(e)) => return Err(format!("reading the terminal: {e}")),
                None => return Ok(()),
            },
            Some(message) = messages.recv() => message,
        };
        let (changed, effects) = app.update(message);
        for effect in effects {
            spawn_effect(effect, store.clone(), queue.clone());
        }
        if app.quit {
            return Ok(());
        }
        if changed {
            draw(terminal, &app)?;
        }
    }
}
