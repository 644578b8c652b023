use super::*;

/// Strings a hostile or careless spec may hold.
const HOSTILE: &[&str] = &[
    "",
    "plain",
    "quote \" and 'single'",
    "triple \"\"\" inside",
    "ends with a quote\"",
    "\"\"\"",
    "\"\"\"\"\"\"\"",
    "back\\slash \\\" \\",
    "trailing backslash \\",
    "back`tick` ``` fences",
    "*/ closes a block comment /*",
    "${process.exit(1)} template",
    "#{ruby} interpolation",
    "{braces} {{double}} %s %(x)s",
    "line one\nline two\r\nline three\rend",
    "nul\0byte",
    "tab\there\x0bvt\x0cff\x1besc\x7fdel",
    "emoji 🦀🐍 and ZWJ 👩‍💻",
    "RTL שלום עליכם مرحبا",
    "bidi \u{202e}override\u{202c} and \u{2066}isolate\u{2069}",
    "separators \u{2028} and \u{2029} and NEL \u{85}",
    "bom \u{feff} zero width \u{200b}",
    "# not a comment\n# -*- coding: latin-1 -*-",
    "\\N{BULLET} \\x41 \\u0041",
];

/// Python's reading of the escapes `py_str` and `py_docstring` write.
fn unescape_python(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some(other) => out.push(other),
            None => panic!("dangling backslash in {body:?}"),
        }
    }
    out
}

fn has_raw_hazard(text: &str) -> bool {
    text.chars().any(|c| is_hazard(c) && c != '\n')
}

#[test]
fn python_strings_round_trip_and_stay_closed() {
    for &text in HOSTILE {
        let literal = py_str(text);
        assert!(literal.starts_with('"') && literal.ends_with('"'));
        assert!(
            !has_raw_hazard(&literal) && !literal.contains('\n'),
            "{literal}"
        );
        assert_eq!(unescape_python(&literal[1..literal.len() - 1]), text);
        // The same escapes read as JSON.
        assert_eq!(serde_json::from_str::<String>(&literal).unwrap(), text);
    }
}

#[test]
fn python_docstrings_cannot_be_closed() {
    for &text in HOSTILE {
        let body = py_docstring(text);
        assert!(!body.contains("\"\"\""), "{body}");
        assert!(!body.ends_with('"') || body.ends_with("\\\""), "{body}");
        assert!(!has_raw_hazard(&body), "{body:?}");
        let expected = text.replace('\t', "    ");
        assert_eq!(unescape_python(&body), expected, "{body}");
    }
}

#[test]
fn comments_stay_on_one_line() {
    for &text in HOSTILE {
        let line = comment_line(text, 80);
        assert!(
            !line.contains('\n') && !line.contains('\r') && !has_raw_hazard(&line),
            "{line:?}"
        );
        assert!(line.chars().count() <= 81);
        let block = js_block_comment(text);
        assert!(!block.contains("*/"), "{block}");
    }
    assert_eq!(comment_line("a\n\nb   c", 80), "a b c");
    assert_eq!(comment_line("abcdef", 3), "abc…");
}

#[test]
fn bytes_literals_are_ascii() {
    let literal = py_bytes(b"a\"b\\c\n\x00\xff");
    assert_eq!(literal, "b\"a\\\"b\\\\c\\n\\x00\\xff\"");
}

#[test]
fn identifiers_are_valid_unique_and_not_keywords() {
    assert_eq!(py_identifier("class"), "class_");
    assert_eq!(py_identifier("None"), "None_");
    assert_eq!(py_identifier("3d"), "_3d");
    assert_eq!(py_identifier(""), "_");
    assert_eq!(py_identifier("a-b c"), "a_b_c");
    assert_eq!(py_identifier("🦀"), "_");
    assert_eq!(py_identifier("x\0y"), "x_y");
    assert_eq!(py_snake("Pet Clinic & Store"), "pet_clinic_store");
    assert_eq!(py_snake("listPets"), "list_pets");
    assert_eq!(py_snake("import"), "import_");
    assert_eq!(py_snake("שלום"), "_");
    for &text in HOSTILE {
        let id = py_identifier(text);
        assert!(!id.is_empty() && !id.starts_with(|c: char| c.is_ascii_digit()));
        assert!(
            id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{id}"
        );
        assert!(!PYTHON_KEYWORDS.contains(&id.as_str()));
    }
    let mut ids = Identifiers::reserving(&["server"]);
    assert_eq!(ids.claim("server", py_identifier), "server_2");
    assert_eq!(ids.claim("a b", py_identifier), "a_b");
    assert_eq!(ids.claim("a-b", py_identifier), "a_b_2");
    assert_eq!(ids.claim("a_b", py_identifier), "a_b_3");
}

#[test]
fn javascript_and_rust_strings_round_trip() {
    for &text in HOSTILE {
        let js = js_str(text);
        assert!(!has_raw_hazard(&js) && !js.contains('\n'));
        assert_eq!(serde_json::from_str::<String>(&js).unwrap(), text);
        let rust = rust_str(text);
        assert!(!has_raw_hazard(&rust) && !rust.contains('\n'));
        assert!(rust.starts_with('"') && rust.ends_with('"'));
    }
    assert_eq!(rust_str("a\u{202e}\"\\"), "\"a\\u{202e}\\\"\\\\\"");
    assert_eq!(js_str("${x}`"), "\"${x}`\"");
}

/// JavaScript's reading of a template literal body `js_template` writes (no substitutions in it).
fn unescape_template(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => panic!("raw backtick closes the template: {body:?}"),
            '$' if chars.peek() == Some(&'{') => panic!("raw ${{ interpolates: {body:?}"),
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                }
                Some(other) => out.push(other),
                None => panic!("dangling backslash in {body:?}"),
            },
            c => out.push(c),
        }
    }
    out
}

