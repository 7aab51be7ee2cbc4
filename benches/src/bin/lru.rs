//! The bench binary built with feature `lru` (see `kata_bench`).

fn main() {
    kata_bench::lru::main()
}
