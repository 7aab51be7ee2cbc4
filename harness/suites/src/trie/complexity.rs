//! SKELETON: the complexity stage (being written).

use crate::trie::TrieFamily;
use crate::Ctx;

/// The series the stage measures.
pub const SERIES: &[&str] = &[];

/// Runs the stage.
pub fn run<F: TrieFamily, R: TrieFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
