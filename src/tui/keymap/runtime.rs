//! The keymap in use: the [`BINDINGS`] table with the config file's overrides applied.

use crossterm::event::KeyEvent;

use super::syntax::{distinct, key_label, key_name};
use super::{Action, BINDINGS, Binding, Key, Scope};
use crate::tui::Pane;

/// One binding as in use: a table entry, its keys perhaps replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    pub name: &'static str,
    pub action: Action,
    pub keys: Vec<Key>,
    /// How the keys are shown: the table's label, or one built from the keys when they were overridden.
    pub label: String,
    pub description: &'static str,
    pub scope: Scope,
    pub hint: bool,
    /// Whether the config replaced the keys.
    pub overridden: bool,
}

impl From<&Binding> for KeyBinding {
    fn from(binding: &Binding) -> Self {
        KeyBinding {
            name: binding.name,
            action: binding.action,
            keys: binding.keys.to_vec(),
            label: binding.label.to_string(),
            description: binding.description,
            scope: binding.scope,
            hint: binding.hint,
            overridden: false,
        }
    }
}

impl KeyBinding {
    /// The keys in the config file's syntax (`ctrl-p`), each once.
    pub fn key_names(&self) -> Vec<String> {
        distinct(&self.keys, key_name)
    }

    fn matches(&self, key: &KeyEvent) -> bool {
        self.keys
            .iter()
            .any(|(code, modifiers)| *code == key.code && *modifiers == key.modifiers)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<KeyBinding>,
}

impl Default for Keymap {
    /// The table as it is.
    fn default() -> Self {
        Keymap {
            bindings: BINDINGS.iter().map(KeyBinding::from).collect(),
        }
    }
}

impl Keymap {
    /// The table with each named binding's keys replaced. Problems: names that are no binding, and keys now
    /// shared by two bindings in one pane (the one that wins is said).
    pub fn with_overrides(overrides: &[(String, Vec<Key>)]) -> (Keymap, Vec<String>) {
        let (keymap, problems) = Keymap::build(overrides);
        (keymap, problems.into_iter().map(|(_, p)| p).collect())
    }

    /// As [`Keymap::with_overrides`], each problem with the index of the override it is about.
    pub(crate) fn build(overrides: &[(String, Vec<Key>)]) -> (Keymap, Vec<(usize, String)>) {
        let mut keymap = Keymap::default();
        let mut problems = Vec::new();
        let mut source = vec![None; keymap.bindings.len()];
        for (index, (name, keys)) in overrides.iter().enumerate() {
            let Some(at) = keymap.bindings.iter().position(|b| b.name == name) else {
                problems.push((index, format!("there is no binding named `{name}`")));
                continue;
            };
            let binding = &mut keymap.bindings[at];
            binding.keys = keys.clone();
            binding.label = if keys.is_empty() {
                "(none)".to_string()
            } else {
                distinct(keys, key_label).join("/")
            };
            binding.overridden = true;
            source[at] = Some(index);
        }
        for (i, a) in keymap.bindings.iter().enumerate() {
            for (j, b) in keymap.bindings.iter().enumerate().skip(i + 1) {
                let Some(index) = source[i].or(source[j]) else {
                    continue;
                };
                if let Some(problem) = conflict(a, b) {
                    problems.push((index, problem));
                }
            }
        }
        (keymap, problems)
    }

    /// Every binding, in the table's order.
    pub fn bindings(&self) -> &[KeyBinding] {
        &self.bindings
    }

    pub fn get(&self, name: &str) -> Option<&KeyBinding> {
        self.bindings.iter().find(|b| b.name == name)
    }

    /// The action `key` triggers in `pane` (pane bindings first, then global ones).
    pub fn action_for(&self, key: &KeyEvent, pane: Pane) -> Option<Action> {
        self.bindings_for(pane)
            .find(|b| b.matches(key))
            .map(|b| b.action)
    }

