//! Drawing the Tests pane: the next run's settings on top, the targets and their stored runs on the left,
//! the run shown (totals, then one row per call) on the right, and a call's detail over the whole pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::{Column, LineKind, OpenDetail, RunState, ShownRun, TestsPane};
use crate::contract::CaseOutcome;
use crate::store::TestRunRecord;
use crate::tui::theme::Palette;

impl TestsPane {
    pub fn draw(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        if let Some(detail) = &self.detail {
            draw_detail(frame, area, detail, palette);
            return;
        }
        let [settings, columns] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        self.draw_settings(frame, settings, palette);
        let left_width = (columns.width * 2 / 5).clamp(24, 50);
        let [left, right] =
            Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)])
                .areas(columns);
        let targets_height = (self.targets().len() as u16 + 2).clamp(3, left.height / 2);
        let [targets, runs] =
            Layout::vertical([Constraint::Length(targets_height), Constraint::Min(3)]).areas(left);
        self.draw_targets(frame, targets, palette);
        self.draw_runs(frame, runs, palette);
        self.draw_run(frame, right, palette);
    }

    fn draw_settings(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let mut spans = vec![
            Span::styled(" s ", palette.accent),
            Span::styled("suite ", palette.dim),
            Span::raw(self.suite.as_str()),
            Span::styled(" · w ", palette.accent),
            Span::styled("writes ", palette.dim),
            Span::raw(if self.allow_writes { "on" } else { "off" }),
            Span::styled(" · a ", palette.accent),
            Span::styled("API ", palette.dim),
        ];
        match &self.url_input {
            Some(input) => {
                spans.push(Span::raw(format!("base URL: {input}")));
                spans.push(Span::styled("█", palette.focus));
            }
            None => spans.push(Span::raw(self.api.label())),
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn block(&self, column: Column, title: String, palette: &Palette) -> Block<'static> {
        crate::tui::widgets::focus_block(title, self.column == column, palette)
    }

    fn highlight(&self, column: Column, palette: &Palette) -> Style {
        if self.column == column {
            palette.selected
        } else {
            Style::default()
        }
    }

    fn draw_targets(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let targets = self.targets();
        let block = self.block(
            Column::Targets,
            format!(" Connectors ({}) ", targets.len()),
            palette,
        );
        if targets.is_empty() {
            let text = if self.loaded {
                "None: open a spec (1) or generate a connector (2)."
            } else {
                "reading the store…"
            };
            frame.render_widget(
                Paragraph::new(text)
                    .style(palette.dim)
                    .wrap(Wrap { trim: true })
                    .block(block),
                area,
            );
            return;
        }
        let items: Vec<ListItem> = targets.iter().map(|t| ListItem::new(t.label())).collect();
        let cursor = self.target_cursor.min(targets.len() - 1);
        let mut state = ListState::default().with_selected(Some(cursor));
        frame.render_stateful_widget(
            List::new(items)
                .block(block)
                .highlight_style(self.highlight(Column::Targets, palette))
                .highlight_symbol("› "),
            area,
            &mut state,
        );
    }

    fn draw_runs(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let block = self.block(
            Column::Runs,
            format!(" Runs ({}) ", self.runs.len()),
            palette,
        );
        if self.runs.is_empty() {
            frame.render_widget(
                Paragraph::new("No stored run: r runs the suite.")
                    .style(palette.dim)
                    .wrap(Wrap { trim: true })
                    .block(block),
                area,
            );
            return;
        }
        let items: Vec<ListItem> = self.runs.iter().map(|r| run_row(r, palette)).collect();
        let mut state = ListState::default().with_selected(Some(self.run_cursor));
        frame.render_stateful_widget(
            List::new(items)
                .block(block)
                .highlight_style(self.highlight(Column::Runs, palette))
                .highlight_symbol("› "),
            area,
            &mut state,
        );
    }

    fn draw_run(&self, frame: &mut Frame, area: Rect, palette: &Palette) {
        let Some(shown) = &self.shown else {
            let target = self
                .selected_target()
                .map_or_else(|| "the selected connector".into(), |t| t.description());
            let block = self.block(Column::Calls, " Run ".into(), palette);
            let text = format!(
                "r runs the {} suite on {target}, against {}. The calls come in here; Enter on \
                 one opens its request, response and checks. h/l move between the columns.",
                self.suite.as_str(),
                self.api.label()
            );
            frame.render_widget(
                Paragraph::new(text)
                    .style(palette.dim)
                    .wrap(Wrap { trim: true })
                    .block(block),
                area,
            );
            return;
        };
        let block = self.block(Column::Calls, format!(" Run {} ", shown.title), palette);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [totals, list] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(inner);
        frame.render_widget(
            Paragraph::new(totals_lines(shown, palette)).wrap(Wrap { trim: true }),
            totals,
        );
        let items: Vec<ListItem> = shown
            .cases
            .iter()
            .map(|case| {
                let (mark, style) = match case.outcome {
                    CaseOutcome::Passed => ("✓", palette.accent),
                    CaseOutcome::Failed => ("✗", palette.error),
                    CaseOutcome::Skipped => ("-", palette.dim),
                };
                ListItem::new(Line::from(vec![
                    Span::styled(format!("{mark} "), style),
                    Span::raw(case.title()),
                    Span::styled(format!("  {} ms", case.duration_ms), palette.dim),
                ]))
            })
            .collect();
        let mut state = ListState::default().with_selected(
            (!shown.cases.is_empty()).then(|| self.case_cursor.min(shown.cases.len() - 1)),
        );
        frame.render_stateful_widget(
            List::new(items)
                .highlight_style(self.highlight(Column::Calls, palette))
                .highlight_symbol("› "),
            list,
            &mut state,
        );
    }
}

