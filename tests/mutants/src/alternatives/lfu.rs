//! `lfu` in the design learners most often write, the "LeetCode 460" one: a `HashMap<K, usize>`
//! into a slab of nodes (each with its count), a `HashMap<u64, List>` from each count to an
//! index-linked list of the entries of that count (most recently used at its head), and a
//! `min_freq` variable. The reference links its buckets into one ordered list instead, and
//! forgets with W-TinyLFU where this one ages: an exact LFU whose counts are all halved every
//! [`AGING_PERIOD`] × capacity uses. The sharded cache is shards of the textbook one behind
//! `kata_core::sync::Mutex`. Graded on every stage as `--mutant textbook`.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};

use kata_core::lfu::{Cache, CapacityError, ConcurrentCache, ForgetfulCache};
use kata_core::sync::atomic::{AtomicUsize, Ordering};
use kata_core::sync::Mutex;
use kata_suites::lfu::LfuFamily;

/// The textbook `lfu` family.
pub struct TextbookFamily;

impl LfuFamily for TextbookFamily {
    type Cache<K: Hash + Eq + Clone, V> = TextbookLfu<K, V>;
    type Forgetful<K: Hash + Eq + Clone, V> = AgingLfu<K, V>;
    type Sharded<K: Hash + Eq + Clone + Send, V: Clone + Send> = TextbookSharded<K, V>;
}

const NIL: usize = usize::MAX;

struct Node<K, V> {
    key: K,
    value: V,
    count: u64,
    /// The tick of its last use, which orders the entries of one count (only the halving of
    /// [`AgingLfu`] reads it, to merge two lists).
    used: u64,
    /// Toward the head (more recently used).
    prev: usize,
    /// Toward the tail (less recently used).
    next: usize,
}

/// The entries of one count, most recently used at `head`.
#[derive(Clone, Copy)]
struct List {
    head: usize,
    tail: usize,
}

