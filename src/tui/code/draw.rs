//! Drawing the Code pane: the file tree, the viewer (only the lines on screen, each cut to the width), the
//! search and go-to-line inputs, and the save overlay. Nothing here changes state but the page height.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::tree::Row;
use super::view::OpenFile;
use super::{CodePane, Column, SavePrompt};
use crate::tui::highlight::StyledLine;
use crate::tui::theme::Palette;
use crate::tui::widgets::centered;

/// Columns a tab takes.
const TAB: &str = "    ";

impl CodePane {
    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        if self.shown.is_none() {
            return draw_empty(frame, area, palette);
        }
        let tree_width = if area.width >= 120 { 36 } else { 26 };
        let [tree, viewer] =
            Layout::horizontal([Constraint::Length(tree_width), Constraint::Min(20)]).areas(area);
        self.draw_tree(frame, tree, palette);
        self.draw_viewer(frame, viewer, palette);
        if let Some(prompt) = &self.save {
            self.draw_save(frame, area, palette, prompt);
        }
    }

    fn draw_tree(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let Some(source) = self.source() else {
            return;
        };
        let modified = self.modified();
        let focused = self.column == Column::Tree;
        let open_index = self.open.as_ref().map(|o| o.index);
        let items: Vec<ListItem> = self
            .rows()
            .iter()
            .map(|row| {
                let indent = "  ".repeat(row.depth());
                match row {
                    Row::Dir {
                        name, open, files, ..
                    } => {
                        let text = if *open {
                            format!("{indent}▾ {name}/")
                        } else {
                            format!("{indent}▸ {name}/ ({files})")
                        };
                        ListItem::new(Line::styled(text, palette.dim))
                    }
                    Row::File { index, name, .. } => {
                        let mut spans = vec![Span::raw(format!("{indent}  {name}"))];
                        if open_index == Some(*index) {
                            spans[0].style = palette.accent;
                        }
                        if modified.contains(index) {
                            spans.push(Span::styled(" ●", palette.accent));
                        }
                        ListItem::new(Line::from(spans))
                    }
                }
            })
            .collect();
        let saved = match (&source.saved_to, modified.len()) {
            (_, n) if n > 0 => format!(" {n} edited, not saved "),
            (Some(dir), _) => format!(" saved: {} ", dir.display()),
            (None, _) => " not saved (s saves) ".to_string(),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused {
                palette.focus
            } else {
                palette.border
            })
            .title(format!(" {} · {} ", source.title, source.language.as_str()))
            .title_bottom(Line::styled(saved, palette.dim));
        let list = List::new(items).block(block).highlight_style(if focused {
            palette.selected
        } else {
            Style::default()
        });
        let mut state = ListState::default().with_selected(Some(self.tree_cursor));
        frame.render_stateful_widget(list, area, &mut state);
    }

    fn draw_viewer(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let focused = self.column == Column::Viewer;
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused {
                palette.focus
            } else {
                palette.border
            });
        let Some(open) = &self.open else {
            frame.render_widget(block.title(" no file open "), area);
            return;
        };
        let edited = self.modified().contains(&open.index);
        block = block.title(format!(
            " {} · {} lines{} ",
            open.path,
            open.line_count(),
            if edited { " · edited" } else { "" }
        ));
        let highlight = self.highlighted();
        let mut status = Vec::new();
        if let Some(search) = self.search.as_ref().filter(|s| !s.typing) {
            status.push(Span::styled(
                format!(" /{} {} ", search.query, search.count()),
                palette.accent,
            ));
        }
        if let (Some(_), Some(h)) = (&self.colors, highlight)
            && !h.done
            && open.line_count() > 0
        {
            let percent = h.lines.len() * 100 / open.line_count();
            status.push(Span::styled(
                format!(" highlighting {percent}% "),
                palette.dim,
            ));
        }
        if !status.is_empty() {
            block = block.title_bottom(Line::from(status).right_aligned());
        }
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let prompt = self.prompt_line(open, palette);
        let (text_area, prompt_area) = match prompt {
            Some(_) if inner.height > 1 => {
                let [text, line] =
                    Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
                (text, Some(line))
            }
            _ => (inner, None),
        };
        let height = text_area.height as usize;
        self.page.set(height.max(1));
        if open.line_count() == 0 {
            frame.render_widget(
                Paragraph::new(Line::styled("(empty file)", palette.dim)),
                text_area,
            );
        } else {
            let lines = self.visible_lines(open, height, text_area.width as usize, palette);
            frame.render_widget(Paragraph::new(lines), text_area);
        }
        if let (Some(line), Some(at)) = (prompt, prompt_area) {
            frame.render_widget(Paragraph::new(line), at);
        }
    }

    /// The go-to-line or search input, when one is open.
    fn prompt_line(&self, open: &OpenFile, palette: &Palette) -> Option<Line<'static>> {
        if let Some(goto) = &self.goto {
            return Some(Line::from(vec![
                Span::styled("go to line: ", palette.accent),
                Span::raw(format!("{goto}▏")),
                Span::styled(format!("  (1–{})", open.line_count()), palette.dim),
            ]));
        }
        let search = self.search.as_ref().filter(|s| s.typing)?;
        Some(Line::from(vec![
            Span::styled("/", palette.accent),
            Span::raw(format!("{}▏", search.query)),
            Span::styled(format!("  {}", search.count()), palette.dim),
        ]))
    }

    /// The lines on screen from the first shown: number, then the text cut to the width.
    fn visible_lines(
        &self,
        open: &OpenFile,
        height: usize,
        width: usize,
        palette: &Palette,
    ) -> Vec<Line<'static>> {
        let count = open.line_count();
        let top = open.scroll.min(count.saturating_sub(1));
        let bottom = (top + height).min(count);
        let gutter = count.to_string().len();
        let highlight = self.highlighted();
        let matches = self
            .search
            .as_ref()
            .map(|s| (s.on_lines(top, bottom), s.current.map(|c| s.matches[c])))
            .unwrap_or((&[], None));
        let text_width = width.saturating_sub(gutter + 1);
        (top..bottom)
            .map(|i| {
                let number_style = if i == open.cursor {
                    palette.accent.add_modifier(Modifier::BOLD)
                } else {
                    palette.dim
                };
                let mut spans = vec![Span::styled(format!("{:>gutter$} ", i + 1), number_style)];
                let styles = highlight.and_then(|h| h.line(i));
                let on_line: Vec<(u32, u32, bool)> = matches
                    .0
                    .iter()
                    .filter(|m| m.0 == i)
                    .map(|m| (m.1, m.2, matches.1 == Some(*m)))
                    .collect();
                spans.extend(line_spans(
                    open.line(i),
                    styles,
                    &on_line,
                    text_width,
                    palette,
                ));
                Line::from(spans)
            })
            .collect()
    }

    fn draw_save(&self, frame: &mut Frame, area: Rect, palette: &Palette, prompt: &SavePrompt) {
        let files = self.source().map_or(0, |s| s.files.len());
        let edited = self.modified().len();
        let popup = centered(area, 72, 8);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(" Save the project ");
        let mut lines = vec![
            Line::raw(match edited {
                0 => format!("{files} files into the directory:"),
                n => format!("{files} files ({n} edited) into the directory:"),
            }),
            Line::from(vec![
                Span::styled("> ", palette.accent),
                Span::raw(format!("{}▏", prompt.path)),
            ]),
            Line::default(),
        ];
        match (&prompt.confirm, prompt.saving) {
            (_, true) => lines.push(Line::styled("saving…", palette.dim)),
            (Some(dir), false) => lines.push(Line::styled(
                format!(
                    "{} is not empty: Enter replaces everything in it",
                    dir.display()
                ),
                palette.error,
            )),
            (None, false) => lines.push(Line::styled(
                "a directory that is not empty is replaced only if you confirm",
                palette.dim,
            )),
        }
        lines.push(Line::styled("Enter saves · Esc cancels", palette.dim));
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block),
            popup,
        );
    }
}

