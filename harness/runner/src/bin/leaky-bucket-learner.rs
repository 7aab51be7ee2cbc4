//! The runner built with feature `leaky-bucket-learner`.

fn main() {
    kata_runner::main()
}
