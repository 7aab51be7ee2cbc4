//! Stage 2 of `count-min-sketch`: random streams against exact counts.
//!
//! - Each sketch, plain, conservative and concurrent, gets random adds (counts from 0 to
//!   `u64::MAX / 3`, so that some saturate) and, for the single-thread ones, merges of other
//!   sketches of the same shape. On a wide sketch (16 384 × 4 counters, at most 64 items) every
//!   estimate must equal the true count: two items sharing all four counters has odds below
//!   1 in 10^8. On a narrow one (8 × 3 counters, 24 items) every estimate must lie between the
//!   true count and the total. The total is the saturating sum of the counts, after every step.
//! - `TopK` over [`ExactSketch`] (the suite's, which counts exactly) must hold exactly the top
//!   `k` after every add (ties to the smaller item), as its documentation promises for a sketch
//!   that counts exactly; over the family's conservative sketch on 16 × 2 counters, it must
//!   report at most `k` distinct items, as many as it has seen up to `k`, sorted, each estimate
//!   between the truth and the sketch's own estimate.
//! - `SpaceSaving` against exact counts: the bounds of its documentation after every add.

use std::fmt::Write as _;

use kata_core::count_min_sketch::{Sketch, SpaceSavingTracker, TopKTracker};
use proptest::prelude::*;

use super::model::{exact_top_k, Counts, ExactSketch, Kind, Shared, Single};
use super::CountMinSketchFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::Ctx;

/// One step of a sketch scenario.
#[derive(Debug, Clone)]
pub enum Op {
    /// `add(&item, count)`.
    Add(u64, u64),
    /// A new sketch of the same shape, these adds, then `merge` it in.
    Merge(Vec<(u64, u64)>),
}

/// A sketch's shape and the steps.
#[derive(Debug, Clone)]
pub struct Scenario {
    width: usize,
    depth: usize,
    items: u64,
    ops: Vec<Op>,
}

/// The wide shape: exact with overwhelming odds for [`WIDE_ITEMS`] items.
const WIDE: (usize, usize) = (1 << 14, 4);
/// The most items on the wide sketch.
const WIDE_ITEMS: u64 = 64;
/// The narrow shape: every counter shared.
const NARROW: (usize, usize) = (8, 3);
/// The items on the narrow sketch.
const NARROW_ITEMS: u64 = 24;

/// Counts: mostly small, some 0, some large, a few a third of `u64::MAX` (three saturate).
fn count() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![
        1 => Just(0u64),
        8 => 1u64..=10,
        2 => 11u64..=1_000_000,
        1 => Just(u64::MAX / 3),
    ]
}

fn scenario(wide: bool, merges: bool) -> impl Strategy<Value = Scenario> {
    let (width, depth) = if wide { WIDE } else { NARROW };
    let items = if wide { WIDE_ITEMS } else { NARROW_ITEMS };
    let add = (0..items, count());
    let merge_weight = if merges { 1 } else { 0 };
    let op = prop_oneof![
        8 => add.clone().prop_map(|(i, c)| Op::Add(i, c)),
        merge_weight => prop::collection::vec(add, 0..6).prop_map(Op::Merge),
    ];
    prop::collection::vec(op, 1..60).prop_map(move |ops| Scenario {
        width,
        depth,
        items,
        ops,
    })
}

/// A count as code: the large one the strategy draws is written as it is made.
fn count_text(count: u64) -> String {
    if count == u64::MAX / 3 {
        "u64::MAX / 3".to_owned()
    } else {
        count.to_string()
    }
}

