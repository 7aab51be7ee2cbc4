//! The complexity stage's second instrument: instructions counted under callgrind, fitted to a
//! growth class.
//!
//! Timing against the reference ([`super::compare_complexity`]) tells O(1) from O(n) on a busy
//! machine, but not O(1) from O(log n), nor O(log n) from O(n) at the sizes a test can afford: a
//! binary search over 1 Ki points and one over 256 Ki differ by 60 %, no more than the caches
//! alone make a constant-time lookup differ. An instruction count does not see caches, the load
//! of the machine or the frequency of the core: `valgrind --tool=callgrind` counts the same total
//! for the same binary and input every time. So a kata whose bounds are logarithmic (a hash ring,
//! a trie) grades its complexity stage by counting:
//!
//! 1. For each [`Series`], the runner starts itself again under callgrind as a **counting
//!    child** (`--counted SERIES,...`, see [`Request`]), once for all the series. The child
//!    prepares each series at each size in turn, runs a quarter of the operations as a warm-up, then the operations
//!    inside [`kata_counted_ops`], the one function callgrind collects in (`--toggle-collect`)
//!    and dumps after (`--dump-after`): one dump per series and size, holding the operations and
//!    nothing of the preparation.
//! 2. The instructions per operation at each size are fitted, by least squares on relative
//!    errors, to `a + b·f(n)` for each [`Class`] in turn (`a, b ≥ 0`): constant, `log2 n`, `n`,
//!    `n·log2 n`, `n²`. The **fitted class** is the slowest-growing one whose curve comes within
//!    [`TOLERANCE`] of every point ([`classify`]).
//! 3. The series passes when the fitted class grows no faster than the one it expects: an O(1)
//!    lookup passes a series that expects O(log n); an O(log n) one fails a series that expects
//!    O(1). The table prints the counts, the fitted curve beside the expected one, and how far
//!    each class's best curve misses.
//!
//! Without valgrind (it is not on every learner's machine) [`stage`] falls back to timing each
//! series against the reference (the timing of [`super`], which every complexity stage used
//! before it was counted), and says so: that still fails an O(n) lookup where the reference's is
//! O(log n), but no longer an O(log n) one where it is O(1).
//! `KATA_VALGRIND` names the program to run instead of `valgrind` (the repository's tests set it
//! to a missing one to prove the fallback).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{compare_complexity, report_complexity, Workload};
use crate::report::Measurement;
use crate::Ctx;

/// A growth class, slowest-growing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// O(1): the same count at every size.
    Constant,
    /// O(log n).
    Log,
    /// O(n).
    Linear,
    /// O(n log n).
    LinLog,
    /// O(n²).
    Quadratic,
}

impl Class {
    /// Every class, slowest-growing first: the order [`classify`] tries them in.
    pub const ALL: [Class; 5] = [
        Class::Constant,
        Class::Log,
        Class::Linear,
        Class::LinLog,
        Class::Quadratic,
    ];

    /// The class in big-O notation.
    pub fn name(self) -> &'static str {
        match self {
            Class::Constant => "O(1)",
            Class::Log => "O(log n)",
            Class::Linear => "O(n)",
            Class::LinLog => "O(n log n)",
            Class::Quadratic => "O(n²)",
        }
    }

    /// The class's growing term at size `n`, `f(n)` in `a + b·f(n)` (0 for a constant).
    pub fn term(self, n: f64) -> f64 {
        match self {
            Class::Constant => 0.0,
            Class::Log => n.log2(),
            Class::Linear => n,
            Class::LinLog => n * n.log2(),
            Class::Quadratic => n * n,
        }
    }

    /// The growing term as written in a formula.
    fn term_name(self) -> &'static str {
        match self {
            Class::Constant => "",
            Class::Log => "log2 n",
            Class::Linear => "n",
            Class::LinLog => "n·log2 n",
            Class::Quadratic => "n²",
        }
    }
}

