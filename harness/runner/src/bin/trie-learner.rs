//! The runner built with feature `trie-learner`.

fn main() {
    kata_runner::main()
}
