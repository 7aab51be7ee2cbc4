//! Stage 1 of `count-min-sketch`: scenarios that read like the specification.
//!
//! The sketch scenarios run on each of the three sketches (one generic helper over
//! [`Counts`], its checks named by the type): sizing from ε and δ and by shape, every
//! configuration error in its order, the empty sketch, exact counts for a lone item, saturation,
//! never below the truth on a tiny sketch, `&str` and `String` as one item, and the update rule
//! itself on a hand-picked collision, where plain and conservative update must differ. Then
//! `merge` (the single-thread sketches), `TopK` and `SpaceSaving` with small numbers that make
//! every decision visible.

use std::fmt::Debug;

use kata_core::count_min_sketch::{
    ConfigError, HeavyHitters, ShapeMismatch, Sketch, SpaceSavingTracker, TopKTracker,
};

use super::model::{
    check_shape, check_space_saving, depth_for, shape_for_error, width_for, Counts, Kind, Shared,
    Single,
};
use super::CountMinSketchFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

/// A sketch of shape `(width, depth)`, its error as a failure message.
fn shape<V: Counts>(name: &str, width: usize, depth: usize) -> Result<V, String> {
    V::with_shape(width, depth)
        .map_err(|e| format!("{name}::with_shape({width}, {depth}) failed: {e}"))
}

/// A sketch for `(epsilon, delta)`, its error as a failure message.
fn sized<V: Counts>(name: &str, epsilon: f64, delta: f64) -> Result<V, String> {
    V::with_error(epsilon, delta)
        .map_err(|e| format!("{name}::with_error({epsilon}, {delta}) failed: {e}"))
}

