//! Stage 4 of `consistent-hashing`: balance, disruption and the price of virtual nodes, measured.
//!
//! The keys are [`KEYS`] 8-byte keys: the little-endian bytes of sequential u64s from an offset
//! the stage's seed picks ([`Keys`]), so that a hash that does not mix shows at once, and a fresh
//! seed is a fresh input. For each router (modulo, ring with 160 virtual nodes per node, jump,
//! rendezvous, Maglev with 65 537 slots) and each number of nodes of [`NODES`] (10, 100, 1000),
//! one table per router:
//!
//! - **balance**: the keys each node holds; the busiest over the mean (max/mean) and the
//!   coefficient of variation (standard deviation over the mean, CV);
//! - **disruption**: the share of keys that move when one node joins (`n → n + 1`, beside the
//!   ideal `1/(n+1)`: the new node's share) and when one leaves (a node in the middle; for jump,
//!   the last one; beside the ideal `1/n`), and of those, the ones that moved between nodes that
//!   neither joined nor left ("elsewhere": none for the ring, jump and rendezvous; a few for
//!   Maglev; almost all for modulo);
//! - the heap each router holds ([`crate::heap`]).
//!
//! Rendezvous at 1000 nodes scores every node for every key (10^9 scores for a million keys):
//! it is measured over [`RENDEZVOUS_KEYS_AT_1000`] keys there, and its balance bound widens
//! with the sampling noise.
//!
//! The thresholds, and why:
//!
//! - max/mean of modulo, jump, rendezvous and Maglev, whose every node has the same expected
//!   share: at most `1 + 5·sqrt(n/K) + 0.02` over `K` keys ([`balance_bound`]). A node's count
//!   is binomial, with a standard deviation of `sqrt(n/K)` of the mean: 3.2 % at 1000 nodes and
//!   a million keys, where the busiest of 1000 is expected about 3.2 deviations up (1.10); 5
//!   deviations and 0.02 leave room for a table's rounding (Maglev gives each node ⌊M/n⌋ or
//!   ⌈M/n⌉ slots) and for bad luck: 1.18 at 1000 nodes, 1.07 at 100.
//! - max/mean of the ring: at most [`RING_MAX_MEAN`]. With `v` points a node's share varies by
//!   about `1/sqrt(v)` (7.9 % at 160), so the busiest of 1000 holds about 1.27 times the mean.
//! - keys moved, for the ring, jump and rendezvous: at most `1.5 × ideal + 0.005`; for Maglev
//!   `2 × ideal + 0.01`, since its table moves a few slots more than the minimum. For modulo the
//!   figure is printed (about `n/(n+1)`) and must be above 0.5: the anti-example's lesson is real.
//!
//! Then the virtual-node table: a ring of [`VNODE_NODES`] nodes with 1, 10, 100 and 1000 virtual
//! nodes per node, its max/mean, CV (beside `1/sqrt(v)`), heap bytes, bytes per node and per
//! point. Checks: the CV at 1000 is a quarter of the CV at 1 or less (it falls as `1/sqrt(v)`:
//! about 1 at `v` = 1, 0.03 at 1000); the CV at 100 is within a factor of 2 of `1/sqrt(100)`;
//! the heap grows with `v` and holds at most [`BYTES_PER_POINT`] bytes a point (a `u64` position
//! and a `u32` owner, padded to 16 bytes, and as much again in a `Vec`'s spare capacity) plus
//! [`BYTES_PER_NODE`] a node and [`FIXED_BYTES`]: a `String` per point does not fit.
//!
//! Before each router's passes a few thousand lookups are timed, and a router whose lookups
//! would take the stage past [`BUDGET`] is stopped there, with the figures (the complexity
//! stage says how the cost grows).

use std::time::Duration;

use kata_core::consistent_hashing::{NodeId, RingRouter, DEFAULT_TABLE_SIZE, DEFAULT_VNODES};

use super::subject::{built, ones, Jump, Kind, Maglev, Modulo, Rendezvous, Ring, Subject};
use super::ConsistentHashingFamily;
use crate::check::sub_seed;
use crate::measure::thread_time;
use crate::report::Measurement;
use crate::Ctx;

/// Keys looked up per router and size (but rendezvous at 1000 nodes).
pub const KEYS: u64 = 1_000_000;

/// Keys looked up for rendezvous at 1000 nodes (a million would be 10^9 scores).
pub const RENDEZVOUS_KEYS_AT_1000: u64 = 100_000;

