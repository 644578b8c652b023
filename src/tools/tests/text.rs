use super::super::text::{bound, clean_markup, clean_markup_fully, is_plain, one_line};

#[test]
fn html_tags_go_and_entities_are_decoded() {
    let raw =
        "<p>Returns the <b>pet</b> &amp; its owner.</p><p>Use <code>petId</code>&nbsp;here.</p>";
    assert_eq!(
        clean_markup(raw),
        "Returns the pet & its owner.\n\nUse petId here."
    );
    // Angle brackets that are not HTML stay.
    assert_eq!(
        clean_markup("GET /users/<username> if a < b"),
        "GET /users/<username> if a < b"
    );
    assert_eq!(
        clean_markup("a<!-- hidden -->b &#65;&#x42; &bogus; x"),
        "ab AB &bogus; x"
    );
    assert_eq!(
        clean_markup("<img src=\"x.png\" alt=\"diagram\"> done"),
        "diagram done"
    );
}

#[test]
fn markdown_images_and_links_become_text() {
    let raw = "## Overview\n\n![Logo](https://x.example/logo.png) See the [guide](https://x.example/guide) \
               and [rate limits][limits].\n\n[limits]: https://x.example/limits\n**Note:** keep `created__gte`.";
    assert_eq!(
        clean_markup(raw),
        "Overview\n\nLogo See the guide and rate limits.\n\nNote: keep `created__gte`."
    );
    // Brackets that are not links stay.
    assert_eq!(
        clean_markup("values [a, b] and [x]"),
        "values [a, b] and [x]"
    ); // `**` goes pair by pair, left to right, also where removing a link makes one.
    assert_eq!(clean_markup("a ***b*** **c**"), "a *b* c");
    assert_eq!(clean_markup("*[](x)*y"), "y");
}

#[test]
fn whitespace_collapses_but_paragraphs_and_list_items_stay() {
    let raw =
        "  First   line\n  continues here.\n\n\n\nSecond\tparagraph:\n- one\n- two\n1. three\n";
    assert_eq!(
        clean_markup(raw),
        "First line continues here.\n\nSecond paragraph:\n- one\n- two\n1. three"
    );
}

#[test]
fn bounding_cuts_at_a_word_with_an_ellipsis() {
    assert_eq!(bound("short", 10), "short");
    let text = "alpha beta gamma delta epsilon";
    let cut = bound(text, 20);
    assert_eq!(cut, "alpha beta gamma…");
    assert!(cut.chars().count() <= 20);
    // Multi-byte text never splits a character.
    let wide = "é".repeat(50);
    let cut = bound(&wide, 10);
    assert_eq!(cut.chars().count(), 10);
    assert!(cut.ends_with('…'));
    assert_eq!(
        one_line("First para\nstill first.\n\nSecond", 100),
        "First para still first."
    );
}

/// The shortcut for plain text gives what full cleaning gives, for every short string over an alphabet of the
/// characters that cleaning looks at.
#[test]
fn plain_text_shortcut_agrees_with_full_cleaning() {
    let alphabet = [
        "a", " ", "*", "#", "`", "~", "<", "&", "[", "]", "(", "\n", "\t", "\u{a0}", "b>", "p",
    ];
    let mut words = vec![String::new()];
    let mut plain = 0;
    for _ in 0..4 {
        let longer: Vec<String> = words
            .iter()
            .flat_map(|word| alphabet.iter().map(move |c| format!("{word}{c}")))
            .collect();
        for text in &longer {
            let full = clean_markup_fully(text);
            assert_eq!(clean_markup(text), full, "{text:?}");
            if is_plain(text) {
                assert_eq!(&full, text, "{text:?}");
                plain += 1;
            }
        }
        words = longer;
    }
    assert!(plain > 1000, "only {plain} plain strings");
    assert!(is_plain(
        "The repository's `owner` (case-insensitive): a*b."
    ));
}
