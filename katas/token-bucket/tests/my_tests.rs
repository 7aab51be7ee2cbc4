//! Your own tests. Run them with `cargo test -p token-bucket-kata` (the grader never does: it
//! runs its own suite with `cargo kata check token-bucket`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing schedule
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use std::time::Duration;

use quickcheck::quickcheck;
use token_bucket_kata::{ManualClock, Rate, RateLimiter, TokenBucket};

#[test]
fn a_full_bucket_grants_its_capacity_then_refills_at_the_rate() {
    let clock = ManualClock::new();
    let mut bucket = TokenBucket::new(3, Rate::per_second(1), clock.clone()).unwrap();
    assert_eq!(bucket.try_acquire(3), Ok(()));
    assert!(bucket.try_acquire(1).is_err());
    clock.advance(Duration::from_secs(1));
    assert_eq!(bucket.try_acquire(1), Ok(()));
}

quickcheck! {
    /// At one instant, a bucket grants at most its capacity, whatever the request sizes.
    fn never_more_than_capacity_at_once(capacity: u8, requests: Vec<u8>) -> bool {
        let capacity = u64::from(capacity % 16) + 1;
        let clock = ManualClock::new();
        let mut bucket = TokenBucket::new(capacity, Rate::per_second(1), clock).unwrap();
        let granted: u64 = requests
            .iter()
            .map(|&n| u64::from(n % 4))
            .filter(|&n| bucket.try_acquire(n).is_ok())
            .sum();
        granted <= capacity
    }
}
