//! Stage 2 of `bloom-filter`: random operation sequences against a set.
//!
//! A scenario is a shape (about 2^16 bits, 4 to 10 hashes) and a sequence of inserts, lookups,
//! reads of `bits_set` and `estimated_items`, and unions with a second filter of the same shape,
//! on u64 keys drawn from `0..128`: at most 128 items in 2^16 bits, where a correct filter's
//! false-positive odds are under 10^-8 per lookup. So the model is an exact `HashSet`, and after
//! every step:
//!
//! - `contains(x)` is membership, and `insert(x)` returns what `contains(x)` answered just before
//!   it, which is whether `x` was in the set (a
//!   "false positive" here is treated as the bug it almost certainly is: positions that collide
//!   because the hash does not mix small keys);
//! - `bits_set` never decreases, is at most `k × |set|` and at most `m`, is unchanged by an insert
//!   that returned `true` and grows by 1 to `k` with one that returned `false`; after such an
//!   insert it equals a recount (an empty filter of the same shape after `union` with this one:
//!   the single-thread types), and at the end it equals the count of a filter fed the same keys
//!   in decreasing order (all three);
//! - `estimated_items` is `−(m/k)·ln(1 − X/m)` of the filter's own `X = bits_set()`;
//! - `union` is set union, its `bits_set` between the larger of the two and their sum.
//!
//! For all three types; the atomic one through `&self`, without union (its API has none), every
//! call checked to take no lock.

use std::collections::HashSet;
use std::fmt::Write as _;

use proptest::prelude::*;

use super::formulas::estimated_items;
use super::subject::{
    lock_free, recount, shaped, Atomic, Blocked, Kind, Standard, Subject, COUNTED_TWICE,
};
use super::BloomFilterFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::Ctx;

/// The shapes scenarios draw from: `(bits, hashes)`. Not all multiples of 64 or 512, so that
/// rounding and the reduction of a hash to a position over a size that is not a power of two
/// are exercised; 65 000 bits and 10 hashes, so that an item's positions reduced by `% m` meet
/// now and then, and a count that adds a shared bit twice shows against the recount.
pub const SHAPES: [(u64, u32); 4] = [(65_536, 4), (65_636, 7), (100_000, 5), (65_000, 10)];

/// Keys are `0..KEYS`: small integers, so that a hash that does not mix shows.
pub const KEYS: u64 = 128;

/// One step of a scenario.
#[derive(Debug, Clone)]
pub enum Op {
    /// `insert(&key)`.
    Insert(u64),
    /// `contains(&key)`.
    Contains(u64),
    /// `bits_set()`.
    BitsSet,
    /// `estimated_items()`.
    Estimate,
    /// A second filter of the same shape, fed these keys, then `filter.union(&other)`.
    Union(Vec<u64>),
}

/// A shape and the steps.
#[derive(Debug, Clone)]
pub struct Scenario {
    shape: usize,
    ops: Vec<Op>,
}

fn scenario(union: bool) -> impl Strategy<Value = Scenario> {
    let key = 0..KEYS;
    let union_weight = if union { 1 } else { 0 };
    let op = prop_oneof![
        6 => key.clone().prop_map(Op::Insert),
        6 => key.clone().prop_map(Op::Contains),
        1 => Just(Op::BitsSet),
        1 => Just(Op::Estimate),
        union_weight => prop::collection::vec(key, 0..12).prop_map(Op::Union),
    ];
    (0..SHAPES.len(), prop::collection::vec(op, 1..100))
        .prop_map(|(shape, ops)| Scenario { shape, ops })
}

/// The scenario as a test to paste, with what the set says.
fn render(kind: Kind, s: &Scenario) -> String {
    let (bits, hashes) = SHAPES[s.shape];
    let name = kind.type_name();
    let mut set = HashSet::new();
    let mut out = format!(
        "{} filter = {name}::with_shape({bits}, {hashes})?;",
        kind.binding()
    );
    for op in &s.ops {
        match op {
            Op::Insert(x) => {
                let bang = if set.insert(*x) { "!" } else { "" };
                let _ = write!(out, "\nassert!({bang}filter.insert(&{x}u64));");
            }
            Op::Contains(x) => {
                let bang = if set.contains(x) { "" } else { "!" };
                let _ = write!(out, "\nassert!({bang}filter.contains(&{x}u64));");
            }
            Op::BitsSet => {
                let _ = write!(
                    out,
                    "\nlet _ = filter.bits_set(); // <= {hashes} x {} items, never below the last",
                    set.len()
                );
            }
            Op::Estimate => {
                let _ = write!(
                    out,
                    "\nlet _ = filter.estimated_items(); // -(m/k)·ln(1 - bits_set/m)"
                );
            }
            Op::Union(keys) => {
                let _ = write!(
                    out,
                    "\nlet mut other = {name}::with_shape({bits}, {hashes})?;"
                );
                for x in keys {
                    let _ = write!(out, "\nother.insert(&{x}u64);");
                }
                let _ = write!(out, "\nfilter.union(&other)?;");
                set.extend(keys.iter().copied());
            }
        }
    }
    out.push_str(
        "\n// bits_set() equals that of a filter of the same shape fed the same keys in any order",
    );
    out
}

