//! Reference solution of the `lfu` kata.
//!
//! # [`LfuCache`]: exact LFU in O(1)
//!
//! The design of Shah, Mitra and Matani (2010). Entries of equal count share a *bucket*; the
//! buckets form a doubly linked list in increasing count, so the lowest bucket is at `lowest`;
//! each bucket holds a doubly linked list of its entries, most recently used at its head, least at
//! its tail. The victim is therefore the tail of the lowest bucket, and a use moves an entry from
//! its bucket to the head of the next one (count + 1), creating that bucket when the next one has
//! another count. No operation searches: each is a hash lookup plus a constant number of index
//! writes.
//!
//! The layout is `lru`'s: one dense `Vec` of nodes linked by `u32` indices, a
//! `hashbrown::HashTable` of node indices (the key is stored once, in its node), `swap_remove` on
//! `remove` to keep the `Vec` dense, and eviction reusing the victim's node in place for the
//! newcomer. A node stores the index of its bucket, and the count lives in the bucket, so that a
//! node of `u64` keys and values is 32 bytes. Buckets live in a second `Vec` and are recycled
//! through a free list (an empty bucket is unlinked and pushed on it; a new one is popped), so an
//! operation allocates only when more buckets are live than ever before. Two shortcuts keep the common moves cheap:
//! an entry alone in its bucket whose next bucket is not count + 1 bumps its bucket's count in
//! place instead of moving, and an evicted entry with a count above 1 alone in the lowest bucket
//! turns that bucket into the newcomer's count-1 bucket.
//!
//! Every bucket holds at least one entry, so there are never more buckets than entries and their
//! indices fit `u32` too. Counts are `u64` and saturate: an entry at `u64::MAX` only moves to the
//! head of its bucket (a use still makes it the most recently used of its count).
//!
//! Against the `lfu_cache` crate (1.3, `Rc` keys, a boxed node per entry in `NonNull` lists, std's
//! SipHash `HashMap`), on `lru`'s three bench workloads at 64 Ki entries replayed by a scratch
//! harness (median of 9 rounds, five runs on a shared 2-core machine): read-heavy 18 ns per
//! operation against 30 to 46, write-heavy 21 to 22 against 60 to 78, scan 15 to 22 against 39 to
//! 60, so between 0.3 and 0.6 of its time. That crate pays SipHash and an allocation
//! per insertion, which foldhash and the reuse of the victim's node avoid here (how the gap splits
//! between the two was not measured).
//!
//! # [`ForgetfulLfuCache`]: W-TinyLFU
//!
//! Exact LFU never forgets: a key that was hot an hour ago keeps its count and its place. Of the
//! two designs the contract allows, this is W-TinyLFU (Einziger, Friedman and Manes 2017), what
//! Caffeine uses (moka uses TinyLFU admission without the window), because it also needs no per-entry count and resists scans:
//!
//! - a **window**, an LRU of about 1 % of the capacity (at least 1 entry from capacity 2 on),
//!   where every newcomer lands: it gives a new key a chance to build up a frequency;
//! - a **main** segmented LRU of the rest: **probation** (about 20 %) and **protected** (about
//!   80 %). A hit in probation promotes to protected; protected's overflow is demoted to the head
//!   of probation;
//! - an **admission filter**, TinyLFU: a count-min sketch of 4-bit counters, laid out as Caffeine
//!   lays it out (16 counters per `u64`, the 4 counters of a key in one 64-byte block, so an
//!   access touches one cache line). Every access (a `get`, hit or miss, and every `put`)
//!   increments the key's counters; after `10 × capacity` increments every counter is halved,
//!   which is how old popularity fades.
//!
//! While fewer than `capacity` entries are held, the window's overflow spills into probation and
//! nothing leaves. Once full, a newcomer pushes the window's least recently used entry out as the
//! *candidate*, and the candidate is admitted to probation only if the sketch estimates it more
//! frequent than probation's least recently used entry, the *victim* (protected's when probation
//! is empty); the loser is evicted and returned. A tie goes to the victim, so a scan of one-time
//! keys never displaces the main segment. With capacity 1 there is no window: the newcomer itself
//! is the candidate, and may be the entry returned.
//!
//! Nothing adapts the window's size (Caffeine's hill climber): at 1 % the policy leans to
//! frequency, which the quality stage measures on skewed and shifting traces. The sketch is hashed
//! from the table's hash of the key, mixed again (a 64-bit finaliser) since foldhash's bits are
//! not all good. It is sized for the entries held, not the capacity, and doubles as the cache
//! fills (copying each block to both of its successors keeps every estimate an upper bound), so a
//! huge capacity costs nothing up front.
//!
//! Measured by this crate's unit tests, as a read-through cache (`get`, and `put` on a miss) of
//! capacity 1000 on Zipf (s = 0.9) draws over 20 000 keys: hit ratio 0.48 for LRU, 0.57 for this
//! cache, 0.56 for exact LFU (whose counts start again at each insertion), over 200 000 requests;
//! when after 200 000 requests the draws move to 20 000 other keys, the next 200 000 requests hit
//! 0.47 with LRU, 0.56 with this cache and 0.12 with exact LFU, which clings to the old keys. Over
//! the first 20 000 requests after the shift this cache already hits 0.45 (LRU 0.46).
//!
//! # [`ShardedLfuCache`]
//!
//! `lru`'s sharded cache over [`LfuCache`]: the capacity split over independently locked shards
//! picked by a mixed hash of the key, and a total count kept inside the shard's lock by a guard's
//! `Drop`, so that `len` is one atomic read and stays exact when a key's `Drop`, `Hash` or `Eq`
//! panics inside a shard. It takes its mutex and atomics from `kata_core::sync`, which the
//! concurrency stage swaps for loom's.

use std::hash::{BuildHasher, Hash};

use hashbrown::{DefaultHashBuilder, HashTable};
use kata_core::sync::atomic::{AtomicUsize, Ordering};
use kata_core::sync::{Mutex, MutexGuard};

pub use kata_core::lfu::{Cache, CapacityError, ConcurrentCache, ForgetfulCache};

/// Node and bucket indices are `u32`, as in `lru`: smaller nodes, more of them in cache. The price
/// is a limit of `u32::MAX - 1` entries: a cache built with a larger capacity evicts once it holds
/// that many.
type Idx = u32;

/// The end of a list.
const NIL: Idx = Idx::MAX;

/// The most entries a cache holds, whatever its capacity: every index but [`NIL`].
const MAX_ENTRIES: usize = NIL as usize;

// ---------------------------------------------------------------------------------------------
// Exact LFU
// ---------------------------------------------------------------------------------------------

struct Node<K, V> {
    key: K,
    value: V,
    /// Toward the head (most recently used) of the bucket.
    prev: Idx,
    /// Toward the tail (least recently used) of the bucket.
    next: Idx,
    bucket: Idx,
}