/// The textbook exact LFU. `min_freq` is exact whenever the cache is full: an insertion sets it
/// (the newcomer has the lowest count), a use keeps it, and a `remove`, which may leave it
/// pointing at an empty count, leaves the cache not full, so an insertion comes before the next
/// eviction.
pub struct TextbookLfu<K, V> {
    map: HashMap<K, usize>,
    nodes: Vec<Option<Node<K, V>>>,
    free: Vec<usize>,
    lists: HashMap<u64, List>,
    min_freq: u64,
    tick: u64,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> TextbookLfu<K, V> {
    /// Sets `min_freq` to the lowest count in use by searching the counts: O(distinct counts).
    /// The design does not need it after a `remove` (see the type's documentation); the
    /// `min-search` mutant calls it there, as a learner's natural fix would.
    pub fn search_min_freq(&mut self) {
        self.min_freq = self.lists.keys().copied().min().unwrap_or(1);
    }

    fn node(&self, i: usize) -> &Node<K, V> {
        self.nodes[i].as_ref().expect("a live node")
    }

    fn node_mut(&mut self, i: usize) -> &mut Node<K, V> {
        self.nodes[i].as_mut().expect("a live node")
    }

    /// Takes node `i` out of its count's list; true when that list is now empty (and gone).
    fn detach(&mut self, i: usize) -> bool {
        let (prev, next, count) = {
            let n = self.node(i);
            (n.prev, n.next, n.count)
        };
        if prev != NIL {
            self.node_mut(prev).next = next;
        }
        if next != NIL {
            self.node_mut(next).prev = prev;
        }
        let list = self
            .lists
            .get_mut(&count)
            .expect("the list of a live node's count");
        if list.head == i {
            list.head = next;
        }
        if list.tail == i {
            list.tail = prev;
        }
        if list.head == NIL {
            self.lists.remove(&count);
            return true;
        }
        false
    }

    /// Makes node `i` the most recently used of its count.
    fn attach(&mut self, i: usize) {
        let count = self.node(i).count;
        let list = self.lists.entry(count).or_insert(List {
            head: NIL,
            tail: NIL,
        });
        let head = list.head;
        list.head = i;
        if head == NIL {
            list.tail = i;
        }
        if head != NIL {
            self.node_mut(head).prev = i;
        }
        let n = self.node_mut(i);
        n.prev = NIL;
        n.next = head;
    }

    /// One use of node `i`.
    fn touch(&mut self, i: usize) {
        self.tick += 1;
        let count = self.node(i).count;
        let emptied = self.detach(i);
        let new = count.saturating_add(1);
        if emptied && self.min_freq == count {
            self.min_freq = new;
        }
        let tick = self.tick;
        let n = self.node_mut(i);
        n.count = new;
        n.used = tick;
        self.attach(i);
    }

    /// Removes node `i` altogether.
    fn take(&mut self, i: usize) -> (K, V) {
        self.detach(i);
        let n = self.nodes[i].take().expect("a live node");
        self.free.push(i);
        self.map.remove(&n.key);
        (n.key, n.value)
    }

    /// Halves every count, merging the lists of counts `2c` and `2c + 1` by recency: O(n).
    fn halve(&mut self) {
        let old = std::mem::take(&mut self.lists);
        for (count, list) in old {
            let half = count / 2;
            let mut i = list.head;
            while i != NIL {
                let n = self.node_mut(i);
                n.count = half;
                i = n.next;
            }
            let merged = match self.lists.remove(&half) {
                Some(other) => self.merge(other, list),
                None => list,
            };
            self.lists.insert(half, merged);
        }
        self.min_freq = self.lists.keys().copied().min().unwrap_or(1);
    }

    /// One list of the nodes of `a` and `b`, each most recently used first.
    fn merge(&mut self, a: List, b: List) -> List {
        let (mut x, mut y) = (a.head, b.head);
        let mut out = List {
            head: NIL,
            tail: NIL,
        };
        while x != NIL || y != NIL {
            let take_x = y == NIL || (x != NIL && self.node(x).used > self.node(y).used);
            let i = if take_x { x } else { y };
            if take_x {
                x = self.node(x).next;
            } else {
                y = self.node(y).next;
            }
            let tail = out.tail;
            {
                let n = self.node_mut(i);
                n.prev = tail;
                n.next = NIL;
            }
            if tail == NIL {
                out.head = i;
            } else {
                self.node_mut(tail).next = i;
            }
            out.tail = i;
        }
        out
    }
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for TextbookLfu<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(TextbookLfu {
            map: HashMap::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            lists: HashMap::new(),
            min_freq: 1,
            tick: 0,
            capacity,
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        let i = *self.map.get(key)?;
        self.touch(i);
        Some(&self.node(i).value)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        let i = *self.map.get(key)?;
        Some(&self.node(i).value)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(&i) = self.map.get(&key) {
            self.touch(i);
            let n = self.node_mut(i);
            let old = std::mem::replace(&mut n.value, value);
            let old_key = std::mem::replace(&mut n.key, key);
            return Some((old_key, old));
        }
        let evicted = (self.map.len() == self.capacity).then(|| {
            let victim = self.lists[&self.min_freq].tail;
            self.take(victim)
        });
        self.tick += 1;
        let node = Some(Node {
            key: key.clone(),
            value,
            count: 1,
            used: self.tick,
            prev: NIL,
            next: NIL,
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
        self.attach(i);
        // Only the halving of `AgingLfu` makes counts of 0, below a newcomer's.
        self.min_freq = if self.lists.contains_key(&0) { 0 } else { 1 };
        evicted
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let i = *self.map.get(key)?;
        Some(self.take(i).1)
    }

    fn frequency(&self, key: &K) -> Option<u64> {
        let i = *self.map.get(key)?;
        Some(self.node(i).count)
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Every how many capacities' worth of uses [`AgingLfu`] halves its counts. The quality stage's
/// thresholds were measured against aging LFUs that halve every 8 and 16 capacities (every 2,
/// it forgets so fast that it is LRU, and fails "using frequency").
pub const AGING_PERIOD: u64 = 8;

/// An exact LFU that forgets: after every `AGING_PERIOD × capacity` uses (a `get` that hits, a
/// `put`), every count is halved, so that a count measures recent popularity. The halving is
/// O(n) once per O(n) uses: amortised O(1).
pub struct AgingLfu<K, V> {
    inner: TextbookLfu<K, V>,
    uses: u64,
    period: u64,
}

impl<K: Hash + Eq + Clone, V> AgingLfu<K, V> {
    fn used(&mut self) {
        self.uses += 1;
        if self.uses >= self.period {
            self.uses = 0;
            self.inner.halve();
        }
    }
}

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for AgingLfu<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        Ok(AgingLfu {
            inner: TextbookLfu::with_capacity(capacity)?,
            uses: 0,
            period: u64::try_from(capacity)
                .unwrap_or(u64::MAX)
                .saturating_mul(AGING_PERIOD),
        })
    }

    fn get(&mut self, key: &K) -> Option<&V> {
        let i = *self.inner.map.get(key)?;
        self.inner.touch(i);
        self.used();
        Some(&self.inner.node(i).value)
    }

    fn peek(&self, key: &K) -> Option<&V> {
        self.inner.peek(key)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        let out = self.inner.put(key, value);
        self.used();
        out
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        self.inner.remove(key)
    }

    fn len(&self) -> usize {
        self.inner.len()
    }

    fn capacity(&self) -> usize {
        self.inner.capacity()
    }
}

/// Shards of [`TextbookLfu`] behind `kata_core::sync::Mutex`, picked by a per-instance
/// `RandomState`; the total kept in an atomic updated under the shard's lock.
pub struct TextbookSharded<K, V> {
    shards: Vec<Mutex<TextbookLfu<K, V>>>,
    hasher: RandomState,
    len: AtomicUsize,
    capacity: usize,
}

impl<K: Hash + Eq, V> TextbookSharded<K, V> {
    fn shard(&self, key: &K) -> &Mutex<TextbookLfu<K, V>> {
        let h = self.hasher.hash_one(key);
        &self.shards[(h % self.shards.len() as u64) as usize]
    }
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
                TextbookLfu::with_capacity(share).map(Mutex::new)
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

    fn frequency(&self, key: &K) -> Option<u64> {
        self.shard(key).lock().frequency(key)
    }

    fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}
