//! SKELETON: the complexity stage (being written).

use crate::leaky_bucket::LeakyBucketFamily;
use crate::Ctx;

/// The series the stage measures.
pub const SERIES: &[&str] = &[];

/// Runs the stage.
pub fn run<F: LeakyBucketFamily, R: LeakyBucketFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
