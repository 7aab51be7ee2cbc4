//! Reference solution of the `vector-clock` kata.
//!
//! - [`VClock`]: a sparse vector clock, its entries `(node, counter)` in a `Vec` sorted by node,
//!   no counter 0 stored. `get` is a binary search; `merge` and `compare` walk both entry lists
//!   side by side once, O(a + b), the way two sorted lists are merged.
//! - [`Store`]: the versions of one key as dotted versions (a value, the dot of the write, the
//!   context its writer had read) in a `Vec`. A version is superseded when another's context
//!   covers its dot; `put` and `receive` drop what the new version supersedes and keep the rest as
//!   siblings. Sibling lists are short (one when there is no conflict), so a linear scan is what
//!   they need.

pub use kata_core::vector_clock::{
    Causality, ClockError, Dot, NodeId, Read, VectorClock, Version, VersionedStore,
};

/// A sparse vector clock: the counters above 0, sorted by node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct VClock {
    entries: Vec<(NodeId, u64)>,
}

impl VectorClock for VClock {
    fn new() -> Self {
        VClock {
            entries: Vec::new(),
        }
    }

    fn tick(&mut self, node: NodeId) -> Result<u64, ClockError> {
        match self.entries.binary_search_by_key(&node, |e| e.0) {
            Ok(i) => {
                let c = &mut self.entries[i].1;
                *c = c.checked_add(1).ok_or(ClockError::Overflow { node })?;
                Ok(*c)
            }
            Err(i) => {
                self.entries.insert(i, (node, 1));
                Ok(1)
            }
        }
    }

    #[inline]
    fn get(&self, node: NodeId) -> u64 {
        match self.entries.binary_search_by_key(&node, |e| e.0) {
            Ok(i) => self.entries[i].1,
            Err(_) => 0,
        }
    }

    fn merge(&mut self, other: &Self) {
        let (a, b) = (&self.entries, &other.entries);
        // Fast path: every node of `other` is already here (the common case of a replica that
        // has heard of everyone): raise the counters in place.
        if b.len() <= a.len() {
            let mut i = 0;
            let mut in_place = true;
            for &(node, _) in b {
                while i < a.len() && a[i].0 < node {
                    i += 1;
                }
                if i == a.len() || a[i].0 != node {
                    in_place = false;
                    break;
                }
                i += 1;
            }
            if in_place {
                let mut i = 0;
                for &(node, c) in b {
                    while self.entries[i].0 < node {
                        i += 1;
                    }
                    let e = &mut self.entries[i].1;
                    if c > *e {
                        *e = c;
                    }
                    i += 1;
                }
                return;
            }
        }
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            if x.0 < y.0 {
                out.push(x);
                i += 1;
            } else if y.0 < x.0 {
                out.push(y);
                j += 1;
            } else {
                out.push((x.0, x.1.max(y.1)));
                i += 1;
                j += 1;
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        self.entries = out;
    }

    fn compare(&self, other: &Self) -> Causality {
        let (a, b) = (&self.entries, &other.entries);
        // `less`: some counter of self is below other's; `greater`: some is above.
        let (mut less, mut greater) = (false, false);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            if x.0 < y.0 {
                greater = true;
                i += 1;
            } else if y.0 < x.0 {
                less = true;
                j += 1;
            } else {
                less |= x.1 < y.1;
                greater |= x.1 > y.1;
                i += 1;
                j += 1;
            }
            if less && greater {
                return Causality::Concurrent;
            }
        }
        greater |= i < a.len();
        less |= j < b.len();
        match (less, greater) {
            (false, false) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            (true, true) => Causality::Concurrent,
        }
    }

    fn entries(&self) -> Vec<(NodeId, u64)> {
        self.entries.clone()
    }

    fn from_entries(entries: &[(NodeId, u64)]) -> Result<Self, ClockError> {
        let mut seen = std::collections::HashSet::with_capacity(entries.len());
        for &(node, counter) in entries {
            if counter == 0 {
                return Err(ClockError::ZeroCounter { node });
            }
            if !seen.insert(node) {
                return Err(ClockError::DuplicateNode { node });
            }
        }
        let mut sorted = entries.to_vec();
        sorted.sort_unstable_by_key(|e| e.0);
        Ok(VClock { entries: sorted })
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The versions of one key: siblings kept while concurrent.
#[derive(Debug, Clone)]
pub struct Store<V> {
    versions: Vec<Version<V, VClock>>,
}

impl<V: Clone> VersionedStore<V> for Store<V> {
    type Clock = VClock;

    fn new() -> Self {
        Store {
            versions: Vec::new(),
        }
    }

    fn put(&mut self, node: NodeId, context: &VClock, value: V) -> Result<Dot, ClockError> {
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

    fn get(&self) -> Read<V, VClock> {
        let mut context = VClock::new();
        let mut dots = Vec::with_capacity(self.versions.len());
        for v in &self.versions {
            context.merge(&v.context);
            dots.push((v.dot.node, v.dot.counter));
        }
        dots.sort_unstable();
        // Keep the largest counter per node: the last of each run.
        dots.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                earlier.1 = earlier.1.max(later.1);
                true
            } else {
                false
            }
        });
        context.merge(&VClock { entries: dots });
        Read {
            values: self.versions.iter().map(|v| v.value.clone()).collect(),
            context,
        }
    }

    fn versions(&self) -> Vec<Version<V, VClock>> {
        self.versions.clone()
    }

    fn receive(&mut self, version: Version<V, VClock>) -> Result<bool, ClockError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(e: &[(NodeId, u64)]) -> VClock {
        VClock::from_entries(e).unwrap()
    }

    #[test]
    fn compare_and_merge() {
        let a = clock(&[(1, 2), (3, 1)]);
        let b = clock(&[(1, 2), (2, 1), (3, 1)]);
        assert_eq!(a.compare(&b), Causality::Before);
        assert_eq!(b.compare(&a), Causality::After);
        assert_eq!(a.compare(&a.clone()), Causality::Equal);
        let c = clock(&[(1, 3)]);
        assert_eq!(c.compare(&b), Causality::Concurrent);
        let mut m = c.clone();
        m.merge(&b);
        assert_eq!(m.entries(), vec![(1, 3), (2, 1), (3, 1)]);
        let mut n = b.clone();
        n.merge(&c);
        assert_eq!(n, m);
    }

    #[test]
    fn blind_writes_through_one_node_are_siblings() {
        let mut s = Store::new();
        s.put(1, &VClock::new(), "a").unwrap();
        s.put(1, &VClock::new(), "b").unwrap();
        let r = s.get();
        assert_eq!(r.values.len(), 2);
        assert_eq!(r.context.entries(), vec![(1, 2)]);
        s.put(1, &r.context, "c").unwrap();
        assert_eq!(s.get().values, vec!["c"]);
    }
}
