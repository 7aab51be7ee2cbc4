//! Stage 4 of `lfu`: hit ratios of LRU, LFU and the cache that forgets, side by side.
//!
//! Three traces, each of them cache-aside traffic (`get`, and `put` on a miss) on a cache of
//! [`CAPACITY`] entries, all drawn from the stage's seed:
//!
//! - **Zipf**: [`REQUESTS`] keys drawn from a Zipf distribution (s = 0.9) over 20 000 keys: the
//!   skew of web and key-value traffic, where frequency is the better predictor and LFU must beat
//!   LRU by [`LFU_ZIPF_MARGIN`].
//! - **scan-polluted**: the same Zipf traffic with a burst of [`BURST_LEN`] never-repeated keys
//!   after every [`BURST_EVERY`] requests (a backup, a report, a crawler), its hit ratio taken over
//!   the Zipf requests (a one-time key never hits), so that it compares with the first trace's.
//!   Each burst flushes an LRU cache; an LFU cache keeps its frequent keys and must beat LRU by
//!   [`LFU_SCAN_MARGIN`].
//! - **shifting**: the same distribution, but every popular key changes halfway: the first half
//!   draws from one key set, the second half from a disjoint one. Plain LFU holds on to
//!   yesterday's favourites, whose counts the newcomers cannot reach, and its hit ratio in the
//!   second half collapses; LRU follows the change at once. That is the lesson, printed, not a
//!   check: the exact LFU does what it must.
//!
//! What is graded:
//!
//! - `LfuCache` is exact: its hit/miss sequence must be identical, request for request, to an
//!   exact LFU's (least frequently used evicted, the least recently used of those on a tie) on
//!   every trace; its hit ratios are judged against LRU's.
//! - The forgetting cache must combine both virtues: beat LRU on the Zipf trace by
//!   [`FORGETFUL_ZIPF_MARGIN`] and on the scan-polluted one by [`FORGETFUL_SCAN_MARGIN`], and in
//!   the second half of the shifting trace come within [`FORGETFUL_RECOVERY_MARGIN`] of LRU while
//!   beating plain LFU by [`FORGETFUL_OVER_LFU_MARGIN`]. Which entry it evicts is its own choice;
//!   while it runs, its answers are held to the contract (a hit only for a key it holds, at most
//!   its capacity held, nothing dropped without being returned by `put`).
//! - The sharded cache trades exactness for parallelism: each of its [`SHARDS`] shards is an LFU
//!   of its own keys. Its hit ratio on the Zipf trace must stay within [`SHARDED_TOLERANCE`] of
//!   the exact LFU's.
//!
//! The thresholds were chosen from measurements, kept as the tests at the end of this file: an
//! aging LFU whose counts are halved every 8 or 16 capacities' worth of uses and a W-TinyLFU pass
//! them with room to spare on every seed tried (halving every 4 or 32 capacities passes too, with
//! less), while a "forgetting" cache that is plain LFU (it never forgets) fails the recovery,
//! one that is plain LRU (no frequency at all) fails both margins over LRU, and aging LFUs that
//! halve every 2 capacities (too fast: LRU, nearly) or every 64 (too slow: LFU, nearly) fail.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use kata_core::lfu::{Cache, ConcurrentCache, ForgetfulCache};

use super::LfuFamily;
use crate::measure::Zipf;
use crate::report::Measurement;
use crate::Ctx;

/// How far (absolute) the exact LFU's hit ratio must beat LRU's on the Zipf trace. On a
/// stationary skewed distribution, keeping the keys used most often beats keeping the keys used
/// last: measured 0.556 to 0.562 for LFU against LRU's 0.475 to 0.477 (8 points) over three
/// seeds. The margin states the lesson; an exact LFU cannot miss it.
pub const LFU_ZIPF_MARGIN: f64 = 0.05;

/// How far (absolute) the exact LFU's hit ratio must beat LRU's on the scan-polluted trace (over
/// its Zipf requests). Each burst of one-time keys, three times the cache, flushes LRU; in LFU
/// the newcomers (count 1) only push out each other. Measured: LFU 0.554 to 0.561, as on the
/// plain Zipf trace, against LRU's 0.422 to 0.424, 5 points below its own Zipf figure.
pub const LFU_SCAN_MARGIN: f64 = 0.08;

/// How far (absolute) the forgetting cache must beat LRU on the Zipf trace: it must use
/// frequency. Measured over three seeds (an aging LFU's period counted in uses, a hit or a
/// `put`): an aging LFU halving every 4 capacities' worth of uses 3.7 points over LRU, every 8
/// capacities 6, every 16 8; a W-TinyLFU 10. Plain LRU is 0 and fails, and so does an aging LFU
/// that halves every capacity or two (0.2 and 1.9 points): it forgets so fast that it is LRU.
pub const FORGETFUL_ZIPF_MARGIN: f64 = 0.03;

/// How far (absolute) the forgetting cache must beat LRU on the scan-polluted trace (over its
/// Zipf requests): it must resist a scan as LFU does. Measured: an aging LFU halving every 4
/// capacities' worth of uses 4.1 points over LRU, every 8 capacities 7, every 16 10; a W-TinyLFU
/// 14.5. Plain LRU is 0 and fails, and so does an aging LFU halving every 2 capacities (1.9
/// points). An aging LFU counts the same as LFU between halvings, so it resists a scan only as
/// far as its counts survive the halvings: this margin is the Zipf margin's.
pub const FORGETFUL_SCAN_MARGIN: f64 = 0.03;

/// How far (absolute) the forgetting cache's hit ratio in the second half of the shifting trace
/// may fall below LRU's there: it must follow the new favourites nearly as fast as LRU does.
/// Measured: an aging LFU halving every 8 or 16 capacities 4 to 5 points *above* LRU (it keeps
/// the new favourites better once it has them), every 32 capacities 2 to 3 points below; a
/// W-TinyLFU 7 above. Plain LFU is 23 to 28 points below and fails, and so does an aging LFU
/// halving only every 64 capacities (14 below): it forgets too slowly to matter.
pub const FORGETFUL_RECOVERY_MARGIN: f64 = 0.05;

