//! Stage 2 of `token-bucket`: random schedules against the exact model.
//!
//! A scenario is a capacity, a rate (drawn from rates whose token interval is a whole, a
//! recurring or a tiny number of nanoseconds) and a sequence of clock advances, acquisitions and
//! reads. Every result, including the exact `retry_after`, must equal the model's.
//!
//! A second property lets the clock step backwards too (the rule in [`kata_core::clock`]). There
//! the exact result is not prescribed (a bucket may be more cautious while the clock is behind),
//! only what the rule promises: no panic, and no stretch of time credited twice, checked as the
//! token-bucket envelope over the latest reading each request was made at; and once the clock is
//! a full refill past its latest reading, the bucket is full again.
//!
//! Every call to `AtomicTokenBucket` is also checked to take no lock (see
//! [`kata_core::sync::locks_taken`]): the kata asks for a lock-free bucket.

use std::fmt;
use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::sync::locks_taken;
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};
use proptest::prelude::*;

use super::model::ModelBucket;
use super::TokenBucketFamily;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure, ensure_eq, Ctx};

/// One step of a scenario.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// Move the clock forward.
    Advance(u64),
    /// Move the clock backward (saturating at 0).
    Back(u64),
    /// `try_acquire(n)`.
    Acquire(u64),
    /// `available()`.
    Available,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Advance(ns) => write!(f, "clock.advance(Duration::from_nanos({ns}));"),
            Op::Back(ns) => write!(f, "clock.set(clock.now().saturating_sub({ns}));"),
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

fn step() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1u64..100, 1u64..2_000_000, 1u64..5_000_000_000,]
}

/// Scenarios whose clock only moves forward, or (`backwards`) also steps back.
fn scenario(backwards: bool) -> impl Strategy<Value = Scenario> {
    (1u64..=10, 0..RATES.len())
        .prop_flat_map(move |(capacity, r)| {
            let back = if backwards { 2 } else { 0 };
            let op = prop_oneof![
                3 => step().prop_map(Op::Advance),
                back => step().prop_map(Op::Back),
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
    // `try_acquire` takes `&mut self` on `TokenBucket`, `&self` on the atomic bucket.
    let binding = if kind == "TokenBucket" {
        "let mut"
    } else {
        "let"
    };
    let mut out = format!(
        "let clock = ManualClock::new();\n{binding} bucket = {kind}::new({}, Rate::new({}, Duration::from_nanos({})), clock.clone())?;",
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
    fn acquire(&mut self, n: u64) -> Result<Result<(), AcquireError>, String>;
    fn avail(&mut self) -> Result<u64, String>;
}

struct Seq<T>(T);
impl<T: RateLimiter<ManualClock>> Driven for Seq<T> {
    fn acquire(&mut self, n: u64) -> Result<Result<(), AcquireError>, String> {
        Ok(self.0.try_acquire(n))
    }
    fn avail(&mut self) -> Result<u64, String> {
        Ok(self.0.available())
    }
}

/// The atomic bucket, each call checked to take no lock.
struct Conc<T>(T);
impl<T: ConcurrentRateLimiter<ManualClock>> Driven for Conc<T> {
    fn acquire(&mut self, n: u64) -> Result<Result<(), AcquireError>, String> {
        lock_free(&format!("try_acquire({n})"), || self.0.try_acquire(n))
    }
    fn avail(&mut self) -> Result<u64, String> {
        lock_free("available()", || self.0.available())
    }
}

/// Runs `call` (the atomic bucket's `what`) and fails if it took a `kata_core::sync` lock.
pub(super) fn lock_free<T>(what: &str, call: impl FnOnce() -> T) -> Result<T, String> {
    let before = locks_taken();
    let out = call();
    let taken = locks_taken() - before;
    if taken > 0 {
        return Err(format!(
            "AtomicTokenBucket::{what} took a lock ({taken} Mutex::lock call(s)): the atomic \
             bucket must be lock-free; keep its state in one atomic (AtomicU128 fits two u64s) \
             and change it with compare_exchange"
        ));
    }
    Ok(out)
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
            Op::Back(_) => return Err("a forward-only scenario stepped back".to_owned()),
            Op::Acquire(n) => {
                ensure_eq!(
                    bucket.acquire(n)?,
                    model.try_acquire(n, now),
                    "{at} returned"
                );
            }
            Op::Available => ensure_eq!(bucket.avail()?, model.available(now), "{at} returned"),
        }
    }
    Ok(())
}

/// The backward-clock property: no panic (a panic fails the case), the envelope over the latest
/// reading each grant was made at, and a full bucket a full refill after the latest reading.
fn drive_backwards(
    s: &Scenario,
    clock: &ManualClock,
    bucket: &mut dyn Driven,
) -> Result<(), String> {
    let (tokens, period) = (u128::from(s.rate.tokens), s.rate.period.as_nanos());
    let capacity = u128::from(s.capacity);
    let mut now = 0u64;
    // Which readings a bucket acts on is its choice beyond the requests it must decide
    // (`1 <= n <= capacity`): GCRA ignores `try_acquire(0)` and `available()`, a two-number
    // bucket may refill on any call. So a grant's own "latest reading" is known only to lie
    // between `must` (the latest reading of a request it had to decide) and `seen` (the latest
    // reading of any call), and a window between two grants is judged at its widest: from the
    // first grant's `must` to the last one's `seen`.
    let (mut must, mut seen) = (0u64, 0u64);
    // The grants: (`must` and `seen` when granted, tokens, step).
    let mut grants: Vec<(u64, u64, usize)> = Vec::new();
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} `{op}` (at {now} ns)", step + 1);
        match *op {
            Op::Advance(ns) => {
                now = now.saturating_add(ns);
                clock.set(now);
            }
            Op::Back(ns) => {
                now = now.saturating_sub(ns);
                clock.set(now);
            }
            Op::Acquire(n) => {
                let got = bucket.acquire(n)?;
                seen = seen.max(now);
                if n == 0 || n > s.capacity {
                    continue;
                }
                must = must.max(now);
                if got.is_ok() {
                    grants.push((must, n, step + 1));
                    // Every window that ends at this grant.
                    let mut sum = 0u128;
                    for &(from, g, first) in grants.iter().rev() {
                        sum += u128::from(g);
                        let window = u128::from(seen.saturating_sub(from));
                        // sum <= capacity + window × tokens / period, in integers.
                        ensure!(
                            sum * period <= capacity * period + window * tokens,
                            "{at} was granted, but then {sum} tokens were granted between step \
                             {first} and step {} while the latest clock reading moved by at most \
                             {window} ns: a bucket of {} refilling at {} can grant at most {} in \
                             that time. After the clock stepped back, time was credited twice (a \
                             reading earlier than the latest one must count as no time passing)",
                            step + 1,
                            s.capacity,
                            s.rate,
                            (capacity * period + window * tokens) / period
                        );
                    }
                }
            }
            Op::Available => {
                bucket.avail()?;
                seen = seen.max(now);
            }
        }
    }
    // A full refill after the latest reading, the bucket must be full again.
    let refill = u64::try_from((capacity * period).div_ceil(tokens)).unwrap_or(u64::MAX);
    let then = seen.saturating_add(refill);
    clock.set(then);
    ensure_eq!(
        bucket.avail()?,
        s.capacity,
        "at the end, with the clock set to {then} ns (a full refill after the latest reading \
         {seen} ns), available()"
    );
    Ok(())
}

