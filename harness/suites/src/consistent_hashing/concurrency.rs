//! SKELETON: the concurrency stage (being written).

use crate::consistent_hashing::ConsistentHashingFamily;
use crate::Ctx;

/// Runs the stage.
pub fn run<F: ConsistentHashingFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