/// How far (absolute) the forgetting cache's second-half hit ratio on the shifting trace must beat
/// plain LFU's there: forgetting must be what recovers. Measured: 28 to 33 points for an aging
/// LFU halving every 8 or 16 capacities, 30 for a W-TinyLFU; plain LFU 0 and fails.
pub const FORGETFUL_OVER_LFU_MARGIN: f64 = 0.15;

/// How far (absolute) the sharded cache's hit ratio may fall below the exact LFU's on the Zipf
/// trace with [`SHARDS`] shards. A good hash spreads the hot keys evenly: 16 exact LFU shards
/// of 62 or 63 entries measured within 0.25 points of one LFU of 1000 (SipHash, fixed and random
/// keys); a hash that piles keys onto a few shards makes those shards evict hot keys while others
/// keep cold ones.
pub const SHARDED_TOLERANCE: f64 = 0.02;

/// The capacity of every cache in this stage.
pub const CAPACITY: usize = 1_000;
/// The shards of the sharded cache.
pub const SHARDS: usize = 16;
/// Distinct keys of the Zipf distribution.
const ZIPF_KEYS: usize = 20_000;
/// The Zipf exponent.
const ZIPF_S: f64 = 0.9;
/// Requests of the Zipf trace, and of the shifting trace (half on each key set).
pub const REQUESTS: usize = 200_000;
/// Zipf requests between two bursts of the scan-polluted trace: as many as a burst holds, so
/// that LRU has a burst's length to win back its hot keys before the next flush.
pub const BURST_EVERY: usize = 3_000;
/// One-time keys in each burst of the scan-polluted trace: three times the capacity.
pub const BURST_LEN: usize = 3 * CAPACITY;

/// The three traces of the stage.
#[derive(Debug, Clone)]
struct Traces {
    zipf: Vec<u32>,
    scan: Vec<u32>,
    /// Whether each request of `scan` is of the Zipf traffic (not of a burst).
    scan_is_zipf: Vec<bool>,
    shift: Vec<u32>,
}

impl Traces {
    /// The Zipf and scan-polluted traces drawn from `zipf_seed`, the shifting one from
    /// `shift_seed`.
    fn new(zipf_seed: u64, shift_seed: u64) -> Traces {
        let dist = Zipf::new(ZIPF_KEYS, ZIPF_S);
        let zipf = dist.trace(REQUESTS, zipf_seed);
        // One-time keys: ranks far beyond both key sets (`Zipf::key` is one-to-one).
        let mut fresh = (2 * ZIPF_KEYS..).map(Zipf::key);
        let len = REQUESTS + REQUESTS.div_ceil(BURST_EVERY) * BURST_LEN;
        let mut scan = Vec::with_capacity(len);
        let mut scan_is_zipf = Vec::with_capacity(len);
        for chunk in zipf.chunks(BURST_EVERY) {
            scan.extend_from_slice(chunk);
            scan.extend(fresh.by_ref().take(BURST_LEN));
            scan_is_zipf.extend(std::iter::repeat_n(true, chunk.len()));
            scan_is_zipf.extend(std::iter::repeat_n(false, BURST_LEN));
        }
        // `Zipf::key(r)` is `r` times an odd constant mod 2^32, so adding `Zipf::key(ZIPF_KEYS)`
        // moves rank `r` to rank `r + ZIPF_KEYS`: the same popularity, another key.
        let moved = Zipf::key(ZIPF_KEYS);
        let mut shift = dist.trace(REQUESTS, shift_seed);
        for k in &mut shift[REQUESTS / 2..] {
            *k = k.wrapping_add(moved);
        }
        Traces {
            zipf,
            scan,
            scan_is_zipf,
            shift,
        }
    }

    /// The hit ratio of the scan-polluted trace's hits `hits` over its Zipf requests (a one-time
    /// key can never hit).
    fn scan_ratio(&self, hits: &[bool]) -> f64 {
        let (mut requests, mut hit) = (0usize, 0usize);
        for (h, _) in hits.iter().zip(&self.scan_is_zipf).filter(|(_, z)| **z) {
            requests += 1;
            hit += usize::from(*h);
        }
        hit as f64 / requests.max(1) as f64
    }

