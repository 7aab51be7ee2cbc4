//! The bench binary built with feature `leaky-bucket-learner` (see `kata_bench`).

fn main() {
    kata_bench::leaky_bucket::main()
}
