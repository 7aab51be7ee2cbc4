//! Stage 2 of `token-bucket`: random schedules against the exact model.
//!
//! A scenario is a capacity, a rate (drawn from rates whose token interval is a whole, a
//! recurring or a tiny number of nanoseconds) and a sequence of clock advances, acquisitions and
//! reads. Every result, including the exact `retry_after`, must equal the model's.

use std::fmt;
use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::token_bucket::{ConcurrentRateLimiter, ConfigError, Rate, RateLimiter};
use proptest::prelude::*;

use super::model::ModelBucket;
use super::TokenBucketFamily;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure_eq, Ctx};

/// One step of a scenario.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// Move the clock forward.
    Advance(u64),
    /// `try_acquire(n)`.
    Acquire(u64),
    /// `available()`.
    Available,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Advance(ns) => write!(f, "clock.advance(Duration::from_nanos({ns}));"),
            Op::Acquire(n) => write!(f, "bucket.try_acquire({n});"),
            Op::Available => write!(f, "bucket.available();"),
        }
    }
}

/// A capacity, a rate and the steps to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    capacity: u64,
    rate: Rate,
    ops: Vec<Op>,
}

const RATES: [(u64, Duration); 8] = [
    (1, Duration::from_secs(1)),
    (3, Duration::from_secs(1)),
    (7, Duration::from_millis(1)),
    (1_000, Duration::from_secs(1)),
    (5, Duration::from_nanos(3)),
    (u32::MAX as u64, Duration::from_secs(1)),
    (1, Duration::from_secs(3_600)),
    (2, Duration::from_nanos(7)),
];

fn scenario() -> impl Strategy<Value = Scenario> {
    (1u64..=10, 0..RATES.len())
        .prop_flat_map(|(capacity, r)| {
            let op = prop_oneof![
                3 => prop_oneof![
                    Just(0u64),
                    1u64..100,
                    1u64..2_000_000,
                    1u64..5_000_000_000,
                ].prop_map(Op::Advance),
                4 => (0..=capacity + 1).prop_map(Op::Acquire),
                1 => Just(Op::Available),
            ];
            (
                Just(capacity),
                Just(Rate::new(RATES[r].0, RATES[r].1)),
                prop::collection::vec(op, 1..80),
            )
        })
        .prop_map(|(capacity, rate, ops)| Scenario {
            capacity,
            rate,
            ops,
        })
}

fn render(kind: &str, s: &Scenario) -> String {
    let mut out = format!(
        "let clock = ManualClock::new();\nlet bucket = {kind}::new({}, Rate::new({}, Duration::from_nanos({})), clock.clone())?;",
        s.capacity,
        s.rate.tokens,
        s.rate.period.as_nanos()
    );
    for op in &s.ops {
        out.push('\n');
        out.push_str(&op.to_string());
    }
    out
}

/// The operations both variants share, so one driver checks them both.
trait Driven {
    fn acquire(&mut self, n: u64) -> Result<(), kata_core::token_bucket::AcquireError>;
    fn avail(&mut self) -> u64;
}

struct Seq<T>(T);
impl<T: RateLimiter<ManualClock>> Driven for Seq<T> {
    fn acquire(&mut self, n: u64) -> Result<(), kata_core::token_bucket::AcquireError> {
        self.0.try_acquire(n)
    }
    fn avail(&mut self) -> u64 {
        self.0.available()
    }
}

struct Conc<T>(T);
impl<T: ConcurrentRateLimiter<ManualClock>> Driven for Conc<T> {
    fn acquire(&mut self, n: u64) -> Result<(), kata_core::token_bucket::AcquireError> {
        self.0.try_acquire(n)
    }
    fn avail(&mut self) -> u64 {
        self.0.available()
    }
}

fn drive(s: &Scenario, clock: &ManualClock, bucket: &mut dyn Driven) -> Result<(), String> {
    let mut model = ModelBucket::new(s.capacity, s.rate, 0);
    let mut now = 0u64;
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} `{op}` (at {now} ns)", step + 1);
        match *op {
            Op::Advance(ns) => {
                now += ns;
                clock.set(now);
            }
            Op::Acquire(n) => {
                ensure_eq!(
                    bucket.acquire(n),
                    model.try_acquire(n, now),
                    "{at} returned"
                );
            }
            Op::Available => ensure_eq!(bucket.avail(), model.available(now), "{at} returned"),
        }
    }
    Ok(())
}

/// Checks the variant built by `make` (named `kind` in messages) against the model.
fn property<D: Driven>(
    ctx: &mut Ctx,
    salt: u64,
    kind: &str,
    make: impl Fn(&Scenario, ManualClock) -> Result<D, ConfigError>,
) {
    let seed = ctx.sub_seed(salt);
    ctx.check(
        &format!("{kind} matches the exact model on random schedules"),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(),
                |s| render(kind, s),
                |s| {
                    let clock = ManualClock::new();
                    let mut bucket =
                        make(s, clock.clone()).map_err(|e| format!("{kind}::new: {e}"))?;
                    drive(s, &clock, &mut bucket)
                },
            )
        },
    );
}

pub(super) fn run<F: TokenBucketFamily>(ctx: &mut Ctx) {
    property(ctx, 1, "TokenBucket", |s, clock| {
        F::Bucket::<ManualClock>::new(s.capacity, s.rate, clock).map(Seq)
    });
    property(ctx, 2, "AtomicTokenBucket", |s, clock| {
        F::Atomic::<ManualClock>::new(s.capacity, s.rate, clock).map(Conc)
    });
}
