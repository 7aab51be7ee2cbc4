//! What the learner reads: progress while grading, the verdict, and `cargo kata list`.
//!
//! Plain text, one line per step, colour only on a terminal and never when `NO_COLOR` is set. With
//! `--json`, all of this goes to stderr and stdout carries only the JSON.
//!
//! On a terminal, a running stage is one spinner line (`⠙ [4/5] quality  12.3 s`) redrawn about
//! ten times a second and replaced by its verdict; elsewhere (a pipe, a file) the output is plain
//! lines, with no carriage return or escape code. For `cargo kata watch`, which draws its own
//! screen, [`Out::events`] prints no text at all but [`LiveEvent`]s, one JSON object a line.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use kata_core::catalogue::{Kata, Stage, KATAS};
use serde::{Deserialize, Serialize};

use crate::grade::Target;
use crate::results::{self, Report, StageResult, StageStatus, Verdict};
use crate::workspace::Workspace;

/// Where human output goes, and whether it is coloured.
pub struct Out {
    to_stderr: bool,
    color: bool,
    /// On a terminal: the running stage is a spinner line, redrawn by [`Out::tick`].
    live: bool,
    /// For `cargo kata watch`: [`LiveEvent`]s on stderr instead of text.
    events: bool,
    /// The stage running now, for the spinner.
    running: RefCell<Option<Running>>,
    /// What is being graded (`learner`, `solution`, `mutant:<name>`), from [`Out::kata_header`]:
    /// the replay command must grade the same implementation.
    implementation: RefCell<String>,
    /// For tests: the text is kept here instead of being printed.
    sink: Option<RefCell<String>>,
}

/// The spinner's frames.
pub const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// How often the spinner line is redrawn.
const FRAME: Duration = Duration::from_millis(100);

/// The stage the spinner shows.
struct Running {
    label: String,
    limit: Duration,
    started: Instant,
    frames: usize,
    drawn: Instant,
    /// Characters on the spinner line, to blank it with spaces (no escape code).
    width: usize,
}

/// What a grading run is doing, as [`Out::events`] prints it for `cargo kata watch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LiveEvent {
    /// A build starts (`what` is empty, or ` for loom`).
    Building {
        /// Which build.
        what: String,
    },
    /// The build succeeded.
    Built,
    /// The build failed: the compiler's messages, the learner's file first.
    BuildFailed {
        /// Rendered compiler errors.
        messages: Vec<String>,
        /// Cargo's own error output.
        stderr: String,
    },
    /// A stage starts.
    StageStart {
        /// Its name.
        stage: String,
        /// Its position, from 1.
        index: usize,
    },
    /// A stage is done.
    StageDone {
        /// Its name.
        stage: String,
        /// How it went.
        status: StageStatus,
    },
}

/// ANSI style: passed, faster.
pub const GREEN: &str = "\x1b[32m";
/// ANSI style: failed.
pub const RED: &str = "\x1b[31m";
/// ANSI style: not yet implemented, advice, slower.
pub const YELLOW: &str = "\x1b[33m";
/// ANSI style: headings.
pub const BOLD: &str = "\x1b[1m";
/// ANSI style: secondary text.
pub const DIM: &str = "\x1b[2m";
/// ANSI style: back to plain text.
pub const RESET: &str = "\x1b[0m";

/// What to do about a `todo!()` the grader reached, under its message.
pub const TODO_ADVICE: &str =
    "Replace that todo!() with your implementation; the kata's README explains what it must do.";