/// The entries of one count. A free bucket is linked into the free list through `next`.
struct Bucket {
    count: u64,
    /// The most recently used entry.
    head: Idx,
    /// The least recently used entry: the victim when this is the lowest bucket.
    tail: Idx,
    /// The bucket of the next lower count.
    prev: Idx,
    /// The bucket of the next higher count.
    next: Idx,
}

/// An exact least-frequently-used cache with O(1) operations; ties go to the least recently
/// used.
pub struct LfuCache<K, V> {
    nodes: Vec<Node<K, V>>,
    buckets: Vec<Bucket>,
    /// The head of the list of free buckets.
    free: Idx,
    /// The bucket of the lowest count.
    lowest: Idx,
    table: HashTable<Idx>,
    hasher: DefaultHashBuilder,
    /// The capacity asked for, as [`Cache::capacity`] reports it.
    capacity: usize,
    /// `min(capacity, MAX_ENTRIES)`: when the cache is full.
    limit: usize,
}

impl<K: Hash + Eq, V> LfuCache<K, V> {
    #[inline]
    fn hash(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    #[inline]
    fn node(&self, i: Idx) -> &Node<K, V> {
        &self.nodes[i as usize]
    }

    #[inline]
    fn node_mut(&mut self, i: Idx) -> &mut Node<K, V> {
        &mut self.nodes[i as usize]
    }

    #[inline]
    fn bucket(&self, b: Idx) -> &Bucket {
        &self.buckets[b as usize]
    }

    #[inline]
    fn bucket_mut(&mut self, b: Idx) -> &mut Bucket {
        &mut self.buckets[b as usize]
    }

    #[inline]
    fn find(&self, hash: u64, key: &K) -> Option<Idx> {
        let nodes = &self.nodes;
        self.table
            .find(hash, |&i| nodes[i as usize].key == *key)
            .copied()
    }

    /// Inserts index `i`, whose node holds a key hashing to `hash`, into the table.
    #[inline]
    fn index(&mut self, hash: u64, i: Idx) {
        let nodes = &self.nodes;
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, i, |&j| hasher.hash_one(&nodes[j as usize].key));
    }

    /// Takes node `i` out of its bucket's list, leaving `node.bucket` as it was.
    #[inline]
    fn unlink(&mut self, i: Idx) {
        let node = self.node(i);
        let (prev, next, b) = (node.prev, node.next, node.bucket);
        match prev {
            NIL => self.bucket_mut(b).head = next,
            p => self.node_mut(p).next = next,
        }
        match next {
            NIL => self.bucket_mut(b).tail = prev,
            n => self.node_mut(n).prev = prev,
        }
    }

    /// Makes node `i` the most recently used of bucket `b`.
    #[inline]
    fn push_front(&mut self, i: Idx, b: Idx) {
        let head = self.bucket(b).head;
        let node = self.node_mut(i);
        node.prev = NIL;
        node.next = head;
        node.bucket = b;
        match head {
            NIL => self.bucket_mut(b).tail = i,
            h => self.node_mut(h).prev = i,
        }
        self.bucket_mut(b).head = i;
    }

    /// A bucket of `count`, empty, linked between buckets `prev` and `next` (either may be
    /// [`NIL`]).
    #[inline]
    fn new_bucket(&mut self, count: u64, prev: Idx, next: Idx) -> Idx {
        let fresh = Bucket {
            count,
            head: NIL,
            tail: NIL,
            prev,
            next,
        };
        let b = match self.free {
            NIL => {
                self.buckets.push(fresh);
                (self.buckets.len() - 1) as Idx
            }
            b => {
                self.free = self.bucket(b).next;
                *self.bucket_mut(b) = fresh;
                b
            }
        };
        match prev {
            NIL => self.lowest = b,
            p => self.bucket_mut(p).next = b,
        }
        if next != NIL {
            self.bucket_mut(next).prev = b;
        }
        b
    }

    /// Unlinks the empty bucket `b` from the list of counts and pushes it on the free list.
    #[inline]
    fn free_bucket(&mut self, b: Idx) {
        let (prev, next) = (self.bucket(b).prev, self.bucket(b).next);
        match prev {
            NIL => self.lowest = next,
            p => self.bucket_mut(p).next = next,
        }
        if next != NIL {
            self.bucket_mut(next).prev = prev;
        }
        let free = self.free;
        self.bucket_mut(b).next = free;
        self.free = b;
    }

    /// One use of node `i`: its count goes up by 1 and it becomes the most recently used of its
    /// new count.
    #[inline]
    fn touch(&mut self, i: Idx) {
        let b = self.node(i).bucket;
        let bucket = self.bucket(b);
        let (count, next) = (bucket.count, bucket.next);
        let alone = bucket.head == bucket.tail;
        if count == u64::MAX {
            // Saturated: no higher bucket to go to, but the use still counts for recency.
            if bucket.head != i {
                self.unlink(i);
                self.push_front(i, b);
            }
        } else if next != NIL && self.bucket(next).count == count + 1 {
            self.unlink(i);
            self.push_front(i, next);
            if alone {
                self.free_bucket(b);
            }
        } else if alone {
            // The only entry of its count, and no entry has count + 1: the bucket can take the
            // new count without leaving its place in the order.
            self.bucket_mut(b).count = count + 1;
        } else {
            self.unlink(i);
            let nb = self.new_bucket(count + 1, b, next);
            self.push_front(i, nb);
        }
    }

    /// Puts node `i`, in no bucket, at the head of the count-1 bucket.
    #[inline]
    fn push_new(&mut self, i: Idx) {
        let low = self.lowest;
        let b = if low != NIL && self.bucket(low).count == 1 {
            low
        } else {
            self.new_bucket(1, NIL, low)
        };
        self.push_front(i, b);
    }

    /// Makes the victim's node (the tail of the lowest bucket) the newcomer's, at count 1 and
    /// most recently used, and returns its index. The caller replaces the key and value, and
    /// its table entry.
    #[inline]
    fn recycle_victim(&mut self) -> Idx {
        let b = self.lowest;
        let bucket = self.bucket(b);
        let (i, count, alone) = (bucket.tail, bucket.count, bucket.head == bucket.tail);
        if count == 1 {
            if !alone {
                self.unlink(i);
                self.push_front(i, b);
            }
        } else if alone {
            // The lowest bucket, so nothing lies below count 1 either.
            self.bucket_mut(b).count = 1;
        } else {
            self.unlink(i);
            let nb = self.new_bucket(1, NIL, b);
            self.push_front(i, nb);
        }
        i
    }
}