#[test]
fn javascript_templates_cannot_be_closed_or_interpolate() {
    for &text in HOSTILE {
        let body = js_template(text);
        assert!(!has_raw_hazard(&body), "{body:?}");
        assert_eq!(unescape_template(&body), text);
    }
    assert_eq!(js_template("`${x}` $y \\"), "\\`\\${x}\\` $y \\\\");
}

#[test]
fn javascript_keys_and_identifiers_are_safe() {
    assert_eq!(js_key("__proto__"), "[\"__proto__\"]");
    assert_eq!(js_key("constructor"), "\"constructor\"");
    assert_eq!(js_identifier("class"), "class_");
    assert_eq!(js_identifier("await"), "await_");
    assert_eq!(js_identifier("3d"), "_3d");
    assert_eq!(js_identifier("${x}*/"), "x");
    for &text in HOSTILE {
        let id = js_identifier(text);
        assert!(!id.is_empty() && !id.starts_with(|c: char| c.is_ascii_digit()));
        assert!(
            id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{id}"
        );
        assert!(!JS_RESERVED.contains(&id.as_str()));
        let comment = js_block_comment(text);
        assert!(!comment.contains("*/") && !has_raw_hazard(&comment.replace('\n', " ")));
    }
    let mut ids = Identifiers::reserving(&["server"]);
    assert_eq!(ids.claim("server", js_identifier), "server_2");
}

/// Rust's reading of the escapes `rust_str` writes.
fn unescape_rust(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                assert_eq!(chars.next(), Some('{'));
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some(other) => out.push(other),
            None => panic!("dangling backslash in {body:?}"),
        }
    }
    out
}

#[test]
fn rust_raw_strings_cannot_be_closed_early() {
    let mut cases: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    cases.extend(["\"#", "a\"##b\"#", "\"###", "#", "r#\"x\"#"].map(String::from));
    for text in &cases {
        let literal = rust_raw_str(text);
        if text.chars().any(is_hazard) {
            assert_eq!(literal, rust_str(text));
            assert!(!has_raw_hazard(&literal), "{literal:?}");
            assert_eq!(unescape_rust(&literal[1..literal.len() - 1]), *text);
            continue;
        }
        let hashes = literal[1..].chars().take_while(|&c| c == '#').count();
        assert!(hashes >= 1);
        let close = format!("\"{}", "#".repeat(hashes));
        let inner = &literal[hashes + 2..literal.len() - hashes - 1];
        assert_eq!(inner, text, "{literal}");
        assert!(!inner.contains(&close), "{literal} closes early");
        assert!(literal.ends_with(&close));
    }
}

#[test]
fn rust_doc_comments_stay_comments() {
    for text in HOSTILE {
        for prefix in ["///", "//!"] {
            let doc = rust_doc(text, prefix);
            for line in doc.lines() {
                assert!(
                    line == prefix || line.starts_with(&format!("{prefix} ")),
                    "{line:?}"
                );
                assert!(!has_raw_hazard(line), "{line:?}");
                assert!(!line.contains("```") && !line.contains("~~~"), "{line:?}");
            }
            assert!(!doc.contains('\r'));
        }
    }
    assert_eq!(
        rust_doc("```rust\nfn x() {}\n~~~", "///"),
        "/// `\\``rust\n/// fn x() {}\n/// ~\\~~"
    );
    assert_eq!(rust_doc("`code` <b>", "//!"), "//! `code` \\<b>");
}

#[test]
fn rust_identifiers_are_never_keywords() {
    for keyword in RUST_KEYWORDS {
        let ident = rust_identifier(keyword);
        assert!(!RUST_KEYWORDS.contains(&ident.as_str()), "{ident}");
    }
    assert_eq!(rust_identifier(""), "unnamed");
    assert_eq!(rust_identifier("___"), "unnamed");
    assert_eq!(rust_identifier("3d"), "_3d");
    assert_eq!(rust_identifier("fn"), "fn_");
    assert_eq!(rust_snake("listPets"), "list_pets");
    assert_eq!(rust_snake("Self"), "self_");
    assert_eq!(rust_snake("get\"\"\"Item */ ${x}"), "get_item_x");
    for text in HOSTILE {
        for ident in [rust_identifier(text), rust_snake(text)] {
            assert!(
                ident.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !ident.starts_with(|c: char| c.is_ascii_digit())
                    && ident != "_"
                    && !RUST_KEYWORDS.contains(&ident.as_str()),
                "{ident}"
            );
        }
        let snake = rust_snake(text);
        assert!(
            !snake.contains("__") && !snake.chars().any(|c| c.is_ascii_uppercase()),
            "{snake}"
        );
    }
}

/// The char-by-char spelling `py_str` and `js_str` had before they copied runs whole.
fn quoted_char_by_char(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hazard(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn quoted_strings_and_their_lengths_agree() {
    let mut texts: Vec<String> = HOSTILE.iter().map(|t| t.to_string()).collect();
    texts.push("__proto__".into());
    texts.push("é\u{80}\u{9f}\u{ad}x\u{61c}\u{180e}\u{200b}\u{2028}\u{202e}\u{2066}\u{feff}\u{fffb}😀\u{7f}".into());
    for text in &texts {
        let expected = quoted_char_by_char(text);
        assert_eq!(py_str(text), expected, "{text:?}");
        assert_eq!(js_str(text), expected, "{text:?}");
        assert_eq!(quoted_len(text), expected.len(), "{text:?}");
        assert_eq!(js_key_len(text), js_key(text).len(), "{text:?}");
        let mut appended = String::from("x");
        push_js_key(&mut appended, text);
        assert_eq!(appended[1..], js_key(text), "{text:?}");
    }
}
