//! Loom model of the one race the suite's concurrency stage cannot reach: an
//! `AtomicTokenBucket` on the 64-bit state whose clock passes its horizon moves `tat` to the
//! 128-bit state once, while other threads grant from either. Whatever the interleaving, every
//! token that flowed in is either granted or still available. Run by CI:
//! `RUSTFLAGS="--cfg kata_loom" cargo test -p token-bucket-solution --test loom`.
#![cfg(kata_loom)]
use kata_core::clock::{Clock, ManualClock};
use loom::sync::Arc;
use loom::thread;
use std::time::Duration;
use token_bucket_solution::*;

/// Capacity 2, 1 token/ns: narrow until elapsed u64::MAX - 5.
const HORIZON: u64 = u64::MAX - 5;

fn check(threads_advance: &'static [bool], predrain: u64) {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(3);
    b.check(move || {
        let clock = ManualClock::new();
        let bucket = Arc::new(
            AtomicTokenBucket::new(2, Rate::new(1, Duration::from_nanos(1)), clock.clone())
                .unwrap(),
        );
        clock.set(HORIZON);
        if predrain > 0 {
            assert!(bucket.try_acquire(predrain).is_ok());
        }
        let hs: Vec<_> = threads_advance
            .iter()
            .map(|&adv| {
                let b = Arc::clone(&bucket);
                let c = clock.clone();
                thread::spawn(move || {
                    if adv {
                        c.advance_nanos(1);
                    }
                    u64::from(b.try_acquire(1).is_ok())
                })
            })
            .collect();
        let granted: u64 = hs.into_iter().map(|h| h.join().unwrap()).sum();
        let advances = threads_advance.iter().filter(|a| **a).count() as u64;
        assert_eq!(clock.now(), HORIZON + advances);
        // tat only ever exceeds the readings here, so at the last reading the bucket holds
        // exactly what flowed in minus what was granted.
        let left = bucket.available();
        assert_eq!(
            left + granted + predrain,
            2 + advances,
            "granted {granted}, left {left}"
        );
    });
}

#[test]
fn narrow_grant_races_the_move() {
    check(&[false, true], 1);
}

#[test]
fn two_movers_and_a_narrow_one() {
    check(&[false, true, true], 2);
}

#[test]
fn three_racing_one_mover() {
    check(&[false, false, true], 1);
}
