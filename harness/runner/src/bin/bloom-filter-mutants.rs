//! The runner built with feature `bloom-filter-mutants`.

fn main() {
    kata_runner::main()
}
