//! The runner built with feature `consistent-hashing-mutants`.

fn main() {
    kata_runner::main()
}
