//! The yardsticks of the `vector-clock` suite: a clock as a `BTreeMap`, a replica of dotted
//! versions, and the true happened-before relation of a message-passing history.
//!
//! The relation is computed from the **event graph** alone, never from a clock: every event's
//! causal past is the set of events with a path to it (the previous event of its process, and for
//! a receive the send of its message, transitively), kept as a bit set per event.

use std::collections::BTreeMap;

use kata_core::vector_clock::{Causality, Dot, NodeId, Version, VectorClock};

use crate::measure::SplitMix64;

/// A clock as a map from node to counter, no zero stored.
pub type ModelClock = BTreeMap<NodeId, u64>;

/// The model's relation of `a` to `b`.
pub fn compare(a: &ModelClock, b: &ModelClock) -> Causality {
    let le = |x: &ModelClock, y: &ModelClock| x.iter().all(|(n, c)| y.get(n).unwrap_or(&0) >= c);
    match (le(a, b), le(b, a)) {
        (true, true) => Causality::Equal,
        (true, false) => Causality::Before,
        (false, true) => Causality::After,
        (false, false) => Causality::Concurrent,
    }
}

/// `a` merged with `b`.
pub fn merge(a: &mut ModelClock, b: &ModelClock) {
    for (&n, &c) in b {
        let e = a.entry(n).or_insert(0);
        *e = (*e).max(c);
    }
}

/// The clock `C` with `m`'s entries.
///
/// # Panics
///
/// When `C::from_entries` refuses valid entries (a bug the examples name first).
pub fn clock<C: VectorClock>(m: &ModelClock) -> C {
    let entries: Vec<(NodeId, u64)> = m.iter().map(|(&n, &c)| (n, c)).collect();
    C::from_entries(&entries)
        .unwrap_or_else(|e| panic!("VClock::from_entries({entries:?}) refused valid entries: {e}"))
}

/// `c`'s entries as a model clock.
pub fn model_of<C: VectorClock>(c: &C) -> ModelClock {
    c.entries().into_iter().collect()
}

/// A version as the model keeps it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModelVersion {
    /// The write's dot.
    pub dot: Dot,
    /// Its value.
    pub value: u64,
    /// What its writer had read.
    pub context: ModelClock,
}

impl ModelVersion {
    /// Whether `other` supersedes this version: its context covers this dot.
    pub fn superseded_by(&self, other: &ModelVersion) -> bool {
        other.context.get(&self.dot.node).copied().unwrap_or(0) >= self.dot.counter
    }

    /// The version as `C`'s.
    pub fn to_version<C: VectorClock>(&self) -> Version<u64, C> {
        Version {
            value: self.value,
            dot: self.dot,
            context: clock(&self.context),
        }
    }

    /// `v` as the model's.
    pub fn of<C: VectorClock>(v: &Version<u64, C>) -> ModelVersion {
        ModelVersion {
            dot: v.dot,
            value: v.value,
            context: model_of(&v.context),
        }
    }
}

/// One replica's versions of a key, as the specification says.
#[derive(Debug, Clone, Default)]
pub struct ModelReplica {
    /// The versions held, sorted.
    pub held: Vec<ModelVersion>,
    /// Every version this replica wrote or received.
    pub known: Vec<ModelVersion>,
}

impl ModelReplica {
    /// `put(node, context, value)`: the dot it gives, or `None` on overflow.
    pub fn put(&mut self, node: NodeId, context: &ModelClock, value: u64) -> Option<Dot> {
        let mut last = context.get(&node).copied().unwrap_or(0);
        for v in &self.held {
            if v.dot.node == node {
                last = last.max(v.dot.counter);
            }
            last = last.max(v.context.get(&node).copied().unwrap_or(0));
        }
        let dot = Dot {
            node,
            counter: last.checked_add(1)?,
        };
        let new = ModelVersion {
            dot,
            value,
            context: context.clone(),
        };
        self.held.retain(|v| !v.superseded_by(&new));
        self.known.push(new.clone());
        self.held.push(new);
        self.held.sort();
        Some(dot)
    }

