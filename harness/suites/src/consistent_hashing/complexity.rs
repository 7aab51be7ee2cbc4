//! Stage 5 of `consistent-hashing`: how a lookup's cost grows with the number of nodes, counted in
//! instructions ([`crate::measure::counted`]).
//!
//! Seven series, each counting [`OPS`] lookups of 16-byte keys (the same keys at every size) on
//! a router of 8 to 2 048 nodes ([`SIZES`]; the rings 8 to 512, [`RING_SIZES`]; the O(1) series
//! 1 to 2 048, [`CONSTANT_SIZES`]; rendezvous [`RENDEZVOUS_OPS`] lookups at 16 to 4 096,
//! [`RENDEZVOUS_SIZES`]), built from the workloads of [`super::workloads`]:
//!
//! | series | what | nodes | expected | the reference, instructions per lookup |
//! |---|---|---|---|---|
//! | `modulo` | `ModuloRouter::node_for` | 1 to 2 048 | O(1) | 83 |
//! | `ring` | `Ring::node_for`, 160 virtual nodes per node | 8 to 512 | O(log n) | 208 to 268 |
//! | `jump` | `Jump::node_for` | 8 to 2 048 | O(log n) | 145 to 262 |
//! | `rendezvous` | `Rendezvous::node_for` | 16 to 4 096 | O(n) | 420 to 82 020 |
//! | `maglev` | `Maglev::node_for`, 4 099 slots | 1 to 2 048 | O(1) | 87 |
//! | `shared-ring` | `SharedRing::node_for`, as the ring | 8 to 512 | O(log n) | 244 to 304 |
//! | `ring-replicas` | `Ring::nodes_for(key, 3)` | 8 to 512 | O(log n) | 524 to 573 |
//!
//! Timing cannot tell O(log n) from O(1) on a shared machine (a binary search over 1 280 points
//! and one over 327 680 differ by less than the caches make a table lookup differ); an
//! instruction count can. So a ring that scans its points (O(n) where O(log n)), a Maglev router
//! that binary-searches a ring (O(log n) where O(1)), jump hash by the paper's first, O(n) loop
//! (a step per bucket rather than a jump), and rendezvous sorting every score for one lookup
//! (O(n log n) where O(n)) all fail here, while passing every stage before. The O(1) series
//! start at one node ([`CONSTANT_SIZES`]): from 8, a logarithm over 160 points per node grows by
//! too little beside the cost of hashing the key for the fit to tell it from a constant.
//!
//! The preparation runs under callgrind too (uncounted, but some 10 to 50 times slower than
//! natively), so the series are sized to keep it short. The Maglev router has
//! [`COMPLEXITY_TABLE`] slots rather than the default 65 537: a lookup costs the same whatever
//! the table's size, and a router that rebuilds its table on every add, as the paper does, would
//! spend minutes building 2 048 nodes into 65 537 slots one add at a time. The rings stop at 512
//! nodes ([`RING_NOTE`], printed once by the stage): a ring that sorts all its points after each
//! add, or a snapshot ring that copies itself per change, is correct but costs O(P) or more per
//! add, and building 2 048 nodes one add at a time took the reference's shared ring 55 s under
//! callgrind (before the counting child ran with glibc's large-copy loop turned off; 1.6 s
//! after), where a ring's lookup shows its growth as well at four sizes.
//!
//! Rendezvous runs wider and with fewer lookups ([`RENDEZVOUS_SIZES`], [`RENDEZVOUS_OPS`]): a
//! `node_for` that scores every node into a `Vec` and sorts it costs about
//! `a + s·n + c·n·log2 n`, `s` the scoring of one node and `c` the sort's cost per element and
//! level (less regularly below some 20 nodes, where the standard sorts run an insertion sort:
//! the series starts at 16 rather than 4 or 8, which parted the curves less). Where scoring is
//! costly (SipHash over the key and the node, then a logarithm, `sort_unstable_by`: `s` about
//! 17 `c`), neither the O(n) nor the O(n log n) curve comes within the fit's 10 %, and the
//! closer one is the verdict. Measured on such a variant outside the stage (the same counting,
//! 16-byte keys), the O(n) and O(n log n) curves missed by 19.6 % and 19.2 % at 8 to 2 048
//! nodes, rejected by 0.4 points; by 22.0 % and 17.5 % at 16 to 4 096. The reference
//! (`100 + 20·n`) fits O(n) exactly at either range. A variant whose sort is small beside its
//! scoring (a label formatted and hashed per node: `s` about 50 `c`) grows within 10 % of O(n),
//! or nearer to it than to O(n log n), at both ranges, and passes: what is counted is mostly
//! its linear part. The largest size costs what 2 048 did, at half the lookups (512 lookups
//! average a lookup within 0.1 % of 1 024).

