//! The runner built with feature `vector-clock`.

fn main() {
    kata_runner::main()
}
