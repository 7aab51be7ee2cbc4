//! Building the runner for one kata and implementation, with `cargo build`.
//!
//! Each combination is its own feature set of `kata-runner` (`lru-learner`, `lru`,
//! `lru-mutants`, ...), so Cargo keeps one artifact per combination and recompiles only the crate that changed.
//! When the build fails, the compiler's messages are collected from Cargo's JSON output, the
//! ones about the learner's files first.
//!
//! # Why the builds are shaped this way (first-run time)
//!
//! - The runner is built in the `grade` profile, the profile `cargo kata` itself is built in
//!   (the alias in `.cargo/config.toml`), and with `--package kata-cli` beside `kata-runner`, so
//!   that Cargo resolves the features of shared dependencies exactly as for the CLI's own build
//!   (clap's derive turns on `syn/full`; without the CLI in the selection the runner would get
//!   its own `syn`, `serde_derive`, `serde` and `kata-suites`). `--bin` still builds the runner
//!   only. So the first `cargo kata` compiles the runner's dependencies once, for both.
//! - The loom build passes `--target <host>`: with an explicit target, `RUSTFLAGS=--cfg
//!   kata_loom` applies to the target's crates only, not to build scripts and proc-macros, which
//!   are then shared with the normal build in the same target directory. The loom crates land in
//!   `target/<host>/grade/`, apart from the normal ones in `target/grade/`, so neither build
//!   invalidates the other.
//! - Cargo's progress ("Building [==>  ] 37/61: proptest") is read from its stderr (forced on
//!   with `CARGO_TERM_PROGRESS_WHEN=always`) and handed to the caller, so that a long first
//!   build is never a silent one.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::workspace::Workspace;

/// The flavour of runner to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// The normal build: every stage but the loom half of concurrency.
    Normal,
    /// Built with `--cfg kata_loom` for the host target, apart from the normal build: the loom
    /// model checks.
    Loom,
}

/// A built runner, or why there is none.
pub enum Built {
    /// The runner executable.
    Ok {
        /// Path to the executable.
        exe: PathBuf,
        /// How long the build took.
        took: Duration,
    },
    /// The build failed.
    Failed {
        /// The compiler's messages, rendered, those about `focus` first. When the graded crate
        /// compiled on its own but does not fit the kata's traits, the first message says so in
        /// the learner's terms (see [`misfit_explanation`]).
        messages: Vec<String>,
        /// Cargo's own error output (manifest errors and the like).
        stderr: String,
    },
}

/// Where a build is, as Cargo's progress bar says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Units (crates, build scripts) done, fresh ones included.
    pub done: usize,
    /// Units in the build.
    pub total: usize,
    /// The units compiling now, as Cargo names them (`proptest, regex-syntax`).
    pub compiling: String,
    /// Crates compiled so far by this build (Cargo's `Compiling` lines; fresh ones not counted).
    pub compiled: usize,
}

#[derive(Deserialize)]
struct CargoLine {
    reason: String,
    #[serde(default)]
    message: Option<Diagnostic>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    target: Option<TargetInfo>,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
}

#[derive(Deserialize)]
struct TargetInfo {
    name: String,
}

#[derive(Deserialize)]
struct Diagnostic {
    #[serde(default)]
    message: String,
    level: String,
    #[serde(default)]
    rendered: Option<String>,
    #[serde(default)]
    spans: Vec<Span>,
    #[serde(default)]
    children: Vec<Diagnostic>,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    #[serde(default)]
    line_start: usize,
    #[serde(default)]
    is_primary: bool,
}

/// Builds the runner binary named `features`, with that feature. `focus` is the folder whose
/// messages matter most (`katas/lru/`); `progress` hears Cargo's progress as it comes.
pub fn runner(
    ws: &Workspace,
    features: &str,
    flavour: Flavour,
    focus: &str,
    color: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Built> {
    build(
        ws,
        "kata-runner",
        "grade",
        features,
        flavour,
        focus,
        color,
        progress,
    )
}

/// Builds the bench binary named `features` (`benches/`, package `kata-bench`) with the `bench`
/// profile: optimised like `release`, without the grade profile's overflow checks, so that it
/// times what a user of the code would run.
pub fn bench(ws: &Workspace, features: &str, focus: &str, color: bool) -> Result<Built> {
    build(
        ws,
        "kata-bench",
        "bench",
        features,
        Flavour::Normal,
        focus,
        color,
        &mut |_| {},
    )
}

/// The loom build's optimisation, by package (see `build`): dependencies at 0, loom's engine at 3.
const LOOM_OPT_LEVELS: [(&str, u8); 5] = [
    ("\"*\"", 0),
    ("loom", 3),
    ("generator", 3),
    ("tracing", 3),
    ("tracing-core", 3),
];

/// The host's target triple (`rustc -vV`), for the loom build's `--target`.
fn host_triple() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).arg("-vV").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_owned())
}

