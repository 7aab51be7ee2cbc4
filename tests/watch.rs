//! `cargo kata watch` and the live progress of `cargo kata check`, as a person uses them: in a
//! real terminal (tmux), typing keys and reading the screen, on a copy of the repository
//! (`target/selftest/watch/repo`), never the real `katas/`.
//!
//! Needs tmux. Without it the tests fail when `CI` is set, and otherwise say loudly that they were
//! skipped. Every wait polls the screen up to a generous limit (the first run compiles the
//! copy's grader and runners: minutes), and never sleeps a fixed time to let something happen.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Copy;

/// The first wait of a run may include building the copy's grader and a runner from scratch.
const FIRST: Duration = Duration::from_secs(20 * 60);
/// Any later wait that includes a grade (and maybe a rebuild of the kata).
const GRADE: Duration = Duration::from_secs(6 * 60);
/// What "promptly" means on a loaded two-core machine.
const PROMPT: Duration = Duration::from_secs(10);

/// The shell prompt in the test's terminal.
const PS1: &str = "watch-test$ ";

/// Whether tmux is there; when not, fails under CI and else says the test is skipped.
fn have_tmux() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required for tests/watch.rs under CI (apt-get install tmux)"
        );
        eprintln!(
            "\n*** SKIPPED: tmux not installed (apt-get install tmux); set CI=1 to require it ***\n"
        );
    }
    ok
}

/// A copy of the repository with the katas as shipped and no learner state.
fn fresh_copy() -> Copy {
    let copy = Copy::new();
    let _ = std::fs::remove_file(copy.path().join("kata-progress.json"));
    copy
}

/// A tmux session on its own server socket, running a plain shell in `dir`.
struct Pane {
    session: String,
}

impl Pane {
    fn start(dir: &Path) -> Pane {
        static N: AtomicUsize = AtomicUsize::new(0);
        let session = format!(
            "kata-watch-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let shell = format!(
            "env -u CARGO_TARGET_DIR PS1='{PS1}' TERM=xterm-256color bash --norc --noprofile"
        );
        let pane = Pane { session };
        pane.tmux(&[
            "new-session",
            "-d",
            "-s",
            &pane.session,
            "-x",
            "200",
            "-y",
            "50",
            "-c",
            &dir.display().to_string(),
            &shell,
        ]);
        pane.wait_for("the shell prompt", Duration::from_secs(30), |s| {
            s.contains(PS1.trim_end())
        });
        pane
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", "kata-watch-tests"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` and Enter.
    fn type_line(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.session, "-l", text]);
        self.tmux(&["send-keys", "-t", &self.session, "Enter"]);
    }

    /// Presses one key.
    fn press(&self, key: &str) {
        self.tmux(&["send-keys", "-t", &self.session, "-l", key]);
    }

    /// The screen as text.
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", &self.session])
    }

    /// The screen with its colours as escape codes.
    fn screen_with_colours(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-e", "-t", &self.session])
    }

    /// Polls the screen until `ok` holds; panics with the screen after `limit`.
    fn wait_for(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < limit,
                "waited {:.0} s for {what}; the screen:\n{s}",
                start.elapsed().as_secs_f64()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the watch to be gone and the shell back, in a terminal restored to normal:
    /// a typed command echoes and runs as usual.
    fn assert_shell_is_back(&self, limit: Duration) {
        let start = Instant::now();
        self.wait_for("the watch to stop", limit, |s| {
            s.contains("cargo kata watch: stopped.") && s.trim_end().ends_with(PS1.trim_end())
        });
        let stopped = start.elapsed();
        self.type_line("echo restored-$((40 + 2))");
        let s = self.wait_for("the shell to echo and run a command", limit, |s| {
            s.contains("echo restored-$((40 + 2))") && s.contains("\nrestored-42")
        });
        assert!(!s.contains("\x1b"), "escape codes left on the screen:\n{s}");
        assert!(
            stopped < limit,
            "stopping took {:.1} s",
            stopped.as_secs_f64()
        );
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args([
                "-L",
                "kata-watch-tests",
                "kill-session",
                "-t",
                &self.session,
            ])
            .output();
    }
}

