//! The bench binary built with feature `order-book-learner` (see `kata_bench`).

fn main() {
    kata_bench::order_book::main()
}
