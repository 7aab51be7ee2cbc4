//! The bench binary built with feature `trie-learner` (see `kata_bench`).

fn main() {
    kata_bench::trie::main()
}
