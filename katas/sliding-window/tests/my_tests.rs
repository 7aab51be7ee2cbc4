//! Your own tests. Run them with `cargo test -p sliding-window-kata` (the grader never does: it
//! runs its own suite with `cargo kata check sliding-window`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing sequence
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use std::time::Duration;

use quickcheck::quickcheck;
use sliding_window_kata::{FixedWindow, SlidingLog, WindowLimiter};

const SECOND: u64 = 1_000_000_000;

#[test]
fn a_fixed_window_admits_twice_its_limit_across_a_boundary() {
    let mut fixed = FixedWindow::new(3, Duration::from_secs(1)).unwrap();
    let mut log = SlidingLog::new(3, Duration::from_secs(1)).unwrap();
    // Three requests just before the boundary at 1 s, three just after it.
    let times = [
        SECOND - 3,
        SECOND - 2,
        SECOND - 1,
        SECOND,
        SECOND + 1,
        SECOND + 2,
    ];
    let fixed_admitted = times.iter().filter(|&&t| fixed.try_acquire(t)).count();
    let log_admitted = times.iter().filter(|&&t| log.try_acquire(t)).count();
    assert_eq!(fixed_admitted, 6); // all six, within 6 ns
    assert_eq!(log_admitted, 3); // the log sees them all in one window
}

quickcheck! {
    /// The sliding log never admits more than `limit` requests in any window `(t − W, t]`,
    /// whatever the request times.
    fn a_sliding_log_never_admits_more_than_its_limit_per_window(
        limit: u8,
        gaps: Vec<u16>
    ) -> bool {
        let limit = u64::from(limit % 8) + 1;
        let window = 1_000;
        let mut log = SlidingLog::new(limit, Duration::from_nanos(window)).unwrap();
        let mut now = 0;
        let mut admitted = Vec::new();
        for gap in gaps {
            now += u64::from(gap % 300);
            if log.try_acquire(now) {
                admitted.push(now);
            }
        }
        // Every window that ends at an admitted request holds at most `limit` of them.
        admitted.iter().all(|&t| {
            let inside = admitted.iter().filter(|&&a| a + window > t && a <= t).count();
            inside as u64 <= limit
        })
    }
}
