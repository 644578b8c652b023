//! The real event loop (`tui::event_loop`) in-process, drawing into a `TestBackend` the test can read while
//! the loop runs, with keys fed through a channel: a slow tool must leave the UI answering keys, and
//! Ctrl-C must cancel the call on the server.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::StreamExt;
use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use mcpoverflow::store::Store;
use mcpoverflow::store::sample::{SAMPLE_PROJECT, ensure_sample_project};
use mcpoverflow::tui::theme::Palette;
use mcpoverflow::tui::{App, Context, Host, event_loop};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use super::common;

/// A `TestBackend` shared between the loop (which draws) and the test (which reads the screen).
#[derive(Clone)]
pub struct SharedBackend(Arc<Mutex<TestBackend>>);

impl SharedBackend {
    pub fn new(width: u16, height: u16) -> Self {
        SharedBackend(Arc::new(Mutex::new(TestBackend::new(width, height))))
    }

    pub fn screen(&self) -> String {
        self.0.lock().unwrap().to_string()
    }

    pub fn width(&self) -> u16 {
        self.0.lock().unwrap().buffer().area.width
    }

    /// The screen with every cell's style (for snapshots of a theme's colours).
    pub fn styled_screen(&self) -> String {
        format!("{:?}", self.0.lock().unwrap().buffer())
    }
}

impl Backend for SharedBackend {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // A resize may land between ratatui's size check and this draw: clip, as a terminal would.
        let mut backend = self.0.lock().unwrap();
        let area = backend.buffer().area;
        backend.draw(content.filter(|(x, y, _)| *x < area.width && *y < area.height))
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.lock().unwrap().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.lock().unwrap().set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.0.lock().unwrap().size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.lock().unwrap().window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().flush()
    }
}

/// The terminal's other duties, recorded: keys from a channel (the same channel after an edit), copies
/// kept, and an "editor" that rewrites the text with a function.
pub struct TestHost {
    keys: Arc<futures::lock::Mutex<UnboundedReceiver<std::io::Result<Event>>>>,
    pub copied: Arc<Mutex<Vec<String>>>,
    pub edits: Arc<Mutex<Vec<String>>>,
    editor: fn(&str) -> String,
}

impl Host for TestHost {
    type Input = std::pin::Pin<Box<dyn futures::Stream<Item = std::io::Result<Event>> + Send>>;

    fn input(&mut self) -> Self::Input {
        Box::pin(futures::stream::unfold(
            self.keys.clone(),
            |keys| async move {
                let next = keys.lock().await.next().await;
                next.map(|event| (event, keys))
            },
        ))
    }

    fn copy(&mut self, text: &str) -> Result<String, String> {
        self.copied.lock().unwrap().push(text.to_string());
        Ok(format!("copied {} bytes (test)", text.len()))
    }

    fn edit(&mut self, text: &str, _extension: &str) -> Result<String, String> {
        self.edits.lock().unwrap().push(text.to_string());
        Ok((self.editor)(text))
    }
}

/// The workbench running in a task over a temp store.
pub struct Workbench {
    pub backend: SharedBackend,
    keys: UnboundedSender<std::io::Result<Event>>,
    task: tokio::task::JoinHandle<Result<(), String>>,
    pub copied: Arc<Mutex<Vec<String>>>,
    pub edits: Arc<Mutex<Vec<String>>>,
    _data: tempfile::TempDir,
}

impl Workbench {
    pub fn start(width: u16, height: u16) -> Workbench {
        Workbench::start_with(width, height, Palette::plain())
    }

    pub fn start_with(width: u16, height: u16, palette: Palette) -> Workbench {
        Workbench::start_full(width, height, palette, |text| text.to_string())
    }

    /// With an "editor" that turns the text it is given into what it saves.
    pub fn start_full(
        width: u16,
        height: u16,
        palette: Palette,
        editor: fn(&str) -> String,
    ) -> Workbench {
        let data = tempfile::tempdir().unwrap();
        let store = Store::open(&data.path().join("store")).unwrap();
        ensure_sample_project(&store).unwrap();
        let context = Context::new(
            Arc::new(store),
            data.path().to_path_buf(),
            env!("CARGO_BIN_EXE_mcpow").into(),
            2,
        );
        let backend = SharedBackend::new(width, height);
        let mut terminal = Terminal::new(backend.clone()).unwrap();
        let (keys, input) = unbounded();
        let mut host = TestHost {
            keys: Arc::new(futures::lock::Mutex::new(input)),
            copied: Arc::default(),
            edits: Arc::default(),
            editor,
        };
        let (copied, edits) = (host.copied.clone(), host.edits.clone());
        let task = tokio::spawn(async move {
            let mut app = App::new(SAMPLE_PROJECT, palette);
            event_loop(&mut terminal, &mut host, &mut app, context).await
        });
        Workbench {
            backend,
            keys,
            task,
            copied,
            edits,
            _data: data,
        }
    }

    pub fn key(&self, code: KeyCode, modifiers: KeyModifiers) {
        let event = Event::Key(KeyEvent::new(code, modifiers));
        self.keys.unbounded_send(Ok(event)).unwrap();
    }

