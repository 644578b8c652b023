//! The Code pane's highlighting of the largest file generated for the GitHub description (1,223
//! operations), in TypeScript and in Python: the time until the first screen's lines are highlighted, until
//! the middle and the end of the file are (highlighting is sequential, in chunks, off the UI thread), and the
//! cost of a frame scrolled to the middle and to the end once the file is cached (a key press plus a full
//! draw into a 160x48 `TestBackend`). Needs ../shared/corpus beside the clone.
//!
//! Usage: cargo bench --bench code_highlight

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mcpoverflow::codegen::{GenerateOptions, GeneratedFile, Language, generate};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tools::{ToolOptions, build_tools};
use mcpoverflow::tui::code::tasks::{self, CodeRequest, FIRST_CHUNK};
use mcpoverflow::tui::code::{CodeMessage, CodeSource};
use mcpoverflow::tui::theme::{Depth, Palette, Theme};
use mcpoverflow::tui::{App, Effect, Message};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RUNS: usize = 3;
const DRAWS: usize = 50;
const HEIGHT: usize = 48;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// One highlighting run of `request`'s file: when the chunk holding each of `lines` arrived.
fn highlight_times(request: CodeRequest, lines: &[usize]) -> Vec<Duration> {
    let start = Instant::now();
    let mut reached = vec![None; lines.len()];
    tasks::run(request, &mut |message| {
        if let CodeMessage::Highlighted {
            from,
            lines: chunk,
            done,
            ..
        } = &message
        {
            let end = from + chunk.len();
            for (i, line) in lines.iter().enumerate() {
                if reached[i].is_none() && (*line < end || *done) {
                    reached[i] = Some(start.elapsed());
                }
            }
        }
        true
    });
    reached.into_iter().map(|t| t.unwrap_or_default()).collect()
}

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.update(Message::Input(Event::Key(KeyEvent::new(code, modifiers))))
        .1
}

