//! `cargo kata hint`: graded hints, one level at a time, from `katas/<kata>/HINTS.md`.
//!
//! # The HINTS.md format
//!
//! Markdown, read line by line:
//!
//! ```text
//! # Hints for `lru`            <- anything before the first `## ` is a preamble, ignored
//!
//! ## examples                  <- a stage: examples, properties, concurrency, quality, complexity
//!
//! ### 1. Nudge                 <- a level: `### <n>. <title>`, numbered 1, 2, 3, ... in order
//!
//! Text of the hint, any Markdown, up to the next heading of level 2 or 3.
//! ```
//!
//! Every stage appears once, in any order, with at least one level (the repository's tests
//! require three: a nudge, a direction, the key idea; often a fourth, the pitfall). Headings
//! inside fenced code blocks (```` ``` ````) are text, not headings.
//!
//! # Which hint comes next
//!
//! Without `--level`, the stage is the first one the learner's current source has not passed
//! (from the progress file) or `--stage`, and the level is the lowest one of that stage not seen
//! yet. Every level shown is recorded in the progress file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use kata_core::catalogue::{Kata, Stage};

use crate::progress::{self, Progress};
use crate::render::{Out, BOLD, DIM, GREEN, YELLOW};
use crate::workspace::Workspace;

/// One hint, as shown to the learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The stage it helps with.
    pub stage: Stage,
    /// Its level, from 1.
    pub level: usize,
    /// How many levels the stage has.
    pub total: usize,
    /// The level's title, e.g. "Nudge".
    pub title: String,
    /// The hint itself (Markdown).
    pub text: String,
}

/// Why [`next_hint`] has no hint to give: every level of the stage has been seen. Returned
/// inside the `anyhow::Error`; downcast to tell it apart from real errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMoreHints {
    /// The kata.
    pub kata: &'static str,
    /// The stage whose hints are all seen.
    pub stage: Stage,
    /// How many levels it has.
    pub total: usize,
}

impl std::fmt::Display for NoMoreHints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "you have seen all {} hints for the {} stage of {}; read katas/{}/README.md (the \
             concept, the API, what each stage checks), or see one again with `cargo kata hint \
             {} --stage {} --level <1-{}>`",
            self.total, self.stage, self.kata, self.kata, self.kata, self.stage, self.total
        )
    }
}

impl std::error::Error for NoMoreHints {}

/// A level as written in HINTS.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// The title after the number.
    pub title: String,
    /// The text under the heading, trimmed.
    pub text: String,
}

/// A parsed HINTS.md: the levels of every stage, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hints {
    /// Per stage, level 1 first.
    pub stages: BTreeMap<Stage, Vec<Level>>,
}

impl Hints {
    /// The levels of `stage` (empty if the file has none).
    pub fn levels(&self, stage: Stage) -> &[Level] {
        self.stages.get(&stage).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Level `level` (from 1) of `stage` as a [`Hint`].
    fn hint(&self, stage: Stage, level: usize) -> Option<Hint> {
        let levels = self.levels(stage);
        let l = levels.get(level.checked_sub(1)?)?;
        Some(Hint {
            stage,
            level,
            total: levels.len(),
            title: l.title.clone(),
            text: l.text.clone(),
        })
    }
}

/// The hints file of `kata`.
pub fn file(ws: &Workspace, kata: &Kata) -> PathBuf {
    ws.root.join("katas").join(kata.name).join("HINTS.md")
}

/// Reads and parses `kata`'s HINTS.md.
pub fn load(ws: &Workspace, kata: &Kata) -> Result<Hints> {
    let path = file(ws, kata);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (restore it with `git checkout -- katas/{}/HINTS.md`)",
            path.display(),
            kata.name
        )
    })?;
    parse(&text).with_context(|| format!("in katas/{}/HINTS.md", kata.name))
}

