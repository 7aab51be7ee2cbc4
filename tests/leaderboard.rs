//! `cargo kata leaderboard` as a user runs it: the ranking and the warnings on the terminal, and
//! the HTML page as a real browser (headless Chromium) renders it.
//!
//! The browser test needs `chromium` (`apt-get install chromium`). Without it, the test fails when
//! `CI` is set (CI installs it) and otherwise says loudly that it skipped.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{assert_mentions, kata, kata_in, serial, target_dir};
use serde_json::json;

const EVIL: &str = "<script>document.title='pwned'</script> & co";

/// A fresh folder under `target/` for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = target_dir().join("selftest").join("leaderboard").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch folder");
    dir
}

/// An entry of the current schema: each ratio with an interval 1.5 % either side, and
/// instructions per operation.
fn entry(who: &str, when: &str, read_heavy: f64, write_heavy: f64) -> String {
    let workload = |name: &str, ratio: f64, ns: f64| {
        json!({ "name": name, "ratio": ratio, "ratio_low": ratio * 0.985,
                "ratio_high": ratio * 1.015, "ns_per_op": ns * ratio, "reference_ns_per_op": ns,
                "rounds": 61, "instructions_per_op": 100.0 * ratio,
                "reference_instructions_per_op": 100.0 })
    };
    json!({
        "schema": 2, "kata": "lru", "who": who, "when": when,
        "source_hash": "0123456789abcdef", "toolchain": "rustc 1.95.0 (59807616e 2026-04-14)",
        "cpu": "Fixture CPU @ 3.00GHz", "profile": "bench", "mode": "full", "seed": 7,
        "workloads": [
            workload("read-heavy", read_heavy, 40.0),
            workload("write-heavy", write_heavy, 80.0),
        ]
    })
    .to_string()
}

/// An entry of the first schema: ratios without intervals, no instructions.
fn entry_v1(who: &str, when: &str, read_heavy: f64, write_heavy: f64) -> String {
    json!({
        "schema": 1, "kata": "lru", "who": who, "when": when,
        "source_hash": "0123456789abcdef", "toolchain": "rustc 1.95.0 (59807616e 2026-04-14)",
        "cpu": "Fixture CPU @ 3.00GHz", "profile": "bench", "mode": "full", "seed": 7,
        "workloads": [
            { "name": "read-heavy", "ratio": read_heavy, "ns_per_op": 40.0 * read_heavy,
              "reference_ns_per_op": 40.0 },
            { "name": "write-heavy", "ratio": write_heavy, "ns_per_op": 80.0 * write_heavy,
              "reference_ns_per_op": 80.0 },
        ]
    })
    .to_string()
}

/// A board with four entries of three people (one a hostile name, one entry of the first
/// schema) and a corrupt line 2.
fn board(dir: &Path) -> PathBuf {
    let lines = [
        entry("alice", "2026-11-19T09:00:00Z", 1.20, 0.95),
        "this line is not an entry".to_owned(),
        entry_v1("bob", "2026-11-20T09:00:00Z", 0.91, 1.003),
        entry(EVIL, "2026-11-21T09:00:00Z", 0.97, 1.10),
        entry("alice", "2026-11-22T09:00:00Z", 1.05, 0.98),
    ];
    let path = dir.join("lru.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write the board");
    path
}

/// The position of each of `needles` in `text`, asserting they come in that order.
#[track_caller]
fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match text[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!("expected `{n}` after position {from} in:\n{text}"),
        }
    }
}

