//! Stage 2 of `lfu`: random operation sequences against a model.
//!
//! The model of the exact cache is a `Vec` of `(key, value, count, last use)`: the victim is the
//! entry with the smallest `(count, last use)`, found by a scan. Obviously correct, O(n), and only
//! ever run on a handful of keys.
//!
//! The forgetful cache may evict whichever entry its policy likes, so its model only tracks what
//! the cache has *said*: a key is held from the `put` that inserted it until a `put` hands it back
//! or a `remove` takes it, and a `put` of a new key returns `None` exactly while there is room.
//!
//! The sharded cache evicts within a key's shard, which the suite cannot see; its model also
//! tracks what it said, and, since every shard is an exact LFU, each held key's count (1 at
//! insertion, plus 1 per `get` or `put` of it since), which does not depend on the shards. With a
//! single shard it must match the exact model step for step.

use std::collections::HashMap;
use std::fmt;

use kata_core::lfu::{Cache, ConcurrentCache, ForgetfulCache};
use proptest::prelude::*;

use super::LfuFamily;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure, ensure_eq, Ctx};

/// How many distinct keys the sequences use.
const KEYS: u8 = 10;

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
    /// `frequency(&k)`
    Frequency(u8),
}

impl Op {
    fn key(self) -> u8 {
        match self {
            Op::Get(k) | Op::Peek(k) | Op::Put(k, _) | Op::Remove(k) | Op::Frequency(k) => k,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Get(k) => write!(f, "cache.get(&{k});"),
            Op::Peek(k) => write!(f, "cache.peek(&{k});"),
            Op::Put(k, v) => write!(f, "cache.put({k}, {v});"),
            Op::Remove(k) => write!(f, "cache.remove(&{k});"),
            Op::Frequency(k) => write!(f, "cache.frequency(&{k});"),
        }
    }
}

fn op(keys: u8, frequency: bool) -> BoxedStrategy<Op> {
    let common = prop_oneof![
        4 => (0..keys).prop_map(Op::Get),
        1 => (0..keys).prop_map(Op::Peek),
        4 => (0..keys, any::<u16>()).prop_map(|(k, v)| Op::Put(k, v)),
        1 => (0..keys).prop_map(Op::Remove),
    ];
    if frequency {
        prop_oneof![10 => common, 1 => (0..keys).prop_map(Op::Frequency)].boxed()
    } else {
        common.boxed()
    }
}

/// A scenario: a capacity (and shard count) and the operations to apply.
#[derive(Debug, Clone)]
pub struct Scenario {
    capacity: usize,
    shards: usize,
    ops: Vec<Op>,
}

/// Scenarios of capacity 1..=6 over [`KEYS`] keys; `frequency` says whether they call
/// `frequency` (the forgetful cache has no such method).
fn scenario(max_shards: usize, frequency: bool) -> impl Strategy<Value = Scenario> {
    (1usize..=6, 1usize..=max_shards)
        .prop_flat_map(move |(capacity, shards)| {
            let shards = shards.min(capacity);
            (
                Just(capacity),
                Just(shards),
                prop::collection::vec(op(KEYS, frequency), 1..150),
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

/// One entry of the exact model.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u8,
    value: u16,
    count: u64,
    /// When it was last used (inserted, read by `get`, or replaced by `put`).
    used: u64,
}

/// Exact LFU model: the victim is the entry with the smallest `(count, used)`.
#[derive(Default)]
struct Model {
    entries: Vec<Entry>,
    capacity: usize,
    clock: u64,
}

impl Model {
    fn new(capacity: usize) -> Model {
        Model {
            capacity,
            ..Model::default()
        }
    }
    fn position(&self, k: u8) -> Option<usize> {
        self.entries.iter().position(|e| e.key == k)
    }
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
    fn get(&mut self, k: u8) -> Option<u16> {
        let i = self.position(k)?;
        let now = self.tick();
        let e = &mut self.entries[i];
        e.count += 1;
        e.used = now;
        Some(e.value)
    }
    fn peek(&self, k: u8) -> Option<u16> {
        self.position(k).map(|i| self.entries[i].value)
    }
    fn frequency(&self, k: u8) -> Option<u64> {
        self.position(k).map(|i| self.entries[i].count)
    }
    fn put(&mut self, k: u8, v: u16) -> Option<(u8, u16)> {
        let now = self.tick();
        if let Some(i) = self.position(k) {
            let e = &mut self.entries[i];
            let old = e.value;
            e.value = v;
            e.count += 1;
            e.used = now;
            return Some((k, old));
        }
        let evicted = if self.entries.len() == self.capacity {
            let (i, _) = self
                .entries
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| (e.count, e.used))
                .expect("a full cache has entries");
            let e = self.entries.swap_remove(i);
            Some((e.key, e.value))
        } else {
            None
        };
        self.entries.push(Entry {
            key: k,
            value: v,
            count: 1,
            used: now,
        });
        evicted
    }
    fn remove(&mut self, k: u8) -> Option<u16> {
        self.position(k).map(|i| self.entries.swap_remove(i).value)
    }
}

fn exact<F: LfuFamily>(s: &Scenario) -> Result<(), String> {
    let mut cache = F::Cache::<u8, u16>::with_capacity(s.capacity)
        .map_err(|e| format!("with_capacity({}) failed: {e}", s.capacity))?;
    let mut model = Model::new(s.capacity);
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} `{op}`", step + 1);
        match *op {
            Op::Get(k) => ensure_eq!(cache.get(&k).copied(), model.get(k), "{at} returned"),
            Op::Peek(k) => ensure_eq!(cache.peek(&k).copied(), model.peek(k), "{at} returned"),
            Op::Put(k, v) => {
                let out = model.put(k, v);
                ensure_eq!(cache.put(k, v), out, "{at} returned");
                if let Some((gone, _)) = out.filter(|e| e.0 != k) {
                    ensure_eq!(
                        cache.frequency(&gone),
                        None,
                        "after {at}, which evicted {gone}, frequency(&{gone})"
                    );
                }
            }
            Op::Remove(k) => ensure_eq!(cache.remove(&k), model.remove(k), "{at} returned"),
            Op::Frequency(k) => {
                ensure_eq!(cache.frequency(&k), model.frequency(k), "{at} returned")
            }
        }
        let k = op.key();
        ensure_eq!(
            cache.frequency(&k),
            model.frequency(k),
            "after {at}, frequency(&{k})"
        );
        ensure_eq!(cache.len(), model.entries.len(), "after {at}, len()");
        ensure_eq!(
            cache.is_empty(),
            model.entries.is_empty(),
            "after {at}, is_empty()"
        );
        ensure_eq!(cache.capacity(), s.capacity, "after {at}, capacity()");
    }
    for k in 0..KEYS {
        ensure_eq!(
            cache.peek(&k).copied(),
            model.peek(k),
            "at the end, peek(&{k})"
        );
        ensure_eq!(
            cache.frequency(&k),
            model.frequency(k),
            "at the end, frequency(&{k})"
        );
    }
    Ok(())
}

