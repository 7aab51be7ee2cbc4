//! The benchmark leaderboards: `benches/leaderboards/<kata>.jsonl`, and `cargo kata leaderboard`.
//!
//! A board is one JSON object per line ([`Entry`]), append-only, with no header and no order, so
//! that two people's appended lines merge in git (the folder's `.gitattributes` asks for git's
//! `union` merge) and a reader never depends on where a line sits. The format is documented in
//! `benches/leaderboards/README.md`.
//!
//! - writing ([`append`]): under an exclusive lock, the current bytes are kept verbatim (lines that
//!   do not parse included), the new line is added, and the whole is written to a temporary file,
//!   synced and renamed over the board, so a reader never sees half a line;
//! - reading ([`read`]): every line that parses is an entry; every other line is reported with its
//!   line number and skipped, never dropped from the file;
//! - [`rank`] orders the entries of each workload and marks each person's best; an entry's
//!   [`WorkloadResult::ratio`] says "faster", "tie" or "slower" the same way for the terminal
//!   ([`term`]) and the page ([`html`]).

mod html;
mod term;

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use kata_suites::bench::{Ratio, TIE_BAND};
use serde::{Deserialize, Serialize};

/// The version of the entry format; bumped on any incompatible change. Entries of schema 1
/// (before ratios had intervals and instructions were counted) are still read: their ratio is a
/// point, judged against the tie band alone.
pub const SCHEMA: u32 = 2;

/// One line of a board: one `cargo kata bench` run of a crate that passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The kata's name, as in `kata_core::catalogue::KATAS`.
    pub kata: String,
    /// Who ran it ([`who`]).
    pub who: String,
    /// When, RFC 3339 UTC (`crate::results::now_rfc3339()`).
    pub when: String,
    /// `crate::results::hash_tree` of the graded folder.
    pub source_hash: String,
    /// `rustc --version`.
    pub toolchain: String,
    /// The CPU model ([`cpu_model`]).
    pub cpu: String,
    /// The cargo profile the bench was built with, e.g. `bench`.
    pub profile: String,
    /// `quick` or `full`.
    pub mode: String,
    /// The seed of the held-out regrade that ran before timing.
    pub seed: u64,
    /// One result per named workload.
    pub workloads: Vec<WorkloadResult>,
}

/// One workload's timing in an [`Entry`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadResult {
    /// The workload's name.
    pub name: String,
    /// The median over the run's rounds of the learner's time divided by the reference's in the
    /// same round: below 1 is faster than the reference.
    pub ratio: f64,
    /// The low end of the ratio's 95 % interval (`None` in schema 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_low: Option<f64>,
    /// The high end of the ratio's 95 % interval (`None` in schema 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_high: Option<f64>,
    /// The learner's median, nanoseconds per operation.
    pub ns_per_op: f64,
    /// The reference's median in the same run, nanoseconds per operation.
    pub reference_ns_per_op: f64,
    /// How many rounds the figures are of (`None` in schema 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<usize>,
    /// The learner's instructions per operation under callgrind (`None` when not counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions_per_op: Option<f64>,
    /// The reference's instructions per operation in the same run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_instructions_per_op: Option<f64>,
}

impl WorkloadResult {
    /// The ratio with its interval (a point for a schema-1 entry).
    pub fn ratio(&self) -> Ratio {
        match (self.ratio_low, self.ratio_high) {
            (Some(low), Some(high)) => Ratio {
                median: self.ratio,
                low,
                high,
            },
            _ => Ratio::point(self.ratio),
        }
    }

    /// The learner's instructions per operation over the reference's, when both were counted.
    pub fn instructions_ratio(&self) -> Option<f64> {
        Some(self.instructions_per_op? / self.reference_instructions_per_op?)
    }
}

/// The board of `kata` under the repository `root`: `benches/leaderboards/<kata>.jsonl`.
pub fn board_path(root: &Path, kata: &str) -> PathBuf {
    root.join("benches")
        .join("leaderboards")
        .join(format!("{kata}.jsonl"))
}

