//! Where things are: the workspace root, the target directories, the results folder.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

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
