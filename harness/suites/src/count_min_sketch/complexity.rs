//! SKELETON: the complexity stage (being written).

use crate::count_min_sketch::CountMinSketchFamily;
use crate::Ctx;

/// The series the stage measures.
pub const SERIES: &[&str] = &[];

/// Runs the stage.
pub fn run<F: CountMinSketchFamily, R: CountMinSketchFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
