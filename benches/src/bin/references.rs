//! The bench binary built with feature `references`: every kata's reference and peers in one
//! binary, for `cargo kata bench <kata> --solution`, which names the kata in `KATA_BENCH_KATA`
//! (inherited by the callgrind child the binary runs itself as).

fn main() {
    let kata = std::env::var("KATA_BENCH_KATA").unwrap_or_default();
    match kata.as_str() {
        "lru" => kata_bench::lru::main(),
        "lfu" => kata_bench::lfu::main(),
        "token-bucket" => kata_bench::token_bucket::main(),
        "leaky-bucket" => kata_bench::leaky_bucket::main(),
        "sliding-window" => kata_bench::sliding_window::main(),
        "bloom-filter" => kata_bench::bloom_filter::main(),
        "count-min-sketch" => kata_bench::count_min_sketch::main(),
        "consistent-hashing" => kata_bench::consistent_hashing::main(),
        "trie" => kata_bench::trie::main(),
        "snowflake" => kata_bench::snowflake::main(),
        "vector-clock" => kata_bench::vector_clock::main(),
        "merkle-tree" => kata_bench::merkle_tree::main(),
        "order-book" => kata_bench::order_book::main(),
        other => kata_bench::fail(&format!(
            "no kata `{other}` in the references' bench binary (set KATA_BENCH_KATA to a kata's \
             name; `cargo kata bench <kata> --solution` does)"
        )),
    }
}
