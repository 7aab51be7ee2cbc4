//! Stage 1 of `bloom-filter`: scenarios that read like the specification.
//!
//! The same scenarios run on each of the three filters (one generic helper, its checks named by
//! the type; `union` on the two that have it): sizing by the textbook formulas, every
//! configuration error in its documented order, an empty filter, one item, `bits_set` against a
//! recount (and against the same keys inserted in another order), items of several
//! [`Hash`](std::hash::Hash) types, no false negatives, union and its shape check, two filters of
//! one shape hashing alike, the estimate of the number of items, a filter fed keys enough to set
//! every bit, and the smallest filter.

use kata_core::bloom_filter::ConfigError::{
    RateOutOfRange, TooManyBits, TooManyHashes, ZeroBits, ZeroHashes, ZeroItems,
};
use kata_core::bloom_filter::{ConfigError, ShapeMismatch, MAX_BITS, MAX_HASHES, MAX_ROUNDING};

use super::formulas::{estimated_items, optimal_bits, optimal_hashes};
use super::subject::{
    rated, recount, shaped, Atomic, Blocked, Kind, Standard, Subject, COUNTED_TWICE,
};
use super::BloomFilterFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: BloomFilterFamily>(ctx: &mut Ctx) {
    scenarios::<Standard<F::Standard>>(ctx);
    scenarios::<Blocked<F::Blocked>>(ctx);
    scenarios::<Atomic<F::Atomic>>(ctx);
}

/// `(n, p)` pairs `with_rate` is asked for, and the `m` and `k` they must give.
pub const SIZINGS: [(u64, f64); 8] = [
    (1_000, 0.01),
    (1_000_000, 0.001),
    (1, 0.5),
    (100, 0.1),
    (12_345, 0.05),
    (50, 1e-6),
    (10, 1e-19),
    (1, 0.999),
];

/// `(bits, hashes)` pairs `with_shape` is asked for.
pub const SHAPES: [(u64, u32); 7] = [
    (1, 1),
    (64, 3),
    (100, 2),
    (1_000, 7),
    (4_096, MAX_HASHES),
    (65_536, 1),
    (100_003, 5),
];

/// `with_rate` calls that must fail, with the error and why.
#[rustfmt::skip]
pub const RATE_ERRORS: [(u64, f64, ConfigError, &str); 15] = [
    (0, 0.01, ZeroItems, "no items"),
    (0, f64::NAN, ZeroItems, "zero items is checked before the rate"),
    (0, 1e-25, ZeroItems, "zero items is checked first"),
    (10, f64::NAN, RateOutOfRange, "NaN is no rate"),
    (10, 0.0, RateOutOfRange, "a rate of 0 needs infinitely many bits"),
    (10, 1.0, RateOutOfRange, "a rate of 1 is no filter"),
    (10, -0.5, RateOutOfRange, "a negative rate"),
    (10, 1.5, RateOutOfRange, "a rate above 1"),
    (10, f64::INFINITY, RateOutOfRange, "an infinite rate"),
    (10, f64::NEG_INFINITY, RateOutOfRange, "a negative infinite rate"),
    (10_000_000_000, 0.01, TooManyBits, "9.6 × 10^10 bits, over MAX_BITS"),
    (u64::MAX, 0.5, TooManyBits, "u64::MAX items"),
    (1_000_000_000_000, 1e-25, TooManyBits, BEFORE_HASHES),
    (10, 1e-25, TooManyHashes, "log2(10^25) = 83 hashes, over MAX_HASHES = 64"),
    (1, 5e-324, TooManyHashes, "the smallest positive f64: 1074 hashes"),
];

/// `with_shape` calls that must fail, with the error and why.
#[rustfmt::skip]
pub const SHAPE_ERRORS: [(u64, u32, ConfigError, &str); 10] = [
    (0, 0, ZeroBits, "zero bits is checked first"),
    (0, 3, ZeroBits, "no bits"),
    (0, MAX_HASHES + 1, ZeroBits, "zero bits is checked first"),
    (64, 0, ZeroHashes, "no hashes: every lookup would say present"),
    (MAX_BITS + 1, 0, ZeroHashes, "zero hashes is checked before too many bits"),
    (MAX_BITS + 1, 3, TooManyBits, "one bit over MAX_BITS"),
    (u64::MAX, 3, TooManyBits, "u64::MAX bits (rounding it up overflows)"),
    (MAX_BITS + 1, MAX_HASHES + 1, TooManyBits, BEFORE_HASHES),
    (64, MAX_HASHES + 1, TooManyHashes, "one hash over MAX_HASHES"),
    (64, u32::MAX, TooManyHashes, "u32::MAX hashes"),
];

