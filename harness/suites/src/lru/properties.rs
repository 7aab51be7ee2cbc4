//! Stage 2 of `lru`: random operation sequences against a model.
//!
//! The model of the exact cache is a `Vec` ordered from most to least recently used: obviously
//! correct, O(n), and only ever run on a handful of keys. The sharded cache is not an exact LRU
//! (each shard evicts on its own), so its model only tracks what the cache has *said*: a key is
//! present from its `put` until a `put` returns it as evicted or a `remove` takes it. A sharded
//! cache must never contradict its own reports, and one with a single shard must match the exact
//! model step for step.

use std::collections::HashMap;
use std::fmt;

use kata_core::lru::{Cache, ConcurrentCache};
use proptest::prelude::*;

use super::LruFamily;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure, ensure_eq, Ctx};

/// One operation on a cache.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// `get(&k)`
    Get(u8),
    /// `peek(&k)`
    Peek(u8),
    /// `put(k, v)`
    Put(u8, u16),
    /// `remove(&k)`
    Remove(u8),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Get(k) => write!(f, "cache.get(&{k});"),
            Op::Peek(k) => write!(f, "cache.peek(&{k});"),
            Op::Put(k, v) => write!(f, "cache.put({k}, {v});"),
            Op::Remove(k) => write!(f, "cache.remove(&{k});"),
        }
    }
}

fn op(keys: u8) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..keys).prop_map(Op::Get),
        1 => (0..keys).prop_map(Op::Peek),
        4 => (0..keys, any::<u16>()).prop_map(|(k, v)| Op::Put(k, v)),
        1 => (0..keys).prop_map(Op::Remove),
    ]
}

/// A scenario: a capacity (and shard count) and the operations to apply.
#[derive(Debug, Clone)]
pub struct Scenario {
    capacity: usize,
    shards: usize,
    ops: Vec<Op>,
}

fn scenario(max_shards: usize) -> impl Strategy<Value = Scenario> {
    (1usize..=6, 1usize..=max_shards)
        .prop_flat_map(|(capacity, shards)| {
            let shards = shards.min(capacity);
            (
                Just(capacity),
                Just(shards),
                prop::collection::vec(op(10), 1..120),
            )
        })
        .prop_map(|(capacity, shards, ops)| Scenario {
            capacity,
            shards,
            ops,
        })
}

fn render(constructor: &str, s: &Scenario) -> String {
    let mut out = constructor
        .replace("{capacity}", &s.capacity.to_string())
        .replace("{shards}", &s.shards.to_string());
    for op in &s.ops {
        out.push('\n');
        out.push_str(&op.to_string());
    }
    out
}

/// Exact LRU model: most recent first.
#[derive(Default)]
struct Model {
    entries: Vec<(u8, u16)>,
    capacity: usize,
}

impl Model {
    fn position(&self, k: u8) -> Option<usize> {
        self.entries.iter().position(|e| e.0 == k)
    }
    fn get(&mut self, k: u8) -> Option<u16> {
        let i = self.position(k)?;
        let e = self.entries.remove(i);
        self.entries.insert(0, e);
        Some(e.1)
    }
    fn peek(&self, k: u8) -> Option<u16> {
        self.position(k).map(|i| self.entries[i].1)
    }
    fn put(&mut self, k: u8, v: u16) -> Option<(u8, u16)> {
        if let Some(i) = self.position(k) {
            let old = self.entries.remove(i);
            self.entries.insert(0, (k, v));
            return Some(old);
        }
        self.entries.insert(0, (k, v));
        (self.entries.len() > self.capacity).then(|| self.entries.pop().expect("non-empty"))
    }
    fn remove(&mut self, k: u8) -> Option<u16> {
        self.position(k).map(|i| self.entries.remove(i).1)
    }
}

