//! `cargo kata reset <kata>`: back up the learner's crate, then restore the stub as shipped.
//!
//! # Where the pristine stub comes from
//!
//! From git history, not from `HEAD`: once learners commit their work (as they should), `HEAD`
//! holds their half-written kata, not the stub. Nor from the commit that first added the kata
//! (`git log --diff-filter=A`): maintainers change stubs later (a new method, a fixed doc), and
//! the first version may no longer compile against the current harness.
//!
//! The pristine stub is `katas/<kata>/` as of the newest commit that touched that folder and at
//! which `katas/<kata>/src/lib.rs` is still *stub-shaped*: every function that has a body has
//! nothing but a `todo!(...)` in it (comments aside). A learner's commit with any real code in
//! it is skipped; a maintainer's update of the stub is picked up. `--from <commit>` names the
//! commit explicitly when that rule cannot decide (for example, a history rewritten without the
//! stub). Without git, or without such a commit, reset refuses before touching anything.
//!
//! # The learner's files, and the kata's docs
//!
//! A reset restores the *learner's files* and never the kata's docs:
//!
//! - the learner's files are everything under `katas/<kata>/` except the docs: `src/` (all of
//!   it), `Cargo.toml` (the stub's manifest is part of the stub: a dependency the learner added
//!   goes, and a broken manifest, which stops Cargo from loading the workspace, is the case a
//!   reset is most needed for), and anything else the learner added (`tests/`, `benches/`, ...);
//! - the kata's docs are the Markdown files at the top of the folder (`README.md`, `HINTS.md`):
//!   the repository's text about the kata, not the learner's work. They are left as they are,
//!   so that `--from <old commit>` cannot roll them back or delete a newer `HINTS.md`; only a
//!   doc that is missing is brought back, as of `HEAD` (the repository's current text).
//!
//! # What it does
//!
//! 1. Copies the whole `katas/<kata>/` to `.kata-backups/<kata>/<UTC timestamp>/` (a `-2`, `-3`
//!    ... suffix when two resets fall in the same second), and says where.
//! 2. Only then restores every learner's file of the pristine tree, each atomically (temporary
//!    file, fsync, rename; files already identical are left alone), and removes the learner's
//!    files the pristine tree does not have (they are in the backup). A deleted kata folder is
//!    recreated, its docs as of `HEAD`.
//! 3. Clears the kata's passed stages in the progress file; the hints seen are kept.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use kata_core::catalogue::Kata;

use crate::progress;
use crate::render::{Out, BOLD, GREEN};
use crate::workspace::Workspace;

/// Where backups go, at the repository root.
pub const BACKUPS: &str = ".kata-backups";

/// The stub as shipped: its commit and files.
#[derive(Debug)]
pub struct Pristine {
    /// The commit it comes from (full hash).
    pub commit: String,
    /// That commit's date, `YYYY-MM-DD`.
    pub date: String,
    /// The files of `katas/<kata>/` at that commit: path relative to the repository root, and
    /// contents.
    pub files: Vec<(String, Vec<u8>)>,
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .context("running git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

fn git_text(root: &Path, args: &[&str]) -> Result<String> {
    Ok(String::from_utf8_lossy(&git(root, args)?).into_owned())
}

/// Finds the pristine stub of `kata` (see the module documentation), or the tree at `from`.
pub fn find_pristine(ws: &Workspace, kata: &Kata, from: Option<&str>) -> Result<Pristine> {
    let dir = format!("katas/{}", kata.name);
    let lib = format!("{dir}/src/lib.rs");
    let cannot = |why: String| {
        anyhow::anyhow!(
            "cannot reset {}: {why}. Nothing was changed. Copy {dir}/ from a fresh clone of the \
             repository instead, or name the commit that holds the stub with `cargo kata reset \
             {} --from <commit>`.",
            kata.name,
            kata.name
        )
    };
    let inside = git_text(&ws.root, &["rev-parse", "--is-inside-work-tree"]);
    if !inside.is_ok_and(|t| t.trim() == "true") {
        return Err(cannot(
            "this folder is not a git checkout (or git is not installed), and the shipped stub \
             is found in git history"
                .into(),
        ));
    }
    let commit = match from {
        Some(rev) => {
            let c = git_text(
                &ws.root,
                &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
            )
            .map_err(|e| cannot(format!("`{rev}` is not a commit ({e:#})")))?;
            let c = c.trim().to_owned();
            if git(&ws.root, &["cat-file", "-e", &format!("{c}:./{lib}")]).is_err() {
                return Err(cannot(format!("commit {rev} has no {lib}")));
            }
            c
        }
        None => {
            let log = git_text(&ws.root, &["log", "--format=%H", "--", &dir]).unwrap_or_default();
            let found = log.lines().map(str::trim).find(|c| {
                git(&ws.root, &["cat-file", "blob", &format!("{c}:./{lib}")])
                    .is_ok_and(|b| is_stub(&String::from_utf8_lossy(&b)))
            });
            match found {
                Some(c) => c.to_owned(),
                None if log.trim().is_empty() => {
                    return Err(cannot(format!("git history has no commit touching {dir}/")))
                }
                None => {
                    return Err(cannot(format!(
                        "no commit in git history has a stub-shaped {lib} (every function only \
                         `todo!()`)"
                    )))
                }
            }
        }
    };
    let date = git_text(&ws.root, &["show", "-s", "--format=%cs", &commit])
        .map(|d| d.trim().to_owned())
        .unwrap_or_default();
    let listing = git(
        &ws.root,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            &commit,
            "--",
            &format!("{dir}/"),
        ],
    )?;
    let mut files = Vec::new();
    for path in listing.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let bytes = git(
            &ws.root,
            &["cat-file", "blob", &format!("{commit}:./{path}")],
        )?;
        files.push((path, bytes));
    }
    if files.is_empty() {
        return Err(cannot(format!("commit {commit} has no files under {dir}/")));
    }
    Ok(Pristine {
        commit,
        date,
        files,
    })
}