    /// The traces with their names, in the table's order.
    fn named(&self) -> [(&'static str, &[u32]); 3] {
        [
            ("Zipf", &self.zipf),
            ("scan-polluted", &self.scan),
            ("shifting", &self.shift),
        ]
    }
}

/// Exact LRU over a trace (cache-aside): hits per request.
fn lru_hits(trace: &[u32], capacity: usize) -> Vec<bool> {
    let mut stamp_of: HashMap<u32, u64> = HashMap::with_capacity(capacity + 1);
    let mut by_stamp: BTreeMap<u64, u32> = BTreeMap::new();
    let mut hits = Vec::with_capacity(trace.len());
    for (t, &k) in (0u64..).zip(trace) {
        let hit = match stamp_of.insert(k, t) {
            Some(old) => {
                by_stamp.remove(&old);
                true
            }
            None => false,
        };
        by_stamp.insert(t, k);
        if stamp_of.len() > capacity {
            let (_, victim) = by_stamp
                .pop_first()
                .expect("a full cache has a least recent");
            stamp_of.remove(&victim);
        }
        hits.push(hit);
    }
    hits
}

/// Exact LFU over a trace (cache-aside): the entry with the lowest count goes, the least recently
/// used of those on a tie; an entry's count starts at 1 when it is put and goes up by 1 with
/// every hit. Hits per request.
fn lfu_hits(trace: &[u32], capacity: usize) -> Vec<bool> {
    let mut entry: HashMap<u32, (u64, u64)> = HashMap::with_capacity(capacity + 1);
    let mut order: BTreeSet<(u64, u64, u32)> = BTreeSet::new();
    let mut hits = Vec::with_capacity(trace.len());
    for (t, &k) in (0u64..).zip(trace) {
        let hit = if let Some((count, stamp)) = entry.get_mut(&k) {
            order.remove(&(*count, *stamp, k));
            *count += 1;
            *stamp = t;
            order.insert((*count, t, k));
            true
        } else {
            if entry.len() == capacity {
                let (_, _, victim) = order.pop_first().expect("a full cache has a victim");
                entry.remove(&victim);
            }
            entry.insert(k, (1, t));
            order.insert((1, t, k));
            false
        };
        hits.push(hit);
    }
    hits
}

/// The exact cache under cache-aside: read, and on a miss, load and insert.
fn cache_hits<C: Cache<u32, u32>>(cache: &mut C, trace: &[u32]) -> Vec<bool> {
    trace
        .iter()
        .map(|k| {
            if cache.get(k).is_some() {
                true
            } else {
                cache.put(*k, *k);
                false
            }
        })
        .collect()
}

/// Runs cache-aside traffic through a cache whose choice of victims is its own (`get` and `put`
/// of the cache under test), holding its answers to the contract as it goes: a hit returns the
/// value put (every value is its key), only for a key it holds; a held key is never missed; a
/// `put` of a new key returns nothing or one entry, a held one or the newcomer itself, and never
/// leaves more than `capacity` held; when `fills` (one cache, not shards that each fill on their
/// own), it returns an entry only once `capacity` are held. Hits per request, or what broke the
/// contract.
fn checked_hits(
    trace: &[u32],
    capacity: usize,
    fills: bool,
    cache: &mut dyn Aside,
) -> Result<Vec<bool>, String> {
    let mut held: HashSet<u32> = HashSet::with_capacity(capacity + 1);
    let mut hits = Vec::with_capacity(trace.len());
    for (i, &k) in trace.iter().enumerate() {
        let at = || format!("request #{} (key {k})", i + 1);
        match cache.get(k) {
            Some(v) => {
                if v != k {
                    return Err(format!(
                        "{}: get returned {v}, but the value put under {k} was {k}",
                        at()
                    ));
                }
                if !held.contains(&k) {
                    return Err(format!(
                        "{}: get returned a value for a key that put had handed back (evicted \
                         or refused) and that was not put again",
                        at()
                    ));
                }
                hits.push(true);
                continue;
            }
            None if held.contains(&k) => {
                return Err(format!(
                    "{}: get returned None for a key that is held: no put returned it, no \
                     remove took it, so it must still be there",
                    at()
                ));
            }
            None => hits.push(false),
        }
        match cache.put(k) {
            None => {
                held.insert(k);
                if held.len() > capacity {
                    return Err(format!(
                        "{}: put of a new key into a full cache (capacity {capacity}) returned \
                         None: it must return the entry that left (a victim, or the newcomer if \
                         refused)",
                        at()
                    ));
                }
            }
            Some((out, v)) => {
                if out != v {
                    return Err(format!(
                        "{}: put returned ({out}, {v}), but the value put under {out} was {out}",
                        at()
                    ));
                }
                if out == k {
                    // Refused: the newcomer is not held.
                } else if held.remove(&out) {
                    held.insert(k);
                } else {
                    return Err(format!(
                        "{}: put returned ({out}, {v}) as evicted, but {out} was not held",
                        at()
                    ));
                }
                if fills && held.len() < capacity {
                    return Err(format!(
                        "{}: put of a new key returned an entry while the cache held {} of \
                         its {capacity}: it must insert without evicting until the cache is \
                         full",
                        at(),
                        held.len() + usize::from(out != k)
                    ));
                }
            }
        }
    }
    Ok(hits)
}

/// The hit ratio of `hits`.
fn ratio(hits: &[bool]) -> f64 {
    hits.iter().filter(|h| **h).count() as f64 / hits.len().max(1) as f64
}

/// One policy's hit ratios on the three traces, the shifting trace's second half on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ratios {
    zipf: f64,
    scan: f64,
    shift: f64,
    shift_second: f64,
}

impl Ratios {
    /// The ratios of one hit sequence per trace, in [`Traces::named`]'s order; the scan-polluted
    /// trace's over its Zipf requests only (a one-time key can never hit).
    fn of(traces: &Traces, hits: &[Vec<bool>; 3]) -> Ratios {
        let shift = &hits[2];
        Ratios {
            zipf: ratio(&hits[0]),
            scan: traces.scan_ratio(&hits[1]),
            shift: ratio(shift),
            shift_second: ratio(&shift[shift.len() / 2..]),
        }
    }

    /// The ratios of `policy` (hits of a trace) on each trace.
    fn measure(traces: &Traces, mut policy: impl FnMut(&[u32]) -> Vec<bool>) -> Ratios {
        Ratios::of(traces, &traces.named().map(|(_, t)| policy(t)))
    }
}

/// One threshold a forgetting cache's ratio is judged against.
struct Threshold {
    /// What is judged, for the measurement's name.
    what: &'static str,
    /// Which of the cache's ratios is judged.
    ratio: fn(&Ratios) -> f64,
    /// The ratio must be at least this.
    floor: f64,
    /// The floor, explained.
    text: String,
}

impl Threshold {
    /// The measurement of `f` against this threshold.
    fn judge(&self, f: &Ratios) -> Measurement {
        let value = (self.ratio)(f);
        Measurement {
            name: format!("ForgetfulLfuCache, {}", self.what),
            value: (value * 10_000.0).round() / 10_000.0,
            unit: "ratio".into(),
            threshold: self.text.clone(),
            passed: value >= self.floor,
        }
    }
}

