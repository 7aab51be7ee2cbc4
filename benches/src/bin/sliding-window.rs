//! The bench binary built with feature `sliding-window` (see `kata_bench`).

fn main() {
    kata_bench::sliding_window::main()
}
