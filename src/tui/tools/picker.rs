//! Choosing a server to connect to: the open spec served live (against the mock or its own servers), the
//! saved profiles, a typed command line or URL, or a `mcpServers` file to import profiles from. A modal:
//! it takes every key while it is open.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};

use super::live::{Backend, ServerChoice};
use crate::mcp::profiles::{Profile, Transport};
use crate::store::drift::Staleness;
use crate::store::{ConnectorRecord, ConnectorStatus, SpecVersion};
use crate::tui::theme::Palette;

#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Serve(SpecVersion, Backend),
    /// The spec served against a base URL typed next.
    ServeAt(SpecVersion),
    Profile(Profile),
    /// A generated connector run against the spec's mock, or its own API.
    Connector(Box<ConnectorRecord>, Backend),
    Typed,
    Import,
}

/// What a key did in the picker.
#[derive(Debug, PartialEq)]
pub enum PickerOutcome {
    Stay,
    Close,
    Connect(ServerChoice),
    Import(String),
}

pub struct Picker {
    entries: Vec<Entry>,
    cursor: usize,
    /// A line being typed for [`Entry::Typed`] or [`Entry::Import`].
    input: Option<(Entry, String)>,
    /// The last command line or URL typed, offered again.
    last_typed: String,
}

impl Picker {
    pub fn new(open_spec: Option<SpecVersion>, last_typed: Option<String>) -> Picker {
        let mut entries = Vec::new();
        if let Some(version) = open_spec {
            entries.push(Entry::Serve(version.clone(), Backend::Mock));
            entries.push(Entry::Serve(version.clone(), Backend::SpecServers));
            entries.push(Entry::ServeAt(version));
        }
        entries.push(Entry::Typed);
        entries.push(Entry::Import);
        Picker {
            entries,
            cursor: 0,
            input: None,
            last_typed: last_typed.unwrap_or_default(),
        }
    }

    /// The saved profiles, listed after the served spec.
    pub fn set_profiles(&mut self, profiles: Vec<Profile>) {
        self.entries.retain(|e| !matches!(e, Entry::Profile(_)));
        let at = self
            .entries
            .iter()
            .position(|e| matches!(e, Entry::Typed))
            .unwrap_or(self.entries.len());
        for (i, profile) in profiles.into_iter().enumerate() {
            self.entries.insert(at + i, Entry::Profile(profile));
        }
        self.cursor = self.cursor.min(self.entries.len().saturating_sub(1));
    }

    /// The project's generated connectors (newest first), listed after the served spec: each against the
    /// spec's mock, and the newest against its own API too.
    pub fn set_connectors(&mut self, connectors: Vec<ConnectorRecord>) {
        self.entries.retain(|e| !matches!(e, Entry::Connector(..)));
        let at = self
            .entries
            .iter()
            .position(|e| !matches!(e, Entry::Serve(..) | Entry::ServeAt(_)))
            .unwrap_or(self.entries.len());
        let mut added = Vec::new();
        for (i, connector) in connectors.into_iter().enumerate() {
            if i == 0 {
                added.push(Entry::Connector(
                    Box::new(connector.clone()),
                    Backend::SpecServers,
                ));
            }
            added.insert(
                added.len().saturating_sub(usize::from(i == 0)),
                Entry::Connector(Box::new(connector), Backend::Mock),
            );
        }
        self.entries.splice(at..at, added);
        self.cursor = self.cursor.min(self.entries.len().saturating_sub(1));
    }

