//! The runner built with feature `vector-clock-mutants`.

fn main() {
    kata_runner::main()
}
