//! Peers of the `sliding-window` kata: the `governor` crate's direct limiter behind
//! [`kata_core::sliding_window::WindowLimiter`] and its keyed limiter (on `dashmap`) behind
//! [`kata_core::sliding_window::KeyedLimiter`].
//!
//! governor is GCRA, the token bucket kept as one theoretical arrival time per key, not a
//! window; with a burst of `limit` and one cell every `window / limit` it is the closest quota
//! to "`limit` per `window`", and the rate limiter a Rust service most often reaches for, so the
//! bench times it against the kata's sliding counter on the same requests. Its verdict fails the
//! examples, and says why.

use std::hash::Hash;

use kata_core::clock::Clock;
use kata_core::sliding_window::WindowLimiter;
use kata_suites::sliding_window::SlidingWindowFamily;

use crate::Peer;

pub mod governor;

pub use self::governor::{GovernorKeyed, GovernorWindow, HandedClock, KataClock};

kata_suites::sliding_window_family!(
    /// The reference `sliding-window`: the yardstick the suite grades a peer against.
    Reference => sliding_window_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_sliding_window;
    Some(match name {
        "governor" => grade_sliding_window::<GovernorFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `sliding-window` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[Peer {
    name: "governor",
    krate: "governor",
    version: "0.10",
    design: "GCRA: one theoretical arrival time per key (an atomic u64, in a DashMap for the \
             keyed limiter), a burst of `limit` cells and one more every window / limit",
    difference: Some(
        "governor is GCRA, not a window: it spaces requests evenly, one every window / limit \
         after a burst of limit, so a request one interval after a full burst is admitted where \
         every window (fixed, log or counter) refuses it until the window has moved on; and \
         nothing it counts ever expires at a window's edge.",
    ),
}];

/// The `governor` family: [`GovernorWindow`] as all three window limiters, and governor's keyed
/// limiter on dashmap ([`GovernorKeyed`]).
pub struct GovernorFamily;

impl SlidingWindowFamily for GovernorFamily {
    type Fixed = GovernorWindow;
    type Log = GovernorWindow;
    type Counter = GovernorWindow;
    type Keyed<
        K: Hash + Eq + Clone + Send + Sync,
        W: WindowLimiter + Send + Sync,
        C: Clock + Send + Sync,
    > = GovernorKeyed<K, W, C>;
}
