//! Correct implementations in designs other than the references', which every stage must pass.
//!
//! The suites test the specification, not the reference's choices: a check that rejects correct
//! code is as bad as one that accepts wrong code. These are the designs a learner most often
//! writes: the textbook LRU (a `HashMap<K, usize>` beside a `Vec` of linked nodes that hold a
//! clone of the key, with a free list), and the textbook two-number token bucket (credits and the
//! time they were counted; the atomic one packs both into one `AtomicU128`), where the references
//! use a `HashTable` of indices and GCRA. `tests/alternatives_pass.rs` grades them on every stage.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::lru::{Cache, CapacityError, ConcurrentCache};
use kata_core::sync::atomic::{AtomicU128, AtomicUsize, Ordering};
use kata_core::sync::Mutex;
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};
use kata_suites::lru::LruFamily;
use kata_suites::token_bucket::TokenBucketFamily;

/// The alternatives, by kata: `(kata, name)`, graded as `--mutant NAME`.
pub const ALTERNATIVES: &[(&str, &str)] = &[
    ("lru", "textbook"),
    ("lfu", "textbook"),
    ("token-bucket", "two-numbers"),
    ("leaky-bucket", "cursor"),
    ("sliding-window", "ring-log"),
    ("bloom-filter", "sip-modulo"),
    ("count-min-sketch", "hashed-rows"),
    ("consistent-hashing", "btree-sip"),
    ("trie", "boxed"),
    ("snowflake", "last-id"),
    ("vector-clock", "btree"),
    // The reference's sorted entries behind a copy-on-write `Arc` (`crate::vector_clock::CowClock`):
    // the quality stage's heap count must not take it for the dense `dense-arc` mutant.
    ("vector-clock", "cow-sorted"),
    ("merkle-tree", "recursive"),
    ("order-book", "lazy-cancel"),
];

pub mod bloom_filter;
pub mod consistent_hashing;
pub mod count_min_sketch;
pub mod leaky_bucket;
pub mod lfu;
pub mod merkle_tree;
pub mod order_book;
pub mod sliding_window;
pub mod snowflake;
pub mod trie;
pub mod vector_clock;

// ---- lru: the textbook design. ----

/// The textbook `lru` family.
pub struct TextbookFamily;

impl LruFamily for TextbookFamily {
    type Cache<K: Hash + Eq + Clone, V> = TextbookLru<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = TextbookSharded<K, V>;
}

const NONE: usize = usize::MAX;

struct Node<K, V> {
    key: K,
    value: V,
    prev: usize,
    next: usize,
}

