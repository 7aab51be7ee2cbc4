//! Stage 3 of `consistent-hashing`: the shared ring, looked up from many threads while the
//! membership changes.
//!
//! The promises ([`ConcurrentRouter`]): a lookup racing a change answers as the ring stood
//! before the change or as it stood after it, never with a mixture (a torn state); a node whose
//! removal has returned is never the answer of a lookup that begins after; two changes at once
//! both take effect (no lost update); a change that has returned is seen by every lookup after.
//!
//! The expected answers come from a `SharedRing` built alone, by one thread, with the membership
//! before and after the change: a ring is a function of its membership (the properties stage
//! checks that), so these are the only two answers a lookup may give. Nothing assumes which node
//! a key goes to.
//!
//! Built with `--cfg kata_loom`, three small races are model-checked with loom over every
//! interleaving (up to the preemption bound), on rings of 2 virtual nodes per node and 2 or 3
//! nodes: a lookup and a `nodes_for` racing `add(2)`, a lookup after a flag raised once
//! `remove(2)` has returned, and two threads adding different nodes at once. Built normally, real
//! threads: [`READERS`] readers look up [`LOOKUPS`] keys each while a writer adds and removes
//! nodes, and, once the writer's last change is published, every answer must be that of a ring
//! built alone with the final membership.

use kata_core::consistent_hashing::{ConcurrentRouter, NodeId};

#[cfg(kata_loom)]
use super::subject::key;
use super::subject::show;
use super::ConsistentHashingFamily;
use crate::Ctx;

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: ConsistentHashingFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        &format!(
            "stress: SharedRing, {READERS} threads look up {LOOKUPS} keys each while another \
             adds and removes nodes: every answer a node that was a member, every replica list \
             distinct; once the last change is published, every answer that of a ring built \
             alone with the final members"
        ),
        || stress::<F::Shared>(seed),
    );
}

/// Reader threads of the stress test.
pub const READERS: usize = 4;

/// Lookups each reader makes while the writer changes the membership.
pub const LOOKUPS: u64 = 100_000;

/// Nodes that are members throughout the stress test: `0..CORE`.
pub const CORE: NodeId = 8;

/// Every node the stress test's writer ever adds: `0..UNIVERSE`.
pub const UNIVERSE: NodeId = 16;

/// The nodes the writer leaves in place at the end, beside the core.
pub const FINAL: [NodeId; 3] = [8, 10, 13];

/// Lookups each reader makes, checked against the final ring, once the writer is done.
pub const AFTER: u64 = 2_000;

/// The writer's least number of cycles (add `CORE..UNIVERSE`, then remove them).
pub const CYCLES: usize = 10;

/// The reader's `i`-th key: 8 bytes from the seed, the reader and `i`.
#[cfg(not(kata_loom))]
fn reader_key(seed: u64, r: usize, i: u64) -> [u8; 8] {
    crate::measure::SplitMix64::new(seed ^ ((r as u64) << 40) ^ i)
        .next_u64()
        .to_le_bytes()
}

