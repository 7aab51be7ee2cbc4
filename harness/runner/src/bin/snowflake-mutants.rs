//! The runner built with feature `snowflake-mutants`.

fn main() {
    kata_runner::main()
}
