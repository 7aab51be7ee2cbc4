//! SKELETON: the complexity stage (being written).

use crate::consistent_hashing::ConsistentHashingFamily;
use crate::Ctx;

/// The series the stage measures.
pub const SERIES: &[&str] = &[];

/// Runs the stage.
pub fn run<F: ConsistentHashingFamily, R: ConsistentHashingFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