/// The scenario as code to paste, with what must hold after each step.
fn render(kind: Kind, wide: bool, s: &Scenario) -> String {
    let name = kind.type_name();
    let binding = if kind == Kind::Atomic {
        "let"
    } else {
        "let mut"
    };
    let mut out = format!(
        "{binding} sketch = {name}::with_shape({}, {})?;",
        s.width, s.depth
    );
    let mut truth = vec![0u64; s.items as usize];
    let mut total = 0u64;
    let assert_item = |out: &mut String, item: u64, t: u64| {
        if wide {
            let _ = write!(out, "\nassert_eq!(sketch.estimate(&{item}u64), {t});");
        } else {
            let _ = write!(out, "\nassert!(sketch.estimate(&{item}u64) >= {t});");
        }
    };
    for op in &s.ops {
        match op {
            Op::Add(item, count) => {
                let _ = write!(out, "\nsketch.add(&{item}u64, {});", count_text(*count));
                truth[*item as usize] = truth[*item as usize].saturating_add(*count);
                total = total.saturating_add(*count);
                assert_item(&mut out, *item, truth[*item as usize]);
            }
            Op::Merge(adds) => {
                let _ = write!(
                    out,
                    "\nlet mut other = {name}::with_shape({}, {})?;",
                    s.width, s.depth
                );
                for (item, count) in adds {
                    let _ = write!(out, "\nother.add(&{item}u64, {});", count_text(*count));
                    truth[*item as usize] = truth[*item as usize].saturating_add(*count);
                    total = total.saturating_add(*count);
                }
                out.push_str("\nsketch.merge(&other)?;");
                let mut touched: Vec<u64> = adds.iter().map(|a| a.0).collect();
                touched.sort_unstable();
                touched.dedup();
                for item in touched {
                    assert_item(&mut out, item, truth[item as usize]);
                }
            }
        }
        let _ = write!(out, "\nassert_eq!(sketch.total(), {total});");
    }
    out
}

/// Runs `s` on `V`, checking every item's estimate and the total after every step.
fn drive<V: Counts>(kind: Kind, wide: bool, s: &Scenario) -> Outcome {
    let name = kind.type_name();
    let make = || {
        V::with_shape(s.width, s.depth)
            .map_err(|e| format!("{name}::with_shape({}, {}) failed: {e}", s.width, s.depth))
    };
    let mut sketch = make()?;
    let mut truth = vec![0u64; s.items as usize];
    let mut total = 0u64;
    for (i, op) in s.ops.iter().enumerate() {
        let step = i + 1;
        match op {
            Op::Add(item, count) => {
                sketch.add(item, *count);
                truth[*item as usize] = truth[*item as usize].saturating_add(*count);
                total = total.saturating_add(*count);
            }
            Op::Merge(adds) => {
                let mut other = make()?;
                for (item, count) in adds {
                    other.add(item, *count);
                    truth[*item as usize] = truth[*item as usize].saturating_add(*count);
                    total = total.saturating_add(*count);
                }
                match sketch.merge(&other) {
                    Some(Ok(())) => {}
                    Some(Err(e)) => {
                        return Err(format!(
                            "step {step}: merging two sketches made by with_shape({}, {}) \
                             failed: {e}",
                            s.width, s.depth
                        ))
                    }
                    None => unreachable!("no merges are drawn for a sketch that cannot merge"),
                }
            }
        }
        let got = sketch.total();
        if got != total {
            return Err(format!(
                "step {step}: total() is {got}, expected {total}: the sum of every count added \
                 (merged ones included), saturating at u64::MAX"
            ));
        }
        for item in 0..s.items {
            let (est, t) = (sketch.estimate(&item), truth[item as usize]);
            if est < t {
                return Err(format!(
                    "step {step}: estimate(&{item}u64) is {est}, below the true count {t}: an \
                     estimate must never be below the truth (is a counter wrapping, or a merge \
                     or an add skipping a row?)"
                ));
            }
            if wide && est != t {
                return Err(format!(
                    "step {step}: estimate(&{item}u64) is {est}, expected {t} exactly: with {} \
                     counters per row and at most {WIDE_ITEMS} items, two items share all {} of \
                     their counters with odds below 1 in 10^8. Is a count added twice, or do \
                     the rows spread items over their whole width (fast range needs the high \
                     bits of a well-mixed 64-bit hash)?",
                    s.width, s.depth
                ));
            }
            if est > got {
                return Err(format!(
                    "step {step}: estimate(&{item}u64) is {est}, above the total {got}: no \
                     counter can hold more than every count added"
                ));
            }
        }
    }
    Ok(())
}

