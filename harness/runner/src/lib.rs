//! The runner: links the implementations its features select to the graded suites.
//!
//! This is glue only. Each `*_family!` line names a crate's types; because the learner's crate
//! and the reference go through the same macro, the compiler proves they have the same API.
//!
//! There is one binary per feature (`src/bin/<feature>.rs`, each one line), so that runners built
//! for different katas never overwrite each other's executable, even when two `cargo kata` runs
//! build at once.

#![allow(unused_imports)]

use kata_core::catalogue::Stage;
use kata_suites::Ctx;

#[cfg(feature = "lru")]
kata_suites::lru_family!(
    /// The reference `lru`.
    LruReference => lru_solution
);
#[cfg(feature = "lru-learner")]
kata_suites::lru_family!(
    /// The learner's `lru`.
    LruLearner => lru_kata
);
#[cfg(feature = "token-bucket")]
kata_suites::token_bucket_family!(
    /// The reference `token-bucket`.
    TokenBucketReference => token_bucket_solution
);
#[cfg(feature = "token-bucket-learner")]
kata_suites::token_bucket_family!(
    /// The learner's `token-bucket`.
    TokenBucketLearner => token_bucket_kata
);

fn dispatch(kata: &str, imp: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    use kata_suites::{lru, token_bucket};
    let _ = (stage, &ctx);
    match (kata, imp) {
        #[cfg(feature = "lru-learner")]
        ("lru", "learner") => {
            lru::run::<LruLearner, LruReference>(stage, ctx);
            Ok(())
        }
        #[cfg(feature = "lru")]
        ("lru", "solution") => {
            lru::run::<LruReference, LruReference>(stage, ctx);
            Ok(())
        }
        #[cfg(feature = "token-bucket-learner")]
        ("token-bucket", "learner") => {
            token_bucket::run::<TokenBucketLearner, TokenBucketReference>(stage, ctx);
            Ok(())
        }
        #[cfg(feature = "token-bucket")]
        ("token-bucket", "solution") => {
            token_bucket::run::<TokenBucketReference, TokenBucketReference>(stage, ctx);
            Ok(())
        }
        #[cfg(feature = "mutants")]
        ("lru", imp) if imp.starts_with("mutant:") => {
            kata_mutants::lru::run::<LruReference>(&imp["mutant:".len()..], stage, ctx)
        }
        #[cfg(feature = "mutants")]
        ("token-bucket", imp) if imp.starts_with("mutant:") => {
            kata_mutants::token_bucket::run::<TokenBucketReference>(
                &imp["mutant:".len()..],
                stage,
                ctx,
            )
        }
        _ => Err(format!(
            "this runner was not built with `{imp}` of kata `{kata}` (features: enable it)"
        )),
    }
}

/// The runner's entry point, for the binaries.
pub fn main() -> ! {
    kata_suites::runner::main(dispatch)
}
