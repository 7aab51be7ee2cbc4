//! Peers of the `leaky-bucket` kata: the `token-bucket` kata's reference driven as a meter,
//! behind [`kata_core::leaky_bucket::Shaper`] and [`kata_core::leaky_bucket::ConcurrentShaper`].
//!
//! No crate implements the queue form faithfully (a bounded FIFO whose items leave at a constant
//! rate, each with its departure instant), so the peer is the meter form of the same algorithm:
//! the token-bucket reference with one token more than the shaper's capacity accepts and refuses
//! exactly the offers the shaper does, and lets every accepted item through at once, where the
//! shaper spreads them one interval apart ([`meter`]). Timing it against the shaper shows what
//! the queue costs over policing.
//!
//! The [`leaky-bucket`](https://crates.io/crates/leaky-bucket) crate (1.x) is not a peer. It is
//! a token bucket whose waiters queue fairly on a tokio clock: it keeps no items and gives no
//! departure instant, so it could only be a second meter, and a poor one to time here:
//!
//! - it reads time from tokio's `Instant::now()`, so injecting the kata's clock takes a tokio
//!   runtime with paused time (tokio's `rt`, `time` and `test-util` features) and a
//!   `block_on(advance(..))` on every call, which would be most of what the bench timed;
//! - it counts time in whole milliseconds (`interval.as_millis()`; its builder panics under
//!   1 ms), so rates such as 3 per second are rounded;
//! - `try_acquire` answers `bool`: there is no wait to return as the refusal's `retry_after`,
//!   which the adapter would have to invent.

use kata_suites::leaky_bucket::LeakyBucketFamily;

use crate::Peer;

pub mod meter;

pub use self::meter::{ConcurrentTokenBucketMeter, Handed, TokenBucketMeter};

kata_suites::leaky_bucket_family!(
    /// The reference `leaky-bucket`: the yardstick the suite grades a peer against.
    Reference => leaky_bucket_solution
);

/// The version this catalogue gives a crate of this workspace (a path dependency, with no
/// crates.io version).
pub const WORKSPACE: &str = "(this workspace)";

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_leaky_bucket;
    Some(match name {
        "token-bucket" => grade_leaky_bucket::<MeterFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `leaky-bucket` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[Peer {
    name: "token-bucket",
    krate: "token-bucket-solution",
    version: WORKSPACE,
    design: "the token-bucket kata's reference as a meter: one token more than the shaper's \
             capacity, an offer takes a token or is refused, and an accepted item leaves at once",
    difference: Some(
        "a meter polices, it never delays: it accepts and refuses the same offers as the shaper \
         (the same GCRA test), but every accepted item leaves the instant it is offered, so a \
         burst goes through at once instead of one interval apart, and level() is always 0.",
    ),
}];

/// The token-bucket meter family: [`TokenBucketMeter`] and [`ConcurrentTokenBucketMeter`].
pub struct MeterFamily;

impl LeakyBucketFamily for MeterFamily {
    type Bucket<T, C: kata_core::clock::Clock> = TokenBucketMeter<T, C>;
    type Concurrent<T: Send, C: kata_core::clock::Clock + Send + Sync> =
        ConcurrentTokenBucketMeter<T, C>;
}
