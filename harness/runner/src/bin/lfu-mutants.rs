//! The runner built with feature `lfu-mutants`.

fn main() {
    kata_runner::main()
}