/// What a wrong answer for a key not in the set most likely means.
const FALSE_POSITIVE: &str = "with at most 128 items in 2^16 bits a correct filter answers so \
    with odds under 10^-8: the k positions of different small keys collide (a hash that does not \
    mix, h2 = 0 in double hashing, or positions reduced with a mask that drops the hash's bits)";

fn drive<S: Subject>(s: &Scenario) -> Outcome {
    let kind = S::KIND;
    let name = kind.type_name();
    let (bits, hashes) = SHAPES[s.shape];
    let mut filter = shaped::<S>(bits, hashes)?;
    let (m, k) = (filter.bits(), u64::from(filter.hashes()));
    let mut set: HashSet<u64> = HashSet::new();
    let mut last = 0u64;
    let call = |what: &str, step: usize| format!("step {step}: {what}");
    for (i, op) in s.ops.iter().enumerate() {
        let step = i + 1;
        match op {
            Op::Insert(x) => {
                let was = set.contains(x);
                let would = lock_free(kind, &format!("contains(&{x})"), || filter.contains(x))?;
                let got = lock_free(kind, &format!("insert(&{x})"), || filter.insert(x))?;
                set.insert(*x);
                if got != would {
                    return Err(format!(
                        "{}: returned {got}, but contains(&{x}u64) just before returned {would}: \
                         insert returns true exactly when all k of the item's bits were set \
                         already (what contains answers), false when at least one was not",
                        call(&format!("insert(&{x}u64)"), step)
                    ));
                }
                if got != was {
                    return Err(if was {
                        format!(
                            "{}: returned false, but {x} was inserted before: its k bits are all \
                             set, so insert must return true",
                            call(&format!("insert(&{x}u64)"), step)
                        )
                    } else {
                        format!(
                            "{}: returned true (all its bits already set), but {x} was never \
                             inserted; {FALSE_POSITIVE}",
                            call(&format!("insert(&{x}u64)"), step)
                        )
                    });
                }
                let now = lock_free(kind, "bits_set()", || filter.bits_set())?;
                let grew = now.checked_sub(last);
                let fine = match grew {
                    Some(0) => got,
                    Some(d) => !got && d <= k,
                    None => false,
                };
                if !fine {
                    return Err(format!(
                        "{}: returned {got}, and bits_set() went from {last} to {now}: an insert \
                         that returns true set no new bit (bits_set unchanged), one that returns \
                         false set 1 to k = {k} new bits; each bit counts once",
                        call(&format!("insert(&{x}u64)"), step)
                    ));
                }
                last = now;
                if !got {
                    if let Some(again) = recount(&filter, bits, hashes, x) {
                        let again = again?;
                        if again != now {
                            return Err(format!(
                                "{}: returned false, and bits_set() is now {now}, but an empty \
                                 filter of the same shape after union(&filter) has {again} bits \
                                 set (the union ORs the words and recounts them): {}",
                                call(&format!("insert(&{x}u64)"), step),
                                miscount(now, again)
                            ));
                        }
                    }
                }
            }
            Op::Contains(x) => {
                let want = set.contains(x);
                let got = lock_free(kind, &format!("contains(&{x})"), || filter.contains(x))?;
                if got != want {
                    return Err(if want {
                        format!(
                            "{}: returned false, but {x} was inserted: a false negative, which a \
                             Bloom filter never gives (the positions differ between insert and \
                             contains, or a union lost bits)",
                            call(&format!("contains(&{x}u64)"), step)
                        )
                    } else {
                        format!(
                            "{}: returned true, but {x} was never inserted; {FALSE_POSITIVE}",
                            call(&format!("contains(&{x}u64)"), step)
                        )
                    });
                }
            }
            Op::BitsSet => {
                let now = lock_free(kind, "bits_set()", || filter.bits_set())?;
                let most = (k * set.len() as u64).min(m);
                if now < last || now > most || (now == 0) != set.is_empty() {
                    return Err(format!(
                        "{}: returned {now}, expected between {} and {most} ({} item(s) of k = \
                         {k} bits each, m = {m}; bits_set never decreases, was {last})",
                        call("bits_set()", step),
                        last.max(u64::from(!set.is_empty())),
                        set.len()
                    ));
                }
                last = now;
            }
            Op::Estimate => {
                let x = lock_free(kind, "bits_set()", || filter.bits_set())?;
                let got = lock_free(kind, "estimated_items()", || filter.estimated_items())?;
                let want = estimated_items(m, k as u32, x);
                if !((got - want).abs() <= want.abs() * 1e-9 + 1e-9 || got == want) {
                    return Err(format!(
                        "{}: returned {got}, but with X = bits_set() = {x}, m = {m}, k = {k}, \
                         −(m/k)·ln(1 − X/m) is {want}",
                        call("estimated_items()", step)
                    ));
                }
            }
            Op::Union(keys) => {
                let mut other = shaped::<S>(bits, hashes)?;
                for x in keys {
                    other.insert(x);
                }
                let theirs = other.bits_set();
                match filter.union(&other) {
                    None => return Err(format!("{name} has no union: a scenario asked for one")),
                    Some(Err(e)) => {
                        return Err(format!(
                            "{}: failed, with both filters with_shape({bits}, {hashes}): {e}",
                            call("filter.union(&other)", step)
                        ))
                    }
                    Some(Ok(())) => {}
                }
                set.extend(keys.iter().copied());
                let now = filter.bits_set();
                let (lo, hi) = (last.max(theirs), (last + theirs).min(m));
                if now < lo || now > hi {
                    return Err(format!(
                        "{}: bits_set() is {now} after the union of a filter with {last} bits set \
                         and one with {theirs}: expected between {lo} (the larger) and {hi} (the \
                         sum: a bit set in both counts once); recount after the OR",
                        call("filter.union(&other)", step)
                    ));
                }
                last = now;
                for x in keys {
                    if !filter.contains(x) {
                        return Err(format!(
                            "{}: afterwards contains(&{x}u64) is false, but other held {x}: the \
                             union must OR every word of other in",
                            call("filter.union(&other)", step)
                        ));
                    }
                }
            }
        }
    }
    // The same keys in another order set the same bits: the count must not depend on the order.
    let mut keys: Vec<u64> = set.into_iter().collect();
    keys.sort_unstable_by(|a, b| b.cmp(a));
    let mut again = shaped::<S>(bits, hashes)?;
    for x in &keys {
        again.insert(x);
    }
    let (ours, theirs) = (filter.bits_set(), again.bits_set());
    if ours != theirs {
        return Err(format!(
            "after the last step, bits_set() is {ours}, but a filter of the same shape fed the \
             same {} keys in decreasing order has {theirs}: the same keys set the same bits in \
             any order, so the count must not depend on it. Likely {}",
            keys.len(),
            miscount(ours.max(theirs), ours.min(theirs))
        ));
    }
    Ok(())
}

