//! The one keymap table: every binding with its name, keys, description and panes. It decides what a key
//! press does, and builds the `?` help, the command palette and the status bar's hints, so they never
//! disagree. [`Keymap`] is the table in use: these defaults with the config file's overrides.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Pane;

mod runtime;
mod syntax;

pub use runtime::{KeyBinding, Keymap};
pub use syntax::{key_label, key_name, parse_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    Palette,
    Cancel,
    NextPane,
    PreviousPane,
    GoTo(Pane),
    Up,
    Down,
    Top,
    Bottom,
    Open,
    Back,
    Filter,
    NextColumn,
    PreviousColumn,
    Copy,
    Edit,
    Connect,
    Disconnect,
    NextView,
    PreviousView,
    SwitchList,
    RawJson,
    PageUp,
    PageDown,
    Add,
    Warnings,
    Diff,
    Projects,
    NextMatch,
    PreviousMatch,
    GoToLine,
    Save,
    Toggle,
    ToggleAll,
    Generate,
    Retry,
    CycleStatus,
    RunSuite,
    CycleSuite,
    CycleApi,
    ToggleWrites,
}

/// Where a binding applies: everywhere, or in some panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    In(&'static [Pane]),
}

impl Scope {
    pub fn covers(self, pane: Pane) -> bool {
        match self {
            Scope::Global => true,
            Scope::In(panes) => panes.contains(&pane),
        }
    }
}

pub type Key = (KeyCode, KeyModifiers);