/// Parses the HINTS.md format (see the module documentation).
pub fn parse(text: &str) -> Result<Hints> {
    let mut stages: BTreeMap<Stage, Vec<Level>> = BTreeMap::new();
    let mut stage: Option<Stage> = None;
    let mut level: Option<(String, Vec<&str>)> = None;
    let mut in_fence = false;

    fn close(
        stages: &mut BTreeMap<Stage, Vec<Level>>,
        stage: Option<Stage>,
        level: &mut Option<(String, Vec<&str>)>,
    ) {
        if let (Some(s), Some((title, lines))) = (stage, level.take()) {
            stages.entry(s).or_default().push(Level {
                title,
                text: lines.join("\n").trim().to_owned(),
            });
        }
    }

    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        let heading = !in_fence && !line.starts_with(' ');
        if heading && line.starts_with("## ") {
            close(&mut stages, stage, &mut level);
            let name = line[3..].trim();
            let s = Stage::parse(name).with_context(|| {
                format!(
                    "line {n}: `## {name}` is not a stage (examples, properties, concurrency, \
                     quality, complexity)"
                )
            })?;
            if stages.contains_key(&s) {
                bail!("line {n}: stage `{name}` appears twice");
            }
            stages.insert(s, Vec::new());
            stage = Some(s);
        } else if heading && line.starts_with("### ") {
            close(&mut stages, stage, &mut level);
            let Some(s) = stage else {
                bail!("line {n}: a hint level before any `## <stage>` heading");
            };
            let rest = line[4..].trim();
            let (number, title) = rest.split_once('.').with_context(|| {
                format!("line {n}: a level heading is `### <number>. <title>`, not `### {rest}`")
            })?;
            let number: usize = number
                .trim()
                .parse()
                .with_context(|| format!("line {n}: `{}` is not a level number", number.trim()))?;
            let expected = stages.get(&s).map_or(0, Vec::len) + 1;
            if number != expected {
                bail!("line {n}: level {number} of `{s}` should be numbered {expected}");
            }
            level = Some((title.trim().to_owned(), Vec::new()));
        } else if let Some((_, lines)) = level.as_mut() {
            lines.push(line);
        } else if let Some(s) = stage.filter(|_| !line.trim().is_empty()) {
            bail!("line {n}: text under `## {s}` before its first `### 1. <title>`");
        }
    }
    close(&mut stages, stage, &mut level);
    for s in Stage::ALL {
        match stages.get(&s) {
            None => bail!("no `## {s}` section"),
            Some(l) if l.is_empty() => bail!("`## {s}` has no levels"),
            Some(l) => {
                if let Some(empty) = l.iter().position(|l| l.text.is_empty()) {
                    bail!("level {} of `{s}` has no text", empty + 1);
                }
            }
        }
    }
    Ok(Hints { stages })
}

/// The stage a hint is for: `stage` if given, else the first one `kata`'s current source has
/// not passed.
fn stage_for(
    ws: &Workspace,
    progress: &Progress,
    kata: &Kata,
    stage: Option<Stage>,
) -> Result<Stage> {
    if let Some(s) = stage {
        return Ok(s);
    }
    let hash = progress::current_hash(ws, kata);
    progress
        .first_unpassed_stage(kata.name, &hash)
        .with_context(|| {
            format!(
            "{} passes every stage: no hint needed. To read a stage's hints anyway: `cargo kata \
             hint {} --stage <stage>`; to compare with the reference: `cargo kata solution {}`",
            kata.name, kata.name, kata.name
        )
        })
}

/// The next unseen hint for `kata`: for `stage`, or else for the first stage the learner's
/// current source has not passed. Records it as seen in the progress file.
///
/// When every level of the stage has been seen, the error is a [`NoMoreHints`].
pub fn next_hint(ws: &Workspace, kata: &Kata, stage: Option<Stage>) -> Result<Hint> {
    let mut progress = progress::load(ws);
    let hints = load(ws, kata)?;
    let stage = stage_for(ws, &progress, kata, stage)?;
    let seen = progress.hints_seen(kata.name, stage);
    let total = hints.levels(stage).len();
    let Some(level) = (1..=total).find(|l| !seen.contains(l)) else {
        return Err(NoMoreHints {
            kata: kata.name,
            stage,
            total,
        }
        .into());
    };
    progress.mark_hint_seen(kata.name, stage, level);
    progress::save(ws, &progress)?;
    Ok(hints.hint(stage, level).expect("level in range"))
}

/// Hint `level` of `stage` (or the first unpassed stage) of `kata`, recorded as seen.
pub fn hint_at(ws: &Workspace, kata: &Kata, stage: Option<Stage>, level: usize) -> Result<Hint> {
    let mut progress = progress::load(ws);
    let hints = load(ws, kata)?;
    let stage = stage_for(ws, &progress, kata, stage)?;
    let total = hints.levels(stage).len();
    let Some(hint) = hints.hint(stage, level) else {
        bail!(
            "the {stage} stage of {} has {total} hint levels: choose --level 1 to {total} (or \
             leave --level out for the next one you have not seen)",
            kata.name
        );
    };
    progress.mark_hint_seen(kata.name, stage, level);
    progress::save(ws, &progress)?;
    Ok(hint)
}

