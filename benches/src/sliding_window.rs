//! SKELETON: `cargo kata bench sliding-window` (being written).

/// The bench binary's entry point.
pub fn main() -> ! {
    panic!("the sliding-window bench is not written yet")
}