fn forgetful<F: LfuFamily>(s: &Scenario) -> Result<(), String> {
    let mut cache = F::Forgetful::<u8, u16>::with_capacity(s.capacity)
        .map_err(|e| format!("with_capacity({}) failed: {e}", s.capacity))?;
    // What the cache has told us: the keys it holds and their last value.
    let mut held: HashMap<u8, u16> = HashMap::new();
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} `{op}`", step + 1);
        match *op {
            Op::Get(k) => {
                ensure_eq!(
                    cache.get(&k).copied(),
                    held.get(&k).copied(),
                    "{at} returned"
                );
            }
            // The forgetful cache has no `frequency`; its scenarios never ask for one.
            Op::Peek(k) | Op::Frequency(k) => {
                ensure_eq!(
                    cache.peek(&k).copied(),
                    held.get(&k).copied(),
                    "{at} returned"
                );
            }
            Op::Put(k, v) => {
                let out = cache.put(k, v);
                if let Some(old) = held.get(&k).copied() {
                    ensure_eq!(
                        out,
                        Some((k, old)),
                        "{at} returned (key {k} was held with value {old}: a put of a held key \
                         replaces its value and returns the old entry)"
                    );
                    held.insert(k, v);
                } else if held.len() < s.capacity {
                    ensure_eq!(
                        out,
                        None,
                        "{at} returned ({} of {} entries held, so there was room: a new key must \
                         go in and nothing leave)",
                        held.len(),
                        s.capacity
                    );
                    held.insert(k, v);
                } else {
                    match out {
                        None => {
                            return Err(format!(
                                "{at} returned None, but the cache was full ({} entries): a put \
                                 of a new key into a full cache must return exactly one entry \
                                 that is no longer held, an evicted one or ({k}, {v}) itself if \
                                 it was refused",
                                s.capacity
                            ))
                        }
                        Some((ek, ev)) if (ek, ev) == (k, v) => {
                            // Refused: nothing changes.
                        }
                        Some((ek, ev)) => {
                            ensure_eq!(
                                held.get(&ek).copied(),
                                Some(ev),
                                "{at} returned ({ek}, {ev}) as evicted; the value the cache held \
                                 under {ek}"
                            );
                            held.remove(&ek);
                            held.insert(k, v);
                            ensure_eq!(
                                cache.peek(&ek).copied(),
                                None,
                                "after {at}, which evicted {ek}, peek(&{ek})"
                            );
                        }
                    }
                }
            }
            Op::Remove(k) => ensure_eq!(cache.remove(&k), held.remove(&k), "{at} returned"),
        }
        let k = op.key();
        ensure_eq!(
            cache.peek(&k).copied(),
            held.get(&k).copied(),
            "after {at}, peek(&{k})"
        );
        ensure_eq!(cache.len(), held.len(), "after {at}, len()");
        ensure_eq!(cache.is_empty(), held.is_empty(), "after {at}, is_empty()");
        ensure_eq!(cache.capacity(), s.capacity, "after {at}, capacity()");
    }
    for k in 0..KEYS {
        ensure_eq!(
            cache.peek(&k).copied(),
            held.get(&k).copied(),
            "at the end, peek(&{k})"
        );
    }
    Ok(())
}

