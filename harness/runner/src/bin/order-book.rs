//! The runner built with feature `order-book`.

fn main() {
    kata_runner::main()
}
