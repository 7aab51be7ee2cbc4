//! The runner built with feature `order-book-learner`.

fn main() {
    kata_runner::main()
}