/// Keys inserted into a filter of `with_shape(64, 3)` to set every bit: 60 000 positions for at
/// most 512 bits, so that a correct filter is full many times over.
pub const SATURATE: u64 = 20_000;

/// Why a case of too many bits and too many hashes is `TooManyBits`.
const BEFORE_HASHES: &str = "too many bits is checked before too many hashes";

/// How a result that should have been an error is described: the filter it built.
fn built<S: Subject>(s: &S) -> String {
    format!(
        "a filter (bits() = {}, hashes() = {})",
        s.bits(),
        s.hashes()
    )
}

/// What a constructor returned, for a message.
fn outcome<S: Subject>(r: &Result<S, ConfigError>) -> String {
    match r {
        Ok(s) => format!("Ok({})", built(s)),
        Err(e) => format!("Err(ConfigError::{e:?})"),
    }
}

/// Checks `bits` against `[⌈x⌉, ⌈x⌉ + MAX_ROUNDING)` for the formula's value `x`.
fn bits_within(what: &str, bits: u64, x: f64, formula: &str) -> Outcome {
    // Tolerate a last-digit difference in how the formula is evaluated.
    let lo = (x * (1.0 - 1e-12)).ceil().max(1.0) as u64;
    let hi = (x * (1.0 + 1e-12)).ceil().max(1.0) as u64 + MAX_ROUNDING;
    ensure!(
        (lo..hi).contains(&bits),
        "{what}: bits() is {bits}, expected at least {formula} = ⌈{x:.3}⌉ = {lo} and less than \
         {lo} + {MAX_ROUNDING} (MAX_ROUNDING: rounding up to a word or a block is allowed, no \
         more){}",
        if bits < lo {
            ": fewer bits than the formula gives a higher false-positive rate than asked for"
        } else {
            ": rounding to a power of two, or sizing in bytes as if they were bits, costs memory \
             the formula does not ask for"
        }
    );
    Ok(())
}