fn bench_language(
    model: &mcpoverflow::spec::model::ApiModel,
    language: Language,
    palette: &Palette,
) {
    let tools = build_tools(model, &ToolOptions::default());
    let started = Instant::now();
    let project = generate(model, &tools, language, &GenerateOptions::default()).unwrap();
    let generated = started.elapsed();
    let largest: &GeneratedFile = project
        .files
        .iter()
        .max_by_key(|f| f.contents.len())
        .unwrap();
    let text = String::from_utf8_lossy(&largest.contents).to_string();
    let line_count = text.lines().count();
    println!(
        "\n{} (generated in {}): largest file {} — {} lines, {:.1} MB",
        language.as_str(),
        ms(generated),
        largest.path,
        line_count,
        text.len() as f64 / 1e6
    );
    let only = vec![GeneratedFile::text(largest.path.clone(), &text)];
    let source = CodeSource {
        title: "github".into(),
        language,
        files: Arc::new(only),
        saved_to: None,
    };

    // Highlighting off the UI thread: the first screen, the middle, the end.
    let middle = line_count / 2;
    let targets = [HEIGHT.min(FIRST_CHUNK) - 1, middle + HEIGHT, line_count - 1];
    let mut runs: Vec<Vec<Duration>> = Vec::new();
    for _ in 0..RUNS {
        let mut app = App::new("bench", palette.clone());
        let (_, effects) = app.show_code(source.clone());
        let Some(Effect::Code(request)) = effects.into_iter().next() else {
            panic!("no highlight request");
        };
        runs.push(highlight_times(request, &targets));
    }
    let column = |i: usize| median(runs.iter().map(|r| r[i]).collect());
    println!(
        "  highlighted: first screen {} · middle (line {}) {} · end (whole file) {}",
        ms(column(0)),
        middle + 1,
        ms(column(1)),
        ms(column(2))
    );

    // Going to the middle or the end before the exact pass is there: key press to the frame with the
    // provisional window around the view highlighted (its task run in place).
    let mut window = Vec::new();
    for line in [middle, line_count] {
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let mut app = App::new("bench", palette.clone());
            press(&mut app, KeyCode::Char('3'), KeyModifiers::NONE);
            let _exact_pass_not_run = app.show_code(source.clone());
            let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
            terminal.draw(|frame| app.draw(frame)).unwrap();
            let start = Instant::now();
            let mut effects = press(&mut app, KeyCode::Char('g'), KeyModifiers::CONTROL);
            for c in line.to_string().chars() {
                effects.extend(press(&mut app, KeyCode::Char(c), KeyModifiers::NONE));
            }
            effects.extend(press(&mut app, KeyCode::Enter, KeyModifiers::NONE));
            let mut ran = 0;
            for effect in effects {
                if let Effect::Code(request @ CodeRequest::HighlightWindow { .. }) = effect {
                    let mut messages = Vec::new();
                    tasks::run(request, &mut |m| {
                        messages.push(m);
                        true
                    });
                    for m in messages {
                        app.update(Message::Code(m));
                    }
                    ran += 1;
                }
            }
            terminal.draw(|frame| app.draw(frame)).unwrap();
            times.push(start.elapsed());
            assert_eq!(ran, 1, "one window");
            let highlight = app.code.highlighted().unwrap();
            assert!(highlight.line(line - 1).is_some() && highlight.lines.is_empty());
        }
        window.push(median(times));
    }
    println!(
        "  before the exact pass, key to the frame with the view highlighted (window): middle {} · end {}",
        ms(window[0]),
        ms(window[1])
    );

    // Cached: key presses and frames at the middle and at the end, and going back to the file.
    let mut app = App::new("bench", palette.clone());
    press(&mut app, KeyCode::Char('3'), KeyModifiers::NONE);
    let (_, effects) = app.show_code(source.clone());
    for effect in effects {
        if let Effect::Code(request) = effect {
            let mut messages = Vec::new();
            tasks::run(request, &mut |m| {
                messages.push(m);
                true
            });
            for m in messages {
                app.update(Message::Code(m));
            }
        }
    }
    assert!(app.code.fully_highlighted());
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut frame_at = |app: &mut App, line: usize| -> Duration {
        let mut times = Vec::new();
        for _ in 0..DRAWS {
            let start = Instant::now();
            press(app, KeyCode::Char('g'), KeyModifiers::CONTROL);
            for c in line.to_string().chars() {
                press(app, KeyCode::Char(c), KeyModifiers::NONE);
            }
            press(app, KeyCode::Enter, KeyModifiers::NONE);
            terminal.draw(|frame| app.draw(frame)).unwrap();
            times.push(start.elapsed());
        }
        median(times)
    };
    let at_middle = frame_at(&mut app, middle);
    let at_end = frame_at(&mut app, line_count);
    let mut scroll_times = Vec::new();
    for _ in 0..DRAWS {
        let start = Instant::now();
        press(&mut app, KeyCode::PageUp, KeyModifiers::NONE);
        terminal.draw(|frame| app.draw(frame)).unwrap();
        scroll_times.push(start.elapsed());
    }
    let (_, effects) = app.show_code(source);
    assert!(effects.is_empty(), "shown again: a cache hit");
    println!(
        "  cached, key to finished frame (160x48): go to the middle {} · go to the end {} · page up {}",
        ms(at_middle),
        ms(at_end),
        ms(median(scroll_times))
    );
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/openapi/github/api.github.com.json"
    );
    let Ok(bytes) = std::fs::read(path) else {
        println!("skipping: {path} is not here");
        return;
    };
    let model = load_bytes("api.github.com.json", &bytes, None, &LoadOptions::default()).unwrap();
    drop(bytes);
    let palette = Palette::from_theme(&Theme::bundled("dark").unwrap(), Depth::TrueColor);
    let start = Instant::now();
    mcpoverflow::tui::highlight::preload();
    println!(
        "loading the syntax and theme sets (once per process): {}",
        ms(start.elapsed())
    );
    for language in [Language::Typescript, Language::Python] {
        bench_language(&model, language, &palette);
    }
}
