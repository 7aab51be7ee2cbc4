//! The three filters behind one interface, so that a scenario is written once and run on each:
//! [`Subject`], implemented by [`Standard`] and [`Blocked`] (a [`Filter`]) and [`Atomic`] (a
//! [`ConcurrentFilter`], driven through `&self`).
//!
//! The atomic filter has no `union` in its API: [`Subject::union`] says so with `None`, and the
//! scenarios that need it skip it.

use std::hash::Hash;

use kata_core::bloom_filter::{ConcurrentFilter, ConfigError, Filter, ShapeMismatch};
use kata_core::sync::locks_taken;

/// Which of the kata's three types a [`Subject`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `BloomFilter`: the `k` bits anywhere in the `m`.
    Standard,
    /// `BlockedBloomFilter`: the `k` bits in one 512-bit block.
    Blocked,
    /// `AtomicBloomFilter`: the standard layout on atomic words, `&self`.
    Atomic,
}

impl Kind {
    /// The three, in the order the stages run them.
    pub const ALL: [Kind; 3] = [Kind::Standard, Kind::Blocked, Kind::Atomic];

    /// The type's name in the learner's crate.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Standard => "BloomFilter",
            Kind::Blocked => "BlockedBloomFilter",
            Kind::Atomic => "AtomicBloomFilter",
        }
    }

    /// How a test pasted from a failure declares the filter (`let mut` or `let`).
    pub fn binding(self) -> &'static str {
        match self {
            Kind::Atomic => "let",
            _ => "let mut",
        }
    }
}

/// One of the three filters, driven the same way (see the module documentation).
pub trait Subject: Sized {
    /// Which type this is.
    const KIND: Kind;
    /// As [`Filter::with_rate`].
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError>;
    /// As [`Filter::with_shape`].
    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError>;
    /// As [`Filter::insert`].
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool;
    /// As [`Filter::contains`].
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool;
    /// As [`Filter::bits_set`].
    fn bits_set(&self) -> u64;
    /// As [`Filter::estimated_items`].
    fn estimated_items(&self) -> f64;
    /// As [`Filter::bits`].
    fn bits(&self) -> u64;
    /// As [`Filter::hashes`].
    fn hashes(&self) -> u32;
    /// As [`Filter::union`]; `None` for the atomic filter, which has none.
    fn union(&mut self, other: &Self) -> Option<Result<(), ShapeMismatch>>;
}

/// The standard filter of a family.
pub struct Standard<F>(pub F);
/// The blocked filter of a family.
pub struct Blocked<F>(pub F);
/// The atomic filter of a family.
pub struct Atomic<A>(pub A);

macro_rules! single {
    ($wrapper:ident, $kind:expr) => {
        impl<F: Filter> Subject for $wrapper<F> {
            const KIND: Kind = $kind;
            fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
                F::with_rate(expected_items, rate).map($wrapper)
            }
            fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
                F::with_shape(bits, hashes).map($wrapper)
            }
            fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
                self.0.insert(item)
            }
            fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
                self.0.contains(item)
            }
            fn bits_set(&self) -> u64 {
                self.0.bits_set()
            }
            fn estimated_items(&self) -> f64 {
                self.0.estimated_items()
            }
            fn bits(&self) -> u64 {
                self.0.bits()
            }
            fn hashes(&self) -> u32 {
                self.0.hashes()
            }
            fn union(&mut self, other: &Self) -> Option<Result<(), ShapeMismatch>> {
                Some(self.0.union(&other.0))
            }
        }
    };
}

single!(Standard, Kind::Standard);
single!(Blocked, Kind::Blocked);

