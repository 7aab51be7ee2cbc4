//! The runner built with feature `trie-mutants`.

fn main() {
    kata_runner::main()
}
