//! Where things are: the workspace root, the target directories, the results folder.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// The repository the CLI grades.
pub struct Workspace {
    /// The root (holding the workspace `Cargo.toml`).
    pub root: PathBuf,
    /// Cargo's target directory for normal builds.
    pub target: PathBuf,
}

impl Workspace {
    /// Finds the workspace this CLI was built from.
    pub fn locate() -> Result<Workspace> {
        // harness/cli -> root. The CLI is always run from its own repository (`cargo kata`).
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        if !root.join("Cargo.toml").is_file() || !root.join("katas").is_dir() {
            bail!(
                "cannot find the kata workspace at {}: run `cargo kata` from a clone of the \
                 repository",
                root.display()
            );
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|t| if t.is_absolute() { t } else { root.join(t) })
            .unwrap_or_else(|| root.join("target"));
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
