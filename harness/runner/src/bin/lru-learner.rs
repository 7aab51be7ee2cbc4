//! The runner built with feature `lru-learner`.

fn main() {
    kata_runner::main()
}