/// A `TopK` scenario: `k` and the adds.
#[derive(Debug, Clone)]
pub struct TopScenario {
    k: usize,
    adds: Vec<(u32, u64)>,
}

fn top_scenario(items: u32) -> impl Strategy<Value = TopScenario> {
    let count = prop_oneof![1 => Just(0u64), 6 => 1u64..=4, 1 => 5u64..=20];
    (1usize..=4, prop::collection::vec((0..items, count), 1..60))
        .prop_map(|(k, adds)| TopScenario { k, adds })
}

/// The `TopK` over the exact sketch scenario as code, with the top k after each add. The suite
/// runs it over [`ExactSketch`]; the code uses a wide sketch, which counts these few items
/// exactly too, so that a learner can paste it.
fn render_exact_top(s: &TopScenario) -> String {
    let mut out = format!(
        "// The suite ran this over a sketch of its own that counts exactly; a wide sketch counts\n\
         // these few items exactly too.\n\
         let sketch = CountMinSketch::with_shape(16384, 4)?;\n\
         let mut top = TopK::<u32, _>::new({}, sketch)?;",
        s.k
    );
    let mut truth = vec![0u64; 64];
    for &(item, count) in &s.adds {
        truth[item as usize] = truth[item as usize].saturating_add(count);
        let _ = write!(
            out,
            "\ntop.add(&{item}, {count});\nassert_eq!(top.top_k(), vec!{:?});",
            exact_top_k(&counts(&truth), s.k)
        );
    }
    out
}

/// `(item, count)` for every item of `truth`.
fn counts(truth: &[u64]) -> Vec<(u32, u64)> {
    truth
        .iter()
        .enumerate()
        .map(|(i, &c)| (i as u32, c))
        .collect()
}

fn drive_exact_top<H: TopKTracker<u32, ExactSketch>>(s: &TopScenario) -> Outcome {
    let mut top = H::new(s.k, ExactSketch::default())
        .map_err(|e| format!("TopK::new({}, ExactSketch) failed: {e}", s.k))?;
    if top.k() != s.k {
        return Err(format!("TopK::new({}, ..).k() is {}", s.k, top.k()));
    }
    let mut truth = vec![0u64; 64];
    let mut total = 0u64;
    for (i, &(item, count)) in s.adds.iter().enumerate() {
        top.add(&item, count);
        truth[item as usize] += count;
        total += count;
        let (got, want) = (top.top_k(), exact_top_k(&counts(&truth), s.k));
        if got != want {
            return Err(format!(
                "step {}: after add(&{item}, {count}), top_k() is {got:?}, expected {want:?}: \
                 over a sketch that counts exactly, the candidates must always be the k \
                 heaviest items so far (equal counts: the smaller item first). After an add, \
                 with e the item's new estimate: a candidate takes e; otherwise the item joins \
                 while there are fewer than k, or replaces the lightest candidate (smallest \
                 estimate; among equal ones the largest item) when it outranks it",
                i + 1
            ));
        }
        if top.sketch().total() != total {
            return Err(format!(
                "step {}: sketch().total() is {}, expected {total}: every add must reach the \
                 sketch",
                i + 1,
                top.sketch().total()
            ));
        }
    }
    Ok(())
}

/// The shape of the narrow sketch `TopK` counts with in the approximate scenario.
const TOP_NARROW: (usize, usize) = (16, 2);
/// Its items.
const TOP_NARROW_ITEMS: u32 = 24;