    /// Resizes the terminal, as a real one would (the loop hears of it and draws again).
    pub fn resize(&self, width: u16, height: u16) {
        self.backend.0.lock().unwrap().resize(width, height);
        self.keys
            .unbounded_send(Ok(Event::Resize(width, height)))
            .unwrap();
    }

    pub fn press(&self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Waits (up to `limit`) until the screen shows every one of `texts`; returns the wait.
    pub async fn wait_for(&self, texts: &[&str], limit: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let screen = self.backend.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < limit,
                "the screen never showed {texts:?}:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Quits when no server is connected (one `q`).
    pub async fn quit_without_server(self) {
        self.press(KeyCode::Char('q'));
        let ended = tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the workbench quits within 10 s");
        ended.unwrap().unwrap();
    }

    /// Quits (the second `q` confirms when a server is connected).
    pub async fn quit(self) {
        self.press(KeyCode::Char('q'));
        self.wait_for(&["q again quits"], Duration::from_secs(5))
            .await;
        self.press(KeyCode::Char('q'));
        let ended = tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the workbench quits within 10 s");
        ended.unwrap().unwrap();
    }
}

fn faulty_server_command(mode: &str) -> Option<String> {
    if !common::runtime_present("python3", "the scripted MCP servers") {
        return None;
    }
    let script = common::root().join("tests/mcp_servers/faulty.py");
    Some(format!("python3 {} {mode}", script.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_tool_leaves_the_ui_answering_and_ctrl_c_cancels_it_on_the_server() {
    let Some(command) = faulty_server_command("slow") else {
        return;
    };
    let long = Duration::from_secs(20);
    let workbench = Workbench::start(120, 36);
    workbench.wait_for(&["petstore-3.0.yaml (10)"], long).await;

    // Connect through the picker's "command line" entry (after the three served-spec entries).
    workbench.press(KeyCode::Char('4'));
    workbench.press(KeyCode::Char('c'));
    workbench.wait_for(&["A command line or URL"], long).await;
    for _ in 0..3 {
        workbench.press(KeyCode::Down);
    }
    workbench.press(KeyCode::Enter);
    workbench.type_text(&command);
    workbench.press(KeyCode::Enter);
    workbench
        .wait_for(&["faulty-slow 1", "Tools (5)", "sleep"], long)
        .await;

    // Filter to `sleep`, open its form, ask for 10 s, call.
    workbench.press(KeyCode::Char('/'));
    workbench.type_text("sleep");
    workbench.press(KeyCode::Enter);
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["Arguments · sleep"], long).await;
    workbench.type_text("10");
    workbench.press(KeyCode::Enter);
    let called = Instant::now();
    workbench.wait_for(&["calling sleep…"], long).await;

    // During the call, keys are answered: open and close the help overlay ten times.
    workbench.press(KeyCode::Esc);
    let mut waits = Vec::new();
    for _ in 0..10 {
        workbench.press(KeyCode::Char('?'));
        waits.push(workbench.wait_for(&["Keys · Tools"], long).await);
        workbench.press(KeyCode::Esc);
        let closed = Instant::now();
        while workbench.backend.screen().contains("Keys · Tools") {
            assert!(closed.elapsed() < long, "the help overlay never closed");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    waits.sort();
    let slowest = waits[waits.len() - 1];
    eprintln!(
        "key to frame during a running call: median {:?}, slowest {slowest:?}",
        waits[waits.len() / 2]
    );
    assert!(
        slowest < Duration::from_millis(100),
        "a key took {slowest:?} to reach the screen while a call ran"
    );
    workbench
        .wait_for(&["calling sleep…", "slept 1 s"], long)
        .await;

    // Ctrl-C cancels: the client gives up at once, and the server hears of it.
    workbench.key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    workbench
        .wait_for(&["calling sleep failed", "cancelled"], long)
        .await;
    assert!(
        called.elapsed() < Duration::from_secs(9),
        "the call was not cut short"
    );
    workbench.press(KeyCode::Char(']'));
    workbench
        .wait_for(&["cancelled request"], Duration::from_secs(5))
        .await;
    workbench.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_dies_mid_call_is_reported_not_fatal() {
    let Some(command) = faulty_server_command("crash-mid-call") else {
        return;
    };
    let long = Duration::from_secs(20);
    let workbench = Workbench::start(120, 36);
    workbench.wait_for(&["petstore-3.0.yaml (10)"], long).await;
    workbench.press(KeyCode::Char('4'));
    workbench.press(KeyCode::Char('c'));
    workbench.wait_for(&["A command line or URL"], long).await;
    for _ in 0..3 {
        workbench.press(KeyCode::Down);
    }
    workbench.press(KeyCode::Enter);
    workbench.type_text(&command);
    workbench.press(KeyCode::Enter);
    workbench
        .wait_for(&["faulty-crash-mid-call 1", "Tools (4)"], long)
        .await;
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["Arguments · ok"], long).await;
    workbench.press(KeyCode::Enter);
    // The call fails with the server's last words, the header says the session ended, and the UI goes on.
    workbench
        .wait_for(&["calling ok failed", "✗ ended", "status 70"], long)
        .await;
    workbench.press(KeyCode::Esc);
    workbench.press(KeyCode::Char(']'));
    workbench
        .wait_for(&["panic: index out of range in handler"], long)
        .await;
    workbench.quit().await;
}