/// Where the loom flavour's crates go inside the target directory (`<host>/grade`), or `None`
/// when the host triple is unknown (the loom build then uses its own target directory).
pub fn loom_profile_dir(ws: &Workspace) -> Option<PathBuf> {
    host_triple().map(|h| ws.target.join(h).join("grade"))
}

/// Whether a build of `flavour` finds nothing compiled yet: its first build, which compiles
/// every dependency of the runner.
pub fn is_first(ws: &Workspace, flavour: Flavour) -> bool {
    let deps = match flavour {
        Flavour::Normal => Some(ws.target.join("grade").join("deps")),
        Flavour::Loom => loom_profile_dir(ws).map(|d| d.join("deps")),
    };
    let Some(deps) = deps else { return true };
    let Ok(entries) = std::fs::read_dir(deps) else {
        return true;
    };
    !entries.flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .starts_with("libkata_suites-")
    })
}

/// Parses one of Cargo's progress lines: `    Building [====>   ] 58/61: kata-suites, ...`.
pub fn parse_progress(line: &str) -> Option<Progress> {
    let rest = line.trim_start().strip_prefix("Building [")?;
    let rest = &rest[rest.find("] ")? + 2..];
    let (counts, compiling) = match rest.split_once(": ") {
        Some((c, names)) => (c, names.trim().to_owned()),
        None => (rest.trim(), String::new()),
    };
    let (done, total) = counts.split_once('/')?;
    Some(Progress {
        done: done.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
        compiling,
        compiled: 0,
    })
}

