//! The one keymap table: every binding with its keys, description and pane. It decides what a key press
//! does, and builds the `?` help and the status bar's hints, so the three never disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Pane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
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
}

/// Where a binding applies: everywhere, or in one pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    In(Pane),
}

pub struct Binding {
    pub action: Action,
    pub keys: &'static [(KeyCode, KeyModifiers)],
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

pub const BINDINGS: &[Binding] = &[
    Binding {
        action: Action::Help,
        keys: &[(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
        label: "?",
        description: "help for the focused pane",
        scope: Scope::Global,
        hint: true,
    },
    Binding {
        action: Action::Quit,
        keys: &[(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CONTROL)],
        label: "q",
        description: "quit",
        scope: Scope::Global,
        hint: true,
    },
    Binding {
        action: Action::NextPane,
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        description: "next pane",
        scope: Scope::Global,
        hint: false,
    },
    Binding {
        action: Action::PreviousPane,
        keys: &[(KeyCode::BackTab, SHIFT), (KeyCode::BackTab, NONE)],
        label: "S-Tab",
        description: "previous pane",
        scope: Scope::Global,
        hint: false,
    },
    Binding {
        action: Action::GoTo(Pane::Specs),
        keys: &[(KeyCode::Char('1'), NONE)],
        label: "1",
        description: "Specs pane",
        scope: Scope::Global,
        hint: false,
    },
    Binding {
        action: Action::GoTo(Pane::Generate),
        keys: &[(KeyCode::Char('2'), NONE)],
        label: "2",
        description: "Generate pane",
        scope: Scope::Global,
        hint: false,
    },
    Binding {
        action: Action::GoTo(Pane::Code),
        keys: &[(KeyCode::Char('3'), NONE)],
        label: "3",
        description: "Code pane",
        scope: Scope::Global,
        hint: false,
    },
    Binding {
        action: Action::GoTo(Pane::Tools),
        keys: &[(KeyCode::Char('4'), NONE)],
        label: "4",
        description: "Tools pane",
        scope: Scope::Global,
        hint: false,
    },
    Binding {
        action: Action::GoTo(Pane::Jobs),
        keys: &[(KeyCode::Char('5'), NONE)],
        label: "5",
        description: "Jobs pane",
        scope: Scope::Global,
        hint: false,
    },
    Binding {
        action: Action::Up,
        keys: &[(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        label: "k/↑",
        description: "move up",
        scope: Scope::In(Pane::Specs),
        hint: false,
    },
    Binding {
        action: Action::Down,
        keys: &[(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        label: "j/↓",
        description: "move down",
        scope: Scope::In(Pane::Specs),
        hint: false,
    },
    Binding {
        action: Action::Top,
        keys: &[(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        label: "g",
        description: "first item",
        scope: Scope::In(Pane::Specs),
        hint: false,
    },
    Binding {
        action: Action::Bottom,
        keys: &[
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE),
            (KeyCode::End, NONE),
        ],
        label: "G",
        description: "last item",
        scope: Scope::In(Pane::Specs),
        hint: false,
    },
    Binding {
        action: Action::PreviousColumn,
        keys: &[(KeyCode::Char('h'), NONE), (KeyCode::Left, NONE)],
        label: "h/←",
        description: "specs column",
        scope: Scope::In(Pane::Specs),
        hint: false,
    },
    Binding {
        action: Action::NextColumn,
        keys: &[(KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)],
        label: "l/→",
        description: "operations column",
        scope: Scope::In(Pane::Specs),
        hint: false,
    },
    Binding {
        action: Action::Filter,
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        description: "filter operations (fuzzy)",
        scope: Scope::In(Pane::Specs),
        hint: true,
    },
    Binding {
        action: Action::Open,
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        description: "open the spec or the operation's detail",
        scope: Scope::In(Pane::Specs),
        hint: true,
    },
    Binding {
        action: Action::Back,
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        description: "back, close",
        scope: Scope::Global,
        hint: false,
    },
];

/// The action `key` triggers in `pane` (pane bindings first, then global ones).
pub fn action_for(key: &KeyEvent, pane: Pane) -> Option<Action> {
    let matches = |binding: &&Binding| {
        binding
            .keys
            .iter()
            .any(|(code, modifiers)| *code == key.code && *modifiers == key.modifiers)
    };
    BINDINGS
        .iter()
        .filter(|b| b.scope == Scope::In(pane))
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
        .filter(move |b| b.scope == Scope::In(pane))
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
        assert_eq!(action_for(&key(KeyCode::Char('j'), NONE), Pane::Jobs), None);
        assert_eq!(
            action_for(&key(KeyCode::Char('4'), NONE), Pane::Specs),
            Some(Action::GoTo(Pane::Tools))
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('c'), CONTROL), Pane::Code),
            Some(Action::Quit)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let overlap = a.scope == b.scope && a.keys.iter().any(|k| b.keys.contains(k));
                assert!(
                    !overlap,
                    "{} and {} share a key",
                    a.description, b.description
                );
            }
        }
    }
}
