//! SKELETON: the complexity stage (being written).

use crate::sliding_window::SlidingWindowFamily;
use crate::Ctx;

/// The series the stage measures.
pub const SERIES: &[&str] = &[];

/// Runs the stage.
pub fn run<F: SlidingWindowFamily, R: SlidingWindowFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
