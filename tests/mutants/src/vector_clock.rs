//! Known-wrong `vector-clock` implementations.
//!
//! Every family pairs a clock with [`VStore`], a store of dotted versions over that clock; one of
//! the two has one mistake, switched on by its `BUG` parameter:
//!
//! - [`SortedClock`]: the reference's design (entries sorted by node in a `Vec`) with one mistake
//!   in `tick`, `merge` or `compare`;
//! - [`DenseClock`]: a counter per node id in a `Vec<u64>` indexed by the id (correct answers,
//!   8 bytes for every id up to the largest);
//! - [`CowClock`]: another clock behind a copy-on-write `Arc` (correct over a sparse clock);
//! - [`SharedClock`]: entries behind an `Arc<Mutex<..>>`, so that a clone shares them;
//! - [`UnsortedClock`]: entries in the order first seen, every lookup a scan (O(n²) compare);
//! - [`VStore`]: the versions in a `Vec`, with one mistake in `put`, `get` or `receive`.

use std::marker::PhantomData;

use kata_core::catalogue::Stage;
use kata_core::sync::{Arc, Mutex};
use kata_core::vector_clock::{
    Causality, ClockError, Dot, NodeId, Read, VectorClock, Version, VersionedStore,
};
use kata_suites::vector_clock::VectorClockFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "vector-clock", suite vector_clock, reference R: VectorClockFamily;
    "equal-is-before" => With<SortedClock<EQUAL_IS_BEFORE>, CORRECT> {
        mistake: "compare answers Before when the clocks are equal (it tests `all <=` and stops \
                   there)",
        rejected_by: [examples],
        passes: [],
    }
    "missing-skipped" => With<SortedClock<MISSING_SKIPPED>, CORRECT> {
        mistake: "compare looks only at the nodes both clocks have: a node missing on one side \
                   is skipped instead of counting 0 there, so {1: 1} and {2: 1} are Equal",
        rejected_by: [examples],
        passes: [],
    }
    "sum-merge" => With<SortedClock<SUM_MERGE>, CORRECT> {
        mistake: "merge adds the counters of a node instead of taking the larger",
        rejected_by: [examples],
        passes: [],
    }
    "wrapping-tick" => With<SortedClock<WRAPPING_TICK>, CORRECT> {
        mistake: "tick adds with wrapping_add: a counter at u64::MAX goes to 0 instead of \
                   refusing",
        rejected_by: [examples],
        passes: [],
    }
    "merge-drops-tail" => With<SortedClock<MERGE_DROPS_TAIL>, CORRECT> {
        mistake: "merge walks both entry lists, then appends what is left of its own but forgets \
                   what is left of the other's: nodes only the other clock has past its own last \
                   node are lost",
        rejected_by: [examples, properties],
        passes: [],
    }
    "lamport-compare" => With<SortedClock<LAMPORT_COMPARE>, CORRECT> {
        mistake: "compare orders clocks by the sum of their counters, as Lamport timestamps are \
                   ordered: Concurrent only for equal sums",
        rejected_by: [examples, quality],
        passes: [],
    }
    "blind-overwrite" => With<SortedClock<CORRECT>, BLIND_OVERWRITE> {
        mistake: "the classic per-replica store: a put through node n replaces every version n \
                   coordinated before, as if ticking n's entry made the new version descend \
                   from them; two blind writes through one node keep only the second",
        rejected_by: [examples, concurrency],
        passes: [],
    }
    "context-without-dots" => With<SortedClock<CORRECT>, CONTEXT_WITHOUT_DOTS> {
        mistake: "get's context merges the siblings' contexts but not their dots: a write with \
                   it replaces none of the siblings it read",
        rejected_by: [examples],
        passes: [],
    }
    "receive-drops-concurrent" => With<SortedClock<CORRECT>, RECEIVE_DROPS_CONCURRENT> {
        mistake: "receive keeps a replicated version only when it supersedes every version held, \
                   as if a version that is not newer were older: a concurrent write is lost",
        rejected_by: [examples, concurrency],
        passes: [],
    }
    "put-drops-before-overflow" => With<SortedClock<CORRECT>, DROPS_BEFORE_OVERFLOW> {
        mistake: "put drops the versions its context covers, then finds that the new counter \
                   would pass u64::MAX and returns Overflow: the refused write has already \
                   deleted what its writer read",
        rejected_by: [examples],
        passes: [],
    }
    "zero-dot-checked-late" => With<SortedClock<CORRECT>, ZERO_DOT_CHECKED_LATE> {
        mistake: "receive answers Ok(false) for a version already covered, and drops what the \
                   new version supersedes, before refusing a dot with counter 0: a zero dot is \
                   covered by every clock, so on a store holding versions it is never refused",
        rejected_by: [examples],
        passes: [],
    }
    "context-last-dot" => With<SortedClock<CORRECT>, CONTEXT_LAST_DOT> {
        mistake: "get's context sets each sibling's node to its dot's counter in the order the \
                   siblings are held, instead of taking the larger: a node's older sibling held \
                   after its newer one lowers the context, and the write with it keeps a \
                   sibling it read",
        rejected_by: [properties],
        passes: [examples],
    }
    "counter-ignores-contexts" => With<SortedClock<CORRECT>, COUNTER_IGNORES_CONTEXTS> {
        mistake: "put numbers its write one more than the largest dot of its node held or in \
                   the context passed, not looking at the held versions' contexts: once all of \
                   a node's versions were superseded elsewhere, it gives a dot again that a \
                   held context already covers",
        rejected_by: [properties],
        passes: [examples],
    }
    "dense-clock" => With<DenseClock, CORRECT> {
        mistake: "a counter per node id in a Vec<u64> indexed by the id: every answer right \
                   (len and entries skip the zeros), but 8 bytes for every id up to the largest \
                   node heard of, not per node",
        rejected_by: [quality],
        passes: [examples, properties, concurrency],
    }
    "dense-arc" => With<CowClock<DenseClock>, CORRECT> {
        mistake: "the dense Vec<u64> by node id behind a copy-on-write Arc (Arc::make_mut before \
                   each change): a clone only bumps a count, but every clock that changed holds \
                   its own array of 8 bytes for every id up to the largest",
        rejected_by: [quality],
        passes: [examples],
    }
    "shared-clone" => With<SharedClock, CORRECT> {
        mistake: "the entries live behind an Arc<Mutex<..>> so that a clone is cheap, and a \
                   clone shares them: the clock sent in a message goes on changing with the \
                   sender's, and the receiver merges events it never heard of",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "quadratic-compare" => With<UnsortedClock, CORRECT> {
        mistake: "entries in the order first seen, in a Vec: compare looks each node of one \
                   clock up in the other by a scan, O(n²)",
        rejected_by: [complexity],
        slow_in: "compare",
        passes: [examples, properties],
    }
    "insert-merge" => With<SortedClock<INSERT_MERGE>, CORRECT> {
        mistake: "merge inserts each of the other's new nodes into the sorted Vec one by one \
                   (binary search, then Vec::insert shifting the rest): O(n²) when many are new",
        rejected_by: [complexity],
        slow_in: "merge",
        passes: [examples, properties],
    }
    "sort-merge" => With<SortedClock<SORT_MERGE>, CORRECT> {
        mistake: "merge appends the other's entries and sorts the lot, then keeps the largest \
                   counter of each node: O(n log n) where one walk is O(n)",
        rejected_by: [complexity],
        slow_in: "merge",
        passes: [examples, properties],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: VectorClockFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::vector_clock`).
        "btree" => kata_suites::grade!(
            vector_clock,
            crate::alternatives::vector_clock::BTreeFamily,
            R,
            stage,
            ctx,
            all
        ),
        // Another: the reference's sorted entries behind a copy-on-write `Arc`, which the
        // quality stage's heap count must not mistake for the dense `dense-arc`.
        "cow-sorted" => kata_suites::grade!(
            vector_clock,
            With<CowClock<SortedClock<CORRECT>>, CORRECT>,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no vector-clock mutant named `{name}`")),
    }
}

/// A family of clock `C` and [`VStore`] with store mistake `S`.
pub struct With<C, const S: u8>(PhantomData<C>);

impl<C: VectorClock + Send + Sync + 'static, const S: u8> VectorClockFamily for With<C, S> {
    type Clock = C;
    type Store<V: Clone + Send + 'static> = VStore<V, C, S>;
}

/// No mistake.
pub const CORRECT: u8 = 0;
const EQUAL_IS_BEFORE: u8 = 1;
const MISSING_SKIPPED: u8 = 2;
const SUM_MERGE: u8 = 3;
const WRAPPING_TICK: u8 = 4;
const MERGE_DROPS_TAIL: u8 = 5;
const LAMPORT_COMPARE: u8 = 6;
const INSERT_MERGE: u8 = 7;
const SORT_MERGE: u8 = 8;

const BLIND_OVERWRITE: u8 = 1;
const CONTEXT_WITHOUT_DOTS: u8 = 2;
const RECEIVE_DROPS_CONCURRENT: u8 = 3;
const CONTEXT_LAST_DOT: u8 = 4;
const COUNTER_IGNORES_CONTEXTS: u8 = 5;
const DROPS_BEFORE_OVERFLOW: u8 = 6;
const ZERO_DOT_CHECKED_LATE: u8 = 7;

fn relation(less: bool, greater: bool) -> Causality {
    match (less, greater) {
        (false, false) => Causality::Equal,
        (true, false) => Causality::Before,
        (false, true) => Causality::After,
        (true, true) => Causality::Concurrent,
    }
}

fn checked_entries(entries: &[(NodeId, u64)]) -> Result<Vec<(NodeId, u64)>, ClockError> {
    let mut seen = std::collections::HashSet::new();
    for &(node, c) in entries {
        if c == 0 {
            return Err(ClockError::ZeroCounter { node });
        }
        if !seen.insert(node) {
            return Err(ClockError::DuplicateNode { node });
        }
    }
    Ok(entries.to_vec())
}

/// Entries sorted by node in a `Vec`, with mistake `BUG`.
#[derive(Debug, Clone, Default)]
pub struct SortedClock<const BUG: u8> {
    e: Vec<(NodeId, u64)>,
}

impl<const BUG: u8> VectorClock for SortedClock<BUG> {
    fn new() -> Self {
        SortedClock { e: Vec::new() }
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        match self.e.binary_search_by_key(&node, |x| x.0) {
            Ok(i) => {
                let c = &mut self.e[i].1;
                *c = if BUG == WRAPPING_TICK {
                    c.wrapping_add(1)
                } else {
                    c.checked_add(1).ok_or(ClockError::Overflow { node })?
                };
                Ok(*c)
            }
            Err(i) => {
                self.e.insert(i, (node, 1));
                Ok(1)
            }
        }
    }

    fn get(&self, node: NodeId) -> u64 {
        self.e
            .binary_search_by_key(&node, |x| x.0)
            .map_or(0, |i| self.e[i].1)
    }

    fn merge(&mut self, other: &Self) {
        if BUG == INSERT_MERGE {
            for &(node, c) in &other.e {
                match self.e.binary_search_by_key(&node, |x| x.0) {
                    Ok(i) => self.e[i].1 = self.e[i].1.max(c),
                    Err(i) => self.e.insert(i, (node, c)),
                }
            }
            return;
        }
        if BUG == SORT_MERGE {
            let mut all = self.e.clone();
            all.extend_from_slice(&other.e);
            all.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            all.dedup_by_key(|x| x.0);
            self.e = all;
            return;
        }
        let (a, b) = (&self.e, &other.e);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].0 < b[j].0 {
                out.push(a[i]);
                i += 1;
            } else if b[j].0 < a[i].0 {
                out.push(b[j]);
                j += 1;
            } else {
                let c = if BUG == SUM_MERGE {
                    a[i].1.saturating_add(b[j].1)
                } else {
                    a[i].1.max(b[j].1)
                };
                out.push((a[i].0, c));
                i += 1;
                j += 1;
            }
        }
        out.extend_from_slice(&a[i..]);
        if BUG != MERGE_DROPS_TAIL {
            out.extend_from_slice(&b[j..]);
        }
        self.e = out;
    }

    fn compare(&self, other: &Self) -> Causality {
        if BUG == LAMPORT_COMPARE {
            let sum = |e: &[(NodeId, u64)]| e.iter().map(|x| u128::from(x.1)).sum::<u128>();
            return match sum(&self.e).cmp(&sum(&other.e)) {
                std::cmp::Ordering::Less => Causality::Before,
                std::cmp::Ordering::Greater => Causality::After,
                std::cmp::Ordering::Equal if self.e == other.e => Causality::Equal,
                std::cmp::Ordering::Equal => Causality::Concurrent,
            };
        }
        let (a, b) = (&self.e, &other.e);
        let (mut less, mut greater) = (false, false);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].0 < b[j].0 {
                greater |= BUG != MISSING_SKIPPED;
                i += 1;
            } else if b[j].0 < a[i].0 {
                less |= BUG != MISSING_SKIPPED;
                j += 1;
            } else {
                less |= a[i].1 < b[j].1;
                greater |= a[i].1 > b[j].1;
                i += 1;
                j += 1;
            }
        }
        if BUG != MISSING_SKIPPED {
            greater |= i < a.len();
            less |= j < b.len();
        }
        if BUG == EQUAL_IS_BEFORE && !greater {
            return Causality::Before;
        }
        relation(less, greater)
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        self.e.clone()
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        let mut e = checked_entries(entries)?;
        e.sort_unstable();
        Ok(SortedClock { e })
    }

    fn len(&self) -> usize {
        self.e.len()
    }
}

/// A counter per node id, indexed by the id.
#[derive(Debug, Clone, Default)]
pub struct DenseClock {
    c: Vec<u64>,
}

impl DenseClock {
    fn slot(&mut self, node: NodeId) -> &mut u64 {
        let i = node as usize;
        if i >= self.c.len() {
            self.c.resize(i + 1, 0);
        }
        &mut self.c[i]
    }
}

impl VectorClock for DenseClock {
    fn new() -> Self {
        DenseClock { c: Vec::new() }
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        let s = self.slot(node);
        *s = s.checked_add(1).ok_or(ClockError::Overflow { node })?;
        Ok(*s)
    }

    fn get(&self, node: NodeId) -> u64 {
        self.c.get(node as usize).copied().unwrap_or(0)
    }

    fn merge(&mut self, other: &Self) {
        if other.c.len() > self.c.len() {
            self.c.resize(other.c.len(), 0);
        }
        for (a, b) in self.c.iter_mut().zip(&other.c) {
            *a = (*a).max(*b);
        }
    }

    fn compare(&self, other: &Self) -> Causality {
        let n = self.c.len().max(other.c.len());
        let (mut less, mut greater) = (false, false);
        for i in 0..n {
            let (a, b) = (
                self.c.get(i).copied().unwrap_or(0),
                other.c.get(i).copied().unwrap_or(0),
            );
            less |= a < b;
            greater |= a > b;
        }
        relation(less, greater)
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        self.c
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| (i as NodeId, c))
            .collect()
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        let mut out = DenseClock::new();
        for (node, c) in checked_entries(entries)? {
            *out.slot(node) = c;
        }
        Ok(out)
    }

    fn len(&self) -> usize {
        self.c.iter().filter(|&&c| c > 0).count()
    }
}

/// Clock `C` behind a copy-on-write `Arc`: a clone shares it, a change first makes it this
/// clock's own ([`Arc::make_mut`]). Correct over a sparse clock (`cow-sorted`, graded on every
/// stage as a correct design); over [`DenseClock`] the mutant `dense-arc`.
#[derive(Debug, Clone, Default)]
pub struct CowClock<C> {
    c: std::sync::Arc<C>,
}

impl<C: VectorClock + Default> VectorClock for CowClock<C> {
    fn new() -> Self {
        CowClock::default()
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        // Refused before copying: a full counter leaves a shared clock shared.
        if self.c.get(node) == u64::MAX {
            return Err(ClockError::Overflow { node });
        }
        std::sync::Arc::make_mut(&mut self.c).tick(node)
    }

    fn get(&self, node: NodeId) -> u64 {
        self.c.get(node)
    }

    fn merge(&mut self, other: &Self) {
        if std::sync::Arc::ptr_eq(&self.c, &other.c) {
            return;
        }
        if self.c.is_empty() {
            self.c = std::sync::Arc::clone(&other.c);
            return;
        }
        std::sync::Arc::make_mut(&mut self.c).merge(&other.c);
    }

    fn compare(&self, other: &Self) -> Causality {
        self.c.compare(&other.c)
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        self.c.entries()
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        Ok(CowClock {
            c: std::sync::Arc::new(C::from_entries(entries)?),
        })
    }

    fn len(&self) -> usize {
        self.c.len()
    }
}

/// Sorted entries behind a shared lock: a clone shares them.
#[derive(Debug, Clone, Default)]
pub struct SharedClock {
    e: Arc<Mutex<SortedClock<CORRECT>>>,
}

impl VectorClock for SharedClock {
    fn new() -> Self {
        SharedClock::default()
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        self.e.lock().tick(node)
    }

    fn get(&self, node: NodeId) -> u64 {
        self.e.lock().get(node)
    }

    fn merge(&mut self, other: &Self) {
        let theirs = other.e.lock().clone();
        self.e.lock().merge(&theirs);
    }

    fn compare(&self, other: &Self) -> Causality {
        let theirs = other.e.lock().clone();
        self.e.lock().compare(&theirs)
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        self.e.lock().entries()
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        Ok(SharedClock {
            e: Arc::new(Mutex::new(SortedClock::from_entries(entries)?)),
        })
    }

    fn len(&self) -> usize {
        self.e.lock().len()
    }
}

/// Entries in the order first seen; every lookup scans.
#[derive(Debug, Clone, Default)]
pub struct UnsortedClock {
    e: Vec<(NodeId, u64)>,
}

impl VectorClock for UnsortedClock {
    fn new() -> Self {
        UnsortedClock { e: Vec::new() }
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        match self.e.iter_mut().find(|x| x.0 == node) {
            Some(x) => {
                x.1 = x.1.checked_add(1).ok_or(ClockError::Overflow { node })?;
                Ok(x.1)
            }
            None => {
                self.e.push((node, 1));
                Ok(1)
            }
        }
    }

    fn get(&self, node: NodeId) -> u64 {
        self.e.iter().find(|x| x.0 == node).map_or(0, |x| x.1)
    }

    fn merge(&mut self, other: &Self) {
        // Linear here: the new nodes are pushed, the known ones found through a map.
        let index: std::collections::HashMap<NodeId, usize> =
            self.e.iter().enumerate().map(|(i, x)| (x.0, i)).collect();
        for &(node, c) in &other.e {
            match index.get(&node) {
                Some(&i) => self.e[i].1 = self.e[i].1.max(c),
                None => self.e.push((node, c)),
            }
        }
    }

    fn compare(&self, other: &Self) -> Causality {
        let (mut less, mut greater) = (false, false);
        for &(node, c) in &self.e {
            let o = other.get(node);
            less |= c < o;
            greater |= c > o;
        }
        for &(node, c) in &other.e {
            if self.get(node) == 0 {
                less |= c > 0;
            }
        }
        relation(less, greater)
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        let mut e = self.e.clone();
        e.sort_unstable();
        e
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        Ok(UnsortedClock {
            e: checked_entries(entries)?,
        })
    }

    fn len(&self) -> usize {
        self.e.len()
    }
}

/// The versions in a `Vec`, over clock `C`, with mistake `BUG`.
#[derive(Debug, Clone)]
pub struct VStore<V, C, const BUG: u8> {
    versions: Vec<Version<V, C>>,
}

impl<V: Clone, C: VectorClock, const BUG: u8> VersionedStore<V> for VStore<V, C, BUG> {
    type Clock = C;

    fn new() -> Self {
        VStore {
            versions: Vec::new(),
        }
    }

    fn put(&mut self, node: NodeId, context: &C, value: V) -> Result<Dot, ClockError> {
        let mut last = context.get(node);
        for v in &self.versions {
            if v.dot.node == node {
                last = last.max(v.dot.counter);
            }
            if BUG != COUNTER_IGNORES_CONTEXTS {
                last = last.max(v.context.get(node));
            }
        }
        if BUG == DROPS_BEFORE_OVERFLOW {
            self.versions.retain(|v| !v.dot.covered_by(context));
        }
        let counter = last.checked_add(1).ok_or(ClockError::Overflow { node })?;
        let dot = Dot { node, counter };
        if BUG == BLIND_OVERWRITE {
            self.versions
                .retain(|v| !v.dot.covered_by(context) && v.dot.node != node);
        } else {
            self.versions.retain(|v| !v.dot.covered_by(context));
        }
        self.versions.push(Version {
            value,
            dot,
            context: context.clone(),
        });
        Ok(dot)
    }

    fn get(&self) -> Read<V, C> {
        let mut context = C::new();
        for v in &self.versions {
            context.merge(&v.context);
        }
        let mut entries = context.entries();
        if BUG != CONTEXT_WITHOUT_DOTS {
            for v in &self.versions {
                match entries.iter_mut().find(|e| e.0 == v.dot.node) {
                    Some(e) if BUG == CONTEXT_LAST_DOT => e.1 = v.dot.counter,
                    Some(e) => e.1 = e.1.max(v.dot.counter),
                    None => entries.push((v.dot.node, v.dot.counter)),
                }
            }
        }
        Read {
            values: self.versions.iter().map(|v| v.value.clone()).collect(),
            context: C::from_entries(&entries).unwrap_or_else(|_| C::new()),
        }
    }

    fn versions(&self) -> Vec<Version<V, C>> {
        self.versions.clone()
    }

    fn receive(&mut self, version: Version<V, C>) -> Result<bool, ClockError> {
        if BUG == ZERO_DOT_CHECKED_LATE {
            if self
                .versions
                .iter()
                .any(|v| v.dot == version.dot || version.dot.covered_by(&v.context))
            {
                return Ok(false);
            }
            self.versions
                .retain(|v| !v.dot.covered_by(&version.context));
        }
        if version.dot.counter == 0 {
            return Err(ClockError::ZeroCounter {
                node: version.dot.node,
            });
        }
        if self
            .versions
            .iter()
            .any(|v| v.dot == version.dot || version.dot.covered_by(&v.context))
        {
            return Ok(false);
        }
        if BUG == RECEIVE_DROPS_CONCURRENT
            && self
                .versions
                .iter()
                .any(|v| !v.dot.covered_by(&version.context))
        {
            return Ok(false);
        }
        self.versions
            .retain(|v| !v.dot.covered_by(&version.context));
        self.versions.push(version);
        Ok(true)
    }

    fn len(&self) -> usize {
        self.versions.len()
    }
}
