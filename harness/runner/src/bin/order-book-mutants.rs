//! The runner built with feature `order-book-mutants`.

fn main() {
    kata_runner::main()
}
