//! SKELETON: the properties stage (being written).

use crate::sliding_window::SlidingWindowFamily;
use crate::Ctx;

/// Runs the stage.
pub fn run<F: SlidingWindowFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
