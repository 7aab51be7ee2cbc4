//! The runner built with feature `lfu-learner`.

fn main() {
    kata_runner::main()
}