/// Real threads (see the module documentation). The writer cycles nodes `CORE..UNIVERSE` in and
/// out until every reader has made its [`LOOKUPS`], then leaves [`FINAL`] in and raises a flag
/// (Release); each reader then waits for the flag (Acquire) and makes [`AFTER`] more lookups,
/// each of which must equal the answer of a ring built alone with the final membership.
#[cfg(not(kata_loom))]
fn stress<C: ConcurrentRouter + 'static>(seed: u64) -> crate::check::Outcome {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    use crate::check::{guarded, join_worker};

    let vnodes = kata_core::consistent_hashing::DEFAULT_VNODES;
    let make = || {
        C::with_vnodes(vnodes).map_err(|e| format!("SharedRing::with_vnodes({vnodes}) failed: {e}"))
    };
    let ring = Arc::new(make()?);
    let expected = Arc::new(make()?);
    for n in 0..CORE {
        ring.add(n, 1)
            .map_err(|e| format!("SharedRing: add({n}, 1) failed: {e}"))?;
        expected
            .add(n, 1)
            .map_err(|e| format!("SharedRing: add({n}, 1) failed: {e}"))?;
    }
    for n in FINAL {
        expected
            .add(n, 1)
            .map_err(|e| format!("SharedRing: add({n}, 1) failed: {e}"))?;
    }
    let finished = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(READERS + 1));

    let writer = {
        let (ring, finished, done, start) = (
            Arc::clone(&ring),
            Arc::clone(&finished),
            Arc::clone(&done),
            Arc::clone(&start),
        );
        std::thread::spawn(move || -> Result<usize, String> {
            start.wait();
            let outcome = guarded(|| -> Result<usize, String> {
                let mut cycles = 0;
                while cycles < CYCLES || finished.load(Ordering::Acquire) < READERS {
                    for n in CORE..UNIVERSE {
                        ring.add(n, 1)
                            .map_err(|e| format!("writer: add({n}, 1) failed: {e}"))?;
                    }
                    for n in CORE..UNIVERSE {
                        ring.remove(n)
                            .map_err(|e| format!("writer: remove({n}) failed: {e}"))?;
                    }
                    cycles += 1;
                }
                for n in FINAL {
                    ring.add(n, 1)
                        .map_err(|e| format!("writer: add({n}, 1) failed: {e}"))?;
                }
                Ok(cycles)
            });
            // Raised even when the writer failed, so that no reader waits for ever.
            done.store(true, Ordering::Release);
            outcome?
        })
    };
    let readers: Vec<_> = (0..READERS)
        .map(|r| {
            let (ring, expected, finished, done, start) = (
                Arc::clone(&ring),
                Arc::clone(&expected),
                Arc::clone(&finished),
                Arc::clone(&done),
                Arc::clone(&start),
            );
            std::thread::spawn(move || -> Result<(), String> {
                start.wait();
                let outcome = guarded(|| read(&*ring, seed, r));
                finished.fetch_add(1, Ordering::Release);
                outcome??;
                while !done.load(Ordering::Acquire) {
                    std::thread::yield_now();
                }
                guarded(|| after(&*ring, &*expected, seed, r))?
            })
        })
        .collect();
    let mut failure = None;
    for h in readers {
        if let Err(e) = join_worker(h) {
            failure.get_or_insert(e);
        }
    }
    let cycles = join_worker(writer);
    if let Some(e) = failure {
        return Err(e);
    }
    let cycles = cycles?;
    let want: Vec<NodeId> = expected.members();
    let got = ring.members();
    if got != want {
        return Err(format!(
            "after every thread was joined, members() is {got:?}, expected {want:?} (the \
             writer's {cycles} cycles of adding and removing nodes {CORE}..{UNIVERSE}, then \
             add of {FINAL:?})"
        ));
    }
    Ok(())
}

/// A reader's [`LOOKUPS`] lookups while the writer changes the membership: every answer a node
/// that was a member at some point, every replica list distinct, every `members()` a membership
/// the ring could have had.
#[cfg(not(kata_loom))]
fn read<C: ConcurrentRouter>(ring: &C, seed: u64, r: usize) -> Result<(), String> {
    let ever = |n: NodeId| n < UNIVERSE;
    for i in 0..LOOKUPS {
        let k = reader_key(seed, r, i);
        let got = ring.node_for(&k);
        if !got.is_some_and(ever) {
            return Err(format!(
                "reader thread {r}: node_for({}) returned {got:?} while the members were always \
                 nodes 0..{CORE} and some of {CORE}..{UNIVERSE}: a lookup racing a change must \
                 answer with a member of the ring before or after it",
                show(&k)
            ));
        }
        if i % 16 == 0 {
            let list = ring.nodes_for(&k, 3);
            let distinct = list.iter().enumerate().all(|(j, x)| !list[..j].contains(x));
            if list.len() != 3 || !distinct || !list.iter().all(|&x| ever(x)) {
                return Err(format!(
                    "reader thread {r}: nodes_for({}, 3) returned {list:?} while the ring always \
                     had at least {CORE} members: 3 distinct members of one membership, expected \
                     (a nodes_for racing a change must read one ring, not walk a ring being \
                     rebuilt)",
                    show(&k)
                ));
            }
        }
        if i % 1024 == 0 {
            let m = ring.members();
            let sorted = m.windows(2).all(|w| w[0] < w[1]);
            if !sorted || !(0..CORE).all(|c| m.contains(&c)) || !m.iter().all(|&x| ever(x)) {
                return Err(format!(
                    "reader thread {r}: members() returned {m:?} while the members were always \
                     nodes 0..{CORE} and some of {CORE}..{UNIVERSE}: one membership, ascending, \
                     as it stood at some moment"
                ));
            }
        }
    }
    Ok(())
}