/// The thresholds of a forgetting cache, from LRU's and the exact LFU's ratios on the same
/// traces.
fn forgetful_thresholds(lru: &Ratios, lfu: &Ratios) -> [Threshold; 4] {
    let at_least = |what, ratio, base: (&str, f64), margin: f64| {
        let floor = base.1 + margin;
        let sign = if margin < 0.0 { "-" } else { "+" };
        Threshold {
            what,
            ratio,
            floor,
            text: format!(
                ">= {floor:.4} ({} {:.4} {sign} {})",
                base.0,
                base.1,
                margin.abs()
            ),
        }
    };
    [
        at_least(
            "Zipf: hit ratio, using frequency (beats LRU)",
            |r: &Ratios| r.zipf,
            ("LRU", lru.zipf),
            FORGETFUL_ZIPF_MARGIN,
        ),
        at_least(
            "scan-polluted: hit ratio, resisting the scans (beats LRU)",
            |r: &Ratios| r.scan,
            ("LRU", lru.scan),
            FORGETFUL_SCAN_MARGIN,
        ),
        at_least(
            "shifting, 2nd half: hit ratio, following the new favourites (near LRU)",
            |r: &Ratios| r.shift_second,
            ("LRU", lru.shift_second),
            -FORGETFUL_RECOVERY_MARGIN,
        ),
        at_least(
            "shifting, 2nd half: hit ratio, forgetting the old favourites (beats plain LFU)",
            |r: &Ratios| r.shift_second,
            ("plain LFU", lfu.shift_second),
            FORGETFUL_OVER_LFU_MARGIN,
        ),
    ]
}

/// A ratio for the table, or a dash when it was not measured.
fn cell(r: Option<f64>) -> String {
    r.map_or_else(|| "-".to_owned(), |r| format!("{r:.4}"))
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LfuFamily>(ctx: &mut Ctx) {
    let traces = Traces::new(ctx.sub_seed(4), ctx.sub_seed(44));
    let lru = Ratios::measure(&traces, |t| lru_hits(t, CAPACITY));
    let lfu_model = traces.named().map(|(_, t)| lfu_hits(t, CAPACITY));
    let lfu = Ratios::of(&traces, &lfu_model);
    ctx.note(format!(
        "Every trace is cache-aside traffic (get, and put on a miss) on caches of {CAPACITY} \
         entries. Zipf: {REQUESTS} requests, s = {ZIPF_S} over {ZIPF_KEYS} keys. Scan-polluted: \
         the same requests with a burst of {BURST_LEN} one-time keys after every {BURST_EVERY}, \
         its hit ratio taken over the Zipf requests (a one-time key never hits). Shifting: \
         {REQUESTS} requests of the same distribution, over a disjoint key set from the middle \
         on."
    ));

    // The exact LFU, request for request.
    let mut yours: [Option<Vec<bool>>; 3] = Default::default();
    for (((name, trace), expected), out) in
        traces.named().into_iter().zip(&lfu_model).zip(&mut yours)
    {
        ctx.check(
            &format!("LfuCache, {name} trace: hit/miss sequence identical to exact LFU"),
            || {
                let mut cache = F::Cache::<u32, u32>::with_capacity(CAPACITY)
                    .map_err(|e| format!("with_capacity({CAPACITY}): {e}"))?;
                let got = out.insert(cache_hits(&mut cache, trace));
                match got.iter().zip(expected).position(|(g, e)| g != e) {
                    None => Ok(()),
                    Some(i) => Err(format!(
                        "request #{} (key {}) was a {} but an exact LFU of capacity {CAPACITY} \
                         has a {} there (the lowest count goes, the least recently used of \
                         those on a tie); {} of {} requests differ",
                        i + 1,
                        trace[i],
                        if got[i] { "hit" } else { "miss" },
                        if expected[i] { "hit" } else { "miss" },
                        got.iter().zip(expected).filter(|(g, e)| g != e).count(),
                        trace.len()
                    )),
                }
            },
        );
    }
    let [zipf, scan, _] = &yours;
    for (name, value, lru_ratio, margin) in [
        (
            "Zipf",
            zipf.as_deref().map(ratio),
            lru.zipf,
            LFU_ZIPF_MARGIN,
        ),
        (
            "scan-polluted",
            scan.as_deref().map(|h| traces.scan_ratio(h)),
            lru.scan,
            LFU_SCAN_MARGIN,
        ),
    ] {
        let floor = lru_ratio + margin;
        ctx.measure(Measurement {
            name: format!("LfuCache, {name}: hit ratio beats LRU's"),
            value: value.unwrap_or(f64::NAN),
            unit: "ratio".into(),
            threshold: format!(">= {floor:.4} (LRU {lru_ratio:.4} + {margin})"),
            passed: value.is_some_and(|v| v >= floor),
        });
    }

    // The cache that forgets.
    let mut forgetful = None;
    ctx.check(
        "ForgetfulLfuCache: every trace, within the contract (hits only on keys held, at most \
         capacity held, nothing dropped unannounced)",
        || {
            let mut hits: [Vec<bool>; 3] = Default::default();
            for ((name, trace), out) in traces.named().into_iter().zip(&mut hits) {
                let mut cache = F::Forgetful::<u32, u32>::with_capacity(CAPACITY)
                    .map_err(|e| format!("with_capacity({CAPACITY}): {e}"))?;
                *out = checked_hits(trace, CAPACITY, true, &mut Forgetful(&mut cache))
                    .map_err(|e| format!("{name} trace, {e}"))?;
            }
            forgetful = Some(Ratios::of(&traces, &hits));
            Ok(())
        },
    );
    match &forgetful {
        Some(f) => {
            for t in forgetful_thresholds(&lru, &lfu) {
                ctx.measure(t.judge(f));
            }
        }
        None => ctx.measure(Measurement {
            name: "forgetful: hit ratios".into(),
            value: f64::NAN,
            unit: "ratio".into(),
            threshold: "every trace run to its end".into(),
            passed: false,
        }),
    }

    // The sharded cache, on the Zipf trace.
    let mut sharded = None;
    ctx.check(
        &format!("ShardedLfuCache ({SHARDS} shards): the Zipf trace, within the contract"),
        || {
            let cache = F::Sharded::<u32, u32>::with_shards(CAPACITY, SHARDS)
                .map_err(|e| format!("with_shards({CAPACITY}, {SHARDS}): {e}"))?;
            let hits = checked_hits(&traces.zipf, CAPACITY, false, &mut Sharded(&cache))
                .map_err(|e| format!("Zipf trace, {e}"))?;
            sharded = Some(ratio(&hits));
            Ok(())
        },
    );
    let floor = lfu.zipf - SHARDED_TOLERANCE;
    ctx.measure(Measurement {
        name: format!(
            "ShardedLfuCache ({SHARDS} shards), Zipf: hit ratio (exact LFU: {:.4})",
            lfu.zipf
        ),
        value: sharded.unwrap_or(f64::NAN),
        unit: "ratio".into(),
        threshold: format!(">= {floor:.4} (exact LFU - {SHARDED_TOLERANCE})"),
        passed: sharded.is_some_and(|s| s >= floor),
    });

    let f = forgetful.as_ref();
    let rows = [
        ("Zipf", lru.zipf, lfu.zipf, f.map(|f| f.zipf), sharded),
        ("scan-polluted", lru.scan, lfu.scan, f.map(|f| f.scan), None),
        ("shifting", lru.shift, lfu.shift, f.map(|f| f.shift), None),
        (
            "shifting, 2nd half",
            lru.shift_second,
            lfu.shift_second,
            f.map(|f| f.shift_second),
            None,
        ),
    ];
    ctx.table(
        &format!(
            "hit ratios, capacity {CAPACITY} (LRU and LFU: exact models; LfuCache must match \
             LFU's column)"
        ),
        &[
            "trace",
            "LRU",
            "LFU",
            "forgetful (yours)",
            "sharded (yours)",
        ],
        rows.iter()
            .map(|(name, l, u, f, s)| {
                vec![
                    (*name).to_owned(),
                    cell(Some(*l)),
                    cell(Some(*u)),
                    cell(*f),
                    cell(*s),
                ]
            })
            .collect(),
    );
    ctx.note(format!(
        "Plain LFU in the second half of the shifting trace: {:.4}, against LRU's {:.4}. The \
         old favourites keep counts the new ones cannot reach; forgetting is what recovers.",
        lfu.shift_second, lru.shift_second
    ));
}

/// This stage's hit ratios for comparisons outside it (the peers' table, `kata_peers::lfu`): on
/// the traces `run` draws under grading seed `seed`, the ratios of exact LRU and exact LFU (the
/// stage's models), then of policies `0 .. policies` (`hits(i, trace)`: whether each request of
/// `trace` hit under policy `i`), each as `[Zipf, scan-polluted (over its Zipf requests),
/// shifting, shifting's second half]`.
pub fn hit_ratios(
    seed: u64,
    policies: usize,
    mut hits: impl FnMut(usize, &[u32]) -> Vec<bool>,
) -> Vec<[f64; 4]> {
    let ctx = Ctx::new(crate::report::Reporter::in_memory(), seed);
    let traces = Traces::new(ctx.sub_seed(4), ctx.sub_seed(44));
    let row = |r: Ratios| [r.zipf, r.scan, r.shift, r.shift_second];
    let mut rows = vec![
        row(Ratios::measure(&traces, |t| lru_hits(t, CAPACITY))),
        row(Ratios::measure(&traces, |t| lfu_hits(t, CAPACITY))),
    ];
    for i in 0..policies {
        rows.push(row(Ratios::measure(&traces, |t| hits(i, t))));
    }
    rows
}

/// Cache-aside access to the cache that forgets, for [`checked_hits`].
trait Aside {
    fn get(&mut self, key: u32) -> Option<u32>;
    fn put(&mut self, key: u32) -> Option<(u32, u32)>;
}

/// A [`ForgetfulCache`] as an [`Aside`].
struct Forgetful<'a, C>(&'a mut C);