fn render_approx_top(s: &TopScenario) -> String {
    let mut out = format!(
        "let sketch = ConservativeCountMinSketch::with_shape({}, {})?;\n\
         let mut top = TopK::<u32, _>::new({}, sketch)?;",
        TOP_NARROW.0, TOP_NARROW.1, s.k
    );
    for &(item, count) in &s.adds {
        let _ = write!(out, "\ntop.add(&{item}, {count});");
    }
    out.push_str(
        "\n// after every add: top.top_k() holds min(k, items added so far) distinct items,\n\
         // sorted by estimate (descending), then item, each estimate between the item's\n\
         // true count and top.sketch().estimate(&item). After the last one:",
    );
    let truth = truths(&s.adds);
    let _ = write!(
        out,
        "\nlet truth: &[(u32, u64)] = &{truth:?};\n\
         let got = top.top_k();\n\
         assert_eq!(got.len(), truth.len().min({k}), \"top_k() is {{got:?}}\");\n\
         assert!(got.windows(2).all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0)), \
         \"top_k() is {{got:?}}\");\n\
         for &(item, est) in &got {{\n    \
         let t = truth.iter().find(|p| p.0 == item).map_or(0, |p| p.1);\n    \
         assert!(t > 0 && est >= t && est <= top.sketch().estimate(&item), \
         \"{{item}}: {{est}}, true count {{t}}\");\n}}",
        k = s.k
    );
    out
}

/// The true count of every item `adds` adds a count above 0 to, in ascending order of the item.
fn truths(adds: &[(u32, u64)]) -> Vec<(u32, u64)> {
    let mut truth = std::collections::BTreeMap::new();
    for &(item, count) in adds {
        if count > 0 {
            *truth.entry(item).or_insert(0u64) += count;
        }
    }
    truth.into_iter().collect()
}

fn drive_approx_top<H: TopKTracker<u32, S>, S: Sketch>(s: &TopScenario) -> Outcome {
    let (w, d) = TOP_NARROW;
    let sketch = S::with_shape(w, d)
        .map_err(|e| format!("ConservativeCountMinSketch::with_shape({w}, {d}) failed: {e}"))?;
    let mut top = H::new(s.k, sketch).map_err(|e| format!("TopK::new({}, ..) failed: {e}", s.k))?;
    let mut truth = vec![0u64; TOP_NARROW_ITEMS as usize];
    for (i, &(item, count)) in s.adds.iter().enumerate() {
        let step = i + 1;
        top.add(&item, count);
        truth[item as usize] += count;
        let seen = truth.iter().filter(|&&c| c > 0).count();
        let got = top.top_k();
        let want_len = seen.min(s.k);
        if got.len() != want_len {
            return Err(format!(
                "step {step}: after add(&{item}, {count}), top_k() is {got:?}: {} entries, \
                 expected {want_len} (k = {}, {seen} distinct items added with a count above \
                 0): an item joins the candidates while there are fewer than k",
                got.len(),
                s.k
            ));
        }
        let mut distinct: Vec<u32> = got.iter().map(|e| e.0).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != got.len() {
            return Err(format!(
                "step {step}: top_k() is {got:?}: an item is listed twice (a candidate's estimate \
                 must be updated in place)"
            ));
        }
        for pair in got.windows(2) {
            let ((a, ea), (b, eb)) = (pair[0], pair[1]);
            if ea < eb || (ea == eb && a >= b) {
                return Err(format!(
                    "step {step}: top_k() is {got:?}: ({a}, {ea}) comes before ({b}, {eb}); \
                     expected heaviest first, equal estimates in ascending order of the item, \
                     each item once"
                ));
            }
        }
        for &(it, est) in &got {
            let t = truth.get(it as usize).copied().unwrap_or(0);
            let now = top.sketch().estimate(&it);
            if t == 0 || est < t || est > now {
                return Err(format!(
                    "step {step}: top_k() is {got:?}: item {it} is reported with {est}, but its \
                     true count is {t} and the sketch now estimates {now}: a candidate is an \
                     item that was added, with an estimate the sketch gave (never below the \
                     truth, never above what the sketch says now)"
                ));
            }
        }
    }
    Ok(())
}