/// A reader's [`AFTER`] lookups once the writer's last change is published: each must equal
/// `expected`'s, a ring built alone with the final membership.
#[cfg(not(kata_loom))]
fn after<C: ConcurrentRouter>(ring: &C, expected: &C, seed: u64, r: usize) -> Result<(), String> {
    for i in 0..AFTER {
        let k = reader_key(seed, r, LOOKUPS + i);
        let (got, want) = (ring.node_for(&k), expected.node_for(&k));
        let (list, wanted) = (ring.nodes_for(&k, 3), expected.nodes_for(&k, 3));
        if got != want || list != wanted {
            return Err(format!(
                "reader thread {r}, after the writer's last change returned and it saw the \
                 writer's flag (Release, then Acquire): node_for({k}) is {got:?} and \
                 nodes_for({k}, 3) {list:?}, but a SharedRing built alone with the final \
                 members ({:?}) gives {want:?} and {wanted:?}: a change that has returned must be \
                 seen by every lookup after it (publish the new ring in the shared state before \
                 add or remove returns; no per-thread copy)",
                expected.members(),
                k = show(&k)
            ));
        }
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: ConsistentHashingFamily>(ctx: &mut Ctx) {
    racing_add::<F::Shared>(ctx);
    removed::<F::Shared>(ctx);
    two_writers::<F::Shared>(ctx);
}

/// The virtual nodes per node of every loom model: few points, so that a ring's copy is cheap.
#[cfg(kata_loom)]
pub const LOOM_VNODES: u32 = 2;

/// A ring of [`LOOM_VNODES`] holding `nodes`, built by this thread.
#[cfg(kata_loom)]
fn ring<C: ConcurrentRouter>(nodes: &[NodeId]) -> Result<C, String> {
    let r = C::with_vnodes(LOOM_VNODES)
        .map_err(|e| format!("SharedRing::with_vnodes({LOOM_VNODES}) failed: {e}"))?;
    for &n in nodes {
        r.add(n, 1).map_err(|e| {
            format!("SharedRing::with_vnodes({LOOM_VNODES}): add({n}, 1) failed: {e}")
        })?;
    }
    Ok(r)
}

/// The first of the keys `key-0` .. `key-63` whose node differs between `a` and `b` (and for
/// which `pick` holds), or `key-0`.
#[cfg(kata_loom)]
fn moving<C: ConcurrentRouter>(a: &C, b: &C, pick: impl Fn(Option<NodeId>) -> bool) -> Vec<u8> {
    (0..64)
        .map(key)
        .find(|k| a.node_for(k) != b.node_for(k) && pick(a.node_for(k)))
        .unwrap_or_else(|| key(0))
}

/// A lookup and a `nodes_for` racing `add(2)` on a ring of nodes 0 and 1.
#[cfg(kata_loom)]
fn racing_add<C: ConcurrentRouter + 'static>(ctx: &mut Ctx) {
    ctx.check(
        "loom: node_for and nodes_for racing add(2) on a ring of nodes 0 and 1 answer as the \
         ring stood before or after, never a mixture",
        || {
            crate::check::loom_model(|| {
                let (old, new) = (ring::<C>(&[0, 1])?, ring::<C>(&[0, 1, 2])?);
                let k = moving(&old, &new, |_| true);
                let before = (old.node_for(&k), old.nodes_for(&k, 3));
                let after = (new.node_for(&k), new.nodes_for(&k, 3));
                let shared = loom::sync::Arc::new(ring::<C>(&[0, 1])?);
                let other = loom::sync::Arc::clone(&shared);
                let t = loom::thread::spawn(move || other.add(2, 1));
                let one = shared.node_for(&k);
                let list = shared.nodes_for(&k, 3);
                let added = t.join().expect("the adding thread");
                added.map_err(|e| format!("SharedRing: add(2, 1) failed: {e}"))?;
                let kk = show(&k);
                if one != before.0 && one != after.0 {
                    return Err(format!(
                        "invariant broken: while another thread ran add(2, 1) on a \
                         SharedRing::with_vnodes({LOOM_VNODES}) of nodes 0 and 1, node_for({kk}) \
                         returned {one:?}; the ring before the add answers {:?}, the ring after \
                         it {:?}: a lookup must see one ring or the other, never one being \
                         changed (build the new ring aside and publish it in one step)",
                        before.0, after.0
                    ));
                }
                if list != before.1 && list != after.1 {
                    return Err(format!(
                        "invariant broken: while another thread ran add(2, 1) on a \
                         SharedRing::with_vnodes({LOOM_VNODES}) of nodes 0 and 1, nodes_for({kk}, \
                         3) returned {list:?}; the ring before the add answers {:?}, the ring \
                         after it {:?}: all the replicas must come from one ring, as it stood \
                         before or after the change (build the new ring aside and publish it in \
                         one step; take it once per lookup, never again at each step of the \
                         walk)",
                        before.1, after.1
                    ));
                }
                let now = (shared.node_for(&k), shared.nodes_for(&k, 3));
                if now != after || shared.members() != [0, 1, 2] {
                    return Err(format!(
                        "invariant broken: after the adding thread was joined, node_for({kk}) is \
                         {:?}, nodes_for({kk}, 3) {:?} and members() {:?}; a ring built alone \
                         with nodes 0, 1, 2 gives {:?}, {:?} and [0, 1, 2]",
                        now.0,
                        now.1,
                        shared.members(),
                        after.0,
                        after.1
                    ));
                }
                Ok(())
            })
        },
    );
}

/// `remove(2)` returns, then a flag is raised (Release); a thread that sees the flag (Acquire)
/// must not be answered 2.
#[cfg(kata_loom)]
fn removed<C: ConcurrentRouter + 'static>(ctx: &mut Ctx) {
    use kata_core::sync::atomic::{AtomicBool, Ordering};
    ctx.check(
        "loom: once remove(2) has returned (then a flag, Release), a lookup that sees the flag \
         (Acquire) never answers 2",
        || {
            crate::check::loom_model(|| {
                let (with, without) = (ring::<C>(&[0, 1, 2])?, ring::<C>(&[0, 1])?);
                let k = moving(&with, &without, |n| n == Some(2));
                let shared = loom::sync::Arc::new(ring::<C>(&[0, 1, 2])?);
                let flag = loom::sync::Arc::new(AtomicBool::new(false));
                let (s, f) = (
                    loom::sync::Arc::clone(&shared),
                    loom::sync::Arc::clone(&flag),
                );
                let t = loom::thread::spawn(move || {
                    let outcome = s.remove(2);
                    f.store(true, Ordering::Release);
                    outcome
                });
                let seen = flag.load(Ordering::Acquire);
                let (one, list) = (shared.node_for(&k), shared.nodes_for(&k, 3));
                let outcome = t.join().expect("the removing thread");
                outcome.map_err(|e| format!("SharedRing: remove(2) failed: {e}"))?;
                let kk = show(&k);
                if seen && (one == Some(2) || list.contains(&2)) {
                    return Err(format!(
                        "invariant broken: a thread ran remove(2) on a \
                         SharedRing::with_vnodes({LOOM_VNODES}) of nodes 0, 1, 2, then raised a \
                         flag (Release); another saw the flag (Acquire), then node_for({kk}) \
                         returned {one:?} and nodes_for({kk}, 3) {list:?}: a node whose removal \
                         has returned must never be the answer of a lookup after it (publish \
                         the new ring before remove returns)"
                    ));
                }
                let now = (shared.node_for(&k), shared.nodes_for(&k, 3));
                if now.0 == Some(2) || now.1.contains(&2) || shared.members() != [0, 1] {
                    return Err(format!(
                        "invariant broken: after the removing thread was joined, node_for({kk}) \
                         is {:?}, nodes_for({kk}, 3) {:?} and members() {:?}",
                        now.0,
                        now.1,
                        shared.members()
                    ));
                }
                Ok(())
            })
        },
    );
}

