//! Your own tests. Run them with `cargo test -p leaky-bucket-kata` (the grader never does: it
//! runs its own suite with `cargo kata check leaky-bucket`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing sequence
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use std::time::Duration;

use leaky_bucket_kata::{LeakyBucket, ManualClock, Rate, Shaper};
use quickcheck::quickcheck;

#[test]
fn a_burst_leaves_one_interval_apart_and_the_overflow_is_refused() {
    let clock = ManualClock::new();
    let mut bucket = LeakyBucket::new(2, Rate::per_second(10), clock.clone()).unwrap();
    assert_eq!(bucket.offer(1), Ok(0));
    assert_eq!(bucket.offer(2), Ok(100_000_000));
    assert_eq!(bucket.offer(3), Ok(200_000_000));
    assert_eq!(bucket.offer(4).map_err(|full| full.item), Err(4));
    assert_eq!(bucket.poll(), Some(1));
    assert_eq!(bucket.poll(), None);
    clock.advance(Duration::from_millis(100));
    assert_eq!(bucket.poll(), Some(2));
}

quickcheck! {
    /// Offered at one instant, a bucket accepts its capacity plus the one item that leaves at
    /// once, and schedules them exactly one interval apart.
    fn a_burst_is_spread_at_the_rate(capacity: u8, burst: u8) -> bool {
        let capacity = usize::from(capacity % 16) + 1;
        let clock = ManualClock::new();
        let mut bucket = LeakyBucket::new(capacity, Rate::per_second(1_000), clock).unwrap();
        let accepted: Vec<u64> = (0..burst).filter_map(|item| bucket.offer(item).ok()).collect();
        let expected = usize::from(burst).min(capacity + 1);
        accepted.len() == expected
            && accepted.iter().enumerate().all(|(i, &at)| at == i as u64 * 1_000_000)
    }
}