/// The name an entry is recorded under: `git config user.name` in `root`, else `$USER` (or
/// `%USERNAME%`), else `anonymous`.
pub fn who(root: &Path) -> String {
    let git = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["config", "user.name"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    git.into_iter()
        .chain(
            ["USER", "USERNAME"]
                .iter()
                .filter_map(|v| std::env::var(v).ok()),
        )
        .map(|n| n.trim().to_owned())
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| "anonymous".to_owned())
}

/// The CPU model: `model name` in `/proc/cpuinfo`, else the architecture (`x86_64`, `aarch64`).
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| cpu_from_cpuinfo(&info))
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned())
}

fn cpu_from_cpuinfo(info: &str) -> Option<String> {
    info.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim() == "model name")
        .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
}

/// Everything [`read`] found in a board.
#[derive(Debug, Default)]
pub struct Board {
    /// The entries, with their 1-based line numbers, in file order.
    pub entries: Vec<(usize, Entry)>,
    /// The lines that are not entries: 1-based line number and why. They stay in the file.
    pub corrupt: Vec<(usize, String)>,
}

/// Reads the board at `path`. A missing file is an empty board; blank lines are ignored; every
/// other line that is not an entry of this schema is reported in [`Board::corrupt`].
pub fn read(path: &Path) -> Result<Board> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Board::default()),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read {}: check its permissions", path.display()))
        }
    };
    Ok(parse(&bytes))
}

fn parse(bytes: &[u8]) -> Board {
    let mut board = Board::default();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(line) = std::str::from_utf8(raw) else {
            board
                .corrupt
                .push((number, "not UTF-8 text: not a leaderboard entry".to_owned()));
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(entry) => board.entries.push((number, entry)),
            Err(why) => board.corrupt.push((number, why)),
        }
    }
    board
}

fn parse_line(line: &str) -> std::result::Result<Entry, String> {
    let t = line.trim_start();
    if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
        .iter()
        .any(|m| t.starts_with(m))
    {
        return Err(
            "a git conflict marker: keep both sides' lines and delete the marker lines \
                    (see benches/leaderboards/README.md)"
                .to_owned(),
        );
    }
    // The schema first, so that a newer format gets a message about the version rather than
    // about a field this version does not know.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
        if let Some(s) = v.get("schema").and_then(|s| s.as_u64()) {
            if !(1..=u64::from(SCHEMA)).contains(&s) {
                return Err(format!(
                    "an entry of schema {s}; this cargo kata reads schemas 1 to {SCHEMA}: \
                     update your clone (git pull)"
                ));
            }
        }
    }
    let entry: Entry = serde_json::from_str(line).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
        if e.is_data() {
            format!("not a leaderboard entry: {msg}")
        } else {
            format!(
                "not a leaderboard entry (not valid JSON: {msg} at column {})",
                e.column()
            )
        }
    })?;
    check(&entry).map_err(|e| format!("not a valid entry: {e}"))?;
    Ok(entry)
}

/// What [`append`] refuses to write and [`read`] refuses to rank.
fn check(entry: &Entry) -> std::result::Result<(), String> {
    if !(1..=SCHEMA).contains(&entry.schema) {
        return Err(format!("schema {} (expected 1 to {SCHEMA})", entry.schema));
    }
    if entry.kata.trim().is_empty() {
        return Err("empty `kata`".to_owned());
    }
    if entry.who.trim().is_empty() {
        return Err("empty `who`".to_owned());
    }
    if entry.workloads.is_empty() {
        return Err("no workloads".to_owned());
    }
    for w in &entry.workloads {
        for (field, v) in [
            ("ratio", Some(w.ratio)),
            ("ratio_low", w.ratio_low),
            ("ratio_high", w.ratio_high),
            ("ns_per_op", Some(w.ns_per_op)),
            ("reference_ns_per_op", Some(w.reference_ns_per_op)),
            ("instructions_per_op", w.instructions_per_op),
            (
                "reference_instructions_per_op",
                w.reference_instructions_per_op,
            ),
        ] {
            let Some(v) = v else { continue };
            if !(v.is_finite() && v > 0.0) {
                return Err(format!(
                    "workload `{}`: `{field}` is {v}, not a positive number",
                    w.name
                ));
            }
        }
    }
    Ok(())
}