    /// Pasted text goes into the line being typed (its first line).
    pub fn paste(&mut self, text: &str) -> bool {
        match &mut self.input {
            Some((_, line)) => {
                line.push_str(text.lines().next().unwrap_or("").trim_end());
                true
            }
            None => false,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> PickerOutcome {
        if let Some((kind, text)) = &mut self.input {
            match key.code {
                KeyCode::Esc => self.input = None,
                KeyCode::Enter if !text.trim().is_empty() => {
                    let text = text.trim().to_string();
                    return match kind {
                        Entry::Import => PickerOutcome::Import(text),
                        Entry::ServeAt(version) => {
                            PickerOutcome::Connect(ServerChoice::ServeSpec {
                                version: version.clone(),
                                backend: Backend::BaseUrl(text),
                            })
                        }
                        _ => PickerOutcome::Connect(ServerChoice::Typed(text)),
                    };
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char('u') if key.modifiers == KeyModifiers::CONTROL => text.clear(),
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
                _ => {}
            }
            return PickerOutcome::Stay;
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return PickerOutcome::Close,
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.cursor = (self.cursor + 1).min(self.entries.len().saturating_sub(1))
            }
            KeyCode::Enter => match self.entries.get(self.cursor) {
                Some(Entry::Serve(version, backend)) => {
                    return PickerOutcome::Connect(ServerChoice::ServeSpec {
                        version: version.clone(),
                        backend: backend.clone(),
                    });
                }
                Some(Entry::Profile(profile)) => {
                    return PickerOutcome::Connect(ServerChoice::Profile(profile.clone()));
                }
                Some(Entry::Connector(connector, backend)) => {
                    return PickerOutcome::Connect(ServerChoice::Connector {
                        connector: connector.clone(),
                        backend: backend.clone(),
                    });
                }
                Some(Entry::Typed) => self.input = Some((Entry::Typed, self.last_typed.clone())),
                Some(Entry::Import) => self.input = Some((Entry::Import, String::new())),
                Some(entry @ Entry::ServeAt(_)) => {
                    self.input = Some((entry.clone(), String::new()))
                }
                None => {}
            },
            _ => {}
        }
        PickerOutcome::Stay
    }

    /// Why the connector under the cursor is stale, if it is.
    fn selected_staleness(&self) -> Option<(&str, &Staleness)> {
        match self.entries.get(self.cursor) {
            Some(Entry::Connector(connector, _)) if connector.status == ConnectorStatus::Stale => {
                Some((connector.name.as_str(), connector.stale.as_ref()?))
            }
            _ => None,
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let width = area.width.min(76);
        // A stale connector under the cursor: its breaking changes below the list.
        let stale = self
            .selected_staleness()
            .filter(|_| self.input.is_none())
            .map(|(name, staleness)| stale_lines(name, staleness, palette));
        let stale_rows = stale.as_ref().map_or(0, |lines| lines.len() as u16);
        let height = (self.entries.len() as u16 + 6 + stale_rows).min(area.height);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 2,
            width,
            height,
        };
        frame.render_widget(Clear, popup);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(" Connect to a server (Enter chooses, Esc closes) ");
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        if let Some((kind, text)) = &self.input {
            let prompt = match kind {
                Entry::Import => "Path of an mcpServers file (Claude, Cursor, VS Code):",
                Entry::ServeAt(_) => "Base URL of the API (http://127.0.0.1:8080/v1):",
                _ => "Command line, or an http(s) URL (…/sse for SSE):",
            };
            let lines = vec![
                Line::styled(prompt, palette.dim),
                Line::from(vec![
                    Span::styled("> ", palette.accent),
                    Span::raw(text.as_str()),
                    Span::styled("▏", palette.focus),
                ]),
                Line::styled("Enter connects · Esc goes back · C-u clears", palette.dim),
            ];
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let items: Vec<ListItem> = self
            .entries
            .iter()
            .map(|entry| ListItem::new(entry_line(entry, palette)))
            .collect();
        let mut state = ListState::default().with_selected(Some(self.cursor));
        // Saved profiles join the list when the store has answered (a few milliseconds).
        let list = List::new(items)
            .highlight_style(palette.selected)
            .highlight_symbol("› ");
        let [list_area, stale_area] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(stale_rows)]).areas(inner);
        frame.render_stateful_widget(list, list_area, &mut state);
        if let Some(lines) = stale {
            frame.render_widget(Paragraph::new(lines), stale_area);
        }
    }
}

fn entry_line<'a>(entry: &'a Entry, palette: &Palette) -> Line<'a> {
    match entry {
        Entry::Serve(version, Backend::Mock) => Line::from(vec![
            Span::raw(format!("Serve {} ", version.name)),
            Span::styled("against mcpow's mock (offline)", palette.accent),
        ]),
        Entry::Serve(version, Backend::SpecServers) => Line::from(vec![
            Span::raw(format!("Serve {} ", version.name)),
            Span::styled("against its own servers (the real API)", palette.dim),
        ]),
        Entry::Serve(version, Backend::BaseUrl(url)) => {
            Line::raw(format!("Serve {} against {url}", version.name))
        }
        Entry::ServeAt(version) => Line::from(vec![
            Span::raw(format!("Serve {} ", version.name)),
            Span::styled("against a base URL…", palette.dim),
        ]),
        Entry::Profile(profile) => {
            let how = match &profile.transport {
                Transport::Stdio { command, args, .. } => {
                    format!("{command} {}", args.join(" "))
                }
                Transport::StreamableHttp { url, .. } => url.clone(),
                Transport::Sse { url, .. } => format!("{url} (SSE)"),
            };
            Line::from(vec![
                Span::styled(format!("{}  ", profile.name), palette.accent),
                Span::styled(how, palette.dim),
            ])
        }
        Entry::Connector(connector, backend) => {
            let against = match backend {
                Backend::Mock => "against mcpow's mock".to_string(),
                Backend::SpecServers => "against its API".to_string(),
                Backend::BaseUrl(url) => format!("against {url}"),
            };
            let mut spans = vec![
                Span::raw(format!("Run connector {} ", connector.name)),
                Span::styled(format!("({}) {against}", connector.language), palette.dim),
            ];
            if connector.status == ConnectorStatus::Stale {
                let breaking = connector.stale.as_ref().map_or(0, |s| s.breaking);
                spans.push(Span::styled(
                    format!("  stale · {breaking} breaking"),
                    palette.error,
                ));
            }
            Line::from(spans)
        }
        Entry::Typed => Line::raw("A command line or URL…"),
        Entry::Import => Line::raw("Import profiles from an mcpServers file…"),
    }
}