#[allow(clippy::too_many_arguments)]
fn build(
    ws: &Workspace,
    package: &str,
    profile: &str,
    features: &str,
    flavour: Flavour,
    focus: &str,
    color: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Built> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&ws.root)
        .args(["build", "--profile", profile, "--package", package]);
    if package == "kata-runner" {
        // Resolve features as for the CLI's own build, so that the two share every dependency
        // (see the module documentation). `--bin` below keeps the CLI itself out of the build.
        cmd.args(["--package", "kata-cli"])
            .args(["--bin", features])
            .arg("--features")
            .arg(format!("{package}/{features}"));
    } else {
        cmd.args(["--bin", features, "--features", features]);
    }
    cmd.arg(if color {
        "--message-format=json-diagnostic-rendered-ansi"
    } else {
        "--message-format=json"
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .stdin(Stdio::null())
    // Cargo's progress bar on its stderr even though it is a pipe: we read it.
    .env("CARGO_TERM_PROGRESS_WHEN", "always")
    .env("CARGO_TERM_PROGRESS_WIDTH", "200")
    // Set by an outer `cargo` for build scripts; would override RUSTFLAGS below.
    .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if flavour == Flavour::Loom {
        let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
        if !flags.is_empty() {
            flags.push(' ');
        }
        flags.push_str("--cfg kata_loom");
        cmd.env("RUSTFLAGS", flags);
        // Loom explores interleavings; nothing in this build is timed. So the dependencies are
        // compiled without optimisation but for loom's own engine (loom, generator, tracing),
        // while the workspace's crates (the graded code, the suites, kata-core's sync shim) keep
        // the profile's: about 15 % less CPU for this build (measured, 33 -> 28 s).
        for (package, level) in LOOM_OPT_LEVELS {
            cmd.arg("--config")
                .arg(format!("profile.grade.package.{package}.opt-level={level}"));
        }
        match host_triple() {
            Some(host) => {
                cmd.args(["--target", &host])
                    .env("CARGO_TARGET_DIR", &ws.target);
            }
            // Without an explicit target, RUSTFLAGS reach the proc-macros too: a directory of
            // its own keeps the two builds from invalidating each other.
            None => {
                cmd.env("CARGO_TARGET_DIR", ws.loom_target());
            }
        }
    } else {
        cmd.env("CARGO_TARGET_DIR", &ws.target);
    }
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .context("could not run `cargo build`: is cargo on the PATH?")?;
    let stdout = child.stdout.take().expect("piped");
    let learner_manifest = ws.root.join(focus).join("Cargo.toml");
    let bin = features.to_owned();
    let focus_owned = focus.to_owned();
    let messages_thread =
        std::thread::spawn(move || read_messages(stdout, &bin, &focus_owned, &learner_manifest));
    // Stderr here, on this thread, so that `progress` need not be `Send`.
    let mut stderr_text = String::new();
    let mut pipe = child.stderr.take().expect("piped");
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    let mut compiled = 0;
    let mut last = Progress {
        done: 0,
        total: 0,
        compiling: String::new(),
        compiled: 0,
    };
    let mut take_line = |line: &[u8], stderr_text: &mut String| {
        let line = String::from_utf8_lossy(line);
        if let Some(p) = parse_progress(&line) {
            last = Progress { compiled, ..p };
            progress(&last);
        } else if line.trim_start().starts_with("Compiling ") {
            compiled += 1;
            last.compiled = compiled;
            progress(&last);
        } else if !line.trim().is_empty() {
            stderr_text.push_str(line.trim_end());
            stderr_text.push('\n');
        }
    };
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&buf[..n]);
        while let Some(end) = pending.iter().position(|b| *b == b'\r' || *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            take_line(&line[..line.len() - 1], &mut stderr_text);
        }
    }
    take_line(&pending, &mut stderr_text);
    let status = child.wait()?;
    let read = messages_thread
        .join()
        .map_err(|_| anyhow::anyhow!("reading cargo's messages failed"))??;
    match (status.success(), read.exe) {
        (true, Some(exe)) => Ok(Built::Ok {
            exe,
            took: start.elapsed(),
        }),
        _ => {
            let mut messages = Vec::new();
            // The graded crate compiled: every error is in the runner, so about how the
            // crate's types fit the kata's traits.
            if read.learner_built {
                if let Some(text) = misfit_explanation(&read.misfits, &read.other_errors, focus) {
                    messages.push(text);
                }
            }
            messages.extend(read.focused);
            messages.extend(read.others);
            if messages.is_empty() {
                if let Some(text) = broken_manifest_explanation(&stderr_text) {
                    messages.push(text);
                }
            }
            Ok(Built::Failed {
                messages,
                stderr: stderr_text,
            })
        }
    }
}

/// What the JSON messages of one build said.
#[derive(Default)]
struct Messages {
    exe: Option<PathBuf>,
    focused: Vec<String>,
    others: Vec<String>,
    /// Whether the graded crate itself compiled (an artifact for its manifest).
    learner_built: bool,
    misfits: Vec<Misfit>,
    /// The one-line messages of the errors that are not unmet bounds.
    other_errors: Vec<String>,
}

fn read_messages(
    stdout: impl Read,
    bin: &str,
    focus: &str,
    learner_manifest: &Path,
) -> Result<Messages> {
    let mut read = Messages::default();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<CargoLine>(&line) else {
            continue;
        };
        match msg.reason.as_str() {
            "compiler-artifact" => {
                if msg.manifest_path.as_deref() == Some(learner_manifest) {
                    read.learner_built = true;
                }
                if msg.target.is_some_and(|t| t.name == bin) {
                    read.exe = msg.executable.or(read.exe);
                }
            }
            "compiler-message" => {
                let Some(d) = msg.message else { continue };
                if d.level != "error" {
                    continue;
                }
                match misfit(&d, focus) {
                    Some(m) => read.misfits.push(m),
                    None if !read.other_errors.contains(&d.message) => {
                        read.other_errors.push(d.message.clone());
                    }
                    None => {}
                }
                let Some(text) = d.rendered else { continue };
                if d.spans.iter().any(|s| s.file_name.starts_with(focus)) {
                    read.focused.push(text);
                } else {
                    read.others.push(text);
                }
            }
            _ => {}
        }
    }
    Ok(read)
}

/// How the explanation of a kata manifest that stops Cargo from loading the workspace begins.
pub const BROKEN_MANIFEST_HEADLINE: &str = "Cargo cannot load the workspace";