/// The numbers of nodes measured.
pub const NODES: [usize; 3] = [10, 100, 1000];

/// The virtual nodes per node of the virtual-node table.
pub const VNODES: [u32; 4] = [1, 10, 100, 1000];

/// The nodes of the virtual-node table's ring.
pub const VNODE_NODES: usize = 100;

/// The most max/mean the ring may have with [`DEFAULT_VNODES`] (see the module documentation).
pub const RING_MAX_MEAN: f64 = 1.5;

/// Standard deviations of sampling noise allowed in [`balance_bound`].
pub const SIGMAS: f64 = 5.0;

/// The slack added in [`balance_bound`].
pub const BALANCE_SLACK: f64 = 0.02;

/// The most heap bytes a ring may hold per point ([`VNODES`] table).
pub const BYTES_PER_POINT: f64 = 32.0;
/// The heap bytes a ring may hold per node beside its points.
pub const BYTES_PER_NODE: f64 = 64.0;
/// The heap bytes a ring may hold beside its points and nodes.
pub const FIXED_BYTES: f64 = 16_384.0;

/// The most CPU time the stage's lookups and builds may be projected to take: far above what a
/// router whose lookups cost what they should needs (the reference takes about 2 s for all),
/// below the stage's time limit.
pub const BUDGET: Duration = Duration::from_secs(60);

/// Lookups timed to project a router's cost.
const SAMPLE: u64 = 2_000;

/// The max/mean a router whose nodes all have the same expected share may show over `keys`
/// keys on `n` nodes (see the module documentation).
pub fn balance_bound(n: usize, keys: u64) -> f64 {
    1.0 + SIGMAS * (n as f64 / keys as f64).sqrt() + BALANCE_SLACK
}

/// Where the stage's keys start: sequential u64s from an offset drawn from the seed (below
/// 2^40), as 8 little-endian bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    /// The first key.
    pub first: u64,
}

impl Keys {
    /// The offset for the stage's `seed`.
    pub fn from_seed(seed: u64) -> Keys {
        Keys {
            first: sub_seed(seed, 71) >> 24,
        }
    }

    /// Key `i`.
    #[inline]
    pub fn key(self, i: u64) -> [u8; 8] {
        (self.first + i).to_le_bytes()
    }
}

/// The keys measured for `kind` at `n` nodes.
pub fn keys_for(kind: Kind, n: usize) -> u64 {
    if kind == Kind::Rendezvous && n >= 1000 {
        RENDEZVOUS_KEYS_AT_1000
    } else {
        KEYS
    }
}

/// What one router measured at one size.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Which router.
    pub kind: Kind,
    /// Nodes.
    pub n: usize,
    /// Keys looked up.
    pub keys: u64,
    /// The busiest node's keys over the mean.
    pub max_mean: f64,
    /// The standard deviation of the nodes' keys over the mean.
    pub cv: f64,
    /// Keys moved when node `n` joined.
    pub join_moved: u64,
    /// Of those, keys that moved to a node other than `n`.
    pub join_elsewhere: u64,
    /// The node that left (from the `n`-node router).
    pub gone: NodeId,
    /// Keys moved when `gone` left.
    pub leave_moved: u64,
    /// Of those, keys that were not on `gone`.
    pub leave_elsewhere: u64,
    /// Heap bytes the `n`-node router held; `None` when not counted.
    pub heap: Option<i64>,
}

impl Figures {
    /// The share of keys moved when a node joined.
    pub fn join(&self) -> f64 {
        self.join_moved as f64 / self.keys as f64
    }

    /// The share of keys moved when a node left.
    pub fn leave(&self) -> f64 {
        self.leave_moved as f64 / self.keys as f64
    }

    /// The balance threshold.
    pub fn balance_limit(&self) -> f64 {
        match self.kind {
            Kind::Ring | Kind::Shared => RING_MAX_MEAN,
            _ => balance_bound(self.n, self.keys),
        }
    }

    /// Whether max/mean is within its threshold.
    pub fn balanced(&self) -> bool {
        self.max_mean <= self.balance_limit()
    }

    /// The most keys a join and a leave may move, as shares: `None` for modulo.
    pub fn moved_limits(&self) -> Option<(f64, f64)> {
        let (a, b) = match self.kind {
            Kind::Modulo => return None,
            Kind::Maglev => (2.0, 0.01),
            _ => (1.5, 0.005),
        };
        let n = self.n as f64;
        Some((a / (n + 1.0) + b, a / n + b))
    }

