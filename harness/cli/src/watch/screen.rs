//! What `cargo kata watch` shows: one compact screen, composed as lines from the watch's state.
//!
//! The stage line-up (✓ passed, ✗ failed, · not run, a spinner on the running one), then the first
//! failing stage's key information only: the failing check's name and message (with the minimal
//! counterexample and the replay seed of a property, the interleaving loom found), or the measured
//! figures against their thresholds, or the compiler's first error. What the learner must read
//! (the failure, the hint, the notices) is wrapped at the screen's width, never cut: the end of a
//! check's line is where it says "expected ... got ...". Only the fixed lines (title, line-up,
//! spinner, keys) are cut, with `…`. When the failure is taller than the screen, lines are left
//! out from its middle, keeping its start (the stage and the check) and its end (the reason and
//! the replay command), with a line saying how many and how to see them all. Pure functions of
//! the state, so the tests read the screen without a terminal.

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

/// The screen, at most `height` lines of at most `width` columns.
pub fn compose(view: &View, width: usize, height: usize) -> Vec<Line> {
    let kata = view.kata;
    let head: Vec<Line> = vec![
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

    let head: Vec<Line> = head.into_iter().map(|l| cut(l, width)).collect();
    let status: Vec<Line> = status.into_iter().map(|l| cut(l, width)).collect();
    let hint = wrap_all(hint, width);
    let keys = foot.pop().map(|l| cut(l, width));
    let mut foot = wrap_all(foot, width);
    foot.extend(keys);

    let fixed = head.len() + status.len() + hint.len() + foot.len();
    let room = height.saturating_sub(fixed).max(3);
    let mut body = wrap_all(details(view), width);
    if body.len() > room {
        // Leave lines out of the middle: the start says what failed, the end says how (the
        // reason, "expected ... got ...", comes last in a message) and how to replay it.
        let left = body.len() - (room - 1);
        let tail = ((room - 1) / 2).min(8);
        let keep_head = room - 1 - tail;
        let note = cut(
            (
                Style::Dim,
                format!(
                    "… {left} more line{} (`cargo kata check {}` shows them all)",
                    if left == 1 { "" } else { "s" },
                    kata.name
                ),
            ),
            width,
        );
        let end = body.split_off(body.len() - tail);
        body.truncate(keep_head);
        body.push(note);
        body.extend(end);
    }
    let mut all = head;
    all.extend(body);
    all.extend(status);
    all.extend(hint);
    all.extend(foot);
    let over = all.len().saturating_sub(height.max(1));
    if over > 0 {
        // A tiny terminal: keep the footer, drop from the middle.
        let keep_end = 2.min(all.len());
        let cut_at = all.len() - keep_end - over;
        all.drain(cut_at..cut_at + over);
    }
    all
}

/// A fixed line, cut to `width` columns.
fn cut((style, text): Line, width: usize) -> Line {
    (style, truncate(&text, width))
}

/// Every line wrapped to `width` columns.
fn wrap_all(lines: Vec<Line>, width: usize) -> Vec<Line> {
    lines
        .into_iter()
        .flat_map(|(style, text)| wrap(&text, width).into_iter().map(move |l| (style, l)))
        .collect()
}

/// `text` in lines of at most `width` columns, broken after a space where there is one (else
/// anywhere); the lines after the first are indented two columns more than the text, so that a
/// wrapped line reads as the continuation of one.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    if width_of(text) <= width {
        return vec![text.to_owned()];
    }
    let indent_chars = text.len() - text.trim_start_matches(' ').len();
    // The indent of the continuation, unless it would leave no room for the text.
    let indent = " ".repeat(if indent_chars + 2 < width / 2 {
        indent_chars + 2
    } else {
        0
    });
    let mut lines = Vec::new();
    let mut rest = text;
    let mut prefix = "";
    loop {
        let room = width.saturating_sub(width_of(prefix)).max(1);
        if width_of(rest) <= room {
            lines.push(format!("{prefix}{rest}"));
            return lines;
        }
        // The longest start of `rest` that fits, then back to its last space.
        let mut fit = 0;
        let mut used = 0;
        for (i, c) in rest.char_indices() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            fit = i + c.len_utf8();
        }
        if fit == 0 {
            // Not even one character fits (a wide one in one column): take it anyway.
            fit = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let head = &rest[..fit];
        let brk = match head.rfind(' ') {
            Some(i) if head[..i].trim_start().is_empty() => fit,
            Some(i) => i + 1,
            None => fit,
        };
        lines.push(format!("{prefix}{}", rest[..brk].trim_end()));
        rest = rest[brk..].trim_start_matches(' ');
        prefix = &indent;
        if rest.is_empty() {
            return lines;
        }
    }
}

/// The columns `text` takes on a terminal.
fn width_of(text: &str) -> usize {
    crate::render::width(text)
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
    out.extend(stage_failure(
        kata,
        stage,
        &report.implementation,
        report.seed,
    ));
    out
}