/// A `SpaceSaving` scenario.
#[derive(Debug, Clone)]
pub struct SsScenario {
    k: usize,
    counters: usize,
    adds: Vec<(u32, u64)>,
}

/// The items a `SpaceSaving` scenario draws from.
const SS_ITEMS: u32 = 20;

fn ss_scenario() -> impl Strategy<Value = SsScenario> {
    let count = prop_oneof![1 => Just(0u64), 6 => 1u64..=4, 1 => 5u64..=20];
    (
        1usize..=4,
        0usize..=6,
        prop::collection::vec((0..SS_ITEMS, count), 1..60),
    )
        .prop_map(|(k, extra, adds)| SsScenario {
            k,
            counters: k + extra,
            adds,
        })
}

fn render_ss(s: &SsScenario) -> String {
    let mut out = format!(
        "let mut ss = SpaceSaving::<u32>::new({}, {})?;",
        s.k, s.counters
    );
    for &(item, count) in &s.adds {
        let _ = write!(out, "\nss.add(&{item}, {count});");
    }
    out.push_str(
        "\n// after every add, with N the total added and m the counters: each monitored item's\n\
         // estimate is between its true count and that + N / m, every item whose true count\n\
         // exceeds N / m is monitored, the estimates sum to N, and top_k() is the k largest.\n\
         // After the last one:",
    );
    let truth = truths(&s.adds);
    let n: u64 = truth.iter().map(|&(_, t)| t).sum();
    let _ = write!(
        out,
        "\nlet truth: &[(u32, u64)] = &{truth:?};\n\
         let (n, m) = ({n}u64, {m}u64);\n\
         for &(item, t) in truth {{\n    \
         let e = ss.estimate(&item);\n    \
         assert!(e == 0 || (e >= t && e - t <= n / m), \"estimate(&{{item}}) is {{e}}, true count {{t}}\");\n    \
         assert!(e > 0 || t * m <= n, \"item {{item}} (true count {{t}}) must be monitored\");\n\
         }}\n\
         let sum: u64 = truth.iter().map(|&(item, _)| ss.estimate(&item)).sum();\n\
         assert_eq!(sum, n, \"the monitored counts sum to N\");\n\
         let top = ss.top_k();\n\
         assert!(top.len() <= {k} && top.windows(2).all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0)), \
         \"top_k() is {{top:?}}\");",
        m = s.counters,
        k = s.k
    );
    out
}

