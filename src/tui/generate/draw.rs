//! Drawing the Generate pane: the form on the left (on top when narrow), the job on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::selection::{Choices, Row};
use super::{Field, GeneratePane, Line, RunningJob};
use crate::codegen::{Language, Transport};
use crate::engine::{Runtime, STAGES};
use crate::store::JobStatus;
use crate::tui::theme::Palette;

/// `1,234`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn language_name(language: Language) -> &'static str {
    match language {
        Language::Python => "Python",
        Language::Typescript => "TypeScript",
        Language::Rust => "Rust",
    }
}

impl GeneratePane {
    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let (form, job) = if area.width >= 100 {
            let [form, job] =
                Layout::horizontal([Constraint::Percentage(58), Constraint::Min(30)]).areas(area);
            (form, job)
        } else {
            let [form, job] =
                Layout::vertical([Constraint::Min(8), Constraint::Length(9)]).areas(area);
            (form, job)
        };
        self.draw_form(frame, form, palette);
        self.draw_job(frame, job, palette);
    }

    fn draw_form(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let title = match &self.target {
            Some(target) => format!(
                " Generate · {} v{} ",
                target.version.name, target.version.version
            ),
            None => " Generate ".to_string(),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if self.target.is_none() {
            frame.render_widget(
                Paragraph::new(
                    "Open a spec in pane 1 (Enter on it): its connector is configured here.",
                )
                .style(palette.dim)
                .wrap(Wrap { trim: true }),
                inner,
            );
            return;
        }
        let lines = self.lines();
        let cursor = self.cursor.min(lines.len().saturating_sub(1));
        let mut text: Vec<TextLine> = Vec::new();
        let mut cursor_at = 0;
        for (i, line) in lines.iter().enumerate() {
            if i == Field::ALL.len() {
                // The operations' header sits between the fields and the rows.
                text.push(self.operations_header(palette));
                if self.choices.is_none() {
                    text.push(TextLine::styled("  building the tool list…", palette.dim));
                }
            }
            if i == cursor {
                cursor_at = text.len();
            }
            let mut row = self.line_text(*line, palette);
            if i == cursor {
                row = row.patch_style(palette.selected);
            }
            text.push(row);
        }
        let height = usize::from(inner.height);
        let offset = (cursor_at + 1).saturating_sub(height);
        let visible: Vec<TextLine> = text.into_iter().skip(offset).take(height).collect();
        frame.render_widget(Paragraph::new(visible), inner);
    }

    fn operations_header(&self, palette: &Palette) -> TextLine<'static> {
        let mut spans = vec![Span::styled(" Operations ", palette.accent)];
        if let Some(choices) = &self.choices {
            let size = choices.size();
            spans.push(Span::raw(format!(
                "{} of {} · {} bytes · ~{} tokens",
                thousands(choices.checked.len()),
                thousands(choices.tools.len()),
                thousands(size.bytes),
                thousands(size.tokens)
            )));
            if choices.skipped > 0 {
                spans.push(Span::styled(
                    format!(" · {} unsupported", choices.skipped),
                    palette.dim,
                ));
            }
        }
        if self.filtering || !self.filter.is_empty() {
            spans.push(Span::styled(format!("  / {}", self.filter), palette.accent));
            if self.filtering {
                spans.push(Span::styled("▏", palette.focus));
            }
        }
        TextLine::from(spans)
    }

    fn line_text(&self, line: Line, palette: &Palette) -> TextLine<'static> {
        let label = |name: &str| Span::styled(format!(" {name:<11}"), palette.dim);
        let choice = |value: &str| Span::raw(format!("‹ {value} ›"));
        match line {
            Line::Field(Field::Name) => {
                let mut spans = vec![label("Name"), Span::raw(self.name.clone())];
                if self.editing_name {
                    spans.push(Span::styled("▏", palette.focus));
                    spans.push(Span::styled("  Enter keeps it", palette.dim));
                }
                TextLine::from(spans)
            }
            Line::Field(Field::Language) => TextLine::from(vec![
                label("Language"),
                choice(language_name(self.language)),
            ]),
            Line::Field(Field::Transport) => {
                let value = match self.transport {
                    Transport::Stdio => "stdio",
                    Transport::Http => "streamable HTTP",
                };
                TextLine::from(vec![label("Transport"), choice(value)])
            }
            Line::Field(Field::Runtime) => {
                let value = match self.runtime {
                    Runtime::Local => "local (its own toolchain)",
                    Runtime::Docker => "docker",
                };
                TextLine::from(vec![label("Runtime"), choice(value)])
            }
            Line::Field(Field::Engine) => match &self.remote {
                Some(remote) if self.use_remote => TextLine::from(vec![
                    label("Engine"),
                    choice(&format!("remote {}", remote.url)),
                ]),
                Some(_) => TextLine::from(vec![label("Engine"), choice("embedded (offline)")]),
                None => TextLine::from(vec![
                    label("Engine"),
                    Span::raw("embedded (offline)"),
                    Span::styled("  MCPOVERFLOW_API_URL names a remote one", palette.dim),
                ]),
            },
            Line::Choice(row) => match &self.choices {
                Some(choices) => choice_text(choices, row, palette),
                None => TextLine::raw(""),
            },
            Line::Button => TextLine::from(vec![Span::styled(
                format!(
                    " ▶ Generate the {} connector (r)",
                    language_name(self.language)
                ),
                palette.accent.add_modifier(Modifier::BOLD),
            )]),
        }
    }

    fn draw_job(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let Some(job) = &self.job else {
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(palette.border)
                .title(" Job ");
            let help = "Space checks an operation or a tag, a checks all or none, → opens a tag, / filters, r generates. The job's stages and log show here.";
            frame.render_widget(
                Paragraph::new(help)
                    .style(palette.dim)
                    .wrap(Wrap { trim: true })
                    .block(block),
                area,
            );
            return;
        };
        let record = &job.record;
        let status = match (record.status, &job.error) {
            (_, Some(_)) | (JobStatus::Failed, _) => "failed",
            (JobStatus::Completed, _) => "completed",
            (JobStatus::Processing, _) => "processing",
            (JobStatus::Queued, _) => "queued",
        };
        // A job has its id once stored (from 1).
        let id = if record.id == 0 {
            String::new()
        } else {
            format!(" #{}", record.id)
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.border)
            .title(format!(
                " Job{id} · {} · {status} · {:.1} s ",
                record.connector.as_deref().unwrap_or(""),
                record.elapsed_ms() as f64 / 1000.0
            ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut text: Vec<TextLine> = stage_lines(job, palette);
        if let Some(connector) = &job.connector {
            text.push(TextLine::from(vec![
                Span::styled(" ✓ ", palette.accent),
                Span::raw(format!(
                    "{}: {} files · 3 reads them · 4 then c runs it",
                    connector.name,
                    connector.files.len()
                )),
            ]));
        }
        if let Some(error) = job.error.as_ref().or(record.error.as_ref()) {
            text.push(TextLine::styled(format!(" ✗ {error}"), palette.error));
        }
        text.push(TextLine::styled(" Log", palette.accent));
        let start = record.started_at.unwrap_or(record.created_at);
        text.extend(
            record
                .log
                .iter()
                .map(|entry| crate::tui::jobs::log_line(entry, start, palette)),
        );
        // The newest lines stay in view.
        let height = usize::from(inner.height);
        let skip = text.len().saturating_sub(height);
        frame.render_widget(
            Paragraph::new(text.into_iter().skip(skip).collect::<Vec<_>>()),
            inner,
        );
    }
}

/// One line per stage: done, current, or to come.
fn stage_lines(job: &RunningJob, palette: &Palette) -> Vec<TextLine<'static>> {
    let record = &job.record;
    let current = record
        .stage
        .as_deref()
        .and_then(|s| STAGES.iter().position(|x| *x == s));
    let failed = record.status == JobStatus::Failed || job.error.is_some();
    STAGES
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let (mark, style) = match current {
                Some(c) if i < c || (i == c && record.status == JobStatus::Completed) => {
                    (" ✓ ", palette.accent)
                }
                Some(c) if i == c && failed => (" ✗ ", palette.error),
                Some(c) if i == c => (" ◐ ", palette.focus),
                _ => (" · ", palette.dim),
            };
            TextLine::from(vec![
                Span::styled(mark, style),
                Span::styled(stage.to_string(), style),
            ])
        })
        .collect()
}

fn choice_text(choices: &Choices, row: Row, palette: &Palette) -> TextLine<'static> {
    match row {
        Row::Group(g) => {
            let group = &choices.groups[g];
            let checked = choices.checked_in(g);
            let mark = if checked == group.tools.len() {
                "[x]"
            } else if checked == 0 {
                "[ ]"
            } else {
                "[~]"
            };
            let fold = if group.expanded { "▾" } else { "▸" };
            TextLine::from(vec![
                Span::raw(format!(" {mark} {fold} ")),
                Span::styled(
                    group.tag.clone(),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::styled(format!("  {checked}/{}", group.tools.len()), palette.dim),
            ])
        }
        Row::Tool(t) => {
            let tool = &choices.tools[t];
            let mark = if choices.checked.contains(&t) {
                "[x]"
            } else {
                "[ ]"
            };
            TextLine::from(vec![
                Span::raw(format!("     {mark} {}", tool.name)),
                Span::styled(
                    format!("  {} · {} B", tool.label, thousands(tool.entry_bytes)),
                    palette.dim,
                ),
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