/// Whether `source` looks like a shipped stub: at least one function, and every function with a
/// body has only a `todo!(...)` in it. Comments are ignored; `fn(...)` pointer types are not
/// functions.
pub fn is_stub(source: &str) -> bool {
    let code = blank_comments_and_strings(source);
    let b = code.as_bytes();
    let mut i = 0;
    let mut todo_fns = 0;
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i + 2 < b.len() {
        let word_start = i == 0 || !is_ident(b[i - 1]);
        if !(word_start && &b[i..i + 2] == b"fn" && !is_ident(b[i + 2])) {
            i += 1;
            continue;
        }
        let mut j = i + 2;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= b.len() || !is_ident(b[j]) {
            i = j; // `fn(` : a function pointer type
            continue;
        }
        // The body's `{`, or a `;` (a declaration without body), outside (), [] and <>.
        let mut depth = 0i32;
        let mut open = None;
        while j < b.len() {
            match b[j] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b';' if depth == 0 => break,
                b'{' if depth == 0 => {
                    open = Some(j);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let Some(open) = open else {
            i = j + 1;
            continue;
        };
        let mut level = 0i32;
        let mut close = None;
        for (k, c) in b.iter().enumerate().skip(open) {
            match c {
                b'{' => level += 1,
                b'}' => {
                    level -= 1;
                    if level == 0 {
                        close = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else {
            return false;
        };
        if !is_lone_todo(&code[open + 1..close]) {
            return false;
        }
        todo_fns += 1;
        i = close + 1;
    }
    todo_fns > 0
}

/// `todo!()` or `todo!("...")`, with an optional `;`, and nothing else.
fn is_lone_todo(body: &str) -> bool {
    let Some(rest) = body.trim().strip_prefix("todo!") else {
        return false;
    };
    let rest = rest.trim_start();
    let Some(args) = rest.strip_prefix('(') else {
        return false;
    };
    let Some(end) = args.find(')') else {
        return false;
    };
    matches!(args[end + 1..].trim(), "" | ";")
}

/// `source` with comments replaced by spaces and the insides of string and character literals
/// by `_`, so that braces in them do not count. Byte offsets are kept.
fn blank_comments_and_strings(source: &str) -> String {
    let b = source.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    out[i] = b' ';
                    out[i + 1] = b' ';
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    out[i] = b' ';
                    out[i + 1] = b' ';
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] != b'\n' {
                        out[i] = b' ';
                    }
                    i += 1;
                }
            }
        } else if b[i] == b'r'
            && (b[i + 1..].starts_with(b"\"") || b[i + 1..].starts_with(b"#\""))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            // A raw string: r"..." or r#"..."#.
            let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
            let start = i + 2 + hashes;
            let mut end = start;
            let closing: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while end < b.len() && !b[end..].starts_with(&closing) {
                end += 1;
            }
            for c in out.iter_mut().take(end.min(b.len())).skip(start) {
                if *c != b'\n' {
                    *c = b'_';
                }
            }
            i = end + closing.len();
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    out[i] = b'_';
                    i += 1;
                }
                if b[i] != b'\n' {
                    out[i] = b'_';
                }
                i += 1;
            }
            i += 1;
        } else if b[i] == b'\'' {
            // A character literal ('x', '\n', '\''), or else a lifetime.
            let len = if b.get(i + 1) == Some(&b'\\') {
                b.get(i + 3..)
                    .and_then(|rest| rest.iter().position(|c| *c == b'\''))
                    .map(|p| p + 3)
            } else {
                let ch = source[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch) == Some(&b'\'')).then_some(ch + 1)
            };
            if let Some(len) = len {
                for c in &mut out[i + 1..i + len] {
                    *c = b'_';
                }
                i += len + 1;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `path` (relative to the repository root) is one of the kata's docs under `dir`
/// (`katas/<kata>/`): a Markdown file at the top of the folder. Docs are never restored from
/// the stub's commit (see the module documentation).
pub fn is_doc(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| !rest.contains('/') && rest.to_ascii_lowercase().ends_with(".md"))
}

