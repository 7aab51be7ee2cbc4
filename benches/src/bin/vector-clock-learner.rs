//! The bench binary built with feature `vector-clock-learner` (see `kata_bench`).

fn main() {
    kata_bench::vector_clock::main()
}
