//! Stage 4 of `count-min-sketch`: what a few kilobytes buy, measured.
//!
//! Three streams of N = 1 000 000 adds (count 1) over 100 000 items: Zipf with s = 0.8, Zipf with
//! s = 1.2 (a few items take most of the stream) and uniform. Each goes into sketches sized for
//! ε = 0.001 and δ = 0.01 (width ⌈e/ε⌉ = 2 719, depth ⌈ln(1/δ)⌉ = 5), and every item's estimate
//! is compared with its true count:
//!
//! - the share of items whose error is at most εN = 1 000, beside the guarantee (at least
//!   1 − δ = 99 %), checked for both updates on every stream;
//! - the mean and the worst error, plain beside conservative. The plain sketch's mean error must
//!   stay at or below N / width (the expected error of one row: the min over the rows can only
//!   be lower), and on the Zipf streams the conservative sketch's mean error must be well below
//!   the plain one's: the reason it is the default in practice;
//! - the top 20 by `TopK` over each sketch and by `SpaceSaving` given the sketch's memory,
//!   precision and recall against the exact top 20 (items tied with the 20th count count as in
//!   it), checked on Zipf 1.2 and Zipf 0.8 and only printed for the uniform stream, which has no
//!   heavy hitters to find;
//! - memory: the sketches' heap bytes (measured with the counting allocator) beside an exact
//!   `HashMap<u64, u64>` of the same counts; a sketch must hold little more than its counters,
//!   and a `TopK` little more than its sketch: `k` candidates, not every item it has seen.

use std::collections::HashMap;
use std::time::Duration;

use kata_core::count_min_sketch::{
    ConcurrentSketch, HeavyHitters, Sketch, SpaceSavingTracker, TopKTracker,
};

use super::CountMinSketchFamily;
use crate::measure::{thread_time, SplitMix64, Zipf};
use crate::report::Measurement;
use crate::Ctx;

/// Adds in a stream.
pub const N: u64 = 1_000_000;
/// Items a stream draws from.
pub const ITEMS: usize = 100_000;
/// The sketches' ε.
pub const EPSILON: f64 = 0.001;
/// The sketches' δ.
pub const DELTA: f64 = 0.01;
/// The heavy hitters asked for.
pub const K: usize = 20;
/// Bytes a `SpaceSaving` entry is taken to cost when it is given the sketch's memory: the item
/// (a `u32`, 8 with padding), its count (8) and its place in whatever structure orders them (8).
pub const ENTRY_BYTES: usize = 24;
/// On the Zipf streams, the conservative sketch's mean error must be at most this share of the
/// plain one's.
pub const CONSERVATIVE_RATIO: f64 = 0.75;
/// Precision and recall of the top 20 on Zipf 1.2 must reach this.
pub const TOP_K_ZIPF_12: f64 = 0.9;
/// Precision and recall of the top 20 on Zipf 0.8 must reach this.
pub const TOP_K_ZIPF_08: f64 = 0.8;
/// The CPU time a tracker may take for one stream (the reference's take about 0.05 s): a
/// tracker that costs O(items) per add would take minutes, and is stopped with a message.
pub const TRACKER_BUDGET: Duration = Duration::from_secs(5);
/// Adds between two looks at the time a tracker has taken.
const CHUNK: usize = 10_000;
/// Heap bytes allowed beyond the counters: 10 %, plus 4 KiB.
pub const MEMORY_SLACK: (f64, usize) = (1.1, 4096);
/// Heap bytes a `TopK` may hold beyond its sketch's: this much per candidate, plus
/// [`TRACKER_SLACK`]. Measured per candidate on the zipf 0.8 stream, k = 20 and 100: the
/// reference holds about 55 bytes with `u32` or `u64` items and 115 with 30-byte `String`s; an
/// ordered set beside a map, which holds each item twice, about 65 and 235.
pub const CANDIDATE_BYTES: usize = 256;
/// Heap bytes a `TopK` may hold beyond its sketch's and its candidates'.
pub const TRACKER_SLACK: usize = 4096;