/// The processes still running from the copy's grading, by their command lines: the checker
/// the watch started, a runner, a `cargo build` of a runner and its `rustc`s.
fn graders_left(copy: &Path) -> Vec<String> {
    let mut left = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return left;
    };
    for p in procs.flatten() {
        let Ok(cmd) = std::fs::read(p.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        let grading = [
            "--live-events",
            "--events ",
            "--profile grade",
            "--crate-name",
        ]
        .iter()
        .any(|n| cmd.contains(n));
        let here = std::fs::read_link(p.path().join("cwd")).is_ok_and(|d| d.starts_with(copy));
        if grading && here {
            left.push(cmd);
        }
    }
    left
}

/// Asserts that no grading process of the copy is left, right after the shell came back (a
/// moment's grace for the kernel to finish off the killed ones).
fn assert_no_graders_left(copy: &Path) {
    let start = Instant::now();
    loop {
        let left = graders_left(copy);
        if left.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "grading processes outlived the watch: {left:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn write(copy: &Copy, path: &str, text: &str) {
    std::fs::write(copy.path().join(path), text).expect("write");
}

const BROKEN: &str = "fn half_written( {\n";

/// Saves the copy's lru stub with a line that does not compile appended.
fn save_broken_lru(copy: &Copy) {
    let stub = std::fs::read_to_string(copy.path().join("katas/lru/src/lib.rs")).expect("stub");
    write(copy, "katas/lru/src/lib.rs", &format!("{stub}\n{BROKEN}"));
}

/// Starts `cargo kata watch lru <extra>` in the pane and waits for the stub's first verdict;
/// returns the screen.
fn watch_lru_stub(pane: &Pane, extra: &str) -> String {
    pane.type_line(&format!("{} kata watch lru{extra}", cargo()));
    pane.wait_for("the first verdict", FIRST, |s| {
        s.contains("NOT YET IMPLEMENTED")
    })
}

#[test]
fn watch_grades_every_save_without_a_key_and_answers_keys() {
    if !have_tmux() {
        return;
    }
    let copy = fresh_copy();
    let pane = Pane::start(copy.path());
    let s = watch_lru_stub(&pane, "");
    for needle in [
        "cargo kata watch · lru",
        "(file events)",
        "✗ examples",
        "not yet implemented: LruCache::",
        "r re-run · h next hint · n next kata · q quit",
    ] {
        assert!(s.contains(needle), "no `{needle}` on the screen:\n{s}");
    }

    // A save is graded with no key pressed: a file that does not compile...
    save_broken_lru(&copy);
    let s = pane.wait_for("the compiler's verdict", GRADE, |s| {
        s.contains("katas/lru does not compile")
    });
    assert!(
        s.contains("unclosed delimiter") && s.contains("katas/lru/src/lib.rs"),
        "the compiler's first error is shown:\n{s}"
    );

    // ... then the reference solution.
    copy.solve("lru");
    pane.wait_for("the reference to pass the examples", GRADE, |s| {
        s.contains("✓ examples")
    });

    // h: the next hint, for the stage that fails (or the first not passed).
    pane.press("h");
    pane.wait_for("a hint", PROMPT, |s| {
        s.lines()
            .any(|l| l.starts_with("Hint ") && l.contains(" of "))
    });

    // n: the next kata of the catalogue.
    let next = kata_core::catalogue::KATAS[1].name;
    pane.press("n");
    pane.wait_for(&format!("the switch to {next}"), PROMPT, |s| {
        s.contains(&format!("cargo kata watch · {next}"))
            && s.contains(&format!("watching katas/{next}/"))
    });

    // q: quits, even while the next kata is being graded, and the terminal is as it was.
    pane.press("q");
    pane.assert_shell_is_back(PROMPT);
    assert_no_graders_left(copy.path());
}

#[test]
fn q_quits_promptly_just_after_a_save_and_in_the_middle_of_a_grade() {
    if !have_tmux() {
        return;
    }
    let copy = fresh_copy();
    let pane = Pane::start(copy.path());
    watch_lru_stub(&pane, "");
    save_broken_lru(&copy);
    std::thread::sleep(Duration::from_millis(50));
    pane.press("q");
    pane.assert_shell_is_back(PROMPT);
    assert_no_graders_left(copy.path());

    // In the middle of a grade (the reference, whose stages take a while): q kills the grading
    // processes and quits.
    pane.type_line(&format!("{} kata watch lru", cargo()));
    pane.wait_for("the first verdict", GRADE, |s| {
        s.contains("katas/lru does not compile")
    });
    copy.solve("lru");
    pane.wait_for("a grade past its first stage", GRADE, |s| {
        s.contains("✓ examples") && s.contains("(grading after a save)")
    });
    pane.press("q");
    pane.assert_shell_is_back(PROMPT);
    assert_no_graders_left(copy.path());
}

#[test]
fn poll_mode_says_so_and_grades_a_save() {
    if !have_tmux() {
        return;
    }
    let copy = fresh_copy();
    let pane = Pane::start(copy.path());
    let s = watch_lru_stub(&pane, " --poll");
    assert!(s.contains("polling every 0.5 s"), "{s}");
    save_broken_lru(&copy);
    pane.wait_for("the save to be graded", GRADE, |s| {
        s.contains("katas/lru does not compile")
    });
    pane.press("q");
    pane.assert_shell_is_back(PROMPT);
}

/// What the watch shows of a failing check at 80 and 120 columns: the whole message, wrapped,
/// down to its end ("expected ... got ..."), where it used to be cut at the edge with `…`.
#[test]
fn a_failing_checks_message_is_wrapped_at_80_and_120_columns() {
    if !have_tmux() {
        return;
    }
    let copy = fresh_copy();
    // The reference, except that its constructor panics with a long message: every check that
    // makes a cache fails with it (and none reaches a todo!()).
    const END: &str = "expected Some(20), got None";
    let message = format!(
        "the capacity check in LruCache::with_capacity was written for a different \
         kind of cache and reports {END}"
    );
    copy.solve("lru");
    let solved = std::fs::read_to_string(copy.path().join("katas/lru/src/lib.rs")).expect("lib");
    let start = "fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {";
    assert!(solved.contains(start), "the reference's with_capacity");
    write(
        &copy,
        "katas/lru/src/lib.rs",
        &solved.replacen(
            start,
            &format!("{start}\n        if capacity > 0 {{ panic!(\"{message}\") }}"),
            1,
        ),
    );
    let pane = Pane::start(copy.path());
    let read = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for (i, columns) in ["80", "120"].into_iter().enumerate() {
        pane.tmux(&[
            "resize-window",
            "-t",
            &pane.session,
            "-x",
            columns,
            "-y",
            "30",
        ]);
        if i == 0 {
            pane.type_line(&format!("{} kata watch lru", cargo()));
        }
        let limit = if i == 0 { FIRST } else { PROMPT };
        let s = pane.wait_for(&format!("the failure at {columns} columns"), limit, |s| {
            assert!(
                !s.contains("NOT YET IMPLEMENTED"),
                "the copy's lib.rs has todo!()s again: was target/selftest/repo recreated by \
                 another run of the tests?\n{s}"
            );
            // At 120 columns, once redrawn at that width (a line wider than 80).
            let redrawn = i == 0 || s.lines().any(|l| l.chars().count() > 80);
            s.contains("examples: FAIL") && read(s).contains(END) && redrawn
        });
        assert!(read(&s).contains(&message), "{columns} columns:\n{s}");
        let widest = s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            widest <= columns.parse().unwrap(),
            "{columns} columns:\n{s}"
        );
    }
    pane.press("q");
    pane.assert_shell_is_back(PROMPT);
}

