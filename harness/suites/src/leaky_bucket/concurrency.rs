//! SKELETON: the concurrency stage (being written).

use crate::leaky_bucket::LeakyBucketFamily;
use crate::Ctx;

/// Runs the stage.
pub fn run<F: LeakyBucketFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
