//! `cargo kata` with no arguments: one screen of where the learner stands, and what to do next.
//!
//! Per kata: a bar of its five stages (█ passed, ✗ failed, ░ not yet) and the count of passed
//! ones, solved or not, whether the source changed since the last grade (stale), and the next
//! step as a command to run. The
//! state comes from the progress file (see [`crate::progress`]) and the kata's current source
//! hash; the results file only adds which function a `todo!()` failure was in.

use kata_core::catalogue::{Kata, Stage, KATAS};

use crate::progress::{self, human_time, Progress};
use crate::render::{Align, Out, BOLD, DIM, GREEN, NAME_WIDTH, RED, YELLOW};
use crate::results::{self, StageStatus};
use crate::workspace::Workspace;

/// What one stage shows on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Passed,
    Failed,
    NotYet,
}

/// Where a kata stands.
struct State {
    marks: [Mark; 5],
    solved_at: Option<String>,
    /// Graded before, on another source than the current one.
    stale: bool,
    /// Never graded (no record in the progress file).
    never: bool,
}

fn state(ws: &Workspace, p: &Progress, kata: &Kata) -> State {
    let hash = progress::current_hash(ws, kata);
    let last = p.kata(kata.name).and_then(|k| k.last_grade.as_ref());
    let stale = last.is_some_and(|l| l.source_hash != hash);
    // A stale kata shows how its last grade went, on the source it had then.
    let graded = match last {
        Some(l) if stale => l.source_hash.clone(),
        _ => hash.clone(),
    };
    let marks = Stage::ALL.map(|s| {
        if p.stage_passed(kata.name, s, &graded) {
            Mark::Passed
        } else {
            match last.and_then(|l| l.stages.get(&s)) {
                Some(StageStatus::Failed | StageStatus::CouldNotGrade) => Mark::Failed,
                _ => Mark::NotYet,
            }
        }
    });
    State {
        marks,
        solved_at: p.solved_at(kata.name, &hash).map(str::to_owned),
        stale,
        never: last.is_none(),
    }
}

/// The first `todo!()` of `source` that is not in a comment: the name it carries (`todo!("Type::
/// method")`, as the stubs write them) or else the function it is in, and its line (from 1).
pub fn first_todo(source: &str) -> Option<(String, usize)> {
    let mut last_fn: Option<String> = None;
    for (i, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(pos) = code.find("fn ") {
            let name: String = code[pos + 3..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                last_fn = Some(name);
            }
        }
        if let Some(pos) = code.find("todo!(") {
            let inside = &code[pos + 6..];
            let named = inside
                .strip_prefix('"')
                .and_then(|s| s.split('"').next())
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let name = named
                .or(last_fn.clone())
                .unwrap_or_else(|| "a function".into());
            return Some((name, i + 1));
        }
    }
    None
}

/// The next step for `kata`, as a sentence with the command to run.
fn next_step(ws: &Workspace, p: &Progress, kata: &Kata, st: &State) -> String {
    let name = kata.name;
    let check = format!("`cargo kata check {name}` (or `cargo kata watch {name}`)");
    if st.solved_at.is_some() {
        return format!(
            "time it against the reference and well-known crates with `cargo kata bench {name}`, \
             and compare your code with the reference: `cargo kata solution {name}`"
        );
    }
    let source = std::fs::read_to_string(ws.root.join(kata.learner_file())).unwrap_or_default();
    let todo = first_todo(&source);
    if st.never || st.stale {
        let changed = if st.stale {
            "you changed it since the last grade: "
        } else {
            ""
        };
        return match todo {
            Some((f, line)) if st.never => format!(
                "open {} and replace the first todo!() in {f} (line {line}), then run {check}",
                kata.learner_file()
            ),
            _ => format!("{changed}run {check}"),
        };
    }
    let hash = progress::current_hash(ws, kata);
    let Some(stage) = p.first_unpassed_stage(name, &hash) else {
        return format!("run {check}");
    };
    let index = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
    if st.marks[index] != Mark::Failed {
        return format!("run {check} to grade the {stage} stage");
    }
    // It failed: on a todo!() (say where), or for real (offer a hint).
    let report = results::read(&ws.results_dir(), name).filter(|r| r.source_hash == hash);
    let on_todo = report
        .as_ref()
        .and_then(|r| r.stages.iter().find(|s| s.name == stage.name()))
        .is_some_and(|s| s.only_todo().is_some());
    match todo {
        Some((f, line)) if on_todo => format!(
            "the {stage} stage reached a todo!(): replace the one in {f} ({}:{line}), then run \
             {check}",
            kata.learner_file()
        ),
        _ => format!(
            "the {stage} stage fails: `cargo kata check {name}` shows why; run `cargo kata hint \
             {name}` for a hint on the {stage} stage"
        ),
    }
}

