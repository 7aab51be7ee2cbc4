//! The bench binary built with feature `leaky-bucket` (see `kata_bench`).

fn main() {
    kata_bench::leaky_bucket::main()
}
