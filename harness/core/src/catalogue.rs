//! The catalogue of katas: names, titles, curriculum topics and stages.
//!
//! A kata is named by its folder everywhere (`katas/<name>`, `solutions/<name>`,
//! `cargo kata check <name>`). The CLI, the runner and the repository's own tests read this table;
//! a test checks it against the folders and `CHALLENGES.md`.

use std::fmt;

/// One kata of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kata {
    /// Folder name under `katas/` and `solutions/`, and the name on the command line.
    pub name: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Difficulty from 1 (warm-up) to 5 (hard).
    pub difficulty: u8,
    /// The curriculum topics it serves, as "file module/week".
    pub curriculum: &'static str,
}

impl Kata {
    /// The Cargo package name of the learner's crate.
    pub fn kata_package(&self) -> String {
        format!("{}-kata", self.name)
    }

    /// The Cargo package name of the reference solution.
    pub fn solution_package(&self) -> String {
        format!("{}-solution", self.name)
    }

    /// The crate's source file a learner edits, relative to the repository root.
    pub fn learner_file(&self) -> String {
        format!("katas/{}/src/lib.rs", self.name)
    }
}

/// Every kata, in teaching order.
pub const KATAS: &[Kata] = &[
    Kata {
        name: "lru",
        title: "LRU cache: O(1) get/put with a hash map and a recency list, and a sharded variant",
        difficulty: 2,
        curriculum: "000 Module 1.3 Caching Strategies; 002 Week 5 Caching & Performance",
    },
    Kata {
        name: "lfu",
        title: "LFU cache: O(1) frequency buckets, a variant that forgets, hit ratios against LRU",
        difficulty: 3,
        curriculum: "000 Module 1.3 Eviction policies, cache hit ratio; 002 Week 5 Eviction",
    },
    Kata {
        name: "token-bucket",
        title: "Token bucket rate limiter: exact integer refill, retry hints, a lock-free variant",
        difficulty: 3,
        curriculum: "000 Module 4.3 Rate Limiting, Module 6.2 Rate Limiter; 002 Week 8",
    },
    Kata {
        name: "leaky-bucket",
        title:
            "Leaky bucket traffic shaper: a bounded queue drained at an exact constant rate, MPSC",
        difficulty: 3,
        curriculum: "000 Module 4.3 Leaky Bucket, Module 6.2 Rate Limiter; 002 Week 8",
    },
    Kata {
        name: "sliding-window",
        title:
            "Window rate limiters: fixed window, sliding log, sliding counter, and per-key limits",
        difficulty: 3,
        curriculum: "000 Module 4.3 Sliding Window Log & Counter, per user/IP; 002 Week 8",
    },
    Kata {
        name: "bloom-filter",
        title: "Bloom filter: sized from a target rate, blocked for one cache miss, lock-free",
        difficulty: 3,
        curriculum: "000 Module 6.3 Bloom filters for deduplication; 002 Week 8 crawler dedup",
    },
    Kata {
        name: "count-min-sketch",
        title: "Count-Min sketch: conservative update, heavy hitters, Space-Saving, lock-free",
        difficulty: 4,
        curriculum: "000 Module 6.3 Top-K, Module 7.6 Heavy hitters; 002 Week 10 top queries",
    },
    Kata {
        name: "consistent-hashing",
        title: "Consistent hashing: ring, jump, rendezvous and Maglev; balance and keys moved",
        difficulty: 3,
        curriculum: "000 Module 2.2 Consistent hashing, Resharding, Module 6.4; 002 Week 1",
    },
    Kata {
        name: "trie",
        title: "Trie autocomplete: top-k completions, radix compression, cached top-k per node",
        difficulty: 3,
        curriculum: "000 Module 6.3 Search Autocomplete, Module 7.6 Typeahead; 002 Week 10",
    },
    Kata {
        name: "snowflake",
        title: "Snowflake IDs: time, worker and sequence bits, clocks that jump, lock-free, base62",
        difficulty: 3,
        curriculum:
            "000 Module 6.4 Unique ID Generator, Module 6.1 Distributed ID generation; 002 Week 7",
    },
    Kata {
        name: "vector-clock",
        title: "Vector clocks: happened-before across replicas, and a store that keeps siblings",
        difficulty: 3,
        curriculum: "000 Module 8.1 Vector clocks & conflict resolution, Module 6.4 Version \
                     vectors; 002 Week 4 Dynamo",
    },
    Kata {
        name: "merkle-tree",
        title:
            "Merkle tree: RFC 6962 proofs, anti-entropy diff, delta sync by blocks, shared reads",
        difficulty: 3,
        curriculum: "000 Module 7.5 Merkle trees, Delta sync, Block-level dedup, Module 8.1 \
                     Dynamo; 002 Week 10 Google Drive/Dropbox",
    },
    Kata {
        name: "order-book",
        title: "Order book: price-time matching, events and replay, a single-writer engine",
        difficulty: 5,
        curriculum: "000 Module 7.7 Stock Trading Platform (order book, matching engine, \
                     ultra-low latency, priority queues, idempotency, event sourcing), Module 7.3 \
                     inventory with locks, Module 3.2 Event sourcing",
    },
];

/// Looks a kata up by name.
pub fn find(name: &str) -> Option<&'static Kata> {
    KATAS.iter().find(|k| k.name == name)
}

/// The grading stages, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Deterministic scenarios that read like the specification.
    Examples,
    /// Random operation sequences checked against a tiny model.
    Properties,
    /// Loom model checks plus a real-thread stress test of the thread-safe variant.
    Concurrency,
    /// The trade-offs, measured against thresholds.
    Quality,
    /// Cost per operation across sizes: O(1) or not.
    Complexity,
}

impl Stage {
    /// All stages in running order.
    pub const ALL: [Stage; 5] = [
        Stage::Examples,
        Stage::Properties,
        Stage::Concurrency,
        Stage::Quality,
        Stage::Complexity,
    ];

    /// The stage's name on the command line and in results files.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Examples => "examples",
            Stage::Properties => "properties",
            Stage::Concurrency => "concurrency",
            Stage::Quality => "quality",
            Stage::Complexity => "complexity",
        }
    }

    /// Parses a stage name as printed by [`Stage::name`].
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