pub struct Binding {
    /// The name the config file uses (`[keys] quit = ["q"]`).
    pub name: &'static str,
    pub action: Action,
    pub keys: &'static [Key],
    /// How the keys are shown (`j/↓`).
    pub label: &'static str,
    pub description: &'static str,
    pub scope: Scope,
    /// Shown in the status bar's hints.
    pub hint: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CONTROL: KeyModifiers = KeyModifiers::CONTROL;
const LISTS: &[Pane] = &[Pane::Specs, Pane::Tools];
const SPECS: &[Pane] = &[Pane::Specs];
const TOOLS: &[Pane] = &[Pane::Tools];
/// Panes that move a cursor with j/k/g/G and h/l.
const MOVES: &[Pane] = &[
    Pane::Specs,
    Pane::Generate,
    Pane::Code,
    Pane::Tools,
    Pane::Jobs,
    Pane::Tests,
];
const PAGED: &[Pane] = &[
    Pane::Specs,
    Pane::Generate,
    Pane::Code,
    Pane::Jobs,
    Pane::Tests,
];
const TESTS: &[Pane] = &[Pane::Tests];
const JOBS: &[Pane] = &[Pane::Jobs];
const GENERATE: &[Pane] = &[Pane::Generate];
const CODE: &[Pane] = &[Pane::Code];

#[allow(clippy::too_many_arguments)]
const fn bind(
    name: &'static str,
    action: Action,
    keys: &'static [Key],
    label: &'static str,
    description: &'static str,
    scope: Scope,
    hint: bool,
) -> Binding {
    Binding {
        name,
        action,
        keys,
        label,
        description,
        scope,
        hint,
    }
}

use Scope::{Global, In};

pub const BINDINGS: &[Binding] = &[
    bind(
        "help",
        Action::Help,
        &[(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
        "?",
        "help for the focused pane",
        Global,
        true,
    ),
    bind(
        "quit",
        Action::Quit,
        &[(KeyCode::Char('q'), NONE)],
        "q",
        "quit",
        Global,
        true,
    ),
    bind(
        "palette",
        Action::Palette,
        &[
            (KeyCode::Char(':'), NONE),
            (KeyCode::Char(':'), SHIFT),
            (KeyCode::Char('p'), CONTROL),
        ],
        ":",
        "command palette",
        Global,
        true,
    ),
    bind(
        "cancel",
        Action::Cancel,
        &[(KeyCode::Char('c'), CONTROL)],
        "C-c",
        "cancel the running call",
        Global,
        false,
    ),
    bind(
        "next_pane",
        Action::NextPane,
        &[(KeyCode::Tab, NONE)],
        "Tab",
        "next pane",
        Global,
        false,
    ),
    bind(
        "previous_pane",
        Action::PreviousPane,
        &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        "S-Tab",
        "previous pane",
        Global,
        false,
    ),
    bind(
        "specs_pane",
        Action::GoTo(Pane::Specs),
        &[(KeyCode::Char('1'), NONE)],
        "1",
        "Specs pane",
        Global,
        false,
    ),
    bind(
        "generate_pane",
        Action::GoTo(Pane::Generate),
        &[(KeyCode::Char('2'), NONE)],
        "2",
        "Generate pane",
        Global,
        false,
    ),
    bind(
        "code_pane",
        Action::GoTo(Pane::Code),
        &[(KeyCode::Char('3'), NONE)],
        "3",
        "Code pane",
        Global,
        false,
    ),
    bind(
        "tools_pane",
        Action::GoTo(Pane::Tools),
        &[(KeyCode::Char('4'), NONE)],
        "4",
        "Tools pane",
        Global,
        false,
    ),
    bind(
        "jobs_pane",
        Action::GoTo(Pane::Jobs),
        &[(KeyCode::Char('5'), NONE)],
        "5",
        "Jobs pane",
        Global,
        false,
    ),
    bind(
        "tests_pane",
        Action::GoTo(Pane::Tests),
        &[(KeyCode::Char('6'), NONE)],
        "6",
        "Tests pane",
        Global,
        false,
    ),
    bind(
        "up",
        Action::Up,
        &[(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        "k/↑",
        "move up",
        In(MOVES),
        false,
    ),
    bind(
        "down",
        Action::Down,
        &[(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        "j/↓",
        "move down",
        In(MOVES),
        false,
    ),
    bind(
        "top",
        Action::Top,
        &[(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        "g",
        "first item",
        In(MOVES),
        false,
    ),
    bind(
        "bottom",
        Action::Bottom,
        &[
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE),
            (KeyCode::End, NONE),
        ],
        "G",
        "last item",
        In(MOVES),
        false,
    ),
    bind(
        "previous_column",
        Action::PreviousColumn,
        &[(KeyCode::Char('h'), NONE), (KeyCode::Left, NONE)],
        "h/←",
        "column to the left",
        In(MOVES),
        false,
    ),
    bind(
        "next_column",
        Action::NextColumn,
        &[(KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)],
        "l/→",
        "column to the right",
        In(MOVES),
        false,
    ),
    bind(
        "filter",
        Action::Filter,
        &[(KeyCode::Char('/'), NONE)],
        "/",
        "filter the list (fuzzy)",
        In(LISTS),
        true,
    ),
    bind(
        "open_spec",
        Action::Open,
        &[(KeyCode::Enter, NONE)],
        "Enter",
        "open the spec, the operation's detail or a schema node",
        In(SPECS),
        true,
    ),
    bind(
        "open_tool",
        Action::Open,
        &[(KeyCode::Enter, NONE)],
        "Enter",
        "open the tool's form · call it · replay a history entry",
        In(TOOLS),
        true,
    ),
    bind(
        "connect",
        Action::Connect,
        &[(KeyCode::Char('c'), NONE)],
        "c",
        "connect to a server",
        In(TOOLS),
        true,
    ),
    bind(
        "disconnect",
        Action::Disconnect,
        &[(KeyCode::Char('d'), NONE)],
        "d",
        "disconnect",
        In(TOOLS),
        false,
    ),
    bind(
        "next_view",
        Action::NextView,
        &[(KeyCode::Char(']'), NONE)],
        "]",
        "next view: result, stderr, frames, history",
        In(TOOLS),
        true,
    ),
    bind(
        "previous_view",
        Action::PreviousView,
        &[(KeyCode::Char('['), NONE)],
        "[",
        "previous view",
        In(TOOLS),
        false,
    ),
    bind(
        "switch_list",
        Action::SwitchList,
        &[(KeyCode::Char('s'), NONE)],
        "s",
        "list tools, resources or prompts",
        In(TOOLS),
        false,
    ),
    bind(
        "raw_json",
        Action::RawJson,
        &[
            (KeyCode::Char('J'), SHIFT),
            (KeyCode::Char('J'), NONE),
            (KeyCode::Char('r'), CONTROL),
        ],
        "J/C-r",
        "edit the arguments as raw JSON, or back to the form",
        In(TOOLS),
        false,
    ),
    bind(
        "copy",
        Action::Copy,
        &[(KeyCode::Char('y'), NONE), (KeyCode::Char('y'), CONTROL)],
        "y/C-y",
        "copy the focused text (OSC 52)",
        Global,
        false,
    ),
    bind(
        "edit",
        Action::Edit,
        &[(KeyCode::Char('e'), NONE), (KeyCode::Char('e'), CONTROL)],
        "e/C-e",
        "open the focused text in $EDITOR",
        Global,
        false,
    ),
    bind(
        "back",
        Action::Back,
        &[(KeyCode::Esc, NONE)],
        "Esc",
        "back, close",
        Global,
        false,
    ),
    bind(
        "add_spec",
        Action::Add,
        &[(KeyCode::Char('a'), NONE)],
        "a",
        "add a spec (a path, a URL, a service, pasted text)",
        In(SPECS),
        true,
    ),
    bind(
        "projects",
        Action::Projects,
        &[(KeyCode::Char('p'), NONE)],
        "p",
        "switch project, or start a new one",
        In(SPECS),
        false,
    ),
    bind(
        "warnings",
        Action::Warnings,
        &[(KeyCode::Char('w'), NONE)],
        "w",
        "spec overview and warnings",
        In(SPECS),
        false,
    ),
    bind(
        "spec_diff",
        Action::Diff,
        &[(KeyCode::Char('d'), NONE)],
        "d",
        "diff from the previous version (breaking changes first)",
        In(SPECS),
        false,
    ),
    bind(
        "toggle_node",
        Action::Open,
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        "toggle a tag or schema node",
        In(SPECS),
        false,
    ),
    bind(
        "page_up",
        Action::PageUp,
        &[(KeyCode::PageUp, NONE)],
        "PgUp",
        "a page up",
        In(PAGED),
        false,
    ),
    bind(
        "page_down",
        Action::PageDown,
        &[(KeyCode::PageDown, NONE)],
        "PgDn",
        "a page down",
        In(PAGED),
        false,
    ),
    bind(
        "open_job",
        Action::Open,
        &[(KeyCode::Enter, NONE)],
        "Enter",
        "open the job's connector in the Code pane",
        In(JOBS),
        true,
    ),
    bind(
        "retry_job",
        Action::Retry,
        &[(KeyCode::Char('r'), NONE)],
        "r",
        "run a failed job again",
        In(JOBS),
        true,
    ),
    bind(
        "job_status",
        Action::CycleStatus,
        &[(KeyCode::Char('f'), NONE)],
        "f",
        "show only failed, completed, processing or queued jobs",
        In(JOBS),
        true,
    ),
    bind(
        "filter_jobs",
        Action::Filter,
        &[(KeyCode::Char('/'), NONE)],
        "/",
        "filter the jobs (kind, status, connector, project)",
        In(JOBS),
        false,
    ),
    bind(
        "generate",
        Action::Generate,
        &[(KeyCode::Char('r'), NONE)],
        "r",
        "generate the connector (runs a job)",
        In(GENERATE),
        true,
    ),
    bind(
        "check",
        Action::Toggle,
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        "check an operation or a tag · change a choice",
        In(GENERATE),
        true,
    ),
    bind(
        "check_all",
        Action::ToggleAll,
        &[(KeyCode::Char('a'), NONE)],
        "a",
        "check every operation, or none",
        In(GENERATE),
        false,
    ),
    bind(
        "open_field",
        Action::Open,
        &[(KeyCode::Enter, NONE)],
        "Enter",
        "edit the name · check · generate (on the button)",
        In(GENERATE),
        false,
    ),
    bind(
        "filter_operations",
        Action::Filter,
        &[(KeyCode::Char('/'), NONE)],
        "/",
        "filter the operations",
        In(GENERATE),
        false,
    ),
    bind(
        "open_file",
        Action::Open,
        &[(KeyCode::Enter, NONE)],
        "Enter",
        "open the file, or fold the directory",
        In(CODE),
        false,
    ),
    bind(
        "search",
        Action::Filter,
        &[(KeyCode::Char('/'), NONE)],
        "/",
        "search the file (smart case)",
        In(CODE),
        true,
    ),
    bind(
        "next_match",
        Action::NextMatch,
        &[(KeyCode::Char('n'), NONE)],
        "n",
        "next match",
        In(CODE),
        false,
    ),
    bind(
        "previous_match",
        Action::PreviousMatch,
        &[(KeyCode::Char('N'), SHIFT), (KeyCode::Char('N'), NONE)],
        "N",
        "previous match",
        In(CODE),
        false,
    ),
    bind(
        "go_to_line",
        Action::GoToLine,
        &[
            (KeyCode::Char('g'), CONTROL),
            (KeyCode::Char('L'), SHIFT),
            (KeyCode::Char('L'), NONE),
        ],
        "C-g/L",
        "go to line (its number)",
        In(CODE),
        true,
    ),
    bind(
        "save_project",
        Action::Save,
        &[(KeyCode::Char('s'), NONE)],
        "s",
        "save the project (to a directory)",
        In(CODE),
        true,
    ),
    bind(
        "run_suite",
        Action::RunSuite,
        &[(KeyCode::Char('r'), NONE)],
        "r",
        "run the suite · on the selected connector",
        In(TESTS),
        true,
    ),
    bind(
        "open_test",
        Action::Open,
        &[(KeyCode::Enter, NONE)],
        "Enter",
        "open · a run, or a call's detail (request, response, checks)",
        In(TESTS),
        true,
    ),
    bind(
        "test_api",
        Action::CycleApi,
        &[(KeyCode::Char('a'), NONE)],
        "a",
        "switch the API (mock · mock with faults · a base URL)",
        In(TESTS),
        false,
    ),
    bind(
        "test_suite",
        Action::CycleSuite,
        &[(KeyCode::Char('s'), NONE)],
        "s",
        "switch the suite (smoke · full)",
        In(TESTS),
        false,
    ),
    bind(
        "test_writes",
        Action::ToggleWrites,
        &[(KeyCode::Char('w'), NONE)],
        "w",
        "allow or forbid calls that change data",
        In(TESTS),
        false,
    ),
];

/// The action `key` triggers in `pane` with the default keys (pane bindings first, then global ones).
pub fn action_for(key: &KeyEvent, pane: Pane) -> Option<Action> {
    let matches = |binding: &&Binding| {
        binding
            .keys
            .iter()
            .any(|(code, modifiers)| *code == key.code && *modifiers == key.modifiers)
    };
    BINDINGS
        .iter()
        .filter(|b| b.scope != Scope::Global && b.scope.covers(pane))
        .find(matches)
        .or_else(|| {
            BINDINGS
                .iter()
                .filter(|b| b.scope == Scope::Global)
                .find(matches)
        })
        .map(|b| b.action)
}

/// The bindings that apply in `pane`: the pane's own, then the global ones.
pub fn bindings_for(pane: Pane) -> impl Iterator<Item = &'static Binding> {
    BINDINGS
        .iter()
        .filter(move |b| b.scope != Scope::Global && b.scope.covers(pane))
        .chain(BINDINGS.iter().filter(|b| b.scope == Scope::Global))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn pane_bindings_come_before_global_ones() {
        assert_eq!(
            action_for(&key(KeyCode::Char('j'), NONE), Pane::Specs),
            Some(Action::Down)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('j'), NONE), Pane::Jobs),
            Some(Action::Down)
        );
        assert_eq!(action_for(&key(KeyCode::Char('s'), NONE), Pane::Jobs), None);
        assert_eq!(
            action_for(&key(KeyCode::Char('4'), NONE), Pane::Specs),
            Some(Action::GoTo(Pane::Tools))
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('c'), CONTROL), Pane::Code),
            Some(Action::Cancel)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let shared_pane = Pane::ALL.iter().any(|p| {
                    a.scope.covers(*p)
                        && b.scope.covers(*p)
                        && (a.scope == b.scope || a.scope != Global && b.scope != Global)
                });
                let overlap = shared_pane && a.keys.iter().any(|k| b.keys.contains(k));
                assert!(
                    !overlap,
                    "{} and {} share a key",
                    a.description, b.description
                );
            }
        }
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in BINDINGS.iter().enumerate() {
            assert!(
                BINDINGS[i + 1..].iter().all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
        }
    }
}
