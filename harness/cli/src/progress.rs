//! The learner's progress: `kata-progress.json` at the repository root.
//!
//! Which stages of each kata passed, on which source (the [`hash_tree`] of `katas/<kata>`), and
//! when; how the last grade went; and which hint levels the learner has seen. It is learner
//! state: `.gitignore` keeps it out of the repository, so a fresh clone starts with no progress
//! and the first hint is level 1. A learner carries it to another machine with
//! `git add -f kata-progress.json`.
//!
//! The file is small, pretty-printed JSON (schema version [`SCHEMA`]):
//!
//! ```json
//! {
//!   "schema": 1,
//!   "katas": {
//!     "lru": {
//!       "passed": {
//!         "examples": { "source_hash": "5f0c2d3e4b1a6978", "at": "2026-11-23T14:11:53Z" }
//!       },
//!       "last_grade": {
//!         "source_hash": "5f0c2d3e4b1a6978",
//!         "at": "2026-11-23T14:11:53Z",
//!         "stages": { "examples": "passed", "properties": "failed", "concurrency": "not-run",
//!                     "quality": "not-run", "complexity": "not-run" }
//!       },
//!       "hints_seen": { "properties": [1, 2] }
//!     }
//!   }
//! }
//! ```
//!
//! - `passed.<stage>`: the source that last passed the stage and when (RFC 3339, UTC). A stage
//!   counts as passed only while the kata's current source has that hash.
//! - `last_grade`: the source and the status of every stage (`passed`, `failed`,
//!   `could-not-grade`, `not-run`) after the last learner grade, stages kept from earlier runs
//!   on the same source included.
//! - `hints_seen.<stage>`: the hint levels shown so far (`cargo kata hint`).
//!
//! [`load`] never fails: a missing file is empty progress, and a file it cannot read or parse is
//! moved aside (never deleted) and rebuilt from the results files. Writes are atomic: a
//! temporary file, fsync, rename.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use kata_core::catalogue::{Kata, Stage, KATAS};
use serde::{Deserialize, Serialize};

use crate::results::{self, hash_tree, Report, StageStatus};
use crate::workspace::Workspace;

/// The version of the progress file's schema; bumped on any incompatible change.
pub const SCHEMA: u32 = 1;

/// The progress file's name, at the repository root.
pub const FILE: &str = "kata-progress.json";

/// The whole progress file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Progress {
    /// Schema version ([`SCHEMA`]).
    pub schema: u32,
    /// Per kata, by name.
    #[serde(default)]
    pub katas: BTreeMap<String, KataProgress>,
}

/// One kata's progress.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct KataProgress {
    /// The stages passed: by which source, and when.
    #[serde(default, with = "stage_map")]
    pub passed: BTreeMap<Stage, Passed>,
    /// The last learner grade, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_grade: Option<LastGrade>,
    /// Hint levels seen, per stage.
    #[serde(
        default,
        with = "stage_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub hints_seen: BTreeMap<Stage, BTreeSet<usize>>,
}

/// A stage passed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Passed {
    /// The [`hash_tree`] of `katas/<kata>` that passed it.
    pub source_hash: String,
    /// When (RFC 3339, UTC): the start of the grade that passed it.
    pub at: String,
}

/// The outcome of the last learner grade of a kata.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LastGrade {
    /// The source graded.
    pub source_hash: String,
    /// When grading started (RFC 3339, UTC).
    pub at: String,
    /// Every stage's status after that grade.
    #[serde(with = "stage_map")]
    pub stages: BTreeMap<Stage, StageStatus>,
}

/// Maps keyed by [`Stage`], written with the stages' names as keys, in running order.
mod stage_map {
    use std::collections::BTreeMap;

    use kata_core::catalogue::Stage;
    use serde::de::Error as _;
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        map: &BTreeMap<Stage, T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(map.len()))?;
        for (k, v) in map {
            m.serialize_entry(k.name(), v)?;
        }
        m.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<BTreeMap<Stage, T>, D::Error> {
        BTreeMap::<String, T>::deserialize(d)?
            .into_iter()
            .map(|(k, v)| {
                Stage::parse(&k)
                    .map(|s| (s, v))
                    .ok_or_else(|| D::Error::custom(format!("unknown stage `{k}`")))
            })
            .collect()
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            schema: SCHEMA,
            katas: BTreeMap::new(),
        }
    }
}

