//! Known-wrong `token-bucket` implementations.

use std::time::Duration;

use kata_core::catalogue::Stage;
use kata_core::clock::Clock;
use kata_core::sync::atomic::{AtomicU128, AtomicU64, Ordering};
use kata_core::sync::Mutex;
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};
use kata_suites::token_bucket::TokenBucketFamily;
use kata_suites::Ctx;

crate::mutants! {
    kata "token-bucket", suite token_bucket, reference R: TokenBucketFamily;
    "uncapped" => SeqFamily<UNCAPPED, R> {
        mistake: "tokens keep accumulating past the capacity",
        rejected_by: [examples, quality],
        passes: [],
    }
    "truncating-refill" => SeqFamily<TRUNCATING, R> {
        mistake: "each refill adds whole tokens only and drops the fraction",
        rejected_by: [examples, quality],
        passes: [],
    }
    "floor-retry" => SeqFamily<FLOOR_RETRY, R> {
        mistake: "retry_after rounded down, so retrying when told is refused",
        rejected_by: [examples, properties],
        passes: [],
    }
    "loop-refill" => SeqFamily<LOOP_REFILL, R> {
        mistake: "refills one token at a time in a loop: exact, but O(tokens refilled)",
        rejected_by: [complexity],
        slow_in: "TokenBucket",
        passes: [examples, properties, quality],
    }
    "loop-retry" => SeqFamily<LOOP_RETRY, R> {
        mistake: "computes the wait token by token: exact, but O(tokens missing)",
        rejected_by: [complexity],
        slow_in: "TokenBucket",
        passes: [examples, properties, quality],
    }
    "check-then-act" => AtomicFamily<CheckThenAct, R> {
        mistake: "the atomic bucket loads, decides, then stores: no compare-and-swap",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "split-state" => AtomicFamily<SplitState, R> {
        mistake: "the atomic bucket keeps tokens and refill time in two atomics",
        rejected_by: [concurrency],
        passes: [examples, properties, quality],
    }
    "backward-panic" => SeqFamily<BACKWARD_PANIC, R> {
        mistake: "elapsed time is `now - last`, unguarded: a clock that steps back panics",
        rejected_by: [examples, properties],
        passes: [],
    }
    "double-credit" => SeqFamily<DOUBLE_CREDIT, R> {
        mistake: "a clock that steps back resets the refill time to the earlier reading, so the \
                   same stretch of time is credited again when the clock catches up",
        rejected_by: [examples, properties],
        passes: [],
    }
    "atomic-floor-retry" => AtomicFamily<FloorRetry, R> {
        mistake: "the atomic bucket rounds its retry hint down, so a client that waits as told \
                   is refused again",
        rejected_by: [examples, properties],
        passes: [],
    }
    "locked" => AtomicFamily<Locked, R> {
        mistake: "the atomic bucket is a correct bucket behind kata_core::sync::Mutex: right \
                   answers, but not lock-free as the kata demands",
        rejected_by: [examples, properties],
        passes: [],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: TokenBucketFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives`).
        "two-numbers" => kata_suites::grade!(
            token_bucket,
            crate::alternatives::TwoNumbersFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no token-bucket mutant named `{name}`")),
    }
}

/// A family with a wrong single-threaded bucket and the reference's atomic one.
pub struct SeqFamily<const BUG: u8, R>(std::marker::PhantomData<R>);

impl<const BUG: u8, R: TokenBucketFamily> TokenBucketFamily for SeqFamily<BUG, R> {
    type Bucket<C: Clock> = CreditBucket<C, BUG>;
    type Atomic<C: Clock + Send + Sync> = R::Atomic<C>;
}

/// Supplies a thread-safe bucket type.
pub trait AtomicMaker: 'static {
    /// The bucket type.
    type Atomic<C: Clock + Send + Sync>: ConcurrentRateLimiter<C>;
}

/// A family with the reference's single-threaded bucket and a wrong atomic one.
pub struct AtomicFamily<M, R>(std::marker::PhantomData<(M, R)>);

impl<M: AtomicMaker, R: TokenBucketFamily> TokenBucketFamily for AtomicFamily<M, R> {
    type Bucket<C: Clock> = R::Bucket<C>;
    type Atomic<C: Clock + Send + Sync> = M::Atomic<C>;
}

fn validate(capacity: u64, rate: Rate) -> Result<(u128, u128), ConfigError> {
    if capacity == 0 {
        return Err(ConfigError::ZeroCapacity);
    }
    if rate.tokens == 0 {
        return Err(ConfigError::ZeroRate);
    }
    let period = u64::try_from(rate.period.as_nanos()).map_err(|_| ConfigError::PeriodTooLong)?;
    if period == 0 {
        return Err(ConfigError::ZeroPeriod);
    }
    Ok((u128::from(rate.tokens), u128::from(period)))
}

// ---- A credit-counting bucket (one token = period_ns credits) with optional bugs. ----

const CORRECT: u8 = 0;
const UNCAPPED: u8 = 1;
const TRUNCATING: u8 = 2;
const FLOOR_RETRY: u8 = 3;
const LOOP_REFILL: u8 = 4;
const LOOP_RETRY: u8 = 5;
const BACKWARD_PANIC: u8 = 6;
const DOUBLE_CREDIT: u8 = 7;

/// Credits and last refill time, the textbook two-variable bucket.
pub struct CreditBucket<C, const BUG: u8> {
    capacity: u64,
    per_ns: u128,
    token: u128,
    credits: u128,
    last: u64,
    clock: C,
}

impl<C: Clock, const BUG: u8> CreditBucket<C, BUG> {
    fn credits_at(&self, now: u64) -> (u128, u64) {
        match BUG {
            // `now - self.last` below underflows when the clock stepped back.
            BACKWARD_PANIC if now == self.last => return (self.credits, self.last),
            BACKWARD_PANIC => {}
            // Forgets the later reading: the time up to it will be credited again.
            DOUBLE_CREDIT if now <= self.last => return (self.credits, now),
            _ if now <= self.last => return (self.credits, self.last),
            _ => {}
        }
        let full = u128::from(self.capacity) * self.token;
        let added = u128::from(now - self.last) * self.per_ns;
        match BUG {
            UNCAPPED => (self.credits + added, now),
            TRUNCATING => {
                // Whole tokens only; the remainder of the elapsed time is thrown away.
                let whole = added / self.token * self.token;
                ((self.credits + whole).min(full), now)
            }
            LOOP_REFILL => {
                let (mut credits, mut added) = (self.credits, added);
                while added >= self.token && credits + self.token <= full {
                    credits += self.token;
                    added -= self.token;
                }
                ((credits + added).min(full), now)
            }
            _ => ((self.credits + added).min(full), now),
        }
    }
}

impl<C: Clock, const BUG: u8> RateLimiter<C> for CreditBucket<C, BUG> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let (per_ns, token) = validate(capacity, rate)?;
        Ok(CreditBucket {
            capacity,
            per_ns,
            token,
            credits: u128::from(capacity) * token,
            last: clock.now(),
            clock,
        })
    }

    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        if n > self.capacity {
            return Err(AcquireError::ExceedsCapacity {
                requested: n,
                capacity: self.capacity,
            });
        }
        (self.credits, self.last) = self.credits_at(self.clock.now());
        let need = u128::from(n) * self.token;
        if self.credits >= need {
            self.credits -= need;
            return Ok(());
        }
        let missing = need - self.credits;
        let wait = match BUG {
            FLOOR_RETRY => missing / self.per_ns,
            LOOP_RETRY => {
                let mut have = self.credits;
                let mut units = 0u128;
                while have < need {
                    let step = (need - have).min(self.token);
                    have += step;
                    units += step;
                }
                units.div_ceil(self.per_ns)
            }
            _ => missing.div_ceil(self.per_ns),
        };
        Err(AcquireError::Insufficient {
            retry_after: Duration::from_nanos(u64::try_from(wait).unwrap_or(u64::MAX)),
        })
    }

    fn available(&self) -> u64 {
        (self.credits_at(self.clock.now()).0 / self.token) as u64
    }

    fn capacity(&self) -> u64 {
        self.capacity
    }
}

const _: () = assert!(CORRECT == 0);

// ---- Atomic buckets with races. ----

/// Marker for [`CheckThenActBucket`].
pub struct CheckThenAct;

impl AtomicMaker for CheckThenAct {
    type Atomic<C: Clock + Send + Sync> = CheckThenActBucket<C>;
}

/// GCRA like the reference, but `load`, decide, `store`: two threads can both decide on the same
/// state and both be granted.
pub type CheckThenActBucket<C> = GcraBucket<C, GCRA_CHECK_THEN_ACT>;

const GCRA_CHECK_THEN_ACT: u8 = 1;
const GCRA_FLOOR_RETRY: u8 = 2;

/// A GCRA bucket like the reference's, with bug `BUG`: [`GCRA_CHECK_THEN_ACT`] decides on a
/// loaded state and stores without compare-and-swap; [`GCRA_FLOOR_RETRY`] is lock-free and right
/// but rounds its retry hint down.
pub struct GcraBucket<C, const BUG: u8> {
    per_ns: u128,
    token: u128,
    capacity: u64,
    epoch: u64,
    tat: AtomicU128,
    clock: C,
}

impl<C: Clock, const BUG: u8> GcraBucket<C, BUG> {
    fn now(&self) -> u128 {
        u128::from(self.clock.now().saturating_sub(self.epoch)) * self.per_ns
    }

    /// The new `tat` if `n` tokens fit at `t`, or the refusal.
    fn decide(&self, tat: u128, t: u128, n: u64) -> Result<u128, AcquireError> {
        let new_tat = tat.max(t) + u128::from(n) * self.token;
        let tolerance = u128::from(self.capacity) * self.token;
        if new_tat - t <= tolerance {
            return Ok(new_tat);
        }
        let missing = new_tat - t - tolerance;
        let wait = if BUG == GCRA_FLOOR_RETRY {
            missing / self.per_ns
        } else {
            missing.div_ceil(self.per_ns)
        };
        Err(AcquireError::Insufficient {
            retry_after: Duration::from_nanos(wait as u64),
        })
    }
}

impl<C: Clock + Send + Sync, const BUG: u8> ConcurrentRateLimiter<C> for GcraBucket<C, BUG> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let (per_ns, token) = validate(capacity, rate)?;
        Ok(GcraBucket {
            per_ns,
            token,
            capacity,
            epoch: clock.now(),
            tat: AtomicU128::new(0),
            clock,
        })
    }

    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        if n > self.capacity {
            return Err(AcquireError::ExceedsCapacity {
                requested: n,
                capacity: self.capacity,
            });
        }
        let t = self.now();
        let mut tat = self.tat.load(Ordering::SeqCst);
        if BUG == GCRA_CHECK_THEN_ACT {
            let new_tat = self.decide(tat, t, n)?;
            self.tat.store(new_tat, Ordering::SeqCst);
            return Ok(());
        }
        loop {
            let new_tat = self.decide(tat, t, n)?;
            match self
                .tat
                .compare_exchange(tat, new_tat, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return Ok(()),
                Err(actual) => tat = actual,
            }
        }
    }

    fn available(&self) -> u64 {
        let tolerance = u128::from(self.capacity) * self.token;
        let debt = self
            .tat
            .load(Ordering::SeqCst)
            .saturating_sub(self.now())
            .min(tolerance);
        ((tolerance - debt) / self.token) as u64
    }

    fn capacity(&self) -> u64 {
        self.capacity
    }
}

/// Marker for [`SplitStateBucket`].
pub struct SplitState;

impl AtomicMaker for SplitState {
    type Atomic<C: Clock + Send + Sync> = SplitStateBucket<C>;
}

/// Credits in one atomic, last refill time in another: each is updated atomically, but not the
/// pair, so two threads can both credit the same elapsed time.
pub struct SplitStateBucket<C> {
    per_ns: u128,
    token: u128,
    capacity: u64,
    credits: AtomicU128,
    last: AtomicU64,
    clock: C,
}

impl<C: Clock> SplitStateBucket<C> {
    fn refill(&self) {
        let now = self.clock.now();
        let last = self.last.load(Ordering::SeqCst);
        if now > last {
            let added = u128::from(now - last) * self.per_ns;
            let full = u128::from(self.capacity) * self.token;
            let mut c = self.credits.load(Ordering::SeqCst);
            loop {
                let new = (c + added).min(full);
                match self
                    .credits
                    .compare_exchange(c, new, Ordering::SeqCst, Ordering::SeqCst)
                {
                    Ok(_) => break,
                    Err(actual) => c = actual,
                }
            }
            self.last.store(now, Ordering::SeqCst);
        }
    }
}

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for SplitStateBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let (per_ns, token) = validate(capacity, rate)?;
        Ok(SplitStateBucket {
            per_ns,
            token,
            capacity,
            credits: AtomicU128::new(u128::from(capacity) * token),
            last: AtomicU64::new(clock.now()),
            clock,
        })
    }

    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        if n > self.capacity {
            return Err(AcquireError::ExceedsCapacity {
                requested: n,
                capacity: self.capacity,
            });
        }
        self.refill();
        let need = u128::from(n) * self.token;
        let mut c = self.credits.load(Ordering::SeqCst);
        loop {
            if c < need {
                let wait = (need - c).div_ceil(self.per_ns);
                return Err(AcquireError::Insufficient {
                    retry_after: Duration::from_nanos(wait as u64),
                });
            }
            match self
                .credits
                .compare_exchange(c, c - need, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return Ok(()),
                Err(actual) => c = actual,
            }
        }
    }

    fn available(&self) -> u64 {
        self.refill();
        (self.credits.load(Ordering::SeqCst) / self.token) as u64
    }

    fn capacity(&self) -> u64 {
        self.capacity
    }
}

/// Marker for [`LockedBucket`].
pub struct Locked;

impl AtomicMaker for Locked {
    type Atomic<C: Clock + Send + Sync> = LockedBucket<C>;
}

/// A correct single-threaded bucket behind a mutex: right answers, not lock-free.
pub struct LockedBucket<C>(Mutex<CreditBucket<C, CORRECT>>);

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for LockedBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        CreditBucket::new(capacity, rate, clock).map(|b| LockedBucket(Mutex::new(b)))
    }

    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        self.0.lock().try_acquire(n)
    }

    fn available(&self) -> u64 {
        self.0.lock().available()
    }

    fn capacity(&self) -> u64 {
        self.0.lock().capacity()
    }
}

/// Marker for [`FloorRetryBucket`].
pub struct FloorRetry;

impl AtomicMaker for FloorRetry {
    type Atomic<C: Clock + Send + Sync> = FloorRetryBucket<C>;
}

/// A correct lock-free GCRA bucket but for its retry hint, rounded down.
pub type FloorRetryBucket<C> = GcraBucket<C, GCRA_FLOOR_RETRY>;