/// Breaking changes of a stale connector shown under the list.
const MAX_STALE_ROWS: usize = 6;

/// `shop-mcp is stale since v2 (4 breaking):`, then its breaking changes (the first few).
fn stale_lines<'a>(name: &str, staleness: &'a Staleness, palette: &Palette) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(
        format!(
            "{name} is stale since v{} ({} breaking):",
            staleness.version, staleness.breaking
        ),
        palette.error,
    )];
    for change in staleness.changes.iter().take(MAX_STALE_ROWS) {
        lines.push(Line::raw(format!("  ✗ {change}")));
    }
    let more = staleness
        .breaking
        .saturating_sub(staleness.changes.len().min(MAX_STALE_ROWS));
    if more > 0 {
        lines.push(Line::styled(format!("  … and {more} more"), palette.dim));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(picker: &mut Picker, code: KeyCode) -> PickerOutcome {
        picker.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn version() -> SpecVersion {
        SpecVersion {
            project: "sample".into(),
            name: "petstore-3.0.yaml".into(),
            version: 1,
            hash: "ab".repeat(32),
            source: "specs/petstore-3.0.yaml".into(),
            added_at: 0,
            bytes: 10,
            summary: None,
        }
    }

    #[test]
    fn the_served_spec_comes_first() {
        let mut picker = Picker::new(Some(version()), None);
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            PickerOutcome::Connect(ServerChoice::ServeSpec {
                version: version(),
                backend: Backend::Mock
            })
        );
    }

    #[test]
    fn the_spec_can_be_served_against_a_typed_base_url() {
        let mut picker = Picker::new(Some(version()), None);
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Enter);
        for c in "http://127.0.0.1:8080/v1".chars() {
            press(&mut picker, KeyCode::Char(c));
        }
        let PickerOutcome::Connect(choice) = press(&mut picker, KeyCode::Enter) else {
            panic!("Enter connects");
        };
        assert_eq!(
            choice.label(),
            "petstore-3.0.yaml served against http://127.0.0.1:8080/v1"
        );
    }

    #[test]
    fn a_typed_command_is_connected_to() {
        let mut picker = Picker::new(None, None);
        assert_eq!(press(&mut picker, KeyCode::Enter), PickerOutcome::Stay);
        for c in "uvx mcp-server-time".chars() {
            press(&mut picker, KeyCode::Char(c));
        }
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            PickerOutcome::Connect(ServerChoice::Typed("uvx mcp-server-time".into()))
        );
        // Esc leaves the input, a second Esc the picker.
        assert_eq!(press(&mut picker, KeyCode::Esc), PickerOutcome::Stay);
        assert_eq!(press(&mut picker, KeyCode::Esc), PickerOutcome::Close);
    }

    #[test]
    fn profiles_are_listed_before_the_typed_entries() {
        let mut picker = Picker::new(None, None);
        let profile = Profile {
            name: "time".into(),
            description: None,
            transport: Transport::StreamableHttp {
                url: "http://127.0.0.1:1/mcp".into(),
                headers: Default::default(),
            },
        };
        picker.set_profiles(vec![profile.clone()]);
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            PickerOutcome::Connect(ServerChoice::Profile(profile))
        );
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Down);
        press(&mut picker, KeyCode::Enter);
        for c in "/tmp/claude.json".chars() {
            press(&mut picker, KeyCode::Char(c));
        }
        assert_eq!(
            press(&mut picker, KeyCode::Enter),
            PickerOutcome::Import("/tmp/claude.json".into())
        );
    }
}