/// The first failing stage's key information.
pub fn stage_failure(kata: &Kata, r: &StageResult, implementation: &str, seed: u64) -> Vec<Line> {
    let mut out = Vec::new();
    let passed = r.tests.iter().filter(|t| t.status == "passed").count()
        + r.measurements.iter().filter(|m| m.passed).count();
    let total = r.tests.len() + r.measurements.len();
    let todo = r.only_todo();
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
    let failing: Vec<_> = r
        .tests
        .iter()
        .filter(|t| t.status != "passed" && !t.todo)
        .collect();
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
    if let Some(note) = r.todo_note() {
        out.push((Style::Yellow, format!("  {note}")));
    }
    // The stage's seed replays every failure of the stage: the one seed on the screen.
    out.push((
        Style::Dim,
        format!(
            "  replay: {}",
            crate::render::replay_command(kata.name, implementation, &r.name, seed)
        ),
    ));
    out
}

fn figure(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        // Four decimals at most, and no trailing zeros: 8.2, not 8.2000.
        let text = format!("{v:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// `text` cut to `width` columns, with `…` where it was cut.
pub fn truncate(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_owned();
    }
    let mut s = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        s.push(c);
    }
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
    use crate::results::TestResult;
    use kata_suites::report::Measurement;

    fn report(stages: Vec<StageResult>) -> Report {
        let mut report = Report::fixture("lru");
        for s in stages {
            let i = report.stages.iter().position(|x| x.name == s.name).unwrap();
            report.stages[i] = s;
        }
        report.seed = 7;
        report.duration_ms = 1234;
        report
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
            message: "minimal failing sequence:\n  cache.put(1, 1);".into(),
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
            screen.contains("✗ hit ratio: 0.25 ratio (needs >= 0.5)"),
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
        assert_eq!(truncate("日本語です", 5), "日本…");
    }

    /// The screen's words with their line breaks and indentation taken out: what a person reads.
    fn words(lines: &[Line]) -> String {
        text(lines).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn assert_fits(lines: &[Line], width: usize) {
        for (_, l) in lines {
            assert!(crate::render::width(l) <= width, "wider than {width}: {l}");
        }
    }

    const REASON: &str = "step 4: cache.get(&2) after put(1, 10), put(2, 20), get(&1), \
                          put(3, 30) with capacity 2: expected Some(20), got None";

    fn failing_check(message: &str) -> Report {
        let mut p = stage("properties", StageStatus::Failed);
        p.tests.push(TestResult {
            name: "get returns the value of the last put of a key still cached".into(),
            status: "failed".into(),
            message: message.into(),
            todo: false,
            location: Some("katas/lru/src/lib.rs:42:9".into()),
        });
        report(vec![stage("examples", StageStatus::Passed), p])
    }

    /// At 80 and 120 columns the failing check's line ran past the edge and was cut before
    /// "expected ... got ...": it is wrapped instead, every word kept.
    #[test]
    fn the_failing_line_is_wrapped_not_cut_at_80_and_120_columns() {
        for width in [80, 120] {
            let lines = compose(&view(Some(failing_check(REASON))), width, 24);
            assert_fits(&lines, width);
            let seen = words(&lines);
            assert!(seen.contains(REASON), "{width} columns:\n{}", text(&lines));
            assert!(
                seen.contains("✗ get returns the value of the last put of a key still cached"),
                "{width} columns:\n{}",
                text(&lines)
            );
            // Only the title may be cut, with `…`: the learner need not read all of it.
            assert!(
                !text(&lines[1..]).contains('…'),
                "nothing cut:\n{}",
                text(&lines)
            );
        }
    }

    /// A minimal sequence taller than the screen: the lines left out are from its middle, so
    /// the reason (the end of the message) and the replay stay.
    #[test]
    fn a_tall_failure_keeps_its_reason_and_its_replay() {
        let mut message = String::from("minimal failing sequence:\n");
        for i in 0..60 {
            message.push_str(&format!("    cache.put({i}, {i});\n"));
        }
        message.push_str(REASON);
        for width in [80, 120] {
            let lines = compose(&view(Some(failing_check(&message))), width, 24);
            assert_eq!(lines.len(), 24);
            assert_fits(&lines, width);
            let seen = words(&lines);
            for needle in [
                "properties: FAIL",
                "minimal failing sequence:",
                "expected Some(20), got None",
                "replay: cargo kata check lru --stage properties --seed 7",
                "more lines (`cargo kata check lru` shows them all)",
                FOOTER,
            ] {
                assert!(seen.contains(needle), "no `{needle}` in\n{}", text(&lines));
            }
        }
    }

    /// The messages carry no seed; the screen gives the stage's, for the implementation graded.
    #[test]
    fn the_replay_is_the_stages_seed_for_the_implementation_graded() {
        let mut r = failing_check("expected 1, got 2");
        r.implementation = "solution".into();
        let seen = words(&compose(&view(Some(r)), 120, 40));
        assert!(
            seen.contains("replay: cargo kata check lru --stage properties --seed 7 --solution"),
            "{seen}"
        );
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_indents_the_continuation() {
        assert_eq!(
            wrap("    one two three four", 14),
            vec!["    one two", "      three", "      four"]
        );
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("short", 80), vec!["short"]);
        for l in wrap(&"日本語 ".repeat(30), 20) {
            assert!(crate::render::width(&l) <= 20, "{l}");
        }
    }
}