/// `HashMap<K, usize>` into a `Vec` of nodes, most recent at `head`; freed slots are reused.
pub struct TextbookLru<K, V> {
    map: HashMap<K, usize>,
    nodes: Vec<Option<Node<K, V>>>,
    free: Vec<usize>,
    head: usize,
    tail: usize,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> TextbookLru<K, V> {
    fn node(&mut self, i: usize) -> &mut Node<K, V> {
        self.nodes[i].as_mut().expect("a live node")
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = {
            let n = self.node(i);
            (n.prev, n.next)
        };
        if prev == NONE {
            self.head = next;
        } else {
            self.node(prev).next = next;
        }
        if next == NONE {
            self.tail = prev;
        } else {
            self.node(next).prev = prev;
        }
    }

    fn push_front(&mut self, i: usize) {
        let head = self.head;
        {
            let n = self.node(i);
            n.prev = NONE;
            n.next = head;
        }
        if head == NONE {
            self.tail = i;
        } else {
            self.node(head).prev = i;
        }
        self.head = i;
    }

    fn take(&mut self, i: usize) -> (K, V) {
        self.unlink(i);
        let n = self.nodes[i].take().expect("a live node");
        self.free.push(i);
        self.map.remove(&n.key);
        (n.key, n.value)
    }
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for TextbookLru<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(TextbookLru {
            map: HashMap::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            head: NONE,
            tail: NONE,
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        let i = *self.map.get(key)?;
        self.unlink(i);
        self.push_front(i);
        Some(&self.node(i).value)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        let i = *self.map.get(key)?;
        self.nodes[i].as_ref().map(|n| &n.value)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(&i) = self.map.get(&key) {
            self.unlink(i);
            self.push_front(i);
            let n = self.node(i);
            let old = std::mem::replace(&mut n.value, value);
            let old_key = std::mem::replace(&mut n.key, key);
            return Some((old_key, old));
        }
        let evicted = (self.map.len() == self.capacity).then(|| self.take(self.tail));
        let node = Some(Node {
            key: key.clone(),
            value,
            prev: NONE,
            next: NONE,
        });
        let i = match self.free.pop() {
            Some(i) => {
                self.nodes[i] = node;
                i
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        self.map.insert(key, i);
        self.push_front(i);
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let i = *self.map.get(key)?;
        Some(self.take(i).1)
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Shards of [`TextbookLru`] behind `kata_core::sync::Mutex`, picked by a per-instance
/// `RandomState` (allowed: which shard a key goes to is the implementation's choice).
pub struct TextbookSharded<K, V> {
    shards: Vec<Mutex<TextbookLru<K, V>>>,
    hasher: RandomState,
    len: AtomicUsize,
    capacity: usize,
}

impl<K, V> ConcurrentCache<K, V> for TextbookSharded<K, V>
where
    K: Hash + Eq + Clone + Send,
    V: Clone + Send,
{
    fn with_shards(capacity: usize, shards: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        if shards == 0 {
            return Err(CapacityError::ZeroShards);
        }
        if shards > capacity {
            return Err(CapacityError::MoreShardsThanCapacity { capacity, shards });
        }
        let shards = (0..shards)
            .map(|i| {
                let share = capacity / shards + usize::from(i < capacity % shards);
                TextbookLru::with_capacity(share).map(Mutex::new)
            })
            .collect::<Result<_, _>>()?;
        Ok(TextbookSharded {
            shards,
            hasher: RandomState::new(),
            len: AtomicUsize::new(0),
            capacity,
        })
    }

    fn get(&self, key: &K) -> Option<V> {
        self.shard(key).lock().get(key).cloned()
    }

    fn peek(&self, key: &K) -> Option<V> {
        self.shard(key).lock().peek(key).cloned()
    }

    fn put(&self, key: K, value: V) -> Option<(K, V)> {
        let mut shard = self.shard(&key).lock();
        let before = shard.len();
        let out = shard.put(key, value);
        if shard.len() > before {
            self.len.fetch_add(1, Ordering::SeqCst);
        }
        out
    }

    fn remove(&self, key: &K) -> Option<V> {
        let mut shard = self.shard(key).lock();
        let out = shard.remove(key);
        if out.is_some() {
            self.len.fetch_sub(1, Ordering::SeqCst);
        }
        out
    }

    fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

impl<K: Hash + Eq, V> TextbookSharded<K, V> {
    fn shard(&self, key: &K) -> &Mutex<TextbookLru<K, V>> {
        let h = self.hasher.hash_one(key);
        &self.shards[(h % self.shards.len() as u64) as usize]
    }
}

// ---- token-bucket: two numbers, credits and the time they were counted. ----

/// The two-number `token-bucket` family.
pub struct TwoNumbersFamily;

impl TokenBucketFamily for TwoNumbersFamily {
    type Bucket<C: Clock> = TwoNumbers<C>;
    type Atomic<C: Clock + Send + Sync> = PackedTwoNumbers<C>;
}

/// Units: one token is `period_ns` credits, each nanosecond adds `rate.tokens` credits.
#[derive(Clone, Copy)]
struct Config {
    capacity: u64,
    per_ns: u128,
    token: u128,
    full: u128,
}

impl Config {
    fn new(capacity: u64, rate: Rate) -> Result<Config, ConfigError> {
        if capacity == 0 {
            return Err(ConfigError::ZeroCapacity);
        }
        if rate.tokens == 0 {
            return Err(ConfigError::ZeroRate);
        }
        let period =
            u64::try_from(rate.period.as_nanos()).map_err(|_| ConfigError::PeriodTooLong)?;
        if period == 0 {
            return Err(ConfigError::ZeroPeriod);
        }
        let token = u128::from(period);
        Ok(Config {
            capacity,
            per_ns: u128::from(rate.tokens),
            token,
            full: u128::from(capacity) * token,
        })
    }

    /// Credits and time after refilling `(credits, last)` up to `now`. A reading before `last`
    /// means no time has passed (the clock rule).
    fn refill(&self, credits: u128, last: u64, now: u64) -> (u128, u64) {
        if now <= last {
            return (credits, last);
        }
        let added = u128::from(now - last).saturating_mul(self.per_ns);
        (credits.saturating_add(added).min(self.full), now)
    }

    /// Credits left after taking `n` tokens from `credits`, or why not.
    fn take(&self, credits: u128, n: u64) -> Result<u128, AcquireError> {
        if n > self.capacity {
            return Err(AcquireError::ExceedsCapacity {
                requested: n,
                capacity: self.capacity,
            });
        }
        let need = u128::from(n) * self.token;
        if credits >= need {
            return Ok(credits - need);
        }
        let wait = (need - credits).div_ceil(self.per_ns);
        Err(AcquireError::Insufficient {
            retry_after: Duration::from_nanos(u64::try_from(wait).unwrap_or(u64::MAX)),
        })
    }
}

/// The textbook bucket: credits and the time they were counted.
pub struct TwoNumbers<C> {
    config: Config,
    credits: u128,
    last: u64,
    clock: C,
}

impl<C: Clock> RateLimiter<C> for TwoNumbers<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let config = Config::new(capacity, rate)?;
        Ok(TwoNumbers {
            credits: config.full,
            last: clock.now(),
            config,
            clock,
        })
    }

    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        (self.credits, self.last) = self
            .config
            .refill(self.credits, self.last, self.clock.now());
        self.credits = self.config.take(self.credits, n)?;
        Ok(())
    }

    fn available(&self) -> u64 {
        let (credits, _) = self
            .config
            .refill(self.credits, self.last, self.clock.now());
        (credits / self.config.token) as u64
    }

    fn capacity(&self) -> u64 {
        self.config.capacity
    }
}

/// Both numbers in one `AtomicU128`: the time in the high 64 bits, the credits in the low 64.
/// Credits fit 64 bits as long as `capacity × period_ns` does, which every configuration the
/// suite uses satisfies (the largest is 64 Ki tokens of one second).
pub struct PackedTwoNumbers<C> {
    config: Config,
    state: AtomicU128,
    clock: C,
}

fn pack(credits: u128, last: u64) -> u128 {
    (u128::from(last) << 64) | credits.min(u128::from(u64::MAX))
}

fn unpack(state: u128) -> (u128, u64) {
    (state & u128::from(u64::MAX), (state >> 64) as u64)
}

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for PackedTwoNumbers<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let config = Config::new(capacity, rate)?;
        Ok(PackedTwoNumbers {
            state: AtomicU128::new(pack(config.full, clock.now())),
            config,
            clock,
        })
    }

    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        let mut state = self.state.load(Ordering::SeqCst);
        loop {
            let (credits, last) = unpack(state);
            let (credits, last) = self.config.refill(credits, last, now);
            let left = self.config.take(credits, n)?;
            match self.state.compare_exchange_weak(
                state,
                pack(left, last),
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => state = actual,
            }
        }
    }

    fn available(&self) -> u64 {
        let (credits, last) = unpack(self.state.load(Ordering::SeqCst));
        let (credits, _) = self.config.refill(credits, last, self.clock.now());
        (credits / self.config.token) as u64
    }

    fn capacity(&self) -> u64 {
        self.config.capacity
    }
}