    /// `receive(version)`: whether it is kept.
    pub fn receive(&mut self, new: &ModelVersion) -> bool {
        if !self.known.iter().any(|k| k.dot == new.dot) {
            self.known.push(new.clone());
        }
        if self
            .held
            .iter()
            .any(|v| v.dot == new.dot || new.superseded_by(v))
        {
            return false;
        }
        self.held.retain(|v| !v.superseded_by(new));
        self.held.push(new.clone());
        self.held.sort();
        true
    }

    /// The context of a read: every held context and dot merged.
    pub fn read_context(&self) -> ModelClock {
        let mut out = ModelClock::new();
        for v in &self.held {
            merge(&mut out, &v.context);
            let e = out.entry(v.dot.node).or_insert(0);
            *e = (*e).max(v.dot.counter);
        }
        out
    }

    /// The values held, sorted.
    pub fn values(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.held.iter().map(|v| v.value).collect();
        v.sort_unstable();
        v
    }
}

/// What happens at one event of a history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Something local: the process ticks.
    Local,
    /// The process sends message `msg` (ticks, and attaches its clock).
    Send {
        /// The message's number.
        msg: usize,
    },
    /// The process receives message `msg` (merges its clock, ticks).
    Recv {
        /// The message's number.
        msg: usize,
    },
}

/// One event: its process and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// The process (an index into the history's nodes).
    pub process: usize,
    /// What it does.
    pub kind: Kind,
}

/// A message-passing history in an order where every send comes before its receive.
#[derive(Debug, Clone)]
pub struct History {
    /// The node id of each process.
    pub nodes: Vec<NodeId>,
    /// The events.
    pub events: Vec<Event>,
}

impl History {
    /// A random history of `events` events over `nodes` (distinct ids): each event a local step,
    /// a send to another process, or the receipt of a message in flight to its process, in any
    /// order (not first in, first out).
    pub fn random(nodes: Vec<NodeId>, events: usize, seed: u64) -> History {
        let mut rng = SplitMix64::new(seed);
        let n = nodes.len() as u64;
        let mut in_flight: Vec<(usize, usize)> = Vec::new(); // (msg, to)
        let mut sent = 0;
        let mut out = Vec::with_capacity(events);
        while out.len() < events {
            let process = rng.below(n) as usize;
            let roll = rng.below(10);
            let mine: Vec<usize> = (0..in_flight.len())
                .filter(|&i| in_flight[i].1 == process)
                .collect();
            let kind = if roll < 4 && !mine.is_empty() {
                let (msg, _) = in_flight.swap_remove(mine[rng.below(mine.len() as u64) as usize]);
                Kind::Recv { msg }
            } else if roll < 8 && n > 1 {
                let mut to = rng.below(n - 1) as usize;
                if to >= process {
                    to += 1;
                }
                in_flight.push((sent, to));
                sent += 1;
                Kind::Send { msg: sent - 1 }
            } else {
                Kind::Local
            };
            out.push(Event { process, kind });
        }
        History { nodes, events: out }
    }

    /// The causal past of every event: bit `a` of `past[b]` is set when `a` happened before `b`.
    pub fn past(&self) -> Vec<Vec<u64>> {
        let words = self.events.len().div_ceil(64);
        let mut past: Vec<Vec<u64>> = Vec::with_capacity(self.events.len());
        let mut last_of: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut send_of: BTreeMap<usize, usize> = BTreeMap::new();
        for (i, e) in self.events.iter().enumerate() {
            let mut bits = vec![0u64; words];
            let add = |j: usize, bits: &mut Vec<u64>, past: &Vec<Vec<u64>>| {
                for (w, p) in bits.iter_mut().zip(&past[j]) {
                    *w |= p;
                }
                bits[j / 64] |= 1 << (j % 64);
            };
            if let Some(j) = last_of[e.process] {
                add(j, &mut bits, &past);
            }
            match e.kind {
                Kind::Send { msg } => {
                    send_of.insert(msg, i);
                }
                Kind::Recv { msg } => {
                    let j = *send_of
                        .get(&msg)
                        .expect("a history receives only messages already sent");
                    add(j, &mut bits, &past);
                }
                Kind::Local => {}
            }
            last_of[e.process] = Some(i);
            past.push(bits);
        }
        past
    }

