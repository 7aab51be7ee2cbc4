//! The runner built with feature `leaky-bucket-mutants`.

fn main() {
    kata_runner::main()
}
