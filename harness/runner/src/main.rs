//! The runner binary: links the implementations its features select to the graded suites.
//!
//! This is glue only. Each `*_family!` line names a crate's types; because the learner's crate
//! and the reference go through the same macro, the compiler proves they have the same API.

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
        ("lru", "learner") => lru::run::<LruLearner, LruReference>(stage, ctx),
        #[cfg(feature = "lru")]
        ("lru", "solution") => lru::run::<LruReference, LruReference>(stage, ctx),
        #[cfg(feature = "token-bucket-learner")]
        ("token-bucket", "learner") => {
            token_bucket::run::<TokenBucketLearner, TokenBucketReference>(stage, ctx)
        }
        #[cfg(feature = "token-bucket")]
        ("token-bucket", "solution") => {
            token_bucket::run::<TokenBucketReference, TokenBucketReference>(stage, ctx)
        }
        #[cfg(feature = "mutants")]
        (kata, imp) if imp.starts_with("mutant:") => {
            let name = &imp["mutant:".len()..];
            match kata {
                "lru" => kata_mutants::lru::run::<LruReference>(name, stage, ctx)?,
                "token-bucket" => {
                    kata_mutants::token_bucket::run::<TokenBucketReference>(name, stage, ctx)?
                }
                _ => return Err(format!("no mutants for kata `{kata}`")),
            }
        }
        _ => {
            return Err(format!(
                "this runner was not built with `{imp}` of kata `{kata}` (features: enable it)"
            ))
        }
    }
    Ok(())
}

fn main() {
    kata_suites::runner::main(dispatch)
}
