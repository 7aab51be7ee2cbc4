//! The results file: one JSON document per graded kata and implementation.
//!
//! Written to `target/kata/results/<kata>.json` (the learner's crate),
//! `<kata>.solution.json` or `<kata>.mutant-<name>.json`, atomically (a temporary file renamed
//! over the old one), so a reader never sees half a file. The schema is documented in the
//! README ("Results file"); `schema` is bumped on any incompatible change.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kata_suites::report::Measurement;
use serde::{Deserialize, Serialize};

/// The version of this schema.
pub const SCHEMA: u32 = 1;

/// The overall outcome, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every stage graded passed.
    Passed,
    /// A stage failed.
    Failed,
    /// The kata could not be graded: it does not compile, a stage timed out, or no check ran.
    CouldNotGrade,
}

impl Verdict {
    /// The process exit code for this verdict.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Passed => 0,
            Verdict::Failed => 1,
            Verdict::CouldNotGrade => 2,
        }
    }
}

/// How one stage went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StageStatus {
    /// Every check passed.
    Passed,
    /// A check failed (or the implementation crashed during one).
    Failed,
    /// The stage could not be graded (timeout, zero checks, runner error).
    CouldNotGrade,
    /// Not run: an earlier stage stopped grading, or it was not asked for.
    NotRun,
}

/// One check's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestResult {
    /// The check's name.
    pub name: String,
    /// `passed` or `failed`.
    pub status: String,
    /// Why it failed; empty when it passed.
    pub message: String,
    /// Whether it failed on a `todo!()`.
    pub todo: bool,
    /// Where the panic that failed it happened, as `file:line`.
    pub location: Option<String>,
}

/// A table printed by a stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    /// What it shows.
    pub title: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

/// One stage's results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageResult {
    /// `examples`, `properties`, `concurrency`, `quality` or `complexity`.
    pub name: String,
    /// The outcome.
    pub status: StageStatus,
    /// Wall time, milliseconds.
    pub duration_ms: u64,
    /// The time limit, seconds.
    pub limit_s: u64,
    /// The checks, in order.
    pub tests: Vec<TestResult>,
    /// Measured figures.
    pub measurements: Vec<Measurement>,
    /// Tables.
    pub tables: Vec<Table>,
    /// Lines of information.
    pub notes: Vec<String>,
    /// Why the stage failed or could not be graded, when not a check's message.
    pub message: Option<String>,
    /// True when this stage was not graded by this run but kept from an earlier run on the same
    /// source (learner's results only), so the file shows all the progress made on that source.
    #[serde(default)]
    pub carried_over: bool,
}

impl StageResult {
    /// The first check that failed on a `todo!()`, when nothing else failed: the stage is then
    /// "not yet implemented" rather than failed. A stage with a real failure beside a `todo!()`
    /// (a learner who wrote one type and left another) shows the real failure first.
    pub fn only_todo(&self) -> Option<&TestResult> {
        let real = self.tests.iter().any(|t| t.status != "passed" && !t.todo)
            || self.measurements.iter().any(|m| !m.passed);
        if real {
            return None;
        }
        self.tests.iter().find(|t| t.todo)
    }

    /// Beside a real failure, the one line about the checks that stopped at a `todo!()`:
    /// `and N checks stopped at a todo!(): <message> (<where>)`; `None` when none did.
    pub fn todo_note(&self) -> Option<String> {
        let todos = self.tests.iter().filter(|t| t.todo).count();
        let t = self.tests.iter().find(|t| t.todo)?;
        let at = t
            .location
            .as_deref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        Some(format!(
            "and {todos} check{} stopped at a todo!(): {}{at}",
            if todos == 1 { "" } else { "s" },
            t.message
        ))
    }

    /// A stage that did not run.
    pub fn not_run(name: &str) -> StageResult {
        StageResult {
            name: name.to_owned(),
            status: StageStatus::NotRun,
            duration_ms: 0,
            limit_s: 0,
            tests: Vec::new(),
            measurements: Vec::new(),
            tables: Vec::new(),
            notes: Vec::new(),
            message: None,
            carried_over: false,
        }
    }
}

