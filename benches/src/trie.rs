//! SKELETON: `cargo kata bench trie` (being written).

/// The bench binary's entry point.
pub fn main() -> ! {
    panic!("the trie bench is not written yet")
}