fn draw_empty(frame: &mut Frame, area: Rect, palette: &Palette) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(palette.border)
        .title(" Code ");
    let lines = vec![
        Line::raw("nothing generated yet: generate a connector in pane 2"),
        Line::default(),
        Line::styled(
            "The generated project shows here: its files, highlighted, with search and go-to-line; s saves it to a directory.",
            palette.dim,
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}

/// One line's text as spans: the highlighting's styles (plain where there are none yet), search matches
/// on top (the current one stronger), tabs as spaces, cut to `width` columns.
fn line_spans(
    line: &str,
    styles: Option<&StyledLine>,
    matches: &[(u32, u32, bool)],
    width: usize,
    palette: &Palette,
) -> Vec<Span<'static>> {
    // Cut points: style boundaries and match boundaries.
    let mut cuts: Vec<usize> = vec![0, line.len()];
    if let Some(styled) = styles {
        for (start, end, _) in &styled.spans {
            cuts.push(*start as usize);
            cuts.push(*end as usize);
        }
    }
    for (start, end, _) in matches {
        cuts.push(*start as usize);
        cuts.push(*end as usize);
    }
    cuts.retain(|c| *c <= line.len() && line.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    let style_at = |at: usize| -> Style {
        let mut style = styles
            .and_then(|s| {
                s.spans
                    .iter()
                    .find(|(start, end, _)| (*start as usize) <= at && at < *end as usize)
            })
            .map_or_else(Style::default, |s| s.2);
        if let Some((_, _, current)) = matches
            .iter()
            .find(|(start, end, _)| (*start as usize) <= at && at < *end as usize)
        {
            style = if *current {
                style
                    .patch(palette.toast)
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            } else {
                style.patch(palette.selected)
            };
        }
        style
    };
    let mut spans = Vec::new();
    let mut left = width;
    for pair in cuts.windows(2) {
        if left == 0 {
            break;
        }
        let (start, end) = (pair[0], pair[1]);
        let mut text = String::new();
        for c in line[start..end].chars() {
            if left == 0 {
                break;
            }
            if c == '\t' {
                let n = TAB.len().min(left);
                text.push_str(&TAB[..n]);
                left -= n;
            } else if c.is_control() {
                text.push('�');
                left -= 1;
            } else {
                text.push(c);
                left -= 1;
            }
        }
        spans.push(Span::styled(text, style_at(start)));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cut_at_styles_and_matches_and_the_width() {
        let palette = Palette::plain();
        let red = Style::default().fg(ratatui::style::Color::Red);
        let styled = StyledLine {
            spans: vec![(0, 3, red)],
        };
        let spans = line_spans(
            "let\tpets = 1",
            Some(&styled),
            &[(4, 8, true)],
            10,
            &palette,
        );
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["let", "    ", "pet"]);
        assert_eq!(spans[0].style, red);
        assert!(spans[2].style.add_modifier.contains(Modifier::UNDERLINED));
        let wide = line_spans("abc", None, &[], 80, &palette);
        assert_eq!(wide.len(), 1);
        assert_eq!(wide[0].content, "abc");
    }
}
