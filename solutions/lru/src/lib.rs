//! Reference solution of the `lru` kata.
//!
//! [`LruCache`] keeps its entries in one dense `Vec` of nodes linked into a doubly linked recency
//! list by index (most recently used at `head`, least at `tail`), and a `hashbrown::HashTable` of
//! node indices keyed by the node's key. Keys are stored once, in the node: the table hashes an
//! index by looking its key up, so `K` need not be `Clone`. Every operation is a hash lookup plus a
//! constant number of index writes.
//!
//! Removal keeps the `Vec` dense by moving the last node into the hole (`swap_remove`) and
//! re-pointing its neighbours and its table slot; eviction reuses the tail node in place.
//!
//! [`ShardedLruCache`] splits the capacity over independently locked [`LruCache`] shards picked by
//! a hash of the key, and keeps a total count updated inside the shard's lock so that `len` is a
//! single atomic read.

use std::hash::{BuildHasher, Hash};

use hashbrown::{DefaultHashBuilder, HashTable};
use kata_core::sync::atomic::{AtomicUsize, Ordering};
use kata_core::sync::Mutex;

pub use kata_core::lru::{Cache, CapacityError, ConcurrentCache};

const NIL: usize = usize::MAX;

struct Node<K, V> {
    key: K,
    value: V,
    prev: usize,
    next: usize,
}

/// An exact least-recently-used cache with O(1) operations.
pub struct LruCache<K, V> {
    nodes: Vec<Node<K, V>>,
    table: HashTable<usize>,
    hasher: DefaultHashBuilder,
    head: usize,
    tail: usize,
    capacity: usize,
}

impl<K: Hash + Eq, V> LruCache<K, V> {
    #[inline]
    fn hash(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    #[inline]
    fn find(&self, hash: u64, key: &K) -> Option<usize> {
        let nodes = &self.nodes;
        self.table.find(hash, |&i| nodes[i].key == *key).copied()
    }

    #[inline]
    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        match prev {
            NIL => self.head = next,
            p => self.nodes[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.nodes[n].prev = prev,
        }
    }

    #[inline]
    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        match self.head {
            NIL => self.tail = i,
            h => self.nodes[h].prev = i,
        }
        self.head = i;
    }

    #[inline]
    fn touch(&mut self, i: usize) {
        if self.head != i {
            self.unlink(i);
            self.push_front(i);
        }
    }
}

impl<K: Hash + Eq, V> Cache<K, V> for LruCache<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(LruCache {
            nodes: Vec::new(),
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            head: NIL,
            tail: NIL,
            capacity,
        })
    }

    #[inline]
    fn get(&mut self, key: &K) -> Option<&V> {
        let i = self.find(self.hash(key), key)?;
        self.touch(i);
        Some(&self.nodes[i].value)
    }

    #[inline]
    fn peek(&self, key: &K) -> Option<&V> {
        let i = self.find(self.hash(key), key)?;
        Some(&self.nodes[i].value)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        let hash = self.hash(&key);
        if let Some(i) = self.find(hash, &key) {
            self.touch(i);
            let node = &mut self.nodes[i];
            let old_key = std::mem::replace(&mut node.key, key);
            let old_value = std::mem::replace(&mut node.value, value);
            return Some((old_key, old_value));
        }
        if self.nodes.len() < self.capacity {
            let i = self.nodes.len();
            self.nodes.push(Node {
                key,
                value,
                prev: NIL,
                next: NIL,
            });
            self.push_front(i);
            let nodes = &self.nodes;
            let hasher = &self.hasher;
            self.table
                .insert_unique(hash, i, |&j| hasher.hash_one(&nodes[j].key));
            return None;
        }
        // Full: reuse the least recently used node in place.
        let i = self.tail;
        let old_hash = self.hash(&self.nodes[i].key);
        if let Ok(slot) = self.table.find_entry(old_hash, |&j| j == i) {
            slot.remove();
        }
        self.touch(i);
        let node = &mut self.nodes[i];
        let old_key = std::mem::replace(&mut node.key, key);
        let old_value = std::mem::replace(&mut node.value, value);
        let nodes = &self.nodes;
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, i, |&j| hasher.hash_one(&nodes[j].key));
        Some((old_key, old_value))
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let hash = self.hash(key);
        let nodes = &self.nodes;
        let slot = self
            .table
            .find_entry(hash, |&i| nodes[i].key == *key)
            .ok()?;
        let (i, _) = slot.remove();
        self.unlink(i);
        let last = self.nodes.len() - 1;
        if i != last {
            // `swap_remove` moves the last node into slot `i`: re-point its neighbours and its
            // table entry first.
            let moved_hash = self.hash(&self.nodes[last].key);
            if let Some(slot) = self.table.find_mut(moved_hash, |&j| j == last) {
                *slot = i;
            }
            let (prev, next) = (self.nodes[last].prev, self.nodes[last].next);
            match prev {
                NIL => self.head = i,
                p => self.nodes[p].next = i,
            }
            match next {
                NIL => self.tail = i,
                n => self.nodes[n].prev = i,
            }
        }
        Some(self.nodes.swap_remove(i).value)
    }

    #[inline]
    fn len(&self) -> usize {
        self.nodes.len()
    }

    #[inline]
    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// A thread-safe LRU split into independently locked shards.
pub struct ShardedLruCache<K, V> {
    shards: Box<[Mutex<LruCache<K, V>>]>,
    hasher: DefaultHashBuilder,
    len: AtomicUsize,
    capacity: usize,
}

impl<K: Hash + Eq, V> ShardedLruCache<K, V> {
    #[inline]
    fn shard(&self, key: &K) -> &Mutex<LruCache<K, V>> {
        // Multiply-shift on the high half: independent of the bits the shard's own table uses.
        let high = self.hasher.hash_one(key) >> 32;
        let index = (high * self.shards.len() as u64) >> 32;
        &self.shards[index as usize]
    }
}

impl<K, V> ConcurrentCache<K, V> for ShardedLruCache<K, V>
where
    K: Hash + Eq + Send,
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
        // Spread the capacity as evenly as possible: the first `capacity % shards` get one more.
        let shards = (0..shards)
            .map(|i| {
                let share = capacity / shards + usize::from(i < capacity % shards);
                LruCache::with_capacity(share).map(Mutex::new)
            })
            .collect::<Result<Box<[_]>, _>>()?;
        Ok(ShardedLruCache {
            shards,
            hasher: DefaultHashBuilder::default(),
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