/// The streams: a name and a Zipf exponent (`None`: uniform).
pub const STREAMS: [(&str, Option<f64>); 3] = [
    ("zipf 0.8", Some(0.8)),
    ("zipf 1.2", Some(1.2)),
    ("uniform", None),
];

/// The width and depth the sketches must have.
fn shape() -> (usize, usize) {
    super::model::shape_for_error(EPSILON, DELTA).expect("a valid sizing")
}

/// The inverse of `a` (odd) modulo 2^32, by Newton's iteration.
const fn inverse(a: u32) -> u32 {
    let mut x = a;
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u32.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// The popularity rank of a key [`Zipf::key`] made.
fn rank_of(key: u32) -> usize {
    const INVERSE: u32 = inverse(0x9E37_79B1);
    key.wrapping_mul(INVERSE) as usize
}

/// One stream: its keys in order and every item's true count, by rank.
struct Stream {
    name: &'static str,
    keys: Vec<u32>,
    truth: Vec<u64>,
}

impl Stream {
    fn new(name: &'static str, zipf: Option<f64>, seed: u64) -> Stream {
        let mut rng = SplitMix64::new(seed);
        let keys: Vec<u32> = match zipf {
            Some(s) => {
                let z = Zipf::new(ITEMS, s);
                (0..N).map(|_| z.sample(&mut rng)).collect()
            }
            None => (0..N)
                .map(|_| Zipf::key(rng.below(ITEMS as u64) as usize))
                .collect(),
        };
        let mut truth = vec![0u64; ITEMS];
        for &k in &keys {
            truth[rank_of(k)] += 1;
        }
        Stream { name, keys, truth }
    }

    /// Items with a count above 0.
    fn seen(&self) -> usize {
        self.truth.iter().filter(|&&t| t > 0).count()
    }

    /// The exact top [`K`], items tied with the K-th count included.
    fn top(&self) -> HashMap<u32, u64> {
        let mut counts: Vec<u64> = self.truth.clone();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let kth = counts[K - 1];
        self.truth
            .iter()
            .enumerate()
            .filter(|(_, &t)| t >= kth && t > 0)
            .map(|(r, &t)| (Zipf::key(r), t))
            .collect()
    }
}

/// A sketch's errors on a stream.
#[derive(Debug, Clone, Copy)]
struct Errors {
    seen: usize,
    within: usize,
    mean: f64,
    p99: u64,
    worst: u64,
    bytes: isize,
}

impl Errors {
    fn share(&self) -> f64 {
        self.within as f64 / self.seen.max(1) as f64
    }
}

/// Every item's error of the sketch behind `estimate` on `stream`.
fn errors(
    stream: &Stream,
    name: &str,
    bytes: isize,
    estimate: impl Fn(u32) -> u64,
) -> Result<Errors, String> {
    let bound = (EPSILON * N as f64) as u64;
    let (mut seen, mut within, mut sum, mut worst) = (0usize, 0usize, 0u64, 0u64);
    let mut all = Vec::with_capacity(stream.truth.len());
    for (rank, &t) in stream.truth.iter().enumerate() {
        if t == 0 {
            continue;
        }
        let key = Zipf::key(rank);
        let est = estimate(key);
        if est < t {
            return Err(format!(
                "{name}, {} stream: estimate(&{key}u32) is {est}, below its true count {t}: an \
                 estimate must never be below the truth",
                stream.name
            ));
        }
        let e = est - t;
        all.push(e);
        seen += 1;
        within += usize::from(e <= bound);
        sum += e;
        worst = worst.max(e);
    }
    let p99 = if all.is_empty() {
        0
    } else {
        let at = (all.len() * 99 / 100).min(all.len() - 1);
        *all.select_nth_unstable(at).1
    };
    Ok(Errors {
        seen,
        within,
        mean: sum as f64 / seen.max(1) as f64,
        p99,
        worst,
        bytes,
    })
}

/// `S` sized for ε and δ, fed `stream`: its errors and heap bytes.
fn sketch_errors<S: Sketch>(stream: &Stream, name: &str) -> Result<Errors, String> {
    let (sketch, bytes) = crate::heap::measure(|| -> Result<S, String> {
        let mut s = S::with_error(EPSILON, DELTA)
            .map_err(|e| format!("{name}::with_error({EPSILON}, {DELTA}) failed: {e}"))?;
        for k in &stream.keys {
            s.add(k, 1);
        }
        Ok(s)
    });
    let sketch = sketch?;
    if sketch.total() != N {
        return Err(format!(
            "{name}, {} stream: total() is {}, expected {N}",
            stream.name,
            sketch.total()
        ));
    }
    errors(stream, name, bytes, |k| sketch.estimate(&k))
}

/// What a heavy-hitters tracker found.
#[derive(Debug, Clone, Copy)]
struct Found {
    precision: f64,
    recall: f64,
    bytes: isize,
}

impl Found {
    fn worse(&self) -> f64 {
        self.precision.min(self.recall)
    }
}

/// `tracker` fed `stream`, its top k against the exact one.
fn found<H: HeavyHitters<u32>>(
    stream: &Stream,
    name: &str,
    make: impl FnOnce() -> Result<H, String>,
) -> Result<Found, String> {
    let (tracker, bytes) = crate::heap::measure(|| -> Result<H, String> {
        let mut t = make()?;
        let start = thread_time();
        for (chunk, keys) in stream.keys.chunks(CHUNK).enumerate() {
            for k in keys {
                t.add(k, 1);
            }
            let spent = thread_time().saturating_sub(start);
            if spent > TRACKER_BUDGET {
                let done = (chunk + 1) * CHUNK;
                return Err(format!(
                    "{name}, {} stream: the first {} adds took {:.1} s of CPU time ({:.1} µs per \
                     add; the reference's take about 0.05 µs), so the other {} were not made. An \
                     add must not grow with the number of items seen: TopK keeps at most k \
                     candidates (a min-heap and a map, O(depth + log k) per add), SpaceSaving \
                     finds its smallest count in an indexed min-heap (O(log counters)). The \
                     complexity stage times it",
                    stream.name,
                    group(done as u64),
                    spent.as_secs_f64(),
                    spent.as_secs_f64() * 1e6 / done as f64,
                    group(N - done as u64)
                ));
            }
        }
        Ok(t)
    });
    let tracker = tracker?;
    let top = tracker.top_k();
    if top.len() != K {
        return Err(format!(
            "{name}, {} stream: top_k() returned {} items, expected {K} (k = {K}, and the stream \
             has {} distinct items)",
            stream.name,
            top.len(),
            stream.seen()
        ));
    }
    let exact = stream.top();
    let hits = top.iter().filter(|(k, _)| exact.contains_key(k)).count();
    Ok(Found {
        precision: hits as f64 / top.len() as f64,
        recall: (hits as f64 / K as f64).min(1.0),
        bytes,
    })
}

/// Everything measured on one stream.
struct Measured {
    plain: Errors,
    conservative: Errors,
    top_plain: Found,
    top_conservative: Found,
    space_saving: Found,
    exact_bytes: isize,
}

/// `n` with a space between groups of three digits.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage.
fn pct(x: f64) -> String {
    format!("{:.2} %", 100.0 * x)
}

/// A share as a whole percentage.
fn pct0(x: f64) -> String {
    format!("{:.0} %", 100.0 * x)
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: CountMinSketchFamily>(ctx: &mut Ctx) {
    let (width, depth) = shape();
    let counter_bytes = width * depth * 8;
    let counters = counter_bytes / ENTRY_BYTES;
    let counting = crate::heap::installed();
    ctx.note(format!(
        "Three streams of N = {} adds (count 1) over {} items: Zipf s = 0.8, Zipf s = 1.2 and \
         uniform. Sketches sized for ε = {EPSILON}, δ = {DELTA}: width ⌈e/ε⌉ = {}, depth \
         ⌈ln(1/δ)⌉ = {depth}, {} counters of 8 bytes = {} bytes. The guarantee: each estimate \
         is at least the true count, and above it by at most εN = {} with probability at least \
         1 − δ = {} %.",
        group(N),
        group(ITEMS as u64),
        group(width as u64),
        group((width * depth) as u64),
        group(counter_bytes as u64),
        group((EPSILON * N as f64) as u64),
        100.0 * (1.0 - DELTA),
    ));
    let mut measured: Vec<Option<Measured>> = Vec::new();
    let mut atomic_bytes = None;
    for (i, (name, zipf)) in STREAMS.into_iter().enumerate() {
        let stream = Stream::new(name, zipf, ctx.sub_seed(40 + i as u64));
        let mut plain = None;
        let mut conservative = None;
        let mut trackers = None;
        ctx.check(
            &format!(
                "CountMinSketch, {name}: every item's estimate after {} adds",
                group(N)
            ),
            || {
                plain = Some(sketch_errors::<F::Plain>(&stream, "CountMinSketch")?);
                Ok(())
            },
        );
        ctx.check(
            &format!(
                "ConservativeCountMinSketch, {name}: every item's estimate after {} adds",
                group(N)
            ),
            || {
                conservative = Some(sketch_errors::<F::Conservative>(
                    &stream,
                    "ConservativeCountMinSketch",
                )?);
                Ok(())
            },
        );
        ctx.check(
            &format!(
                "heavy hitters, {name}: the top {K} by TopK over each sketch and by SpaceSaving \
                 with {counters} counters"
            ),
            || {
                let sized = |what: &str| format!("{what}::with_error({EPSILON}, {DELTA}) failed");
                let top_plain = found(&stream, "TopK over CountMinSketch", || {
                    let s = F::Plain::with_error(EPSILON, DELTA)
                        .map_err(|e| format!("{}: {e}", sized("CountMinSketch")))?;
                    F::TopK::<u32, F::Plain>::new(K, s)
                        .map_err(|e| format!("TopK::new({K}, CountMinSketch) failed: {e}"))
                })?;
                let top_conservative =
                    found(&stream, "TopK over ConservativeCountMinSketch", || {
                        let s = F::Conservative::with_error(EPSILON, DELTA)
                            .map_err(|e| format!("{}: {e}", sized("ConservativeCountMinSketch")))?;
                        F::TopK::<u32, F::Conservative>::new(K, s).map_err(|e| {
                            format!("TopK::new({K}, ConservativeCountMinSketch) failed: {e}")
                        })
                    })?;
                let space_saving = found(&stream, "SpaceSaving", || {
                    F::SpaceSaving::<u32>::new(K, counters)
                        .map_err(|e| format!("SpaceSaving::new({K}, {counters}) failed: {e}"))
                })?;
                trackers = Some((top_plain, top_conservative, space_saving));
                Ok(())
            },
        );
        if i == 0 && counting {
            ctx.check(
                &format!(
                    "AtomicCountMinSketch, {name}: heap bytes after {} adds",
                    group(N)
                ),
                || {
                    atomic_bytes = Some(atomic_memory::<F::Atomic>(&stream)?);
                    Ok(())
                },
            );
        }
        let (_, exact_bytes) = crate::heap::measure(|| {
            let mut m: HashMap<u64, u64> = HashMap::new();
            for &k in &stream.keys {
                *m.entry(u64::from(k)).or_insert(0) += 1;
            }
            m
        });
        measured.push(match (plain, conservative, trackers) {
            (Some(plain), Some(conservative), Some((tp, tc, ss))) => Some(Measured {
                plain,
                conservative,
                top_plain: tp,
                top_conservative: tc,
                space_saving: ss,
                exact_bytes,
            }),
            _ => None,
        });
    }
    let all: Vec<&Measured> = measured.iter().flatten().collect();
    if all.len() != STREAMS.len() {
        return;
    }
    error_table(ctx, &all, width);
    top_k_table(ctx, &all, counters, counter_bytes);
    if counting {
        memory(ctx, &all, atomic_bytes, counter_bytes);
    } else {
        ctx.note(
            "Memory not measured: this process does not count heap bytes (the counting \
             allocator, kata_suites::heap, is installed by the runners only).",
        );
    }
    lesson(ctx, &all, counter_bytes, counters);
}

/// The heap bytes of `A` sized for ε and δ after `stream`.
fn atomic_memory<A: ConcurrentSketch>(stream: &Stream) -> Result<isize, String> {
    let (sketch, bytes) = crate::heap::measure(|| -> Result<A, String> {
        let s = A::with_error(EPSILON, DELTA).map_err(|e| {
            format!("AtomicCountMinSketch::with_error({EPSILON}, {DELTA}) failed: {e}")
        })?;
        for k in &stream.keys {
            s.add(k, 1);
        }
        Ok(s)
    });
    let sketch = sketch?;
    if sketch.total() != N {
        return Err(format!(
            "AtomicCountMinSketch, {} stream: total() is {}, expected {N}",
            stream.name,
            sketch.total()
        ));
    }
    Ok(bytes)
}

/// The errors table and its checks.
fn error_table(ctx: &mut Ctx, all: &[&Measured], width: usize) {
    let bound = EPSILON * N as f64;
    let per_row = N as f64 / width as f64;
    let mut rows = Vec::new();
    for ((name, _), m) in STREAMS.iter().zip(all) {
        for (update, e) in [("plain", &m.plain), ("conservative", &m.conservative)] {
            let mean = if update == "conservative" {
                format!(
                    "{:.1} ({:.2} x plain)",
                    e.mean,
                    e.mean / m.plain.mean.max(f64::MIN_POSITIVE)
                )
            } else {
                format!("{:.1}", e.mean)
            };
            rows.push(vec![
                (*name).to_string(),
                update.to_string(),
                group(e.seen as u64),
                pct(e.share()),
                format!("≥ {:.0} %", 100.0 * (1.0 - DELTA)),
                mean,
                format!("{per_row:.1}"),
                group(e.p99),
                group(e.worst),
                group(bound as u64),
            ]);
        }
    }
    ctx.table(
        &format!(
            "estimate errors (estimate − true count) of every item seen, N = {}, ε = {EPSILON}, \
             δ = {DELTA}",
            group(N)
        ),
        &[
            "stream",
            "update",
            "items seen",
            "error ≤ εN",
            "guarantee (1 − δ)",
            "mean error",
            "N / width",
            "99th percentile",
            "worst error",
            "εN",
        ],
        rows,
    );
    for ((name, zipf), m) in STREAMS.iter().zip(all) {
        for (sketch, e) in [
            ("CountMinSketch", &m.plain),
            ("ConservativeCountMinSketch", &m.conservative),
        ] {
            ctx.measure(Measurement {
                name: format!(
                    "{sketch}, {name}: items with an error ≤ εN = {}",
                    group(bound as u64)
                ),
                value: (e.share() * 10_000.0).round() / 100.0,
                unit: "% of the items seen".into(),
                threshold: format!("≥ {:.0} % = 1 − δ, the guarantee", 100.0 * (1.0 - DELTA)),
                passed: e.share() >= 1.0 - DELTA,
            });
        }
        ctx.measure(Measurement {
            name: format!("CountMinSketch, {name}: error per item"),
            value: (m.plain.mean * 10.0).round() / 10.0,
            unit: "on average".into(),
            threshold: format!(
                "≤ N / width = {per_row:.1}, one row's expected error: the smallest of the rows \
                 is below it"
            ),
            passed: m.plain.mean <= per_row,
        });
        if zipf.is_some() {
            let ratio = m.conservative.mean / m.plain.mean.max(f64::MIN_POSITIVE);
            ctx.measure(Measurement {
                name: format!(
                    "{name}: the conservative sketch's mean error ({:.1}) against the plain \
                     one's ({:.1})",
                    m.conservative.mean, m.plain.mean
                ),
                value: (ratio * 1000.0).round() / 1000.0,
                unit: "times".into(),
                threshold: format!(
                    "≤ {CONSERVATIVE_RATIO} times: conservative update raises a counter only as \
                     far as the item's own estimate needs"
                ),
                passed: ratio <= CONSERVATIVE_RATIO,
            });
        }
    }
}

/// The heavy hitters table and its checks.
fn top_k_table(ctx: &mut Ctx, all: &[&Measured], counters: usize, counter_bytes: usize) {
    let mut rows = Vec::new();
    let trackers = |m: &Measured| {
        [
            ("TopK over CountMinSketch", m.top_plain),
            ("TopK over ConservativeCountMinSketch", m.top_conservative),
            ("SpaceSaving", m.space_saving),
        ]
    };
    for ((name, _), m) in STREAMS.iter().zip(all) {
        for (tracker, f) in trackers(m) {
            rows.push(vec![
                (*name).to_string(),
                tracker.to_string(),
                if f.bytes > 0 {
                    group(f.bytes as u64)
                } else {
                    "-".to_string()
                },
                pct0(f.precision),
                pct0(f.recall),
            ]);
        }
    }
    ctx.table(
        &format!(
            "the top {K}: precision and recall against the exact top {K} (ties with the {K}th \
             count count as in); SpaceSaving gets the sketch's {} bytes as {counters} entries of \
             {ENTRY_BYTES} bytes (the item, its count and its place, 8 each)",
            group(counter_bytes as u64)
        ),
        &["stream", "tracker", "heap bytes", "precision", "recall"],
        rows,
    );
    for ((name, _), m) in STREAMS.iter().zip(all) {
        let threshold = match *name {
            "zipf 1.2" => TOP_K_ZIPF_12,
            "zipf 0.8" => TOP_K_ZIPF_08,
            _ => continue,
        };
        for (tracker, f) in trackers(m) {
            ctx.measure(Measurement {
                name: format!(
                    "{tracker}, {name}: top {K}, the smaller of precision ({}) and recall ({})",
                    pct0(f.precision),
                    pct0(f.recall)
                ),
                value: (f.worse() * 100.0).round(),
                unit: "%".into(),
                threshold: format!("≥ {}", pct0(threshold)),
                passed: f.worse() >= threshold,
            });
        }
    }
}

/// The memory table and its checks.
fn memory(ctx: &mut Ctx, all: &[&Measured], atomic: Option<isize>, counter_bytes: usize) {
    let m = all[0];
    let limit = MEMORY_SLACK.0 * counter_bytes as f64 + MEMORY_SLACK.1 as f64;
    let seen = m.plain.seen as f64;
    let row = |what: &str, bytes: isize| {
        vec![
            what.to_string(),
            group(bytes.max(0) as u64),
            format!("{:.2}", bytes as f64 / seen),
        ]
    };
    let mut rows = vec![
        row("CountMinSketch", m.plain.bytes),
        row("ConservativeCountMinSketch", m.conservative.bytes),
    ];
    if let Some(a) = atomic {
        rows.push(row("AtomicCountMinSketch", a));
    }
    rows.push(row(
        &format!("TopK over CountMinSketch (k = {K})"),
        m.top_plain.bytes,
    ));
    rows.push(row(
        &format!("TopK over ConservativeCountMinSketch (k = {K})"),
        m.top_conservative.bytes,
    ));
    rows.push(row("SpaceSaving", m.space_saving.bytes));
    rows.push(row("exact HashMap<u64, u64>", m.exact_bytes));
    ctx.table(
        &format!(
            "heap bytes after the zipf 0.8 stream ({} distinct items): the sketch's counters are \
             {} bytes whatever the stream",
            group(m.plain.seen as u64),
            group(counter_bytes as u64)
        ),
        &["structure", "heap bytes", "bytes per item seen"],
        rows,
    );
    let mut sketches = vec![
        ("CountMinSketch", m.plain.bytes),
        ("ConservativeCountMinSketch", m.conservative.bytes),
    ];
    if let Some(a) = atomic {
        sketches.push(("AtomicCountMinSketch", a));
    }
    for (name, bytes) in sketches {
        ctx.measure(Measurement {
            name: format!("{name}: heap bytes after the zipf 0.8 stream"),
            value: bytes as f64,
            unit: "bytes".into(),
            threshold: format!(
                "≤ {} = {} × the {} bytes of counters + {}: nothing may grow with the items",
                group(limit as u64),
                MEMORY_SLACK.0,
                group(counter_bytes as u64),
                group(MEMORY_SLACK.1 as u64)
            ),
            passed: (bytes as f64) <= limit,
        });
    }
    for (name, sketch, tracker) in [
        ("CountMinSketch", m.plain.bytes, m.top_plain.bytes),
        (
            "ConservativeCountMinSketch",
            m.conservative.bytes,
            m.top_conservative.bytes,
        ),
    ] {
        let limit = sketch.max(0) as usize + K * CANDIDATE_BYTES + TRACKER_SLACK;
        ctx.measure(Measurement {
            name: format!("TopK over {name} (k = {K}): heap bytes after the zipf 0.8 stream"),
            value: tracker as f64,
            unit: "bytes".into(),
            threshold: format!(
                "≤ {} = the sketch's {} + {K} × {CANDIDATE_BYTES} + {}: a tracker keeps its \
                 sketch and k candidates, not every item it has seen",
                group(limit as u64),
                group(sketch.max(0) as u64),
                group(TRACKER_SLACK as u64)
            ),
            passed: tracker <= limit as isize,
        });
    }
}

/// The lowest and highest precision of the three trackers on one stream.
fn span(m: &Measured) -> String {
    let p = [m.top_plain, m.top_conservative, m.space_saving].map(|f| f.precision);
    let lo = p.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = p.iter().copied().fold(0.0, f64::max);
    if (hi - lo).abs() < 1e-9 {
        pct0(lo)
    } else {
        format!("{} to {}", pct0(lo), pct0(hi))
    }
}

/// What the tables show, in a sentence or two.
fn lesson(ctx: &mut Ctx, all: &[&Measured], counter_bytes: usize, counters: usize) {
    let z = all[1];
    let u = all[2];
    let exact = all[0].exact_bytes;
    let ss = all[0].space_saving.bytes;
    let memory = if exact > 0 {
        format!(
            " An exact HashMap of the zipf 0.8 counts held {} bytes, {:.0} times the sketch's {}; \
             SpaceSaving's {counters} entries held {} bytes, {:.0} each where the items and \
             counts alone take {ENTRY_BYTES}.",
            group(exact as u64),
            exact as f64 / counter_bytes as f64,
            group(counter_bytes as u64),
            group(ss.max(0) as u64),
            ss as f64 / counters as f64,
        )
    } else {
        String::new()
    };
    ctx.note(format!(
        "What this shows: on zipf 1.2 conservative update cut the mean error from {:.1} to {:.1} \
         ({:.1} times smaller) and the worst from {} to {}; on the uniform stream, where no \
         counter holds a heavy item, from {:.1} to {:.1}. The trackers found the top {K} of \
         zipf 1.2 with precision {}; the uniform stream has no heavy hitters, and what they \
         report there is noise (precision {}).{memory}",
        z.plain.mean,
        z.conservative.mean,
        z.plain.mean / z.conservative.mean.max(f64::MIN_POSITIVE),
        group(z.plain.worst),
        group(z.conservative.worst),
        u.plain.mean,
        u.conservative.mean,
        span(z),
        span(u),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_invert_keys() {
        for r in [0usize, 1, 2, 99_999, 12_345] {
            assert_eq!(rank_of(Zipf::key(r)), r);
        }
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000), "1 000");
        assert_eq!(group(1_000_000), "1 000 000");
        assert_eq!(group(108_760), "108 760");
    }
}