/// Why a count of bits set disagrees with a recount that found `again` where it counted
/// `counted`.
fn miscount(counted: u64, again: u64) -> &'static str {
    if counted > again {
        COUNTED_TWICE
    } else {
        "fewer bits counted than set: insert must count every bit it changes from 0 to 1"
    }
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: BloomFilterFamily>(ctx: &mut Ctx) {
    property::<Standard<F::Standard>>(ctx, 1);
    property::<Blocked<F::Blocked>>(ctx, 2);
    property::<Atomic<F::Atomic>>(ctx, 3);
}

fn property<S: Subject>(ctx: &mut Ctx, salt: u64) {
    let kind = S::KIND;
    let seed = ctx.sub_seed(salt);
    let union = kind != Kind::Atomic;
    ctx.check(
        &format!(
            "{}: insert, contains, bits_set, estimated_items{} agree with a set, at random",
            kind.type_name(),
            if union {
                " and union"
            } else {
                " (lock-free, through &self)"
            }
        ),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(union),
                |s| render(kind, s),
                |s| drive::<S>(s),
            )
        },
    );
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::Family;
    use super::*;

    /// The stage's failed checks on `F`: name and message.
    fn failures<F: BloomFilterFamily>() -> Vec<(String, String)> {
        super::super::tiny::failures(run::<F>)
    }

    #[test]
    fn a_filter_reducing_by_modulo_passes() {
        assert_eq!(failures::<Family<false, false>>(), vec![]);
    }

    #[test]
    fn counting_a_shared_bit_twice_is_seen_by_the_recount() {
        let failed = failures::<Family<true, false>>();
        for (name, message) in &failed {
            eprintln!("FAILED {name}\n    {message}");
        }
        assert!(failed
            .iter()
            .any(|(name, message)| name.starts_with("BloomFilter:")
                && message.contains(COUNTED_TWICE)));
    }
}