    /// The true relation of event `a` to event `b`, from [`History::past`].
    pub fn relation(past: &[Vec<u64>], a: usize, b: usize) -> Causality {
        let before = |x: usize, y: usize| past[y][x / 64] >> (x % 64) & 1 == 1;
        if a == b {
            Causality::Equal
        } else if before(a, b) {
            Causality::Before
        } else if before(b, a) {
            Causality::After
        } else {
            Causality::Concurrent
        }
    }

    /// Runs the history with clocks `C`: each event's clock just after it. `Err` when a tick
    /// fails.
    pub fn stamp<C: VectorClock>(&self) -> Result<Vec<C>, String> {
        let mut clocks: Vec<C> = self.nodes.iter().map(|_| C::new()).collect();
        let mut messages: BTreeMap<usize, C> = BTreeMap::new();
        let mut out = Vec::with_capacity(self.events.len());
        for e in &self.events {
            let node = self.nodes[e.process];
            if let Kind::Recv { msg } = e.kind {
                let m = messages.remove(&msg).ok_or("a message received twice")?;
                clocks[e.process].merge(&m);
            }
            clocks[e.process]
                .tick(node)
                .map_err(|err| format!("tick({node}) failed: {err}"))?;
            if let Kind::Send { msg } = e.kind {
                messages.insert(msg, clocks[e.process].clone());
            }
            out.push(clocks[e.process].clone());
        }
        Ok(out)
    }

    /// Lamport's timestamps of the events (Lamport, 1978): a counter per process, raised past a
    /// received message's timestamp.
    pub fn lamport(&self) -> Vec<u64> {
        let mut counters = vec![0u64; self.nodes.len()];
        let mut messages: BTreeMap<usize, u64> = BTreeMap::new();
        let mut out = Vec::with_capacity(self.events.len());
        for e in &self.events {
            let c = &mut counters[e.process];
            if let Kind::Recv { msg } = e.kind {
                *c = (*c).max(messages.remove(&msg).unwrap_or(0));
            }
            *c += 1;
            if let Kind::Send { msg } = e.kind {
                messages.insert(msg, *c);
            }
            out.push(*c);
        }
        out
    }
}

/// `n` distinct node ids drawn from `0..range`, in the order drawn.
pub fn distinct_nodes(n: usize, range: u64, seed: u64) -> Vec<NodeId> {
    let mut rng = SplitMix64::new(seed);
    let mut out: Vec<NodeId> = Vec::with_capacity(n);
    while out.len() < n {
        let id = rng.below(range) as NodeId;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_past_of_a_receive_includes_the_send_and_what_preceded_it() {
        let h = History {
            nodes: vec![1, 2, 3],
            events: vec![
                Event { process: 0, kind: Kind::Local },
                Event { process: 0, kind: Kind::Send { msg: 0 } },
                Event { process: 2, kind: Kind::Local },
                Event { process: 1, kind: Kind::Recv { msg: 0 } },
            ],
        };
        let past = h.past();
        assert_eq!(History::relation(&past, 0, 3), Causality::Before);
        assert_eq!(History::relation(&past, 3, 1), Causality::After);
        assert_eq!(History::relation(&past, 2, 3), Causality::Concurrent);
        assert_eq!(h.lamport(), vec![1, 2, 1, 3]);
    }
}