impl Out {
    /// Output for a run; `json` sends human output to stderr.
    pub fn new(json: bool) -> Out {
        let terminal = if json {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Out {
            to_stderr: json,
            color: terminal && !no_color,
            live: terminal,
            events: false,
            running: RefCell::new(None),
            implementation: RefCell::new("learner".into()),
            sink: None,
        }
    }

    /// Output kept in memory ([`Out::take`]), coloured or not, never live: what a test reads.
    #[cfg(test)]
    pub fn buffer(color: bool) -> Out {
        Out {
            to_stderr: false,
            color,
            live: false,
            events: false,
            running: RefCell::new(None),
            implementation: RefCell::new("learner".into()),
            sink: Some(RefCell::new(String::new())),
        }
    }

    /// The text printed so far to an [`Out::buffer`], emptied.
    #[cfg(test)]
    pub fn take(&self) -> String {
        self.sink
            .as_ref()
            .map(|s| std::mem::take(&mut *s.borrow_mut()))
            .unwrap_or_default()
    }

    /// Output for `cargo kata watch`'s grading process: no text, [`LiveEvent`]s on stderr.
    pub fn events() -> Out {
        Out {
            to_stderr: true,
            color: false,
            live: false,
            events: true,
            running: RefCell::new(None),
            implementation: RefCell::new("learner".into()),
            sink: None,
        }
    }

    fn emit(&self, event: LiveEvent) {
        if self.events {
            if let Ok(mut line) = serde_json::to_string(&event) {
                line.push('\n');
                let mut e = std::io::stderr().lock();
                let _ = e.write_all(line.as_bytes());
                let _ = e.flush();
            }
        }
    }

    /// Whether output goes to a terminal, where a line can be redrawn (build progress).
    pub fn live(&self) -> bool {
        self.live
    }

    /// Whether to use colour.
    pub fn color(&self) -> bool {
        self.color
    }

    /// `text` in `style` when colour is on.
    pub fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// `text` padded to `width` columns, then painted in `style` when colour is on. Pads before
    /// painting, so that a column's width never counts escape codes: `format!("{:<14}")` of a
    /// painted text would (the codes are 9 invisible characters), and misalign the column.
    pub fn cell(&self, style: &str, text: &str, width: usize, align: Align) -> String {
        self.paint(style, &pad(text, width, align))
    }

    /// Prints `text` as it is, flushed.
    pub fn print(&self, text: &str) {
        if self.events {
            return;
        }
        if let Some(sink) = &self.sink {
            sink.borrow_mut().push_str(text);
            return;
        }
        if self.to_stderr {
            let mut e = std::io::stderr().lock();
            let _ = e.write_all(text.as_bytes());
            let _ = e.flush();
        } else {
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(text.as_bytes());
            let _ = o.flush();
        }
    }

    /// Prints `text` and a newline.
    pub fn line(&self, text: &str) {
        self.print(&format!("{text}\n"));
    }

    /// "Grading lru (your crate: katas/lru)".
    pub fn kata_header(&self, kata: &Kata, target: &Target, source: &str) {
        *self.implementation.borrow_mut() = match target {
            Target::Learner => "learner".into(),
            Target::Solution => "solution".into(),
            Target::Mutant(m) => format!("mutant:{m}"),
        };
        let whose = match target {
            Target::Learner => "your crate",
            Target::Solution => "the reference solution",
            Target::Mutant(_) => "a known-wrong implementation",
        };
        self.line(&format!(
            "{} {} ({whose}: {source})",
            self.paint(BOLD, "Grading"),
            self.paint(BOLD, kata.name)
        ));
    }

    /// Before a build.
    pub fn building(&self, what: &str) {
        self.emit(LiveEvent::Building { what: what.into() });
        self.print(&format!("  building{what} ... "));
    }

    /// After a build.
    pub fn built(&self, took: Duration) {
        self.emit(LiveEvent::Built);
        self.line(&format!("done ({:.1} s)", took.as_secs_f64()));
    }

    /// A build that failed: the compiler's messages and what to do.
    pub fn build_failed(
        &self,
        kata: &Kata,
        target: &Target,
        source: &str,
        messages: &[String],
        stderr: &str,
        closing: Option<&str>,
    ) {
        self.emit(LiveEvent::BuildFailed {
            messages: messages.to_vec(),
            stderr: stderr.into(),
        });
        self.line(&self.paint(RED, "failed"));
        if messages.is_empty() {
            self.line(stderr.trim_end());
        }
        for m in messages {
            self.line(m.trim_end());
        }
        let hint = if let Some(c) = closing {
            c.to_owned()
        } else if *target == Target::Learner {
            format!(
                "{source} does not compile: fix the errors above and run `cargo kata check {}` \
                 again. Other katas are not affected.",
                kata.name
            )
        } else {
            format!("{source} does not compile.")
        };
        self.line(&self.paint(YELLOW, &hint));
    }

    /// Before a stage runs: its line, or on a terminal the first frame of its spinner.
    pub fn stage_start(&self, stage: Stage, limit: Duration) {
        let index = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0) + 1;
        self.emit(LiveEvent::StageStart {
            stage: stage.name().into(),
            index,
        });
        let name = if stage == Stage::Concurrency {
            "concurrency (stress + loom)".to_owned()
        } else {
            stage.to_string()
        };
        let label = format!("[{index}/5] {name}");
        if self.live {
            let now = Instant::now();
            *self.running.borrow_mut() = Some(Running {
                label,
                limit,
                started: now,
                frames: 0,
                drawn: now,
                width: 0,
            });
            self.draw_spinner();
        } else {
            self.print_stage_prefix(&label, limit);
        }
    }

