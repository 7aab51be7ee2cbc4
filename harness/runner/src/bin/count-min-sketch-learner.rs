//! The runner built with feature `count-min-sketch-learner`.

fn main() {
    kata_runner::main()
}