/// What a constructor returned, for a message.
fn outcome<V: Counts>(r: &Result<V, ConfigError>) -> String {
    match r {
        Ok(s) => format!(
            "Ok(a sketch of width {} and depth {})",
            s.width(),
            s.depth()
        ),
        Err(e) => format!("Err({e:?})"),
    }
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: CountMinSketchFamily>(ctx: &mut Ctx) {
    sketch::<Single<F::Plain>>(ctx, Kind::Plain);
    sketch::<Single<F::Conservative>>(ctx, Kind::Conservative);
    sketch::<Shared<F::Atomic>>(ctx, Kind::Atomic);
    merge::<F::Plain>(ctx, Kind::Plain);
    merge::<F::Conservative>(ctx, Kind::Conservative);
    top_k::<F>(ctx);
    space_saving::<F>(ctx);
}

/// `(ε, δ)` pairs whose `e/ε` and `ln(1/δ)` are well away from whole numbers, and below the
/// half-way point, so that rounding down or to the nearest gives another shape than the
/// ceiling.
const SIZINGS: [(f64, f64); 6] = [
    (0.1, 0.1),
    (0.01, 0.01),
    (0.001, 0.3),
    (0.3, 0.001),
    (0.5, 0.5),
    (0.0001, 1e-6),
];

/// The `with_error` arguments the checks refuse, in the order the errors are checked.
const BAD_ERRORS: [(f64, f64); 19] = [
    (f64::NAN, 0.01),
    (0.0, 0.01),
    (-0.0, 0.01),
    (1.0, 0.01),
    (-0.1, 0.01),
    (1.5, 0.01),
    (f64::INFINITY, 0.01),
    (0.0, 0.0),
    (f64::NAN, f64::NAN),
    (0.01, f64::NAN),
    (0.01, 0.0),
    (0.01, 1.0),
    (0.01, -0.5),
    (0.01, 2.0),
    (0.5, f64::INFINITY),
    (1e-9, 0.01),
    // The width alone fits; width × depth (271 828 183 × 461) does not.
    (1e-8, 1e-200),
    (f64::MIN_POSITIVE, 0.5),
    // e / ε is infinite.
    (5e-324, 0.5),
];

/// The `with_shape` arguments the checks refuse. None of them can be allocated (the smallest
/// asks for 1 TiB), so a sketch that does not check fails at once rather than taking the
/// machine's memory.
const BAD_SHAPES: [(usize, usize); 10] = [
    (0, 0),
    (0, 5),
    (0, usize::MAX),
    (5, 0),
    (usize::MAX, 0),
    (1 << 31, 1 << 30),
    (usize::MAX, 2),
    (usize::MAX, usize::MAX),
    (1 << 37, 1),
    (1, 1 << 37),
];

/// Items `0..POOL` are searched for the hand-made collision.
const POOL: u64 = 64;

/// The scenarios every sketch shares.
fn sketch<V: Counts>(ctx: &mut Ctx, kind: Kind) {
    let name = kind.type_name();

    ctx.check(
        &format!("{name}: with_error(ε, δ) has width ⌈e/ε⌉ and depth ⌈ln(1/δ)⌉, exactly"),
        || {
            for (epsilon, delta) in SIZINGS {
                let s = sized::<V>(name, epsilon, delta)?;
                let (w, d) = shape_for_error(epsilon, delta).expect("valid sizings");
                let (got_w, got_d) = (s.width(), s.depth());
                if (got_w, got_d) != (w, d) {
                    let hint = if got_w.is_power_of_two() && got_w != w {
                        ": no rounding up to a power of two here (with_shape is there for that)"
                    } else if got_w < w || got_d < d {
                        ": round up (ceil), not down or to the nearest"
                    } else {
                        ""
                    };
                    return Err(format!(
                        "{name}::with_error({epsilon}, {delta}): expected width ⌈e/ε⌉ = ⌈{:.3}⌉ \
                         = {w} and depth ⌈ln(1/δ)⌉ = ⌈{:.3}⌉ = {d}, got width {got_w} and depth \
                         {got_d}{hint}",
                        std::f64::consts::E / epsilon,
                        (1.0 / delta).ln(),
                    ));
                }
                debug_assert_eq!((width_for(epsilon), depth_for(delta)), (w as f64, d as f64));
            }
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: with_shape(width, depth) is exactly that shape"),
        || {
            for (w, d) in [(1, 1), (1_000, 7), (3, 1), (1, 9), (65_536, 4)] {
                let s = shape::<V>(name, w, d)?;
                ensure_eq!(
                    (s.width(), s.depth()),
                    (w, d),
                    "{name}::with_shape({w}, {d}): (width(), depth())"
                );
            }
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: bad parameters are refused with the documented error, in the documented \
             order"
        ),
        || {
            for (epsilon, delta) in BAD_ERRORS {
                let want = shape_for_error(epsilon, delta).expect_err("a bad pair");
                let got = V::with_error(epsilon, delta);
                ensure!(
                    matches!(got, Err(e) if e == want),
                    "{name}::with_error({epsilon:?}, {delta:?}) returned {}, expected \
                     Err({want:?}): ε must be strictly between 0 and 1 (NaN is not), then δ \
                     likewise, then width × depth at most MAX_COUNTERS (2^30), checked in that \
                     order",
                    outcome(&got)
                );
            }
            for (width, depth) in BAD_SHAPES {
                let want = check_shape(width, depth).expect_err("a bad shape");
                let got = V::with_shape(width, depth);
                ensure!(
                    matches!(got, Err(e) if e == want),
                    "{name}::with_shape({width}, {depth}) returned {}, expected Err({want:?}): \
                     checked in the order width 0, depth 0, then width × depth above \
                     MAX_COUNTERS (2^30) or overflowing usize (checked_mul)",
                    outcome(&got)
                );
            }
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: an empty sketch estimates 0 for every item and totals 0"),
        || {
            let s = sized::<V>(name, 0.01, 0.01)?;
            for item in ["apple", "", "pear"] {
                ensure_eq!(
                    s.estimate(item),
                    0,
                    "{name}::with_error(0.01, 0.01), nothing added: estimate({item:?})"
                );
            }
            ensure_eq!(s.estimate(&42u64), 0, "the same sketch: estimate(&42u64)");
            ensure_eq!(s.total(), 0, "the same sketch: total()");
            let tiny = shape::<V>(name, 1, 1)?;
            ensure_eq!(
                tiny.estimate("apple"),
                0,
                "{name}::with_shape(1, 1), nothing added: estimate(\"apple\")"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: an item alone is counted exactly; add(item, 0) changes nothing"),
        || {
            let mut s = sized::<V>(name, 0.01, 0.01)?;
            s.add("apple", 5);
            ensure_eq!(
                (s.estimate("apple"), s.total()),
                (5, 5),
                "{name}::with_error(0.01, 0.01) after add(\"apple\", 5): (estimate(\"apple\"), \
                 total())"
            );
            s.add("apple", 3);
            ensure_eq!(
                (s.estimate("apple"), s.total()),
                (8, 8),
                "then add(\"apple\", 3): (estimate(\"apple\"), total())"
            );
            s.add("apple", 0);
            s.add("pear", 0);
            ensure_eq!(
                (s.estimate("apple"), s.estimate("pear"), s.total()),
                (8, 0, 8),
                "then add(\"apple\", 0) and add(\"pear\", 0), which change nothing: \
                 (estimate(\"apple\"), estimate(\"pear\"), total())"
            );
            let mut one = shape::<V>(name, 1, 1)?;
            one.add(&7u64, 2);
            one.add(&7u64, 9);
            ensure_eq!(
                (one.estimate(&7u64), one.total()),
                (11, 11),
                "{name}::with_shape(1, 1) after add(&7u64, 2) and add(&7u64, 9): \
                 (estimate(&7u64), total())"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: counters and the total saturate at u64::MAX instead of wrapping"),
        || {
            let max = u64::MAX;
            let mut s = sized::<V>(name, 0.01, 0.01)?;
            s.add("apple", max);
            ensure_eq!(
                (s.estimate("apple"), s.total()),
                (max, max),
                "{name} after add(\"apple\", u64::MAX): (estimate, total)"
            );
            s.add("apple", 1);
            s.add("pear", 5);
            ensure!(
                (s.estimate("apple"), s.total()) == (max, max),
                "{name} after add(\"apple\", u64::MAX), add(\"apple\", 1), add(\"pear\", 5): \
                 estimate(\"apple\") is {} and total() {}, expected u64::MAX for both: use \
                 saturating_add, a wrapped counter would underestimate",
                s.estimate("apple"),
                s.total()
            );
            ensure_eq!(s.estimate("pear"), 5, "and estimate(\"pear\")");
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: never below the truth, and never above the total, on a tiny sketch (4 x 2 \
             counters, 100 items)"
        ),
        || {
            let mut s = shape::<V>(name, 4, 2)?;
            let mut total = 0;
            for i in 0u64..100 {
                s.add(&i, i % 7 + 1);
                total += i % 7 + 1;
            }
            ensure_eq!(
                s.total(),
                total,
                "{name}::with_shape(4, 2) after add(&i, i % 7 + 1) for i in 0..100: total()"
            );
            for i in 0u64..100 {
                let (est, truth) = (s.estimate(&i), i % 7 + 1);
                ensure!(
                    est >= truth && est <= total,
                    "{name}::with_shape(4, 2) after add(&i, i % 7 + 1) for i in 0..100: \
                     estimate(&{i}u64) is {est}, but the truth is {truth} and the total \
                     {total}: an estimate is the smallest of the item's counters, each at least \
                     the item's count and at most the total"
                );
            }
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: \"apple\" as &str and as String is one item"),
        || {
            let mut s = sized::<V>(name, 0.01, 0.01)?;
            s.add("apple", 2);
            s.add(&String::from("apple"), 3);
            ensure_eq!(
                (s.estimate("apple"), s.estimate(&String::from("apple"))),
                (5, 5),
                "{name} after add(\"apple\", 2) and add(&String::from(\"apple\"), 3): \
                 (estimate(\"apple\"), estimate(&String::from(\"apple\"))) (hash the item with \
                 Hash, as HashMap does)"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: {} on a collision picked by hand (with_shape(4, 2))",
            if kind == Kind::Conservative {
                "conservative update raises a counter only to the item's new estimate"
            } else {
                "plain update adds to the item's counter in every row"
            }
        ),
        || update_rule::<V>(name, kind),
    );
}

/// Finds items `x`, `y`, `w` of `0..POOL` such that, in a `with_shape(4, 2)` sketch, `y` shares
/// `x`'s counter in one row only and `w` shares its counter in the other row only, by adding
/// items to fresh sketches and asking estimates. Then adds `x` 5 times and `y`, `w` once each:
/// plain update leaves both of `x`'s counters at 6, conservative update at 5.
fn update_rule<V: Counts>(name: &str, kind: Kind) -> Outcome {
    let fresh = || shape::<V>(name, 4, 2);
    let x = 0u64;
    // Items sharing both of x's counters, and the rest.
    let mut probe = fresh()?;
    probe.add(&x, 1);
    let others: Vec<u64> = (1..POOL).filter(|i| probe.estimate(i) == 0).collect();
    let mut pair = None;
    'search: for &y in &others {
        for &w in &others {
            let mut s = fresh()?;
            s.add(&y, 1);
            s.add(&w, 1);
            // x's two counters are covered by y's and w's, and neither has both.
            if s.estimate(&x) >= 1 {
                pair = Some((y, w));
                break 'search;
            }
        }
    }
    let Some((y, w)) = pair else {
        return Err(format!(
            "{name}::with_shape(4, 2): found no items y and w in 1..{POOL} such that y shares \
             item 0's counter in one row and w in the other (added to fresh sketches, and \
             estimates asked): either every row picks the same counter for an item (each row \
             needs its own hash function, such as h1 + i·h2), or estimate is not the smallest \
             of the item's counters"
        ));
    };
    let mut s = fresh()?;
    s.add(&x, 5);
    s.add(&y, 1);
    s.add(&w, 1);
    let got = (s.estimate(&x), s.estimate(&y), s.estimate(&w), s.total());
    let setup = format!(
        "{name}::with_shape(4, 2): item {x}u64 shares its row-a counter with item {y}u64 and \
         its row-b counter with item {w}u64 (no other counters in common: found by adding them \
         to fresh sketches); after add(&{x}, 5), add(&{y}, 1), add(&{w}, 1)"
    );
    match kind {
        Kind::Conservative => ensure!(
            got == (5, 1, 1, 7),
            "{setup}, (estimate(&{x}), estimate(&{y}), estimate(&{w}), total()) is {got:?}, \
             expected (5, 1, 1, 7): the estimates of {y} and {w} were 0 before their adds, so \
             conservative update raises their counters only to 0 + 1, c = max(c, estimate + \
             count), and {x}'s counters stay at 5"
        ),
        Kind::Plain | Kind::Atomic => ensure!(
            got == (6, 1, 1, 7),
            "{setup}, (estimate(&{x}), estimate(&{y}), estimate(&{w}), total()) is {got:?}, \
             expected (6, 1, 1, 7): plain update adds the count to the item's counter in every \
             row, so both of {x}'s counters reach 6{}",
            if got.0 == 5 {
                " (5 is what conservative update gives: this sketch is the plain one)"
            } else {
                ""
            }
        ),
    }
    Ok(())
}

/// `merge`, on the single-thread sketches.
fn merge<S: Sketch>(ctx: &mut Ctx, kind: Kind) {
    let name = kind.type_name();
    let make = |w: usize, d: usize| {
        S::with_shape(w, d).map_err(|e| format!("{name}::with_shape({w}, {d}) failed: {e}"))
    };
    let sized = || {
        S::with_error(0.01, 0.01).map_err(|e| format!("{name}::with_error(0.01, 0.01) failed: {e}"))
    };

    ctx.check(
        &format!("{name}: merge adds the other's counts and total; the other is unchanged"),
        || {
            let mut a = sized()?;
            a.add("apple", 3);
            a.add("fig", 1);
            let mut b = sized()?;
            b.add("apple", 4);
            b.add("pear", 2);
            a.merge(&b).map_err(|e| {
                format!("{name}: merging two sketches made by with_error(0.01, 0.01) failed: {e}")
            })?;
            let got = (
                a.estimate("apple"),
                a.estimate("pear"),
                a.estimate("fig"),
                a.total(),
            );
            ensure_eq!(
                got,
                (7, 2, 1, 10),
                "{name}: a = {{apple: 3, fig: 1}}, b = {{apple: 4, pear: 2}}, both \
                 with_error(0.01, 0.01); after a.merge(&b): (a.estimate(\"apple\"), pear, fig, \
                 a.total())"
            );
            ensure_eq!(
                (b.estimate("apple"), b.estimate("pear"), b.total()),
                (4, 2, 6),
                "{name}: b after a.merge(&b): (estimate(\"apple\"), estimate(\"pear\"), total())"
            );
            let mut c = make(272, 5)?;
            c.add("apple", 1);
            a.merge(&c).map_err(|e| {
                format!(
                    "{name}: with_error(0.01, 0.01) has width 272 and depth 5, so a sketch \
                     made by with_shape(272, 5) must merge into it: {e}"
                )
            })?;
            ensure_eq!(
                a.estimate("apple"),
                8,
                "{name}: then merging with_shape(272, 5) holding apple 1: estimate(\"apple\")"
            );
            let mut m = sized()?;
            m.add("apple", u64::MAX - 1);
            let mut n = sized()?;
            n.add("apple", 5);
            m.merge(&n)
                .map_err(|e| format!("{name}: merging two with_error(0.01, 0.01): {e}"))?;
            ensure_eq!(
                (m.estimate("apple"), m.total()),
                (u64::MAX, u64::MAX),
                "{name}: {{apple: u64::MAX - 1}} merged with {{apple: 5}}: (estimate, total) \
                 saturate"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: merge refuses a sketch of another shape with ShapeMismatch and changes \
             nothing"
        ),
        || {
            for (other_w, other_d) in [(100, 4), (101, 3), (3, 100)] {
                let mut a = make(100, 3)?;
                a.add("apple", 3);
                let mut b = make(other_w, other_d)?;
                b.add("apple", 4);
                let got = a.merge(&b);
                let want = ShapeMismatch {
                    ours: (100, 3),
                    theirs: (other_w, other_d),
                };
                ensure!(
                    got == Err(want),
                    "{name}::with_shape(100, 3).merge(&with_shape({other_w}, {other_d})) \
                     returned {got:?}, expected Err({want:?}) (ours is this sketch's (width, \
                     depth), theirs the other's)"
                );
                ensure_eq!(
                    (a.estimate("apple"), a.total(), a.width(), a.depth()),
                    (3, 3, 100, 3),
                    "{name}: after the refused merge, (estimate(\"apple\"), total(), width(), \
                     depth()) of the sketch asked to merge"
                );
            }
            Ok(())
        },
    );

    ctx.check(
        &format!(
            "{name}: two sketches of one shape made separately merge (the hash functions are \
             fixed, the same for every sketch)"
        ),
        || {
            let mut a = sized()?;
            let mut b = sized()?;
            for i in 0u64..50 {
                a.add(&i, i + 1);
                b.add(&(i + 50), i + 51);
                b.add(&i, 1);
            }
            for i in 0u64..100 {
                let (sketch, which, want) = if i < 50 {
                    (&a, "a", i + 1)
                } else {
                    (&b, "b", i + 1)
                };
                let got = sketch.estimate(&i);
                ensure!(
                    got >= want,
                    "{name}::with_error(0.01, 0.01): before the merge, {which}.estimate(&{i}u64) \
                     is {got}, below its true count {want}: an estimate must never be below the \
                     truth"
                );
            }
            a.merge(&b)
                .map_err(|e| format!("{name}: merging two with_error(0.01, 0.01): {e}"))?;
            for i in 0u64..100 {
                let want = if i < 50 { i + 2 } else { i + 1 };
                let got = a.estimate(&i);
                ensure!(
                    got >= want,
                    "{name}: a counted items 0..50 (count i + 1), b, made separately, items \
                     50..100 (count i + 1) and 0..50 once more; after a.merge(&b), \
                     estimate(&{i}u64) is {got}, below the truth {want}: either b put the item \
                     in other counters than a would (every sketch of a shape must use the same \
                     hash functions: fixed seeds, not RandomState::new()), or merge does not \
                     add the counters (taking the larger of two, say)"
                );
            }
            Ok(())
        },
    );
}

/// What a tracker reported, for a message.
fn shown<T: Debug>(top: &[(T, u64)]) -> String {
    format!("{top:?}")
}

/// `TopK` over the family's sketches.
fn top_k<F: CountMinSketchFamily>(ctx: &mut Ctx) {
    type Top<F, S> = <F as CountMinSketchFamily>::TopK<&'static str, S>;
    let sketch = || {
        F::Conservative::with_error(0.01, 0.01)
            .map_err(|e| format!("ConservativeCountMinSketch::with_error(0.01, 0.01) failed: {e}"))
    };
    let new = |k: usize| -> Result<Top<F, F::Conservative>, String> {
        Top::<F, F::Conservative>::new(k, sketch()?)
            .map_err(|e| format!("TopK::new({k}, ConservativeCountMinSketch) failed: {e}"))
    };
    let adds = |t: &mut Top<F, F::Conservative>, steps: &[(&'static str, u64)]| {
        for (item, count) in steps {
            t.add(item, *count);
        }
    };

    ctx.check(
        "TopK: k = 0 is refused with ZeroK; k() is the k given",
        || {
            let got = Top::<F, F::Conservative>::new(0, sketch()?).err();
            ensure_eq!(
                got,
                Some(ConfigError::ZeroK),
                "TopK::new(0, sketch): the error"
            );
            for k in [1, 3, 100] {
                ensure_eq!(new(k)?.k(), k, "TopK::new({k}, sketch).k()");
            }
            Ok(())
        },
    );

    ctx.check(
        "TopK: fewer distinct items than k: all of them, heaviest first",
        || {
            let mut t = new(5)?;
            ensure_eq!(
                t.top_k(),
                vec![],
                "TopK::new(5, sketch), nothing added: top_k()"
            );
            adds(&mut t, &[("apple", 3), ("fig", 1), ("pear", 2)]);
            ensure_eq!(
                t.top_k(),
                vec![("apple", 3), ("pear", 2), ("fig", 1)],
                "TopK of k = 5 after add(apple, 3), add(fig, 1), add(pear, 2): top_k()"
            );
            Ok(())
        },
    );

    ctx.check(
        "TopK: equal estimates: the smaller item ranks first, and wins the last place",
        || {
            for order in [["b", "a", "c"], ["c", "b", "a"], ["a", "c", "b"]] {
                let mut t = new(2)?;
                for item in order {
                    t.add(&item, 5);
                }
                ensure!(
                    t.top_k() == vec![("a", 5), ("b", 5)],
                    "TopK of k = 2 after adding {order:?} with 5 each, in that order: top_k() is \
                     {}, expected [(\"a\", 5), (\"b\", 5)]: at equal estimates the smaller item \
                     outranks, so a new item replaces the lightest candidate (the largest item \
                     among the smallest estimates) when it is smaller, and the report lists \
                     equal estimates in ascending order",
                    shown(&t.top_k())
                );
            }
            Ok(())
        },
    );

    ctx.check(
        "TopK: an item that overtakes the lightest candidate replaces it; a candidate's \
         estimate follows its adds",
        || {
            let mut t = new(2)?;
            let mut done = String::new();
            type Step = (&'static str, u64, Vec<(&'static str, u64)>);
            let steps: [Step; 6] = [
                ("a", 10, vec![("a", 10)]),
                ("b", 8, vec![("a", 10), ("b", 8)]),
                ("c", 5, vec![("a", 10), ("b", 8)]),
                ("c", 5, vec![("a", 10), ("c", 10)]),
                ("c", 1, vec![("c", 11), ("a", 10)]),
                ("b", 5, vec![("b", 13), ("c", 11)]),
            ];
            for (item, count, want) in steps {
                t.add(&item, count);
                done.push_str(&format!("add({item:?}, {count}), "));
                let got = t.top_k();
                ensure!(
                    got == want,
                    "TopK of k = 2 after {done}top_k() is {}, expected {}: after an add the \
                     item's estimate is asked of the sketch; a candidate takes it, a \
                     non-candidate replaces the lightest candidate when its estimate is larger",
                    shown(&got),
                    shown(&want)
                );
            }
            Ok(())
        },
    );

    ctx.check(
        "TopK: add(item, 0) does not make the item a candidate",
        || {
            let mut t = new(3)?;
            adds(&mut t, &[("apple", 1), ("zero", 0)]);
            ensure_eq!(
                t.top_k(),
                vec![("apple", 1)],
                "TopK of k = 3 after add(apple, 1), add(zero, 0): top_k()"
            );
            Ok(())
        },
    );

    ctx.check(
        "TopK: sketch() is the sketch it counts with: every item counted, candidates or not",
        || {
            let mut pre = sketch()?;
            pre.add("old", 100);
            let mut t = Top::<F, F::Conservative>::new(1, pre)
                .map_err(|e| format!("TopK::new(1, sketch) failed: {e}"))?;
            adds(&mut t, &[("apple", 2), ("fig", 1)]);
            ensure_eq!(
                t.top_k(),
                vec![("apple", 2)],
                "TopK of k = 1 over a sketch that already counted \"old\" 100 times, after \
                 add(apple, 2), add(fig, 1): top_k() (an item the sketch counted before is no \
                 candidate until it is added)"
            );
            let s = t.sketch();
            ensure_eq!(
                (
                    s.estimate("old"),
                    s.estimate("apple"),
                    s.estimate("fig"),
                    s.total()
                ),
                (100, 2, 1, 103),
                "the same tracker's sketch(): (estimate of old, apple, fig, total())"
            );
            t.add(&"old", 1);
            ensure_eq!(
                t.top_k(),
                vec![("old", 101)],
                "then add(old, 1): top_k() (its estimate is the sketch's, 101)"
            );
            Ok(())
        },
    );

    ctx.check("TopK over the plain sketch: the same rules", || {
        let plain = F::Plain::with_error(0.01, 0.01)
            .map_err(|e| format!("CountMinSketch::with_error(0.01, 0.01) failed: {e}"))?;
        let mut t = Top::<F, F::Plain>::new(2, plain)
            .map_err(|e| format!("TopK::new(2, CountMinSketch) failed: {e}"))?;
        for (item, count) in [("b", 4), ("c", 4), ("a", 4), ("d", 9)] {
            t.add(&item, count);
        }
        ensure_eq!(
            t.top_k(),
            vec![("d", 9), ("a", 4)],
            "TopK of k = 2 over CountMinSketch after add(b, 4), add(c, 4), add(a, 4), add(d, 9): \
             top_k()"
        );
        ensure_eq!(t.sketch().total(), 21, "its sketch().total()");
        Ok(())
    });
}

/// `SpaceSaving`.
fn space_saving<F: CountMinSketchFamily>(ctx: &mut Ctx) {
    type Ss<F> = <F as CountMinSketchFamily>::SpaceSaving<&'static str>;
    let new = |k: usize, m: usize| -> Result<Ss<F>, String> {
        Ss::<F>::new(k, m).map_err(|e| format!("SpaceSaving::new({k}, {m}) failed: {e}"))
    };
    let adds = |s: &mut Ss<F>, steps: &[(&'static str, u64)]| {
        for (item, count) in steps {
            s.add(item, *count);
        }
    };

    ctx.check(
        "SpaceSaving: bad parameters are refused in the documented order; k() is the k given",
        || {
            let cases = [
                (0, 10),
                (0, 0),
                (0, usize::MAX),
                (5, 4),
                (1 << 31, (1 << 31) - 1),
                (5, (1 << 30) + 1),
                (1, usize::MAX),
            ];
            for (k, m) in cases {
                let want = check_space_saving(k, m).expect_err("a bad pair");
                let got = Ss::<F>::new(k, m).err();
                ensure!(
                    got == Some(want),
                    "SpaceSaving::new({k}, {m}) returned {}, expected Err({want:?}): k = 0 \
                     first, then fewer counters than k, then more than MAX_COUNTERS (2^30)",
                    got.map_or_else(|| "Ok(..)".to_owned(), |e| format!("Err({e:?})"))
                );
            }
            for (k, m) in [(1, 1), (5, 5), (3, 100)] {
                ensure_eq!(new(k, m)?.k(), k, "SpaceSaving::new({k}, {m}).k()");
            }
            Ok(())
        },
    );

    ctx.check(
        "SpaceSaving: exact while fewer items than counters; top_k is the k heaviest",
        || {
            let mut s = new(3, 5)?;
            ensure_eq!(
                (s.top_k(), s.monitored()),
                (vec![], 0),
                "SpaceSaving::new(3, 5), nothing added: (top_k(), monitored())"
            );
            adds(&mut s, &[("a", 5), ("b", 3), ("c", 1), ("d", 4), ("a", 2)]);
            let got: Vec<u64> = ["a", "b", "c", "d"].iter().map(|i| s.estimate(i)).collect();
            ensure_eq!(
                got,
                vec![7, 3, 1, 4],
                "SpaceSaving::new(3, 5) after add(a, 5), add(b, 3), add(c, 1), add(d, 4), \
                 add(a, 2): estimates of a, b, c, d"
            );
            ensure_eq!(s.monitored(), 4, "the same tracker: monitored()");
            ensure_eq!(
                s.top_k(),
                vec![("a", 7), ("d", 4), ("b", 3)],
                "the same tracker: top_k() (k = 3)"
            );
            Ok(())
        },
    );

    ctx.check(
        "SpaceSaving: when full, a new item takes the place of the smallest count, with that \
         count plus its own",
        || {
            let mut s = new(2, 2)?;
            adds(&mut s, &[("a", 5), ("b", 3), ("c", 1)]);
            let got = (
                s.estimate(&"a"),
                s.estimate(&"b"),
                s.estimate(&"c"),
                s.monitored(),
            );
            ensure!(
                got == (5, 0, 4, 2),
                "SpaceSaving::new(2, 2) after add(a, 5), add(b, 3), add(c, 1): (estimate of a, \
                 b, c, monitored()) is {got:?}, expected (5, 0, 4, 2): c takes b's place (the \
                 smallest count, 3) with 3 + 1, and b is no longer monitored (estimate 0)"
            );
            ensure_eq!(
                s.top_k(),
                vec![("a", 5), ("c", 4)],
                "the same tracker: top_k()"
            );
            s.add(&"d", 2);
            ensure_eq!(
                (s.top_k(), s.estimate(&"c")),
                (vec![("d", 6), ("a", 5)], 0),
                "then add(d, 2), d taking c's place with 4 + 2: (top_k(), estimate(c))"
            );
            Ok(())
        },
    );

    ctx.check(
        "SpaceSaving: add(item, 0) changes nothing; an item not monitored estimates 0",
        || {
            let mut s = new(2, 2)?;
            adds(&mut s, &[("a", 5), ("b", 3), ("z", 0)]);
            ensure_eq!(
                (
                    s.estimate(&"a"),
                    s.estimate(&"b"),
                    s.estimate(&"z"),
                    s.monitored()
                ),
                (5, 3, 0, 2),
                "SpaceSaving::new(2, 2) after add(a, 5), add(b, 3), add(z, 0): (estimate of a, \
                 b, z, monitored()) (a 0 count evicts nothing)"
            );
            ensure_eq!(
                s.estimate(&"never"),
                0,
                "the same tracker: estimate(never), never added"
            );
            Ok(())
        },
    );

    ctx.check(
        "SpaceSaving: equal counts: the smaller item ranks first and wins the last place",
        || {
            let mut s = new(2, 4)?;
            adds(&mut s, &[("c", 2), ("b", 2), ("a", 2), ("d", 1)]);
            ensure_eq!(
                s.top_k(),
                vec![("a", 2), ("b", 2)],
                "SpaceSaving::new(2, 4) after add(c, 2), add(b, 2), add(a, 2), add(d, 1): \
                 top_k()"
            );
            Ok(())
        },
    );

    ctx.check("SpaceSaving: counts saturate at u64::MAX", || {
        let mut s = new(1, 2)?;
        adds(
            &mut s,
            &[("a", u64::MAX), ("a", 1), ("b", 1), ("c", u64::MAX)],
        );
        let got = (s.estimate(&"a"), s.estimate(&"c"));
        ensure!(
            got.0 == u64::MAX && got.1 == u64::MAX,
            "SpaceSaving::new(1, 2) after add(a, u64::MAX), add(a, 1), add(b, 1), add(c, \
             u64::MAX) (c takes b's place): (estimate(a), estimate(c)) is {got:?}, expected \
             u64::MAX for both: use saturating_add, a wrapped count would underestimate"
        );
        Ok(())
    });
}
