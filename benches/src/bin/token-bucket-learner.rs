//! The bench binary built with feature `token-bucket-learner` (see `kata_bench`).

fn main() {
    kata_bench::token_bucket::main()
}