/// How long a lock may be held before it is taken to be left over by a run that died. A holder
/// keeps it for the time of one small read and write: milliseconds.
const STALE_LOCK: Duration = Duration::from_secs(10);
/// How long [`append`] waits for the lock before giving up with an error.
const LOCK_WAIT: Duration = Duration::from_secs(20);

/// Appends `entry` to the board at `path` as one line, atomically, safe against other runs
/// appending at the same time. Every line already there is kept byte for byte (a missing final
/// newline is added first); the folder is created if needed.
pub fn append(path: &Path, entry: &Entry) -> Result<()> {
    append_with(path, entry, STALE_LOCK, LOCK_WAIT)
}

fn append_with(path: &Path, entry: &Entry, stale: Duration, wait: Duration) -> Result<()> {
    check(entry).map_err(|e| anyhow::anyhow!("refusing to record a leaderboard entry: {e}"))?;
    let mut line = serde_json::to_vec(entry).context("serialising a leaderboard entry")?;
    line.push(b'\n');
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}: check its permissions", dir.display()))?;
    let _lock = Lock::acquire(path, stale, wait)?;
    let mut bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read {}: check its permissions", path.display()))
        }
    };
    if bytes.last().is_some_and(|b| *b != b'\n') {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(&line);
    write_atomic(path, &bytes)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced to disk, then
/// renamed over `path`; a reader sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = path.with_file_name(format!(
        ".{}.tmp{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| -> Result<()> {
        let mut f = File::create(&tmp)
            .with_context(|| format!("cannot create {}: check its folder", tmp.display()))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // Make the rename itself durable (Unix; a folder cannot be opened this way on Windows).
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// An exclusive lock on a board: the file `<board>.lock`, created with `create_new` (atomic on
/// every platform and filesystem git runs on) and removed on drop.
///
/// A lock file rather than `flock`: it needs no `libc` dependency and no `unsafe`, works the same
/// on Windows, and `std::fs::File::lock` is newer than the workspace's MSRV (1.88). Its one
/// weakness, a lock left behind by a run that was killed, is handled by the stale timeout: a lock
/// older than `stale` is removed (holders keep it for milliseconds), and a lock that is fresh but
/// never released gives a clear error after `wait`, naming the file to delete.
struct Lock(PathBuf);

impl Lock {
    fn acquire(board: &Path, stale: Duration, wait: Duration) -> Result<Lock> {
        let mut name = board.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock(path));
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!(
                            "cannot create the lock {}: check the folder's permissions",
                            path.display()
                        )
                    })
                }
            }
            let age = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok());
            if age.is_some_and(|a| a > stale) {
                // Left by a run that died. (Two runs breaking the same stale lock at the same
                // instant could both remove it, one after the other re-created it: that needs a
                // dead holder and two live writers within microseconds, and costs at worst one
                // of their two lines; never an existing line.)
                let _ = std::fs::remove_file(&path);
                continue;
            }
            if start.elapsed() > wait {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                bail!(
                    "{} is locked by another run (pid {}) for more than {} s: wait for it to \
                     finish; if no `cargo kata bench` is running, delete {} and try again",
                    board.display(),
                    holder.trim(),
                    wait.as_secs(),
                    path.display()
                );
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether ratio `a` is clearly below ratio `b`, for entries of different runs (no rounds in
/// common to pair): their intervals do not overlap, and `a` is more than the tie band below `b`.
pub fn clearly_faster(a: &Ratio, b: &Ratio) -> bool {
    a.high < b.low && a.median * (1.0 + TIE_BAND) < b.median
}

/// One entry's place in a workload's ranking.
#[derive(Debug)]
pub struct Row<'a> {
    /// 1-based, in order of ratio: an entry shares the rank above unless the first entry of that
    /// rank is [`clearly_faster`], so entries not clearly apart share a rank.
    pub rank: usize,
    /// The entry's line in the board.
    pub line: usize,
    /// The entry.
    pub entry: &'a Entry,
    /// Its result on this workload.
    pub result: &'a WorkloadResult,
    /// Whether this is the person's best on this workload: the best rank among their entries,
    /// and among their entries of that rank (ties, inside the noise) the latest, their current
    /// code, rather than whichever the noise put ahead.
    pub best: bool,
}

/// A workload's ranking.
#[derive(Debug)]
pub struct Block<'a> {
    /// The workload's name.
    pub workload: &'a str,
    /// Lowest ratio first, then earlier, then file order.
    pub rows: Vec<Row<'a>>,
}

