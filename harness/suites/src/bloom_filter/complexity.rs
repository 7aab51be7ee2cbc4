//! SKELETON: the complexity stage (being written).

use crate::bloom_filter::BloomFilterFamily;
use crate::Ctx;

/// The series the stage measures.
pub const SERIES: &[&str] = &[];

/// Runs the stage.
pub fn run<F: BloomFilterFamily, R: BloomFilterFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