/// The scenarios of this stage on `S`.
fn scenarios<S: Subject>(ctx: &mut Ctx) {
    let name = S::KIND.type_name();

    ctx.check(
        &format!(
            "{name}: with_rate(n, p) has m = ⌈−n·ln p / (ln 2)²⌉ bits (+ rounding) and k = \
             log2(1/p) hashes"
        ),
        || {
            for (n, p) in SIZINGS {
                let what = format!("{name}::with_rate({n}, {p})");
                let f = rated::<S>(n, p)?;
                bits_within(&what, f.bits(), optimal_bits(n, p), "⌈−n·ln p / (ln 2)²⌉")?;
                let x = optimal_hashes(p);
                let k = f.hashes();
                let (lo, hi) = (x.floor().max(1.0) as u32, x.ceil().max(1.0) as u32);
                let rounded = k == lo || k == hi || (f64::from(k) - x).abs() < 1e-6;
                ensure!(
                    rounded,
                    "{what}: hashes() is {k}, expected log2(1/p) = {x:.3} rounded to an integer, \
                     at least 1: {}{}",
                    if lo == hi {
                        format!("{lo}")
                    } else {
                        format!("{lo} or {hi}")
                    },
                    if f64::from(k) > x + 1.0 {
                        " (k = (m/n)·ln 2 with the rounded-up m gives far too many for small n: \
                         take k from p)"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: with_shape(bits, hashes) keeps the hashes exactly and the bits within \
             rounding"
        ),
        || {
            for (bits, hashes) in SHAPES {
                let what = format!("{name}::with_shape({bits}, {hashes})");
                let f = shaped::<S>(bits, hashes)?;
                bits_within(&what, f.bits(), bits as f64, "the bits asked for")?;
                ensure_eq!(f.hashes(), hashes, "{what}: hashes()");
                ensure_eq!(f.bits_set(), 0, "{what}: bits_set() of a new filter");
            }
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: every ConfigError, in the documented order"),
        || {
            for (n, p, want, why) in RATE_ERRORS {
                let got = S::with_rate(n, p);
                ensure!(
                    matches!(got, Err(e) if e == want),
                    "{name}::with_rate({n}, {p:e}) returned {}, expected \
                     Err(ConfigError::{want:?}) ({why}; the order: ZeroItems, RateOutOfRange, \
                     TooManyBits, TooManyHashes){}",
                    outcome(&got),
                    if n == u64::MAX {
                        ": compute m in f64 and compare it before converting"
                    } else {
                        ""
                    }
                );
            }
            for (bits, hashes, want, why) in SHAPE_ERRORS {
                let got = S::with_shape(bits, hashes);
                ensure!(
                    matches!(got, Err(e) if e == want),
                    "{name}::with_shape({bits}, {hashes}) returned {}, expected \
                     Err(ConfigError::{want:?}) ({why}; the order: ZeroBits, ZeroHashes, \
                     TooManyBits, TooManyHashes)",
                    outcome(&got)
                );
            }
            // The largest numbers of hashes are accepted.
            let f = shaped::<S>(64, MAX_HASHES)?;
            ensure_eq!(
                f.hashes(),
                MAX_HASHES,
                "{name}::with_shape(64, {MAX_HASHES}): hashes()"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: an empty filter contains nothing; bits_set 0, estimated_items 0"),
        || {
            let f = rated::<S>(1_000, 0.01)?;
            let found = (0..10_000u64).filter(|i| f.contains(i)).count();
            ensure!(
                found == 0,
                "{name}::with_rate(1000, 0.01), nothing inserted: contains() was true for {found} \
                 of the u64 keys 0..10000; a new filter has every bit zero, so every lookup must \
                 find an unset bit"
            );
            ensure!(
                !f.contains("") && !f.contains(&"https://example.com/"),
                "{name}: an empty filter contains \"\" or a URL"
            );
            ensure_eq!(f.bits_set(), 0, "{name}: bits_set() of an empty filter");
            let est = f.estimated_items();
            ensure!(
                est == 0.0,
                "{name}: estimated_items() of an empty filter is {est}, expected 0: \
                 −(m/k)·ln(1 − 0/m) = 0"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: one insert: found; 1..=k bits set; insert says false the first time, true \
             the second"
        ),
        || {
            let mut f = rated::<S>(1_000, 0.01)?;
            let k = u64::from(f.hashes());
            let first = f.insert(&42u64);
            ensure!(
                !first,
                "{name}: the first insert(&42) into an empty filter returned true, expected false: \
                 insert returns true only when all k bits were set already"
            );
            ensure!(
                f.contains(&42u64),
                "{name}: after insert(&42), contains(&42) is false"
            );
            let set = f.bits_set();
            ensure!(
                (1..=k).contains(&set),
                "{name}: after one insert into a filter of k = {k} hashes, bits_set() is {set}, \
                 expected 1 to {k} (k bits, fewer when two of the item's positions coincide)"
            );
            let second = f.insert(&42u64);
            ensure!(
                second,
                "{name}: the second insert(&42) returned false, expected true: its k bits were \
                 all set by the first"
            );
            ensure_eq!(
                f.bits_set(),
                set,
                "{name}: bits_set() after inserting 42 again (each bit counts once)"
            );
            ensure!(
                !f.contains(&43u64),
                "{name}: holding only 42, contains(&43) is true"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: bits_set counts each bit once, also one that two of an item's k positions \
             share ({})",
            if S::KIND == Kind::Atomic {
                "with_shape(1000, 10): the same keys inserted in two orders count alike"
            } else {
                "with_shape(1000, 10): each key alone against a recount by union, then the same \
                 keys inserted in two orders"
            }
        ),
        || count_check::<S>(name),
    );

    ctx.check(
        &format!(
            "{name}: items of any Hash type: a String is found as the &str it equals, tuples, \
             slices"
        ),
        || {
            let mut f = rated::<S>(1_000, 0.01)?;
            f.insert("abc");
            f.insert(&(7u32, "seven"));
            f.insert(&[1u8, 2, 3][..]);
            f.insert(&String::new());
            let checks: [(&str, bool); 7] = [
                (
                    "contains(&String::from(\"abc\")) after insert(\"abc\")",
                    f.contains(&String::from("abc")),
                ),
                (
                    "contains(&\"abc\") after insert(\"abc\")",
                    f.contains(&"abc"),
                ),
                (
                    "contains(&(7u32, String::from(\"seven\"))) after insert(&(7u32, \"seven\"))",
                    f.contains(&(7u32, String::from("seven"))),
                ),
                (
                    "contains(&vec![1u8, 2, 3]) after insert(&[1u8, 2, 3][..])",
                    f.contains(&vec![1u8, 2, 3]),
                ),
                (
                    "contains(\"\") after insert(&String::new())",
                    f.contains(""),
                ),
                ("!contains(\"abd\")", !f.contains("abd")),
                (
                    "!contains(&(8u32, \"seven\"))",
                    !f.contains(&(8u32, "seven")),
                ),
            ];
            for (what, ok) in checks {
                ensure!(
                    ok,
                    "{name}: {what} failed: an item must be hashed through its Hash impl (the same \
                     for equal values: a String hashes as the str it holds), never by its address \
                     or type"
                );
            }
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: no false negatives: 10 000 items inserted, every one found"),
        || {
            let mut f = rated::<S>(10_000, 0.01)?;
            let url = |i: u64| format!("https://example.com/page/{i}");
            for i in 0..5_000u64 {
                f.insert(&i);
                f.insert(&url(i));
            }
            for i in 0..5_000u64 {
                ensure!(
                    f.contains(&i),
                    "{name}::with_rate(10000, 0.01): after inserting the u64 keys 0..5000 and 5000 \
                     URLs, contains(&{i}) is false: a Bloom filter never forgets an item (look \
                     for a position computed differently in insert and contains, or a bit set in \
                     the wrong word)"
                );
                ensure!(
                    f.contains(&url(i)),
                    "{name}::with_rate(10000, 0.01): after inserting 5000 u64 keys and 5000 URLs, \
                     contains(&\"{}\") is false: a Bloom filter never forgets an item",
                    url(i)
                );
            }
            Ok(())
        },
    );

    if S::KIND != Kind::Atomic {
        ctx.check(
            &format!(
                "{name}: union holds both filters' items, and exactly the bits of one filter \
                 built from both"
            ),
            || union_check::<S>(name),
        );
        ctx.check(
            &format!(
                "{name}: union with a filter of another shape is a ShapeMismatch naming both \
                 shapes, and changes nothing"
            ),
            || mismatch_check::<S>(name),
        );
    }

    ctx.check(
        &format!("{name}: two filters of one shape put the same items at the same bits"),
        || {
            let mut a = shaped::<S>(8_192, 4)?;
            let mut b = shaped::<S>(8_192, 4)?;
            for i in 0..600u64 {
                a.insert(&i);
                b.insert(&i);
            }
            let advice = "the hash must be the same for every filter of a shape (fixed seeds, \
                          for example ahash::RandomState::with_seeds(..); not RandomState::new(), \
                          which draws new keys for each filter): union means nothing otherwise";
            ensure!(
                a.bits_set() == b.bits_set(),
                "{name}: two filters with_shape(8192, 4), each fed the keys 0..600, have \
                 bits_set() {} and {}: {advice}",
                a.bits_set(),
                b.bits_set()
            );
            let before = a.bits_set();
            if let Some(r) = a.union(&b) {
                r.map_err(|e| {
                    format!("{name}: union of two filters with_shape(8192, 4) failed: {e}")
                })?;
                let after = a.bits_set();
                if after == before {
                    return Ok(());
                }
                // The insert's count or the union's: an empty filter's union with b recounts b.
                let again = recount(&b, 8_192, 4, &0u64).and_then(Result::ok);
                ensure!(
                    again != Some(after),
                    "{name}: two filters with_shape(8192, 4), each fed the keys 0..600, each count \
                     {before} bits set, but their union has {after}, and so has an empty filter of \
                     the same shape after union with one of them: the union recounts the ORed \
                     words, and the inserts' count disagrees with it: {}",
                    if before > after {
                        COUNTED_TWICE
                    } else {
                        "fewer bits counted than set: insert must count every bit it changes \
                         from 0 to 1"
                    }
                );
                return Err(format!(
                    "{name}: two filters with_shape(8192, 4), each fed the keys 0..600, each with \
                     {before} bits set: their union has {after} bits set, expected {before} (the \
                     same bits ORed together): bits_set must be recounted after the OR, a bit set \
                     in both counting once"
                ));
            }
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: estimated_items is −(m/k)·ln(1 − X/m), within 5 % of 10 000 after 10 000 \
             inserts"
        ),
        || {
            let mut f = rated::<S>(10_000, 0.01)?;
            for i in 0..10_000u64 {
                f.insert(&i);
            }
            let (m, k, x) = (f.bits(), f.hashes(), f.bits_set());
            let est = f.estimated_items();
            let want = estimated_items(m, k, x);
            let exact = (est - want).abs() <= want * 1e-9 + 1e-9;
            ensure!(
                exact,
                "{name}::with_rate(10000, 0.01) after 10 000 inserts: estimated_items() is {est}, \
                 but −(m/k)·ln(1 − X/m) with m = {m}, k = {k} and X = bits_set() = {x} is \
                 {want:.3}"
            );
            let close = (est / 10_000.0 - 1.0).abs() <= 0.05;
            ensure!(
                close,
                "{name}::with_rate(10000, 0.01) after inserting the 10 000 keys 0..10000: \
                 estimated_items() is {est:.1} (X = {x} of {m} bits set), more than 5 % from \
                 10 000: the bits set are not spread as k independent uniform positions per item \
                 would spread them (a weak hash on sequential keys, double hashing with h2 = 0, \
                 {})",
                if S::KIND == Kind::Blocked {
                    "or a block index taken as h & (blocks − 1) when the number of blocks is not \
                     a power of two, which leaves the blocks it cannot reach empty and the others \
                     overfull"
                } else {
                    "or a position taken as g & (m − 1) when m is not a power of two, which \
                     leaves the bits it cannot reach unset"
                }
            );
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: with_shape(64, 3) fed {SATURATE} keys: every bit set, estimated_items ∞, \
             everything found"
        ),
        || {
            let mut f = shaped::<S>(64, 3)?;
            let m = f.bits();
            for i in 0..SATURATE {
                f.insert(&i);
            }
            let set = f.bits_set();
            ensure!(
                set <= m,
                "{name}::with_shape(64, 3) (bits() = {m}) after {SATURATE} inserts: bits_set() is \
                 {set}, more than the {m} bits there are: {COUNTED_TWICE}"
            );
            ensure!(
                set == m,
                "{name}::with_shape(64, 3) (bits() = {m}): after {SATURATE} inserts ({} positions \
                 for {m} bits) only {set} bits are set: some bits are never reached (positions \
                 not spread over all m bits{})",
                3 * SATURATE,
                if S::KIND == Kind::Blocked {
                    ", or a block index that cannot reach every block"
                } else {
                    ""
                }
            );
            let est = f.estimated_items();
            ensure!(
                est == f64::INFINITY,
                "{name}::with_shape(64, 3) with all {m} bits set: estimated_items() is {est}, \
                 expected f64::INFINITY (−(m/k)·ln(1 − m/m) = ∞)"
            );
            for i in 1_000_000..1_000_100u64 {
                if f.contains(&i) {
                    continue;
                }
                let again = recount(&f, 64, 3, &0u64).and_then(Result::ok);
                return Err(format!(
                    "{name}::with_shape(64, 3) after {SATURATE} inserts: bits_set() says all {m} \
                     bits are set, yet contains(&{i}) is false: {}",
                    match again {
                        Some(r) if r < m => format!(
                            "an empty filter of the same shape after union(&it) counts {r} bits \
                             set, not {m}, so not every bit is set and bits_set() is inflated: \
                             {COUNTED_TWICE}"
                        ),
                        Some(_) => "with every bit set, every lookup finds its k bits set: \
                                    contains must test the positions insert sets, in [0, m)"
                            .to_owned(),
                        None => format!(
                            "either not every bit is set and bits_set() is inflated \
                             ({COUNTED_TWICE}), or contains tests positions insert never sets"
                        ),
                    }
                ));
            }
            ensure!(
                f.insert(&2_000_000u64),
                "{name}: with all {m} bits set, insert of a new item returned false: all its k \
                 bits were set already, so it must return true (a false positive, told as such)"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: with_shape(1, 1), the smallest filter, works"),
        || {
            let mut f = shaped::<S>(1, 1)?;
            ensure!(
                (1..=MAX_ROUNDING).contains(&f.bits()),
                "{name}::with_shape(1, 1): bits() is {}, expected 1 to {MAX_ROUNDING}",
                f.bits()
            );
            ensure!(
                !f.insert(&5u64),
                "{name}::with_shape(1, 1): the first insert(&5) returned true"
            );
            ensure!(
                f.contains(&5u64),
                "{name}::with_shape(1, 1): after insert(&5), contains(&5) is false"
            );
            ensure_eq!(
                f.bits_set(),
                1,
                "{name}::with_shape(1, 1): bits_set() after one insert of k = 1"
            );
            ensure!(
                f.insert(&5u64),
                "{name}::with_shape(1, 1): the second insert(&5) returned false"
            );
            Ok(())
        },
    );
}

/// The shape the count of `bits_set` is checked on: `m` not a power of two (for a filter that
/// keeps it exactly), so that positions reduced by `% m` from double hashing `h1 + i·h2` repeat
/// for some items (when `d·h2` is a multiple of `m` for a `d < k`), and `k` large, so that more
/// pairs of positions can meet.
pub const COUNT_SHAPE: (u64, u32) = (1_000, 10);

/// Keys `0..ALONE` are each inserted alone into a new filter of [`COUNT_SHAPE`], whose count is
/// then compared with a recount. With std's `DefaultHasher` salted for `h1` and `h2`, positions
/// `(h1 + i·h2) % 1000` (wrapping), 51 of these keys repeat a position, 24 with `h2` forced odd
/// (measured by this module's tests).
pub const ALONE: u64 = 2_000;

/// Groups of [`GROUP`] keys inserted into two filters of [`COUNT_SHAPE`], one in increasing order
/// and one in decreasing order: the counts must agree. A repeated position counted twice only
/// when its bit was still 0 makes the count depend on the order, which is how the atomic filter
/// (no union to recount with) is caught: with the hashing of [`ALONE`], 81 of the 100 groups
/// count differently, 41 with `h2` forced odd.
pub const GROUPS: u64 = 100;

/// Keys per group of [`GROUPS`]: 100 keys of 10 positions fill about 63 % of 1 000 bits, so an
/// item's repeated bit is often still 0 in one order and already set by another item in the
/// other.
pub const GROUP: u64 = 100;

/// The first key of the groups of [`GROUPS`], past the keys inserted alone.
const GROUPS_FROM: u64 = 1_000_000;

/// `bits_set` against a recount (the single-thread filters, through `union`) and against the
/// same keys inserted in the other order (all three).
fn count_check<S: Subject>(name: &str) -> Outcome {
    let (bits, hashes) = COUNT_SHAPE;
    let shape = format!("{name}::with_shape({bits}, {hashes})");
    for x in 0..ALONE {
        let mut f = shaped::<S>(bits, hashes)?;
        f.insert(&x);
        let counted = f.bits_set();
        let Some(again) = recount(&f, bits, hashes, &x) else {
            break;
        };
        let again = again?;
        ensure!(
            counted == again,
            "{shape} holding only the key {x}: bits_set() is {counted}, but an empty filter of \
             the same shape after union(&it) has {again} bits set (the union ORs the words and \
             recounts them: the key's {hashes} positions fall on {again} distinct bits): {}",
            if counted > again {
                COUNTED_TWICE
            } else {
                "fewer bits counted than set: insert must count every bit it changes from 0 to 1"
            }
        );
    }
    for g in 0..GROUPS {
        let (lo, hi) = (GROUPS_FROM + g * GROUP, GROUPS_FROM + (g + 1) * GROUP);
        let mut up = shaped::<S>(bits, hashes)?;
        let mut down = shaped::<S>(bits, hashes)?;
        for x in lo..hi {
            up.insert(&x);
        }
        for x in (lo..hi).rev() {
            down.insert(&x);
        }
        let (a, b) = (up.bits_set(), down.bits_set());
        ensure!(
            a == b,
            "{shape}: the keys {lo}..{hi} inserted in increasing order give bits_set() {a}, in \
             decreasing order {b}: the same keys set the same bits in any order, so the count \
             must not depend on it. Likely {COUNTED_TWICE}{}",
            if S::KIND == Kind::Atomic {
                "; or count by popcount when asked, as the README suggests for this filter"
            } else {
                ""
            }
        );
        if let Some(again) = recount(&up, bits, hashes, &lo) {
            let again = again?;
            ensure!(
                a == again,
                "{shape} fed the keys {lo}..{hi}: bits_set() is {a}, but an empty filter of the \
                 same shape after union(&it) has {again} bits set (the union ORs the words and \
                 recounts them): {}",
                if a > again {
                    COUNTED_TWICE
                } else {
                    "fewer bits counted than set: insert must count every bit it changes from 0 \
                     to 1"
                }
            );
        }
    }
    Ok(())
}

/// Union of two filters of one shape: both sets found, and the bits of a filter built from both.
fn union_check<S: Subject>(name: &str) -> Outcome {
    let (mut a, mut b, mut c) = (
        rated::<S>(1_000, 0.01)?,
        rated::<S>(1_000, 0.01)?,
        rated::<S>(1_000, 0.01)?,
    );
    for i in 0..500u64 {
        a.insert(&i);
        c.insert(&i);
    }
    for i in 500..1_000u64 {
        b.insert(&i);
        c.insert(&i);
    }
    let (before, theirs) = (a.bits_set(), b.bits_set());
    match a.union(&b) {
        Some(Ok(())) => {}
        Some(Err(e)) => {
            return Err(format!(
                "{name}: a.union(&b) of two filters with_rate(1000, 0.01) failed: {e}"
            ))
        }
        None => return Ok(()),
    }
    for i in 0..1_000u64 {
        ensure!(
            a.contains(&i),
            "{name}: a (keys 0..500) after a.union(&b) (b: keys 500..1000) does not contain {i}: \
             the union must hold every item of either filter (OR the words, all of them)"
        );
    }
    let (ours, direct) = (a.bits_set(), c.bits_set());
    if ours != direct {
        // Which count is off: c's, kept by its inserts, or the union's? A recount of c decides.
        let again = recount(&c, c.bits(), c.hashes(), &0u64).and_then(Result::ok);
        ensure!(
            again != Some(ours),
            "{name}: a (keys 0..500) after a.union(&b) (keys 500..1000) has bits_set() {ours}, \
             and so has an empty filter of the same shape after union with a filter c fed all of \
             0..1000; but c's own bits_set() is {direct}: the union recounts the ORed words, and \
             the inserts' count disagrees with it: {}",
            if direct > ours {
                COUNTED_TWICE
            } else {
                "fewer bits counted than set: insert must count every bit it changes from 0 to 1"
            }
        );
        return Err(format!(
            "{name}: a (keys 0..500, {before} bits set) after a.union(&b) (keys 500..1000, \
             {theirs} bits set) has bits_set() {ours}, but a filter of the same shape fed all of \
             0..1000 has {direct}: the union is exactly the OR of the bits, and bits_set must be \
             recounted after it (a bit set in both counts once)"
        ));
    }
    ensure_eq!(
        (a.bits(), a.hashes()),
        (c.bits(), c.hashes()),
        "{name}: (bits(), hashes()) after union"
    );
    Ok(())
}

/// Union with another shape: the error names both shapes, and the filter is unchanged.
fn mismatch_check<S: Subject>(name: &str) -> Outcome {
    let mut a = shaped::<S>(4_096, 3)?;
    for i in 0..100u64 {
        a.insert(&i);
    }
    let shape = (a.bits(), a.hashes());
    let set = a.bits_set();
    for (bits, hashes) in [(4_096, 4), (8_192, 3)] {
        let mut other = shaped::<S>(bits, hashes)?;
        for i in 1_000..1_100u64 {
            other.insert(&i);
        }
        let theirs = (other.bits(), other.hashes());
        let want = ShapeMismatch {
            ours: shape,
            theirs,
        };
        let got = a.union(&other);
        ensure!(
            matches!(got, Some(Err(e)) if e == want),
            "{name}: with_shape(4096, 3) (bits() = {}).union(&with_shape({bits}, {hashes}) \
             (bits() = {})) returned {:?}, expected Err({want:?}): filters combine only when \
             bits and hashes are both equal, and the error names ours first, then theirs",
            shape.0,
            theirs.0,
            got.map(|r| r.map_err(|e| format!("{e:?}")))
        );
        ensure!(
            (a.bits(), a.hashes(), a.bits_set()) == (shape.0, shape.1, set),
            "{name}: after a union refused with ShapeMismatch, the filter changed: (bits(), \
             hashes(), bits_set()) went from {:?} to {:?}; a refused union must change nothing",
            (shape.0, shape.1, set),
            (a.bits(), a.hashes(), a.bits_set())
        );
        for i in 0..100u64 {
            ensure!(
                a.contains(&i),
                "{name}: after a union refused with ShapeMismatch, the filter lost {i}"
            );
        }
    }
    Ok(())
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use kata_core::bloom_filter::ConcurrentFilter;

    use super::super::tiny::{positions, Family, TinyAtomic};
    use super::*;

    /// The stage's failed checks on `F`: name and message.
    fn failures<F: BloomFilterFamily>() -> Vec<(String, String)> {
        super::super::tiny::failures(run::<F>)
    }

    #[test]
    fn counting_the_bits_that_change_passes_the_stage() {
        assert_eq!(failures::<Family<false, false>>(), vec![]);
        assert_eq!(failures::<Family<false, true>>(), vec![]);
    }

    #[test]
    fn counting_a_shared_bit_twice_is_rejected_for_each_type() {
        for (odd, failed) in [
            (false, failures::<Family<true, false>>()),
            (true, failures::<Family<true, true>>()),
        ] {
            for (name, message) in &failed {
                eprintln!("h2 odd {odd}: FAILED {name}\n    {message}");
            }
            for kind in Kind::ALL {
                let named = |(name, message): &&(String, String)| {
                    name.starts_with(&format!(
                        "{}: bits_set counts each bit once",
                        kind.type_name()
                    )) && message.contains(COUNTED_TWICE)
                };
                assert!(
                    failed.iter().any(|f| named(&f)),
                    "h2 odd {odd}: {} not rejected by the count check",
                    kind.type_name()
                );
            }
        }
    }

    #[test]
    fn how_often_the_checks_see_a_repeated_position() {
        // Measured, not asserted beyond "some": how many of the keys inserted alone repeat a
        // position, and how many groups count differently in the two orders.
        for odd in [false, true] {
            let (bits, hashes) = COUNT_SHAPE;
            let alone = (0..ALONE)
                .filter(|x| {
                    let mut ps = positions::<u64, true>(x, bits, hashes);
                    if !odd {
                        ps = positions::<u64, false>(x, bits, hashes);
                    }
                    ps.sort_unstable();
                    ps.windows(2).any(|w| w[0] == w[1])
                })
                .count();
            let groups = (0..GROUPS)
                .filter(|g| {
                    let (lo, hi) = (GROUPS_FROM + g * GROUP, GROUPS_FROM + (g + 1) * GROUP);
                    let count = |keys: &mut dyn Iterator<Item = u64>| {
                        if odd {
                            let f = TinyAtomic::<true, true>::with_shape(bits, hashes).unwrap();
                            keys.for_each(|x| {
                                f.insert(&x);
                            });
                            f.bits_set()
                        } else {
                            let f = TinyAtomic::<true, false>::with_shape(bits, hashes).unwrap();
                            keys.for_each(|x| {
                                f.insert(&x);
                            });
                            f.bits_set()
                        }
                    };
                    count(&mut (lo..hi)) != count(&mut (lo..hi).rev())
                })
                .count();
            eprintln!(
                "h2 odd {odd}: {alone} of {ALONE} keys repeat a position in {bits} bits; {groups} \
                 of {GROUPS} groups count differently in the two orders"
            );
            assert!(alone > 0 && groups > 0);
        }
    }
}
