//! The runner built with feature `bloom-filter-learner`.

fn main() {
    kata_runner::main()
}