impl Report {
    /// For tests: the learner's failed report on `kata`, every stage not run, the rest empty;
    /// a test sets the fields it is about.
    #[cfg(test)]
    pub fn fixture(kata: &str) -> Report {
        Report {
            schema: SCHEMA,
            kata: kata.into(),
            implementation: "learner".into(),
            source: format!("katas/{kata}"),
            source_hash: "0".into(),
            verdict: Verdict::Failed,
            exit_code: 1,
            reason: None,
            seed: 0,
            started_at: String::new(),
            duration_ms: 0,
            toolchain: Toolchain {
                rustc: String::new(),
                cargo: String::new(),
            },
            stages: kata_core::catalogue::Stage::ALL
                .iter()
                .map(|s| StageResult::not_run(s.name()))
                .collect(),
        }
    }
}

/// The toolchain that built the graded code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Toolchain {
    /// `rustc --version`.
    pub rustc: String,
    /// `cargo --version`.
    pub cargo: String,
}

/// A whole results file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Schema version ([`SCHEMA`]).
    pub schema: u32,
    /// The kata's name.
    pub kata: String,
    /// `learner`, `solution` or `mutant:<name>`.
    pub implementation: String,
    /// The graded crate's folder, relative to the root.
    pub source: String,
    /// FNV-1a 64 of the graded crate's files, hex: tells whether a result is stale.
    pub source_hash: String,
    /// The outcome.
    pub verdict: Verdict,
    /// The exit code `cargo kata check` returned for this kata.
    pub exit_code: u8,
    /// Why, when not passed: the first failure in a sentence.
    pub reason: Option<String>,
    /// The seed of the random inputs.
    pub seed: u64,
    /// When grading started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time, milliseconds, builds included.
    pub duration_ms: u64,
    /// The toolchain.
    pub toolchain: Toolchain,
    /// Every stage, in order, run or not.
    pub stages: Vec<StageResult>,
}

/// The results file for `kata` and `implementation`.
pub fn path(dir: &Path, kata: &str, implementation: &str) -> PathBuf {
    let suffix = match implementation {
        "learner" => String::new(),
        "solution" => ".solution".to_owned(),
        other => format!(".{}", other.replace(':', "-")),
    };
    dir.join(format!("{kata}{suffix}.json"))
}

/// Writes `report` atomically.
pub fn write(dir: &Path, report: &Report) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = path(dir, &report.kata, &report.implementation);
    let tmp = path.with_extension(format!("json.tmp{}", std::process::id()));
    std::fs::write(&tmp, serde_json::to_vec_pretty(report)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(path)
}

/// Reads the results file for `kata`'s learner crate, if there is a readable one.
pub fn read(dir: &Path, kata: &str) -> Option<Report> {
    let text = std::fs::read(path(dir, kata, "learner")).ok()?;
    serde_json::from_slice(&text).ok()
}

/// FNV-1a 64 over the paths and contents of the files under `dir` (sorted), skipping `target/`.
pub fn hash_tree(dir: &Path) -> String {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "target") {
                    walk(&p, files);
                }
            } else {
                files.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    };
    for f in files {
        feed(
            f.strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        feed(&[0]);
        feed(&std::fs::read(&f).unwrap_or_default());
        feed(&[0]);
    }
    format!("{h:016x}")
}

/// Now as RFC 3339 UTC, from the system clock.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    rfc3339(secs)
}

/// Seconds since the Unix epoch as RFC 3339 UTC (civil-from-days, Hinnant 2013).
fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_443_113), "2026-11-23T14:11:53Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn results_paths_name_the_implementation() {
        let dir = Path::new("r");
        assert_eq!(path(dir, "lru", "learner"), Path::new("r/lru.json"));
        assert_eq!(
            path(dir, "lru", "solution"),
            Path::new("r/lru.solution.json")
        );
        assert_eq!(
            path(dir, "lru", "mutant:no-refresh"),
            Path::new("r/lru.mutant-no-refresh.json")
        );
    }

    #[test]
    fn verdicts_order_from_best_to_worst() {
        assert!(Verdict::Passed < Verdict::Failed && Verdict::Failed < Verdict::CouldNotGrade);
        assert_eq!(
            [Verdict::Passed, Verdict::Failed, Verdict::CouldNotGrade].map(Verdict::exit_code),
            [0, 1, 2]
        );
    }
}
