//! The bench binary built with feature `bloom-filter-learner` (see `kata_bench`).

fn main() {
    kata_bench::bloom_filter::main()
}
