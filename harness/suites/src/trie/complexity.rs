//! Stage 5 of `trie`: what an operation costs as the store grows, in instructions counted under
//! callgrind ([`crate::measure::counted`]).
//!
//! The cached trie's promise, a query in O(prefix + k) whatever the number of terms, cannot be
//! told from O(log n) by timing on a shared machine; an instruction count can. Five series, on
//! the term sets of [`super::workloads`]:
//!
//! - **`cached-top-k`**: `CachedTrie::new()` (caching 10 terms per node) holding `n` synthetic
//!   terms (1 Ki to 64 Ki, [`Plan::synthetic`]: 14 letters from 4), `top_k(prefix, 10)` for the
//!   16 two-letter prefixes in turn, each completed by `n / 16` terms or so (at least 10 at every
//!   size, checked when the series is prepared): ten answers of 14 bytes at every size. Expected
//!   O(1): the prefix's node has the answer. A cached trie that searches the subtree grows as
//!   O(n).
//! - **`cached-add-weight`**: the same store, `add_weight(term, 1)` on terms drawn Zipf(1) by
//!   weight. Expected **O(log n)**, though the bound is O(1) in the number of terms. An update
//!   walks its 14 bytes and fixes the caches on its path; a fix from the children's caches (the
//!   README's rule, which a lighter weight or a removal needs, and which some apply to every
//!   update) reads up to `K` ids from each child: O(fanout · K) a node, O(length · fanout · K)
//!   an update, a bound the alphabet makes independent of `n`. But a child holds `K` ids only
//!   once its subtree has `K` terms, and a node `d` bytes deep has about `n / 4^d` below it: each
//!   4 times more terms fills the caches one level deeper, until every path is full (at 4^14
//!   terms, far beyond a test). So at these sizes such an update counts one level's worth more
//!   per size, a logarithm, and the series allows one: rebuilding each cache on the path from
//!   the children's caches counted 31.0k, 39.8k, 48.6k and 57.6k instructions per update at 1 Ki
//!   to 64 Ki terms (sorting the candidates; 21.5k to 36.1k selecting the best `K` first), fitted
//!   O(log n) within 8 % (3 %). The reference, which moves the term's id up each cache and stops
//!   where it does not place, is O(1) (2 249 to 2 224). An update that recomputes a node's cache
//!   from its whole subtree is O(n) or O(n log n) (1.27M, 5.45M, 25.2M instructions at 1 Ki to
//!   16 Ki terms, fitted O(n log n)) and fails. The term set has 4 letters, not more, so that
//!   the caches fill by the same step between any two sizes: with 2 letters of 4 and 6 of 16 the
//!   steps were one level per 16 times, uneven between sizes 4 times apart (34.6k, 66.1k, 79.8k,
//!   114.6k for the same update), and no class fitted within 10 %.
//! - **`insert`**: the plain trie, the size being the **term's length** in bytes (16 to 1 024):
//!   each operation inserts a new term, one of 4 stems prepared first and 8 bytes more
//!   ([`Stems`]). Expected O(length). An insert that copies the term's prefix at every level
//!   (a key per node built from the path) grows as O(length²).
//! - **`radix-insert`**: the same on the radix trie.
//! - **`top-k`**: the plain trie holding `n` synthetic terms, `top_k(prefix, 10)` for the 4
//!   one-letter prefixes, each completed by `n / 4` terms: the subtree searched, O(n), the price
//!   the cache saves a query (and the reason the cached series is there).

use kata_core::trie::DEFAULT_CACHE;

use super::workloads::{Plan, Queries, Stems, Updates, K};
use super::TrieFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;

/// The numbers of terms of the series over terms: four, four times apart.
pub const TERMS: &[usize] = &[1 << 10, 1 << 12, 1 << 14, 1 << 16];

/// The term lengths (bytes) of the insert series: four, four times apart, up to the longest
/// term accepted.
pub const LENGTHS: &[usize] = &[16, 64, 256, 1_024];

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "cached-top-k",
        title: "CachedTrie, top_k(2-byte prefix, 10)",
        variable: "terms",
        sizes: TERMS,
        ops: 1_024,
        expected: Class::Constant,
    },
    Series {
        name: "cached-add-weight",
        title: "CachedTrie, add_weight(term, 1)",
        variable: "terms",
        sizes: TERMS,
        ops: 1_024,
        // O(1) once every path is full; the caches are still filling at these sizes (see above).
        expected: Class::Log,
    },
    Series {
        name: "insert",
        title: "Trie, insert(new term)",
        variable: "bytes per term",
        sizes: LENGTHS,
        ops: 1_024,
        expected: Class::Linear,
    },
    Series {
        name: "radix-insert",
        title: "RadixTrie, insert(new term)",
        variable: "bytes per term",
        sizes: LENGTHS,
        ops: 1_024,
        expected: Class::Linear,
    },
    Series {
        name: "top-k",
        title: "Trie, top_k(1-byte prefix, 10)",
        variable: "terms",
        sizes: TERMS,
        ops: 64,
        expected: Class::Linear,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &[
    "cached-top-k",
    "cached-add-weight",
    "insert",
    "radix-insert",
    "top-k",
];

/// Series `name` of `F` at `size`, terms from `seed`, as a [`Workload`]; `None` for a name not
/// in [`SERIES`].
///
/// # Panics
///
/// When a synthetic prefix is completed by fewer than [`K`] terms (the term set is wrong, not
/// the implementation), or the implementation refuses a valid term.
pub fn workload<F: TrieFamily>(name: &str, size: usize, seed: u64) -> Option<Box<dyn Workload>> {
    Some(match name {
        "cached-top-k" => {
            let plan = Plan::synthetic(size, seed);
            completed(&plan, size);
            let mut w = Queries::<F::Cached>::new(&plan);
            Box::new(move |_| w.step())
        }
        "cached-add-weight" => {
            let mut w = Updates::<F::Cached>::new(&Plan::synthetic(size, seed));
            Box::new(move |_| w.step())
        }
        "insert" => {
            let mut w = Stems::<F::Plain>::new(size, seed);
            Box::new(move |_| w.step())
        }
        "radix-insert" => {
            let mut w = Stems::<F::Radix>::new(size, seed);
            Box::new(move |_| w.step())
        }
        "top-k" => {
            let mut plan = Plan::synthetic(size, seed);
            plan = plan.with_queries(super::workloads::HEAD.iter().map(|&b| vec![b]).collect());
            completed(&plan, size);
            let mut w = Queries::<F::Plain>::new(&plan);
            Box::new(move |_| w.step())
        }
        _ => return None,
    })
}

// A query of `K` is answered from the caches of `CachedTrie::new()`.
const _: () = assert!(DEFAULT_CACHE >= K);

/// Checks that every query of `plan` (of `size` terms) is completed by at least [`K`] terms, so
/// that every operation returns `K` answers at every size.
fn completed(plan: &Plan, size: usize) {
    for q in plan.queries() {
        let n = plan
            .terms()
            .iter()
            .filter(|(t, _)| t.as_bytes().starts_with(q))
            .count();
        assert!(
            n >= K,
            "the complexity stage's own term set: prefix {q:?} is completed by {n} of {size} \
             terms, fewer than {K}"
        );
    }
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TrieFamily, R: TrieFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(5);
    counted::stage(
        ctx,
        COUNTED,
        |n, s| workload::<F>(n, s, seed),
        |n, s| workload::<R>(n, s, seed),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_are_the_counted_ones_in_order() {
        let names: Vec<&str> = COUNTED.iter().map(|s| s.name).collect();
        assert_eq!(names, SERIES);
    }
}
