//! What `cargo kata watch` shows: one compact screen, composed as lines from the watch's state.
//!
//! The stage line-up (✓ passed, ✗ failed, · not run, a spinner on the running one), then the first
//! failing stage's key information only: the failing check's name and message (with the minimal
//! counterexample and the replay seed of a property, the interleaving loom found), or the measured
//! figures against their thresholds, or the compiler's first error. Everything is cut to the
//! screen's width and height, with a line saying what was left out and how to see it all. Pure
//! functions of the state, so the tests read the screen without a terminal.

use std::time::Duration;

use kata_core::catalogue::{Kata, Stage};

use crate::render::{BOLD, DIM, GREEN, RED, RESET, SPINNER, YELLOW};
use crate::results::{Report, StageResult, StageStatus};

/// How a line is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// As is.
    Plain,
    /// Headings.
    Bold,
    /// Secondary information.
    Dim,
    /// Passed.
    Green,
    /// Failed.
    Red,
    /// Attention: not yet implemented, notices, hints.
    Yellow,
}

/// One line of the screen.
pub type Line = (Style, String);

/// A hint as the screen shows it.
#[derive(Debug, Clone)]
pub struct HintView {
    /// The stage it is for.
    pub stage: Stage,
    /// Which hint (from 1) of how many.
    pub level: usize,
    /// How many hints the stage has.
    pub total: usize,
    /// Its title.
    pub title: String,
    /// Its text.
    pub text: String,
}

/// What a running grade is doing.
#[derive(Debug, Clone)]
pub struct Running {
    /// What started it ("save", "re-run", ...).
    pub why: &'static str,
    /// `building`, `building for loom`, or `[4/5] quality`.
    pub phase: String,
    /// Since when the phase runs.
    pub phase_elapsed: Duration,
    /// Stages finished in this grade, with their status.
    pub done: Vec<(String, StageStatus)>,
    /// The stage running now.
    pub stage: Option<String>,
}

/// Everything the screen shows.
#[derive(Debug, Clone)]
pub struct View {
    /// The watched kata.
    pub kata: &'static Kata,
    /// `file events` or `polling every 0.5 s`.
    pub mode: String,
    /// The last finished grade of this kata.
    pub report: Option<Report>,
    /// The compiler's messages when the last grade did not compile.
    pub build_errors: Vec<String>,
    /// When the grader itself failed: why.
    pub grader_error: Option<String>,
    /// The grade running now.
    pub running: Option<Running>,
    /// The last hint asked for (or why there is none).
    pub hint: Option<Result<HintView, String>>,
    /// Notices for the learner (polling, watcher errors, a queued re-run).
    pub notices: Vec<String>,
    /// The spinner frame.
    pub frame: usize,
}

/// The most lines of a hint's text the screen shows.
const HINT_LINES: usize = 8;

/// The keys, as the footer lists them.
pub const FOOTER: &str = "r re-run · h next hint · n next kata · q quit";

