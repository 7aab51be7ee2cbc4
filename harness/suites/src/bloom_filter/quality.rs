//! Stage 4 of `bloom-filter`: what a few bits per item buy, measured against the formulas.
//!
//! Each of the three filters is sized for [`ITEMS`] items at each rate of [`RATES`] and fed
//! [`ITEMS`] sequential u64 keys (a hash that does not mix shows at once), from an offset the
//! stage's seed picks ([`Keys`]), so that another seed is another input. First, a few thousand
//! operations are timed, and a filter whose operations cost O(m) enough to take the stage past
//! [`BUDGET`] is stopped there, with the figures (its own check, so that no other check's title
//! is what fails). Then:
//!
//! - every inserted key must be found (no false negative, ever);
//! - [`ABSENT`] keys never inserted (sequential too, from another offset) are looked up, and the
//!   share found is the measured false-positive rate, printed beside the target and beside the
//!   formula for the filter's own `m` and `k` ([`super::formulas`]: `(1 − e^(−kn/m))^k` for the
//!   standard layout, the Poisson mixture over the blocks' loads for the blocked one). It must
//!   fall within [`rate_bounds`]: at most 15 % over the formula, at least 75 % of it, give or take
//!   4 standard deviations of the measurement;
//! - the heap the filter holds is measured ([`crate::heap`]) and printed as bits per item beside
//!   the information-theoretic bound `log2(1/p)` (a Bloom filter costs about 1.44 times it), and
//!   beside an exact `HashSet<u64>` of the same keys. A filter must hold its `m` bits and little
//!   more: between `m` and `1.05 m + 4096` bits (a `Vec<bool>`, 8 bits per bit, fails);
//! - the blocked layout's rate over the standard one's, at each rate: the price of one cache
//!   line per lookup.
//!
//! Then a standard filter sized for `ITEMS` at 1 % is filled past its design, to [`FILLS`] times
//! `ITEMS`: its measured rate at each point, beside the formula, as a curve, and
//! `estimated_items` against the truth up to twice the design. The closing note states the
//! lesson from the formulas, and quotes this filter's measurements beside it only where they
//! passed their checks.

use std::collections::HashSet;
use std::ops::Range;
use std::time::Duration;

use super::formulas::{blocked_rate, optimal_bits, optimal_hashes, rate_bounds, standard_rate};
use super::subject::{rated, Atomic, Blocked, Kind, Standard, Subject};
use super::BloomFilterFamily;
use crate::check::sub_seed;
use crate::measure::thread_time;
use crate::report::Measurement;
use crate::Ctx;

/// Items inserted in every filter of the stage.
pub const ITEMS: u64 = 100_000;

/// Absent keys looked up to measure each false-positive rate.
pub const ABSENT: u64 = 1_000_000;

/// The target rates: 10 %, 1 %, 0.1 %.
pub const RATES: [f64; 3] = [0.1, 0.01, 0.001];

/// How full the overfilled filter gets, as `(numerator, denominator)` of [`ITEMS`].
pub const FILLS: [(u64, u64); 6] = [(1, 2), (1, 1), (3, 2), (2, 1), (3, 1), (4, 1)];

/// The most `estimated_items` may be off the truth, relative, up to twice the design.
pub const ESTIMATE_TOLERANCE: f64 = 0.05;

/// The most heap a filter may hold for its `m` bits: `1.05 m + 4096` bits.
pub const HEAP_FACTOR: f64 = 1.05;
/// See [`HEAP_FACTOR`].
pub const HEAP_SLACK_BITS: f64 = 4096.0;

/// The most keys inserted into one filter: the overfill curve's last point.
pub const MOST: u64 = ITEMS * FILLS[FILLS.len() - 1].0 / FILLS[FILLS.len() - 1].1;

/// Where the stage's keys start: sequential u64s (what real keys often look like, and what shows
/// a hash that does not mix them) from offsets drawn from the stage's seed, so that a fresh seed
/// is a fresh input. Every filter is fed `inserted..inserted + n`; the absent keys are
/// `absent..absent + ABSENT`, above every key inserted, up to [`MOST`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    /// The first key inserted.
    pub inserted: u64,
    /// The first absent key looked up.
    pub absent: u64,
}