fn sharded<F: LfuFamily>(s: &Scenario) -> Result<(), String> {
    let cache = F::Sharded::<u8, u16>::with_shards(s.capacity, s.shards)
        .map_err(|e| format!("with_shards({}, {}) failed: {e}", s.capacity, s.shards))?;
    // What the cache has told us: held keys, their last value and their count.
    let mut held: HashMap<u8, (u16, u64)> = HashMap::new();
    let mut model = Model::new(s.capacity);
    let exact = s.shards == 1;
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} `{op}`", step + 1);
        let one = if exact {
            " with one shard (an exact LFU)"
        } else {
            ""
        };
        match *op {
            Op::Get(k) => {
                let got = cache.get(&k);
                ensure_eq!(got, held.get(&k).map(|e| e.0), "{at} returned");
                if let Some(e) = held.get_mut(&k) {
                    e.1 += 1;
                }
                if exact {
                    ensure_eq!(got, model.get(k), "{at}{one} returned");
                }
            }
            Op::Peek(k) => {
                ensure_eq!(cache.peek(&k), held.get(&k).map(|e| e.0), "{at} returned");
            }
            Op::Frequency(k) => {
                ensure_eq!(
                    cache.frequency(&k),
                    held.get(&k).map(|e| e.1),
                    "{at} returned"
                );
            }
            Op::Put(k, v) => {
                let out = cache.put(k, v);
                if exact {
                    ensure_eq!(out, model.put(k, v), "{at}{one} returned");
                }
                match held.get(&k).copied() {
                    Some((old, count)) => {
                        ensure_eq!(
                            out,
                            Some((k, old)),
                            "{at} returned (key {k} was held with value {old})"
                        );
                        held.insert(k, (v, count + 1));
                    }
                    None => {
                        if let Some((ek, ev)) = out {
                            ensure!(
                                ek != k,
                                "{at} returned ({ek}, {ev}): the newcomer is never its own victim"
                            );
                            ensure_eq!(
                                held.get(&ek).map(|e| e.0),
                                Some(ev),
                                "{at} returned ({ek}, {ev}) as evicted; the value the cache held \
                                 under {ek}"
                            );
                            held.remove(&ek);
                            ensure_eq!(
                                cache.peek(&ek),
                                None,
                                "after {at}, which evicted {ek}, peek(&{ek})"
                            );
                        }
                        held.insert(k, (v, 1));
                    }
                }
            }
            Op::Remove(k) => {
                let out = cache.remove(&k);
                if exact {
                    model.remove(k);
                }
                ensure_eq!(out, held.remove(&k).map(|e| e.0), "{at} returned");
            }
        }
        let k = op.key();
        ensure_eq!(
            cache.frequency(&k),
            held.get(&k).map(|e| e.1),
            "after {at}, frequency(&{k}) (1 at insertion, plus 1 per get or put since)"
        );
        ensure_eq!(cache.len(), held.len(), "after {at}, len()");
        ensure!(
            cache.len() <= s.capacity,
            "after {at}, len() is {} but capacity is {}",
            cache.len(),
            s.capacity
        );
        ensure_eq!(cache.capacity(), s.capacity, "after {at}, capacity()");
    }
    for k in 0..KEYS {
        ensure_eq!(
            cache.peek(&k),
            held.get(&k).map(|e| e.0),
            "at the end, peek(&{k})"
        );
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LfuFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(1);
    ctx.check(
        "LfuCache matches the exact LFU model on random sequences",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(1, true),
                |s| render("let mut cache = LfuCache::with_capacity({capacity})?;", s),
                exact::<F>,
            )
        },
    );
    let seed = ctx.sub_seed(2);
    ctx.check(
        "ForgetfulLfuCache keeps its contract on random sequences",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(1, false),
                |s| {
                    render(
                        "let mut cache = ForgetfulLfuCache::with_capacity({capacity})?;",
                        s,
                    )
                },
                forgetful::<F>,
            )
        },
    );
    let seed = ctx.sub_seed(3);
    ctx.check(
        "ShardedLfuCache never contradicts what it reported, and counts every use",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(4, true),
                |s| {
                    render(
                        "let cache = ShardedLfuCache::with_shards({capacity}, {shards})?;",
                        s,
                    )
                },
                sharded::<F>,
            )
        },
    );
}