use kata_core::consistent_hashing::MaglevRouter;

use super::workloads::{Lookups, Plan, Replicas, SharedLookups, COMPLEXITY_TABLE};
use super::ConsistentHashingFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::report::Event;
use crate::Ctx;

/// The sizes, in nodes: five, each four times the last.
pub const SIZES: &[usize] = &[8, 32, 128, 512, 2048];

/// The sizes of the series over a ring (`ring`, `shared-ring`, `ring-replicas`): four, each four
/// times the last. A ring of 2 048 nodes holds 327 680 points, and a learner's ring that sorts all
/// its points after each add (correct, but O(P log P) per add) would spend minutes under
/// callgrind being built one add at a time, before a lookup is counted.
pub const RING_SIZES: &[usize] = &[8, 32, 128, 512];

/// The sizes of the series that expect O(1) (`modulo`, `maglev`): from 1 node, so that a
/// logarithm, were there one, grows from log2(1·v) rather than log2(8·v): a Maglev router that
/// binary-searches a ring of 160 points per node costs about 178 + 10·log2 n instructions,
/// which a constant fits within 16 % from 8 to 2 048 nodes (the fit's tolerance is 10 %), and
/// within 25 % from 1.
pub const CONSTANT_SIZES: &[usize] = &[1, 8, 64, 512, 2048];

/// The sizes of the `rendezvous` series: five, each four times the last, from 16, so that a
/// `node_for` that sorts every score parts from O(n) (see the module documentation).
pub const RENDEZVOUS_SIZES: &[usize] = &[16, 64, 256, 1024, 4096];

/// Lookups counted at each size (after a warm-up of a quarter as many).
pub const OPS: u64 = 1_024;

/// Lookups counted at each size of the `rendezvous` series: its largest size is twice the
/// others', and a lookup scores every node.
pub const RENDEZVOUS_OPS: u64 = 512;

/// Printed once by the stage when it counted a ring's series: why they stop at 512 nodes.
pub const RING_NOTE: &str = "The ring's series (ring, shared ring, nodes_for(key, 3)) stop at \
     512 nodes, where the others go on to 2 048 (rendezvous to 4 096): each size's ring is built \
     one add at a time under callgrind, some 10 to 50 times slower than natively, and a ring \
     that sorts all its points again on every add (correct, but O(P log P) an add) must still \
     be built within the stage's time. Four sizes to 512 show a lookup's O(log n) as well.";

/// The counted series of this stage (see the module documentation).
pub const COUNTED: &[Series] = &[
    Series {
        name: "modulo",
        title: "ModuloRouter, node_for",
        variable: "nodes",
        sizes: CONSTANT_SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "ring",
        title: "Ring (160 virtual nodes per node), node_for",
        variable: "nodes",
        sizes: RING_SIZES,
        ops: OPS,
        expected: Class::Log,
    },
    Series {
        name: "jump",
        title: "Jump, node_for",
        variable: "nodes",
        sizes: SIZES,
        ops: OPS,
        expected: Class::Log,
    },
    Series {
        name: "rendezvous",
        title: "Rendezvous, node_for",
        variable: "nodes",
        sizes: RENDEZVOUS_SIZES,
        ops: RENDEZVOUS_OPS,
        expected: Class::Linear,
    },
    Series {
        name: "maglev",
        title: "Maglev (4 099 slots), node_for",
        variable: "nodes",
        sizes: CONSTANT_SIZES,
        ops: OPS,
        expected: Class::Constant,
    },
    Series {
        name: "shared-ring",
        title: "SharedRing (160 virtual nodes per node), node_for",
        variable: "nodes",
        sizes: RING_SIZES,
        ops: OPS,
        expected: Class::Log,
    },
    Series {
        name: "ring-replicas",
        title: "Ring (160 virtual nodes per node), nodes_for(key, 3)",
        variable: "nodes",
        sizes: RING_SIZES,
        ops: OPS,
        expected: Class::Log,
    },
];

/// The series of this stage, by name, in [`COUNTED`]'s order.
pub const SERIES: &[&str] = &[
    "modulo",
    "ring",
    "jump",
    "rendezvous",
    "maglev",
    "shared-ring",
    "ring-replicas",
];

