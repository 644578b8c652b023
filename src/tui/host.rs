//! What the loop needs from the terminal it runs in besides drawing: its input, the clipboard (OSC 52,
//! which works over SSH, plus a native clipboard tool where one is present), and handing the terminal to
//! `$EDITOR` while the UI is suspended. Tests put a double in its place.

use std::io::Write;
use std::process::{Command, Stdio};

use crossterm::event::{Event, EventStream};

pub trait Host {
    type Input: futures::Stream<Item = std::io::Result<Event>> + Unpin;

    /// Terminal input; asked for again after the editor ran (the old stream is dropped first, so it
    /// can't steal the editor's keys).
    fn input(&mut self) -> Self::Input;

    /// Puts `text` on the clipboard; says how.
    fn copy(&mut self, text: &str) -> Result<String, String>;

    /// Runs the editor on `text` (a file ending in `.extension`) and returns the text as it was saved.
    fn edit(&mut self, text: &str, extension: &str) -> Result<String, String>;
}

/// The real terminal (ratatui's crossterm backend on stdout).
pub struct RealTerminal;

impl Host for RealTerminal {
    type Input = EventStream;

    fn input(&mut self) -> EventStream {
        EventStream::new()
    }

    fn copy(&mut self, text: &str) -> Result<String, String> {
        let mut ways = Vec::new();
        let mut stdout = std::io::stdout();
        let osc52 = crossterm::execute!(
            stdout,
            crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
        );
        if osc52.is_ok() {
            ways.push("OSC 52");
        }
        if let Some(tool) = copy_to_native_clipboard(text) {
            ways.push(tool);
        }
        if ways.is_empty() {
            return Err(
                "no clipboard: the terminal refused OSC 52 and no clipboard tool is installed"
                    .into(),
            );
        }
        Ok(format!(
            "copied {} bytes ({})",
            text.len(),
            ways.join(" and ")
        ))
    }

    fn edit(&mut self, text: &str, extension: &str) -> Result<String, String> {
        let path = edit_file_path(extension);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let removed = RemoveOnDrop(path.clone());
        let editor = editor_command();
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        ratatui::restore();
        // The editor's words may carry flags (`code --wait`); the shell splits them.
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path)
            .status();
        let resumed = resume_terminal();
        let status = status.map_err(|e| format!("cannot run {editor}: {e}"))?;
        resumed?;
        if !status.success() {
            return Err(format!(
                "{editor} exited with {status}; nothing was changed"
            ));
        }
        let edited = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {} back: {e}", path.display()));
        drop(removed);
        edited
    }
}

/// A new file in the temp dir for one edit.
fn edit_file_path(extension: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("mcpow-{}-{nanos}.{extension}", std::process::id()))
}

struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `$VISUAL`, else `$EDITOR`, else `vi`.
fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Raw mode and the alternate screen again, as `ratatui::init` set them, cleared for a full redraw.
fn resume_terminal() -> Result<(), String> {
    crossterm::terminal::enable_raw_mode()
        .map_err(|e| format!("cannot resume the terminal: {e}"))?;
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        crossterm::event::EnableBracketedPaste
    )
    .map_err(|e| format!("cannot resume the terminal: {e}"))
}

/// The first clipboard tool present for this session (Wayland, X11, macOS); its name when it took the text.
fn copy_to_native_clipboard(text: &str) -> Option<&'static str> {
    let candidates: [(&str, &[&str], bool); 4] = [
        (
            "wl-copy",
            &[],
            std::env::var_os("WAYLAND_DISPLAY").is_some(),
        ),
        (
            "xclip",
            &["-selection", "clipboard"],
            std::env::var_os("DISPLAY").is_some(),
        ),
        (
            "xsel",
            &["--clipboard", "--input"],
            std::env::var_os("DISPLAY").is_some(),
        ),
        ("pbcopy", &[], cfg!(target_os = "macos")),
    ];
    candidates
        .into_iter()
        .filter(|(_, _, usable)| *usable)
        .find_map(|(tool, args, _)| {
            let mut child = Command::new(tool)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            child.stdin.take()?.write_all(text.as_bytes()).ok()?;
            child.wait().ok()?.success().then_some(tool)
        })
}
