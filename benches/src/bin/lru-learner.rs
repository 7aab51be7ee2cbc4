//! The bench binary built with feature `lru-learner` (see `kata_bench`).

fn main() {
    kata_bench::lru::main()
}
