//! The officer's cases: tabs for drafts, waiting to sync, synced and assigned, a search box,
//! and a status badge on every row. The list is read from the store only when something may
//! have changed (entering the screen, a finished sync), never per frame.

use schema::{CaseId, Status};

use super::a11y;
use super::i18n::Texts;
use super::theme;
use crate::store::LocalStore;
use crate::store::cases::{CaseSummary, SyncMark};

/// The tabs of the case list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// Cases the officer is still filling in.
    #[default]
    Drafts,
    /// Cases with changes or photos the server does not have yet.
    WaitingToSync,
    /// Cases the server has exactly as they are here.
    Synced,
    /// Cases someone else created (the back office, or a citizen's request) and assigned to
    /// the enrolled officer, whatever their status. The officer's own cases, which start
    /// assigned to them, are on the other tabs. The assignee is projected from the case
    /// document, so a reassignment by the back office moves a case off or onto this tab at
    /// the next sync.
    Assigned,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Drafts, Tab::WaitingToSync, Tab::Synced, Tab::Assigned];

    fn title(self, texts: &Texts) -> &'static str {
        match self {
            Tab::Drafts => texts.tab_drafts,
            Tab::WaitingToSync => texts.tab_waiting,
            Tab::Synced => texts.tab_synced,
            Tab::Assigned => texts.tab_assigned,
        }
    }

    /// Whether `case` belongs on this tab for the officer with user name `me` (none before
    /// enrollment).
    pub fn contains(self, case: &CaseSummary, me: Option<&str>) -> bool {
        let waiting = case.sync != SyncMark::Synced || case.pending_uploads > 0;
        match self {
            Tab::Drafts => case.status == Status::Draft.as_str(),
            Tab::WaitingToSync => waiting,
            Tab::Synced => !waiting,
            Tab::Assigned => {
                me.is_some()
                    && case.assignee.as_deref() == me
                    && Some(case.created_by.as_str()) != me
            }
        }
    }
}

/// What the officer chose on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListChoice {
    /// Start a new case.
    NewCase,
    /// Open a case.
    Open(CaseId),
}

/// The case list screen.
#[derive(Debug, Default)]
pub struct CaseListScreen {
    /// The selected tab.
    pub tab: Tab,
    /// The search text (matches title, status and template, case-insensitive).
    pub search: String,
    cases: Vec<CaseSummary>,
    /// The enrolled officer's user name, read with the cases.
    me: Option<String>,
    /// The sync generation the list was read at; `None` before the first read.
    loaded_at: Option<u64>,
    error: Option<String>,
}

