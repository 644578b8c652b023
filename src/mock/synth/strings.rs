//! Strings for synthesized values: a canonical value per `format`, cheap format checks for examples, and a
//! best-effort generator of a string matching a (simple) regular expression.

/// A valid value for a string `format`, or `None` for formats this module does not know.
pub(crate) fn format_value(format: &str, variant: usize) -> Option<String> {
    let v = variant % 10;
    Some(match format {
        "date-time" => format!("2024-01-0{}T09:30:00Z", v.max(1)),
        "date" => format!("2024-01-0{}", v.max(1)),
        "time" => "09:30:00Z".to_string(),
        "email" | "idn-email" => format!("user{}@example.com", suffix(variant)),
        "uuid" => format!("3fa85f64-5717-4562-b3fc-2c963f66afa{v}"),
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => {
            format!("https://example.com/resource{}", suffix(variant))
        }
        "uri-template" => "https://example.com/{id}".to_string(),
        "hostname" | "idn-hostname" => format!("host{}.example.com", suffix(variant)),
        "ipv4" => format!("192.0.2.{}", 1 + v),
        "ipv6" => format!("2001:db8::{}", 1 + v),
        "byte" => "c3RyaW5n".to_string(),
        "binary" => "binary-data".to_string(),
        "password" => "password".to_string(),
        "duration" => format!("P{}D", 1 + v),
        "regex" => "^[a-z]+$".to_string(),
        "json-pointer" => "/path".to_string(),
        "relative-json-pointer" => "1".to_string(),
        "int32" | "int64" | "integer" | "unix-time" => (1 + variant).to_string(),
        "decimal" | "number" | "double" | "float" => format!("{}.5", 1 + variant),
        _ => return None,
    })
}

fn suffix(variant: usize) -> String {
    if variant == 0 {
        String::new()
    } else {
        variant.to_string()
    }
}

/// Whether `text` plausibly satisfies `format` (strict enough to reject examples that a validator would).
/// Formats this module does not know are accepted.
pub(crate) fn plausible(format: &str, text: &str) -> bool {
    match format {
        "date-time" => is_date_time(text),
        "date" => is_date(text),
        "email" | "idn-email" => is_email(text),
        "uuid" => is_uuid(text),
        "uri" | "url" | "iri" => {
            (text.starts_with("http://") || text.starts_with("https://")) && !text.contains(' ')
        }
        "ipv4" => text.split('.').filter(|p| p.parse::<u8>().is_ok()).count() == 4,
        _ => format_value(format, 0).is_none(),
    }
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| digits(p))
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=28).contains(&parts[2].parse::<u32>().unwrap_or(0))
}

fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else {
        return false;
    };
    let (clock, zone_ok) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, true)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let zone = &time[at + 1..];
        let ok = zone.len() == 5 && zone.as_bytes()[2] == b':' && digits(&zone.replace(':', ""));
        (&time[..at], ok)
    } else {
        (time, false)
    };
    let clock = clock.split('.').next().unwrap_or("");
    let hms: Vec<&str> = clock.split(':').collect();
    is_date(date)
        && zone_ok
        && hms.len() == 3
        && hms.iter().all(|p| p.len() == 2 && digits(p))
        && hms[0] < "24"
        && hms[1] < "60"
        && hms[2] < "60"
}

fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.contains([' ', '<', '>'])
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A string matching `pattern`, for the common subset of regular expressions: literals, escapes (`\d`,
/// `\w`, ...), classes, groups with alternation (the first branch), and quantifiers (their minimum, at
/// least one when `prefer_one`). `None` for lookarounds, backreferences and anything it cannot read.
pub(crate) fn from_pattern(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut parser = Pattern { chars, at: 0 };
    let out = parser.alternation(0)?;
    if parser.at < parser.chars.len() {
        return None;
    }
    Some(out)
}

struct Pattern {
    chars: Vec<char>,
    at: usize,
}

impl Pattern {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// Branches separated by `|`: the first one is kept, the others are read and dropped.
    fn alternation(&mut self, depth: usize) -> Option<String> {
        if depth > 32 {
            return None;
        }
        let first = self.sequence(depth)?;
        while self.peek() == Some('|') {
            self.at += 1;
            self.sequence(depth)?;
        }
        Some(first)
    }

    fn sequence(&mut self, depth: usize) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            let count = self.quantifier()?;
            for _ in 0..count {
                out.push_str(&atom);
            }
            if out.len() > 4096 {
                return None;
            }
        }
        Some(out)
    }

    fn atom(&mut self, depth: usize) -> Option<String> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            '^' | '$' => String::new(),
            '.' => "a".to_string(),
            '(' => {
                if self.peek() == Some('?') {
                    self.at += 1;
                    match self.peek()? {
                        ':' => self.at += 1,
                        '<' if !matches!(self.chars.get(self.at + 1), Some('=' | '!')) => {
                            while self.peek()? != '>' {
                                self.at += 1;
                            }
                            self.at += 1;
                        }
                        'P' => {
                            while self.peek()? != '>' {
                                self.at += 1;
                            }
                            self.at += 1;
                        }
                        _ => return None,
                    }
                }
                let inner = self.alternation(depth + 1)?;
                if self.peek()? != ')' {
                    return None;
                }
                self.at += 1;
                inner
            }
            '[' => self.class()?.to_string(),
            '\\' => self.escape()?.to_string(),
            '*' | '+' | '?' | '{' | ')' => return None,
            other => other.to_string(),
        })
    }

    fn escape(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            'd' => '1',
            'w' => 'a',
            's' => ' ',
            'D' | 'W' | 'S' => 'a',
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'p' | 'P' => {
                // \p{L}: any letter will do.
                if self.peek() == Some('{') {
                    while self.peek()? != '}' {
                        self.at += 1;
                    }
                    self.at += 1;
                } else {
                    self.at += 1;
                }
                'a'
            }
            'u' => {
                let hex: String = self.chars.get(self.at..self.at + 4)?.iter().collect();
                self.at += 4;
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            'x' => {
                let hex: String = self.chars.get(self.at..self.at + 2)?.iter().collect();
                self.at += 2;
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            'b' | 'B' | 'A' | 'z' | 'Z' => return None,
            c if c.is_ascii_digit() => return None,
            other => other,
        })
    }

    /// A bracketed class: its first member, or for a negated class a common character outside it.
    fn class(&mut self) -> Option<char> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut members: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            if c == ']' && !first {
                self.at += 1;
                break;
            }
            first = false;
            self.at += 1;
            let low = match c {
                '\\' => {
                    let escaped = self.peek()?;
                    let value = self.escape()?;
                    if matches!(escaped, 'd' | 'w' | 's' | 'D' | 'W' | 'S' | 'p' | 'P') {
                        let range = match escaped {
                            'd' => ('0', '9'),
                            's' => (' ', ' '),
                            _ => ('a', 'z'),
                        };
                        members.push(range);
                        continue;
                    }
                    value
                }
                other => other,
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']') {
                self.at += 1;
                let mut high = self.peek()?;
                self.at += 1;
                if high == '\\' {
                    high = self.escape()?;
                }
                members.push((low, high));
            } else {
                members.push((low, low));
            }
        }
        if negated {
            "aA0-_x.Z9 "
                .chars()
                .find(|c| !members.iter().any(|(lo, hi)| lo <= c && c <= hi))
        } else {
            // Prefer a letter or digit member when the class offers one.
            let alnum = members
                .iter()
                .find(|(lo, _)| lo.is_ascii_alphanumeric())
                .or(members.first());
            alnum.map(|(lo, _)| *lo)
        }
    }

    /// How many times to repeat the atom before it: the quantifier's minimum (one for `+`).
    fn quantifier(&mut self) -> Option<usize> {
        let count = match self.peek() {
            Some('*') | Some('?') => {
                self.at += 1;
                0
            }
            Some('+') => {
                self.at += 1;
                1
            }
            Some('{') => {
                let close = self.chars[self.at..].iter().position(|c| *c == '}')?;
                let body: String = self.chars[self.at + 1..self.at + close].iter().collect();
                let low = body.split(',').next()?.trim();
                let count = low.parse::<usize>().ok()?;
                self.at += close + 1;
                count.min(1024)
            }
            _ => return Some(1),
        };
        // Lazy or possessive suffixes change nothing here.
        if matches!(self.peek(), Some('?') | Some('+')) {
            self.at += 1;
        }
        Some(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(from_pattern("^[0-9]{15}$").unwrap(), "000000000000000");
        assert_eq!(from_pattern("^[A-Z]{2}$").unwrap(), "AA");
        assert_eq!(from_pattern(r"^\+[0-9 ]{6,20}$").unwrap(), "+000000");
        assert_eq!(from_pattern("^(foo|bar)-\\d+$").unwrap(), "foo-1");
        assert_eq!(from_pattern("^[^@]+@[^@]+$").unwrap(), "a@a");
        assert!(from_pattern("(?=x)").is_none());
        assert!(from_pattern("(a)\\1").is_none());
    }

    #[test]
    fn format_checks() {
        assert!(plausible("date-time", "2024-02-01T09:30:00Z"));
        assert!(plausible("date-time", "2024-02-01T09:30:00.123+01:00"));
        assert!(!plausible("date-time", "2024-02-01"));
        assert!(plausible("date", "2021-04-12"));
        assert!(!plausible("email", "octocat"));
        assert!(plausible("uuid", "6f1c2a9e-3b1d-4c55-9a0e-2f7d8b6c1e44"));
        assert!(plausible("x-custom", "anything"));
        for format in ["date-time", "date", "email", "uuid", "uri", "ipv4"] {
            assert!(
                plausible(format, &format_value(format, 3).unwrap()),
                "{format}"
            );
        }
    }
}
