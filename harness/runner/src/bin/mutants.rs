//! The runner built with feature `mutants`.

fn main() {
    kata_runner::main()
}
