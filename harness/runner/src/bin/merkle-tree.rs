//! The runner built with feature `merkle-tree`.

fn main() {
    kata_runner::main()
}