/// Ranks `entries` per workload, workloads in the order they first appear in the file.
pub fn rank(entries: &[(usize, Entry)]) -> Vec<Block<'_>> {
    let mut names: Vec<&str> = Vec::new();
    for (_, e) in entries {
        for w in &e.workloads {
            if !names.contains(&w.name.as_str()) {
                names.push(&w.name);
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let mut rows: Vec<Row<'_>> = entries
                .iter()
                .filter_map(|(line, entry)| {
                    let result = entry.workloads.iter().find(|w| w.name == name)?;
                    Some(Row {
                        rank: 0,
                        line: *line,
                        entry,
                        result,
                        best: false,
                    })
                })
                .collect();
            rows.sort_by(|a, b| {
                a.result
                    .ratio
                    .total_cmp(&b.result.ratio)
                    .then_with(|| a.entry.when.cmp(&b.entry.when))
                    .then(a.line.cmp(&b.line))
            });
            // As in a bench's table (`kata_suites::bench::ranks`): a new rank starts only at an
            // entry clearly slower than the first entry of the rank above.
            let mut leader: Option<(Ratio, usize)> = None;
            for (position, row) in rows.iter_mut().enumerate() {
                let ratio = row.result.ratio();
                row.rank = match leader {
                    Some((first, rank)) if !clearly_faster(&first, &ratio) => rank,
                    _ => {
                        leader = Some((ratio, position + 1));
                        position + 1
                    }
                };
            }
            // Each person's best: their lowest rank, and the latest of their entries there.
            let mut best: Vec<(&str, usize, usize)> = Vec::new(); // (who, rank, row index)
            for (i, r) in rows.iter().enumerate() {
                let who = r.entry.who.as_str();
                match best.iter_mut().find(|(w, _, _)| *w == who) {
                    None => best.push((who, r.rank, i)),
                    Some(b) if b.1 == r.rank && rows[b.2].entry.when < r.entry.when => b.2 = i,
                    Some(_) => {}
                }
            }
            for (_, _, i) in best {
                rows[i].best = true;
            }
            Block {
                workload: name,
                rows,
            }
        })
        .collect()
}

/// `cargo kata leaderboard`'s arguments.
#[derive(clap::Args)]
pub struct LeaderboardArgs {
    /// The kata whose board to show (default: every kata that has one).
    pub kata: Option<String>,
    /// Also write the boards as a self-contained HTML page to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Read this board file instead of benches/leaderboards/<kata>.jsonl (one kata; e.g. a
    /// classmate's board).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
}

/// One kata's board as read for display.
pub struct Shown {
    /// The kata's name.
    pub kata: String,
    /// The board file, as the user should read it (relative to the root when inside it).
    pub file: String,
    /// The board's entries for this kata.
    pub entries: Vec<(usize, Entry)>,
    /// Lines that are not entries of this kata: line and why.
    pub warnings: Vec<(usize, String)>,
}

fn how_to_enter(kata: &str) -> String {
    format!("make an entry with `cargo kata bench {kata}` (it records one when your crate passes)")
}