    /// Whether the keys moved are within their thresholds (for modulo: above half).
    pub fn moved_passed(&self) -> bool {
        match self.moved_limits() {
            None => self.join() > 0.5 && self.leave() > 0.5,
            Some((join, leave)) => self.join() <= join && self.leave() <= leave,
        }
    }
}

/// `loads` as (max/mean, CV).
fn spread(loads: &[u64]) -> (f64, f64) {
    let n = loads.len() as f64;
    let mean = loads.iter().sum::<u64>() as f64 / n;
    let max = loads.iter().copied().max().unwrap_or(0) as f64;
    let var = loads
        .iter()
        .map(|&l| (l as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    (max / mean, var.sqrt() / mean)
}

/// How `S` is described in a table title.
fn detail(kind: Kind) -> String {
    match kind {
        Kind::Modulo => "ModuloRouter (hash mod n)".to_owned(),
        Kind::Ring => format!("Ring ({DEFAULT_VNODES} virtual nodes per node)"),
        Kind::Maglev => format!("Maglev ({DEFAULT_TABLE_SIZE} slots)"),
        other => other.type_name().to_owned(),
    }
}

/// The node of every key `0..count` on `r`, which holds the nodes `0..limit`.
fn assign<S: Subject>(
    r: &S,
    keys: Keys,
    count: u64,
    limit: NodeId,
    what: &str,
) -> Result<Vec<NodeId>, String> {
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let k = keys.key(i);
        match r.node_for(&k) {
            Some(n) if n < limit => out.push(n),
            other => {
                return Err(format!(
                    "{what}: node_for({k:?}) is {other:?}, expected a member (0..{limit})"
                ))
            }
        }
    }
    Ok(out)
}

/// What is left of the stage's CPU budget.
#[derive(Debug)]
struct Budget {
    left: Duration,
}

impl Budget {
    /// Refuses to go on when `lookups` at the pace of `per` (seconds each) would exceed the
    /// budget.
    fn afford(&self, what: &str, per: f64, lookups: u64) -> Result<(), String> {
        let projected = per * lookups as f64;
        if projected <= self.left.as_secs_f64() {
            return Ok(());
        }
        Err(format!(
            "{what}: a lookup takes {:.2} µs (timed over {SAMPLE}), so the {lookups} lookups \
             measured here would take {projected:.0} s of CPU time, more than the {:.0} s left of \
             this stage's budget; stopped here. Look for a lookup that scans (the points of a \
             ring, the buckets of jump); the complexity stage says how the cost grows",
            per * 1e6,
            self.left.as_secs_f64()
        ))
    }

    fn spend(&mut self, d: Duration) {
        self.left = self.left.saturating_sub(d);
    }
}

/// Builds `S` with nodes `0..n`, measures its balance, then the keys moved when node `n` joins,
/// and (from the `n`-node router) when one leaves.
fn measure<S: Subject>(
    n: usize,
    keys: Keys,
    counted: bool,
    budget: &mut Budget,
) -> Result<Figures, String> {
    let kind = S::KIND;
    let count = keys_for(kind, n);
    let start = thread_time();
    let (router, held) = crate::heap::measure(|| -> Result<S, String> {
        let r: S = built(&ones(0..n as NodeId))?;
        // A router that builds its structure on the first lookup builds it now, counted.
        let _ = r.node_for(b"");
        Ok(r)
    });
    let mut r = router?;
    let what = format!("{} with nodes 0..{n}", S::constructor());
    let t = thread_time();
    for i in 0..SAMPLE {
        std::hint::black_box(r.node_for(&keys.key(i)));
    }
    let per = (thread_time() - t).as_secs_f64() / SAMPLE as f64;
    budget.afford(&what, per, 3 * count)?;
    let base = assign(&r, keys, count, n as NodeId, &what)?;
    let mut loads = vec![0u64; n];
    for &x in &base {
        loads[x as usize] += 1;
    }
    let (max_mean, cv) = spread(&loads);
    let new = n as NodeId;
    r.add(new, 1)
        .map_err(|e| format!("{what}: add({new}, 1) failed: {e}"))?;
    let (mut join_moved, mut join_elsewhere) = (0, 0);
    for (i, &was) in base.iter().enumerate() {
        let now = r
            .node_for(&keys.key(i as u64))
            .ok_or_else(|| format!("{what}, add({new}, 1): node_for is None"))?;
        if now != was {
            join_moved += 1;
            join_elsewhere += u64::from(now != new);
        }
    }
    r.remove(new)
        .map_err(|e| format!("{what}, add({new}, 1): remove({new}) failed: {e}"))?;
    let gone = if kind.ordered() { new - 1 } else { new / 2 };
    r.remove(gone)
        .map_err(|e| format!("{what}: remove({gone}) failed: {e}"))?;
    let (mut leave_moved, mut leave_elsewhere) = (0, 0);
    for (i, &was) in base.iter().enumerate() {
        let now = r
            .node_for(&keys.key(i as u64))
            .ok_or_else(|| format!("{what}, remove({gone}): node_for is None"))?;
        if now == gone {
            return Err(format!(
                "{what}, remove({gone}): node_for({:?}) is {gone}, which left",
                keys.key(i as u64)
            ));
        }
        if now != was {
            leave_moved += 1;
            leave_elsewhere += u64::from(was != gone);
        }
    }
    budget.spend(thread_time() - start);
    Ok(Figures {
        kind,
        n,
        keys: count,
        max_mean,
        cv,
        join_moved,
        join_elsewhere,
        gone,
        leave_moved,
        leave_elsewhere,
        heap: counted.then_some(held as i64),
    })
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: ConsistentHashingFamily>(ctx: &mut Ctx) {
    let counted = crate::heap::installed();
    let keys = Keys::from_seed(ctx.seed);
    let mut budget = Budget { left: BUDGET };
    let mut all: Vec<Figures> = Vec::new();
    for kind in [
        Kind::Modulo,
        Kind::Ring,
        Kind::Jump,
        Kind::Rendezvous,
        Kind::Maglev,
    ] {
        let mut mine = Vec::new();
        let title = format!(
            "{}: nodes 0..n for n = 10, 100, 1000, {} keys (8-byte: sequential u64s from {}), \
             looked up; then node n joins; then a node leaves",
            detail(kind),
            if kind == Kind::Rendezvous {
                format!(
                    "{} (at 1000 nodes {})",
                    group(KEYS as i64),
                    group(RENDEZVOUS_KEYS_AT_1000 as i64)
                )
            } else {
                group(KEYS as i64)
            },
            keys.first
        );
        ctx.check(&title, || {
            for n in NODES {
                mine.push(match kind {
                    Kind::Modulo => measure::<Modulo<F::Modulo>>(n, keys, counted, &mut budget)?,
                    Kind::Ring => measure::<Ring<F::Ring>>(n, keys, counted, &mut budget)?,
                    Kind::Jump => measure::<Jump<F::Jump>>(n, keys, counted, &mut budget)?,
                    Kind::Rendezvous => {
                        measure::<Rendezvous<F::Rendezvous>>(n, keys, counted, &mut budget)?
                    }
                    _ => measure::<Maglev<F::Maglev>>(n, keys, counted, &mut budget)?,
                });
            }
            Ok(())
        });
        if !mine.is_empty() {
            table(ctx, kind, &mine);
            verdicts(ctx, &mine);
        }
        all.extend(mine);
    }
    let vnode_rows = vnodes::<F::Ring>(ctx, keys, counted, &mut budget);
    lesson(ctx, &all, &vnode_rows);
}

/// `x` as a percentage.
fn pct(x: f64) -> String {
    let p = x * 100.0;
    if p >= 10.0 {
        format!("{p:.1} %")
    } else if p >= 1.0 {
        format!("{p:.2} %")
    } else {
        format!("{p:.3} %")
    }
}

/// Bytes with a space between groups of three digits.
fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// One router's table.
fn table(ctx: &mut Ctx, kind: Kind, rows: &[Figures]) {
    let body = rows
        .iter()
        .map(|f| {
            let n = f.n as f64;
            vec![
                f.n.to_string(),
                group(f.keys as i64),
                format!("{:.3}", f.max_mean),
                format!("{:.3}", f.cv),
                pct(f.join()),
                pct(1.0 / (n + 1.0)),
                pct(f.join_elsewhere as f64 / f.keys as f64),
                pct(f.leave()),
                pct(1.0 / n),
                pct(f.leave_elsewhere as f64 / f.keys as f64),
                f.heap.map_or("-".to_owned(), group),
            ]
        })
        .collect();
    ctx.table(
        &format!(
            "{}: load per node, and the keys moved when node n joins and when node {} leaves",
            detail(kind),
            if kind.ordered() {
                "n − 1 (the last)"
            } else {
                "n/2"
            }
        ),
        &[
            "nodes",
            "keys",
            "max/mean",
            "CV",
            "join: moved",
            "ideal 1/(n+1)",
            "elsewhere",
            "leave: moved",
            "ideal 1/n",
            "elsewhere",
            "heap bytes",
        ],
        body,
    );
}

/// One router's measurements.
fn verdicts(ctx: &mut Ctx, rows: &[Figures]) {
    for f in rows {
        let name = f.kind.type_name();
        let limit = f.balance_limit();
        let why = if f.balanced() {
            String::new()
        } else {
            match f.kind {
                Kind::Ring | Kind::Shared => format!(
                    ": with {DEFAULT_VNODES} points per node the busiest of {} holds about {:.2} \
                     times the mean; more means the points are not spread evenly (a point hash \
                     that does not mix node and index, or points that collide)",
                    f.n,
                    1.0 + 3.2 / f64::from(DEFAULT_VNODES).sqrt()
                ),
                Kind::Maglev => ": each node should own ⌊M/n⌋ or ⌈M/n⌉ slots; is the table \
                                 filled round-robin, one slot per node per turn?"
                    .to_owned(),
                _ => ": every node should get the same share; the key's hash may not mix \
                       sequential keys, or a reduction (h % n with h of few bits) may favour some \
                       nodes"
                    .to_owned(),
            }
        };
        ctx.measure(Measurement {
            name: format!(
                "{name}, {} nodes, {} keys: max/mean load",
                f.n,
                group(f.keys as i64)
            ),
            value: (f.max_mean * 1000.0).round() / 1000.0,
            unit: "x".into(),
            threshold: match f.kind {
                Kind::Ring | Kind::Shared => format!("<= {limit:.2}{why}"),
                _ => format!(
                    "<= {limit:.3}: 1 + 5·sqrt(n/keys) + 0.02, sampling noise alone is {:.1} % a \
                     node{why}",
                    (f.n as f64 / f.keys as f64).sqrt() * 100.0
                ),
            },
            passed: f.balanced(),
        });
        let (value, threshold) = match f.moved_limits() {
            None => (
                f.join().min(f.leave()),
                format!(
                    "> 50 % for the join ({}) and the leave ({}): hash mod n moves about n/(n+1) \
                     of the keys{}",
                    pct(f.join()),
                    pct(f.leave()),
                    if f.moved_passed() {
                        ""
                    } else {
                        "; fewer here means this is not hash mod n over the members"
                    }
                ),
            ),
            Some((join, leave)) => (
                f.join().max(f.leave()),
                format!(
                    "join {} <= {}, leave {} <= {} ({} × ideal + {}){}",
                    pct(f.join()),
                    pct(join),
                    pct(f.leave()),
                    pct(leave),
                    if f.kind == Kind::Maglev { "2" } else { "1.5" },
                    if f.kind == Kind::Maglev {
                        "1 %"
                    } else {
                        "0.5 %"
                    },
                    if f.moved_passed() {
                        ""
                    } else if f.join_elsewhere + f.leave_elsewhere > 0 {
                        ": keys moved between nodes that neither joined nor left; a change \
                         must move only the keys it must"
                    } else {
                        ""
                    }
                ),
            ),
        };
        ctx.measure(Measurement {
            name: format!(
                "{name}, {} nodes: keys moved when one node joins or leaves (the larger share)",
                f.n
            ),
            value: (value * 100.0 * 1000.0).round() / 1000.0,
            unit: "%".into(),
            threshold,
            passed: f.moved_passed(),
        });
    }
}

/// One row of the virtual-node table.
#[derive(Debug, Clone)]
pub struct VnodeRow {
    /// Virtual nodes per node.
    pub v: u32,
    /// `points()`.
    pub points: usize,
    /// max/mean load.
    pub max_mean: f64,
    /// CV of the load.
    pub cv: f64,
    /// Heap bytes held; `None` when not counted.
    pub heap: Option<i64>,
}

impl VnodeRow {
    /// The most heap the ring may hold.
    pub fn heap_limit(&self) -> f64 {
        BYTES_PER_POINT * self.points as f64 + BYTES_PER_NODE * VNODE_NODES as f64 + FIXED_BYTES
    }
}

/// The virtual-node table and its checks; the rows measured.
fn vnodes<R: RingRouter>(
    ctx: &mut Ctx,
    keys: Keys,
    counted: bool,
    budget: &mut Budget,
) -> Vec<VnodeRow> {
    let mut rows = Vec::new();
    ctx.check(
        &format!(
            "Ring::with_vnodes(v) for v = 1, 10, 100, 1000, nodes 0..{VNODE_NODES}: {} keys \
             looked up, heap measured",
            group(KEYS as i64)
        ),
        || {
            for v in VNODES {
                let start = thread_time();
                let (ring, held) = crate::heap::measure(|| -> Result<R, String> {
                    let mut r =
                        R::with_vnodes(v).map_err(|e| format!("Ring::with_vnodes({v}): {e}"))?;
                    for n in 0..VNODE_NODES as NodeId {
                        r.add(n, 1)
                            .map_err(|e| format!("Ring::with_vnodes({v}): add({n}, 1): {e}"))?;
                    }
                    let _ = r.node_for(b"");
                    Ok(r)
                });
                let r = Ring(ring?);
                let what = format!("Ring::with_vnodes({v}) with nodes 0..{VNODE_NODES}");
                let t = thread_time();
                for i in 0..SAMPLE {
                    std::hint::black_box(r.node_for(&keys.key(i)));
                }
                let per = (thread_time() - t).as_secs_f64() / SAMPLE as f64;
                budget.afford(&what, per, KEYS)?;
                let base = assign(&r, keys, KEYS, VNODE_NODES as NodeId, &what)?;
                let mut loads = vec![0u64; VNODE_NODES];
                for &x in &base {
                    loads[x as usize] += 1;
                }
                let (max_mean, cv) = spread(&loads);
                rows.push(VnodeRow {
                    v,
                    points: r.0.points(),
                    max_mean,
                    cv,
                    heap: counted.then_some(held as i64),
                });
                budget.spend(thread_time() - start);
            }
            Ok(())
        },
    );
    if rows.is_empty() {
        return rows;
    }
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.v.to_string(),
                group(r.points as i64),
                format!("{:.3}", r.max_mean),
                format!("{:.3}", r.cv),
                format!("{:.3}", 1.0 / f64::from(r.v).sqrt()),
                r.heap.map_or("-".to_owned(), group),
                r.heap
                    .map_or("-".to_owned(), |h| group(h / VNODE_NODES as i64)),
                r.heap.map_or("-".to_owned(), |h| {
                    format!("{:.1}", h as f64 / r.points.max(1) as f64)
                }),
            ]
        })
        .collect();
    ctx.table(
        &format!(
            "virtual nodes: a ring of {VNODE_NODES} nodes, {} keys: balance bought with memory",
            group(KEYS as i64)
        ),
        &[
            "v",
            "points",
            "max/mean",
            "CV",
            "1/sqrt(v)",
            "heap bytes",
            "bytes/node",
            "bytes/point",
        ],
        body,
    );
    if rows.len() < VNODES.len() {
        return rows;
    }
    let at = |v: u32| rows.iter().find(|r| r.v == v).expect("every v measured");
    let (one, hundred, thousand) = (at(1), at(100), at(1000));
    ctx.measure(Measurement {
        name: "Ring of 100 nodes: CV of the load at 1000 virtual nodes over the CV at 1".to_owned(),
        value: (thousand.cv / one.cv * 1000.0).round() / 1000.0,
        unit: "x".into(),
        threshold: format!(
            "<= 0.25 (CV {:.3} at v = 1000, {:.3} at v = 1; it falls as 1/sqrt(v), about 1/30 \
             here){}",
            thousand.cv,
            one.cv,
            if thousand.cv <= one.cv / 4.0 {
                ""
            } else {
                ": do more virtual nodes give more points, each placed by its own hash?"
            }
        ),
        passed: thousand.cv <= one.cv / 4.0,
    });
    let ideal = 0.1;
    ctx.measure(Measurement {
        name: "Ring of 100 nodes, 100 virtual nodes per node: CV of the load".to_owned(),
        value: (hundred.cv * 1000.0).round() / 1000.0,
        unit: "".into(),
        threshold: format!(
            "within a factor of 2 of 1/sqrt(100) = {ideal}: [{:.2}, {:.2}]{}",
            ideal / 2.0,
            ideal * 2.0,
            if hundred.cv > ideal * 2.0 {
                ": the points are not spread evenly (a point hash that does not mix the node and \
                 the index)"
            } else if hundred.cv < ideal / 2.0 {
                ": better than random points can be: are they placed evenly by design rather \
                 than hashed?"
            } else {
                ""
            }
        ),
        passed: (ideal / 2.0..=ideal * 2.0).contains(&hundred.cv),
    });
    if rows.iter().all(|r| r.heap.is_some()) {
        let grows = rows
            .windows(2)
            .all(|w| w[0].heap.unwrap_or(0) < w[1].heap.unwrap_or(0));
        let worst = rows
            .iter()
            .max_by(|a, b| {
                let over = |r: &VnodeRow| r.heap.unwrap_or(0) as f64 / r.heap_limit();
                over(a).total_cmp(&over(b))
            })
            .expect("rows");
        let held = worst.heap.unwrap_or(0);
        let fits = rows
            .iter()
            .all(|r| r.heap.unwrap_or(0) as f64 <= r.heap_limit());
        ctx.measure(Measurement {
            name: format!(
                "Ring of 100 nodes: heap bytes per point, the fullest against its limit (v = {}, \
                 {} points)",
                worst.v, worst.points
            ),
            value: (held as f64 / worst.points.max(1) as f64 * 10.0).round() / 10.0,
            unit: "bytes".into(),
            threshold: format!(
                "heap <= {BYTES_PER_POINT} bytes a point + {BYTES_PER_NODE} a node + \
                 {FIXED_BYTES} at every v ({} here), and growing with v{}",
                group(worst.heap_limit() as i64),
                if !grows {
                    ": the heap does not grow with the virtual nodes: where are the points?"
                } else if !fits {
                    ": a point is a u64 position and a u32 owner (12 to 16 bytes); a String or a \
                     Box per point, or a map per point, costs several times that"
                } else {
                    ""
                }
            ),
            passed: grows && fits,
        });
    } else {
        ctx.note(
            "Memory not measured: this process does not count heap bytes (the counting \
             allocator, kata_suites::heap, is installed by the runners only).",
        );
    }
    rows
}