impl<C: ForgetfulCache<u32, u32>> Aside for Forgetful<'_, C> {
    fn get(&mut self, key: u32) -> Option<u32> {
        self.0.get(&key).copied()
    }
    fn put(&mut self, key: u32) -> Option<(u32, u32)> {
        self.0.put(key, key)
    }
}

/// A [`ConcurrentCache`] as an [`Aside`].
struct Sharded<'a, C>(&'a C);

impl<C: ConcurrentCache<u32, u32>> Aside for Sharded<'_, C> {
    fn get(&mut self, key: u32) -> Option<u32> {
        self.0.get(&key)
    }
    fn put(&mut self, key: u32) -> Option<(u32, u32)> {
        self.0.put(key, key)
    }
}

#[cfg(test)]
mod tests {
    //! The thresholds separate right from wrong: two correct designs of a cache that forgets pass
    //! them on several seeds, with room to spare, and two wrong ones fail them.

    use std::collections::{BTreeMap, HashMap};
    use std::marker::PhantomData;

    use kata_core::lfu::CapacityError;

    use super::*;
    use crate::report::Reporter;

    /// How a [`Counted`] cache counts and forgets.
    trait Rule {
        /// Whether uses raise the count (without, every count is 1 and the victim is the least
        /// recently used: LRU).
        const COUNTS: bool;
        /// Every how many capacities' worth of uses all counts are halved, if ever.
        const HALVE_EVERY: Option<u64>;
    }

    /// Plain LRU posing as a cache that forgets: no frequency at all.
    struct Lru;
    impl Rule for Lru {
        const COUNTS: bool = false;
        const HALVE_EVERY: Option<u64> = None;
    }

    /// Plain LFU posing as a cache that forgets: it never does.
    struct Lfu;
    impl Rule for Lfu {
        const COUNTS: bool = true;
        const HALVE_EVERY: Option<u64> = None;
    }

    /// An aging LFU: every count is halved after each `capacity × K` uses.
    struct Aging<const K: u64>;
    impl<const K: u64> Rule for Aging<K> {
        const COUNTS: bool = true;
        const HALVE_EVERY: Option<u64> = Some(K);
    }