/// The kata whose `Cargo.toml` Cargo could not load (broken, or its folder gone), from Cargo's
/// error output: `katas/<kata>/Cargo.toml` as Cargo names it, or the `<kata>-kata` package.
pub fn broken_manifest_kata(stderr: &str) -> Option<&'static kata_core::catalogue::Kata> {
    kata_core::catalogue::KATAS.iter().find(|k| {
        stderr.contains(&format!("katas/{}/Cargo.toml", k.name))
            || stderr.contains(&format!("dependency `{}-kata`", k.name))
    })
}

/// When Cargo's error is about a kata's manifest, says which kata, whichever is being graded,
/// and how to restore it without Cargo (which cannot start the grader through the alias then).
pub fn broken_manifest_explanation(stderr: &str) -> Option<String> {
    let k = broken_manifest_kata(stderr)?;
    let name = k.name;
    Some(format!(
        "{BROKEN_MANIFEST_HEADLINE}: katas/{name}/Cargo.toml is broken or missing (the {name} \
         kata), so no kata can be built until it is fixed. Restore {name}'s stub with the grader \
         built before, which backs your files up first: `./target/grade/kata-cli reset {name}`; \
         or `git checkout -- katas/{name}`. Cargo's message:\n{}",
        stderr.trim_end()
    ))
}

/// How the explanation of a crate that does not fit the kata's traits begins.
pub const MISFIT_HEADLINE: &str = "Your crate";

/// One unmet requirement the grader's code ran into, in the learner's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// What is required, as the compiler writes it: `K: Copy`.
    pub bound: String,
    /// The learner's item that requires it (`LruCache`), when the compiler names it.
    pub item: Option<String>,
    /// Where the learner's code asks for it, `katas/lru/src/lib.rs:40`.
    pub at: Option<String>,
}

