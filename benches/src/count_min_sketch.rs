//! SKELETON: `cargo kata bench count-min-sketch` (being written).

/// The bench binary's entry point.
pub fn main() -> ! {
    panic!("the count-min-sketch bench is not written yet")
}
