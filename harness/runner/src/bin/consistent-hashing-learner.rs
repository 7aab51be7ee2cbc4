//! The runner built with feature `consistent-hashing-learner`.

fn main() {
    kata_runner::main()
}
