//! The runner built with feature `sliding-window-mutants`.

fn main() {
    kata_runner::main()
}