    fn print_stage_prefix(&self, label: &str, limit: Duration) {
        self.print(&format!(
            "  {label:<34} {}",
            self.paint(DIM, &format!("(limit {:>3} s) ", limit.as_secs()))
        ));
    }

    /// While a stage runs: redraws the spinner line when a frame is due (on a terminal only).
    /// Cheap; call it as often as you like.
    pub fn tick(&self) {
        let due = self
            .running
            .borrow()
            .as_ref()
            .is_some_and(|r| r.drawn.elapsed() >= FRAME);
        if due {
            self.draw_spinner();
        }
    }

    fn draw_spinner(&self) {
        let mut running = self.running.borrow_mut();
        let Some(r) = running.as_mut() else { return };
        let text = format!(
            "  {} {:<34} {:>6.1} s  (limit {} s)",
            SPINNER[r.frames % SPINNER.len()],
            r.label,
            r.started.elapsed().as_secs_f64(),
            r.limit.as_secs()
        );
        let width = text.chars().count();
        // Spaces, not an erase escape, blank what is left of a longer frame: NO_COLOR means none.
        let pad = " ".repeat(r.width.saturating_sub(width));
        r.frames += 1;
        r.drawn = Instant::now();
        r.width = width;
        drop(running);
        self.print(&format!("\r{text}{pad}"));
    }

    /// Blanks the spinner line and prints the stage's plain prefix in its place.
    fn end_spinner(&self) {
        if let Some(r) = self.running.borrow_mut().take() {
            self.print(&format!("\r{}\r", " ".repeat(r.width)));
            self.print_stage_prefix(&r.label, r.limit);
        }
    }

