//! The runner built with feature `count-min-sketch-mutants`.

fn main() {
    kata_runner::main()
}