fn drive_ss<H: SpaceSavingTracker<u32>>(s: &SsScenario) -> Outcome {
    let mut ss = H::new(s.k, s.counters)
        .map_err(|e| format!("SpaceSaving::new({}, {}) failed: {e}", s.k, s.counters))?;
    let m = s.counters as u64;
    let mut truth = vec![0u64; SS_ITEMS as usize];
    let mut n = 0u64;
    for (i, &(item, count)) in s.adds.iter().enumerate() {
        let step = i + 1;
        ss.add(&item, count);
        truth[item as usize] += count;
        n += count;
        let seen = truth.iter().filter(|&&c| c > 0).count();
        let est: Vec<u64> = (0..SS_ITEMS).map(|it| ss.estimate(&it)).collect();
        let after = format!("step {step}: after add(&{item}, {count}) (N = {n}, m = {m})");
        for it in 0..SS_ITEMS as usize {
            let (e, t) = (est[it], truth[it]);
            if e > 0 && (e < t || e - t > n / m) {
                return Err(format!(
                    "{after}, estimate(&{it}) is {e} with a true count of {t}: a monitored \
                     item's count must lie between its true count and that + N / m = {} (a new \
                     item takes the smallest count, min, plus its own count; min ≤ N / m)",
                    t + n / m
                ));
            }
            if e == 0 && u128::from(t) * u128::from(m) > u128::from(n) {
                return Err(format!(
                    "{after}, estimate(&{it}) is 0 (not monitored), but its true count {t} \
                     exceeds N / m: such an item is always monitored (only the item with the \
                     smallest count is replaced)"
                ));
            }
            if seen <= s.counters && e != t {
                return Err(format!(
                    "{after}, estimate(&{it}) is {e}, expected {t} exactly: only {seen} distinct \
                     items were added, no more than the {m} counters, so nothing was replaced"
                ));
            }
        }
        let sum: u64 = est.iter().sum();
        if sum != n {
            return Err(format!(
                "{after}, the estimates of the monitored items sum to {sum}, expected N = {n}: \
                 an add raises exactly one count by its count (a replaced item's count is \
                 inherited, min + count)"
            ));
        }
        let monitored = est.iter().filter(|&&e| e > 0).count();
        if ss.monitored() != monitored || monitored > s.counters {
            return Err(format!(
                "{after}, monitored() is {}, but {monitored} items have an estimate above 0 \
                 (at most {m} may be monitored)",
                ss.monitored()
            ));
        }
        let want = exact_top_k(&counts(&est), s.k);
        let got = ss.top_k();
        if got != want {
            return Err(format!(
                "{after}, top_k() is {got:?}, expected {want:?}: the k monitored items with the \
                 largest counts, heaviest first, equal counts in ascending order of the item \
                 (the smaller item wins the last place)"
            ));
        }
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: CountMinSketchFamily>(ctx: &mut Ctx) {
    sketches::<Single<F::Plain>>(ctx, Kind::Plain, 1);
    sketches::<Single<F::Conservative>>(ctx, Kind::Conservative, 2);
    sketches::<Shared<F::Atomic>>(ctx, Kind::Atomic, 3);

    let seed = ctx.sub_seed(4);
    ctx.check(
        "TopK over a sketch that counts exactly: the candidates are always the exact top k",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                top_scenario(12),
                render_exact_top,
                drive_exact_top::<F::TopK<u32, ExactSketch>>,
            )
        },
    );
    let seed = ctx.sub_seed(5);
    ctx.check(
        "TopK over ConservativeCountMinSketch (16 x 2 counters): sorted, at most k, estimates \
         between the truth and the sketch's",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                top_scenario(TOP_NARROW_ITEMS),
                render_approx_top,
                drive_approx_top::<F::TopK<u32, F::Conservative>, F::Conservative>,
            )
        },
    );
    let seed = ctx.sub_seed(6);
    ctx.check(
        "SpaceSaving: counts within N / counters of the truth, heavy items monitored, top_k the \
         k largest",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                ss_scenario(),
                render_ss,
                drive_ss::<F::SpaceSaving<u32>>,
            )
        },
    );
}

/// The wide and the narrow property of one sketch.
fn sketches<V: Counts>(ctx: &mut Ctx, kind: Kind, salt: u64) {
    let name = kind.type_name();
    let merges = kind != Kind::Atomic;
    let with = if merges { " and merges" } else { "" };
    let seed = ctx.sub_seed(salt * 10);
    ctx.check(
        &format!(
            "{name}: exact on a wide sketch (16 384 x 4 counters, 64 items), random adds{with}"
        ),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(true, merges),
                |s| render(kind, true, s),
                |s| drive::<V>(kind, true, s),
            )
        },
    );
    let seed = ctx.sub_seed(salt * 10 + 1);
    ctx.check(
        &format!(
            "{name}: between the truth and the total on a narrow sketch (8 x 3 counters, 24 \
             items), random adds{with}"
        ),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(false, merges),
                |s| render(kind, false, s),
                |s| drive::<V>(kind, false, s),
            )
        },
    );
}