    /// After a stage (both halves, for concurrency): its verdict and, when it did not pass, why.
    pub fn stage_done(&self, kata: &Kata, r: &StageResult, seed: u64) {
        self.end_spinner();
        self.emit(LiveEvent::StageDone {
            stage: r.name.clone(),
            status: r.status,
        });
        let passed = r.tests.iter().filter(|t| t.status == "passed").count()
            + r.measurements.iter().filter(|m| m.passed).count();
        let total = r.tests.len() + r.measurements.len();
        let todo = r.only_todo();
        let verdict = match (r.status, todo) {
            (StageStatus::Passed, _) => self.paint(GREEN, "PASS"),
            (StageStatus::Failed, Some(_)) => self.paint(YELLOW, "NOT YET IMPLEMENTED"),
            (StageStatus::Failed, None) => self.paint(RED, "FAIL"),
            (StageStatus::CouldNotGrade, _) => self.paint(RED, "COULD NOT GRADE"),
            (StageStatus::NotRun, _) => "not run".to_owned(),
        };
        self.line(&format!(
            "{verdict}  {passed}/{total} checks, {:.1} s",
            r.duration_ms as f64 / 1000.0
        ));
        for table in &r.tables {
            self.table(table);
        }
        for m in &r.measurements {
            let mark = if m.passed {
                self.paint(GREEN, "ok  ")
            } else {
                self.paint(RED, "FAIL")
            };
            self.line(&format!(
                "        {mark} {}: {} {} (needs {})",
                m.name,
                trim_float(m.value),
                m.unit,
                m.threshold
            ));
        }
        for n in &r.notes {
            self.line(&format!("        {}", self.paint(DIM, n)));
        }
        if r.status == StageStatus::Passed {
            return;
        }
        if let Some(m) = &r.message {
            self.line(&format!("        {}", self.paint(RED, m)));
        }
        if let Some(t) = todo {
            let at = t
                .location
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            self.line(&format!("        {}{at}", t.message));
            self.line(&format!("        {}", self.paint(YELLOW, TODO_ADVICE)));
            return;
        }
        for t in r.tests.iter().filter(|t| t.status != "passed" && !t.todo) {
            self.line(&format!("        {} {}", self.paint(RED, "✗"), t.name));
            for l in t.message.lines() {
                self.line(&format!("            {l}"));
            }
            if let Some(loc) = &t.location {
                self.line(&format!("            at {loc}"));
            }
        }
        // Beside a real failure, the checks that stopped at a `todo!()`: one line, after it.
        if let Some(note) = r.todo_note() {
            self.line(&format!("        {}", self.paint(YELLOW, &note)));
        }
        // Every failure is replayed by the stage's seed: the one seed shown, whatever the
        // messages say, and the command grades the same implementation the same way.
        let implementation = self.implementation.borrow().clone();
        self.line(&format!(
            "        replay: {}",
            replay_command(kata.name, &implementation, &r.name, seed)
        ));
    }

    fn table(&self, t: &results::Table) {
        self.line(&format!("        {}", t.title));
        let mut widths: Vec<usize> = t.headers.iter().map(|h| width(h)).collect();
        for row in &t.rows {
            for (i, c) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(width(c));
                }
            }
        }
        let fmt_row = |cells: &[String]| {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| pad(c, widths.get(i).copied().unwrap_or(0), Align::Right))
                .collect::<Vec<_>>()
                .join("  ")
        };
        self.line(&format!("          {}", fmt_row(&t.headers)));
        for row in &t.rows {
            self.line(&format!("          {}", fmt_row(row)));
        }
    }

    /// The closing lines: verdict, next step, where the results file is.
    pub fn summary(&self, report: &Report, path: &Path, root: &Path) {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let kata = &report.kata;
        let (word, next) = match report.verdict {
            Verdict::Passed => (
                self.paint(GREEN, &crate::grade::passed_word(report)),
                crate::grade::next_step(report),
            ),
            Verdict::Failed => (self.paint(RED, "failed"), crate::grade::next_step(report)),
            Verdict::CouldNotGrade => (
                self.paint(RED, "could not be graded"),
                "see above.".to_owned(),
            ),
        };
        self.line(&format!(
            "{kata} {word} in {:.1} s: {next} Results: {rel}",
            report.duration_ms as f64 / 1000.0
        ));
    }
}

/// The command that grades `stage` of `kata` again exactly as it was graded: the same
/// implementation (`learner`, `solution`, `mutant:<name>`, as in the results file) and the stage's
/// seed, the one that replays every random input the stage drew (the seed of a run is the seed of
/// each of its stages).
pub fn replay_command(kata: &str, implementation: &str, stage: &str, seed: u64) -> String {
    let which = match implementation {
        "solution" => " --solution".to_owned(),
        m => m
            .strip_prefix("mutant:")
            .map(|m| format!(" --mutant {m}"))
            .unwrap_or_default(),
    };
    format!("cargo kata check {kata} --stage {stage} --seed {seed}{which}")
}

