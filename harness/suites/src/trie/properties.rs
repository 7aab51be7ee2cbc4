//! SKELETON: the properties stage (being written).

use crate::trie::TrieFamily;
use crate::Ctx;

/// Runs the stage.
pub fn run<F: TrieFamily>(ctx: &mut Ctx) {
    ctx.check("not written yet", || panic!("stage not written yet"));
}