impl<K: Hash + Eq + Clone, V> Cache<K, V> for LfuCache<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        Ok(LfuCache {
            nodes: Vec::new(),
            buckets: Vec::new(),
            free: NIL,
            lowest: NIL,
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            capacity,
            limit: capacity.min(MAX_ENTRIES),
        })
    }

    #[inline]
    fn get(&mut self, key: &K) -> Option<&V> {
        let i = self.find(self.hash(key), key)?;
        self.touch(i);
        Some(&self.node(i).value)
    }

    #[inline]
    fn peek(&self, key: &K) -> Option<&V> {
        let i = self.find(self.hash(key), key)?;
        Some(&self.node(i).value)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        let hash = self.hash(&key);
        if let Some(i) = self.find(hash, &key) {
            self.touch(i);
            let node = self.node_mut(i);
            let old_key = std::mem::replace(&mut node.key, key);
            let old_value = std::mem::replace(&mut node.value, value);
            return Some((old_key, old_value));
        }
        if self.nodes.len() < self.limit {
            let i = self.nodes.len() as Idx;
            self.nodes.push(Node {
                key,
                value,
                prev: NIL,
                next: NIL,
                bucket: NIL,
            });
            self.push_new(i);
            self.index(hash, i);
            return None;
        }
        let i = self.recycle_victim();
        let old_hash = self.hash(&self.node(i).key);
        if let Ok(slot) = self.table.find_entry(old_hash, |&j| j == i) {
            slot.remove();
        }
        let node = self.node_mut(i);
        let old_key = std::mem::replace(&mut node.key, key);
        let old_value = std::mem::replace(&mut node.value, value);
        self.index(hash, i);
        Some((old_key, old_value))
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let hash = self.hash(key);
        let nodes = &self.nodes;
        let slot = self
            .table
            .find_entry(hash, |&i| nodes[i as usize].key == *key)
            .ok()?;
        let (i, _) = slot.remove();
        self.unlink(i);
        let b = self.node(i).bucket;
        if self.bucket(b).head == NIL {
            self.free_bucket(b);
        }
        let last = (self.nodes.len() - 1) as Idx;
        if i != last {
            // `swap_remove` moves the last node into slot `i`: re-point its neighbours, its
            // bucket's ends and its table entry first.
            let moved_hash = self.hash(&self.node(last).key);
            if let Some(slot) = self.table.find_mut(moved_hash, |&j| j == last) {
                *slot = i;
            }
            let moved = self.node(last);
            let (prev, next, b) = (moved.prev, moved.next, moved.bucket);
            match prev {
                NIL => self.bucket_mut(b).head = i,
                p => self.node_mut(p).next = i,
            }
            match next {
                NIL => self.bucket_mut(b).tail = i,
                n => self.node_mut(n).prev = i,
            }
        }
        Some(self.nodes.swap_remove(i as usize).value)
    }

    #[inline]
    fn frequency(&self, key: &K) -> Option<u64> {
        let i = self.find(self.hash(key), key)?;
        Some(self.bucket(self.node(i).bucket).count)
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

// ---------------------------------------------------------------------------------------------
// W-TinyLFU
// ---------------------------------------------------------------------------------------------

/// A count-min sketch of 4-bit counters in Caffeine's layout: 16 counters per word, blocks of 8
/// words (64 bytes), a key's 4 counters in one block, each in its own pair of words.
struct Sketch {
    /// A power of two of words, at least one block.
    words: Box<[u64]>,
    /// Increments since the last halving (less the halving's rounding, as Caffeine counts).
    additions: usize,
    /// Increments between halvings: 10 times [`Sketch::entries`].
    sample: usize,
    /// The entries the sketch is sized for: one word per entry, rounded up to a power of two.
    entries: usize,
}

/// The low bit of every counter.
const ONE_MASK: u64 = 0x1111_1111_1111_1111;
/// Every counter's bits but its top one: a halved counter's.
const RESET_MASK: u64 = 0x7777_7777_7777_7777;
/// Increments between halvings, per entry (TinyLFU's sample size W = 10 × capacity).
const SAMPLE_PER_ENTRY: usize = 10;
/// The entries a sketch is first sized for, at most: it doubles as the cache fills.
const SKETCH_START: usize = 4096;

impl Sketch {
    fn new(entries: usize) -> Sketch {
        let words = entries.next_power_of_two().max(8);
        Sketch {
            words: vec![0; words].into_boxed_slice(),
            additions: 0,
            sample: entries.saturating_mul(SAMPLE_PER_ENTRY),
            entries,
        }
    }

    /// The word of the key's block its `i`-th counter is in, and the counter's shift in it.
    #[inline]
    fn slots(&self, hash: u64) -> [(usize, u32); 4] {
        // The table's hash, mixed by a 64-bit finaliser (murmur3's): its high half picks the
        // block, its low half the counters.
        let mut x = hash;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^= x >> 33;
        let blocks = self.words.len() >> 3;
        let block = ((x >> 32) as usize & (blocks - 1)) << 3;
        let counters = x as u32;
        std::array::from_fn(|i| {
            let h = counters >> (i * 8);
            let word = block + (h & 1) as usize + (i << 1);
            let shift = ((h >> 1) & 15) << 2;
            (word, shift)
        })
    }

    /// Counts one access of the key hashing to `hash`; halves every counter once the sample is
    /// reached.
    #[inline]
    fn increment(&mut self, hash: u64) {
        let mut added = false;
        for (word, shift) in self.slots(hash) {
            let w = &mut self.words[word];
            if (*w >> shift) & 15 != 15 {
                *w += 1 << shift;
                added = true;
            }
        }
        if added {
            self.additions += 1;
            if self.additions >= self.sample {
                self.halve();
            }
        }
    }

    /// The estimated accesses of the key hashing to `hash` since about the last halving, at most
    /// 15.
    #[inline]
    fn frequency(&self, hash: u64) -> u64 {
        self.slots(hash)
            .into_iter()
            .map(|(word, shift)| (self.words[word] >> shift) & 15)
            .min()
            .unwrap_or(0)
    }

    /// Halves every counter: the forgetting.
    fn halve(&mut self) {
        let mut odd = 0usize;
        for w in self.words.iter_mut() {
            odd += (*w & ONE_MASK).count_ones() as usize;
            *w = (*w >> 1) & RESET_MASK;
        }
        // Each addition bumped up to 4 counters; the halving dropped a half from each odd one.
        self.additions = self.additions.saturating_sub(odd >> 2) >> 1;
    }

    /// Doubles the entries the sketch covers (at most `limit`); every block is copied to both
    /// blocks that its keys now map to, so no estimate drops.
    fn grow(&mut self, limit: usize) {
        let entries = self.entries.saturating_mul(2).min(limit);
        let words = entries.next_power_of_two().max(8);
        if words > self.words.len() {
            let mask = self.words.len() - 1;
            self.words = (0..words).map(|w| self.words[w & mask]).collect();
        }
        self.entries = entries;
        self.sample = entries.saturating_mul(SAMPLE_PER_ENTRY);
    }
}

/// The segment of a [`ForgetfulLfuCache`] an entry is in; also the index of its list.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Segment {
    Window = 0,
    Probation = 1,
    Protected = 2,
}

