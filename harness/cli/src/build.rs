//! Building the runner for one kata and implementation, with `cargo build`.
//!
//! Each combination is its own feature set of `kata-runner` (`lru-learner`, `lru`, `mutants`,
//! ...), so Cargo keeps one artifact per combination and recompiles only the crate that changed.
//! When the build fails, the compiler's messages are collected from Cargo's JSON output, the
//! ones about the learner's files first.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
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
    /// Built with `--cfg kata_loom` in its own target directory: the loom model checks.
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
        /// The compiler's messages, rendered, those about `focus` first.
        messages: Vec<String>,
        /// Cargo's own error output (manifest errors and the like).
        stderr: String,
    },
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
}

#[derive(Deserialize)]
struct TargetInfo {
    name: String,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    #[serde(default)]
    rendered: Option<String>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
}

/// Builds the runner binary named `features`, with that feature. `focus` is the folder whose messages matter most
/// (`katas/lru/`).
pub fn runner(
    ws: &Workspace,
    features: &str,
    flavour: Flavour,
    focus: &str,
    color: bool,
) -> Result<Built> {
    build(ws, "kata-runner", "grade", features, flavour, focus, color)
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
    )
}

fn build(
    ws: &Workspace,
    package: &str,
    profile: &str,
    features: &str,
    flavour: Flavour,
    focus: &str,
    color: bool,
) -> Result<Built> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&ws.root)
        .args(["build", "--profile", profile, "--package", package])
        .args(["--bin", features, "--features", features])
        .arg(if color {
            "--message-format=json-diagnostic-rendered-ansi"
        } else {
            "--message-format=json"
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        // Set by an outer `cargo` for build scripts; would override RUSTFLAGS below.
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if flavour == Flavour::Loom {
        let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
        if !flags.is_empty() {
            flags.push(' ');
        }
        flags.push_str("--cfg kata_loom");
        cmd.env("RUSTFLAGS", flags)
            .env("CARGO_TARGET_DIR", ws.loom_target());
    } else {
        cmd.env("CARGO_TARGET_DIR", &ws.target);
    }
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .context("could not run `cargo build`: is cargo on the PATH?")?;
    let stderr = child.stderr.take().expect("piped");
    let stderr_thread = std::thread::spawn(move || {
        let mut s = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            s.push_str(&line);
            s.push('\n');
        }
        s
    });
    let mut exe = None;
    let (mut focused, mut others) = (Vec::new(), Vec::new());
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<CargoLine>(&line) else {
            continue;
        };
        match msg.reason.as_str() {
            "compiler-artifact" if msg.target.is_some_and(|t| t.name == features) => {
                exe = msg.executable.or(exe);
            }
            "compiler-message" => {
                let Some(d) = msg.message else { continue };
                if d.level != "error" {
                    continue;
                }
                let Some(text) = d.rendered else { continue };
                if d.spans.iter().any(|s| s.file_name.starts_with(focus)) {
                    focused.push(text);
                } else {
                    others.push(text);
                }
            }
            _ => {}
        }
    }
    let status = child.wait()?;
    let stderr = stderr_thread.join().unwrap_or_default();
    match (status.success(), exe) {
        (true, Some(exe)) => Ok(Built::Ok {
            exe,
            took: start.elapsed(),
        }),
        _ => {
            focused.extend(others);
            Ok(Built::Failed {
                messages: focused,
                stderr,
            })
        }
    }
}