/// `cargo kata hint <kata> [--stage S] [--level N]`: prints the hint, the levels seen before it
/// (one line each), and how many remain.
pub fn run(ws: &Workspace, kata: &Kata, stage: Option<Stage>, level: Option<usize>) -> Result<()> {
    run_to(ws, kata, stage, level, &Out::new(false))
}

/// [`run`], printing to `out`.
fn run_to(
    ws: &Workspace,
    kata: &Kata,
    stage: Option<Stage>,
    level: Option<usize>,
    out: &Out,
) -> Result<()> {
    let progress = progress::load(ws);
    let hints = load(ws, kata)?;
    if stage.is_none()
        && progress
            .first_unpassed_stage(kata.name, &progress::current_hash(ws, kata))
            .is_none()
    {
        // Solved: not an error (exit status 0), and the hints are still there by stage.
        let name = kata.name;
        out.line(&out.paint(
            GREEN,
            &format!("{name} is solved: your code passes every stage, no hint needed."),
        ));
        out.line(&format!(
            "To read a stage's hints anyway: `cargo kata hint {name} --stage <stage>` (examples, \
             properties, concurrency, quality, complexity); to compare with the reference: \
             `cargo kata solution {name}`."
        ));
        return Ok(());
    }
    let resolved = stage_for(ws, &progress, kata, stage)?;
    let seen_before = progress.hints_seen(kata.name, resolved);
    let hint = match level {
        Some(l) => hint_at(ws, kata, Some(resolved), l)?,
        None => match next_hint(ws, kata, Some(resolved)) {
            Ok(h) => h,
            Err(e) => {
                let Some(done) = e.downcast_ref::<NoMoreHints>() else {
                    return Err(e);
                };
                out.line(&out.paint(
                    BOLD,
                    &format!("Hints for the {} stage of {}", done.stage, kata.name),
                ));
                for l in &seen_before {
                    compact(out, &hints, resolved, *l);
                }
                out.line("");
                out.line(&out.paint(YELLOW, &format!("No more hints: {done}.")));
                return Ok(());
            }
        },
    };
    out.line(&out.paint(
        BOLD,
        &format!("Hints for the {} stage of {}", hint.stage, kata.name),
    ));
    for l in seen_before.iter().filter(|l| **l != hint.level) {
        compact(out, &hints, resolved, *l);
    }
    out.line("");
    out.line(&out.paint(
        GREEN,
        &format!("Hint {} of {}: {}", hint.level, hint.total, hint.title),
    ));
    out.line("");
    for line in hint.text.lines() {
        out.line(&format!("  {line}"));
    }
    out.line("");
    let seen_now = progress::load(ws).hints_seen(kata.name, resolved);
    let remaining = (1..=hint.total).filter(|l| !seen_now.contains(l)).count();
    let tail = match remaining {
        0 => format!(
            "That was the last hint for {}. Still stuck? Read katas/{}/README.md, then run \
             `cargo kata check {}`.",
            hint.stage, kata.name, kata.name
        ),
        1 => format!(
            "1 more hint for this stage: `cargo kata hint {}{}`. Try it first: `cargo kata check {}`.",
            kata.name,
            stage_flag(stage),
            kata.name
        ),
        n => format!(
            "{n} more hints for this stage: `cargo kata hint {}{}`. Try it first: `cargo kata \
             check {}`.",
            kata.name,
            stage_flag(stage),
            kata.name
        ),
    };
    out.line(&out.paint(DIM, &tail));
    Ok(())
}

fn stage_flag(stage: Option<Stage>) -> String {
    stage.map(|s| format!(" --stage {s}")).unwrap_or_default()
}

/// One line for a level seen before: its number, title, and the start of its text.
fn compact(out: &Out, hints: &Hints, stage: Stage, level: usize) {
    let Some(h) = hints.hint(stage, level) else {
        return;
    };
    let flat: String = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
    const WIDTH: usize = 90;
    let short = if flat.chars().count() > WIDTH {
        format!("{}…", flat.chars().take(WIDTH).collect::<String>())
    } else {
        flat
    };
    out.line(&out.paint(DIM, &format!("  seen {}. {}: {short}", h.level, h.title)));
}

/// `cargo kata hint`'s arguments.
#[derive(clap::Args)]
pub struct HintArgs {
    /// The kata (see `cargo kata list`).
    pub kata: String,
    /// The stage to get a hint for (default: the first one your code has not passed).
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Show this level (1 = a nudge, 2 = a direction, 3 = the key idea, 4 = the pitfall).
    #[arg(long, value_name = "N")]
    pub level: Option<usize>,
}

/// Parses `--stage`, with a "did you mean" and the valid names in the error.
pub fn parse_stage(name: &str) -> Result<Stage> {
    Stage::parse(name).ok_or_else(|| crate::workspace::unknown_stage(name))
}

