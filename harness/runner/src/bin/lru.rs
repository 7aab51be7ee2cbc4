//! The runner built with feature `lru`.

fn main() {
    kata_runner::main()
}
