//! The runner built with feature `snowflake`.

fn main() {
    kata_runner::main()
}