/// Runs `cargo kata hint`.
pub fn command(ws: &Workspace, args: &HintArgs) -> Result<std::process::ExitCode> {
    let kata =
        kata_core::catalogue::find(&args.kata).ok_or_else(|| crate::unknown_kata(&args.kata))?;
    let stage = args.stage.as_deref().map(parse_stage).transpose()?;
    run(ws, kata, stage, args.level)?;
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kata_core::catalogue::KATAS;

    const SAMPLE: &str = "# Hints\n\nPreamble.\n\n## examples\n\n### 1. Nudge\n\nOne.\n\n\
        ```text\n## not a heading\n```\n\n### 2. Direction\nTwo.\n\n## properties\n### 1. A\na\n\
        ## concurrency\n### 1. A\na\n## quality\n### 1. A\na\n## complexity\n### 1. A\na\n";

    /// A temporary repository holding `kata`'s crate and hints, solved (every stage passed on
    /// its current source) when `solved`.
    fn repository(name: &str, kata: &Kata, solved: bool) -> Workspace {
        let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .unwrap()
            .join("katas")
            .join(kata.name);
        let root = std::env::temp_dir().join(format!("kata-hints-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("katas").join(kata.name);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::copy(real.join("HINTS.md"), dir.join("HINTS.md")).unwrap();
        std::fs::write(dir.join("src/lib.rs"), "// done\n").unwrap();
        let ws = Workspace {
            target: root.join("target"),
            root,
        };
        if solved {
            let mut report = crate::results::Report::fixture(kata.name);
            for s in &mut report.stages {
                s.status = crate::results::StageStatus::Passed;
            }
            report.source_hash = progress::current_hash(&ws, kata);
            report.verdict = crate::results::Verdict::Passed;
            report.exit_code = 0;
            report.seed = 1;
            report.started_at = crate::results::now_rfc3339();
            progress::record_grade(&ws, &report).unwrap();
        }
        ws
    }

    /// `cargo kata hint` on a solved kata exited 2 with an error; it is not one.
    #[test]
    fn a_solved_kata_gets_no_hint_and_no_error() {
        let lru = kata_core::catalogue::find("lru").unwrap();
        let ws = repository("solved", lru, true);
        let out = Out::buffer(false);
        run_to(&ws, lru, None, None, &out).expect("not an error");
        let text = out.take();
        assert!(text.contains("lru is solved"), "{text}");
        assert!(
            text.contains("cargo kata hint lru --stage <stage>"),
            "{text}"
        );
        // By stage, the hints are still there.
        let out = Out::buffer(false);
        run_to(&ws, lru, Some(Stage::Quality), None, &out).unwrap();
        assert!(out.take().contains("Hint 1 of"));
        // Unsolved, the first stage's first hint.
        let solved_root = ws.root.clone();
        let ws = repository("unsolved", lru, false);
        let out = Out::buffer(false);
        run_to(&ws, lru, None, None, &out).unwrap();
        assert!(out.take().contains("Hints for the examples stage of lru"));
        for dir in [&ws.root, &solved_root] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    #[test]
    fn parses_levels_and_ignores_headings_in_code() {
        let h = parse(SAMPLE).unwrap();
        let ex = h.levels(Stage::Examples);
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].title, "Nudge");
        assert!(ex[0].text.contains("## not a heading"));
        assert_eq!(ex[1].text, "Two.");
        assert_eq!(h.levels(Stage::Complexity)[0].text, "a");
    }

    #[test]
    fn rejects_malformed_files_with_the_line() {
        let bad = SAMPLE.replace("### 2. Direction", "### 3. Direction");
        assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("should be numbered 2"));
        let bad = SAMPLE.replace("## quality", "## speed");
        assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("not a stage"));
        let bad = SAMPLE.replace("## complexity\n### 1. A\na\n", "");
        assert!(format!("{:#}", parse(&bad).unwrap_err()).contains("no `## complexity`"));
    }

    /// Every kata ships at least three levels (nudge, direction, key idea) for every stage.
    #[test]
    fn every_kata_has_three_levels_for_every_stage() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .unwrap();
        for k in KATAS {
            let path = root.join("katas").join(k.name).join("HINTS.md");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let hints = parse(&text).unwrap_or_else(|e| panic!("{path:?}: {e:#}"));
            for s in Stage::ALL {
                let levels = hints.levels(s);
                assert!(
                    levels.len() >= 3,
                    "{}: stage {s} has {} levels, needs at least 3",
                    k.name,
                    levels.len()
                );
            }
        }
    }
}
