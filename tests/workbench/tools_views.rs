//! Snapshots of the Tools pane and its overlays, drawn by the real loop over a real session (the sample
//! spec served by `mcpow serve` against mcpow's mock): at 160x48 and 80x24, plain, and the 16-colour theme
//! with every cell's style. Times are masked (`#`, same width) so snapshots don't depend on the machine.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers};
use mcpoverflow::tui::theme::{Depth, Palette, Theme};

use super::live::Workbench;

const LONG: Duration = Duration::from_secs(30);

/// Durations (`13 ms`, `0.014s`, `1.2 s`; seconds only with a decimal point) masked as `#`, each line kept at its width (the spaces after
/// the last masked number absorb the difference), so snapshots don't depend on the machine's speed.
pub fn mask_times(text: &str) -> String {
    text.split('\n')
        .map(mask_line)
        .collect::<Vec<_>>()
        .join("\n")
}

fn mask_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut removed = 0usize;
    let mut last_mask = None;
    let mut i = 0;
    while i < chars.len() {
        let starts_number =
            chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric());
        if starts_number {
            let mut end = i;
            while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == '.') {
                end += 1;
            }
            let after: String = chars[end..(end + 3).min(chars.len())].iter().collect();
            let decimal = chars[i..end].contains(&'.');
            let seconds = decimal && (after.starts_with('s') || after.starts_with(" s"));
            if after.starts_with(" ms") || seconds {
                // The padding before the number goes too: right-aligned columns mask the same.
                let mut start = out.len();
                while start > 0 && out[start - 1] == ' ' {
                    start -= 1;
                }
                removed += out.len() - start + (end - i) - 1;
                out.truncate(start);
                out.push('#');
                last_mask = Some(out.len());
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    // Put the removed width back as spaces in the last run of two or more after the last mask (the
    // padding before a border).
    if let Some(from) = last_mask
        && removed > 0
    {
        let at = (from..out.len().saturating_sub(1))
            .rev()
            .find(|&j| out[j] == ' ' && out[j + 1] == ' ')
            .unwrap_or(out.len());
        for _ in 0..removed {
            out.insert(at, ' ');
        }
    }
    out.into_iter().collect()
}

/// The screen at 160x48 and at 80x24, under `name_{size}` (the terminal is 160x48 before and after).
async fn snapshot_both(workbench: &Workbench, name: &str, expect: &[&str]) {
    for (width, height) in [(160, 48), (80, 24), (160, 48)] {
        if width != workbench.backend.width() {
            workbench.resize(width, height);
        }
        workbench.wait_for(expect, LONG).await;
        // Let a draw that was already under way finish at the new size.
        tokio::time::sleep(Duration::from_millis(50)).await;
        // (160x48 is checked again after the resize back: the same screen must come back.)
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            mask_times(&workbench.backend.screen())
        );
    }
}

/// Connects to the sample spec served against the mock, and calls getPet with petId 7.
async fn serve_and_call(workbench: &Workbench) {
    workbench.press(KeyCode::Char('4'));
    workbench.press(KeyCode::Char('c'));
    workbench
        .wait_for(&["against mcpow's mock (offline)"], LONG)
        .await;
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["Tools (10)", "MCP 20"], LONG).await;
    workbench.press(KeyCode::Char('/'));
    workbench.type_text("getpet");
    workbench.press(KeyCode::Enter);
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["Arguments · getPet"], LONG).await;
    workbench.type_text("7");
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["getPet · ok"], LONG).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_pane_views_and_overlays() {
    let workbench = Workbench::start(160, 48);
    workbench.wait_for(&["petstore-3.0.yaml (10)"], LONG).await;
    workbench.press(KeyCode::Char('4'));
    snapshot_both(&workbench, "tools_not_connected", &["not connected"]).await;
    workbench.press(KeyCode::Char('c'));
    snapshot_both(
        &workbench,
        "tools_picker",
        &["Connect to a server", "A command line or URL"],
    )
    .await;
    workbench.press(KeyCode::Esc);
    serve_and_call(&workbench).await;
    snapshot_both(&workbench, "tools_result", &["getPet · ok", "\"species\""]).await;

    workbench.press(KeyCode::Esc);
    workbench.press(KeyCode::Char(']'));
    workbench.press(KeyCode::Char(']'));
    snapshot_both(&workbench, "tools_frames", &["tools/call"]).await;
    workbench.press(KeyCode::Char(']'));
    snapshot_both(&workbench, "tools_history", &["{\"petId\":7}"]).await;
    workbench.press(KeyCode::Char('?'));
    snapshot_both(&workbench, "tools_help", &["Keys · Tools"]).await;
    workbench.press(KeyCode::Esc);
    workbench.key(KeyCode::Char('p'), KeyModifiers::CONTROL);
    workbench.type_text("view");
    snapshot_both(
        &workbench,
        "tools_palette",
        &["Commands · Tools", "next view"],
    )
    .await;
    workbench.press(KeyCode::Esc);
    workbench.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixteen_colour_theme_styles_every_pane() {
    let theme = Theme::bundled("ansi16").expect("the bundled ansi16 theme");
    let workbench = Workbench::start_with(80, 24, Palette::from_theme(&theme, Depth::TrueColor));
    workbench.wait_for(&["petstore-3.0.yaml (10)"], LONG).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    insta::assert_snapshot!("ansi16_specs_80x24", workbench.backend.styled_screen());
    // Styled screens carry x positions, so they are taken where no duration shows: the form before the
    // call, and the help over the Specs pane.
    workbench.press(KeyCode::Char('4'));
    workbench.press(KeyCode::Char('c'));
    workbench
        .wait_for(&["against mcpow's mock (offline)"], LONG)
        .await;
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["Tools (10)", "MCP 20"], LONG).await;
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["Arguments · listPets"], LONG).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    insta::assert_snapshot!("ansi16_tools_form_80x24", workbench.backend.styled_screen());
    workbench.press(KeyCode::Esc);
    workbench.press(KeyCode::Char('1'));
    workbench.press(KeyCode::Char('?'));
    workbench.wait_for(&["Keys · Specs"], LONG).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    insta::assert_snapshot!("ansi16_help_80x24", workbench.backend.styled_screen());
    workbench.press(KeyCode::Esc);
    workbench.quit().await;
}