/// Reads what `args` asks for under the repository `root`. An unknown kata, or a `--from` file
/// that does not exist, is an error; a kata without a board is shown with no entries.
pub fn load(root: &Path, args: &LeaderboardArgs) -> Result<Vec<Shown>> {
    let known = |name: &str| -> Result<()> {
        if kata_core::catalogue::find(name).is_some() {
            return Ok(());
        }
        let names: Vec<&str> = kata_core::catalogue::KATAS.iter().map(|k| k.name).collect();
        bail!(
            "there is no kata named `{name}`; the katas are: {} (see `cargo kata list`); {}",
            names.join(", "),
            how_to_enter("<kata>")
        )
    };
    let mut wanted: Vec<(String, PathBuf)> = Vec::new();
    match (&args.from, &args.kata) {
        (Some(file), kata) => {
            if !file.is_file() {
                bail!(
                    "cannot read the board {}: no such file (a board is a \
                     benches/leaderboards/<kata>.jsonl file)",
                    file.display()
                );
            }
            let kata = match kata {
                Some(k) => {
                    known(k)?;
                    k.clone()
                }
                None => file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            };
            wanted.push((kata, file.clone()));
        }
        (None, Some(kata)) => {
            known(kata)?;
            wanted.push((kata.clone(), board_path(root, kata)));
        }
        (None, None) => {
            for k in kata_core::catalogue::KATAS {
                let path = board_path(root, k.name);
                if path.is_file() {
                    wanted.push((k.name.to_owned(), path));
                }
            }
        }
    }
    let mut shown = Vec::new();
    for (kata, path) in wanted {
        let board = read(&path)?;
        let mut warnings = board.corrupt;
        let mut entries = Vec::new();
        for (line, e) in board.entries {
            if e.kata == kata {
                entries.push((line, e));
            } else {
                warnings.push((
                    line,
                    format!(
                        "an entry for kata `{}` in the board of `{kata}`: left out",
                        e.kata
                    ),
                ));
            }
        }
        warnings.sort_by_key(|(line, _)| *line);
        let file = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        shown.push(Shown {
            kata,
            file,
            entries,
            warnings,
        });
    }
    Ok(shown)
}