impl CaseListScreen {
    /// Reads the cases again when the store may have changed since the last read.
    pub fn refresh(&mut self, store: &LocalStore, generation: u64) {
        if self.loaded_at == Some(generation) {
            return;
        }
        self.loaded_at = Some(generation);
        self.me = store.enrollment().ok().flatten().map(|e| e.username);
        match store.list_cases() {
            Ok(mut cases) => {
                cases.sort_by_key(|c| std::cmp::Reverse(c.updated_at_ms));
                self.cases = cases;
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Forces the next [`CaseListScreen::refresh`] to read.
    pub fn invalidate(&mut self) {
        self.loaded_at = None;
    }

    /// The cases on the selected tab matching the search, newest first.
    pub fn visible(&self) -> impl Iterator<Item = &CaseSummary> {
        let needle = self.search.trim().to_lowercase();
        let me = self.me.as_deref();
        self.cases.iter().filter(move |c| {
            self.tab.contains(c, me)
                && (needle.is_empty()
                    || c.title.to_lowercase().contains(&needle)
                    || c.template_id.contains(&needle)
                    || c.status.contains(&needle))
        })
    }

    /// Draws the list.
    pub fn show(&mut self, ui: &mut egui::Ui, texts: &Texts) -> Option<ListChoice> {
        let mut choice = None;
        ui.horizontal_wrapped(|ui| {
            for tab in Tab::ALL {
                let me = self.me.as_deref();
                let count = self.cases.iter().filter(|c| tab.contains(c, me)).count();
                let text = format!("{} ({count})", tab.title(texts));
                let button = ui.selectable_label(self.tab == tab, text);
                a11y::name(&button, tab.title(texts));
                if button.clicked() {
                    self.tab = tab;
                }
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label(texts.list_search);
            let _ = ui
                .add(
                    egui::TextEdit::singleline(&mut self.search)
                        .min_size(egui::vec2(0.0, theme::MIN_TOUCH))
                        .desired_width(300.0),
                )
                .labelled_by(label.id);
            let new_case = ui.button(texts.list_new_case);
            if new_case.clicked() {
                choice = Some(ListChoice::NewCase);
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(theme::error_color(false), error);
        }
        ui.separator();
        let rows: Vec<&CaseSummary> = self.visible().collect();
        if rows.is_empty() {
            ui.label(texts.list_empty);
        }
        let row_height = theme::MIN_TOUCH + 8.0;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for case in rows.get(range).unwrap_or_default() {
                    if case_row(ui, case, texts) {
                        choice = Some(ListChoice::Open(case.id));
                    }
                }
            });
        choice
    }
}

/// The title buttons' width when the screen has room, so the badges line up in a column.
const TITLE_WIDTH: f32 = 320.0;

/// The space a badge takes around its text: the frame's inner margin and stroke on both sides.
const BADGE_MARGIN: egui::Margin = egui::Margin::symmetric(8, 4);

/// One row: the title as a button (opening the case) and its badges. Returns true when
/// tapped. A title too long for the row is shortened with "…" (the whole title stays the
/// button's accessible name), so the badges stay on screen in portrait too.
fn case_row(ui: &mut egui::Ui, case: &CaseSummary, texts: &Texts) -> bool {
    let mut open = false;
    ui.horizontal(|ui| {
        let title = if case.title.trim().is_empty() {
            texts.list_untitled
        } else {
            case.title.as_str()
        };
        let status = status_text(&case.status, texts);
        let sync = sync_badge(case, texts);
        let gap = ui.spacing().item_spacing.x;
        let badges = badge_width(ui, status) + badge_width(ui, sync) + 2.0 * gap;
        let room = (ui.available_width() - badges).max(theme::MIN_TOUCH);
        let button = ui
            .allocate_ui(egui::vec2(room, theme::MIN_TOUCH), |ui| {
                ui.add(
                    egui::Button::new(title)
                        .truncate()
                        .min_size(egui::vec2(TITLE_WIDTH.min(room), 0.0)),
                )
            })
            .inner;
        a11y::name(&button, &format!("{title} – {status} – {sync}"));
        open = button.clicked();
        badge(ui, status);
        badge(ui, sync);
    });
    open
}

fn badge(ui: &mut egui::Ui, text: &str) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
        .corner_radius(8.0)
        .inner_margin(BADGE_MARGIN)
        .show(ui, |ui| ui.label(text));
}

/// The width [`badge`] will take for `text`, measured before anything is drawn.
fn badge_width(ui: &egui::Ui, text: &str) -> f32 {
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Body,
    );
    let stroke = ui.visuals().widgets.noninteractive.bg_stroke.width;
    galley.size().x + BADGE_MARGIN.sum().x + 2.0 * stroke
}

/// The sync badge of a case.
pub fn sync_badge(case: &CaseSummary, texts: &Texts) -> &'static str {
    match (&case.sync, case.pending_uploads) {
        (SyncMark::Rejected(_), _) => texts.badge_rejected,
        (SyncMark::Synced, 0) => texts.badge_synced,
        _ => texts.badge_waiting,
    }
}

/// A status as the officer reads it: the label every surface shows (`texts::status_label`).
pub fn status_text(status: &str, texts: &Texts) -> &'static str {
    match status.parse::<Status>() {
        Ok(status) => texts::status_label(status, texts.lang),
        Err(_) => texts.status_unknown,
    }
}