impl Keys {
    /// The offsets for the stage's `seed`: each below 2^33 (ten digits at most, readable in a
    /// message), the absent keys past the inserted ones.
    pub fn from_seed(seed: u64) -> Keys {
        let inserted = sub_seed(seed, 41) >> 32;
        let absent = inserted + MOST + (sub_seed(seed, 42) >> 32);
        Keys { inserted, absent }
    }

    /// The first `n` keys inserted.
    pub fn inserted(self, n: u64) -> Range<u64> {
        self.inserted..self.inserted + n
    }

    /// The [`ABSENT`] keys looked up.
    pub fn absent(self) -> Range<u64> {
        self.absent..self.absent + ABSENT
    }
}

/// The most CPU time the stage may be projected to spend on one type's filters: far above what
/// any filter whose operations cost O(k) needs (the reference spends well under a second on all
/// three), far below the stage's time limit. A filter whose insert or lookup scans its words
/// (O(m)) may stay under it or not: a popcount of every word after each insert costs 13 µs an
/// insert on the 1.4 M-bit filter (measured), seconds for the stage, and is left to the
/// complexity stage; a scan bit by bit costs about a hundred times that, and is stopped here,
/// with the figures.
pub const BUDGET: Duration = Duration::from_secs(40);

/// Operations timed to project the stage's cost.
const SAMPLE: u64 = 2_000;

/// Inserts and lookups the stage makes on one type's filters: three filters of [`ITEMS`], each
/// checked for false negatives and asked [`ABSENT`] absent keys; for the standard type, the
/// overfill curve too.
fn work(kind: Kind) -> (u64, u64) {
    let filters = RATES.len() as u64;
    let (inserts, lookups) = (filters * ITEMS, filters * (ITEMS + ABSENT));
    if kind != Kind::Standard {
        return (inserts, lookups);
    }
    (inserts + MOST, lookups + FILLS.len() as u64 * ABSENT + MOST)
}

/// Times [`SAMPLE`] inserts and lookups on the largest filter of the stage, and refuses to go on
/// when the stage's work at that pace would take longer than [`BUDGET`].
fn affordable<S: Subject>() -> Result<(), String> {
    let name = S::KIND.type_name();
    let rate = RATES[RATES.len() - 1];
    let mut f = rated::<S>(ITEMS, rate)?;
    let start = thread_time();
    for i in 0..SAMPLE {
        f.insert(&(u64::MAX - i));
    }
    let insert = (thread_time() - start).as_secs_f64() / SAMPLE as f64;
    let start = thread_time();
    let mut found = 0u64;
    for i in 0..2 * SAMPLE {
        found += u64::from(f.contains(&(u64::MAX - i)));
    }
    std::hint::black_box(found);
    let lookup = (thread_time() - start).as_secs_f64() / (2 * SAMPLE) as f64;
    let (inserts, lookups) = work(S::KIND);
    let projected = insert * inserts as f64 + lookup * lookups as f64;
    if projected <= BUDGET.as_secs_f64() {
        return Ok(());
    }
    Err(format!(
        "{name}::with_rate({ITEMS}, {rate}) (m = {} bits): an insert takes {:.2} µs and a lookup \
         {:.2} µs (timed over {SAMPLE} of each), so this stage's {inserts} inserts and {lookups} \
         lookups would take {projected:.0} s of CPU time; stopped here. Each operation must cost \
         O(k), tens of nanoseconds whatever m: look for a scan of the words in insert or \
         contains (counting the bits set, checking whether the filter is empty). The complexity \
         stage measures how the cost grows with m.",
        f.bits(),
        insert * 1e6,
        lookup * 1e6
    ))
}