/// The closing note: the lesson, with this run's figures where they passed their checks.
fn lesson(ctx: &mut Ctx, all: &[Figures], vnodes: &[VnodeRow]) {
    let find = |kind, n| all.iter().find(|f| f.kind == kind && f.n == n);
    let mut text = String::from(
        "What this shows: when one node joins n, the least a router can move is the new node's \
         share, 1/(n+1) of the keys; hash mod n moves about n/(n+1) of them, since almost every \
         key's remainder changes. ",
    );
    let joins: Vec<String> = [
        Kind::Modulo,
        Kind::Ring,
        Kind::Jump,
        Kind::Rendezvous,
        Kind::Maglev,
    ]
    .iter()
    .filter_map(|&k| find(k, 10).filter(|f| f.moved_passed()))
    .map(|f| format!("{} {}", f.kind.type_name(), pct(f.join())))
    .collect();
    if !joins.is_empty() {
        text.push_str(&format!(
            "Measured here, when an 11th node joined 10: {} (ideal 9.09 %). ",
            joins.join(", ")
        ));
    }
    let balance: Vec<String> = [Kind::Ring, Kind::Jump, Kind::Rendezvous, Kind::Maglev]
        .iter()
        .filter_map(|&k| find(k, 1000).filter(|f| f.balanced()))
        .map(|f| {
            format!(
                "{} {:.2}{}",
                f.kind.type_name(),
                f.max_mean,
                if f.keys == KEYS {
                    String::new()
                } else {
                    format!(
                        " (over {} keys: sampling alone gives about 1.3)",
                        group(f.keys as i64)
                    )
                }
            )
        })
        .collect();
    if !balance.is_empty() {
        text.push_str(&format!(
            "At 1000 nodes the busiest node holds, over the mean: {}; with a million keys \
             sampling alone gives about 1.1. ",
            balance.join(", ")
        ));
    }
    if let Some(f) = find(Kind::Maglev, 1000).filter(|f| f.moved_passed()) {
        text.push_str(&format!(
            "Maglev's table moves more than the minimum when few slots are left per node: at \
             1000 nodes ({} slots each) a join moved {} of the keys where 1/(n+1) is {}, {} of \
             them between nodes that stayed; a table of 100 slots per node or more keeps that \
             small. ",
            DEFAULT_TABLE_SIZE / 1000,
            pct(f.join()),
            pct(1.0 / 1001.0),
            pct(f.join_elsewhere as f64 / f.keys as f64)
        ));
    }
    if let (Some(one), Some(big)) = (
        vnodes.iter().find(|r| r.v == 1),
        vnodes.iter().find(|r| r.v == 1000),
    ) {
        text.push_str(&format!(
            "Virtual nodes buy balance with memory: with 1 point per node the busiest of 100 \
             holds {:.2} times the mean, with 1000 points {:.2}",
            one.max_mean, big.max_mean
        ));
        if let Some(h) = big.heap {
            text.push_str(&format!(
                ", for {} bytes per node",
                group(h / VNODE_NODES as i64)
            ));
        }
        text.push_str(". ");
    }
    text.push_str(
        "Jump needs no memory but its node list and moves exactly the new node's share, but \
         removes only the last node; rendezvous costs a score per node per lookup; Maglev looks \
         up in one read and moves a little more than the minimum.",
    );
    ctx.note(text);
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::{Bug, TinyJump, TinyMaglev, TinyModulo, TinyRing};
    use super::*;

    fn figures<S: Subject>(n: usize) -> Figures {
        let mut budget = Budget { left: BUDGET };
        measure::<S>(n, Keys::from_seed(1), false, &mut budget).expect("measured")
    }

    #[test]
    fn correct_routers_pass_and_mistakes_fail_their_thresholds() {
        for n in [10, 100] {
            let f = figures::<Ring<TinyRing<{ Bug::NONE }>>>(n);
            assert!(f.balanced() && f.moved_passed(), "{f:?}");
            assert_eq!((f.join_elsewhere, f.leave_elsewhere), (0, 0), "{f:?}");
            let f = figures::<Jump<TinyJump<{ Bug::NONE }>>>(n);
            assert!(f.balanced() && f.moved_passed(), "{f:?}");
            let f = figures::<Maglev<TinyMaglev>>(n);
            assert!(f.balanced() && f.moved_passed(), "{f:?}");
            let f = figures::<Modulo<TinyModulo>>(n);
            assert!(f.balanced() && f.moved_passed(), "{f:?}");
            // A ring whose virtual nodes collide: four points per node, whatever v.
            let f = figures::<Ring<TinyRing<{ Bug::RING_FEW_POINTS }>>>(n);
            assert!(!f.balanced(), "{f:?}");
            // A "ring" that takes point h % points: it moves most keys.
            let f = figures::<Ring<TinyRing<{ Bug::RING_MODULO }>>>(n);
            assert!(!f.moved_passed(), "{f:?}");
        }
    }

    fn vnode_failures<R: RingRouter>() -> Vec<(String, String)> {
        super::super::tiny::failures(|ctx| {
            let mut budget = Budget { left: BUDGET };
            vnodes::<R>(
                ctx,
                Keys::from_seed(1),
                crate::heap::installed(),
                &mut budget,
            );
        })
    }

    #[test]
    fn the_virtual_node_checks_pass_a_ring_and_fail_colliding_points() {
        assert_eq!(vnode_failures::<TinyRing<{ Bug::NONE }>>(), vec![]);
        let failed = vnode_failures::<TinyRing<{ Bug::RING_FEW_POINTS }>>();
        assert!(
            failed
                .iter()
                .any(|(n, _)| n.contains("1000 virtual nodes over the CV at 1")),
            "{failed:?}"
        );
    }

    #[test]
    fn bounds_follow_the_sampling_noise() {
        assert!((balance_bound(1000, KEYS) - 1.178).abs() < 0.001);
        assert!((balance_bound(100, KEYS) - 1.07).abs() < 0.001);
        assert!((balance_bound(1000, RENDEZVOUS_KEYS_AT_1000) - 1.52).abs() < 0.001);
        assert_eq!(spread(&[1, 1, 1, 1]), (1.0, 0.0));
        let (mm, cv) = spread(&[2, 0]);
        assert!((mm - 2.0).abs() < 1e-12 && (cv - 1.0).abs() < 1e-12);
        assert_eq!(group(1_234_567), "1 234 567");
        assert_eq!(pct(0.0909), "9.09 %");
    }
}