/// Two threads add different nodes at once: both are members after, and the ring is the one
/// built alone with all three nodes.
#[cfg(kata_loom)]
fn two_writers<C: ConcurrentRouter + 'static>(ctx: &mut Ctx) {
    ctx.check(
        "loom: two threads add nodes 1 and 2 at once to a ring of node 0: both are members \
         after (no lost update)",
        || {
            crate::check::loom_model(|| {
                let alone = ring::<C>(&[0, 1, 2])?;
                let shared = loom::sync::Arc::new(ring::<C>(&[0])?);
                let other = loom::sync::Arc::clone(&shared);
                let t = loom::thread::spawn(move || other.add(1, 1));
                let mine = shared.add(2, 1);
                let theirs = t.join().expect("the adding thread");
                mine.map_err(|e| format!("SharedRing: add(2, 1) failed: {e}"))?;
                theirs.map_err(|e| format!("SharedRing: add(1, 1) failed: {e}"))?;
                let members = shared.members();
                if members != [0, 1, 2] {
                    return Err(format!(
                        "invariant broken: two threads ran add(1, 1) and add(2, 1) at once on a \
                         SharedRing::with_vnodes({LOOM_VNODES}) holding node 0, both returned \
                         Ok, and members() is now {members:?}: an update was lost. Each writer \
                         copied the ring, changed its copy and published it, the second \
                         overwriting the first: serialise the writers (a Mutex held from the \
                         copy to the publication)"
                    ));
                }
                for k in (0..4).map(key) {
                    let (got, want) = (shared.nodes_for(&k, 3), alone.nodes_for(&k, 3));
                    if got != want {
                        return Err(format!(
                            "invariant broken: after two threads added nodes 1 and 2 at once, \
                             nodes_for({}, 3) is {got:?}, where a ring built alone with nodes \
                             0, 1, 2 gives {want:?}: the points of one of the adds were lost",
                            show(&k)
                        ));
                    }
                }
                Ok(())
            })
        },
    );
}

#[cfg(all(test, not(kata_loom)))]
mod tests {
    use super::super::tiny::{failures, Bug, Family};
    use super::*;

    #[test]
    fn a_plain_correct_family_passes_the_stress() {
        assert_eq!(failures(run::<Family<{ Bug::NONE }>>), vec![]);
    }
}

#[cfg(all(test, kata_loom))]
mod loom_tests {
    use super::super::tiny::{failures, Bug, Family};
    use super::*;

    #[test]
    fn a_plain_correct_family_passes_loom() {
        assert_eq!(failures(run::<Family<{ Bug::NONE }>>), vec![]);
    }

    #[test]
    fn a_lost_update_and_a_torn_ring_are_found() {
        let failed = failures(run::<Family<{ Bug::SHARED_LOST_UPDATE }>>);
        assert!(
            failed
                .iter()
                .any(|(n, m)| n.contains("two threads add") && m.contains("lost")),
            "{failed:?}"
        );
        let failed = failures(run::<Family<{ Bug::SHARED_TORN }>>);
        assert!(
            failed.iter().any(|(n, m)| n.contains("racing add(2)")
                && (m.contains("never one being") || m.contains("from one ring"))),
            "{failed:?}"
        );
    }
}
