//! The runner built with feature `token-bucket-mutants`.

fn main() {
    kata_runner::main()
}
