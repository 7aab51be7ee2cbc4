//! The bench binary built with feature `lfu` (see `kata_bench`).

fn main() {
    kata_bench::lfu::main()
}
