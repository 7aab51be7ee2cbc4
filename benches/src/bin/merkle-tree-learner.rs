//! The bench binary built with feature `merkle-tree-learner` (see `kata_bench`).

fn main() {
    kata_bench::merkle_tree::main()
}