/// The progress file of `ws`.
pub fn path(ws: &Workspace) -> PathBuf {
    ws.root.join(FILE)
}

/// Reads the progress file. Never fails: a missing file is empty progress; one that cannot be
/// read or parsed, or has another schema, is moved aside to `kata-progress.json.corrupt-<UTC
/// timestamp>` with a warning on stderr, and progress is rebuilt from the learner's results files
/// (`target/kata/results/<kata>.json`) and saved. Hints seen are lost in that case.
pub fn load(ws: &Workspace) -> Progress {
    let file = path(ws);
    let problem = match std::fs::read(&file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Progress::default(),
        Err(e) => format!("cannot be read ({e})"),
        Ok(bytes) => match serde_json::from_slice::<Progress>(&bytes) {
            Ok(p) if p.schema == SCHEMA => return p,
            Ok(p) => format!("has schema {}, not {SCHEMA}", p.schema),
            Err(e) => format!("is not valid progress JSON ({e})"),
        },
    };
    let rebuilt = rebuild(ws);
    let moved = match move_aside(&file) {
        Ok(to) => format!("moved it to {}", rel(ws, &to)),
        Err(e) => format!("could not move it aside ({e:#}), so it was left in place"),
    };
    let moved_ok = !moved.starts_with("could not");
    let count = rebuilt.katas.len();
    eprintln!(
        "warning: {FILE} {problem}; {moved}. Rebuilt your progress from the results files in \
         target/kata/results ({count} kata{} found; the hints you had seen are forgotten).",
        if count == 1 { "" } else { "s" }
    );
    if moved_ok {
        if let Err(e) = save(ws, &rebuilt) {
            eprintln!("warning: could not write the rebuilt {FILE}: {e:#}");
        }
    }
    rebuilt
}

/// Progress as the learner's results files tell it (no hints seen).
fn rebuild(ws: &Workspace) -> Progress {
    let mut p = Progress::default();
    for kata in KATAS {
        if let Some(report) = results::read(&ws.results_dir(), kata.name) {
            if report.implementation == "learner" {
                p.apply(&report);
            }
        }
    }
    p
}

/// Renames `file` to `<file>.corrupt-<UTC timestamp>`, never over an existing file.
fn move_aside(file: &Path) -> Result<PathBuf> {
    let stamp = compact_timestamp(&results::now_rfc3339());
    for n in 1..1000 {
        let suffix = if n == 1 {
            stamp.clone()
        } else {
            format!("{stamp}-{n}")
        };
        let to = PathBuf::from(format!("{}.corrupt-{suffix}", file.display()));
        if to.exists() {
            continue;
        }
        std::fs::rename(file, &to).with_context(|| format!("renaming to {}", to.display()))?;
        return Ok(to);
    }
    anyhow::bail!("too many corrupt copies already")
}

/// `2026-11-23T14:11:53Z` as `20261123T141153Z`, for file names.
pub fn compact_timestamp(rfc3339: &str) -> String {
    rfc3339.chars().filter(|c| *c != '-' && *c != ':').collect()
}

/// `2026-11-23T14:11:53Z` as `2026-11-23 14:11 UTC`, for people.
pub fn human_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => rfc3339.to_owned(),
    }
}

fn rel(ws: &Workspace, p: &Path) -> String {
    p.strip_prefix(&ws.root).unwrap_or(p).display().to_string()
}

