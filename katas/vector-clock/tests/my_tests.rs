//! Your own tests. Run them with `cargo test -p vector-clock-kata` (the grader never does: it runs
//! its own suite with `cargo kata check vector-clock`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case.

use std::collections::BTreeMap;

use quickcheck::quickcheck;
use vector_clock_kata::{Causality, Store, VClock, VectorClock, VersionedStore};

#[test]
fn a_message_orders_two_events_and_its_absence_does_not() {
    let mut alice = VClock::new();
    alice.tick(1).unwrap();
    let sent = alice.clone(); // Alice sends a message carrying her clock
    let mut bob = VClock::new();
    bob.tick(2).unwrap(); // Bob's event before the message arrives: concurrent with Alice's
    assert_eq!(bob.compare(&sent), Causality::Concurrent);
    bob.merge(&sent);
    bob.tick(2).unwrap(); // the receipt
    assert_eq!(sent.compare(&bob), Causality::Before);
    assert_eq!(bob.entries(), [(1, 1), (2, 2)]);

    let mut store = Store::new();
    store.put(1, &VClock::new(), "a").unwrap();
    store.put(1, &VClock::new(), "b").unwrap();
    assert_eq!(store.get().values.len(), 2, "two blind writes are siblings");
}

quickcheck! {
    /// Merging never loses a counter: every entry of either clock is at most the merge's.
    fn merge_is_an_upper_bound(a: Vec<(u8, u8)>, b: Vec<(u8, u8)>) -> bool {
        let build = |e: &[(u8, u8)]| {
            let map: BTreeMap<u32, u64> = e
                .iter()
                .filter(|x| x.1 > 0)
                .map(|&(n, c)| (u32::from(n), u64::from(c)))
                .collect();
            let entries: Vec<(u32, u64)> = map.into_iter().collect();
            VClock::from_entries(&entries).unwrap()
        };
        let (x, y) = (build(&a), build(&b));
        let mut m = x.clone();
        m.merge(&y);
        x.compare(&m) != Causality::After
            && y.compare(&m) != Causality::After
            && x.compare(&m) != Causality::Concurrent
    }
}
