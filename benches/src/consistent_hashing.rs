//! SKELETON: `cargo kata bench consistent-hashing` (being written).

/// The bench binary's entry point.
pub fn main() -> ! {
    panic!("the consistent-hashing bench is not written yet")
}
