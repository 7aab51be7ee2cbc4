//! The runner built with feature `snowflake-learner`.

fn main() {
    kata_runner::main()
}
