//! The runner built with feature `consistent-hashing`.

fn main() {
    kata_runner::main()
}
