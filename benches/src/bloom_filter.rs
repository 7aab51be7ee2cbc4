//! SKELETON: `cargo kata bench bloom-filter` (being written).

/// The bench binary's entry point.
pub fn main() -> ! {
    panic!("the bloom-filter bench is not written yet")
}