/// The screen, at most `height` lines of at most `width` characters.
pub fn compose(view: &View, width: usize, height: usize) -> Vec<Line> {
    let kata = view.kata;
    let mut head: Vec<Line> = vec![
        (
            Style::Bold,
            format!("cargo kata watch · {} — {}", kata.name, kata.title),
        ),
        (
            Style::Dim,
            format!(
                "watching katas/{}/ ({}); edit {} and save",
                kata.name,
                view.mode,
                kata.learner_file()
            ),
        ),
        (Style::Plain, String::new()),
        (Style::Plain, lineup(view)),
        (Style::Plain, String::new()),
    ];
    let mut status: Vec<Line> = Vec::new();
    if let Some(r) = &view.running {
        status.push((Style::Plain, String::new()));
        status.push((
            Style::Yellow,
            format!(
                "{} {}  {:.1} s   (grading after a {})",
                SPINNER[view.frame % SPINNER.len()],
                r.phase,
                r.phase_elapsed.as_secs_f64(),
                r.why
            ),
        ));
    }
    let mut hint: Vec<Line> = Vec::new();
    match &view.hint {
        None => {}
        Some(Ok(h)) => {
            hint.push((Style::Plain, String::new()));
            hint.push((
                Style::Yellow,
                format!("Hint {} of {} ({}): {}", h.level, h.total, h.stage, h.title),
            ));
            let lines: Vec<&str> = h.text.trim_end().lines().collect();
            for l in lines.iter().take(HINT_LINES) {
                hint.push((Style::Plain, format!("  {l}")));
            }
            if lines.len() > HINT_LINES {
                hint.push((
                    Style::Dim,
                    format!("  … (the whole hint: katas/{}/HINTS.md)", kata.name),
                ));
            }
        }
        Some(Err(e)) => {
            hint.push((Style::Plain, String::new()));
            hint.push((Style::Yellow, format!("No hint: {e}")));
        }
    }
    let mut foot: Vec<Line> = Vec::new();
    for n in &view.notices {
        foot.push((Style::Yellow, n.clone()));
    }
    foot.push((Style::Plain, String::new()));
    foot.push((Style::Bold, FOOTER.to_owned()));

    let fixed = head.len() + status.len() + hint.len() + foot.len();
    let room = height.saturating_sub(fixed).max(3);
    let mut body = details(view);
    if body.len() > room {
        let left = body.len() - (room - 1);
        body.truncate(room - 1);
        body.push((
            Style::Dim,
            format!(
                "… {left} more line{} (`cargo kata check {}` shows them all)",
                if left == 1 { "" } else { "s" },
                kata.name
            ),
        ));
    }
    head.extend(body);
    head.extend(status);
    head.extend(hint);
    head.extend(foot);
    let over = head.len().saturating_sub(height.max(1));
    if over > 0 {
        // A tiny terminal: keep the footer, drop from the middle.
        let keep_end = 2.min(head.len());
        let cut_at = head.len() - keep_end - over;
        head.drain(cut_at..cut_at + over);
    }
    head.into_iter()
        .map(|(s, l)| (s, truncate(&l, width)))
        .collect()
}

/// `✓ examples  ✓ properties  ✗ concurrency  · quality  · complexity`.
fn lineup(view: &View) -> String {
    let mut marks = Vec::new();
    for stage in Stage::ALL {
        let name = stage.name();
        let mark = if let Some(r) = &view.running {
            match r.done.iter().find(|(n, _)| n == name) {
                Some((_, status)) => mark(*status),
                None if r.stage.as_deref() == Some(name) => SPINNER[view.frame % SPINNER.len()],
                None => '·',
            }
        } else if let Some(report) = &view.report {
            report
                .stages
                .iter()
                .find(|s| s.name == name)
                .map_or('·', |s| mark(s.status))
        } else {
            '·'
        };
        marks.push(format!("{mark} {name}"));
    }
    format!("  {}", marks.join("   "))
}

fn mark(status: StageStatus) -> char {
    match status {
        StageStatus::Passed => '✓',
        StageStatus::Failed | StageStatus::CouldNotGrade => '✗',
        StageStatus::NotRun => '·',
    }
}