    /// The bindings that apply in `pane`: the pane's own, then the global ones.
    pub fn bindings_for(&self, pane: Pane) -> impl Iterator<Item = &KeyBinding> {
        let own = self
            .bindings
            .iter()
            .filter(move |b| b.scope != Scope::Global && b.scope.covers(pane));
        own.chain(self.bindings.iter().filter(|b| b.scope == Scope::Global))
    }
}

/// Says so when `a` and `b` (`a` first in the table) share a key in some pane.
fn conflict(a: &KeyBinding, b: &KeyBinding) -> Option<String> {
    let shared = distinct(
        &a.keys
            .iter()
            .filter(|k| b.keys.contains(k))
            .copied()
            .collect::<Vec<_>>(),
        key_name,
    );
    let panes: Vec<&str> = Pane::ALL
        .iter()
        .filter(|p| a.scope.covers(**p) && b.scope.covers(**p))
        .map(|p| p.title())
        .collect();
    if shared.is_empty() || panes.is_empty() {
        return None;
    }
    // Pane bindings come before global ones; otherwise the table's order decides.
    let winner = if b.scope != Scope::Global && a.scope == Scope::Global {
        b
    } else {
        a
    };
    let place = if panes.len() == Pane::ALL.len() {
        "everywhere".to_string()
    } else {
        format!("in {}", panes.join(", "))
    };
    Some(format!(
        "`{}` is bound to both {} and {} {place}; {} wins",
        shared.join("`, `"),
        a.name,
        b.name,
        winner.name
    ))
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::super::{action_for, bindings_for, parse_key};
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn overrides(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<Key>)> {
        pairs
            .iter()
            .map(|(name, keys)| {
                let keys = keys.iter().flat_map(|k| parse_key(k).unwrap()).collect();
                (name.to_string(), keys)
            })
            .collect()
    }

    #[test]
    fn the_default_keymap_is_the_table() {
        let keymap = Keymap::default();
        let samples = [
            (KeyCode::Char('j'), KeyModifiers::NONE),
            (KeyCode::Char('q'), KeyModifiers::NONE),
            (KeyCode::Enter, KeyModifiers::NONE),
            (KeyCode::Char('p'), KeyModifiers::CONTROL),
            (KeyCode::BackTab, KeyModifiers::SHIFT),
        ];
        for pane in Pane::ALL {
            for (code, modifiers) in samples {
                let key = press(code, modifiers);
                assert_eq!(keymap.action_for(&key, pane), action_for(&key, pane));
            }
            let ours: Vec<&str> = keymap.bindings_for(pane).map(|b| b.name).collect();
            let table: Vec<&str> = bindings_for(pane).map(|b| b.name).collect();
            assert_eq!(ours, table);
            assert!(keymap.bindings_for(pane).all(|b| !b.overridden));
        }
    }

    #[test]
    fn an_override_changes_the_action_and_the_label() {
        let (keymap, problems) = Keymap::with_overrides(&overrides(&[
            ("quit", &["x", "ctrl-q"]),
            ("filter", &["F"]),
        ]));
        assert!(problems.is_empty(), "{problems:?}");
        let quit = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for(&quit, Pane::Code), None);
        let ctrl_q = press(KeyCode::Char('q'), KeyModifiers::CONTROL);
        assert_eq!(keymap.action_for(&ctrl_q, Pane::Code), Some(Action::Quit));
        let shift_f = press(KeyCode::Char('F'), KeyModifiers::SHIFT);
        assert_eq!(
            keymap.action_for(&shift_f, Pane::Specs),
            Some(Action::Filter)
        );
        assert_eq!(keymap.action_for(&shift_f, Pane::Jobs), None);
        let binding = keymap.get("quit").unwrap();
        assert_eq!(binding.label, "x/C-q");
        assert_eq!(binding.key_names(), vec!["x", "ctrl-q"]);
        assert_eq!(keymap.get("filter").unwrap().label, "F");
        let hints: Vec<&str> = keymap
            .bindings_for(Pane::Specs)
            .filter(|b| b.hint)
            .map(|b| b.label.as_str())
            .collect();
        assert!(
            hints.contains(&"x/C-q") && hints.contains(&"F"),
            "{hints:?}"
        );
    }

    #[test]
    fn conflicts_and_unknown_names_are_reported() {
        let (keymap, problems) =
            Keymap::with_overrides(&overrides(&[("quit", &["j"]), ("no_such", &["z"])]));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0], "there is no binding named `no_such`");
        assert_eq!(
            problems[1],
            "`j` is bound to both quit and down everywhere; down wins"
        );
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for(&j, Pane::Specs), Some(Action::Down));
        assert_eq!(keymap.action_for(&j, Pane::Jobs), Some(Action::Down));
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(keymap.action_for(&q, Pane::Jobs), None, "quit moved to j");

        let (_, problems) = Keymap::build(&overrides(&[("help", &["q"])]));
        assert_eq!(
            problems,
            vec![(
                0,
                "`q` is bound to both help and quit everywhere; help wins".to_string()
            )]
        );
        // Swapping two bindings' keys is no conflict.
        let (_, problems) = Keymap::with_overrides(&overrides(&[("up", &["j"]), ("down", &["k"])]));
        assert!(problems.is_empty(), "{problems:?}");
    }
}