/// What one filter measured at one rate.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Which filter.
    pub kind: Kind,
    /// The target rate it was sized for.
    pub rate: f64,
    /// Its `bits()`.
    pub m: u64,
    /// Its `hashes()`.
    pub k: u32,
    /// Heap bytes it held after the inserts; `None` when not measured.
    pub heap: Option<i64>,
    /// Absent keys it claimed.
    pub false_positives: u64,
}

impl Figures {
    /// The measured false-positive rate.
    pub fn measured(&self) -> f64 {
        self.false_positives as f64 / ABSENT as f64
    }

    /// The formula's rate for this filter's own `m` and `k`.
    pub fn formula(&self) -> f64 {
        match self.kind {
            Kind::Blocked => blocked_rate(self.m, self.k, ITEMS),
            _ => standard_rate(self.m, self.k, ITEMS),
        }
    }

    /// Whether the measured rate is within [`rate_bounds`] of the formula's.
    pub fn rate_passed(&self) -> bool {
        let (lo, hi) = rate_bounds(self.formula(), ABSENT);
        (lo..=hi).contains(&self.measured())
    }

    /// Heap bits held per item, when measured.
    pub fn bits_per_item(&self) -> Option<f64> {
        self.heap.map(|h| h as f64 * 8.0 / ITEMS as f64)
    }

    /// Whether the heap held is between `m` bits and `HEAP_FACTOR × m + HEAP_SLACK_BITS`; `false`
    /// when not measured.
    pub fn heap_passed(&self) -> bool {
        self.heap.is_some_and(|h| {
            let bits = h as f64 * 8.0;
            bits >= self.m as f64 && bits <= HEAP_FACTOR * self.m as f64 + HEAP_SLACK_BITS
        })
    }
}

/// `x` as a percentage with four significant figures or so.
fn pct(x: f64) -> String {
    let p = x * 100.0;
    if p >= 10.0 {
        format!("{p:.2} %")
    } else if p >= 1.0 {
        format!("{p:.3} %")
    } else {
        format!("{p:.4} %")
    }
}

/// A rate as the CLI prints a measurement: in %, to four decimals.
fn pct_value(x: f64) -> f64 {
    (x * 100.0 * 10_000.0).round() / 10_000.0
}

/// The target rate as a short label: 10 %, 1 %, 0.1 %.
fn label(p: f64) -> String {
    format!("{} %", p * 100.0)
}