#[test]
fn watch_reads_keys_as_lines_when_stdin_is_not_a_terminal() {
    let copy = fresh_copy();
    let mut child = Command::new(cargo())
        .current_dir(copy.path())
        .args(["kata", "watch", "lru"])
        .env_remove("CARGO_TARGET_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cargo runs");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let mut seen = String::new();
    let mut wait = |what: &str, limit: Duration, ok: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        while !ok(&seen) {
            let left = limit.saturating_sub(start.elapsed());
            match rx.recv_timeout(left.min(Duration::from_millis(500))) {
                Ok(line) => {
                    seen.push_str(&line);
                    seen.push('\n');
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                Err(_) => {}
            }
            assert!(start.elapsed() < limit, "waited for {what}:\n{seen}");
        }
        assert!(ok(&seen), "the watch ended before {what}:\n{seen}");
    };
    wait("the first verdict", FIRST, &|s| {
        s.contains("NOT YET IMPLEMENTED")
    });
    use std::io::Write;
    let mut stdin = child.stdin.take().expect("piped");
    writeln!(stdin, "h").expect("write h");
    wait("a hint", PROMPT, &|s| s.contains("\nHint "));
    writeln!(stdin, "q").expect("write q");
    wait("the watch to stop", PROMPT, &|s| {
        s.contains("cargo kata watch: stopped.")
    });
    let status = child.wait().expect("wait");
    assert!(status.success(), "{status}\n{seen}");
    assert!(
        !seen.contains('\r') && !seen.contains('\x1b'),
        "plain lines only when stdout is not a terminal:\n{seen:?}"
    );
}

