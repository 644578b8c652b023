//! Keys as text: the config file's syntax (`ctrl-x`, `shift-tab`, `A`, `f5`) both ways, and the short labels
//! the help and the status bar show (`C-x`, `S-Tab`, `↑`).

use crossterm::event::{KeyCode, KeyModifiers};

use super::Key;

const NAMED: [(&str, KeyCode); 16] = [
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backspace", KeyCode::Backspace),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
];

/// The key presses one key of the config file stands for. Terminals differ on whether a shifted character
/// (`A`, `?`) comes with the SHIFT modifier, so those match both ways; `shift-tab` is the back-tab key.
pub fn parse_key(text: &str) -> Result<Vec<Key>, String> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let (modifier, prefix) = if lower.starts_with("ctrl-") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt-") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        if rest.len() == prefix {
            break; // `ctrl-` alone: not a key
        }
        modifiers |= modifier;
        rest = &rest[prefix..];
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_whitespace() && !c.is_control() => KeyCode::Char(c),
        _ => named(rest).ok_or_else(|| {
            format!(
                "`{text}` is not a key (a character, ctrl-x, alt-x, shift-tab, enter, esc, f1, ...)"
            )
        })?,
    };
    let without_shift = modifiers.difference(KeyModifiers::SHIFT);
    Ok(match code {
        KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => vec![
            (KeyCode::BackTab, modifiers),
            (KeyCode::BackTab, without_shift),
        ],
        KeyCode::Char(c) if c.is_alphabetic() && modifiers.contains(KeyModifiers::SHIFT) => {
            shifted(c.to_uppercase().next().unwrap_or(c), without_shift)
        }
        KeyCode::Char(c) if c.is_uppercase() || !(c.is_alphanumeric() || c == ' ') => {
            shifted(c, without_shift)
        }
        code => vec![(code, modifiers)],
    })
}

/// A character typed with Shift: reported with or without the modifier.
fn shifted(c: char, modifiers: KeyModifiers) -> Vec<Key> {
    vec![
        (KeyCode::Char(c), modifiers),
        (KeyCode::Char(c), modifiers | KeyModifiers::SHIFT),
    ]
}

fn named(text: &str) -> Option<KeyCode> {
    let lower = text.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=12).contains(&n).then_some(KeyCode::F(n));
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, code)| *code)
}

/// One key in the config file's syntax (`ctrl-p`, `shift-tab`, `G`).
pub fn key_name(key: Key) -> String {
    let (code, modifiers) = key;
    let mut name = prefixes(modifiers, code, ["ctrl-", "alt-", "shift-"]);
    match code {
        KeyCode::Char(' ') => name.push_str("space"),
        KeyCode::Char(c) => name.push(c),
        KeyCode::BackTab => name.push_str("shift-tab"),
        KeyCode::F(n) => name.push_str(&format!("f{n}")),
        other => match NAMED.iter().find(|(_, c)| *c == other) {
            Some((n, _)) => name.push_str(n),
            None => name.push_str(&format!("{other:?}").to_ascii_lowercase()),
        },
    }
    name
}

/// One key as the help shows it (`C-c`, `S-Tab`, `↑`).
pub fn key_label(key: Key) -> String {
    let (code, modifiers) = key;
    let mut label = prefixes(modifiers, code, ["C-", "A-", "S-"]);
    let text = match code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::BackTab => "S-Tab".to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Backspace => "Bksp".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Insert => "Ins".into(),
        other => format!("{other:?}"),
    };
    label.push_str(&text);
    label
}

/// Modifier prefixes; Shift is left out where the key already says it (`A`, `?`, back-tab).
fn prefixes(modifiers: KeyModifiers, code: KeyCode, [ctrl, alt, shift]: [&str; 3]) -> String {
    let mut text = String::new();
    if modifiers.contains(KeyModifiers::CONTROL) {
        text.push_str(ctrl);
    }
    if modifiers.contains(KeyModifiers::ALT) {
        text.push_str(alt);
    }
    let implied = matches!(code, KeyCode::Char(_) | KeyCode::BackTab);
    if modifiers.contains(KeyModifiers::SHIFT) && !implied {
        text.push_str(shift);
    }
    text
}

/// The distinct texts of `keys` by `show`, in order.
pub(super) fn distinct(keys: &[Key], show: fn(Key) -> String) -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for key in keys {
        let text = show(*key);
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::super::BINDINGS;
    use super::*;

    const NONE: KeyModifiers = KeyModifiers::NONE;

    #[test]
    fn the_config_syntax() {
        assert_eq!(parse_key("a"), Ok(vec![(KeyCode::Char('a'), NONE)]));
        let shift_a = vec![
            (KeyCode::Char('A'), NONE),
            (KeyCode::Char('A'), KeyModifiers::SHIFT),
        ];
        assert_eq!(parse_key("A"), Ok(shift_a.clone()));
        assert_eq!(parse_key("shift-a"), Ok(shift_a));
        assert!(
            parse_key("?")
                .unwrap()
                .contains(&(KeyCode::Char('?'), NONE))
        );
        assert_eq!(
            parse_key("ctrl-x"),
            Ok(vec![(KeyCode::Char('x'), KeyModifiers::CONTROL)])
        );
        assert_eq!(
            parse_key("Ctrl-Alt-x"),
            Ok(vec![(
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            )])
        );
        assert!(
            parse_key("shift-tab")
                .unwrap()
                .contains(&(KeyCode::BackTab, KeyModifiers::SHIFT))
        );
        assert_eq!(parse_key("f12"), Ok(vec![(KeyCode::F(12), NONE)]));
        assert_eq!(parse_key("space"), Ok(vec![(KeyCode::Char(' '), NONE)]));
        assert_eq!(parse_key("PageDown"), Ok(vec![(KeyCode::PageDown, NONE)]));
        assert_eq!(parse_key("-"), Ok(shifted('-', NONE)));
        assert_eq!(parse_key("ctrl--"), Ok(shifted('-', KeyModifiers::CONTROL)));
        for bad in ["", "ctrl-", "f13", "f0", "ctrl-enterr", "qq", " "] {
            assert!(parse_key(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn every_default_key_reads_back_from_its_name() {
        for binding in BINDINGS {
            for key in binding.keys {
                let name = key_name(*key);
                let parsed = parse_key(&name).unwrap_or_else(|e| panic!("{e}"));
                assert!(
                    parsed.contains(key),
                    "{}: {name} -> {parsed:?}",
                    binding.name
                );
            }
        }
    }

    #[test]
    fn labels_match_the_tables_style() {
        let up = [(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)];
        assert_eq!(distinct(&up, key_label).join("/"), "k/↑");
        assert_eq!(
            key_label((KeyCode::Char('c'), KeyModifiers::CONTROL)),
            "C-c"
        );
        assert_eq!(key_label((KeyCode::BackTab, KeyModifiers::SHIFT)), "S-Tab");
        let question = parse_key("?").unwrap();
        assert_eq!(distinct(&question, key_label), vec!["?"]);
        assert_eq!(distinct(&question, key_name), vec!["?"]);
    }
}