#[test]
fn masking_keeps_widths_and_other_numbers() {
    assert_eq!(
        mask_times("getPet · ok · 13 ms  petId 7   0.014s -> {\"id\":2}"),
        "getPet · ok ·# ms  petId 7#s -> {\"id\":2}         "
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_and_editor_round_trip_through_the_terminal_host() {
    // The "editor" changes petId from 7 to 8 and saves.
    let workbench = Workbench::start_full(120, 36, Palette::plain(), |text| {
        text.replace("\"petId\": 7", "\"petId\": 8")
    });
    workbench.wait_for(&["petstore-3.0.yaml (10)"], LONG).await;
    serve_and_call(&workbench).await;

    // In the form, Ctrl-Y copies the arguments as JSON.
    workbench.key(KeyCode::Char('y'), KeyModifiers::CONTROL);
    workbench.wait_for(&["copied"], LONG).await;
    assert_eq!(
        workbench.copied.lock().unwrap().as_slice(),
        ["{\n  \"petId\": 7\n}"]
    );

    // Ctrl-E hands them to the editor; what it saves comes back into the form, and the call uses it.
    workbench.key(KeyCode::Char('e'), KeyModifiers::CONTROL);
    workbench
        .wait_for(&["arguments from the editor are in the form"], LONG)
        .await;
    assert_eq!(workbench.edits.lock().unwrap().len(), 1);
    assert!(workbench.backend.screen().contains(": 8  integer"));
    workbench.press(KeyCode::Enter);
    workbench.wait_for(&["History 2"], LONG).await;
    workbench.press(KeyCode::Esc);
    for _ in 0..3 {
        workbench.press(KeyCode::Char(']'));
    }
    workbench
        .wait_for(&["{\"petId\":8}", "{\"petId\":7}"], LONG)
        .await;

    // Outside the form, `y` copies the view (`]` focused it): here the history entry, as JSON.
    workbench.press(KeyCode::Char('y'));
    workbench.wait_for(&["copied"], LONG).await;
    let copied = workbench.copied.lock().unwrap().clone();
    assert_eq!(copied.len(), 2);
    let entry: serde_json::Value = serde_json::from_str(&copied[1]).unwrap();
    assert_eq!(entry["tool"], "getPet");
    assert_eq!(entry["arguments"], serde_json::json!({"petId": 8}));
    workbench.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projects_switch_and_a_new_one_keeps_its_first_spec() {
    let workbench = Workbench::start(160, 48);
    workbench.wait_for(&["petstore-3.0.yaml (10)"], LONG).await;
    workbench.press(KeyCode::Char('p'));
    snapshot_both(
        &workbench,
        "projects_picker",
        &["sample  5 specs", "New project…"],
    )
    .await;
    workbench.press(KeyCode::Down);
    workbench.press(KeyCode::Enter);
    workbench.type_text("billing");
    workbench.press(KeyCode::Enter);
    workbench
        .wait_for(&["Specs · billing", "project billing"], LONG)
        .await;

    // Its first spec, added from a path.
    workbench.press(KeyCode::Char('a'));
    let spec = super::common::sample("petstore-3.1.yaml");
    workbench.type_text(&spec.display().to_string());
    workbench.press(KeyCode::Enter);
    workbench
        .wait_for(
            &[
                "added petstore-3.1.yaml v1",
                "Operations · petstore-3.1.yaml",
            ],
            LONG,
        )
        .await;
    workbench.press(KeyCode::Char('p'));
    workbench
        .wait_for(&["billing  1 specs", "sample  5 specs"], LONG)
        .await;
    workbench.press(KeyCode::Esc);
    workbench.quit_without_server().await;
}
