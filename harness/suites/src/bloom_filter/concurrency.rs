//! SKELETON: the concurrency stage (being written).

use crate::bloom_filter::BloomFilterFamily;
use crate::Ctx;

/// Runs the stage.
pub fn run<F: BloomFilterFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