/// One counted series of a kata's complexity stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    /// Its name: in the kata's `COMPLEXITY_SERIES`, in `KATA_COMPLEXITY_SERIES`, in a mutant's
    /// `slow_in`.
    pub name: &'static str,
    /// What the table calls it ("Ring, node_for").
    pub title: &'static str,
    /// What the size counts ("nodes", "terms", "bytes per term").
    pub variable: &'static str,
    /// The sizes, ascending: four or five, spread wide enough that the classes part (a factor
    /// of 4 between neighbours).
    pub sizes: &'static [usize],
    /// Operations counted at each size, after a warm-up of a quarter as many.
    pub ops: u64,
    /// The fastest-growing class that passes.
    pub expected: Class,
}

/// A fitted curve `a + b·f(n)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The class whose `f` it uses.
    pub class: Class,
    /// The constant.
    pub a: f64,
    /// The coefficient of the growing term (0 for a constant).
    pub b: f64,
    /// The largest relative distance from the curve to a point: `|count − curve| / count`.
    pub max_error: f64,
}

impl Fit {
    /// The curve's value at size `n`.
    pub fn at(&self, n: f64) -> f64 {
        self.a + self.b * self.class.term(n)
    }

    /// The curve as a formula: `52.1 + 6.30·log2 n`.
    pub fn formula(&self) -> String {
        match self.class {
            Class::Constant => sig(self.a),
            c => format!("{} + {}·{}", sig(self.a), sig(self.b), c.term_name()),
        }
    }
}

/// `x` with three significant digits, without an exponent for the sizes met here.
fn sig(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

/// How far a class's best curve may miss a point, relative to it, and still be the class of
/// the counts. Instruction counts per operation, averaged over a thousand operations, sit within
/// a few per cent of a smooth curve (a hash table's probe lengths vary with its load by about
/// 5 %). The margin is narrow on purpose: a binary search behind a costly hash (100 instructions
/// of hashing, then 10 to 18 steps of 7 over the sizes of a ring) misses its best constant by 14 %,
/// and the O(n) curve of a sort that is O(n log n) misses by 13 to 20 %.
pub const TOLERANCE: f64 = 0.10;

/// Fits `a + b·f(n)` of `class` to `points` (size, count), `a, b ≥ 0`, by least squares on
/// relative errors (weights `1 / count²`), so that small counts weigh as much as large ones.
pub fn fit(class: Class, points: &[(usize, f64)]) -> Fit {
    let w = |c: f64| 1.0 / (c * c).max(1e-12);
    let constant = || {
        let a = points.iter().map(|&(_, c)| w(c) * c).sum::<f64>()
            / points.iter().map(|&(_, c)| w(c)).sum::<f64>();
        (a, 0.0)
    };
    let (a, b) = if class == Class::Constant {
        constant()
    } else {
        let (mut sw, mut sg, mut sgg, mut sc, mut sgc) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(n, c) in points {
            let (wi, g) = (w(c), class.term(n as f64));
            sw += wi;
            sg += wi * g;
            sgg += wi * g * g;
            sc += wi * c;
            sgc += wi * g * c;
        }
        let det = sw * sgg - sg * sg;
        let b = if det.abs() < 1e-300 {
            0.0
        } else {
            (sw * sgc - sg * sc) / det
        };
        let a = (sc - b * sg) / sw;
        if b <= 0.0 {
            constant()
        } else if a < 0.0 {
            (0.0, sgc / sgg)
        } else {
            (a, b)
        }
    };
    let mut f = Fit {
        class,
        a,
        b,
        max_error: 0.0,
    };
    f.max_error = points
        .iter()
        .map(|&(n, c)| (c - f.at(n as f64)).abs() / c.max(1e-12))
        .fold(0.0, f64::max);
    f
}

/// The class of `points`: the slowest-growing whose best curve comes within [`TOLERANCE`] of
/// every point, or, when none does (counts that fall, or jump about), the one that comes
/// closest. Returns it with every class's fit, in [`Class::ALL`]'s order.
pub fn classify(points: &[(usize, f64)]) -> (Class, Vec<Fit>) {
    let fits: Vec<Fit> = Class::ALL.iter().map(|&c| fit(c, points)).collect();
    let class = fits
        .iter()
        .find(|f| f.max_error <= TOLERANCE)
        .or_else(|| {
            fits.iter()
                .min_by(|x, y| x.max_error.total_cmp(&y.max_error))
        })
        .map_or(Class::Quadratic, |f| f.class);
    (class, fits)
}

/// What a counting child is asked to run: the runner's `--counted SERIES,SERIES,...`. The child
/// runs each series at every one of its sizes (from the kata's own table of [`Series`]), in
/// order: one callgrind dump per series and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The series, in the order to run them.
    pub series: Vec<String>,
}

