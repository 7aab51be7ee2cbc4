//! `cargo kata solution <kata>`: the reference beside the learner's code, once theirs works.
//!
//! Unlocked when the progress file says every stage passed on the kata's current source (so a
//! learner compares finished work, not copies the answer); `--force` overrides. Shows a unified
//! diff of `katas/<kata>/src` against `solutions/<kata>/src` with `git diff --no-index` (git's
//! pager on a terminal, colour unless `NO_COLOR` is set or stdout is not a terminal), or with
//! `--paths` (alias `--side-by-side`) just the two paths, to open side by side in an editor.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use kata_core::catalogue::{Kata, Stage};

use crate::progress;
use crate::render::{Out, BOLD, DIM};
use crate::workspace::Workspace;

/// How to show the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// A unified diff, learner's code first.
    Diff,
    /// The two paths only.
    Paths,
}

/// `cargo kata solution <kata> [--force] [--paths]`.
pub fn run(ws: &Workspace, kata: &'static Kata, force: bool, show: Show) -> Result<()> {
    let out = Out::new(false);
    let p = progress::load(ws);
    let hash = progress::current_hash(ws, kata);
    let name = kata.name;
    if !force {
        if let Some(stage) = p.first_unpassed_stage(name, &hash) {
            let changed = p
                .kata(name)
                .and_then(|k| k.last_grade.as_ref())
                .is_some_and(|l| l.source_hash != hash);
            let why = if changed
                && Stage::ALL
                    .iter()
                    .all(|s| p.kata(name).and_then(|k| k.passed.get(s)).is_some())
            {
                format!("your code changed since it passed every stage, so `cargo kata check {name}` must pass again")
            } else {
                format!(
                    "your code has not passed the {stage} stage yet (run `cargo kata check \
                     {name}`; stuck? `cargo kata hint {name}`)"
                )
            };
            bail!(
                "the reference of {name} unlocks once your crate passes every stage: {why}. To \
                 see it anyway: `cargo kata solution {name} --force`."
            );
        }
    }
    let mine = format!("katas/{name}/src");
    let theirs = format!("solutions/{name}/src");
    if !ws.root.join(&theirs).is_dir() {
        bail!("{theirs}/ is missing: restore it with `git checkout -- {theirs}`");
    }
    if show == Show::Paths {
        out.line(&out.paint(BOLD, &format!("{name}: your code and the reference")));
        out.line(&format!("  yours:     {mine}/lib.rs"));
        out.line(&format!("  reference: {theirs}/lib.rs"));
        out.line(&out.paint(
            DIM,
            &format!("Side by side, e.g.: code --diff {mine}/lib.rs {theirs}/lib.rs"),
        ));
        return Ok(());
    }
    out.line(&out.paint(
        BOLD,
        &format!("{name}: your code (---) against the reference (+++)"),
    ));
    diff(&ws.root, &mine, &theirs, out.color(), Stdio::inherit()).map_err(|e| {
        e.context(format!(
            "open the two files yourself: `cargo kata solution {name} --paths`"
        ))
    })
}

/// `git diff --no-index` of `mine` against `theirs` (relative to `root`) on `stdout`.
///
/// A reader that stops early (`| head`) is not a failure: git then dies of SIGPIPE, and the
/// command ends quietly, as git alone would.
fn diff(root: &Path, mine: &str, theirs: &str, color: bool, stdout: Stdio) -> Result<()> {
    let status = Command::new("git")
        .current_dir(root)
        .args(["diff", "--no-index"])
        .arg(if color {
            "--color=always"
        } else {
            "--color=never"
        })
        .args(["--", mine, theirs])
        .stdout(stdout)
        .status();
    match status {
        // `git diff` exits 1 when the files differ, as they will.
        Ok(s) if matches!(s.code(), Some(0 | 1)) => Ok(()),
        Ok(s) if broken_pipe(&s) => Ok(()),
        Ok(s) => bail!("git diff failed ({s})"),
        Err(e) => Err(e).context("cannot run git to show the diff"),
    }
}

/// Whether `status` is a death by SIGPIPE, or git's exit after an EPIPE (141 = 128 + SIGPIPE,
/// when git ignores the signal).
fn broken_pipe(status: &std::process::ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if status.signal() == Some(libc::SIGPIPE) {
            return true;
        }
    }
    status.code() == Some(141)
}

/// `cargo kata solution`'s arguments.
#[derive(clap::Args)]
pub struct SolutionArgs {
    /// The kata (see `cargo kata list`).
    pub kata: String,
    /// Show the reference even though your crate has not passed every stage.
    #[arg(long)]
    pub force: bool,
    /// Print the two files' paths instead of a diff, to open them side by side.
    #[arg(long, visible_alias = "side-by-side")]
    pub paths: bool,
}

/// Runs `cargo kata solution`.
pub fn command(ws: &Workspace, args: &SolutionArgs) -> Result<std::process::ExitCode> {
    let kata =
        kata_core::catalogue::find(&args.kata).ok_or_else(|| crate::unknown_kata(&args.kata))?;
    let show = if args.paths { Show::Paths } else { Show::Diff };
    run(ws, kata, args.force, show)?;
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::{FromRawFd, OwnedFd};

    /// `cargo kata solution lru | head`: the reader goes away, git dies of SIGPIPE, and that
    /// used to be reported as "git diff failed (signal: 13)" with exit status 2.
    #[cfg(unix)]
    #[test]
    fn a_reader_that_stops_early_is_not_an_error() {
        let root = std::env::temp_dir().join(format!("kata-solution-pipe-{}", std::process::id()));
        for (dir, text) in [("a", "mine\n"), ("b", "theirs\n")] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            std::fs::write(root.join(dir).join("lib.rs"), text.repeat(20_000)).unwrap();
        }
        let mut fds = [0; 2];
        // SAFETY: pipe(2) fills the two descriptors it is given.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: both descriptors were just opened and are owned here only.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        drop(read); // The reader is gone before git writes.
        let result = diff(&root, "a", "b", false, Stdio::from(write));
        assert!(result.is_ok(), "{result:?}");
        let _ = std::fs::remove_dir_all(&root);
    }
}