fn run_row(record: &TestRunRecord, palette: &Palette) -> ListItem<'static> {
    let totals = record.report.totals;
    let (mark, style) = if totals.failed == 0 {
        ("✓", palette.accent)
    } else {
        ("✗", palette.error)
    };
    ListItem::new(Line::from(vec![
        Span::styled(format!("{mark} "), style),
        Span::raw(format!(
            "#{} {} {:.0}%",
            record.id,
            record.report.suite,
            totals.success_rate()
        )),
        Span::styled(format!(" · {}", record.report.api), palette.dim),
    ]))
}

fn totals_lines(shown: &ShownRun, palette: &Palette) -> Vec<Line<'static>> {
    let totals = shown.totals();
    let planned = shown
        .planned
        .map_or_else(|| "?".to_string(), |p| p.to_string());
    let first = Line::from(vec![
        Span::raw(format!("{}/{planned} calls · ", totals.cases)),
        Span::styled(format!("{} passed", totals.passed), palette.accent),
        Span::raw(" · "),
        Span::styled(
            format!("{} failed", totals.failed),
            if totals.failed > 0 {
                palette.error
            } else {
                palette.dim
            },
        ),
        Span::raw(format!(" · {} skipped", totals.skipped)),
    ]);
    let rate = if totals.passed + totals.failed > 0 {
        Span::raw(format!("success rate {:.1}% · ", totals.success_rate()))
    } else {
        Span::raw("")
    };
    let state = match &shown.state {
        RunState::Running if shown.planned.is_none() => {
            Span::styled("starting the server and the API…", palette.dim)
        }
        RunState::Running => Span::styled("running… (Ctrl-C cancels)", palette.dim),
        RunState::Finished => Span::styled(
            format!(
                "{:.1} s{}",
                shown.duration_ms.unwrap_or(0) as f64 / 1000.0,
                shown
                    .stored
                    .map(|id| format!(" · stored as run #{id}"))
                    .unwrap_or_default()
            ),
            palette.dim,
        ),
        RunState::Cancelled => Span::styled("cancelled", palette.error),
        RunState::Failed(reason) => Span::styled(format!("✗ {reason}"), palette.error),
    };
    vec![
        first,
        Line::from(vec![rate, state]),
        Line::styled(format!("API {}", shown.api), palette.dim),
    ]
}

fn draw_detail(frame: &mut Frame, area: Rect, detail: &OpenDetail, palette: &Palette) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(palette.focus)
        .title(format!(" {} · Esc closes · y copies ", detail.title));
    let lines: Vec<Line> = detail
        .lines
        .iter()
        .map(|line| {
            let style = match line.kind {
                LineKind::Heading => palette.accent,
                LineKind::Plain => Style::default(),
                LineKind::Dim => palette.dim,
                LineKind::Passed => Style::default(),
                LineKind::Failed => palette.error,
            };
            Line::styled(line.text.clone(), style)
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((detail.scroll.min(u16::MAX as usize) as u16, 0))
            .block(block),
        area,
    );
}