struct FNode<K, V> {
    key: K,
    value: V,
    prev: Idx,
    next: Idx,
    segment: Segment,
}

/// A recency list: most recently used at `head`.
#[derive(Clone, Copy)]
struct List {
    head: Idx,
    tail: Idx,
    len: usize,
}

/// A frequency-based cache that forgets: W-TinyLFU, a small LRU window, a segmented LRU main
/// space and a count-min sketch that decides which of the window's leaver and the main's victim
/// stays.
pub struct ForgetfulLfuCache<K, V> {
    nodes: Vec<FNode<K, V>>,
    /// By [`Segment`]: window, probation, protected.
    lists: [List; 3],
    table: HashTable<Idx>,
    hasher: DefaultHashBuilder,
    sketch: Sketch,
    /// The most entries the window holds; 0 for capacity 1.
    window_cap: usize,
    /// The most entries the protected segment holds.
    protected_cap: usize,
    capacity: usize,
    /// `min(capacity, MAX_ENTRIES)`: when the cache is full.
    limit: usize,
}

impl<K: Hash + Eq, V> ForgetfulLfuCache<K, V> {
    #[inline]
    fn hash(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    #[inline]
    fn node(&self, i: Idx) -> &FNode<K, V> {
        &self.nodes[i as usize]
    }

    #[inline]
    fn node_mut(&mut self, i: Idx) -> &mut FNode<K, V> {
        &mut self.nodes[i as usize]
    }

    #[inline]
    fn find(&self, hash: u64, key: &K) -> Option<Idx> {
        let nodes = &self.nodes;
        self.table
            .find(hash, |&i| nodes[i as usize].key == *key)
            .copied()
    }

    #[inline]
    fn index(&mut self, hash: u64, i: Idx) {
        let nodes = &self.nodes;
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, i, |&j| hasher.hash_one(&nodes[j as usize].key));
    }

    /// Takes node `i`, whose key hashes to `hash`, out of the table.
    #[inline]
    fn unindex(&mut self, hash: u64, i: Idx) {
        if let Ok(slot) = self.table.find_entry(hash, |&j| j == i) {
            slot.remove();
        }
    }

    #[inline]
    fn unlink(&mut self, i: Idx) {
        let node = self.node(i);
        let (prev, next, s) = (node.prev, node.next, node.segment as usize);
        match prev {
            NIL => self.lists[s].head = next,
            p => self.node_mut(p).next = next,
        }
        match next {
            NIL => self.lists[s].tail = prev,
            n => self.node_mut(n).prev = prev,
        }
        self.lists[s].len -= 1;
    }

    #[inline]
    fn push_front(&mut self, i: Idx, segment: Segment) {
        let s = segment as usize;
        let head = self.lists[s].head;
        let node = self.node_mut(i);
        node.prev = NIL;
        node.next = head;
        node.segment = segment;
        match head {
            NIL => self.lists[s].tail = i,
            h => self.node_mut(h).prev = i,
        }
        self.lists[s].head = i;
        self.lists[s].len += 1;
    }

    #[inline]
    fn move_to(&mut self, i: Idx, segment: Segment) {
        self.unlink(i);
        self.push_front(i, segment);
    }

    /// A hit on node `i`: recency within the window or protected, promotion from probation.
    #[inline]
    fn hit(&mut self, i: Idx) {
        match self.node(i).segment {
            Segment::Window => {
                if self.lists[Segment::Window as usize].head != i {
                    self.move_to(i, Segment::Window);
                }
            }
            Segment::Protected => {
                if self.lists[Segment::Protected as usize].head != i {
                    self.move_to(i, Segment::Protected);
                }
            }
            Segment::Probation => {
                self.move_to(i, Segment::Protected);
                if self.lists[Segment::Protected as usize].len > self.protected_cap {
                    let demoted = self.lists[Segment::Protected as usize].tail;
                    self.move_to(demoted, Segment::Probation);
                }
            }
        }
    }

    /// The main segment's victim: probation's least recently used entry, protected's when
    /// probation is empty.
    #[inline]
    fn main_victim(&self) -> Idx {
        match self.lists[Segment::Probation as usize].tail {
            NIL => self.lists[Segment::Protected as usize].tail,
            v => v,
        }
    }

    /// Gives node `i` (out of every list and the table) to the newcomer in `segment`, returning
    /// the entry it held.
    #[inline]
    fn reuse(&mut self, i: Idx, hash: u64, key: K, value: V, segment: Segment) -> (K, V) {
        let node = self.node_mut(i);
        let old_key = std::mem::replace(&mut node.key, key);
        let old_value = std::mem::replace(&mut node.value, value);
        self.push_front(i, segment);
        self.index(hash, i);
        (old_key, old_value)
    }

    /// `put` of a new key into a full cache: the admission decision.
    fn put_full(&mut self, hash: u64, key: K, value: V) -> (K, V) {
        let window = self.lists[Segment::Window as usize];
        let victim = self.main_victim();
        let victim_hash = self.hash(&self.node(victim).key);
        if self.window_cap == 0 {
            // No window (capacity 1): the newcomer is the candidate.
            if self.sketch.frequency(hash) > self.sketch.frequency(victim_hash) {
                self.unindex(victim_hash, victim);
                self.unlink(victim);
                return self.reuse(victim, hash, key, value, Segment::Probation);
            }
            return (key, value);
        }
        if window.len < self.window_cap {
            // Room in the window (after removals): the newcomer displaces no candidate, and the
            // main segment, over its share, gives up its victim.
            self.unindex(victim_hash, victim);
            self.unlink(victim);
            return self.reuse(victim, hash, key, value, Segment::Window);
        }
        let candidate = window.tail;
        let candidate_hash = self.hash(&self.node(candidate).key);
        let loser = if self.sketch.frequency(candidate_hash) > self.sketch.frequency(victim_hash) {
            self.move_to(candidate, Segment::Probation);
            self.unindex(victim_hash, victim);
            victim
        } else {
            self.unindex(candidate_hash, candidate);
            candidate
        };
        self.unlink(loser);
        self.reuse(loser, hash, key, value, Segment::Window)
    }
}

impl<K: Hash + Eq + Clone, V> ForgetfulCache<K, V> for ForgetfulLfuCache<K, V> {
    fn with_capacity(capacity: usize) -> Result<Self, CapacityError> {
        if capacity == 0 {
            return Err(CapacityError::Zero);
        }
        let limit = capacity.min(MAX_ENTRIES);
        // About 1 % for the window, but at least one entry once the main segment keeps one.
        let window_cap = if limit >= 2 { (limit / 100).max(1) } else { 0 };
        let main = limit - window_cap;
        let empty = List {
            head: NIL,
            tail: NIL,
            len: 0,
        };
        Ok(ForgetfulLfuCache {
            nodes: Vec::new(),
            lists: [empty; 3],
            table: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            sketch: Sketch::new(limit.min(SKETCH_START)),
            window_cap,
            protected_cap: main / 5 * 4 + main % 5 * 4 / 5,
            capacity,
            limit,
        })
    }