impl Request {
    /// Parses `SERIES,SERIES,...`.
    ///
    /// # Errors
    ///
    /// When a name is empty.
    pub fn parse(text: &str) -> Result<Request, String> {
        let series: Vec<String> = text.split(',').map(str::to_owned).collect();
        if series.iter().any(String::is_empty) {
            return Err(format!("--counted wants SERIES,SERIES,..., not `{text}`"));
        }
        Ok(Request { series })
    }

    /// The request as the runner's argument.
    pub fn arg(&self) -> String {
        self.series.join(",")
    }
}

/// The function callgrind counts inside (`--toggle-collect`) and dumps after (`--dump-after`):
/// operations `start..start + ops` of `w`, one call per size.
///
/// The operations allocate from the heap's bump arena ([`crate::heap`]): an allocation then costs
/// the same few instructions whatever the heap went through before, and a free none. (The arena
/// is reserved by the caller, before counting starts; without it, allocations go to the system
/// allocator.)
#[inline(never)]
pub fn kata_counted_ops(w: &mut dyn Workload, start: u64, ops: u64) {
    crate::heap::count_allocations_in_arena(true);
    for i in start..start + ops {
        w.op(black_box(i));
    }
    crate::heap::count_allocations_in_arena(false);
}

/// What the runner needs to start itself again as a counting child: set by
/// [`crate::runner::main`] from its own arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relaunch {
    /// The kata.
    pub kata: String,
    /// The implementation (`learner`, `solution`, `mutant:NAME`).
    pub imp: String,
    /// The stage's seed.
    pub seed: u64,
}

/// Why a series was not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCounted {
    /// Valgrind is not installed (or `KATA_VALGRIND` names a program that is not there).
    NoValgrind(String),
    /// The counting run failed: the implementation crashed under callgrind, or the run could not
    /// be set up.
    Failed(String),
}

/// The counts of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// `(size, instructions per operation)`, for the sizes counted before any limit.
    pub points: Vec<(usize, f64)>,
    /// Set when counting stopped before the last size, saying why.
    pub gave_up: Option<String>,
}

/// `GLIBC_TUNABLES` for the counting child: glibc copies large blocks with `rep movsb`, which
/// valgrind runs very slowly (building a ring of 2 048 nodes by cloning it per change took 41.9 s
/// under callgrind, 1.6 s with this), so the threshold for it is raised out of reach. Any value
/// already set is kept. It changes which copy loop runs, not what is copied: the count of an
/// operation that copies still grows with what it copies.
fn tunables() -> String {
    let ours = "glibc.cpu.x86_rep_movsb_threshold=1000000000";
    match std::env::var("GLIBC_TUNABLES") {
        Ok(v) if !v.is_empty() => format!("{v}:{ours}"),
        _ => ours.to_owned(),
    }
}

/// The program run as valgrind: `KATA_VALGRIND`, or `valgrind`.
fn valgrind() -> String {
    std::env::var("KATA_VALGRIND")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "valgrind".into())
}

