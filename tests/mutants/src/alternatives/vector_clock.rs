//! `vector-clock` in another design: a `BTreeMap` clock and a store keyed by dot.
//!
//! - [`MapClock`]: the counters in a `BTreeMap<NodeId, u64>`. `compare` walks both maps' entries
//!   in node order side by side; `merge` walks them the same way and collects the result into a
//!   new map (a `BTreeMap` built from entries in order is built in linear time), so both are
//!   O(a + b) like the reference's sorted `Vec`.
//! - [`DotStore`]: the versions in a `BTreeMap<Dot, (V, MapClock)>`; `get` lists the siblings in
//!   dot order.
//!
//! Graded on every stage as `--mutant btree`. A second correct design, `--mutant cow-sorted`
//! (sorted entries behind a copy-on-write `Arc`), is `crate::vector_clock::CowClock`, beside the
//! dense clock it wraps in the mutant `dense-arc`.

use std::collections::BTreeMap;
use std::iter::Peekable;

use kata_core::vector_clock::{
    Causality, ClockError, Dot, NodeId, Read, VectorClock, Version, VersionedStore,
};
use kata_suites::vector_clock::VectorClockFamily;

/// The `BTreeMap` family.
pub struct BTreeFamily;

impl VectorClockFamily for BTreeFamily {
    type Clock = MapClock;
    type Store<V: Clone + Send + 'static> = DotStore<V>;
}

/// A clock as a `BTreeMap`.
#[derive(Debug, Clone, Default)]
pub struct MapClock {
    map: BTreeMap<NodeId, u64>,
}

/// What one step of a side-by-side walk finds.
enum Step {
    Left(NodeId, u64),
    Right(NodeId, u64),
    Both(NodeId, u64, u64),
}

fn walk<'a>(
    a: &mut Peekable<impl Iterator<Item = (&'a NodeId, &'a u64)>>,
    b: &mut Peekable<impl Iterator<Item = (&'a NodeId, &'a u64)>>,
) -> Option<Step> {
    Some(match (a.peek(), b.peek()) {
        (None, None) => return None,
        (Some(_), None) => {
            let (n, c) = a.next()?;
            Step::Left(*n, *c)
        }
        (None, Some(_)) => {
            let (n, c) = b.next()?;
            Step::Right(*n, *c)
        }
        (Some((x, _)), Some((y, _))) => {
            if x < y {
                let (n, c) = a.next()?;
                Step::Left(*n, *c)
            } else if y < x {
                let (n, c) = b.next()?;
                Step::Right(*n, *c)
            } else {
                let (n, c) = a.next()?;
                let (_, d) = b.next()?;
                Step::Both(*n, *c, *d)
            }
        }
    })
}

impl VectorClock for MapClock {
    fn new() -> Self {
        MapClock::default()
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        let c = self.map.entry(node).or_insert(0);
        match c.checked_add(1) {
            Some(n) => {
                *c = n;
                Ok(n)
            }
            None => Err(ClockError::Overflow { node }),
        }
    }

    fn get(&self, node: NodeId) -> u64 {
        self.map.get(&node).copied().unwrap_or(0)
    }

    fn merge(&mut self, other: &Self) {
        let (mut a, mut b) = (self.map.iter().peekable(), other.map.iter().peekable());
        let mut out = Vec::with_capacity(self.map.len() + other.map.len());
        while let Some(step) = walk(&mut a, &mut b) {
            out.push(match step {
                Step::Left(n, c) | Step::Right(n, c) => (n, c),
                Step::Both(n, c, d) => (n, c.max(d)),
            });
        }
        self.map = out.into_iter().collect();
    }

    fn compare(&self, other: &Self) -> Causality {
        let (mut a, mut b) = (self.map.iter().peekable(), other.map.iter().peekable());
        let (mut less, mut greater) = (false, false);
        while let Some(step) = walk(&mut a, &mut b) {
            match step {
                Step::Left(..) => greater = true,
                Step::Right(..) => less = true,
                Step::Both(_, c, d) => {
                    less |= c < d;
                    greater |= c > d;
                }
            }
        }
        match (less, greater) {
            (false, false) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            (true, true) => Causality::Concurrent,
        }
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        self.map.iter().map(|(&n, &c)| (n, c)).collect()
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        let mut map = BTreeMap::new();
        for &(node, c) in entries {
            if c == 0 {
                return Err(ClockError::ZeroCounter { node });
            }
            if map.insert(node, c).is_some() {
                return Err(ClockError::DuplicateNode { node });
            }
        }
        Ok(MapClock { map })
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

/// The versions keyed by dot.
#[derive(Debug, Clone)]
pub struct DotStore<V> {
    versions: BTreeMap<Dot, (V, MapClock)>,
}

impl<V: Clone> VersionedStore<V> for DotStore<V> {
    type Clock = MapClock;

    fn new() -> Self {
        DotStore {
            versions: BTreeMap::new(),
        }
    }

    fn put(&mut self, node: NodeId, context: &MapClock, value: V) -> Result<Dot, ClockError> {
        let known = self
            .versions
            .iter()
            .map(|(d, (_, c))| {
                if d.node == node {
                    d.counter.max(c.get(node))
                } else {
                    c.get(node)
                }
            })
            .max()
            .unwrap_or(0)
            .max(context.get(node));
        let counter = known.checked_add(1).ok_or(ClockError::Overflow { node })?;
        let dot = Dot { node, counter };
        self.versions.retain(|d, _| !d.covered_by(context));
        self.versions.insert(dot, (value, context.clone()));
        Ok(dot)
    }

    fn get(&self) -> Read<V, MapClock> {
        let mut context = MapClock::new();
        for (dot, (_, c)) in &self.versions {
            context.merge(c);
            let e = context.map.entry(dot.node).or_insert(0);
            *e = (*e).max(dot.counter);
        }
        Read {
            values: self.versions.values().map(|(v, _)| v.clone()).collect(),
            context,
        }
    }

    fn versions(&self) -> Vec<Version<V, MapClock>> {
        self.versions
            .iter()
            .map(|(&dot, (value, context))| Version {
                value: value.clone(),
                dot,
                context: context.clone(),
            })
            .collect()
    }

    fn receive(&mut self, version: Version<V, MapClock>) -> Result<bool, ClockError> {
        if version.dot.counter == 0 {
            return Err(ClockError::ZeroCounter {
                node: version.dot.node,
            });
        }
        if self.versions.contains_key(&version.dot)
            || self
                .versions
                .values()
                .any(|(_, c)| version.dot.covered_by(c))
        {
            return Ok(false);
        }
        self.versions.retain(|d, _| !d.covered_by(&version.context));
        self.versions
            .insert(version.dot, (version.value, version.context));
        Ok(true)
    }

    fn len(&self) -> usize {
        self.versions.len()
    }
}