/// Checks the variant built by `make` (named `kind` in messages) against the model, then on
/// schedules whose clock steps back.
fn property<D: Driven>(
    ctx: &mut Ctx,
    salt: u64,
    kind: &str,
    make: impl Fn(&Scenario, ManualClock) -> Result<Result<D, ConfigError>, String> + Copy,
) {
    type Driver = fn(&Scenario, &ManualClock, &mut dyn Driven) -> Result<(), String>;
    let cases: [(u64, bool, String, Driver); 2] = [
        (
            salt,
            false,
            format!("{kind} matches the exact model on random schedules"),
            drive,
        ),
        (
            salt + 10,
            true,
            format!("{kind} survives a clock that steps back: no panic, no time credited twice"),
            drive_backwards,
        ),
    ];
    for (salt, backwards, name, driver) in cases {
        let seed = ctx.sub_seed(salt);
        ctx.check(&name, || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(backwards),
                |s| render(kind, s),
                |s| {
                    let clock = ManualClock::new();
                    let mut bucket =
                        make(s, clock.clone())?.map_err(|e| format!("{kind}::new: {e}"))?;
                    driver(s, &clock, &mut bucket)
                },
            )
        });
    }
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TokenBucketFamily>(ctx: &mut Ctx) {
    property(ctx, 1, "TokenBucket", |s, clock| {
        Ok(F::Bucket::<ManualClock>::new(s.capacity, s.rate, clock).map(Seq))
    });
    property(ctx, 2, "AtomicTokenBucket", |s, clock| {
        lock_free("new", || {
            F::Atomic::<ManualClock>::new(s.capacity, s.rate, clock).map(Conc)
        })
    });
}
