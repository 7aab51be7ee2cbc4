//! The runner built with feature `lfu`.

fn main() {
    kata_runner::main()
}
