//! The runner built with feature `trie`.

fn main() {
    kata_runner::main()
}
