//! The runner built with feature `count-min-sketch`.

fn main() {
    kata_runner::main()
}
