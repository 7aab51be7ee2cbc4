//! The runner built with feature `sliding-window-learner`.

fn main() {
    kata_runner::main()
}