/// Copies `from` into `to` (which must not exist), skipping `target/` folders. Returns the
/// number of files copied.
fn copy_tree(from: &Path, to: &Path) -> Result<usize> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let mut n = 0;
    for e in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let e = e?;
        let p = e.path();
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            if e.file_name() != "target" {
                n += copy_tree(&p, &dest)?;
            }
        } else {
            std::fs::copy(&p, &dest)
                .with_context(|| format!("copying {} to {}", p.display(), dest.display()))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Every file under `dir`, relative to `root`, skipping `target/` folders.
fn files_under(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if e.file_name() != "target" {
                files_under(root, &p, out);
            }
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Claims a fresh backup folder `.kata-backups/<kata>/<timestamp>[-n]/`.
fn claim_backup_dir(ws: &Workspace, kata: &Kata) -> Result<PathBuf> {
    let parent = ws.root.join(BACKUPS).join(kata.name);
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let stamp = progress::compact_timestamp(&crate::results::now_rfc3339());
    for n in 1..10_000 {
        let name = if n == 1 {
            stamp.clone()
        } else {
            format!("{stamp}-{n}")
        };
        let dir = parent.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("creating {}", dir.display())),
        }
    }
    bail!("too many backups in {} this second", parent.display())
}

/// `cargo kata reset <kata> [--from <commit>]`.
pub fn run(ws: &Workspace, kata: &'static Kata, from: Option<&str>) -> Result<()> {
    let out = Out::new(false);
    let pristine = find_pristine(ws, kata, from)?;
    let dir = ws.root.join("katas").join(kata.name);
    let rel_dir = format!("katas/{}/", kata.name);

    // 1. The backup, complete, before anything is touched.
    if dir.is_dir() {
        let backup = claim_backup_dir(ws, kata)?;
        let n = copy_tree(&dir, &backup).with_context(|| {
            format!(
                "backing up {rel_dir} to {} failed; nothing was restored",
                backup.display()
            )
        })?;
        let rel = backup.strip_prefix(&ws.root).unwrap_or(&backup);
        out.line(&format!(
            "Backed up {rel_dir} ({n} file{}) to {}/",
            if n == 1 { "" } else { "s" },
            rel.display()
        ));
    } else {
        out.line(&format!("{rel_dir} does not exist: nothing to back up."));
    }

    // 2. Restore, file by file, atomically.
    let mut present = BTreeSet::new();
    files_under(&ws.root, &dir, &mut present);
    // The docs stay as they are (see the module documentation).
    present.retain(|p| !is_doc(p, &rel_dir));
    let (mut written, mut same, mut docs_restored) = (0, 0, Vec::new());
    for (path, bytes) in &pristine.files {
        let dest = ws.root.join(path);
        if is_doc(path, &rel_dir) {
            if !dest.exists() {
                // Missing: the repository's current text, else the stub commit's.
                let current = git(&ws.root, &["cat-file", "blob", &format!("HEAD:./{path}")]);
                let text = current.as_deref().unwrap_or(bytes);
                progress::write_atomic(&dest, text).with_context(|| format!("restoring {path}"))?;
                docs_restored.push(path.trim_start_matches(&rel_dir).to_owned());
            }
            continue;
        }
        present.remove(path);
        if std::fs::read(&dest).is_ok_and(|b| b == *bytes) {
            same += 1;
            continue;
        }
        progress::write_atomic(&dest, bytes).with_context(|| format!("restoring {path}"))?;
        written += 1;
    }
    for extra in &present {
        std::fs::remove_file(ws.root.join(extra)).with_context(|| format!("removing {extra}"))?;
    }
    remove_empty_dirs(&dir);
    let short = pristine.commit.get(..10).unwrap_or(&pristine.commit);
    out.line(&format!(
        "Restored your files in {rel_dir} (src/, tests/, Cargo.toml) to the stub as shipped in \
         commit {short} ({}): {written} file{} restored, {same} already as shipped, {} removed.",
        pristine.date,
        if written == 1 { "" } else { "s" },
        present.len()
    ));
    out.line(&if docs_restored.is_empty() {
        "The kata's docs (README.md, HINTS.md) are left as they are.".to_owned()
    } else {
        format!(
            "The kata's docs are left as they are; missing ones were brought back as of HEAD: \
             {}.",
            docs_restored.join(", ")
        )
    });

    // 3. Progress.
    let mut p = progress::load(ws);
    p.clear_passed(kata.name);
    progress::save(ws, &p)?;
    out.line(&format!(
        "Progress: {}'s passed stages are cleared (the hints you have seen are kept).",
        kata.name
    ));
    out.line("");
    out.line(&format!(
        "{} open {} and replace the first todo!(), then run `cargo kata check {}`. Your old \
         code is in the backup above.",
        out.paint(BOLD, "Next:"),
        kata.learner_file(),
        kata.name
    ));
    out.line(&out.paint(GREEN, "Reset done."));
    Ok(())
}

fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            remove_empty_dirs(&p);
            let _ = std::fs::remove_dir(&p); // Fails, as it should, when not empty.
        }
    }
}

/// `cargo kata reset`'s arguments.
#[derive(clap::Args)]
pub struct ResetArgs {
    /// The kata to reset (see `cargo kata list`).
    pub kata: String,
    /// Restore your files in `katas/<kata>/` (src/, tests/, Cargo.toml) as of this commit
    /// instead of the newest stub-shaped one; the kata's README.md and HINTS.md are never rolled back.
    #[arg(long, value_name = "COMMIT")]
    pub from: Option<String>,
}

/// Runs `cargo kata reset`.
pub fn command(ws: &Workspace, args: &ResetArgs) -> Result<std::process::ExitCode> {
    let kata =
        kata_core::catalogue::find(&args.kata).ok_or_else(|| crate::unknown_kata(&args.kata))?;
    run(ws, kata, args.from.as_deref())?;
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_stubs_are_stub_shaped() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .unwrap();
        for k in kata_core::catalogue::KATAS {
            // The stubs as committed (the working tree may hold the learner's work).
            let lib = format!("katas/{}/src/lib.rs", k.name);
            let Ok(text) = git_text(root, &["show", &format!("HEAD:./{lib}")]) else {
                continue; // Not a git checkout.
            };
            assert!(is_stub(&text), "{lib} as committed is not stub-shaped");
        }
    }

    #[test]
    fn code_is_not_a_stub() {
        let stub = "struct S { _p: PhantomData<fn() -> (K, V)> }\n\
                    impl T for S {\n  /// Doc with { brace\n  fn a(&self) -> [u8; 2] {\n    todo!(\"S::a\")\n  }\n\
                    fn b(&self);\n  fn c() { todo!() }\n}\n";
        assert!(is_stub(stub));
        let started = stub.replace("todo!()", "let s = \"{\"; 1");
        assert!(!is_stub(&started));
        let partial = stub.replace("todo!(\"S::a\")", "todo!(\"S::a\"); 1");
        assert!(!is_stub(&partial));
        assert!(!is_stub("// nothing here\nstruct S;"));
        assert!(is_stub(
            "fn f<'a>(x: &'a str) -> char { /* '{' */ todo!() }"
        ));
        assert!(is_stub("fn f() -> char { todo!(r#\"}\"#) }"));
    }
}