fn exact<F: LruFamily>(s: &Scenario) -> Result<(), String> {
    let mut cache = F::Cache::<u8, u16>::with_capacity(s.capacity)
        .map_err(|e| format!("with_capacity({}) failed: {e}", s.capacity))?;
    let mut model = Model {
        capacity: s.capacity,
        ..Model::default()
    };
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} `{op}`", step + 1);
        match *op {
            Op::Get(k) => ensure_eq!(cache.get(&k).copied(), model.get(k), "{at} returned"),
            Op::Peek(k) => ensure_eq!(cache.peek(&k).copied(), model.peek(k), "{at} returned"),
            Op::Put(k, v) => ensure_eq!(cache.put(k, v), model.put(k, v), "{at} returned"),
            Op::Remove(k) => ensure_eq!(cache.remove(&k), model.remove(k), "{at} returned"),
        }
        ensure_eq!(cache.len(), model.entries.len(), "after {at}, len()");
        ensure_eq!(cache.capacity(), s.capacity, "after {at}, capacity()");
    }
    for k in 0..10u8 {
        ensure_eq!(
            cache.peek(&k).copied(),
            model.peek(k),
            "at the end, peek(&{k})"
        );
    }
    Ok(())
}

fn sharded<F: LruFamily>(s: &Scenario) -> Result<(), String> {
    let cache = F::Sharded::<u8, u16>::with_shards(s.capacity, s.shards)
        .map_err(|e| format!("with_shards({}, {}) failed: {e}", s.capacity, s.shards))?;
    // What the cache has told us: present keys and their last value.
    let mut present: HashMap<u8, u16> = HashMap::new();
    let mut model = Model {
        capacity: s.capacity,
        ..Model::default()
    };
    let exact = s.shards == 1;
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} `{op}`", step + 1);
        match *op {
            Op::Get(k) | Op::Peek(k) => {
                let got = if matches!(op, Op::Get(_)) {
                    cache.get(&k)
                } else {
                    cache.peek(&k)
                };
                ensure_eq!(got, present.get(&k).copied(), "{at} returned");
                if exact {
                    let m = if matches!(op, Op::Get(_)) {
                        model.get(k)
                    } else {
                        model.peek(k)
                    };
                    ensure_eq!(got, m, "{at} with one shard (an exact LRU) returned");
                }
            }
            Op::Put(k, v) => {
                let out = cache.put(k, v);
                if exact {
                    ensure_eq!(out, model.put(k, v), "{at} with one shard returned");
                }
                match out {
                    Some((old_k, old_v)) => {
                        ensure_eq!(
                            present.get(&old_k).copied(),
                            Some(old_v),
                            "{at} returned ({old_k}, {old_v}); the cache held, for key {old_k}"
                        );
                        if old_k != k {
                            present.remove(&old_k);
                        }
                    }
                    None => ensure!(
                        !present.contains_key(&k),
                        "{at} returned None although key {k} was present"
                    ),
                }
                present.insert(k, v);
            }
            Op::Remove(k) => {
                let out = cache.remove(&k);
                if exact {
                    model.remove(k);
                }
                ensure_eq!(out, present.remove(&k), "{at} returned");
            }
        }
        ensure_eq!(cache.len(), present.len(), "after {at}, len()");
        ensure!(
            cache.len() <= s.capacity,
            "after {at}, len() is {} but capacity is {}",
            cache.len(),
            s.capacity
        );
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LruFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(1);
    ctx.check(
        "LruCache matches the exact LRU model on random sequences",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(1),
                |s| render("let mut cache = LruCache::with_capacity({capacity})?;", s),
                exact::<F>,
            )
        },
    );
    let seed = ctx.sub_seed(2);
    ctx.check("ShardedLruCache never contradicts what it reported", || {
        check_model(
            seed,
            DEFAULT_CASES,
            scenario(4),
            |s| {
                render(
                    "let cache = ShardedLruCache::with_shards({capacity}, {shards})?;",
                    s,
                )
            },
            sharded::<F>,
        )
    });
}
