//! The runner built with feature `token-bucket-learner`.

fn main() {
    kata_runner::main()
}
