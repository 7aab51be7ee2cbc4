//! The peer of the `vector-clock` kata: crdts's `VClock` behind
//! [`kata_core::vector_clock::VectorClock`].
//!
//! crdts keeps a clock as a `BTreeMap<A, u64>` of the actors that ticked (sparse, as the kata's);
//! its `PartialOrd` gives `None` for concurrent clocks, its `merge` (from `CvRDT`) takes the other
//! clock by value and applies its entries one by one, so the adapter clones the other clock
//! first. crdts has no store of dotted versions with this kata's API, so its family keeps the
//! store slot with [`ClockStore`], the reference's algorithm written over any clock: the verdict
//! and the bench are about the clock.
//!
//! The adapter adds what the kata asks of a clock and crdts leaves to its caller: `tick` refuses
//! to pass `u64::MAX` (crdts's `Dot::inc` adds 1 unchecked), and `from_entries` refuses zeros and
//! duplicates.

use kata_core::vector_clock::{
    Causality, ClockError, Dot, NodeId, Read, VectorClock, Version, VersionedStore,
};
use kata_suites::vector_clock::VectorClockFamily;

use crate::Peer;

kata_suites::vector_clock_family!(
    /// The reference `vector-clock`, the yardstick the suite grades the peer against.
    Reference => vector_clock_solution
);

/// crdts's family: its clock, and [`ClockStore`] over it.
pub struct CrdtsFamily;

impl VectorClockFamily for CrdtsFamily {
    type Clock = CrdtsClock;
    type Store<V: Clone + Send + 'static> = ClockStore<V, CrdtsClock>;
}

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    Some(match name {
        "crdts" => crate::grade::grade_vector_clock::<CrdtsFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `vector-clock` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[Peer {
    name: "crdts",
    krate: "crdts",
    version: "7.3",
    design: "VClock: a BTreeMap from actor to counter; partial_cmp checks every entry of one \
             clock against the other by lookup (then the other way), merge applies the other's \
             entries one by one",
    difference: None,
}];

/// crdts's `VClock<u32>`.
#[derive(Debug, Clone, Default)]
pub struct CrdtsClock(crdts::VClock<NodeId>);

impl VectorClock for CrdtsClock {
    fn new() -> Self {
        CrdtsClock(crdts::VClock::new())
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        use crdts::CmRDT;
        if self.0.get(&node) == u64::MAX {
            return Err(ClockError::Overflow { node });
        }
        let dot = self.0.inc(node);
        let counter = dot.counter;
        self.0.apply(dot);
        Ok(counter)
    }

    fn get(&self, node: NodeId) -> u64 {
        self.0.get(&node)
    }

    fn merge(&mut self, other: &Self) {
        use crdts::CvRDT;
        self.0.merge(other.0.clone());
    }

    fn compare(&self, other: &Self) -> Causality {
        match self.0.partial_cmp(&other.0) {
            Some(std::cmp::Ordering::Less) => Causality::Before,
            Some(std::cmp::Ordering::Greater) => Causality::After,
            Some(std::cmp::Ordering::Equal) => Causality::Equal,
            None => Causality::Concurrent,
        }
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        self.0.dots.iter().map(|(&n, &c)| (n, c)).collect()
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        let mut clock = crdts::VClock::new();
        for &(node, counter) in entries {
            if counter == 0 {
                return Err(ClockError::ZeroCounter { node });
            }
            if clock.dots.insert(node, counter).is_some() {
                return Err(ClockError::DuplicateNode { node });
            }
        }
        Ok(CrdtsClock(clock))
    }

    fn len(&self) -> usize {
        self.0.dots.len()
    }
}

/// The versions of one key over clock `C`: the reference's algorithm (a `Vec` of dotted
/// versions, superseded when another's context covers their dot).
#[derive(Debug, Clone)]
pub struct ClockStore<V, C> {
    versions: Vec<Version<V, C>>,
}

impl<V: Clone, C: VectorClock> VersionedStore<V> for ClockStore<V, C> {
    type Clock = C;

    fn new() -> Self {
        ClockStore {
            versions: Vec::new(),
        }
    }

    fn put(&mut self, node: NodeId, context: &C, value: V) -> Result<Dot, ClockError> {
        let mut last = context.get(node);
        for v in &self.versions {
            if v.dot.node == node {
                last = last.max(v.dot.counter);
            }
            last = last.max(v.context.get(node));
        }
        let counter = last.checked_add(1).ok_or(ClockError::Overflow { node })?;
        let dot = Dot { node, counter };
        self.versions.retain(|v| !v.dot.covered_by(context));
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
            if let Ok(d) = C::from_entries(&[(v.dot.node, v.dot.counter)]) {
                context.merge(&d);
            }
        }
        Read {
            values: self.versions.iter().map(|v| v.value.clone()).collect(),
            context,
        }
    }

    fn versions(&self) -> Vec<Version<V, C>> {
        self.versions.clone()
    }

    fn receive(&mut self, version: Version<V, C>) -> Result<bool, ClockError> {
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
        self.versions
            .retain(|v| !v.dot.covered_by(&version.context));
        self.versions.push(version);
        Ok(true)
    }

    fn len(&self) -> usize {
        self.versions.len()
    }
}