/// Counts every one of `series` at each of its sizes, in one counting child under callgrind,
/// stopping at `deadline`: for each series, its counts (some sizes only, with the reason, when
/// time ran out) or why it could not be counted (the implementation panicked or crashed in it;
/// the series after a crash are not counted either).
///
/// # Errors
///
/// [`NotCounted`] when nothing could be counted: valgrind is missing, or the run could not be set
/// up.
pub fn count(
    series: &[Series],
    relaunch: &Relaunch,
    deadline: Instant,
) -> Result<Vec<Result<Counts, String>>, NotCounted> {
    let exe = std::env::current_exe().map_err(|e| NotCounted::Failed(e.to_string()))?;
    let dir = std::env::temp_dir().join(format!("kata-counted-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| NotCounted::Failed(format!("{}: {e}", dir.display())))?;
    let result = count_in(&dir, &exe, series, relaunch, deadline);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn count_in(
    dir: &Path,
    exe: &Path,
    series: &[Series],
    relaunch: &Relaunch,
    deadline: Instant,
) -> Result<Vec<Result<Counts, String>>, NotCounted> {
    let request = Request {
        series: series.iter().map(|s| s.name.to_owned()).collect(),
    };
    let stderr_path = dir.join("stderr");
    let events_path = dir.join("events.jsonl");
    let stderr = std::fs::File::create(&stderr_path)
        .map_err(|e| NotCounted::Failed(format!("{}: {e}", stderr_path.display())))?;
    let program = valgrind();
    let spawned = Command::new(&program)
        .arg("--tool=callgrind")
        .arg(format!(
            "--callgrind-out-file={}",
            dir.join("callgrind.out").display()
        ))
        .args([
            "--collect-atstart=no",
            "--toggle-collect=kata_suites::measure::counted::kata_counted_ops",
            "--dump-after=kata_suites::measure::counted::kata_counted_ops",
        ])
        .arg(exe)
        .args(["--kata", &relaunch.kata, "--impl", &relaunch.imp])
        .args(["--stage", "complexity", "--events"])
        .arg(&events_path)
        .args(["--seed", &relaunch.seed.to_string()])
        .args(["--counted", &request.arg()])
        .env("GLIBC_TUNABLES", tunables())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(NotCounted::NoValgrind(format!(
                "`{program}` is not installed (on Debian or Ubuntu: apt-get install valgrind; \
                 it is not available on macOS)"
            )))
        }
        Err(e) => return Err(NotCounted::Failed(format!("cannot run `{program}`: {e}"))),
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(NotCounted::Failed(format!("waiting for callgrind: {e}"))),
        }
    };
    let mut totals = read_dumps(dir).map_err(NotCounted::Failed)?.into_iter();
    let failure = match status {
        Some(s) if s.success() => None,
        Some(s) => Some(child_failure(
            s,
            &std::fs::read_to_string(&events_path).unwrap_or_default(),
            &std::fs::read_to_string(&stderr_path).unwrap_or_default(),
        )),
        None => None,
    };
    let mut out = Vec::new();
    let mut stopped = false;
    for s in series {
        if stopped {
            out.push(Err(format!(
                "not counted: the counting run stopped before this series{}",
                if failure.is_some() {
                    " (see the series above)"
                } else {
                    ""
                }
            )));
            continue;
        }
        let points: Vec<(usize, f64)> = s
            .sizes
            .iter()
            .map_while(|&size| Some((size, totals.next()? as f64 / s.ops as f64)))
            .collect();
        if points.len() == s.sizes.len() {
            out.push(Ok(Counts {
                points,
                gave_up: None,
            }));
            continue;
        }
        stopped = true;
        let at = s.sizes[points.len()];
        out.push(match &failure {
            Some(why) => Err(format!("at {at} {}: {why}", s.variable)),
            None => Ok(Counts {
                points,
                gave_up: Some(format!(
                    "stopped at {at} {}: the stage's time ran out while callgrind counted it",
                    s.variable
                )),
            }),
        });
    }
    Ok(out)
}

/// Why a counting child failed: the message of the check that failed in it (a panic in the
/// implementation, with its file and line), from its events file; else, for a crash (a stack
/// overflow, an abort), the end of valgrind's output.
fn child_failure(status: std::process::ExitStatus, events: &str, stderr: &str) -> String {
    let failed = events.lines().find_map(|line| {
        let event: serde_json::Value = serde_json::from_str(line).ok()?;
        if event.get("event")?.as_str()? != "check-end" {
            return None;
        }
        let end = &event;
        if end.get("passed")?.as_bool()? {
            return None;
        }
        let message = end.get("message")?.as_str()?.to_owned();
        Some(match end.get("location").and_then(|l| l.as_str()) {
            Some(at) if !message.contains(at) => format!("{message} ({at})"),
            _ => message,
        })
    });
    if let Some(message) = failed {
        return message;
    }
    let tail: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            !l.trim_start_matches('=')
                .trim_start_matches(char::is_numeric)
                .trim_start_matches('=')
                .trim()
                .is_empty()
        })
        .rev()
        .take(8)
        .collect();
    format!(
        "the counting run under callgrind crashed ({status}):\n{}",
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    )
}

