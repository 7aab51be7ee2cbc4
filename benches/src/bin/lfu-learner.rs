//! The bench binary built with feature `lfu-learner` (see `kata_bench`).

fn main() {
    kata_bench::lfu::main()
}
