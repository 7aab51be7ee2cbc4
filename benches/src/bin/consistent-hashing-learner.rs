//! The bench binary built with feature `consistent-hashing-learner` (see `kata_bench`).

fn main() {
    kata_bench::consistent_hashing::main()
}