/// The text between the first pair of backticks after `prefix` in `text`.
fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &text[text.find(prefix)? + prefix.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

/// The requirement behind a trait-bound error, when it is one.
fn misfit(d: &Diagnostic, focus: &str) -> Option<Misfit> {
    let bound = if let Some(b) = quoted_after(&d.message, "the trait bound ") {
        b.to_owned()
    } else {
        // "the trait `Copy` is not implemented for `K`"
        let tr = quoted_after(&d.message, "the trait ")?;
        let ty = quoted_after(&d.message, "is not implemented for ")?;
        format!("{ty}: {tr}")
    };
    let mut item = None;
    let mut at = None;
    let mut visit = |m: &Diagnostic| {
        if let Some(i) = quoted_after(&m.message, "required by a bound in ") {
            if let Some(span) = m.spans.iter().find(|s| s.file_name.starts_with(focus)) {
                item = Some(i.rsplit("::").next().unwrap_or(i).to_owned());
                at = Some(format!("{}:{}", span.file_name, span.line_start));
            }
        }
        if item.is_none() {
            if let Some(i) = quoted_after(&m.message, "required for ") {
                // `lru_kata::LruCache<K, V>`: the learner's type, without its crate and
                // parameters.
                let path = i.split('<').next().unwrap_or(i);
                if path.contains("::") {
                    item = Some(path.rsplit("::").next().unwrap_or(path).to_owned());
                }
            }
        }
    };
    visit(d);
    for c in &d.children {
        visit(c);
    }
    // A learner's own error (a primary span in their files) is not a misfit.
    if d.spans
        .iter()
        .any(|s| s.is_primary && s.file_name.starts_with(focus))
    {
        return None;
    }
    Some(Misfit { bound, item, at })
}

/// When the graded crate compiles on its own but the runner does not, the learner's types do
/// not fit the kata's API: they ask for more than the traits promise (bounds), or a name,
/// parameter or impl the grader uses is missing or different. Says so in the learner's terms,
/// naming the types, the bounds to remove and where the API is described. `None` when there is
/// no error at all.
pub fn misfit_explanation(misfits: &[Misfit], others: &[String], focus: &str) -> Option<String> {
    if misfits.is_empty() && others.is_empty() {
        return None;
    }
    let dir = focus.trim_end_matches('/');
    // One line per bound and type; the location from whichever error gives it.
    let mut merged: Vec<Misfit> = Vec::new();
    for m in misfits {
        match merged.iter_mut().find(|x| {
            x.bound == m.bound && (x.item == m.item || x.item.is_none() || m.item.is_none())
        }) {
            Some(x) => {
                x.item = x.item.take().or_else(|| m.item.clone());
                x.at = x.at.take().or_else(|| m.at.clone());
            }
            None => merged.push(m.clone()),
        }
    }
    let mut lines = vec![format!(
        "{MISFIT_HEADLINE} ({dir}) compiles on its own, but the grader cannot use it through \
         the kata's traits:"
    )];
    for m in &merged {
        let (param, tr) = m.bound.split_once(": ").unwrap_or((&m.bound, ""));
        let simple_param = !param.is_empty() && param.chars().all(|c| c.is_alphanumeric());
        let whose = match (&m.item, &m.at) {
            (Some(i), Some(at)) => format!("`{i}` ({at})"),
            (Some(i), None) => format!("`{i}`"),
            (None, Some(at)) => format!("your code at {at}"),
            (None, None) => "one of your types".to_owned(),
        };
        lines.push(if simple_param {
            format!(
                "  - {whose} requires `{param}: {tr}`, a bound the kata's traits do not promise: \
                 the grader uses your type with any `{param}` the traits allow, which need not \
                 be `{tr}`."
            )
        } else {
            format!("  - {whose}: `{}` is required and does not hold.", m.bound)
        });
    }
    for o in others.iter().take(5) {
        lines.push(format!(
            "  - the grader's code, using your crate, reports: {}",
            o.lines().next().unwrap_or("")
        ));
    }
    if !misfits.is_empty() {
        lines.push(format!(
            "What the traits promise about each type parameter is in {dir}/README.md, section \
             \"The API\" (the traits themselves are in harness/core). Remove the bounds above \
             from your types and their impl blocks (or, for a missing impl, implement the trait \
             as the README shows), and write your code with only what the traits promise."
        ));
    }
    if !others.is_empty() {
        lines.push(format!(
            "The grader uses your crate through the names, generic parameters and trait impls \
             that {dir}/README.md lists in \"The API\", as the stub declares them: keep those \
             (rename or add around them, not instead of them)."
        ));
    }
    lines.push(
        "Do not change harness/: the grader, the reference and the benches use the kata's \
         traits as they are."
            .to_owned(),
    );
    lines.push("The compiler's own messages follow, for reference:".to_owned());
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_progress_lines_are_parsed() {
        let p = parse_progress(
            "    Building [========================>  ] 58/61: kata-suites, kata-runner    ",
        )
        .unwrap();
        assert_eq!(
            p,
            Progress {
                done: 58,
                total: 61,
                compiling: "kata-suites, kata-runner".into(),
                compiled: 0,
            }
        );
        assert_eq!(parse_progress("   Compiling kata-suites v0.1.0"), None);
    }

    #[test]
    fn a_bound_the_traits_do_not_promise_is_explained() {
        let d: Diagnostic = serde_json::from_str(
            r#"{"message":"the trait bound `K: Copy` is not satisfied","level":"error",
                "spans":[{"file_name":"harness/suites/src/lru.rs","line_start":38,"is_primary":true}],
                "children":[{"message":"required by a bound in `lru_kata::LruCache`","level":"note",
                  "spans":[{"file_name":"katas/lru/src/lib.rs","line_start":40,"is_primary":true}],
                  "children":[]}]}"#,
        )
        .unwrap();
        let m = misfit(&d, "katas/lru/").unwrap();
        assert_eq!(m.bound, "K: Copy");
        assert_eq!(m.item.as_deref(), Some("LruCache"));
        assert_eq!(m.at.as_deref(), Some("katas/lru/src/lib.rs:40"));
        let text = misfit_explanation(&[m.clone(), m], &[], "katas/lru/").unwrap();
        assert!(text.contains("`LruCache` (katas/lru/src/lib.rs:40) requires `K: Copy`"));
        assert!(text.contains("katas/lru/README.md, section \"The API\""));
        assert_eq!(text.matches("requires").count(), 1, "{text}");
    }

    #[test]
    fn another_mismatch_with_the_api_is_explained_too() {
        let others = ["cannot find type `LruCache` in crate `lru_kata`".to_owned()];
        let text = misfit_explanation(&[], &others, "katas/lru/").unwrap();
        assert!(text.starts_with("Your crate (katas/lru) compiles on its own"));
        assert!(text.contains("reports: cannot find type `LruCache` in crate `lru_kata`"));
        assert!(text.contains("\"The API\""));
        assert!(!text.contains("Remove the bounds"));
        assert!(misfit_explanation(&[], &[], "katas/lru/").is_none());
    }
}
