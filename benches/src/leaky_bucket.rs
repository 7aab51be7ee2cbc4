//! SKELETON: `cargo kata bench leaky-bucket` (being written).

/// The bench binary's entry point.
pub fn main() -> ! {
    panic!("the leaky-bucket bench is not written yet")
}
