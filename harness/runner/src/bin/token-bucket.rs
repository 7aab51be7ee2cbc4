//! The runner built with feature `token-bucket`.

fn main() {
    kata_runner::main()
}