/// One kata's three lines: the bar and verdict, the stages by name, the next step.
///
/// The bar counts passed stages, as the figure beside it does: `█` passed, `✗` failed, `░` not
/// yet, so that it reads the same without colour (a red `█` for a failure looked passed).
/// Padded before painted, so that colour never moves a column.
fn kata_lines(out: &Out, kata: &Kata, st: &State, next: &str) -> Vec<String> {
    let bar: String = st
        .marks
        .iter()
        .map(|m| match m {
            Mark::Passed => out.paint(GREEN, "█"),
            Mark::Failed => out.paint(RED, "✗"),
            Mark::NotYet => out.paint(DIM, "░"),
        })
        .collect();
    let passed = st.marks.iter().filter(|m| **m == Mark::Passed).count();
    let failed = Stage::ALL
        .iter()
        .zip(st.marks)
        .find(|(_, m)| *m == Mark::Failed)
        .map(|(s, _)| *s);
    let label = if let Some(at) = &st.solved_at {
        out.paint(GREEN, &format!("solved ({})", human_time(at)))
    } else if st.stale {
        out.paint(YELLOW, "stale: changed since the last grade")
    } else if st.never {
        out.paint(DIM, "not started")
    } else if let Some(stage) = failed {
        format!("in progress: {}", out.paint(RED, &format!("{stage} fails")))
    } else {
        "in progress".to_owned()
    };
    let stages: Vec<String> = Stage::ALL
        .iter()
        .zip(st.marks)
        .map(|(s, m)| match m {
            Mark::Passed => out.paint(GREEN, &format!("{s} ✓")),
            Mark::Failed => out.paint(RED, &format!("{s} ✗")),
            Mark::NotYet => out.paint(DIM, &format!("{s} ·")),
        })
        .collect();
    let when = if st.stale {
        "  (before your changes)"
    } else {
        ""
    };
    vec![
        format!(
            "  {} {bar}  {passed}/5 passed  {label}",
            out.cell(BOLD, kata.name, NAME_WIDTH, Align::Left)
        ),
        format!("  {:NAME_WIDTH$} {}{when}", "", stages.join("  ")),
        format!(
            "  {:NAME_WIDTH$} {}",
            "",
            out.paint(DIM, &format!("next: {next}"))
        ),
    ]
}

/// Prints the status screen.
pub fn show(ws: &Workspace) {
    let out = Out::new(false);
    let p = progress::load(ws);
    out.line(&out.paint(BOLD, "System-design katas: your progress"));
    out.line("");
    let mut solved = 0;
    for kata in KATAS {
        let st = state(ws, &p, kata);
        if st.solved_at.is_some() {
            solved += 1;
        }
        for line in kata_lines(&out, kata, &st, &next_step(ws, &p, kata, &st)) {
            out.line(&line);
        }
        out.line("");
    }
    match p.next_kata(ws) {
        Some(kata) => {
            let st = state(ws, &p, kata);
            let step = next_step(ws, &p, kata, &st);
            let mut chars = step.chars();
            let step = chars
                .next()
                .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default();
            out.line(&format!("{} {step}.", out.paint(BOLD, "Next:")));
        }
        None => out.line(&format!(
            "{} every kata is solved ({solved}/{}). Time yours: `cargo kata bench {}`; compare \
             with the reference: `cargo kata solution {}`.",
            out.paint(BOLD, "Next:"),
            KATAS.len(),
            KATAS[0].name,
            KATAS[0].name
        )),
    }
    out.line(&out.paint(
        DIM,
        "Commands: cargo kata check | watch | hint | bench | leaderboard | reset | solution | list \
         (cargo kata help <command>)",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(text: &str) -> String {
        anstream::adapter::strip_str(text).to_string()
    }

    fn lru() -> &'static Kata {
        kata_core::catalogue::find("lru").unwrap()
    }

    fn failed_at_properties() -> State {
        State {
            marks: [
                Mark::Passed,
                Mark::Failed,
                Mark::NotYet,
                Mark::NotYet,
                Mark::NotYet,
            ],
            solved_at: None,
            stale: false,
            never: false,
        }
    }

    /// Without colour a failed stage looked like a passed one (both `█`): the bar must show the
    /// passed stages only, as the count beside it does.
    #[test]
    fn the_bar_and_the_count_are_the_passed_stages() {
        let out = Out::buffer(false);
        let lines = kata_lines(&out, lru(), &failed_at_properties(), "fix it");
        assert_eq!(lines[0].matches('█').count(), 1, "{}", lines[0]);
        assert!(
            lines[0].contains("█✗░░░  1/5 passed  in progress: properties fails"),
            "{}",
            lines[0]
        );
    }

    /// Colour never moves a column: every line, coloured then read on a terminal, is the plain
    /// line, and the stage names start under the bar.
    #[test]
    fn colour_does_not_move_the_columns() {
        let states = [
            failed_at_properties(),
            State {
                marks: [Mark::Passed; 5],
                solved_at: Some("2026-12-01T10:00:00Z".into()),
                stale: false,
                never: false,
            },
            State {
                marks: [Mark::NotYet; 5],
                solved_at: None,
                stale: false,
                never: true,
            },
        ];
        for st in &states {
            let plain = kata_lines(&Out::buffer(false), lru(), st, "next");
            let coloured = kata_lines(&Out::buffer(true), lru(), st, "next");
            assert!(coloured[0].contains(BOLD));
            let seen: Vec<String> = coloured.iter().map(|l| visible(l)).collect();
            assert_eq!(seen, plain);
            let bar = plain[0].find(['█', '✗', '░']).unwrap();
            let names = plain[1].find("examples").unwrap();
            assert_eq!(
                plain[0][..bar].chars().count(),
                plain[1][..names].chars().count()
            );
        }
    }

    #[test]
    fn the_first_todo_is_named_by_its_message_or_its_function() {
        let src = "// todo!(\"in a comment\")\nfn a() { 1 }\nfn with_capacity() {\n    \
                   todo!(\"LruCache::with_capacity\")\n}\n";
        assert_eq!(
            first_todo(src),
            Some(("LruCache::with_capacity".to_owned(), 4))
        );
        assert_eq!(
            first_todo("fn get(&self) {\n    todo!()\n}\n"),
            Some(("get".to_owned(), 2))
        );
        assert_eq!(first_todo("fn a() {}"), None);
    }
}
