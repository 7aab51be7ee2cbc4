//! The runner built with feature `bloom-filter`.

fn main() {
    kata_runner::main()
}