/// The instruction totals of callgrind's numbered dumps in `dir` (`callgrind.out.1`, `.2`, ...),
/// in order.
///
/// # Errors
///
/// When the directory or a dump cannot be read, or a dump has no total.
pub fn read_dumps(dir: &Path) -> Result<Vec<u64>, String> {
    let mut numbered: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let n = name.strip_prefix("callgrind.out.")?.parse().ok()?;
            Some((n, p))
        })
        .collect();
    numbered.sort();
    numbered
        .iter()
        .map(|(_, p)| {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            dump_total(&text)
                .ok_or_else(|| format!("no instruction total in callgrind dump {}", p.display()))
        })
        .collect()
}

/// The instruction total of one callgrind dump: its `summary:` line (`totals:` in older
/// versions).
pub fn dump_total(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// The CPU time a counted stage may spend counting, all series together: under the CLI's limit
/// for the stage (180 s), with room for the preparation outside the children.
pub const BUDGET: Duration = Duration::from_secs(150);

/// A series' preparation: `make(name, size)`, `None` for a name it does not know.
type Make<'m, 'a> = dyn FnMut(&str, usize) -> Option<Box<dyn Workload + 'a>> + 'm;

/// The counting child's side: runs every size of each series `request` names, each inside
/// [`kata_counted_ops`].
fn run_child(request: &Request, series: &[Series], make: &mut Make<'_, '_>) -> Result<(), String> {
    crate::heap::reserve_arena();
    for name in &request.series {
        let s = series.iter().find(|s| s.name == name).ok_or_else(|| {
            let names: Vec<&str> = series.iter().map(|s| s.name).collect();
            format!(
                "no counted series named `{name}`; the series are: {}",
                names.join(", ")
            )
        })?;
        for &size in s.sizes {
            let mut w = make(s.name, size)
                .ok_or_else(|| format!("the stage cannot prepare its own series `{name}`"))?;
            let warm = (s.ops / 4).max(1);
            for i in 0..warm {
                w.op(black_box(i));
            }
            kata_counted_ops(&mut *w, warm, s.ops);
        }
    }
    Ok(())
}

/// Grades a counted kata's complexity stage on `ctx` (see the module documentation).
///
/// `make(name, size)` prepares series `name` at `size` for the implementation under test and
/// returns its operation; `make_reference` the same for the reference, used only when valgrind
/// is missing and the stage falls back to timing. Either returns `None` for a name it does not
/// know. In a counting child ([`Ctx::counted`]) it runs the child's request instead; with
/// [`Ctx::count`] it runs one size untimed, for an outside count (`tests/yardstick.rs`).
pub fn stage<'a>(
    ctx: &mut Ctx,
    series: &[Series],
    mut make: impl FnMut(&str, usize) -> Option<Box<dyn Workload + 'a>>,
    mut make_reference: impl FnMut(&str, usize) -> Option<Box<dyn Workload + 'a>>,
) {
    stage_dyn(ctx, series, &mut make, &mut make_reference);
}