#[test]
fn check_draws_a_spinner_on_a_terminal_and_plain_lines_in_a_pipe() {
    let copy = fresh_copy();
    // A learner's token bucket that never returns from `new`: a stage that runs until its limit.
    // (Not the lru mutant `hangs`: in a copy, the mutants runner is a build of every kata's
    // mutants, 170 s of CPU in CI, where the learner's token-bucket runner is a small one.)
    let stub = copy.file("katas/token-bucket/src/lib.rs");
    let source = std::fs::read_to_string(&stub).expect("the token-bucket stub");
    let hanging = source.replace(
        "todo!(\"TokenBucket::new\")",
        "loop { std::thread::sleep(std::time::Duration::from_millis(20)) }",
    );
    assert_ne!(
        hanging, source,
        "the stub has `todo!(\"TokenBucket::new\")`"
    );
    std::fs::write(&stub, hanging).expect("write the stub");
    // A pipe: no carriage return, no escape code, while a stage runs for a while.
    let run = common::kata_in(
        copy.path(),
        &["check", "token-bucket", "--stage", "examples"],
        &[("KATA_STAGE_TIMEOUT_SECS", "3")],
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stdout.contains("[1/5] examples") && run.stdout.contains("COULD NOT GRADE"),
        "{}",
        run.all()
    );
    assert!(
        !run.all().contains('\r') && !run.all().contains('\x1b'),
        "{:?}",
        run.all()
    );
    if !have_tmux() {
        return;
    }
    // A terminal: the running stage is a spinner with its elapsed time, then its verdict line.
    let pane = Pane::start(copy.path());
    pane.type_line(&format!(
        "KATA_STAGE_TIMEOUT_SECS=4 {} kata check token-bucket --stage examples",
        cargo()
    ));
    let spinning = pane.wait_for("the spinner", GRADE, |s| {
        s.lines().any(|l| {
            l.contains("[1/5] examples")
                && l.contains(" s  (limit 4 s)")
                && render_spinner().iter().any(|c| l.contains(*c))
        })
    });
    let s = pane.wait_for("the verdict", GRADE, |s| {
        s.contains("COULD NOT GRADE") && s.trim_end().ends_with(PS1.trim_end())
    });
    assert!(
        !render_spinner().iter().any(|c| s.contains(*c)),
        "the verdict replaces the spinner:\n{s}\n(it was:\n{spinning})"
    );
    assert!(
        pane.screen_with_colours().contains("\x1b[31m"),
        "colour on a terminal"
    );

    // NO_COLOR: no colour codes (the spinner may stay).
    pane.type_line("clear");
    pane.type_line(&format!(
        "NO_COLOR=1 {} kata check lru --stage examples",
        cargo()
    ));
    pane.wait_for("the verdict", GRADE, |s| {
        s.contains("NOT YET IMPLEMENTED") && s.trim_end().ends_with(PS1.trim_end())
    });
    let coloured = pane.screen_with_colours();
    assert!(
        !["\x1b[31m", "\x1b[32m", "\x1b[33m"]
            .iter()
            .any(|c| coloured.contains(c)),
        "NO_COLOR is honoured:\n{coloured:?}"
    );
}

/// The spinner's frames, as `render.rs` draws them.
fn render_spinner() -> [&'static str; 10] {
    ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
}
