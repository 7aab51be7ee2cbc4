//! Known-wrong implementations ("mutants") of each kata, kept to prove that the grader grades.
//!
//! Each mutant is wrong in one way a learner might plausibly be: a cache whose `get` forgets to
//! refresh recency, an O(n) cache that is otherwise perfect, a bucket that never caps its tokens, a
//! lock-free bucket that checks and then acts in two steps. The repository's tests
//! (`tests/mutants_rejected.rs`) run every stage named in [`lru::MUTANTS`] and
//! [`token_bucket::MUTANTS`] against its mutants through `cargo kata` and assert that the stage
//! fails, and, for a mutant meant to slip past the earlier stages, that those pass.
//!
//! A mutant is a family of types like any implementation, mixing one wrong type with the
//! reference's others, so each mutant isolates one mistake.

pub mod alternatives;
pub mod lru;
pub mod token_bucket;

/// One known-wrong implementation and what must catch it.
#[derive(Debug, Clone, Copy)]
pub struct Mutant {
    /// Its name, as in `--mutant NAME`.
    pub name: &'static str,
    /// The mistake it makes.
    pub mistake: &'static str,
    /// Stages that must reject it.
    pub rejected_by: &'static [&'static str],
    /// Stages it must pass (it is wrong only in a way the later stages see).
    pub passes: &'static [&'static str],
}