impl<A: ConcurrentFilter> Subject for Atomic<A> {
    const KIND: Kind = Kind::Atomic;
    fn with_rate(expected_items: u64, rate: f64) -> Result<Self, ConfigError> {
        A::with_rate(expected_items, rate).map(Atomic)
    }
    fn with_shape(bits: u64, hashes: u32) -> Result<Self, ConfigError> {
        A::with_shape(bits, hashes).map(Atomic)
    }
    fn insert<T: Hash + ?Sized>(&mut self, item: &T) -> bool {
        self.0.insert(item)
    }
    fn contains<T: Hash + ?Sized>(&self, item: &T) -> bool {
        self.0.contains(item)
    }
    fn bits_set(&self) -> u64 {
        self.0.bits_set()
    }
    fn estimated_items(&self) -> f64 {
        self.0.estimated_items()
    }
    fn bits(&self) -> u64 {
        self.0.bits()
    }
    fn hashes(&self) -> u32 {
        self.0.hashes()
    }
    fn union(&mut self, _: &Self) -> Option<Result<(), ShapeMismatch>> {
        None
    }
}

/// Runs `call` (`what`, on a filter of kind `kind`) and, for the atomic filter, fails if it took
/// a `kata_core::sync` lock: the kata asks for a lock-free one.
pub fn lock_free<T>(kind: Kind, what: &str, call: impl FnOnce() -> T) -> Result<T, String> {
    let before = locks_taken();
    let out = call();
    let taken = locks_taken() - before;
    if kind == Kind::Atomic && taken > 0 {
        return Err(format!(
            "AtomicBloomFilter::{what} took a lock ({taken} Mutex::lock call(s)): the atomic \
             filter must be lock-free; keep the bits in AtomicU64 words and set them with \
             fetch_or, read them with load"
        ));
    }
    Ok(out)
}

/// `S::with_shape(bits, hashes)`, its error as a failure message.
pub fn shaped<S: Subject>(bits: u64, hashes: u32) -> Result<S, String> {
    S::with_shape(bits, hashes).map_err(|e| {
        format!(
            "{}::with_shape({bits}, {hashes}) failed: {e}",
            S::KIND.type_name()
        )
    })
}

/// `S::with_rate(items, rate)`, its error as a failure message.
pub fn rated<S: Subject>(items: u64, rate: f64) -> Result<S, String> {
    S::with_rate(items, rate).map_err(|e| {
        format!(
            "{}::with_rate({items}, {rate}) failed: {e}",
            S::KIND.type_name()
        )
    })
}

/// What a bit that two of an item's `k` positions share does to a count that adds up the item's
/// unset positions before setting them, and the fix: the cause most checks of `bits_set` name.
pub const COUNTED_TWICE: &str = "a bit that two of an item's k positions share was counted \
    twice: count the bits that change from 0 to 1 (test each position and set it before testing \
    the next, so that a repeated position finds its bit set)";

/// `filter`'s bits counted again, independently of how its inserts counted them: an empty
/// filter of the same shape (`S::with_shape(bits, hashes)`, the arguments `filter` was built
/// with) takes `union(filter)`, which ORs the words and recounts them, and reports its
/// `bits_set`. `None` for the atomic filter, which has no union.
///
/// # Errors
///
/// The union failed, or left the empty filter missing `probe` (an item of `filter`), or at 0 bits
/// set: then the union, not the count under test, is what is wrong.
pub fn recount<S: Subject, T: Hash + ?Sized>(
    filter: &S,
    bits: u64,
    hashes: u32,
    probe: &T,
) -> Option<Result<u64, String>> {
    let name = S::KIND.type_name();
    let mut empty = match shaped::<S>(bits, hashes) {
        Ok(e) => e,
        Err(e) => return Some(Err(e)),
    };
    let outcome = empty.union(filter)?.map_err(|e| {
        format!(
            "{name}: the union of an empty filter with_shape({bits}, {hashes}) with another \
             filter with_shape({bits}, {hashes}) failed: {e}"
        )
    });
    Some(outcome.and_then(|()| {
        let got = empty.bits_set();
        if !empty.contains(probe) || (got == 0 && filter.bits_set() > 0) {
            return Err(format!(
                "{name}: an empty filter with_shape({bits}, {hashes}), after union(&other) with \
                 a filter holding items ({} bits set), has bits_set() {got} and {} the other's \
                 items: the union must OR every word in, then recount the bits set",
                filter.bits_set(),
                if empty.contains(probe) {
                    "contains"
                } else {
                    "does not contain"
                }
            ));
        }
        Ok(got)
    }))
}
