//! Your own tests. Run them with `cargo test -p consistent-hashing-kata` (the grader never does:
//! it runs its own suite with `cargo kata check consistent-hashing`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing sequence
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use consistent_hashing_kata::{ModuloRouter, NodeId, Ring, RingRouter, Router};
use quickcheck::quickcheck;

/// How many of `keys` answer differently before and after `change`.
fn moved<R: Router>(router: &mut R, keys: &[String], change: impl FnOnce(&mut R)) -> usize {
    let before: Vec<Option<NodeId>> = keys.iter().map(|k| router.node_for(k.as_bytes())).collect();
    change(router);
    keys.iter()
        .zip(before)
        .filter(|(k, old)| router.node_for(k.as_bytes()) != *old)
        .count()
}

#[test]
fn a_cache_cluster_that_grows_keeps_most_of_its_keys() {
    let keys: Vec<String> = (0..10_000).map(|i| format!("user:{i}")).collect();
    let mut ring = Ring::new();
    let mut modulo = ModuloRouter::new();
    for node in 0..10 {
        ring.add(node, 1).unwrap();
        modulo.add(node, 1).unwrap();
    }
    // An 11th node should take about 1/11 of the keys (909 of 10 000).
    let ring_moved = moved(&mut ring, &keys, |r| r.add(10, 1).unwrap());
    let modulo_moved = moved(&mut modulo, &keys, |r| r.add(10, 1).unwrap());
    assert!(ring_moved < 2_000, "the ring moved {ring_moved} keys");
    // Modulo moves about 10/11 of them: the reason this kata exists.
    assert!(modulo_moved > 8_000, "modulo moved {modulo_moved} keys");
}

quickcheck! {
    /// Whichever nodes are in the ring, a node that joins takes keys and nothing else moves:
    /// every key stays where it was or goes to the newcomer.
    fn a_join_moves_keys_only_to_the_new_node(nodes: Vec<u8>, newcomer: u8, keys: Vec<u32>) -> bool {
        let mut ring = Ring::with_vnodes(20).unwrap();
        for &node in &nodes {
            // A repeated node is refused with AlreadyMember; that is fine here.
            let _ = ring.add(NodeId::from(node), 1);
        }
        // Above every u8: never a member yet.
        let newcomer = NodeId::from(newcomer) + 256;
        let before: Vec<Option<NodeId>> =
            keys.iter().map(|k| ring.node_for(&k.to_le_bytes())).collect();
        ring.add(newcomer, 1).unwrap();
        keys.iter().zip(before).all(|(k, old)| {
            let now = ring.node_for(&k.to_le_bytes());
            now == old || now == Some(newcomer)
        })
    }
}
