//! The bench binary built with feature `snowflake-learner` (see `kata_bench`).

fn main() {
    kata_bench::snowflake::main()
}