/// The key information of the last grade.
fn details(view: &View) -> Vec<Line> {
    let mut out = Vec::new();
    if let Some(e) = &view.grader_error {
        out.push((Style::Red, "The grader itself failed:".to_owned()));
        out.extend(e.lines().map(|l| (Style::Plain, format!("  {l}"))));
        return out;
    }
    let Some(report) = &view.report else {
        if view.running.is_some() {
            out.push((Style::Dim, "Grading for the first time…".to_owned()));
        }
        return out;
    };
    let kata = view.kata;
    if !view.build_errors.is_empty()
        || report
            .stages
            .iter()
            .all(|s| s.status == StageStatus::NotRun)
    {
        out.push((
            Style::Red,
            format!(
                "COULD NOT GRADE: {}",
                report
                    .reason
                    .as_deref()
                    .unwrap_or("the crate does not compile")
            ),
        ));
        if let Some(first) = view.build_errors.first() {
            out.extend(first.lines().map(|l| (Style::Plain, format!("  {l}"))));
            if view.build_errors.len() > 1 {
                out.push((
                    Style::Dim,
                    format!(
                        "  (+{} more compiler errors: cargo kata check {})",
                        view.build_errors.len() - 1,
                        kata.name
                    ),
                ));
            }
        }
        return out;
    }
    let Some(stage) = report
        .stages
        .iter()
        .find(|s| matches!(s.status, StageStatus::Failed | StageStatus::CouldNotGrade))
    else {
        out.push((
            Style::Green,
            format!(
                "PASS: every stage passed ({:.1} s). Press n for the next kata.",
                report.duration_ms as f64 / 1000.0
            ),
        ));
        return out;
    };
    out.extend(stage_failure(kata, stage, report.seed));
    out
}

/// The first failing stage's key information.
pub fn stage_failure(kata: &Kata, r: &StageResult, seed: u64) -> Vec<Line> {
    let mut out = Vec::new();
    let passed = r.tests.iter().filter(|t| t.status == "passed").count()
        + r.measurements.iter().filter(|m| m.passed).count();
    let total = r.tests.len() + r.measurements.len();
    let todo = r.tests.iter().find(|t| t.todo);
    let (style, verdict) = match (r.status, todo) {
        (StageStatus::Failed, Some(_)) => (Style::Yellow, "NOT YET IMPLEMENTED"),
        (StageStatus::CouldNotGrade, _) => (Style::Red, "COULD NOT GRADE"),
        _ => (Style::Red, "FAIL"),
    };
    out.push((
        style,
        format!(
            "{}: {verdict}  {passed}/{total} checks, {:.1} s",
            r.name,
            r.duration_ms as f64 / 1000.0
        ),
    ));
    if let Some(m) = &r.message {
        out.extend(m.lines().map(|l| (Style::Red, format!("  {l}"))));
    }
    if let Some(t) = todo {
        let at = t
            .location
            .as_deref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        out.push((Style::Plain, format!("  {}{at}", t.message)));
        out.push((Style::Dim, format!("  {}", crate::render::TODO_ADVICE)));
        return out;
    }
    let failing: Vec<_> = r.tests.iter().filter(|t| t.status != "passed").collect();
    if let Some(t) = failing.first() {
        out.push((Style::Red, format!("  ✗ {}", t.name)));
        out.extend(
            t.message
                .lines()
                .map(|l| (Style::Plain, format!("      {l}"))),
        );
        if let Some(loc) = &t.location {
            out.push((Style::Dim, format!("      at {loc}")));
        }
        if t.message.contains("--seed") {
            out.push((
                Style::Dim,
                format!(
                    "      replay: cargo kata check {} --stage {} --seed {seed}",
                    kata.name, r.name
                ),
            ));
        }
        if failing.len() > 1 {
            out.push((
                Style::Dim,
                format!(
                    "  (+{} more failing checks: cargo kata check {} --stage {})",
                    failing.len() - 1,
                    kata.name,
                    r.name
                ),
            ));
        }
    }
    for m in r.measurements.iter().filter(|m| !m.passed) {
        out.push((
            Style::Red,
            format!(
                "  ✗ {}: {} {} (needs {})",
                m.name,
                figure(m.value),
                m.unit,
                m.threshold
            ),
        ));
    }
    out
}

fn figure(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.4}")
    }
}