    /// An exact LFU (lowest count first, least recent of those) under rule `R`, with the
    /// models' data structures; O(log n) per operation, amortised O(n) / period for halving.
    struct Counted<R> {
        entries: HashMap<u32, (u32, u64, u64)>,
        order: BTreeSet<(u64, u64, u32)>,
        capacity: usize,
        clock: u64,
        uses: u64,
        rule: PhantomData<R>,
    }

    impl<R: Rule> Counted<R> {
        fn touch(&mut self, key: u32) {
            self.clock += 1;
            let Some((_, count, stamp)) = self.entries.get_mut(&key) else {
                return;
            };
            self.order.remove(&(*count, *stamp, key));
            if R::COUNTS {
                *count += 1;
            }
            *stamp = self.clock;
            self.order.insert((*count, *stamp, key));
            self.age();
        }

        fn age(&mut self) {
            self.uses += 1;
            let Some(every) = R::HALVE_EVERY else {
                return;
            };
            if self.uses < every * self.capacity as u64 {
                return;
            }
            self.uses = 0;
            self.order.clear();
            for (key, (_, count, stamp)) in &mut self.entries {
                *count /= 2;
                self.order.insert((*count, *stamp, *key));
            }
        }
    }

    impl<R: Rule> ForgetfulCache<u32, u32> for Counted<R> {
        fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
            if capacity == 0 {
                return Err(CapacityError::Zero);
            }
            Ok(Counted {
                entries: HashMap::new(),
                order: BTreeSet::new(),
                capacity,
                clock: 0,
                uses: 0,
                rule: PhantomData,
            })
        }
        fn get(&mut self, key: &u32) -> Option<&u32> {
            self.touch(*key);
            self.entries.get(key).map(|e| &e.0)
        }
        fn peek(&self, key: &u32) -> Option<&u32> {
            self.entries.get(key).map(|e| &e.0)
        }
        fn put(&mut self, key: u32, value: u32) -> Option<(u32, u32)> {
            if let Some(e) = self.entries.get_mut(&key) {
                let old = std::mem::replace(&mut e.0, value);
                self.touch(key);
                return Some((key, old));
            }
            let out = if self.entries.len() == self.capacity {
                let (_, _, victim) = self.order.pop_first()?;
                self.entries.remove(&victim).map(|e| (victim, e.0))
            } else {
                None
            };
            self.clock += 1;
            self.entries.insert(key, (value, 1, self.clock));
            self.order.insert((1, self.clock, key));
            self.age();
            out
        }
        fn remove(&mut self, key: &u32) -> Option<u32> {
            let (value, count, stamp) = self.entries.remove(key)?;
            self.order.remove(&(count, stamp, *key));
            Some(value)
        }
        fn len(&self) -> usize {
            self.entries.len()
        }
        fn capacity(&self) -> usize {
            self.capacity
        }
    }

    /// Which segment of a [`WTinyLfu`] an entry is in.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Segment {
        Window,
        Probation,
        Protected,
    }

    /// W-TinyLFU (Einziger, Friedman and Manes 2017), small: an LRU window of 1 % of the
    /// capacity in front of a segmented LRU (20 % probation, 80 % protected); a candidate leaving
    /// the window enters the main part only if it was used more often than the main part's
    /// victim. Frequencies are exact counts capped at 15 (a sketch's 4-bit counters), all halved
    /// after every 10 × capacity uses.
    struct WTinyLfu {
        entries: HashMap<u32, (u32, Segment, u64)>,
        lists: [BTreeMap<u64, u32>; 3],
        window_cap: usize,
        protected_cap: usize,
        capacity: usize,
        clock: u64,
        freq: HashMap<u32, u8>,
        samples: u64,
    }

    impl WTinyLfu {
        fn list(&mut self, s: Segment) -> &mut BTreeMap<u64, u32> {
            &mut self.lists[s as usize]
        }

        fn record(&mut self, key: u32) {
            let f = self.freq.entry(key).or_default();
            *f = (*f + 1).min(15);
            self.samples += 1;
            if self.samples >= 10 * self.capacity as u64 {
                self.samples = 0;
                self.freq.retain(|_, f| {
                    *f /= 2;
                    *f > 0
                });
            }
        }

        fn frequency(&self, key: u32) -> u8 {
            self.freq.get(&key).copied().unwrap_or(0)
        }

        /// Moves `key` to the most recent end of segment `to`.
        fn place(&mut self, key: u32, to: Segment) {
            self.clock += 1;
            let stamp = self.clock;
            let (from, old) = {
                let e = self.entries.get_mut(&key).expect("placed keys are held");
                let was = (e.1, e.2);
                e.1 = to;
                e.2 = stamp;
                was
            };
            self.list(from).remove(&old);
            self.list(to).insert(stamp, key);
        }

        fn hit(&mut self, key: u32) {
            match self.entries[&key].1 {
                Segment::Window => self.place(key, Segment::Window),
                Segment::Probation | Segment::Protected => {
                    self.place(key, Segment::Protected);
                    if self.list(Segment::Protected).len() > self.protected_cap {
                        let demoted = oldest(&self.lists[Segment::Protected as usize]);
                        self.place(demoted, Segment::Probation);
                    }
                }
            }
        }

        fn evict(&mut self, key: u32) -> (u32, u32) {
            let (value, s, stamp) = self.entries.remove(&key).expect("evicted keys are held");
            self.list(s).remove(&stamp);
            (key, value)
        }
    }

    /// The least recent key of a segment.
    fn oldest(list: &BTreeMap<u64, u32>) -> u32 {
        *list
            .first_key_value()
            .expect("a full segment has an oldest")
            .1
    }

    impl ForgetfulCache<u32, u32> for WTinyLfu {
        fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
            if capacity == 0 {
                return Err(CapacityError::Zero);
            }
            let window_cap = (capacity / 100).max(1);
            Ok(WTinyLfu {
                entries: HashMap::new(),
                lists: Default::default(),
                window_cap,
                protected_cap: (capacity - window_cap) * 4 / 5,
                capacity,
                clock: 0,
                freq: HashMap::new(),
                samples: 0,
            })
        }
        fn get(&mut self, key: &u32) -> Option<&u32> {
            self.record(*key);
            if self.entries.contains_key(key) {
                self.hit(*key);
            }
            self.entries.get(key).map(|e| &e.0)
        }
        fn peek(&self, key: &u32) -> Option<&u32> {
            self.entries.get(key).map(|e| &e.0)
        }
        fn put(&mut self, key: u32, value: u32) -> Option<(u32, u32)> {
            if let Some(e) = self.entries.get_mut(&key) {
                let old = std::mem::replace(&mut e.0, value);
                self.record(key);
                self.hit(key);
                return Some((key, old));
            }
            self.clock += 1;
            let stamp = self.clock;
            self.entries.insert(key, (value, Segment::Window, stamp));
            self.list(Segment::Window).insert(stamp, key);
            if self.list(Segment::Window).len() <= self.window_cap {
                return None;
            }
            let candidate = oldest(&self.lists[Segment::Window as usize]);
            if self.entries.len() <= self.capacity {
                self.place(candidate, Segment::Probation);
                return None;
            }
            let victim = self.lists[Segment::Probation as usize]
                .first_key_value()
                .or_else(|| self.lists[Segment::Protected as usize].first_key_value())
                .map(|(_, k)| *k)
                .expect("a full main part has a victim");
            if self.frequency(candidate) > self.frequency(victim) {
                let out = self.evict(victim);
                self.place(candidate, Segment::Probation);
                Some(out)
            } else {
                Some(self.evict(candidate))
            }
        }
        fn remove(&mut self, key: &u32) -> Option<u32> {
            self.entries.contains_key(key).then(|| self.evict(*key).1)
        }
        fn len(&self) -> usize {
            self.entries.len()
        }
        fn capacity(&self) -> usize {
            self.capacity
        }
    }

    /// The hit ratios of `C` as the stage measures them, with LRU's and LFU's, under grading
    /// seed `seed`.
    fn figures<C: ForgetfulCache<u32, u32>>(seed: u64) -> (Ratios, Ratios, Ratios) {
        let (traces, lru, lfu) = base(seed);
        let f = Ratios::measure(traces, |t| {
            let mut cache = C::with_capacity(CAPACITY).expect("capacity");
            checked_hits(t, CAPACITY, true, &mut Forgetful(&mut cache))
                .expect("within the contract")
        });
        (*lru, *lfu, f)
    }

    /// The traces of grading seed `seed` (one of [`SEEDS`]) with LRU's and LFU's ratios on them,
    /// computed once for all the tests.
    fn base(seed: u64) -> &'static (Traces, Ratios, Ratios) {
        static BASES: [std::sync::OnceLock<(Traces, Ratios, Ratios)>; SEEDS.len()] =
            [const { std::sync::OnceLock::new() }; SEEDS.len()];
        let i = SEEDS.iter().position(|s| *s == seed).expect("one of SEEDS");
        BASES[i].get_or_init(|| {
            let ctx = Ctx::new(Reporter::in_memory(), seed);
            let traces = Traces::new(ctx.sub_seed(4), ctx.sub_seed(44));
            let lru = Ratios::measure(&traces, |t| lru_hits(t, CAPACITY));
            let lfu = Ratios::measure(&traces, |t| lfu_hits(t, CAPACITY));
            (traces, lru, lfu)
        })
    }

    /// The Zipf hit ratio of exact LFU shards of `CAPACITY / SHARDS` entries each (the first
    /// `CAPACITY % SHARDS` one more), keys spread by `hasher`; and the exact LFU's.
    fn sharded_ratio(seed: u64, hasher: &impl std::hash::BuildHasher) -> f64 {
        let (traces, _, _) = base(seed);
        let mut parts = vec![Vec::new(); SHARDS];
        for &k in &traces.zipf {
            parts[hasher.hash_one(k) as usize % SHARDS].push(k);
        }
        let hits: usize = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let cap = CAPACITY / SHARDS + usize::from(i < CAPACITY % SHARDS);
                lfu_hits(p, cap).iter().filter(|h| **h).count()
            })
            .sum();
        hits as f64 / traces.zipf.len() as f64
    }

    /// The grading seed by default, and two others.
    const SEEDS: [u64; 3] = [crate::runner::DEFAULT_SEED, 1, 0xC0FFEE];

    /// The figures of `C` on every seed, with how far each lies above its floor (negative:
    /// below).
    fn slack<C: ForgetfulCache<u32, u32>>() -> Vec<(u64, [(String, f64); 4])> {
        SEEDS
            .iter()
            .map(|&seed| {
                let (lru, lfu, f) = figures::<C>(seed);
                let verdicts = forgetful_thresholds(&lru, &lfu).map(|t| {
                    let m = t.judge(&f);
                    let slack = (t.ratio)(&f) - t.floor;
                    assert_eq!(m.passed, slack >= 0.0, "{}", m.name);
                    (
                        format!("{}: {} (needs {})", m.name, m.value, m.threshold),
                        slack,
                    )
                });
                (seed, verdicts)
            })
            .collect()
    }

    /// Asserts that `C` passes every threshold by at least `room` on every seed.
    fn passes_with_room<C: ForgetfulCache<u32, u32>>(design: &str, room: f64) {
        for (seed, verdicts) in slack::<C>() {
            for (what, s) in verdicts {
                assert!(
                    s >= room,
                    "{design}, seed {seed:#x}: {what}, only {s:.4} above the threshold"
                );
            }
        }
    }

    /// Asserts that `C` fails the thresholds whose names contain one of `which`, by at least
    /// `room`, on every seed.
    fn fails<C: ForgetfulCache<u32, u32>>(design: &str, which: &[&str], room: f64) {
        for (seed, verdicts) in slack::<C>() {
            for w in which {
                let (what, s) = verdicts
                    .iter()
                    .find(|(what, _)| what.contains(w))
                    .unwrap_or_else(|| panic!("no threshold named like `{w}`"));
                assert!(
                    *s <= -room,
                    "{design}, seed {seed:#x}: {what}: passes or nearly ({s:.4}), but must fail"
                );
            }
        }
    }

    #[test]
    fn an_aging_lfu_passes_every_threshold_with_room() {
        passes_with_room::<Counted<Aging<8>>>("aging LFU, halving every 8 capacities", 0.02);
        passes_with_room::<Counted<Aging<16>>>("aging LFU, halving every 16 capacities", 0.02);
    }

    #[test]
    fn aging_lfus_at_the_edges_of_the_periods_that_pass_pass_with_less_room() {
        passes_with_room::<Counted<Aging<4>>>("aging LFU, halving every 4 capacities", 0.005);
        passes_with_room::<Counted<Aging<32>>>("aging LFU, halving every 32 capacities", 0.01);
    }

    #[test]
    fn a_w_tinylfu_passes_every_threshold_with_room() {
        passes_with_room::<WTinyLfu>("W-TinyLFU", 0.04);
    }

    #[test]
    fn plain_lfu_fails_to_recover_when_the_favourites_change() {
        fails::<Counted<Lfu>>("plain LFU", &["new favourites", "old favourites"], 0.1);
    }

    #[test]
    fn plain_lru_fails_to_use_frequency_and_to_resist_scans() {
        fails::<Counted<Lru>>(
            "plain LRU",
            &["using frequency", "resisting the scans"],
            0.02,
        );
    }

    #[test]
    fn aging_too_fast_or_too_slow_fails() {
        fails::<Counted<Aging<2>>>(
            "aging every 2 capacities",
            &["using frequency", "resisting the scans"],
            0.008,
        );
        fails::<Counted<Aging<64>>>("aging every 64 capacities", &["new favourites"], 0.05);
    }

    #[test]
    fn exact_lfu_beats_lru_by_the_stated_margins_and_sixteen_shards_stay_close() {
        for seed in SEEDS {
            let (_, lru, lfu) = base(seed);
            assert!(
                lfu.zipf >= lru.zipf + LFU_ZIPF_MARGIN + 0.02,
                "{lfu:?} {lru:?}"
            );
            assert!(
                lfu.scan >= lru.scan + LFU_SCAN_MARGIN + 0.03,
                "{lfu:?} {lru:?}"
            );
            // The lesson of the shifting trace: plain LFU collapses where LRU does not.
            assert!(
                lfu.shift_second < lru.shift_second - 0.15,
                "{lfu:?} {lru:?}"
            );
            let hasher = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default();
            let sharded = sharded_ratio(seed, &hasher);
            assert!(
                sharded >= lfu.zipf - SHARDED_TOLERANCE / 4.0,
                "{sharded} against {}",
                lfu.zipf
            );
        }
    }

    #[test]
    fn the_models_agree_with_the_test_caches_and_the_traces_are_as_documented() {
        let traces = Traces::new(3, 4);
        let lfu = |t: &[u32]| {
            let mut c = Counted::<Lfu>::with_capacity(CAPACITY).expect("capacity");
            checked_hits(t, CAPACITY, true, &mut Forgetful(&mut c)).expect("contract")
        };
        let lru = |t: &[u32]| {
            let mut c = Counted::<Lru>::with_capacity(CAPACITY).expect("capacity");
            checked_hits(t, CAPACITY, true, &mut Forgetful(&mut c)).expect("contract")
        };
        for (name, t) in traces.named() {
            assert_eq!(lfu(t), lfu_hits(t, CAPACITY), "{name}");
            assert_eq!(lru(t), lru_hits(t, CAPACITY), "{name}");
        }
        // Bursts are one-time keys, none of them a Zipf key; the shifted half shares no key
        // with the first.
        let zipf: HashSet<u32> = traces.zipf.iter().copied().collect();
        let burst: Vec<u32> = traces
            .scan
            .iter()
            .zip(&traces.scan_is_zipf)
            .filter(|(_, z)| !**z)
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(burst.len(), REQUESTS.div_ceil(BURST_EVERY) * BURST_LEN);
        assert_eq!(burst.iter().collect::<HashSet<_>>().len(), burst.len());
        assert!(burst.iter().all(|k| !zipf.contains(k)));
        let (first, second) = traces.shift.split_at(REQUESTS / 2);
        let first: HashSet<u32> = first.iter().copied().collect();
        assert!(second.iter().all(|k| !first.contains(k)));
    }

    #[test]
    fn the_contract_check_catches_a_cache_that_keeps_too_much_or_drops_silently() {
        /// Holds everything, evicting nothing.
        struct Hoarder(HashMap<u32, u32>);
        impl Aside for Hoarder {
            fn get(&mut self, key: u32) -> Option<u32> {
                self.0.get(&key).copied()
            }
            fn put(&mut self, key: u32) -> Option<(u32, u32)> {
                self.0.insert(key, key);
                None
            }
        }
        let trace: Vec<u32> = (0..10).collect();
        let e = checked_hits(&trace, 4, true, &mut Hoarder(HashMap::new())).unwrap_err();
        assert!(
            e.contains("request #5") && e.contains("returned None"),
            "{e}"
        );
        /// Forgets everything at once, saying nothing.
        struct Sieve;
        impl Aside for Sieve {
            fn get(&mut self, _: u32) -> Option<u32> {
                None
            }
            fn put(&mut self, _: u32) -> Option<(u32, u32)> {
                None
            }
        }
        let e = checked_hits(&[1, 1], 4, true, &mut Sieve).unwrap_err();
        assert!(e.contains("request #2") && e.contains("is held"), "{e}");
    }
}