/// `cargo kata leaderboard`: prints the boards (or, with `--html`, writes the page) and reports
/// the lines that are not entries as warnings on stderr.
pub fn command(root: &Path, args: &LeaderboardArgs) -> Result<()> {
    let shown = load(root, args)?;
    let color = crate::render::Out::new(false).color();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    term::warnings(&mut err, &shown, color)?;
    if let Some(file) = &args.html {
        let page = html::page(&shown, &crate::results::now_rfc3339());
        write_atomic(file, page.as_bytes()).with_context(|| {
            format!(
                "cannot write the page {}: check that its folder exists",
                file.display()
            )
        })?;
        let entries: usize = shown.iter().map(|s| s.entries.len()).sum();
        writeln!(
            out,
            "Wrote {} ({entries} entries, {} board{}). Open it in a browser.",
            file.display(),
            shown.len(),
            if shown.len() == 1 { "" } else { "s" }
        )?;
        return Ok(());
    }
    term::boards(&mut out, &shown, color)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under `target/` for one test.
    pub(super) fn scratch(name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/selftest/leaderboard-unit")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    pub(super) fn entry(who: &str, when: &str, ratios: &[(&str, f64)]) -> Entry {
        Entry {
            schema: SCHEMA,
            kata: "lru".to_owned(),
            who: who.to_owned(),
            when: when.to_owned(),
            source_hash: "0123456789abcdef".to_owned(),
            toolchain: "rustc 1.95.0 (59807616e 2026-04-14)".to_owned(),
            cpu: "Test CPU @ 3.00GHz".to_owned(),
            profile: "bench".to_owned(),
            mode: "full".to_owned(),
            seed: 42,
            workloads: ratios
                .iter()
                .map(|(name, ratio)| WorkloadResult {
                    name: (*name).to_owned(),
                    ratio: *ratio,
                    ratio_low: Some(ratio * 0.98),
                    ratio_high: Some(ratio * 1.02),
                    ns_per_op: 40.0 * ratio,
                    reference_ns_per_op: 40.0,
                    rounds: Some(21),
                    instructions_per_op: Some(100.0 * ratio),
                    reference_instructions_per_op: Some(100.0),
                })
                .collect(),
        }
    }

    #[test]
    fn entries_round_trip_through_the_file() {
        let dir = scratch("round-trip");
        let path = board_path(&dir, "lru");
        let a = entry(
            "alice",
            "2026-11-20T10:00:00Z",
            &[("get", 0.9), ("put", 1.1)],
        );
        let mut b = entry(
            "bob \"the builder\"\n",
            "2026-11-21T10:00:00Z",
            &[("get", 1.0)],
        );
        b.seed = u64::MAX;
        append(&path, &a).unwrap();
        append(&path, &b).unwrap();
        let board = read(&path).unwrap();
        assert!(board.corrupt.is_empty(), "{:?}", board.corrupt);
        assert_eq!(board.entries, vec![(1, a), (2, b)]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "one line per entry:\n{text}");
        assert!(text.ends_with('\n'));
        assert!(!path.with_extension("jsonl.lock").exists(), "lock removed");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name() != "lru.jsonl")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn a_missing_board_is_empty() {
        let board = read(&scratch("missing").join("nope.jsonl")).unwrap();
        assert!(board.entries.is_empty() && board.corrupt.is_empty());
    }

    #[test]
    fn corrupt_lines_are_reported_and_kept_verbatim_by_an_append() {
        let dir = scratch("corrupt");
        let path = dir.join("lru.jsonl");
        let good = serde_json::to_string(&entry("alice", "2026-11-20T10:00:00Z", &[("get", 0.9)]))
            .unwrap();
        let newer = good.replace("\"schema\":2", "\"schema\":3");
        let original = format!(
            "{good}\nnot json at all\n\n{{\"schema\":1,\"kata\":\"lru\"}}\r\n<<<<<<< HEAD\n{newer}\n\
             \u{0}\u{7f} bytes \u{fffd}\n{good}"
        );
        let mut bytes = original.clone().into_bytes();
        bytes.extend_from_slice(b"\n\xff\xfe");
        std::fs::write(&path, &bytes).unwrap();
        let board = read(&path).unwrap();
        assert_eq!(
            board.entries.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            [1, 8]
        );
        let lines: Vec<usize> = board.corrupt.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 4, 5, 6, 7, 9], "{:?}", board.corrupt);
        let why = |l: usize| &board.corrupt.iter().find(|c| c.0 == l).unwrap().1;
        assert!(why(2).contains("not a leaderboard entry"), "{}", why(2));
        assert!(why(4).contains("missing field"), "{}", why(4));
        assert!(why(5).contains("conflict marker"), "{}", why(5));
        assert!(why(6).contains("schema 3"), "{}", why(6));
        assert!(why(9).contains("UTF-8"), "{}", why(9));

        let added = entry("bob", "2026-11-21T10:00:00Z", &[("get", 1.2)]);
        append(&path, &added).unwrap();
        let after = std::fs::read(&path).unwrap();
        let mut expected = bytes.clone();
        expected.push(b'\n');
        expected.extend_from_slice(serde_json::to_string(&added).unwrap().as_bytes());
        expected.push(b'\n');
        assert_eq!(after, expected, "every old byte kept, one line added");
        let board = read(&path).unwrap();
        assert_eq!(board.entries.last().unwrap(), &(10, added));
        assert_eq!(board.corrupt.len(), 6);
    }

    #[test]
    fn a_board_without_a_final_newline_gets_one_before_the_new_line() {
        let dir = scratch("no-newline");
        let path = dir.join("lru.jsonl");
        let first = entry("alice", "2026-11-20T10:00:00Z", &[("get", 0.9)]);
        std::fs::write(&path, serde_json::to_string(&first).unwrap()).unwrap();
        let second = entry("bob", "2026-11-21T10:00:00Z", &[("get", 1.1)]);
        append(&path, &second).unwrap();
        let board = read(&path).unwrap();
        assert!(board.corrupt.is_empty(), "{:?}", board.corrupt);
        assert_eq!(board.entries, vec![(1, first), (2, second)]);
    }

    #[test]
    fn two_threads_appending_at_once_lose_nothing() {
        let dir = scratch("concurrent");
        let path = dir.join("lru.jsonl");
        std::fs::write(&path, "a corrupt line without a newline").unwrap();
        std::thread::scope(|s| {
            for t in 0..2 {
                let path = &path;
                s.spawn(move || {
                    for i in 0..20 {
                        let e = entry(
                            &format!("t{t}-{i}"),
                            "2026-11-20T10:00:00Z",
                            &[("get", 1.0)],
                        );
                        append(path, &e).unwrap();
                    }
                });
            }
        });
        let board = read(&path).unwrap();
        assert_eq!(board.corrupt.len(), 1, "{:?}", board.corrupt);
        assert_eq!(board.corrupt[0].0, 1);
        assert_eq!(board.entries.len(), 40);
        let whos: std::collections::HashSet<&str> =
            board.entries.iter().map(|(_, e)| e.who.as_str()).collect();
        assert_eq!(whos.len(), 40, "every append is there once");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("a corrupt line without a newline\n"));
        assert_eq!(text.lines().count(), 41);
    }

    #[test]
    fn a_stale_lock_is_broken_and_a_held_one_is_a_clear_error() {
        let dir = scratch("lock");
        let path = dir.join("lru.jsonl");
        let lock = dir.join("lru.jsonl.lock");
        let e = entry("alice", "2026-11-20T10:00:00Z", &[("get", 1.0)]);

        std::fs::write(&lock, "12345\n").unwrap();
        let err = append_with(
            &path,
            &e,
            Duration::from_secs(60),
            Duration::from_millis(50),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("locked by another run (pid 12345)") && err.contains("delete"),
            "{err}"
        );
        assert!(!path.exists(), "nothing written without the lock");

        let old = SystemTime::now() - Duration::from_secs(120);
        File::options()
            .write(true)
            .open(&lock)
            .unwrap()
            .set_modified(old)
            .unwrap();
        append_with(
            &path,
            &e,
            Duration::from_secs(60),
            Duration::from_millis(50),
        )
        .unwrap();
        assert_eq!(read(&path).unwrap().entries.len(), 1);
        assert!(!lock.exists());
    }

    #[test]
    fn an_entry_that_could_not_be_read_back_is_refused() {
        let dir = scratch("refused");
        let path = dir.join("lru.jsonl");
        for bad in [f64::NAN, f64::INFINITY, 0.0, -1.0] {
            let e = entry("alice", "2026-11-20T10:00:00Z", &[("get", bad)]);
            let err = append(&path, &e).unwrap_err().to_string();
            assert!(err.contains("`ratio`"), "{err}");
        }
        let err = append(&path, &entry("  ", "x", &[("get", 1.0)])).unwrap_err();
        assert!(err.to_string().contains("empty `who`"));
        assert!(!path.exists());
    }

    #[test]
    fn a_schema_1_entry_is_read_as_a_point_judged_by_the_tie_band() {
        let line = r#"{"schema":1,"kata":"lru","who":"old","when":"2026-11-01T00:00:00Z","source_hash":"ab","toolchain":"rustc","cpu":"cpu","profile":"bench","mode":"quick","seed":1,"workloads":[{"name":"get","ratio":0.9,"ns_per_op":9.0,"reference_ns_per_op":10.0}]}"#;
        let old = parse_line(line).expect("schema 1 still reads");
        let r = old.workloads[0].ratio();
        assert_eq!((r.low, r.median, r.high), (0.9, 0.9, 0.9));
        assert_eq!(old.workloads[0].instructions_ratio(), None);
        // Points are apart only by more than the tie band.
        assert!(clearly_faster(&Ratio::point(0.90), &Ratio::point(0.96)));
        assert!(!clearly_faster(&Ratio::point(0.90), &Ratio::point(0.94)));
        // Intervals must not overlap either.
        let wide = Ratio {
            median: 0.8,
            low: 0.6,
            high: 1.0,
        };
        assert!(!clearly_faster(&wide, &Ratio::point(0.99)));
        assert!(parse_line(&line.replace("\"schema\":1", "\"schema\":3")).is_err());
    }

    #[test]
    fn entries_inside_each_others_noise_share_a_rank_and_the_star_goes_to_the_latest() {
        let entries = vec![
            (1, entry("dan", "2026-11-20T10:00:00Z", &[("get", 0.90)])),
            (2, entry("dan", "2026-11-22T10:00:00Z", &[("get", 0.93)])),
            (3, entry("eve", "2026-11-21T10:00:00Z", &[("get", 0.91)])),
            (4, entry("eve", "2026-11-23T10:00:00Z", &[("get", 1.20)])),
        ];
        let rows: Vec<(usize, &str, usize, bool)> = rank(&entries)[0]
            .rows
            .iter()
            .map(|r| (r.rank, r.entry.who.as_str(), r.line, r.best))
            .collect();
        // 0.90, 0.91 and 0.93 are within 5 % of each other: one rank. dan's star is on his
        // later entry, although its ratio is the higher: which of the two is faster is noise.
        assert_eq!(
            rows,
            [
                (1, "dan", 1, false),
                (1, "eve", 3, true),
                (1, "dan", 2, true),
                (4, "eve", 4, false),
            ]
        );
    }

    #[test]
    fn ranking_is_lowest_ratio_first_with_each_persons_best_marked() {
        let entries = vec![
            (
                1,
                entry(
                    "alice",
                    "2026-11-20T10:00:00Z",
                    &[("get", 1.1), ("put", 0.8)],
                ),
            ),
            (2, entry("bob", "2026-11-20T11:00:00Z", &[("get", 0.9)])),
            (3, entry("alice", "2026-11-21T10:00:00Z", &[("get", 0.95)])),
            (
                4,
                entry(
                    "carol",
                    "2026-11-19T10:00:00Z",
                    &[("get", 1.1), ("put", 1.3)],
                ),
            ),
        ];
        let blocks = rank(&entries);
        assert_eq!(
            blocks.iter().map(|b| b.workload).collect::<Vec<_>>(),
            ["get", "put"]
        );
        let get: Vec<(usize, &str, usize, bool)> = blocks[0]
            .rows
            .iter()
            .map(|r| (r.rank, r.entry.who.as_str(), r.line, r.best))
            .collect();
        // Equal ratios share a rank; the earlier run is listed first.
        assert_eq!(
            get,
            [
                (1, "bob", 2, true),
                (2, "alice", 3, true),
                (3, "carol", 4, true),
                (3, "alice", 1, false),
            ]
        );
        let put: Vec<(usize, &str)> = blocks[1]
            .rows
            .iter()
            .map(|r| (r.rank, r.entry.who.as_str()))
            .collect();
        assert_eq!(put, [(1, "alice"), (2, "carol")]);
    }

    #[test]
    fn the_cpu_model_comes_from_cpuinfo() {
        let info = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R)  Xeon(R) CPU @ 2.20GHz\n";
        assert_eq!(
            cpu_from_cpuinfo(info).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(cpu_from_cpuinfo("processor : 0\n"), None);
        assert!(!cpu_model().is_empty());
    }

    #[test]
    fn who_is_never_empty() {
        assert!(!who(Path::new(env!("CARGO_MANIFEST_DIR"))).trim().is_empty());
    }

    #[test]
    fn load_shows_every_board_and_rejects_unknown_katas() {
        let root = scratch("load");
        let none = LeaderboardArgs {
            kata: None,
            html: None,
            from: None,
        };
        assert!(load(&root, &none).unwrap().is_empty());
        let path = board_path(&root, "lru");
        append(
            &path,
            &entry("alice", "2026-11-20T10:00:00Z", &[("get", 0.9)]),
        )
        .unwrap();
        let mut other = entry("bob", "2026-11-20T10:00:00Z", &[("get", 0.9)]);
        other.kata = "token-bucket".to_owned();
        append(&path, &other).unwrap();
        let shown = load(&root, &none).unwrap();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].kata, "lru");
        assert_eq!(shown[0].file, "benches/leaderboards/lru.jsonl");
        assert_eq!(shown[0].entries.len(), 1);
        assert_eq!(shown[0].warnings.len(), 1);
        assert!(shown[0].warnings[0].1.contains("`token-bucket`"));

        let unknown = LeaderboardArgs {
            kata: Some("lur".to_owned()),
            html: None,
            from: None,
        };
        let err = load(&root, &unknown).err().unwrap().to_string();
        assert!(
            err.contains("no kata named `lur`") && err.contains("cargo kata bench"),
            "{err}"
        );
        let missing = LeaderboardArgs {
            kata: Some("token-bucket".to_owned()),
            html: None,
            from: None,
        };
        let shown = load(&root, &missing).unwrap();
        assert!(shown[0].entries.is_empty());
        let absent = LeaderboardArgs {
            kata: None,
            html: None,
            from: Some(root.join("nope.jsonl")),
        };
        let err = load(&root, &absent).err().unwrap().to_string();
        assert!(err.contains("no such file"), "{err}");
    }
}
