//! Time from a key press to the finished frame while typing a filter over the GitHub description's 1,223
//! operations in the workbench's Specs pane (update + draw into a 160x48 `TestBackend`), and the process's
//! peak memory with the description open. Needs ../shared/corpus beside the clone.
//!
//! Usage: cargo bench --bench workbench_filter

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tui::theme::Palette;
use mcpoverflow::tui::{App, Message};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/openapi/github/api.github.com.json"
    );
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("skipping: {path} is not here");
        return;
    };
    let model = load_bytes("api.github.com.json", &bytes, None, &LoadOptions::default()).unwrap();
    drop(bytes);
    let operations = model.operations.len();
    let mut app = App::new("bench", Palette::dark());
    app.update(Message::SpecOpened {
        name: "api.github.com.json".into(),
        model: Ok(Arc::new(model)),
    });
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal.draw(|frame| app.draw(frame)).unwrap();
    let press = |app: &mut App, code: KeyCode| {
        app.update(Message::Input(Event::Key(KeyEvent::new(
            code,
            KeyModifiers::NONE,
        ))));
    };
    press(&mut app, KeyCode::Char('/'));
    let mut times: Vec<Duration> = Vec::new();
    for query in [
        "reposgetcontent",
        "pullsmerge",
        "issuescomment",
        "actionsworkflowrun",
        "gistfork",
    ] {
        for c in query.chars() {
            let started = Instant::now();
            press(&mut app, KeyCode::Char(c));
            terminal.draw(|frame| app.draw(frame)).unwrap();
            times.push(started.elapsed());
        }
        for _ in query.chars() {
            let started = Instant::now();
            press(&mut app, KeyCode::Backspace);
            terminal.draw(|frame| app.draw(frame)).unwrap();
            times.push(started.elapsed());
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{operations} operations, {} key presses: key to finished frame median {:.2} ms, p99 {:.2} ms, max {:.2} ms; peak RSS {:.0} MB",
        times.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        peak_rss_mb()
    );
}