/// How [`pad`] aligns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text first, spaces after.
    Left,
    /// Spaces first.
    Right,
}

/// The columns `text` takes on a terminal: wide characters (CJK, most emoji) take two, combining
/// marks none. `text` holds no escape codes (pad, then paint).
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` padded with spaces to `width` columns (never cut).
pub fn pad(text: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(self::width(text)));
    match align {
        Align::Left => format!("{text}{fill}"),
        Align::Right => format!("{fill}{text}"),
    }
}

fn trim_float(v: f64) -> String {
    if v == 0.0 {
        "0".to_owned()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        // Four decimals at most, and no trailing zeros: 8.2, not 8.2000.
        let text = format!("{v:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// `cargo kata list`: each kata with the stages its last check passed.
pub fn list(ws: &Workspace) {
    list_to(ws, &Out::new(false));
}

/// The column of kata names in `cargo kata list` and `cargo kata`: the longest name.
pub const NAME_WIDTH: usize = {
    let mut widest = 0;
    let mut i = 0;
    while i < KATAS.len() {
        if KATAS[i].name.len() > widest {
            widest = KATAS[i].name.len();
        }
        i += 1;
    }
    widest
};

fn list_to(ws: &Workspace, out: &Out) {
    out.line(&out.paint(BOLD, "System-design katas"));
    for kata in KATAS {
        let stars =
            "★".repeat(kata.difficulty as usize) + &"☆".repeat(5 - kata.difficulty as usize);
        out.line(&format!(
            "  {} {stars}  {}",
            out.cell(BOLD, kata.name, NAME_WIDTH, Align::Left),
            kata.title
        ));
        out.line(&format!(
            "  {:NAME_WIDTH$}        {}",
            "",
            out.paint(DIM, &format!("curriculum: {}", kata.curriculum))
        ));
        let progress = match results::read(&ws.results_dir(), kata.name) {
            None => "not graded yet: run `cargo kata check ".to_owned() + kata.name + "`",
            Some(r) => {
                let marks: Vec<String> = r
                    .stages
                    .iter()
                    .map(|s| match s.status {
                        StageStatus::Passed => out.paint(GREEN, &format!("{} ✓", s.name)),
                        StageStatus::Failed | StageStatus::CouldNotGrade => {
                            out.paint(RED, &format!("{} ✗", s.name))
                        }
                        StageStatus::NotRun => out.paint(DIM, &format!("{} ·", s.name)),
                    })
                    .collect();
                let current = results::hash_tree(&ws.root.join(&r.source));
                let stale = if current == r.source_hash {
                    String::new()
                } else {
                    out.paint(YELLOW, "  (changed since: check again)")
                };
                format!("{}{stale}", marks.join("  "))
            }
        };
        out.line(&format!("  {:NAME_WIDTH$}        {progress}", ""));
    }
    out.line("");
    out.line(
        "Grade one: cargo kata check <kata>    The reference: cargo kata check <kata> --solution",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::TestResult;

    /// What a person reads: the coloured text without its escape codes.
    pub fn visible(text: &str) -> String {
        anstream::adapter::strip_str(text).to_string()
    }

    fn failing_property(message: &str) -> StageResult {
        let mut r = StageResult::not_run("properties");
        r.status = StageStatus::Failed;
        r.tests.push(TestResult {
            name: "matches the model".into(),
            status: "failed".into(),
            message: message.into(),
            todo: false,
            location: None,
        });
        r
    }

    fn lru() -> &'static Kata {
        kata_core::catalogue::find("lru").unwrap()
    }

    /// The property's message carries no seed (the suites leave it out: a property's own seed
    /// does not replay); the footer still gives the stage's, in a complete command.
    #[test]
    fn a_failing_stage_always_ends_with_the_command_that_replays_it() {
        let out = Out::buffer(false);
        let r = failing_property("minimal failing sequence:\n  cache.put(1, 1);");
        out.stage_done(lru(), &r, 42);
        let text = out.take();
        assert!(
            text.contains("replay: cargo kata check lru --stage properties --seed 42\n"),
            "{text}"
        );
        assert_eq!(text.matches("--seed").count(), 1, "{text}");
    }

    #[test]
    fn the_replay_grades_the_same_implementation() {
        let r = failing_property("expected 1, got 2");
        for (target, flag) in [
            (Target::Solution, " --solution"),
            (
                Target::Mutant("get-no-refresh".into()),
                " --mutant get-no-refresh",
            ),
            (Target::Learner, ""),
        ] {
            let out = Out::buffer(false);
            out.kata_header(lru(), &target, "x");
            out.stage_done(lru(), &r, 7);
            let want = format!("replay: cargo kata check lru --stage properties --seed 7{flag}\n");
            assert!(out.take().contains(&want), "{want}");
        }
        assert_eq!(
            replay_command("token-bucket", "mutant:never-caps", "examples", 3),
            "cargo kata check token-bucket --stage examples --seed 3 --mutant never-caps"
        );
    }

    /// A learner who wrote one type and left another at `todo!()`: the real failure is shown,
    /// with its replay, and the todo in one line after it (it used to hide the failure).
    #[test]
    fn a_real_failure_beside_a_todo_is_shown_first() {
        let mut r = failing_property("expected Some(1), got None");
        r.tests.push(TestResult {
            name: "the other type".into(),
            status: "failed".into(),
            message: "not yet implemented: Other::new".into(),
            todo: true,
            location: Some("katas/lru/src/lib.rs:9".into()),
        });
        assert!(r.only_todo().is_none());
        let out = Out::buffer(false);
        out.stage_done(lru(), &r, 42);
        let text = out.take();
        assert!(text.contains("FAIL") && !text.contains("NOT YET"), "{text}");
        assert!(
            text.contains("✗ matches the model") && text.contains("got None"),
            "{text}"
        );
        assert!(
            text.contains(
                "and 1 check stopped at a todo!(): not yet implemented: Other::new \
                 (katas/lru/src/lib.rs:9)"
            ),
            "{text}"
        );
        assert!(
            text.contains("replay: cargo kata check lru --stage properties"),
            "{text}"
        );
    }

    #[test]
    fn a_todo_is_not_offered_a_replay() {
        let mut r = failing_property("not yet implemented: LruCache::get");
        r.tests[0].todo = true;
        let out = Out::buffer(false);
        out.stage_done(lru(), &r, 42);
        assert!(!out.take().contains("replay"));
    }

    /// Colour never moves a column: the coloured output, read on a terminal, is the plain one.
    #[test]
    fn colour_does_not_move_the_columns_of_list() {
        let dir = std::env::temp_dir().join(format!("kata-render-list-{}", std::process::id()));
        let ws = Workspace {
            root: dir.clone(),
            target: dir.join("target"),
        };
        let (plain, coloured) = (Out::buffer(false), Out::buffer(true));
        list_to(&ws, &plain);
        list_to(&ws, &coloured);
        let coloured = coloured.take();
        assert!(coloured.contains(BOLD), "colour is on");
        assert_eq!(visible(&coloured), plain.take());
    }

    #[test]
    fn padding_counts_columns_not_characters_nor_escape_codes() {
        assert_eq!(pad("日本", 6, Align::Left), "日本  ");
        assert_eq!(pad("ab", 4, Align::Right), "  ab");
        assert_eq!(pad("too long", 3, Align::Left), "too long");
        let out = Out::buffer(true);
        assert_eq!(visible(&out.cell(BOLD, "lru", 6, Align::Left)), "lru   ");
    }
}
