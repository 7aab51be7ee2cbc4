//! The runner built with feature `sliding-window`.

fn main() {
    kata_runner::main()
}
