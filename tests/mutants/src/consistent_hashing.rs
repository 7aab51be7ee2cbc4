//! SKELETON: known-wrong `consistent_hashing` implementations (being written).

use kata_core::catalogue::Stage;
use kata_suites::consistent_hashing::ConsistentHashingFamily;
use kata_suites::Ctx;

/// The mutants of this kata.
pub const MUTANTS: &[crate::Mutant] = &[];

/// Grades `stage` on the mutant named `name`.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: ConsistentHashingFamily>(
    name: &str,
    stage: Stage,
    ctx: &mut Ctx,
) -> Result<(), String> {
    let _ = (stage, ctx);
    Err(format!("no mutant named `{name}`"))
}