/// `text` cut to `width` characters, with `…` where it was cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// `line` painted when `color`.
pub fn paint(line: &Line, color: bool) -> String {
    let code = match line.0 {
        Style::Plain => return line.1.clone(),
        Style::Bold => BOLD,
        Style::Dim => DIM,
        Style::Green => GREEN,
        Style::Red => RED,
        Style::Yellow => YELLOW,
    };
    if color && !line.1.is_empty() {
        format!("{code}{}{RESET}", line.1)
    } else {
        line.1.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{self, TestResult, Toolchain, Verdict};
    use kata_suites::report::Measurement;

    fn report(stages: Vec<StageResult>) -> Report {
        let mut all: Vec<StageResult> = Stage::ALL
            .iter()
            .map(|s| StageResult::not_run(s.name()))
            .collect();
        for s in stages {
            let i = all.iter().position(|x| x.name == s.name).unwrap();
            all[i] = s;
        }
        Report {
            schema: results::SCHEMA,
            kata: "lru".into(),
            implementation: "learner".into(),
            source: "katas/lru".into(),
            source_hash: "0".into(),
            verdict: Verdict::Failed,
            exit_code: 1,
            reason: None,
            seed: 7,
            started_at: String::new(),
            duration_ms: 1234,
            toolchain: Toolchain {
                rustc: String::new(),
                cargo: String::new(),
            },
            stages: all,
        }
    }

    fn stage(name: &str, status: StageStatus) -> StageResult {
        let mut s = StageResult::not_run(name);
        s.status = status;
        s
    }

    fn view(report: Option<Report>) -> View {
        View {
            kata: kata_core::catalogue::find("lru").unwrap(),
            mode: "file events".into(),
            report,
            build_errors: Vec::new(),
            grader_error: None,
            running: None,
            hint: None,
            notices: Vec::new(),
            frame: 0,
        }
    }

    fn text(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_property_failure_shows_the_check_its_counterexample_and_the_replay() {
        let mut p = stage("properties", StageStatus::Failed);
        p.tests.push(TestResult {
            name: "matches the model".into(),
            status: "failed".into(),
            message: "minimal failing sequence:\n  cache.put(1, 1);\n(replay it with --seed 7)"
                .into(),
            todo: false,
            location: None,
        });
        let r = report(vec![stage("examples", StageStatus::Passed), p]);
        let screen = text(&compose(&view(Some(r)), 100, 40));
        for needle in [
            "✓ examples",
            "✗ properties",
            "· concurrency",
            "properties: FAIL",
            "✗ matches the model",
            "cache.put(1, 1);",
            "replay: cargo kata check lru --stage properties --seed 7",
            FOOTER,
        ] {
            assert!(screen.contains(needle), "no `{needle}` in\n{screen}");
        }
    }

    #[test]
    fn a_measurement_shows_its_figure_against_the_threshold() {
        let mut q = stage("quality", StageStatus::Failed);
        q.measurements.push(Measurement {
            name: "hit ratio".into(),
            value: 0.25,
            unit: "ratio".into(),
            threshold: ">= 0.5".into(),
            passed: false,
        });
        let screen = text(&compose(&view(Some(report(vec![q]))), 100, 40));
        assert!(
            screen.contains("✗ hit ratio: 0.2500 ratio (needs >= 0.5)"),
            "{screen}"
        );
    }

    #[test]
    fn the_screen_fits_its_size_and_keeps_the_footer() {
        let mut e = stage("examples", StageStatus::Failed);
        e.tests.push(TestResult {
            name: "a check with a very long message".into(),
            status: "failed".into(),
            message: (0..100)
                .map(|i| format!("line {i} {}", "x".repeat(200)))
                .collect::<Vec<_>>()
                .join("\n"),
            todo: false,
            location: None,
        });
        let lines = compose(&view(Some(report(vec![e]))), 60, 20);
        assert_eq!(lines.len(), 20);
        assert!(lines.iter().all(|(_, l)| l.chars().count() <= 60));
        assert_eq!(lines.last().unwrap().1, truncate(FOOTER, 60));
        assert!(text(&lines).contains("more lines (`cargo kata check lru` shows them all)"));
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