    #[inline]
    fn get(&mut self, key: &K) -> Option<&V> {
        let hash = self.hash(key);
        self.sketch.increment(hash);
        let i = self.find(hash, key)?;
        self.hit(i);
        Some(&self.node(i).value)
    }

    #[inline]
    fn peek(&self, key: &K) -> Option<&V> {
        let i = self.find(self.hash(key), key)?;
        Some(&self.node(i).value)
    }

    fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        let hash = self.hash(&key);
        self.sketch.increment(hash);
        if let Some(i) = self.find(hash, &key) {
            self.hit(i);
            let node = self.node_mut(i);
            let old_key = std::mem::replace(&mut node.key, key);
            let old_value = std::mem::replace(&mut node.value, value);
            return Some((old_key, old_value));
        }
        if self.nodes.len() >= self.limit {
            return Some(self.put_full(hash, key, value));
        }
        // Not full: nothing leaves; the window's overflow spills into probation.
        let i = self.nodes.len() as Idx;
        self.nodes.push(FNode {
            key,
            value,
            prev: NIL,
            next: NIL,
            segment: Segment::Window,
        });
        let segment = if self.window_cap == 0 {
            Segment::Probation
        } else {
            Segment::Window
        };
        self.push_front(i, segment);
        self.index(hash, i);
        if self.lists[Segment::Window as usize].len > self.window_cap {
            let spilled = self.lists[Segment::Window as usize].tail;
            self.move_to(spilled, Segment::Probation);
        }
        if self.nodes.len() > self.sketch.entries {
            self.sketch.grow(self.limit);
        }
        None
    }

    fn remove(&mut self, key: &K) -> Option<V> {
        let hash = self.hash(key);
        let nodes = &self.nodes;
        let slot = self
            .table
            .find_entry(hash, |&i| nodes[i as usize].key == *key)
            .ok()?;
        let (i, _) = slot.remove();
        self.unlink(i);
        let last = (self.nodes.len() - 1) as Idx;
        if i != last {
            let moved_hash = self.hash(&self.node(last).key);
            if let Some(slot) = self.table.find_mut(moved_hash, |&j| j == last) {
                *slot = i;
            }
            let moved = self.node(last);
            let (prev, next, s) = (moved.prev, moved.next, moved.segment as usize);
            match prev {
                NIL => self.lists[s].head = i,
                p => self.node_mut(p).next = i,
            }
            match next {
                NIL => self.lists[s].tail = i,
                n => self.node_mut(n).prev = i,
            }
        }
        Some(self.nodes.swap_remove(i as usize).value)
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

// ---------------------------------------------------------------------------------------------
// Sharded
// ---------------------------------------------------------------------------------------------

/// The shard, of `shards`, for a key whose hash is `hash`: see [`ShardedLfuCache::shard`].
#[inline]
fn shard_index(hash: u64, shards: usize) -> usize {
    let mixed = (hash ^ (hash >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (((mixed >> 32) * shards as u64) >> 32) as usize
}

/// A thread-safe LFU split into independently locked shards, each an exact [`LfuCache`].
pub struct ShardedLfuCache<K, V> {
    shards: Box<[Mutex<LfuCache<K, V>>]>,
    hasher: DefaultHashBuilder,
    len: AtomicUsize,
    capacity: usize,
}

impl<K: Hash + Eq, V> ShardedLfuCache<K, V> {
    #[inline]
    fn shard(&self, key: &K) -> &Mutex<LfuCache<K, V>> {
        // Mixed again before its high half picks the shard: foldhash's high bits barely vary for
        // small integer keys in some processes (see `lru`'s reference).
        &self.shards[shard_index(self.hasher.hash_one(key), self.shards.len())]
    }

    /// The locked shard of `key`, which adds the change in its length to the total when it is
    /// dropped, also when unwinding.
    #[inline]
    fn counted(&self, key: &K) -> Counted<'_, K, V> {
        let shard = self.shard(key).lock();
        Counted {
            before: shard.nodes.len(),
            shard,
            total: &self.len,
        }
    }
}

/// A locked shard that keeps the total count in step with it; see [`ShardedLfuCache::counted`].
struct Counted<'a, K, V> {
    shard: MutexGuard<'a, LfuCache<K, V>>,
    before: usize,
    total: &'a AtomicUsize,
}

impl<K, V> std::ops::Deref for Counted<'_, K, V> {
    type Target = LfuCache<K, V>;
    fn deref(&self) -> &Self::Target {
        &self.shard
    }
}

impl<K, V> std::ops::DerefMut for Counted<'_, K, V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.shard
    }
}

impl<K, V> Drop for Counted<'_, K, V> {
    #[inline]
    fn drop(&mut self) {
        // Runs before the guard field is dropped, so still under the shard's lock.
        let after = self.shard.nodes.len();
        if after > self.before {
            self.total.fetch_add(after - self.before, Ordering::SeqCst);
        } else if after < self.before {
            self.total.fetch_sub(self.before - after, Ordering::SeqCst);
        }
    }
}