/// Builds `S` for `ITEMS` at `rate`, feeds it the keys, and measures it.
fn measure<S: Subject>(rate: f64, counted: bool, keys: Keys) -> Result<Figures, String> {
    let name = S::KIND.type_name();
    let (built, held) = crate::heap::measure(|| -> Result<S, String> {
        let mut f = rated::<S>(ITEMS, rate)?;
        for i in keys.inserted(ITEMS) {
            f.insert(&i);
        }
        Ok(f)
    });
    let f = built?;
    if let Some(i) = keys.inserted(ITEMS).find(|i| !f.contains(i)) {
        let Range { start, end } = keys.inserted(ITEMS);
        return Err(format!(
            "{name}::with_rate({ITEMS}, {rate}) fed the keys {start}..{end}: contains(&{i}) is \
             false, a false negative: a Bloom filter never forgets an item"
        ));
    }
    let false_positives = keys.absent().filter(|i| f.contains(i)).count() as u64;
    Ok(Figures {
        kind: S::KIND,
        rate,
        m: f.bits(),
        k: f.hashes(),
        heap: counted.then_some(held as i64),
        false_positives,
    })
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: BloomFilterFamily>(ctx: &mut Ctx) {
    let counted = crate::heap::installed();
    let keys = Keys::from_seed(ctx.seed);
    let mut all: Vec<Figures> = Vec::new();
    // The check each type did not pass, for the types not measured.
    let mut missed: Vec<(Kind, String)> = Vec::new();
    for kind in Kind::ALL {
        let name = kind.type_name();
        let (inserts, lookups) = work(kind);
        let cost = format!(
            "{name}: insert and contains cost O(k), not O(m): {SAMPLE} of each timed, so that \
             this stage's {inserts} inserts and {lookups} lookups take less than {} s",
            BUDGET.as_secs()
        );
        let fast = ctx.check(&cost, || match kind {
            Kind::Standard => affordable::<Standard<F::Standard>>(),
            Kind::Blocked => affordable::<Blocked<F::Blocked>>(),
            Kind::Atomic => affordable::<Atomic<F::Atomic>>(),
        });
        if !fast {
            missed.push((kind, cost));
            continue;
        }
        let title = format!(
            "{name}: sized for {ITEMS} items at 10 %, 1 % and 0.1 %, fed {ITEMS} keys and found \
             to hold each; {ABSENT} absent keys looked up"
        );
        let mut mine = None;
        ctx.check(&title, || {
            let mut figures = Vec::new();
            for rate in RATES {
                figures.push(match kind {
                    Kind::Standard => measure::<Standard<F::Standard>>(rate, counted, keys)?,
                    Kind::Blocked => measure::<Blocked<F::Blocked>>(rate, counted, keys)?,
                    Kind::Atomic => measure::<Atomic<F::Atomic>>(rate, counted, keys)?,
                });
            }
            mine = Some(figures);
            Ok(())
        });
        match mine {
            Some(figures) => all.extend(figures),
            None => missed.push((kind, title)),
        }
    }
    let exact = counted.then(|| exact_set_bits(keys));
    if !all.is_empty() {
        rates(ctx, &all, keys);
        memory(ctx, &all, exact);
        penalty(ctx, &all);
    }
    let curve = if all.iter().any(|f| f.kind == Kind::Standard) {
        overfill::<Standard<F::Standard>>(ctx, keys)
    } else {
        let check = missed
            .iter()
            .find(|(kind, _)| *kind == Kind::Standard)
            .map_or("", |(_, check)| check.as_str());
        ctx.note(format!(
            "The overfill curve was not measured: BloomFilter did not pass the check \"{check}\"."
        ));
        None
    };
    lesson(ctx, &all, exact, curve.as_deref());
}

/// The table of rates and their measurements.
fn rates(ctx: &mut Ctx, all: &[Figures], keys: Keys) {
    let rows = all
        .iter()
        .map(|f| {
            vec![
                f.kind.type_name().to_owned(),
                label(f.rate),
                f.m.to_string(),
                format!("{:.2}", f.m as f64 / ITEMS as f64),
                f.k.to_string(),
                f.false_positives.to_string(),
                pct(f.measured()),
                pct(f.formula()),
                format!("{:.3}", f.measured() / f.formula()),
            ]
        })
        .collect();
    let (inserted, absent) = (keys.inserted(ITEMS), keys.absent());
    ctx.table(
        &format!(
            "false positives: {ITEMS} items (keys {}..{}), {ABSENT} absent keys looked up \
             ({}..{})",
            inserted.start, inserted.end, absent.start, absent.end
        ),
        &[
            "filter",
            "target p",
            "m bits",
            "m/n",
            "k",
            "false pos.",
            "measured",
            "formula",
            "measured/formula",
        ],
        rows,
    );
    ctx.note(
        "formula, for the filter's own m and k and n items: standard (1 − e^(−kn/m))^k; blocked \
         Σ_j Pois(j; λ)·(1 − (1 − 1/512)^(kj))^k, λ = 512n/m items per 512-bit block, since \
         blocks fill unevenly. Sized by the textbook m = −n·ln p / (ln 2)², k = log2(1/p), the \
         standard filter's rate is the target.",
    );
    for f in all {
        let (lo, hi) = rate_bounds(f.formula(), ABSENT);
        let got = f.measured();
        let passed = f.rate_passed();
        let why = if got > hi {
            if f.kind == Kind::Blocked {
                ": more false positives than the formula allows: the k positions are not \
                 independent enough, or fewer than k are tested. Inside a 512-bit block, double \
                 hashing a + i·b mod 512 gives items only 2^17 patterns, and two items in a block \
                 often share most of their bits: draw each position from its own mix of the \
                 hash. Or the block index is taken as h & (blocks − 1) with a number of blocks \
                 that is not a power of two: the blocks it cannot reach stay empty, and the \
                 others overfill"
            } else {
                ": more false positives than the formula allows: the k positions are not \
                 independent enough (a hash that does not mix sequential keys, h2 that shares \
                 bits with h1, a position taken from few of the hash's bits), or contains tests \
                 fewer than k bits"
            }
        } else if got < lo {
            ": fewer false positives than m and k can give: the filter uses more bits or more \
             hashes than bits() and hashes() report"
        } else {
            ""
        };
        ctx.measure(Measurement {
            name: format!(
                "{}, p = {}: false-positive rate (formula {} for m = {}, k = {})",
                f.kind.type_name(),
                label(f.rate),
                pct(f.formula()),
                f.m,
                f.k
            ),
            value: pct_value(got),
            unit: "%".into(),
            threshold: format!(
                "within [{:.4}, {:.4}] %: formula × 0.75 .. × 1.15, ± 4σ{why}",
                lo * 100.0,
                hi * 100.0
            ),
            passed,
        });
    }
}

/// Heap bits per item beside the bound, and the heap check.
fn memory(ctx: &mut Ctx, all: &[Figures], exact: Option<f64>) {
    let Some(exact) = exact else {
        ctx.note(
            "Memory not measured: this process does not count heap bytes (the counting \
             allocator, kata_suites::heap, is installed by the runners only).",
        );
        return;
    };
    let mut rows: Vec<Vec<String>> = all
        .iter()
        .map(|f| {
            let heap = f.heap.unwrap_or(0);
            let per = heap as f64 * 8.0 / ITEMS as f64;
            let bound = optimal_hashes(f.rate);
            vec![
                f.kind.type_name().to_owned(),
                label(f.rate),
                heap.to_string(),
                format!("{per:.2}"),
                format!("{bound:.2}"),
                format!("{:.2}", per / bound),
            ]
        })
        .collect();
    rows.push(vec![
        "HashSet<u64> (exact)".to_owned(),
        "0".to_owned(),
        (exact * ITEMS as f64 / 8.0).round().to_string(),
        format!("{exact:.2}"),
        "-".to_owned(),
        "-".to_owned(),
    ]);
    ctx.table(
        &format!(
            "memory: heap held after {ITEMS} inserts, in bits per item, beside the least any \
             structure with rate p can use, log2(1/p)"
        ),
        &[
            "filter",
            "target p",
            "heap bytes",
            "bits/item",
            "log2(1/p)",
            "× the bound",
        ],
        rows,
    );
    for kind in Kind::ALL {
        let mine: Vec<&Figures> = all.iter().filter(|f| f.kind == kind).collect();
        if mine.is_empty() {
            continue;
        }
        let ratio = |f: &Figures| f.heap.unwrap_or(0) as f64 * 8.0 / f.m as f64;
        let worst = mine
            .iter()
            .copied()
            .max_by(|a, b| {
                let off = |f: &Figures| (ratio(f) - 1.0).abs();
                off(a).total_cmp(&off(b))
            })
            .expect("not empty");
        let passed = mine.iter().all(|f| f.heap_passed());
        ctx.measure(Measurement {
            name: format!(
                "{}: heap bits held / bits(), the farthest from 1 of the three rates (p = {}, \
                 m = {})",
                kind.type_name(),
                label(worst.rate),
                worst.m
            ),
            value: (ratio(worst) * 1000.0).round() / 1000.0,
            unit: "x".into(),
            threshold: format!(
                "between 1 and {HEAP_FACTOR} (+ {HEAP_SLACK_BITS} bits) at every rate: the m \
                 bits packed 64 to a word{}",
                if passed {
                    ""
                } else if ratio(worst) > 1.0 {
                    "; a Vec<bool> or Vec<u8> per bit holds 8 bits per bit, a filter rounded \
                     up to a power of two up to twice its m, and a Vec grown by push a capacity \
                     ahead of its length (allocate the words at once: vec![0u64; words])"
                } else {
                    "; fewer bits held than bits() reports: where are the others?"
                }
            ),
            passed,
        });
    }
}

/// Bits per item an exact `HashSet<u64>` of the same keys holds on the heap.
fn exact_set_bits(keys: Keys) -> f64 {
    let (set, held) = crate::heap::measure(|| keys.inserted(ITEMS).collect::<HashSet<u64>>());
    drop(set);
    held as f64 * 8.0 / ITEMS as f64
}

/// The blocked layout's rate over the standard one's.
fn penalty(ctx: &mut Ctx, all: &[Figures]) {
    let find = |kind, rate| all.iter().find(|f| f.kind == kind && f.rate == rate);
    let rows: Vec<Vec<String>> = RATES
        .iter()
        .filter_map(|&p| {
            let (s, b) = (find(Kind::Standard, p)?, find(Kind::Blocked, p)?);
            Some(vec![
                label(p),
                s.k.to_string(),
                pct(s.measured()),
                pct(b.measured()),
                format!(
                    "{:.2}",
                    b.measured() / s.measured().max(1.0 / ABSENT as f64)
                ),
                format!("{:.2}", b.formula() / s.formula()),
            ])
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    ctx.table(
        "the blocked layout's price for one cache line per lookup: its rate over the standard's",
        &[
            "target p",
            "k",
            "standard",
            "blocked",
            "blocked/standard",
            "by the formulas",
        ],
        rows,
    );
}

/// One point of the overfill curve.
#[derive(Debug, Clone, Copy)]
pub struct Point {
    /// Items inserted.
    pub items: u64,
    /// The measured rate.
    pub measured: f64,
    /// The formula's rate.
    pub formula: f64,
    /// `estimated_items()` then.
    pub estimate: f64,
}

impl Point {
    /// Whether the measured rate is within [`rate_bounds`] of the formula's.
    pub fn passed(&self) -> bool {
        let (lo, hi) = rate_bounds(self.formula, ABSENT);
        (lo..=hi).contains(&self.measured)
    }
}

/// A bar of `x` in `[0, 1]`, `width` characters for 1, in eighths.
fn bar(x: f64, width: usize) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (x.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(EIGHTHS[eighths % 8]);
    // Padded to the full width, so that the right-aligned column reads left to right.
    let used = eighths / 8 + usize::from(!eighths.is_multiple_of(8));
    s.push_str(&" ".repeat(width.saturating_sub(used)));
    s
}

/// The overfill curve of `S` (the standard filter), with its table and measurements.
fn overfill<S: Subject>(ctx: &mut Ctx, keys: Keys) -> Option<Vec<Point>> {
    let name = S::KIND.type_name();
    let mut points = None;
    ctx.check(
        &format!(
            "{name}::with_rate({ITEMS}, 0.01) filled to 4 × {ITEMS} items, measured on the way"
        ),
        || {
            let mut f = rated::<S>(ITEMS, 0.01)?;
            let (m, k) = (f.bits(), f.hashes());
            let mut inserted = 0;
            let mut out = Vec::new();
            for (num, den) in FILLS {
                let target = ITEMS * num / den;
                while inserted < target {
                    f.insert(&(keys.inserted + inserted));
                    inserted += 1;
                }
                let fp = keys.absent().filter(|i| f.contains(i)).count();
                out.push(Point {
                    items: target,
                    measured: fp as f64 / ABSENT as f64,
                    formula: standard_rate(m, k, target),
                    estimate: f.estimated_items(),
                });
            }
            if let Some(i) = keys.inserted(inserted).find(|i| !f.contains(i)) {
                return Err(format!(
                    "{name} filled to {inserted} items: contains(&{i}) is false; even overfilled, \
                     a Bloom filter never forgets"
                ));
            }
            points = Some(out);
            Ok(())
        },
    );
    let points = points?;
    let rows = points
        .iter()
        .map(|p| {
            vec![
                p.items.to_string(),
                format!("{:.1}", p.items as f64 / ITEMS as f64),
                pct(p.measured),
                pct(p.formula),
                format!("{:.0}", p.estimate),
                bar(p.measured, 40),
            ]
        })
        .collect();
    ctx.table(
        &format!(
            "{name}::with_rate({ITEMS}, 0.01) filled past its design: the rate climbs (bar: \
             measured, 0 to 100 %)"
        ),
        &[
            "items",
            "× n",
            "measured",
            "(1 − e^(−kn/m))^k",
            "estimated_items",
            "measured rate                           ",
        ],
        rows,
    );
    for p in &points {
        let (lo, hi) = rate_bounds(p.formula, ABSENT);
        let passed = p.passed();
        ctx.measure(Measurement {
            name: format!(
                "{name} sized for {ITEMS} at 1 %, holding {}: false-positive rate (formula {})",
                p.items,
                pct(p.formula)
            ),
            value: pct_value(p.measured),
            unit: "%".into(),
            threshold: format!(
                "within [{:.4}, {:.4}] %: formula × 0.75 .. × 1.15, ± 4σ",
                lo * 100.0,
                hi * 100.0
            ),
            passed,
        });
    }
    for p in points.iter().filter(|p| p.items <= 2 * ITEMS) {
        let off = p.estimate / p.items as f64 - 1.0;
        ctx.measure(Measurement {
            name: format!(
                "{name} holding {}: estimated_items, off the truth by",
                p.items
            ),
            value: (off * 100.0 * 100.0).round() / 100.0,
            unit: "%".into(),
            threshold: format!(
                "within ± {} % (−(m/k)·ln(1 − X/m) of a filter whose bits are spread evenly)",
                ESTIMATE_TOLERANCE * 100.0
            ),
            passed: off.abs() <= ESTIMATE_TOLERANCE,
        });
    }
    Some(points)
}

/// The closing note: the lesson from the formulas, with this filter's measurements beside it
/// where they passed their checks (a failing figure is no lesson).
fn lesson(ctx: &mut Ctx, all: &[Figures], exact: Option<f64>, curve: Option<&[Point]>) {
    let find = |kind, rate| all.iter().find(|f| f.kind == kind && f.rate == rate);
    let mut text = format!(
        "What this shows: by the textbook sizing, a rate p costs −ln p / (ln 2)² = 1.44 × \
         log2(1/p) bits per item, whatever the items' size: {:.1} at 1 %, and {:.1} more for \
         each tenfold cut in the rate (log2(1/p) alone is the least any structure with rate p \
         can use). ",
        optimal_bits(1, 0.01),
        optimal_bits(1, 0.1)
    );
    if let Some(f) = find(Kind::Standard, 0.01) {
        if let Some(per) = f.bits_per_item() {
            if f.heap_passed() {
                text.push_str(&format!(
                    "Measured here, BloomFilter at 1 % holds {per:.2} bits per item on the heap: \
                     its m bits, packed. "
                ));
            } else {
                text.push_str(&format!(
                    "Measured here, BloomFilter at 1 % holds {per:.1} bits per item on the heap, \
                     not the {:.1} of its m bits: see the failed memory check. ",
                    f.m as f64 / ITEMS as f64
                ));
            }
        }
    }
    if let Some(exact) = exact {
        text.push_str(&format!(
            "An exact HashSet<u64> of the same keys holds {exact:.0} bits per item, 64 of them the \
             key itself; a set of URLs, hundreds. "
        ));
    }
    if let (Some(s), Some(b)) = (find(Kind::Standard, 0.001), find(Kind::Blocked, 0.001)) {
        text.push_str(&format!(
            "By the formulas for these m and k, the blocked layout pays {:.2} × the standard \
             rate at 0.1 % for touching one cache line per lookup instead of up to {}",
            b.formula() / s.formula(),
            s.k
        ));
        if s.rate_passed() && b.rate_passed() {
            text.push_str(&format!(
                "; measured here, {:.2} × ({} against {})",
                b.measured() / s.measured().max(1.0 / ABSENT as f64),
                pct(b.measured()),
                pct(s.measured())
            ));
        }
        text.push_str(". ");
    }
    if let Some(points) = curve {
        let at = |items| points.iter().find(|p| p.items == items);
        if let (Some(a), Some(b), Some(c)) = (at(ITEMS), at(2 * ITEMS), at(4 * ITEMS)) {
            text.push_str(&format!(
                "Past its design the rate climbs fast: by the formula {} at n, {} at 2n, {} at \
                 4n{}: size a filter for the most items it will hold, or grow it (a scalable \
                 Bloom filter adds a new one).",
                pct(a.formula),
                pct(b.formula),
                pct(c.formula),
                if [a, b, c].iter().all(|p| p.passed()) {
                    format!(
                        " (measured here: {}, {}, {})",
                        pct(a.measured),
                        pct(b.measured),
                        pct(c.measured)
                    )
                } else {
                    String::new()
                }
            ));
        }
    }
    ctx.note(text.trim_end());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_padded_to_their_width_in_eighths() {
        assert_eq!(bar(0.0, 4), "    ");
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 4), "██  ");
        assert_eq!(bar(1.0 / 32.0, 4), "▏   ");
        assert_eq!(bar(1.0 / 16.0, 4), "▎   ");
    }

    /// The notes `lesson` writes for these figures.
    fn lesson_for(all: &[Figures], curve: Option<&[Point]>) -> String {
        let mut ctx = Ctx::new(crate::report::Reporter::in_memory(), 1);
        lesson(&mut ctx, all, Some(94.4), curve);
        ctx.events()
            .iter()
            .map(|e| match e {
                crate::report::Event::Note { text } => text.clone(),
                other => panic!("lesson wrote {other:?}"),
            })
            .collect()
    }

    #[test]
    fn the_lesson_is_the_formulas_when_nothing_was_measured() {
        let text = lesson_for(&[], None);
        assert!(text.contains("9.6 at 1 %, and 4.8 more"), "{text}");
        assert!(!text.contains("Measured here"), "{text}");
    }

    #[test]
    fn a_failing_figure_is_not_presented_as_the_lesson() {
        let figures = |kind, heap, false_positives| Figures {
            kind,
            rate: 0.001,
            m: 1_437_760,
            k: 10,
            heap: Some(heap),
            false_positives,
        };
        // A byte per bit, and a blocked filter far above its formula.
        let mut bytes = figures(Kind::Standard, 1_437_760, 1_000);
        bytes.rate = 0.01;
        bytes.m = 958_528;
        bytes.heap = Some(958_528);
        bytes.k = 7;
        let all = [
            bytes,
            figures(Kind::Standard, 179_720, 1_000),
            figures(Kind::Blocked, 179_776, 9_000),
        ];
        let text = lesson_for(&all, None);
        assert!(text.contains("holds 76.7 bits per item"), "{text}");
        assert!(text.contains("see the failed memory check"), "{text}");
        assert!(!text.contains("76.7 bits per item (1.44"), "{text}");
        assert!(text.contains("By the formulas for these m and k"), "{text}");
        assert!(!text.contains("measured here, "), "{text}");
    }

    #[test]
    fn the_keys_move_with_the_seed_and_never_overlap() {
        let (a, b) = (Keys::from_seed(1), Keys::from_seed(2));
        assert_ne!(a, b);
        for k in [a, b, Keys::from_seed(crate::runner::DEFAULT_SEED)] {
            assert!(
                k.inserted(MOST).end <= k.absent && k.absent().end < 1 << 34,
                "{k:?}"
            );
        }
    }

    #[test]
    fn percentages_keep_about_four_figures() {
        assert_eq!(pct(0.1), "10.00 %");
        assert_eq!(pct(0.01234), "1.234 %");
        assert_eq!(pct(0.001234), "0.1234 %");
        assert_eq!(label(0.001), "0.1 %");
        assert_eq!(pct_value(0.0123456), 1.2346);
    }
}
