//! Where things are: the workspace root, the target directories, the results folder; which kata
//! the current directory is in; and the names of katas and stages, with a "did you mean" for a
//! typo.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use kata_core::catalogue::{self, Kata, Stage};

/// The repository the CLI grades.
pub struct Workspace {
    /// The root (holding the workspace `Cargo.toml`).
    pub root: PathBuf,
    /// The target directory of the grader's builds: always `<root>/target`.
    pub target: PathBuf,
}

impl Workspace {
    /// Finds the workspace: the nearest folder at or above the current one that holds the kata
    /// workspace, or else the one this CLI was built from.
    ///
    /// Found at run time, not compiled in, so that a CLI binary built from one clone and reused
    /// by another (two clones sharing a `CARGO_TARGET_DIR`) grades the clone it is run in.
    pub fn locate() -> Result<Workspace> {
        let is_root = |d: &Path| {
            d.join("Cargo.toml").is_file()
                && d.join("katas").is_dir()
                && d.join("harness/cli").is_dir()
        };
        let here = std::env::current_dir().ok();
        let built_from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .map(Path::to_path_buf);
        let Some(root) = here
            .iter()
            .flat_map(|d| d.ancestors())
            .find(|d| is_root(d))
            .map(Path::to_path_buf)
            .or(built_from.filter(|d| is_root(d)))
        else {
            bail!(
                "cannot find the kata workspace: run `cargo kata` inside a clone of the repository"
            );
        };
        // Always the clone's own `target/`, whatever CARGO_TARGET_DIR says: Cargo does not copy
        // a binary it considers up to date back into place, so two clones sharing a build
        // directory could each run the runner the other built.
        let target = root.join("target");
        Ok(Workspace { root, target })
    }

    /// The separate target directory for loom builds, so that they never invalidate the normal
    /// build's artifacts.
    pub fn loom_target(&self) -> PathBuf {
        self.target.join("loom")
    }

    /// Where results files go.
    pub fn results_dir(&self) -> PathBuf {
        self.target.join("kata").join("results")
    }

    /// Where a stage's events file goes.
    pub fn events_dir(&self) -> PathBuf {
        self.target.join("kata").join("events")
    }
}

impl Workspace {
    /// The kata whose folder the current directory is in (`katas/<kata>/` or below, or
    /// `solutions/<kata>/`), so that `cargo kata check` run inside a kata grades that kata.
    pub fn kata_here(&self) -> Option<&'static Kata> {
        let here = std::env::current_dir().ok()?;
        kata_at(&self.root, &here)
    }
}

/// The kata whose folder `dir` is in, under `root`.
fn kata_at(root: &Path, dir: &Path) -> Option<&'static Kata> {
    // Both sides canonical, so that a symlinked checkout still matches.
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let rel = dir.strip_prefix(&root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let top = parts.next()?;
    if top != "katas" && top != "solutions" {
        return None;
    }
    catalogue::find(&parts.next()?)
}

/// Edit distance between two short names, a swap of neighbours counting as one edit (`lur` is
/// one edit from `lru`): optimal string alignment.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `name` when it is close enough to be a typo (at most a third of its
/// letters wrong, at least one), ignoring case, `-` and `_`; or the one `name` is a prefix of.
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '-' && *c != '_' && *c != ' ')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let n = norm(name);
    if n.is_empty() {
        return None;
    }
    let (best, distance) = candidates
        .iter()
        .map(|c| (*c, edit_distance(&n, &norm(c))))
        .min_by_key(|(_, d)| *d)?;
    let limit = (n.chars().count() / 3).max(1);
    if distance <= limit {
        return Some(best);
    }
    candidates
        .iter()
        .copied()
        .find(|c| n.len() >= 2 && norm(c).starts_with(&n))
}

/// The error for a kata name that is not in the catalogue: a "did you mean" when one is close,
/// and the list of katas.
pub fn unknown_kata(name: &str) -> anyhow::Error {
    let names: Vec<&str> = catalogue::KATAS.iter().map(|k| k.name).collect();
    let hint = did_you_mean(name, &names)
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    anyhow::anyhow!(
        "there is no kata named `{name}`; {hint}the katas are: {} (see `cargo kata list`)",
        names.join(", ")
    )
}

/// The error for a stage name that is not one of the five, with a "did you mean".
pub fn unknown_stage(name: &str) -> anyhow::Error {
    let names: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
    let hint = did_you_mean(name, &names)
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    anyhow::anyhow!(
        "there is no stage `{name}`; {hint}the stages are: {}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_did_you_mean_and_other_words_do_not() {
        let katas = ["lru", "token-bucket"];
        assert_eq!(did_you_mean("lur", &katas), Some("lru"));
        assert_eq!(did_you_mean("LRU", &katas), Some("lru"));
        assert_eq!(did_you_mean("tokenbucket", &katas), Some("token-bucket"));
        assert_eq!(did_you_mean("token_bukcet", &katas), Some("token-bucket"));
        assert_eq!(did_you_mean("token", &katas), Some("token-bucket"));
        assert_eq!(did_you_mean("bloom-filter", &katas), None);
        assert_eq!(did_you_mean("x", &katas), None);
        let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(did_you_mean("example", &stages), Some("examples"));
        assert_eq!(did_you_mean("speed", &stages), None);
    }

    #[test]
    fn the_kata_is_found_from_its_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .unwrap();
        let lru = |p: &str| kata_at(root, &root.join(p)).map(|k| k.name);
        assert_eq!(lru("katas/lru"), Some("lru"));
        assert_eq!(lru("katas/lru/src"), Some("lru"));
        assert_eq!(lru("katas/token-bucket"), Some("token-bucket"));
        assert_eq!(lru("harness/cli"), None);
        assert_eq!(lru("katas"), None);
    }
}
