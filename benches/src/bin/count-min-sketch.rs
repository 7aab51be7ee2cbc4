//! The bench binary built with feature `count-min-sketch` (see `kata_bench`).

fn main() {
    kata_bench::count_min_sketch::main()
}