#[test]
fn the_terminal_ranks_each_workload_and_warns_about_corrupt_lines() {
    let _serial = serial();
    let dir = scratch("terminal");
    let file = board(&dir);
    let run = kata(&["leaderboard", "lru", "--from", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(!run.stdout.contains('\x1b'), "no colour off a terminal");
    assert_mentions(
        &run.stderr,
        &["warning:", "lru.jsonl:2:", "not a leaderboard entry"],
    );
    assert_mentions(
        &run.stdout,
        &["lru leaderboard", "4 entries", "workload read-heavy"],
    );
    let read_heavy = &run.stdout[run.stdout.find("workload read-heavy").unwrap()
        ..run.stdout.find("workload write-heavy").unwrap()];
    assert_in_order(
        read_heavy,
        &[
            // bob's first-schema entry: a point, faster by more than the 5 % band.
            "1  bob ★",
            "0.91x",
            "faster",
            "36.4",
            "-",
            "2026-11-20",
            "full",
            // Clearly behind bob; 0.97x (0.96-0.98) reaches into the band: a tie with the
            // reference.
            "2  <script>",
            "0.97x (0.96-0.98)",
            "tie",
            "0.97x",
            "3  alice ★",
            "1.05x (1.03-1.07)",
            "tie",
            "4  alice ",
            "1.20x (1.18-1.22)",
            "slower",
            "2026-11-19",
        ],
    );
    let write_heavy = &run.stdout[run.stdout.find("workload write-heavy").unwrap()..];
    assert_in_order(
        write_heavy,
        &[
            // 0.95x and 0.98x are not clearly apart: one rank, and alice's star on the later.
            "1  alice ",
            "0.95x (0.94-0.96)",
            "tie",
            "2026-11-19",
            "1  alice ★",
            "0.98x",
            "2026-11-22",
            "3  bob ★",
            "1.00x",
            "tie",
            "4  <script>",
            "1.10x",
            "slower",
        ],
    );
}

#[test]
fn an_unknown_kata_or_a_missing_board_says_what_to_do() {
    let _serial = serial();
    let run = kata(&["leaderboard", "lur"]);
    assert_eq!(run.code, 2, "{}", run.all());
    let all: Vec<&str> = kata_core::catalogue::KATAS.iter().map(|k| k.name).collect();
    assert_mentions(
        &run.stderr,
        &["no kata named `lur`", &all.join(", "), "cargo kata bench"],
    );

    let dir = scratch("missing");
    let absent = dir.join("lru.jsonl");
    let run = kata(&["leaderboard", "lru", "--from", absent.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_mentions(&run.stderr, &["cannot read the board", "no such file"]);

    // A clone with no boards at all (a fresh folder is not a workspace: run from the root, read
    // an empty board).
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let run = kata(&["leaderboard", "lru", "--from", empty.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(&run.stdout, &["no entries yet", "cargo kata bench lru"]);
}

/// Runs `cmd`, killing it after `limit`.
fn output_within(mut cmd: Command, limit: Duration) -> (bool, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {} s: {:?}",
                limit.as_secs(),
                cmd
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (status.success(), out.join().unwrap(), err.join().unwrap())
}

fn chromium_installed() -> bool {
    Command::new("chromium")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Headless Chromium with a fresh profile, no network chatter, then `extra` and `url`.
fn chromium(profile: &Path, extra: &[&str], url: &str) -> Command {
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url);
    cmd
}

#[test]
fn the_html_page_renders_in_a_browser_with_every_name_escaped() {
    let _serial = serial();
    let dir = scratch("html");
    board(&dir);
    let page = dir.join("out.html");
    // Run from the board's folder: relative paths are the user's, not the repository root's.
    let run = kata_in(
        &dir,
        &[
            "leaderboard",
            "lru",
            "--from",
            "lru.jsonl",
            "--html",
            "out.html",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    assert_mentions(&run.stdout, &["Wrote", "out.html", "4 entries"]);
    assert_mentions(&run.stderr, &["lru.jsonl:2:"]);
    let html = std::fs::read_to_string(&page).expect("the page is written");
    assert!(!html.contains("<script"), "a name became markup");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    if !chromium_installed() {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!(
                "chromium is not installed and CI is set: install it (apt-get install chromium)"
            );
        }
        // Written straight to stderr, not through the test harness's capture, to be seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n\n************************************************************************\n\
             SKIPPED: chromium not installed (apt-get install chromium); set CI=1 to require it\n\
             (test: the_html_page_renders_in_a_browser_with_every_name_escaped)\n\
             ************************************************************************\n"
        );
        return;
    }

    let url = format!("file://{}", page.display());
    let profile =
        std::env::temp_dir().join(format!("kata-leaderboard-chromium-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let (ok, dom, err) = output_within(
        chromium(&profile, &["--dump-dom"], &url),
        Duration::from_secs(120),
    );
    assert!(ok, "chromium --dump-dom failed:\n{err}");
    assert!(
        dom.contains("<title>System-design katas: leaderboards</title>"),
        "the title (a script from a name would change it):\n{dom}"
    );
    assert!(
        !dom.contains("pwned</title>") && !dom.contains("<script"),
        "{dom}"
    );
    assert_mentions(
        &dom,
        &[
            "&lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; co",
            "workload <code>read-heavy</code>",
            "workload <code>write-heavy</code>",
            "reference 1.00x",
        ],
    );
    let read_heavy = &dom[dom.find("<code>read-heavy</code>").unwrap()
        ..dom.find("<code>write-heavy</code>").unwrap()];
    assert_in_order(
        read_heavy,
        &[
            ">1<",
            ">bob",
            "0.91x",
            "faster",
            ">2<",
            "&lt;script&gt;",
            "0.97x",
            ">3<",
            ">alice",
            "1.05x",
            "tie",
            ">4<",
            ">alice",
            "1.20x",
        ],
    );
    assert_mentions(
        read_heavy,
        &[
            "CPU: Fixture CPU @ 3.00GHz",
            "seed: 7",
            "lru.jsonl line 3",
            "profile: bench",
        ],
    );

    let png = std::env::temp_dir().join(format!("kata-leaderboard-{}.png", std::process::id()));
    let _ = std::fs::remove_file(&png);
    let shot = format!("--screenshot={}", png.display());
    let (ok, _, err) = output_within(
        chromium(&profile, &[&shot, "--window-size=1200,900"], &url),
        Duration::from_secs(120),
    );
    assert!(ok, "chromium --screenshot failed:\n{err}");
    let bytes = std::fs::read(&png).expect("the screenshot is written");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000,
        "not a real screenshot: {} bytes",
        bytes.len()
    );
    let _ = std::fs::remove_dir_all(&profile);
    let _ = writeln!(
        std::io::stderr(),
        "screenshot of the page: {}",
        png.display()
    );
}
