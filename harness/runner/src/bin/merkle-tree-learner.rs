//! The runner built with feature `merkle-tree-learner`.

fn main() {
    kata_runner::main()
}
