//! The runner built with feature `lru-mutants`.

fn main() {
    kata_runner::main()
}