fn stage_dyn<'a>(
    ctx: &mut Ctx,
    series: &[Series],
    make: &mut Make<'_, 'a>,
    make_reference: &mut Make<'_, 'a>,
) {
    if let Some(request) = ctx.counted.clone() {
        ctx.check(&format!("count {}", request.arg()), || {
            run_child(&request, series, make)
        });
        return;
    }
    if let Some(count) = ctx.count.clone() {
        let names: Vec<&str> = series.iter().map(|s| s.name).collect();
        ctx.check(&format!("count {}", count.series), || {
            let mut w = make(&count.series, count.size).ok_or_else(|| count.unknown(&names))?;
            count.run(&mut *w);
            Ok(())
        });
        return;
    }
    let wanted: Vec<Series> = series
        .iter()
        .filter(|s| ctx.wants_series(s.name))
        .copied()
        .collect();
    // Each series once at its smallest size, in this process, before callgrind counts it in
    // another: a panic (a `todo!()`) is reported here with its file and line, and valgrind is not
    // started for code that cannot run.
    let ready = ctx.check(
        "every series runs at its smallest size, before it is counted",
        || {
            for s in &wanted {
                let mut w = make(s.name, s.sizes[0]).ok_or_else(|| {
                    format!("the stage cannot prepare its own series `{}`", s.name)
                })?;
                for i in 0..4 {
                    w.op(black_box(i));
                }
            }
            Ok(())
        },
    );
    if !ready {
        return;
    }
    let Some(relaunch) = ctx.relaunch.clone() else {
        ctx.check("count instructions under callgrind", || {
            Err("cannot count: this run has no runner to start again under callgrind".into())
        });
        return;
    };
    let counted = count(&wanted, &relaunch, Instant::now() + BUDGET);
    let order_seed = ctx.sub_seed(56);
    for (i, s) in wanted.iter().enumerate() {
        let what = format!(
            "{}: {} operations at {} to {} {}",
            s.title,
            s.ops,
            s.sizes.first().copied().unwrap_or(0),
            s.sizes.last().copied().unwrap_or(0),
            s.variable
        );
        match &counted {
            Ok(all) => {
                let mut counts = None;
                ctx.check(&what, || {
                    counts = Some(all[i].clone()?);
                    Ok(())
                });
                if let Some(counts) = counts {
                    report(ctx, s, &counts);
                }
            }
            Err(NotCounted::Failed(why)) => {
                ctx.check(&what, || Err(format!("not counted: {why}")));
            }
            Err(NotCounted::NoValgrind(why)) => {
                ctx.note(format!(
                    "{}: not counted, {why}; timed against the reference instead, which tells \
                     O(n) from O(1) but not O(log n) from O(1)",
                    s.title
                ));
                let mut timed = None;
                ctx.check(&format!("{what} (timed)"), || {
                    timed = Some(compare_complexity(
                        s.sizes,
                        order_seed,
                        |n| make(s.name, n).expect("a series of the stage"),
                        |n| make_reference(s.name, n).expect("a series of the stage"),
                    ));
                    Ok(())
                });
                if let Some(timed) = timed {
                    report_complexity(ctx, s.title, &timed);
                }
            }
        }
    }
}

