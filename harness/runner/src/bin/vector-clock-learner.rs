//! The runner built with feature `vector-clock-learner`.

fn main() {
    kata_runner::main()
}