impl<K, V> ConcurrentCache<K, V> for ShardedLfuCache<K, V>
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
        // As evenly as possible: the first `capacity % shards` get one more.
        let shards = (0..shards)
            .map(|i| {
                let share = capacity / shards + usize::from(i < capacity % shards);
                LfuCache::with_capacity(share).map(Mutex::new)
            })
            .collect::<Result<Box<[_]>, _>>()?;
        Ok(ShardedLfuCache {
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
        let mut shard = self.counted(&key);
        shard.put(key, value)
    }

    fn remove(&self, key: &K) -> Option<V> {
        let mut shard = self.counted(key);
        shard.remove(key)
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;

    /// xorshift64*: deterministic and dependency-free.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Ranks 0..n drawn with probability proportional to 1 / (rank + 1)^s.
    struct Zipf(Vec<f64>);

    impl Zipf {
        fn new(n: usize, s: f64) -> Zipf {
            let mut total = 0.0;
            let mut cdf: Vec<f64> = (0..n)
                .map(|r| {
                    total += 1.0 / ((r + 1) as f64).powf(s);
                    total
                })
                .collect();
            for c in &mut cdf {
                *c /= total;
            }
            Zipf(cdf)
        }

        fn sample(&self, rng: &mut Rng) -> u64 {
            let u = rng.unit();
            self.0.partition_point(|&c| c < u).min(self.0.len() - 1) as u64
        }
    }

    /// Checks every structural invariant of an [`LfuCache`]: lists consistent both ways, buckets
    /// non-empty and strictly increasing, every node in the table and in its bucket, free list
    /// and live buckets accounting for every bucket.
    fn check_lfu<K: Hash + Eq, V>(c: &LfuCache<K, V>) {
        assert_eq!(c.table.len(), c.nodes.len());
        let mut seen = 0;
        let mut live = 0;
        let (mut b, mut prev_b, mut prev_count) = (c.lowest, NIL, 0u64);
        while b != NIL {
            let bucket = c.bucket(b);
            assert_eq!(bucket.prev, prev_b);
            assert!(bucket.count > prev_count, "counts increase");
            assert_ne!(bucket.head, NIL, "no empty bucket is linked");
            let (mut i, mut prev_i) = (bucket.head, NIL);
            while i != NIL {
                let node = c.node(i);
                assert_eq!(node.prev, prev_i);
                assert_eq!(node.bucket, b);
                assert_eq!(c.find(c.hash(&node.key), &node.key), Some(i));
                seen += 1;
                prev_i = i;
                i = node.next;
            }
            assert_eq!(bucket.tail, prev_i);
            live += 1;
            prev_count = bucket.count;
            prev_b = b;
            b = bucket.next;
        }
        assert_eq!(seen, c.nodes.len());
        let mut free = 0;
        let mut f = c.free;
        while f != NIL {
            free += 1;
            f = c.bucket(f).next;
        }
        assert_eq!(live + free, c.buckets.len());
    }

    fn check_forgetful<K: Hash + Eq, V>(c: &ForgetfulLfuCache<K, V>) {
        assert_eq!(c.table.len(), c.nodes.len());
        let mut seen = 0;
        for (s, list) in c.lists.iter().enumerate() {
            let (mut i, mut prev, mut len) = (list.head, NIL, 0);
            while i != NIL {
                let node = c.node(i);
                assert_eq!(node.prev, prev);
                assert_eq!(node.segment as usize, s);
                assert_eq!(c.find(c.hash(&node.key), &node.key), Some(i));
                len += 1;
                prev = i;
                i = node.next;
            }
            assert_eq!(list.tail, prev);
            assert_eq!(list.len, len);
            seen += len;
        }
        assert_eq!(seen, c.nodes.len());
        assert!(c.lists[Segment::Window as usize].len <= c.window_cap);
        assert!(c.lists[Segment::Protected as usize].len <= c.protected_cap);
        assert!(c.nodes.len() <= c.capacity);
    }

    #[test]
    fn zero_capacity_and_bad_shards_are_refused() {
        assert_eq!(
            <LfuCache<u8, u8> as Cache<_, _>>::with_capacity(0).err(),
            Some(CapacityError::Zero)
        );
        assert_eq!(
            <ForgetfulLfuCache<u8, u8> as ForgetfulCache<_, _>>::with_capacity(0).err(),
            Some(CapacityError::Zero)
        );
        let sharded = ShardedLfuCache::<u8, u8>::with_shards;
        assert_eq!(sharded(0, 1).err(), Some(CapacityError::Zero));
        assert_eq!(sharded(4, 0).err(), Some(CapacityError::ZeroShards));
        assert_eq!(
            sharded(2, 3).err(),
            Some(CapacityError::MoreShardsThanCapacity {
                capacity: 2,
                shards: 3
            })
        );
    }

    #[test]
    fn lowest_count_goes_first_and_ties_go_to_the_least_recently_used() {
        let mut c = LfuCache::with_capacity(3).unwrap();
        c.put('a', 1);
        c.put('b', 2);
        c.put('c', 3);
        assert_eq!(c.get(&'a'), Some(&1));
        // b and c have count 1; b was used least recently.
        assert_eq!(c.put('d', 4), Some(('b', 2)));
        // c (1) is older than d (1).
        assert_eq!(c.put('e', 5), Some(('c', 3)));
        // d goes to count 2, leaving e alone at 1.
        c.get(&'d');
        assert_eq!(c.put('f', 6), Some(('e', 5)));
        assert_eq!(c.frequency(&'a'), Some(2));
        assert_eq!(c.frequency(&'d'), Some(2));
        assert_eq!(c.frequency(&'f'), Some(1));
        // The newcomer is never its own victim, even at count 1 against counts of 2.
        assert_eq!(c.put('g', 7), Some(('f', 6)));
        assert_eq!(c.len(), 3);
        // Among a and d (both 2), a was used least recently.
        c.get(&'g');
        assert_eq!(c.put('h', 8), Some(('a', 1)));
        check_lfu(&c);
    }

    #[test]
    fn peek_and_frequency_change_nothing_put_counts() {
        let mut c = LfuCache::with_capacity(2).unwrap();
        c.put(1, "one");
        c.put(2, "two");
        for _ in 0..5 {
            assert_eq!(c.peek(&1), Some(&"one"));
            assert_eq!(c.frequency(&1), Some(1));
        }
        assert_eq!(c.put(2, "deux"), Some((2, "two")));
        assert_eq!(c.frequency(&2), Some(2));
        assert_eq!(c.put(3, "three"), Some((1, "one")));
        assert_eq!(c.peek(&2), Some(&"deux"));
        check_lfu(&c);
    }

    #[test]
    fn buckets_are_reused_and_freed() {
        let mut c = LfuCache::with_capacity(4).unwrap();
        for k in 0..4 {
            c.put(k, k);
        }
        assert_eq!(c.buckets.len(), 1);
        // Alone in bucket 2 after the first get; the second bumps that bucket in place.
        c.get(&0);
        c.get(&0);
        assert_eq!(c.buckets.len(), 2);
        assert_eq!(c.frequency(&0), Some(3));
        // 1 joins count 2 (new bucket), then 3 joins key 0 (the bucket of 3 is reused).
        c.get(&1);
        c.get(&1);
        check_lfu(&c);
        assert_eq!(c.frequency(&1), Some(3));
        let live = {
            let mut n = 0;
            let mut b = c.lowest;
            while b != NIL {
                n += 1;
                b = c.bucket(b).next;
            }
            n
        };
        assert_eq!(live, 2, "counts 1 and 3");
        // The freed bucket is recycled rather than a new one pushed.
        let before = c.buckets.len();
        c.get(&2);
        assert_eq!(c.buckets.len(), before);
        check_lfu(&c);
    }

    #[test]
    fn a_removed_key_starts_again_at_one() {
        let mut c = LfuCache::with_capacity(3).unwrap();
        c.put(1, 1);
        c.get(&1);
        c.get(&1);
        c.put(2, 2);
        assert_eq!(c.remove(&1), Some(1));
        assert_eq!(c.remove(&1), None);
        assert_eq!(c.frequency(&1), None);
        check_lfu(&c);
        c.put(1, 10);
        assert_eq!(c.frequency(&1), Some(1));
        assert_eq!(c.frequency(&2), Some(1));
        // 2 is the older of the two count-1 entries.
        c.put(3, 3);
        assert_eq!(c.put(4, 4), Some((2, 2)));
        check_lfu(&c);
    }

    #[test]
    fn eviction_of_a_lone_high_count_reuses_its_bucket() {
        let mut c = LfuCache::with_capacity(1).unwrap();
        c.put(1, 1);
        c.get(&1);
        c.get(&1);
        assert_eq!(c.put(2, 2), Some((1, 1)));
        assert_eq!(c.frequency(&2), Some(1));
        assert_eq!(c.buckets.len(), 1);
        assert_eq!(c.get(&2), Some(&2));
        assert_eq!(c.put(2, 3), Some((2, 2)));
        assert_eq!(c.frequency(&2), Some(3));
        check_lfu(&c);
    }

    #[test]
    fn counts_saturate() {
        let mut c = LfuCache::with_capacity(2).unwrap();
        c.put(1, 1);
        c.put(2, 2);
        c.get(&1);
        c.get(&2);
        // Both at count 2 in one bucket: bring that bucket to the edge.
        let b = c.node(c.find(c.hash(&1), &1).unwrap()).bucket;
        c.bucket_mut(b).count = u64::MAX - 1;
        for _ in 0..2 {
            c.get(&1);
            c.get(&2);
        }
        assert_eq!(c.frequency(&1), Some(u64::MAX));
        assert_eq!(c.frequency(&2), Some(u64::MAX));
        check_lfu(&c);
        // A use at the ceiling still counts for recency: 1 becomes the more recent, 2 the victim.
        c.get(&1);
        assert_eq!(c.frequency(&1), Some(u64::MAX));
        assert_eq!(c.put(3, 3), Some((2, 2)));
        check_lfu(&c);
    }

    /// The obvious model: a list of (key, value, count, last use), the victim found by a scan.
    #[derive(Default)]
    struct Model {
        entries: Vec<(u64, u64, u64, u64)>,
        tick: u64,
    }

    impl Model {
        fn pos(&self, k: u64) -> Option<usize> {
            self.entries.iter().position(|e| e.0 == k)
        }

        fn use_at(&mut self, p: usize) {
            self.tick += 1;
            self.entries[p].2 += 1;
            self.entries[p].3 = self.tick;
        }

        fn put(&mut self, k: u64, v: u64, capacity: usize) -> Option<(u64, u64)> {
            if let Some(p) = self.pos(k) {
                self.use_at(p);
                let old = self.entries[p].1;
                self.entries[p].1 = v;
                return Some((k, old));
            }
            let mut out = None;
            if self.entries.len() == capacity {
                let p = (0..self.entries.len())
                    .min_by_key(|&p| (self.entries[p].2, self.entries[p].3))
                    .unwrap();
                let e = self.entries.remove(p);
                out = Some((e.0, e.1));
            }
            self.tick += 1;
            self.entries.push((k, v, 1, self.tick));
            out
        }
    }

    #[test]
    fn lfu_agrees_with_a_brute_force_model() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for capacity in [1usize, 2, 3, 5, 8, 13] {
            for round in 0..4 {
                let keys = capacity as u64 * (round + 1) + 1;
                let mut c = LfuCache::with_capacity(capacity).unwrap();
                let mut m = Model::default();
                for step in 0..3000u64 {
                    let k = rng.below(keys);
                    match rng.below(10) {
                        0..=3 => {
                            let want = m.pos(k).map(|p| {
                                m.use_at(p);
                                m.entries[p].1
                            });
                            assert_eq!(c.get(&k).copied(), want, "get {k}");
                        }
                        4..=6 => assert_eq!(c.put(k, step), m.put(k, step, capacity), "put {k}"),
                        7 => {
                            let want = m.pos(k).map(|p| m.entries.remove(p).1);
                            assert_eq!(c.remove(&k), want, "remove {k}");
                        }
                        8 => assert_eq!(c.peek(&k).copied(), m.pos(k).map(|p| m.entries[p].1)),
                        _ => assert_eq!(c.frequency(&k), m.pos(k).map(|p| m.entries[p].2)),
                    }
                    assert_eq!(c.len(), m.entries.len());
                    check_lfu(&c);
                }
            }
        }
    }

    #[test]
    fn sketch_counts_caps_and_halves() {
        let mut s = Sketch::new(64);
        let h = 0xDEAD_BEEF_u64;
        assert_eq!(s.frequency(h), 0);
        for n in 1..=20 {
            s.increment(h);
            assert_eq!(s.frequency(h), n.min(15));
        }
        s.halve();
        assert_eq!(s.frequency(h), 7);
        // Growing keeps every estimate.
        s.grow(1 << 20);
        assert_eq!(s.frequency(h), 7);
        // The sample triggers the halving by itself: 10 × entries increments of distinct keys.
        let mut s = Sketch::new(8);
        for _ in 0..15 {
            s.increment(h);
        }
        for k in 0..s.sample as u64 {
            s.increment(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        assert!(s.frequency(h) <= 8, "halved: {}", s.frequency(h));
    }

    /// Random operations against the rules of [`ForgetfulCache`]: the values last put, `None`
    /// while not full, exactly one entry no longer held once full, nothing else leaving.
    #[test]
    fn forgetful_keeps_its_contract() {
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        for capacity in [1usize, 2, 3, 4, 7, 10, 64, 150] {
            let mut c = ForgetfulLfuCache::with_capacity(capacity).unwrap();
            let mut held: HashMap<u64, u64> = HashMap::new();
            let keys = capacity as u64 * 3 + 2;
            for step in 0..20_000u64 {
                let k = if rng.below(2) == 0 {
                    rng.below(keys)
                } else {
                    rng.below(capacity as u64 / 2 + 1)
                };
                match rng.below(10) {
                    0..=3 => assert_eq!(c.get(&k), held.get(&k)),
                    4 => assert_eq!(c.peek(&k), held.get(&k)),
                    5..=8 => {
                        let out = c.put(k, step);
                        if let Some(&old) = held.get(&k) {
                            assert_eq!(out, Some((k, old)));
                            held.insert(k, step);
                        } else if held.len() < capacity {
                            assert_eq!(out, None);
                            held.insert(k, step);
                        } else {
                            held.insert(k, step);
                            let (gone, value) = out.expect("a full cache returns an entry");
                            assert_eq!(held.remove(&gone), Some(value));
                            assert!(c.peek(&gone).is_none());
                        }
                    }
                    _ => assert_eq!(c.remove(&k), held.remove(&k)),
                }
                assert_eq!(c.len(), held.len());
                if step % 97 == 0 || capacity <= 10 {
                    check_forgetful(&c);
                    for (k, v) in &held {
                        assert_eq!(c.peek(k), Some(v));
                    }
                }
            }
        }
    }

    #[test]
    fn forgetful_capacity_one_and_two() {
        let mut c = ForgetfulLfuCache::with_capacity(1).unwrap();
        assert_eq!(c.put(1, 1), None);
        c.get(&1);
        c.get(&1);
        // A newcomer seen once loses against a key used three times: it is refused.
        assert_eq!(c.put(2, 2), Some((2, 2)));
        assert_eq!(c.peek(&1), Some(&1));
        // Seen often enough, it wins.
        for _ in 0..5 {
            c.get(&3);
        }
        assert_eq!(c.put(3, 3), Some((1, 1)));
        assert_eq!(c.get(&3), Some(&3));
        assert_eq!(c.len(), 1);
        check_forgetful(&c);

        let mut c = ForgetfulLfuCache::with_capacity(2).unwrap();
        assert_eq!(c.put(1, 1), None);
        assert_eq!(c.put(2, 2), None);
        assert_eq!(c.len(), 2);
        let out = c.put(3, 3).expect("full");
        assert!([1, 2].contains(&out.0) && out.0 == out.1);
        assert_eq!(c.len(), 2);
        assert_eq!(c.remove(&3), Some(3));
        assert_eq!(c.put(4, 4), None);
        check_forgetful(&c);
    }

    /// Hit ratio of a plain exact LRU, as the quality stage's yardstick.
    fn lru_hits(trace: &[u64], capacity: usize, from: usize) -> f64 {
        let (mut by_key, mut by_time) = (HashMap::new(), BTreeMap::new());
        let mut hits = 0;
        for (t, &k) in trace.iter().enumerate() {
            if let Some(old) = by_key.insert(k, t) {
                by_time.remove(&old);
                hits += usize::from(t >= from);
            } else if by_key.len() > capacity {
                let (_, victim) = by_time.pop_first().unwrap();
                by_key.remove(&victim);
            }
            by_time.insert(t, k);
        }
        hits as f64 / (trace.len() - from) as f64
    }

    /// Hit ratio of a cache used as a read-through cache: `get`, and `put` on a miss.
    fn hits(trace: &[u64], from: usize, mut access: impl FnMut(u64) -> bool) -> f64 {
        let mut hits = 0;
        for (t, &k) in trace.iter().enumerate() {
            if access(k) && t >= from {
                hits += 1;
            }
        }
        hits as f64 / (trace.len() - from) as f64
    }

    fn ratios(trace: &[u64], capacity: usize, from: usize) -> (f64, f64, f64) {
        let lru = lru_hits(trace, capacity, from);
        let mut w = ForgetfulLfuCache::with_capacity(capacity).unwrap();
        let tiny = hits(trace, from, |k| {
            w.get(&k).is_some() || {
                w.put(k, k);
                false
            }
        });
        let mut l = LfuCache::with_capacity(capacity).unwrap();
        let lfu = hits(trace, from, |k| {
            l.get(&k).is_some() || {
                l.put(k, k);
                false
            }
        });
        (lru, tiny, lfu)
    }

    #[test]
    fn w_tinylfu_beats_lru_on_zipf() {
        let zipf = Zipf::new(20_000, 0.9);
        let mut rng = Rng(42);
        let trace: Vec<u64> = (0..200_000).map(|_| zipf.sample(&mut rng)).collect();
        let (lru, tiny, lfu) = ratios(&trace, 1000, 0);
        eprintln!("zipf: lru {lru:.3} w-tinylfu {tiny:.3} lfu {lfu:.3}");
        assert!((0.40..0.50).contains(&lru), "lru {lru}");
        assert!(tiny > lru + 0.06, "w-tinylfu {tiny} against lru {lru}");
    }

    #[test]
    fn w_tinylfu_follows_a_shift_in_popularity() {
        let (n, half) = (20_000u64, 200_000);
        let zipf = Zipf::new(n as usize, 0.9);
        let mut rng = Rng(7);
        let trace: Vec<u64> = (0..2 * half)
            .map(|t| zipf.sample(&mut rng) + if t < half { 0 } else { n })
            .collect();
        let (lru, tiny, lfu) = ratios(&trace, 1000, half);
        eprintln!("shift, second half: lru {lru:.3} w-tinylfu {tiny:.3} lfu {lfu:.3}");
        assert!(tiny > lru - 0.03, "w-tinylfu {tiny} against lru {lru}");
        assert!(lfu < lru, "exact lfu {lfu} should cling to the old keys");
    }

    #[test]
    fn w_tinylfu_resists_a_scan() {
        // A hot set that fits, then a scan of one-time keys longer than the cache.
        let mut c = ForgetfulLfuCache::with_capacity(100).unwrap();
        let mut rng = Rng(3);
        for _ in 0..5000 {
            let k = rng.below(80);
            if c.get(&k).is_none() {
                c.put(k, k);
            }
        }
        for k in 1000..3000 {
            if c.get(&k).is_none() {
                c.put(k, k);
            }
        }
        let kept = (0..80).filter(|k| c.peek(k).is_some()).count();
        assert!(kept >= 75, "{kept} of 80 hot keys kept");
    }

    #[test]
    fn sharded_splits_capacity_and_counts_exactly() {
        let c = ShardedLfuCache::with_shards(10, 3).unwrap();
        let sizes: Vec<usize> = c.shards.iter().map(|s| s.lock().capacity()).collect();
        assert_eq!(sizes, [4, 3, 3]);
        assert_eq!(c.capacity(), 10);
        for k in 0..100u64 {
            c.put(k, k);
            assert_eq!(
                c.len(),
                c.shards.iter().map(|s| s.lock().len()).sum::<usize>()
            );
        }
        assert_eq!(c.len(), 10);
        let k = (0..100u64).find(|k| c.peek(k).is_some()).unwrap();
        assert_eq!(c.get(&k), Some(k));
        assert_eq!(c.frequency(&k), Some(2));
        assert_eq!(c.remove(&k), Some(k));
        assert_eq!(c.len(), 9);
        let one = ShardedLfuCache::with_shards(2, 1).unwrap();
        one.put(1, 1);
        one.get(&1);
        one.put(2, 2);
        assert_eq!(one.put(3, 3), Some((2, 2)));
    }

    /// As in `lru`: hashes whose high bits never vary still reach every shard.
    #[test]
    fn hashes_that_differ_only_in_their_low_bits_reach_every_shard() {
        for shards in [2, 3, 4, 7, 16] {
            let mut count = vec![0usize; shards];
            for k in 0..1000u64 {
                count[shard_index(k << 3 | 0x8000_0000_0000_0000, shards)] += 1;
            }
            let fair = 1000 / shards;
            assert!(count.iter().all(|&c| c > fair / 2), "{shards}: {count:?}");
        }
    }
}