/// Writes `progress` atomically: a temporary file beside it, fsync, rename, fsync of the folder.
pub fn save(ws: &Workspace, progress: &Progress) -> Result<()> {
    let mut text = serde_json::to_vec_pretty(progress)?;
    text.push(b'\n');
    write_atomic(&path(ws), &text)
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(
        ".{name}.tmp{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> Result<()> {
        let mut f =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("writing {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("syncing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    // The rename itself is durable once the folder is synced (best effort: not every platform
    // can open a folder).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Records a learner grade in the progress file: the stages it passed (with the source hash),
/// and the status of every stage. Called at the end of every learner grade (`grade::finish`);
/// other implementations are ignored.
pub fn record_grade(ws: &Workspace, report: &Report) -> Result<()> {
    if report.implementation != "learner" {
        return Ok(());
    }
    let mut progress = load(ws);
    progress.apply(report);
    save(ws, &progress)
}

/// The current source hash of `kata`'s learner crate.
pub fn current_hash(ws: &Workspace, kata: &Kata) -> String {
    hash_tree(&ws.root.join("katas").join(kata.name))
}

impl Progress {
    /// Folds a learner report in. A stage graded by this run replaces what was known of it; a
    /// stage carried over from an earlier run on the same source keeps its first pass time.
    fn apply(&mut self, report: &Report) {
        let k = self.katas.entry(report.kata.clone()).or_default();
        let mut stages = BTreeMap::new();
        for r in &report.stages {
            let Some(stage) = Stage::parse(&r.name) else {
                continue;
            };
            stages.insert(stage, r.status);
            match r.status {
                StageStatus::Passed => {
                    let keep = k
                        .passed
                        .get(&stage)
                        .is_some_and(|p| p.source_hash == report.source_hash);
                    if !keep {
                        k.passed.insert(
                            stage,
                            Passed {
                                source_hash: report.source_hash.clone(),
                                at: report.started_at.clone(),
                            },
                        );
                    }
                }
                StageStatus::Failed | StageStatus::CouldNotGrade if !r.carried_over => {
                    k.passed.remove(&stage);
                }
                _ => {}
            }
        }
        k.last_grade = Some(LastGrade {
            source_hash: report.source_hash.clone(),
            at: report.started_at.clone(),
            stages,
        });
    }

    /// `kata`'s progress, if any was recorded.
    pub fn kata(&self, kata: &str) -> Option<&KataProgress> {
        self.katas.get(kata)
    }

    /// Whether `stage` of `kata` passed on the source whose hash is `current_hash`.
    pub fn stage_passed(&self, kata: &str, stage: Stage, current_hash: &str) -> bool {
        self.kata(kata)
            .and_then(|k| k.passed.get(&stage))
            .is_some_and(|p| p.source_hash == current_hash)
    }

    /// Whether every stage of `kata` passed on the source whose hash is `current_hash`.
    pub fn is_solved(&self, kata: &str, current_hash: &str) -> bool {
        Stage::ALL
            .iter()
            .all(|s| self.stage_passed(kata, *s, current_hash))
    }

    /// When `kata` passed its last stage on `current_hash`, if it is solved.
    pub fn solved_at(&self, kata: &str, current_hash: &str) -> Option<&str> {
        if !self.is_solved(kata, current_hash) {
            return None;
        }
        self.kata(kata)?
            .passed
            .values()
            .map(|p| p.at.as_str())
            .max()
    }

    /// The first stage, in running order, that `kata` has not passed on `current_hash`.
    pub fn first_unpassed_stage(&self, kata: &str, current_hash: &str) -> Option<Stage> {
        Stage::ALL
            .into_iter()
            .find(|s| !self.stage_passed(kata, *s, current_hash))
    }

    /// The first kata of the catalogue, in teaching order, not solved on its current source.
    pub fn next_kata(&self, ws: &Workspace) -> Option<&'static Kata> {
        KATAS
            .iter()
            .find(|k| !self.is_solved(k.name, &current_hash(ws, k)))
    }

    /// The hint levels of `stage` of `kata` seen so far, in increasing order.
    pub fn hints_seen(&self, kata: &str, stage: Stage) -> Vec<usize> {
        self.kata(kata)
            .and_then(|k| k.hints_seen.get(&stage))
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Notes that hint `level` of `stage` of `kata` was shown.
    pub fn mark_hint_seen(&mut self, kata: &str, stage: Stage, level: usize) {
        self.katas
            .entry(kata.to_owned())
            .or_default()
            .hints_seen
            .entry(stage)
            .or_default()
            .insert(level);
    }

    /// Forgets `kata`'s passed stages and last grade (after a reset); the hints seen are kept.
    pub fn clear_passed(&mut self, kata: &str) {
        if let Some(k) = self.katas.get_mut(kata) {
            k.passed.clear();
            k.last_grade = None;
        }
    }
}

/// For a full learner check: when `kata`'s current source is the one that passed every stage,
/// prints that it is unchanged since (with the date) and returns the results file of that grade,
/// which `check` then reports without building anything. `None` means grade it: not solved, or
/// changed, or its results file is gone (`cargo clean`) or does not say every stage passed.
pub fn unchanged_since_passed(
    ws: &Workspace,
    kata: &Kata,
    out: &crate::render::Out,
) -> Option<Report> {
    let hash = current_hash(ws, kata);
    let progress = load(ws);
    let at = progress.solved_at(kata.name, &hash)?;
    // The results file of that grade must agree (it is what `--json` prints).
    let report = results::read(&ws.results_dir(), kata.name).filter(|r| {
        r.source_hash == hash
            && r.verdict == results::Verdict::Passed
            && r.stages.iter().all(|s| s.status == StageStatus::Passed)
    })?;
    let name = kata.name;
    out.line(&format!(
        "{name} is unchanged since it passed every stage on {}: not graded again. Regrade it \
         anyway with `cargo kata check {name} --fresh`; next, `cargo kata bench {name}` or \
         `cargo kata solution {name}`.",
        human_time(at)
    ));
    Some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(hash: &str, at: &str, statuses: [StageStatus; 5]) -> Report {
        let mut report = Report::fixture("lru");
        report.source_hash = hash.into();
        report.started_at = at.into();
        for (stage, status) in report.stages.iter_mut().zip(statuses) {
            stage.status = status;
        }
        report
    }

    use StageStatus::{Failed, NotRun, Passed as P};

    #[test]
    fn passes_count_only_for_the_source_that_passed_them() {
        let mut p = Progress::default();
        p.apply(&report("aaaa", "t1", [P, Failed, NotRun, NotRun, NotRun]));
        assert!(p.stage_passed("lru", Stage::Examples, "aaaa"));
        assert!(!p.stage_passed("lru", Stage::Examples, "bbbb"));
        assert_eq!(
            p.first_unpassed_stage("lru", "aaaa"),
            Some(Stage::Properties)
        );
        assert_eq!(p.first_unpassed_stage("lru", "bbbb"), Some(Stage::Examples));
        assert!(!p.is_solved("lru", "aaaa"));
        p.apply(&report("aaaa", "t2", [P, P, P, P, P]));
        assert!(p.is_solved("lru", "aaaa"));
        assert_eq!(p.kata("lru").unwrap().passed[&Stage::Examples].at, "t1");
        assert_eq!(p.solved_at("lru", "aaaa"), Some("t2"));
        assert_eq!(p.first_unpassed_stage("lru", "aaaa"), None);
        // A stage graded again that fails is no longer passed.
        p.apply(&report("aaaa", "t3", [P, Failed, NotRun, NotRun, NotRun]));
        assert!(!p.stage_passed("lru", Stage::Properties, "aaaa"));
        assert!(p.stage_passed("lru", Stage::Quality, "aaaa"));
    }

    #[test]
    fn the_file_round_trips_with_stage_names_in_running_order() {
        let mut p = Progress::default();
        p.apply(&report("aaaa", "t1", [P, Failed, NotRun, NotRun, NotRun]));
        p.mark_hint_seen("lru", Stage::Properties, 2);
        p.mark_hint_seen("lru", Stage::Properties, 1);
        let text = serde_json::to_string_pretty(&p).unwrap();
        let order: Vec<usize> = ["examples", "properties", "concurrency", "complexity"]
            .iter()
            .map(|s| text.find(&format!("\"{s}\": \"")).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        let back: Progress = serde_json::from_str(&text).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.hints_seen("lru", Stage::Properties), [1, 2]);
        p.clear_passed("lru");
        assert!(p.kata("lru").unwrap().passed.is_empty());
        assert_eq!(p.hints_seen("lru", Stage::Properties), [1, 2]);
    }

    #[test]
    fn an_unknown_stage_is_a_parse_error() {
        let text =
            r#"{"schema":1,"katas":{"lru":{"passed":{"speed":{"source_hash":"a","at":"b"}}}}}"#;
        assert!(serde_json::from_str::<Progress>(text).is_err());
    }

    #[test]
    fn timestamps_for_files_and_people() {
        assert_eq!(
            compact_timestamp("2026-11-23T14:11:53Z"),
            "20261123T141153Z"
        );
        assert_eq!(human_time("2026-11-23T14:11:53Z"), "2026-11-23 14:11 UTC");
    }
}
