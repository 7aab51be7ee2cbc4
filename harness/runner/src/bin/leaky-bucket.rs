//! The runner built with feature `leaky-bucket`.

fn main() {
    kata_runner::main()
}
