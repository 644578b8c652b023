//! Drawing the Jobs pane: the list on the left, the selected job on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::JobsPane;
use crate::store::{JobLogEntry, JobRecord, JobStatus};
use crate::tui::generate::thousands;
use crate::tui::theme::Palette;
use crate::tui::widgets::draw_filter_line;

fn mark(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "·",
        JobStatus::Processing => "◐",
        JobStatus::Completed => "✓",
        JobStatus::Failed => "✗",
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

impl JobsPane {
    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let [list, detail] = if area.width >= 100 {
            Layout::horizontal([Constraint::Percentage(45), Constraint::Min(40)]).areas(area)
        } else {
            Layout::vertical([Constraint::Percentage(45), Constraint::Min(6)]).areas(area)
        };
        // The filter runs once a frame: a store may hold a hundred thousand jobs.
        let visible = self.visible();
        self.draw_list(frame, list, &visible, palette);
        let selected = visible
            .get(self.cursor.min(visible.len().saturating_sub(1)))
            .map(|&i| &self.jobs[i]);
        self.draw_detail(frame, detail, selected, palette);
    }

    fn draw_list(&self, frame: &mut Frame, area: Rect, visible: &[usize], palette: &Palette) {
        let mut title = format!(" Jobs ({}", visible.len());
        if visible.len() != self.jobs.len() {
            title.push_str(&format!(" of {}", self.jobs.len()));
        }
        if self.partial {
            title.push_str(" newest, reading older…");
        }
        title.push(')');
        if let Some(status) = self.status {
            title.push_str(&format!(" · {} only", status.as_str()));
        }
        title.push_str(" · f status ");
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.focus)
            .title(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let rows = draw_filter_line(frame, inner, &self.filter, self.filtering, palette);
        if visible.is_empty() {
            let text = if !self.loaded {
                "reading the store…"
            } else if self.jobs.is_empty() {
                "No jobs yet: generate a connector in pane 2 (or `mcpow generate --project`)."
            } else {
                "No job matches."
            };
            frame.render_widget(
                Paragraph::new(text)
                    .style(palette.dim)
                    .wrap(Wrap { trim: true }),
                rows,
            );
            return;
        }
        // Only the rows in view are built: a store may hold a hundred thousand jobs.
        let height = usize::from(rows.height.max(1));
        let cursor = self.cursor.min(visible.len() - 1);
        let offset = (cursor + 1).saturating_sub(height);
        let items: Vec<ListItem> = visible
            .iter()
            .skip(offset)
            .take(height)
            .map(|&i| {
                let job = &self.jobs[i];
                let style = match job.status {
                    JobStatus::Failed => palette.error,
                    JobStatus::Completed => palette.accent,
                    _ => palette.focus,
                };
                ListItem::new(Line::from(vec![
                    Span::styled(format!("{} ", mark(job.status)), style),
                    Span::raw(format!(
                        "#{:<4} {:<8} {}",
                        job.id,
                        job.kind.as_str(),
                        job.connector.as_deref().unwrap_or("-")
                    )),
                    Span::styled(
                        format!(
                            "  {} · {} · {}",
                            job.project,
                            seconds(job.elapsed_ms()),
                            job.engine
                        ),
                        palette.dim,
                    ),
                ]))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(cursor - offset));
        frame.render_stateful_widget(
            List::new(items)
                .highlight_style(palette.selected)
                .highlight_symbol("› "),
            rows,
            &mut state,
        );
    }

    fn draw_detail(
        &self,
        frame: &mut Frame,
        area: Rect,
        selected: Option<&JobRecord>,
        palette: &Palette,
    ) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(palette.border);
        let Some(job) = selected else {
            frame.render_widget(block.title(" Job "), area);
            return;
        };
        let block = block.title(format!(
            " Job #{} · {} · {} ",
            job.id,
            job.kind.as_str(),
            job.status.as_str()
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(detail_lines(job, palette)).wrap(Wrap { trim: false }),
            inner,
        );
    }
}

/// One line of a job's log: the time since it started, the stage and the message.
pub fn log_line(entry: &JobLogEntry, start: u64, palette: &Palette) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!(
                " +{:>6} ms ",
                thousands(entry.at.saturating_sub(start) as usize)
            ),
            palette.dim,
        ),
        Span::styled(format!("{}: ", entry.stage), palette.accent),
        Span::raw(entry.message.clone()),
    ])
}

fn detail_lines(job: &JobRecord, palette: &Palette) -> Vec<Line<'static>> {
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{name:<10}"), palette.dim),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        field("project", job.project.clone()),
        field(
            "connector",
            job.connector.clone().unwrap_or_else(|| "-".into()),
        ),
        field("engine", job.engine.clone()),
        field(
            "took",
            format!(
                "{}{}",
                seconds(job.elapsed_ms()),
                if job.status.is_finished() {
                    ""
                } else {
                    " so far"
                }
            ),
        ),
    ];
    if let Some(error) = &job.error {
        lines.push(Line::styled(format!("✗ {error}"), palette.error));
    }
    lines.push(Line::styled("Timeline", palette.accent));
    let start = job.started_at.unwrap_or(job.created_at);
    lines.extend(job.log.iter().map(|entry| log_line(entry, start, palette)));
    if let Some(result) = &job.result {
        lines.push(Line::styled("Result", palette.accent));
        let text = serde_json::to_string_pretty(result).unwrap_or_default();
        lines.extend(text.lines().map(|l| Line::raw(format!(" {l}"))));
    }
    let hint = match job.status {
        JobStatus::Completed if job.connector.is_some() => {
            "Enter opens its connector in the Code pane"
        }
        JobStatus::Failed => "r runs it again",
        _ => "",
    };
    if !hint.is_empty() {
        lines.push(Line::styled(hint, palette.dim));
    }
    lines
}