/// Records what was counted for `s`: the table (counts, the expected class's curve, the fitted
/// class's), the other classes' misses as a note, and the verdict as a measurement.
pub fn report(ctx: &mut Ctx, s: &Series, counts: &Counts) {
    let points = &counts.points;
    if points.len() < 3 {
        let why = counts
            .gave_up
            .clone()
            .unwrap_or_else(|| "fewer than three sizes counted".into());
        ctx.measure(Measurement {
            name: format!("{}: instructions per operation", s.title),
            value: f64::INFINITY,
            unit: "class".into(),
            threshold: format!("grows no faster than {}; {why}", s.expected.name()),
            passed: false,
        });
        return;
    }
    let (class, fits) = classify(points);
    let expected = fits[s.expected as usize];
    let fitted = fits[class as usize];
    let rows = points
        .iter()
        .map(|&(n, c)| {
            vec![
                n.to_string(),
                format!("{c:.1}"),
                format!("{:.1}", expected.at(n as f64)),
                format!("{:.1}", fitted.at(n as f64)),
            ]
        })
        .collect();
    let expected_head = format!("{} curve", s.expected.name());
    let fitted_head = format!("fitted {} curve", class.name());
    ctx.table(
        &format!(
            "{}: instructions per operation (callgrind, {} operations per size)",
            s.title, s.ops
        ),
        &[s.variable, "instructions/op", &expected_head, &fitted_head],
        rows,
    );
    let misses: Vec<String> = fits
        .iter()
        .map(|f| format!("{} {:.0} %", f.class.name(), f.max_error * 100.0))
        .collect();
    let how = if fitted.max_error <= TOLERANCE {
        format!("fitted {}", class.name())
    } else {
        format!(
            "no class fits within {:.0} %; the closest is {}",
            TOLERANCE * 100.0,
            class.name()
        )
    };
    ctx.note(format!(
        "{}: {how} = {}; expected {} = {}; each class's best curve misses a point by at most: {} \
         (a class fits within {:.0} %; the slowest-growing class that fits is the one fitted)",
        s.title,
        fitted.formula(),
        s.expected.name(),
        expected.formula(),
        misses.join(", "),
        TOLERANCE * 100.0
    ));
    if let Some(why) = &counts.gave_up {
        ctx.note(format!("{}: {why}", s.title));
    }
    let (first, last) = (points[0], points[points.len() - 1]);
    let growth = last.1 / first.1.max(1e-12);
    let passed = class <= s.expected && counts.gave_up.is_none();
    ctx.measure(Measurement {
        name: format!(
            "{}: instructions per operation grow as {} ({:.1} at {} {}, {:.1} at {})",
            s.title,
            class.name(),
            first.1,
            first.0,
            s.variable,
            last.1,
            last.0
        ),
        value: (growth * 100.0).round() / 100.0,
        unit: "x".into(),
        threshold: format!("grows no faster than {}", s.expected.name()),
        passed,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZES: [usize; 5] = [8, 32, 128, 512, 2048];

    fn points(f: impl Fn(f64) -> f64) -> Vec<(usize, f64)> {
        SIZES.iter().map(|&n| (n, f(n as f64))).collect()
    }

    #[test]
    fn each_class_is_recognised_from_its_own_curve() {
        let cases: [(Class, &dyn Fn(f64) -> f64); 5] = [
            (Class::Constant, &|_| 40.0),
            (Class::Log, &|n| 40.0 + 6.0 * n.log2()),
            (Class::Linear, &|n| 40.0 + 3.0 * n),
            (Class::LinLog, &|n| 40.0 + 3.0 * n * n.log2()),
            (Class::Quadratic, &|n| 40.0 + 0.5 * n * n),
        ];
        for (class, f) in cases {
            let (got, fits) = classify(&points(f));
            assert_eq!(got, class, "{fits:?}");
            assert!(fits[class as usize].max_error < 1e-6, "{fits:?}");
        }
    }

    #[test]
    fn noise_of_a_few_percent_keeps_a_constant_constant() {
        let wobble = [1.0, 1.06, 0.95, 1.04, 0.97];
        let p: Vec<_> = SIZES
            .iter()
            .zip(wobble)
            .map(|(&n, w)| (n, 100.0 * w))
            .collect();
        assert_eq!(classify(&p).0, Class::Constant);
    }

    #[test]
    fn a_binary_search_is_not_constant_and_a_scan_is_not_logarithmic() {
        // A hash of ~40 instructions plus a binary search over 160 points per node.
        let search = points(|n| 40.0 + 7.0 * (160.0 * n).log2());
        assert_eq!(classify(&search).0, Class::Log);
        // The same hash plus a scan of the points.
        let scan = points(|n| 40.0 + 2.0 * 160.0 * n);
        assert_eq!(classify(&scan).0, Class::Linear);
    }

    #[test]
    fn a_costly_hash_does_not_hide_a_binary_search_nor_a_cheap_compare_a_sort() {
        let search = points(|n| 100.0 + 7.0 * (160.0 * n).log2());
        assert_eq!(classify(&search).0, Class::Log);
        let sort = points(|n| 100.0 + 20.0 * n + 3.0 * n * n.log2());
        assert!(classify(&sort).0 > Class::Linear);
    }

    #[test]
    fn falling_counts_are_constant() {
        assert_eq!(classify(&points(|n| 400.0 / n.log2())).0, Class::Constant);
    }

    #[test]
    fn formulas_read_as_written() {
        let f = fit(Class::Log, &points(|n| 52.1 + 6.3 * n.log2()));
        assert_eq!(f.formula(), "52.1 + 6.30·log2 n");
        assert_eq!(fit(Class::Constant, &points(|_| 7.0)).formula(), "7.00");
    }

    #[test]
    fn requests_round_trip_and_bad_ones_are_refused() {
        let r = Request::parse("ring,jump").expect("valid");
        assert_eq!(r.series, vec!["ring".to_owned(), "jump".to_owned()]);
        assert_eq!(Request::parse(&r.arg()), Ok(r));
        for bad in ["", "ring,", ",ring", "ring,,jump"] {
            assert!(Request::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dump_totals_are_read_from_either_spelling() {
        assert_eq!(dump_total("events: Ir\nsummary: 1234\n"), Some(1234));
        assert_eq!(dump_total("totals: 99 1\n"), Some(99));
        assert_eq!(dump_total("events: Ir\n"), None);
    }
}