/// Series `name` of family `F` at `size` nodes, keys from `seed`, as a [`Workload`]; `None` for
/// a name not in [`SERIES`].
///
/// # Panics
///
/// When the implementation refuses the plan's nodes or the Maglev table size.
pub fn workload<'a, F: ConsistentHashingFamily>(
    name: &str,
    size: usize,
    seed: u64,
) -> Option<Box<dyn Workload + 'a>> {
    let plan = Plan::with_nodes(size, seed).unwrap_or_else(|e| panic!("{e}"));
    Some(match name {
        "modulo" => {
            let mut w = Lookups::<F::Modulo>::on(&plan);
            Box::new(move |_| w.step())
        }
        "ring" => {
            let mut w = Lookups::<F::Ring>::on(&plan);
            Box::new(move |_| w.step())
        }
        "jump" => {
            let mut w = Lookups::<F::Jump>::on(&plan);
            Box::new(move |_| w.step())
        }
        "rendezvous" => {
            let mut w = Lookups::<F::Rendezvous>::on(&plan);
            Box::new(move |_| w.step())
        }
        "maglev" => {
            let table = F::Maglev::with_table_size(COMPLEXITY_TABLE).unwrap_or_else(|e| {
                panic!("Maglev::with_table_size({COMPLEXITY_TABLE}), a prime, failed: {e}")
            });
            let mut w = Lookups::with(table, &plan);
            Box::new(move |_| w.step())
        }
        "shared-ring" => {
            let mut w = SharedLookups::<F::Shared>::on(&plan);
            Box::new(move |_| w.step())
        }
        "ring-replicas" => {
            let mut w = Replicas::<F::Ring>::on(&plan);
            Box::new(move |_| w.step())
        }
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the timed fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: ConsistentHashingFamily, R: ConsistentHashingFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    let before = ctx.events().len();
    counted::stage(
        ctx,
        COUNTED,
        |n, s| workload::<F>(n, s, seed),
        |n, s| workload::<R>(n, s, seed),
    );
    // A series whose cost was measured and grew too fast (not one that could not be counted,
    // whose figure is infinite).
    let failed: Vec<&Series> = COUNTED
        .iter()
        .filter(|s| {
            ctx.events()[before..].iter().any(|e| {
                matches!(e, Event::Measurement(m)
                    if !m.passed && m.value.is_finite() && m.name.starts_with(s.title))
            })
        })
        .collect();
    for s in failed {
        ctx.note(format!(
            "{}: the likely cause: {}.",
            s.title,
            likely_cause(s.name)
        ));
    }
    // Once, when a ring's series was measured (counted, or timed without valgrind).
    let mut rings = COUNTED.iter().filter(|s| RING_SERIES.contains(&s.name));
    let counted_a_ring = rings.any(|s| {
        ctx.events()[before..]
            .iter()
            .any(|e| matches!(e, Event::Measurement(m) if m.name.starts_with(s.title)))
    });
    if counted_a_ring {
        ctx.note(RING_NOTE);
    }
}

/// The series over a ring, which stop at 512 nodes ([`RING_SIZES`], [`RING_NOTE`]).
pub const RING_SERIES: &[&str] = &["ring", "shared-ring", "ring-replicas"];

/// The likely cause of a series growing faster than expected, for the learner.
pub fn likely_cause(series: &str) -> &'static str {
    match series {
        "modulo" => {
            "the lookup does more than hash mod len: keep the members (each listed weight times) \
             in a Vec and index it with the remainder, no search"
        }
        "ring" | "shared-ring" => {
            "the lookup scans the points: keep them sorted and binary-search the first at or \
             after the key's hash (partition_point), wrapping to the first"
        }
        "ring-replicas" => {
            "nodes_for walks more than it must, or sorts the points: binary-search the key's \
             place, then walk clockwise until n distinct nodes are found"
        }
        "jump" => {
            "jump is the step-per-bucket loop: the paper's jump computes the next bucket at \
             which the key would move, (b + 1) · 2^31 / ((key >> 33) + 1), skipping the rest: \
             O(log n) iterations"
        }
        "rendezvous" => {
            "one score per node is O(n); more means a sort of every score (or an allocation per \
             node): keep only the best score while scoring, no sort for node_for"
        }
        _ => {
            "the lookup searches: a Maglev lookup is one read of the table at the key's slot \
             (h mod M), whatever the number of nodes"
        }
    }
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::Family;
    use super::*;

    #[test]
    fn the_series_are_counted_and_named_alike() {
        let names: Vec<&str> = COUNTED.iter().map(|s| s.name).collect();
        assert_eq!(names, SERIES);
        for s in COUNTED {
            let mut w = workload::<Family<0>>(s.name, 8, 1).expect("a series");
            w.op(0);
        }
        assert!(workload::<Family<0>>("nope", 8, 1).is_none());
    }
}
