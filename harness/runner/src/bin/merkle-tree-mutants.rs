//! The runner built with feature `merkle-tree-mutants`.

fn main() {
    kata_runner::main()
}
