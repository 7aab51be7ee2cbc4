//! Reference solution of the `token-bucket` kata.
//!
//! Both variants use the generic cell rate algorithm (GCRA, ATM Forum TM 4.0, 1996), the
//! single-number form of a token bucket: instead of "tokens held" and "last refill time" it keeps
//! one *theoretical arrival time* `tat`, the instant at which the bucket would be full again. At
//! time `t` the bucket holds `capacity - max(0, tat - t) × rate` tokens, so granting `n` tokens just
//! moves `tat` forward by `n / rate`, and a refusal knows exactly how long to wait.
//!
//! To keep the arithmetic exact, time is counted in units of `1 / rate.tokens` nanoseconds: one
//! nanosecond is `rate.tokens` units and one token is `period_ns` units, both integers, both
//! divided by their greatest common divisor at construction (1 000 tokens per second is one
//! token per 1 000 000 ns: one unit per nanosecond, 1 000 000 per token). Nothing is ever rounded
//! except the final retry hint, which is rounded *up* to a whole nanosecond. All of it fits a
//! `u128` (a `u64` nanosecond count times a `u64` rate).
//!
//! # Two representations: `u64` when it is exact, `u128` otherwise
//!
//! The `u128` arithmetic costs more instructions than the `u64` one, and [`AtomicTokenBucket`]
//! changes `tat` by compare-and-swap, where a 16-byte one (`cmpxchg16b`) costs more than an 8-byte
//! one, and with two threads on one bucket every call fights for it, on every retry too. So both
//! buckets keep `tat` in 64 bits whenever 64 bits are exact for them, decided once, at
//! construction:
//!
//! - **Narrow** (`u64`): when every number the arithmetic meets stays below `u64::MAX` for at
//!   least [`HORIZON_NS`] (100 years) of the clock after the bucket's epoch. At elapsed time `e`,
//!   `t = e × units_per_ns`, a granted `tat` is at most `t + tolerance`, and the largest sum
//!   computed is `max(tat, t) + n × token <= t + 2 × tolerance` (as `n <= capacity`). So 64 bits
//!   serve every `e` up to `(u64::MAX - 1 - 2 × tolerance) / units_per_ns`, the bucket's own
//!   horizon, and a bucket is narrow when that is at least [`HORIZON_NS`]: one unit per nanosecond
//!   (a token interval of a whole number of nanoseconds: 1 token/ns, 1 000/s, 10/ms) with a
//!   tolerance up to 7.6 × 10¹⁸ units, and up to 5 units per nanosecond (3 tokens per second,
//!   5 per 3 ns) with a smaller one. It is the same arithmetic on numbers that fit, so its grants,
//!   refusals and retry hints are the `u128` ones, bit for bit (the tests drive both side by side
//!   over random inputs).
//! - **Wide** (`u128`): every other rate (7 tokens per ms is 7 units per nanosecond; 2³² per
//!   second is 858 993 459), and the tolerances over the limit above.
//!
//! Why a horizon rather than "fits forever": the clock's `u64` runs out after 584 years, and
//! `e × units_per_ns + tolerance` exceeds `u64::MAX` before then for every bucket built at the
//! clock's epoch, so no rate would qualify. Why 100 years: it bounds `units_per_ns` to 5, which
//! keeps the common rates narrow, and no process runs that long. Past its horizon (a manual clock
//! set that far forward, or a bucket built near the end of the clock's range) a bucket is still
//! exact: the first call that finds `e` beyond the horizon moves `tat` to the `u128` once and for
//! all, and every later call works there.
//!
//! In the atomic bucket that move is a small lock-free protocol. `tat` has two homes, an
//! `AtomicU64` and an `AtomicU128`; the `u64` holds `tat` until a sentinel, `u64::MAX` (which no
//! narrow `tat` reaches), says it moved, and a wide bucket is one that starts moved. `tat` only
//! ever grows, so the move raises the `u128` to the value the `u64` holds, then swaps that same
//! value for the sentinel: whichever thread's swap succeeds, the `u128` then holds the last narrow
//! `tat`, and a thread that raced with the move finds the sentinel and retries on the `u128`.
//! `tat` is in exactly one of the two at any time, and no call takes a lock. Both sit alone on
//! one cache line (see `Tat`), as governor's state does in an allocation of its own.

use std::time::Duration;

use kata_core::clock::Clock;
use kata_core::sync::atomic::AtomicU64;
// A line of its own: tests/sync_rule.rs swaps this one for `std`'s `Ordering`.
use kata_core::sync::atomic::{AtomicU128, Ordering};

pub use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};

/// How long, after its epoch, a bucket's `u64` state must stay exact for the bucket to use it:
/// 100 years of 365.25 days, in nanoseconds. See the module documentation.
pub const HORIZON_NS: u64 = 36_525 * 86_400 * 1_000_000_000;

/// The `u64` state of a narrow bucket after its `tat` moved to the `u128` (or from the start, in
/// a wide bucket). No narrow `tat` reaches it: they stay below `u64::MAX - 1`.
const MOVED: u64 = u64::MAX;

/// The constants of a bucket, in units of `1 / rate.tokens` nanoseconds.
#[derive(Debug, Clone, Copy)]
struct Gcra {
    /// Units per nanosecond: `rate.tokens`, divided by its gcd with the period.
    units_per_ns: u128,
    /// Units per token: the period in nanoseconds, divided by the same gcd.
    token: u128,
    /// Units for a full bucket: `capacity × token`.
    tolerance: u128,
    capacity: u64,
    /// Clock reading at construction: time zero for `tat`.
    epoch: u64,
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Gcra {
    fn new(capacity: u64, rate: Rate, epoch: u64) -> Result<Gcra, ConfigError> {
        if capacity == 0 {
            return Err(ConfigError::ZeroCapacity);
        }
        if rate.tokens == 0 {
            return Err(ConfigError::ZeroRate);
        }
        let period =
            u64::try_from(rate.period.as_nanos()).map_err(|_| ConfigError::PeriodTooLong)?;
        if period == 0 {
            return Err(ConfigError::ZeroPeriod);
        }
        let g = gcd(rate.tokens, period);
        let token = u128::from(period / g);
        Ok(Gcra {
            units_per_ns: u128::from(rate.tokens / g),
            token,
            tolerance: u128::from(capacity) * token,
            capacity,
            epoch,
        })
    }

    /// Nanoseconds since the epoch. A clock reading before the epoch counts as the epoch.
    #[inline]
    fn elapsed(&self, now: u64) -> u64 {
        now.saturating_sub(self.epoch)
    }

    #[inline]
    fn units(&self, elapsed: u64) -> u128 {
        u128::from(elapsed) * self.units_per_ns
    }

    /// The new `tat` if `n` tokens can be granted at `t` (in units), or why not.
    #[inline]
    fn acquire(&self, tat: u128, t: u128, n: u64) -> Result<u128, AcquireError> {
        if n > self.capacity {
            return Err(self.exceeds(n));
        }
        let new_tat = tat.max(t).saturating_add(u128::from(n) * self.token);
        let debt = new_tat - t;
        if debt <= self.tolerance {
            Ok(new_tat)
        } else {
            let wait_units = debt - self.tolerance;
            let wait_ns = wait_units.div_ceil(self.units_per_ns);
            Err(AcquireError::Insufficient {
                retry_after: Duration::from_nanos(u64::try_from(wait_ns).unwrap_or(u64::MAX)),
            })
        }
    }

    #[inline]
    fn exceeds(&self, n: u64) -> AcquireError {
        AcquireError::ExceedsCapacity {
            requested: n,
            capacity: self.capacity,
        }
    }

    #[inline]
    fn available(&self, tat: u128, t: u128) -> u64 {
        let credit = self.tolerance - tat.saturating_sub(t).min(self.tolerance);
        // credit <= capacity × token, so the quotient fits a u64.
        (credit / self.token) as u64
    }
}

/// The constants of a narrow bucket, in `u64`: [`Gcra`]'s, for the elapsed times up to `horizon`.
#[derive(Debug, Clone, Copy)]
struct Narrow {
    units_per_ns: u64,
    token: u64,
    tolerance: u64,
    /// The last elapsed nanosecond the `u64` state serves: up to it, `t + 2 × tolerance` stays
    /// below [`MOVED`]. At least [`HORIZON_NS`].
    horizon: u64,
}

impl Narrow {
    /// The `u64` constants of `gcra`, if they last the horizon.
    fn of(gcra: &Gcra) -> Option<Narrow> {
        let units_per_ns = u64::try_from(gcra.units_per_ns).ok()?;
        let token = u64::try_from(gcra.token).ok()?;
        let tolerance = u64::try_from(gcra.tolerance).ok()?;
        // t <= horizon × units_per_ns <= room, a granted tat <= t + tolerance, and the largest
        // sum, max(tat, t) + n × token, <= room + 2 × tolerance = MOVED - 1.
        let room = (MOVED - 1).checked_sub(tolerance.checked_mul(2)?)?;
        let horizon = room / units_per_ns;
        (horizon >= HORIZON_NS).then_some(Narrow {
            units_per_ns,
            token,
            tolerance,
            horizon,
        })
    }

    /// [`Gcra::acquire`] in `u64`, for `n <= capacity`, `t <= horizon × units_per_ns` and a
    /// `tat` granted at such a `t` (or 0): none of its sums can overflow, so nothing saturates.
    #[inline]
    fn acquire(&self, tat: u64, t: u64, n: u64) -> Result<u64, AcquireError> {
        let new_tat = tat.max(t) + n * self.token;
        let debt = new_tat - t;
        if debt <= self.tolerance {
            Ok(new_tat)
        } else {
            let wait_ns = (debt - self.tolerance).div_ceil(self.units_per_ns);
            Err(AcquireError::Insufficient {
                retry_after: Duration::from_nanos(wait_ns),
            })
        }
    }
}

/// A token bucket for one thread.
#[derive(Debug, Clone)]
pub struct TokenBucket<C> {
    gcra: Gcra,
    /// The `u64` constants while the bucket is narrow: `None` for a wide bucket, and from the
    /// first call past the horizon on.
    narrow: Option<Narrow>,
    /// Below `u64::MAX` while the bucket is narrow: every grant came within the horizon.
    tat: u128,
    clock: C,
}

impl<C: Clock> RateLimiter<C> for TokenBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let gcra = Gcra::new(capacity, rate, clock.now())?;
        Ok(TokenBucket {
            gcra,
            narrow: Narrow::of(&gcra),
            tat: 0,
            clock,
        })
    }

    #[inline]
    fn try_acquire(&mut self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        if n > self.gcra.capacity {
            return Err(self.gcra.exceeds(n));
        }
        let elapsed = self.gcra.elapsed(self.clock.now());
        match self.narrow {
            Some(narrow) if elapsed <= narrow.horizon => {
                let t = elapsed * narrow.units_per_ns;
                // Exact: a narrow tat fits a u64.
                self.tat = u128::from(narrow.acquire(self.tat as u64, t, n)?);
            }
            _ => {
                // Wide, or past the horizon: wide from now on.
                self.narrow = None;
                self.tat = self.gcra.acquire(self.tat, self.gcra.units(elapsed), n)?;
            }
        }
        Ok(())
    }

    fn available(&self) -> u64 {
        let t = self.gcra.units(self.gcra.elapsed(self.clock.now()));
        self.gcra.available(self.tat, t)
    }

    fn capacity(&self) -> u64 {
        self.gcra.capacity
    }
}

/// A lock-free token bucket: its whole state, `tat`, changed by compare-and-swap, in a `u64` when
/// that is exact for its rate and capacity, in a `u128` otherwise (see the module documentation).
#[derive(Debug)]
pub struct AtomicTokenBucket<C> {
    tat: Tat,
    gcra: Gcra,
    /// The `u64` constants, for a narrow bucket.
    narrow: Option<Narrow>,
    clock: C,
}

/// The state, alone on its cache line (64 bytes): the line two threads fight over then holds
/// nothing else a call reads (the constants, the clock's epoch), so reading those never waits for
/// the other thread's compare-and-swap to let go of it.
#[derive(Debug)]
#[repr(align(64))]
struct Tat {
    /// `tat` while it is narrow, or [`MOVED`].
    narrow: AtomicU64,
    /// `tat` once the narrow one is [`MOVED`]; before that, at most the narrow `tat`.
    wide: AtomicU128,
}

impl<C> AtomicTokenBucket<C> {
    fn build(gcra: Gcra, narrow: Option<Narrow>, clock: C) -> Self {
        AtomicTokenBucket {
            tat: Tat {
                narrow: AtomicU64::new(if narrow.is_some() { 0 } else { MOVED }),
                wide: AtomicU128::new(0),
            },
            gcra,
            narrow,
            clock,
        }
    }

    /// Whether `tat` is in the `u64` (for the tests).
    #[cfg(test)]
    fn is_narrow(&self) -> bool {
        self.tat.narrow.load(Ordering::Acquire) != MOVED
    }

    /// `try_acquire` on the `u128` state, moving `tat` there first if it is still narrow.
    #[inline(never)]
    fn try_acquire_wide(&self, elapsed: u64, n: u64) -> Result<(), AcquireError> {
        self.move_to_wide();
        let t = self.gcra.units(elapsed);
        let mut tat = self.tat.wide.load(Ordering::Acquire);
        loop {
            let new_tat = self.gcra.acquire(tat, t, n)?;
            match self.tat.wide.compare_exchange_weak(
                tat,
                new_tat,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => tat = actual,
            }
        }
    }

    /// Moves `tat` from the `u64` to the `u128`, unless it is there already. `tat` only grows, so
    /// raising the `u128` to the value the `u64` holds, then replacing that same value with
    /// [`MOVED`], leaves the `u128` holding the last narrow `tat`, whichever thread wins.
    fn move_to_wide(&self) {
        let mut narrow = self.tat.narrow.load(Ordering::Acquire);
        while narrow != MOVED {
            let target = u128::from(narrow);
            let mut wide = self.tat.wide.load(Ordering::Acquire);
            while wide < target {
                match self.tat.wide.compare_exchange_weak(
                    wide,
                    target,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => break,
                    Err(actual) => wide = actual,
                }
            }
            match self.tat.narrow.compare_exchange(
                narrow,
                MOVED,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => narrow = actual,
            }
        }
    }
}

impl<C: Clock + Send + Sync> ConcurrentRateLimiter<C> for AtomicTokenBucket<C> {
    fn new(capacity: u64, rate: Rate, clock: C) -> Result<Self, ConfigError> {
        let gcra = Gcra::new(capacity, rate, clock.now())?;
        Ok(Self::build(gcra, Narrow::of(&gcra), clock))
    }

    #[inline]
    fn try_acquire(&self, n: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        if n > self.gcra.capacity {
            return Err(self.gcra.exceeds(n));
        }
        let elapsed = self.gcra.elapsed(self.clock.now());
        if let Some(narrow) = &self.narrow {
            if elapsed <= narrow.horizon {
                let t = elapsed * narrow.units_per_ns;
                let mut tat = self.tat.narrow.load(Ordering::Acquire);
                while tat != MOVED {
                    let new_tat = narrow.acquire(tat, t, n)?;
                    match self.tat.narrow.compare_exchange_weak(
                        tat,
                        new_tat,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    ) {
                        Ok(_) => return Ok(()),
                        Err(actual) => tat = actual,
                    }
                }
            }
        }
        self.try_acquire_wide(elapsed, n)
    }

    fn available(&self) -> u64 {
        let t = self.gcra.units(self.gcra.elapsed(self.clock.now()));
        // The u128 arithmetic serves both states: the same units, and nothing here is hot.
        let tat = match self.tat.narrow.load(Ordering::Acquire) {
            MOVED => self.tat.wide.load(Ordering::Acquire),
            narrow => u128::from(narrow),
        };
        self.gcra.available(tat, t)
    }

    fn capacity(&self) -> u64 {
        self.gcra.capacity
    }
}

#[cfg(test)]
mod tests {
    //! The two representations of both buckets against each other and against the `u128`
    //! arithmetic, over random inputs (a xorshift generator, seeded, so every failure replays).

    use std::sync::Arc;

    use kata_core::clock::ManualClock;

    use super::*;

    /// xorshift64*: enough randomness for inputs, no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        /// Uniform enough in `0..=max`.
        fn upto(&mut self, max: u64) -> u64 {
            match max.checked_add(1) {
                Some(m) => self.next() % m,
                None => self.next(),
            }
        }

        fn pick<T: Copy>(&mut self, from: &[T]) -> T {
            from[self.upto(from.len() as u64 - 1) as usize]
        }

        /// `x` moved by up to `spread` either way, saturating.
        fn near(&mut self, x: u64, spread: u64) -> u64 {
            let d = self.upto(spread);
            if self.next() & 1 == 0 {
                x.saturating_add(d)
            } else {
                x.saturating_sub(d)
            }
        }
    }

    /// The arithmetic as it was before the units were reduced by their gcd (`rate.tokens` units
    /// per nanosecond, `period_ns` per token), kept to show the reduction changes no result.
    /// `None` when its `u128` sum would have saturated (only for capacities and periods near
    /// `u64::MAX` at once, where the reduced units may still be exact).
    struct Unreduced {
        per_ns: u128,
        token: u128,
        tolerance: u128,
        capacity: u64,
        epoch: u64,
        tat: u128,
    }

    impl Unreduced {
        fn new(capacity: u64, rate: Rate, epoch: u64) -> Unreduced {
            let token = rate.period.as_nanos();
            Unreduced {
                per_ns: u128::from(rate.tokens),
                token,
                tolerance: u128::from(capacity) * token,
                capacity,
                epoch,
                tat: 0,
            }
        }

        fn try_acquire(&mut self, now: u64, n: u64) -> Option<Result<(), AcquireError>> {
            if n == 0 {
                return Some(Ok(()));
            }
            if n > self.capacity {
                return Some(Err(AcquireError::ExceedsCapacity {
                    requested: n,
                    capacity: self.capacity,
                }));
            }
            let t = u128::from(now.saturating_sub(self.epoch)) * self.per_ns;
            let new_tat = self.tat.max(t).checked_add(u128::from(n) * self.token)?;
            let debt = new_tat - t;
            Some(if debt <= self.tolerance {
                self.tat = new_tat;
                Ok(())
            } else {
                let wait = (debt - self.tolerance).div_ceil(self.per_ns);
                Err(AcquireError::Insufficient {
                    retry_after: Duration::from_nanos(u64::try_from(wait).unwrap_or(u64::MAX)),
                })
            })
        }

        fn available(&self, now: u64) -> u64 {
            let t = u128::from(now.saturating_sub(self.epoch)) * self.per_ns;
            let credit = self.tolerance - self.tat.saturating_sub(t).min(self.tolerance);
            (credit / self.token) as u64
        }
    }

    const TOKENS: &[u64] = &[
        1,
        2,
        3,
        5,
        6,
        7,
        10,
        1_000,
        1_000_000_000,
        3_000_000_000,
        u32::MAX as u64,
        u64::MAX,
        u64::MAX - 1,
    ];
    const PERIODS: &[u64] = &[
        1,
        2,
        3,
        7,
        1_000,
        1_000_000,
        1_000_000_000,
        3_600_000_000_000,
        u64::MAX,
        u64::MAX - 1,
    ];

    /// A random valid rate: from the lists (narrow and wide ones, with and without a common
    /// factor), or random numbers.
    fn rate(rng: &mut Rng) -> Rate {
        let tokens = match rng.upto(3) {
            0 => 1 + rng.upto(20),
            1 => rng.next().max(1),
            _ => rng.pick(TOKENS),
        };
        let period = match rng.upto(3) {
            0 => 1 + rng.upto(20) * rng.pick(&[1, 1_000, 1_000_000_000]),
            1 => rng.next().max(1),
            _ => rng.pick(PERIODS),
        };
        Rate::new(tokens, Duration::from_nanos(period))
    }

    /// A random capacity for `gcra`'s units, often at the edge of the narrow representation.
    fn capacity(rng: &mut Rng, rate: Rate) -> u64 {
        let g = Gcra::new(1, rate, 0).expect("valid");
        let (per_ns, token) = (g.units_per_ns, g.token);
        // The largest tolerance a narrow bucket of this rate may have, in tokens.
        let room = u128::from(MOVED - 1).saturating_sub(u128::from(HORIZON_NS) * per_ns);
        let edge = u64::try_from(room / 2 / token).unwrap_or(u64::MAX).max(1);
        match rng.upto(5) {
            0 => 1 + rng.upto(10),
            1 => 1 + rng.upto(1 << 20),
            2 => rng.near(edge, 2).max(1),
            3 => rng.next().max(1),
            _ => rng.pick(&[1, 1_000, u64::MAX]),
        }
    }

    /// A random clock reading for a bucket: near its last reading, the epoch, the horizon (where
    /// the narrow state ends), the end of the clock, or anywhere.
    fn reading(rng: &mut Rng, last: u64, epoch: u64, horizon: u64) -> u64 {
        match rng.upto(9) {
            0..=2 => {
                let step = rng.pick(&[3, 1_000, 1_000_000_000]);
                last.saturating_add(rng.upto(step))
            }
            3 => last.saturating_sub(rng.upto(1_000_000)),
            4 => rng.near(epoch.saturating_add(horizon), 3),
            5 => rng.near(epoch.saturating_add(horizon), 1 << 40),
            6 => rng.near(u64::MAX, 1 << 20),
            7 => rng.near(epoch, 10),
            _ => rng.next(),
        }
    }

    fn request(rng: &mut Rng, capacity: u64) -> u64 {
        match rng.upto(6) {
            0 => 1,
            1 => rng.upto(capacity.min(10)),
            2 => capacity,
            3 => rng.upto(capacity),
            4 => capacity.saturating_add(1 + rng.upto(1)),
            5 => u64::MAX,
            _ => rng.next(),
        }
    }

    #[test]
    fn the_narrow_arithmetic_gives_the_u128_results_over_its_whole_domain() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut narrow_configs = 0;
        for _ in 0..20_000 {
            let rate = rate(&mut rng);
            let capacity = capacity(&mut rng, rate);
            let gcra = Gcra::new(capacity, rate, 0).expect("valid");
            let Some(narrow) = Narrow::of(&gcra) else {
                continue;
            };
            narrow_configs += 1;
            assert_eq!(u128::from(narrow.units_per_ns), gcra.units_per_ns);
            assert_eq!(u128::from(narrow.token), gcra.token);
            assert_eq!(u128::from(narrow.tolerance), gcra.tolerance);
            // Every t it serves and every tat it can hold: up to t + tolerance for the last t.
            let t_max = narrow.horizon * narrow.units_per_ns;
            let tat_max = t_max + narrow.tolerance;
            for _ in 0..50 {
                let e = match rng.upto(3) {
                    0 => rng.near(narrow.horizon, 3).min(narrow.horizon),
                    1 => rng.upto(narrow.horizon),
                    _ => rng.upto(1_000),
                };
                let t = e * narrow.units_per_ns;
                let tat = match rng.upto(3) {
                    0 => rng.near(tat_max, 3).min(tat_max),
                    1 => rng.near(t, narrow.tolerance.saturating_mul(2)).min(tat_max),
                    _ => rng.upto(tat_max),
                };
                let n = rng.upto(capacity).max(1);
                let wide = gcra.acquire(u128::from(tat), u128::from(t), n);
                let ours = narrow.acquire(tat, t, n).map(u128::from);
                assert_eq!(
                    ours, wide,
                    "capacity {capacity}, {rate}, tat {tat}, t {t}, n {n}"
                );
            }
        }
        assert!(
            narrow_configs > 1_500,
            "{narrow_configs} narrow configurations"
        );
    }

    #[test]
    fn narrow_and_wide_buckets_of_both_kinds_agree_call_by_call_and_with_the_unreduced_arithmetic()
    {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut narrow_runs, mut moved_runs, mut unreduced_checks) = (0, 0, 0u64);
        for run in 0..6_000 {
            let rate = rate(&mut rng);
            let capacity = capacity(&mut rng, rate);
            let epoch = match rng.upto(3) {
                0 => 0,
                1 => rng.upto(1 << 40),
                _ => rng.next(),
            };
            let clock = ManualClock::starting_at(epoch);
            let auto = AtomicTokenBucket::new(capacity, rate, clock.clone()).expect("valid");
            let gcra = auto.gcra;
            let wide = AtomicTokenBucket::build(gcra, None, clock.clone());
            let mut single = TokenBucket::new(capacity, rate, clock.clone()).expect("valid");
            assert_eq!(single.narrow.is_some(), auto.is_narrow());
            let mut single_wide = TokenBucket {
                gcra,
                narrow: None,
                tat: 0,
                clock: clock.clone(),
            };
            let mut unreduced = Some(Unreduced::new(capacity, rate, epoch));
            let horizon = auto.narrow.map_or(HORIZON_NS, |n| n.horizon);
            let started_narrow = auto.is_narrow();
            narrow_runs += u64::from(started_narrow);
            let mut now = epoch;
            for step in 0..60 {
                now = reading(&mut rng, now, epoch, horizon);
                clock.set(now);
                let context = || {
                    format!("run {run} step {step}: capacity {capacity}, {rate}, epoch {epoch}, ")
                        + &format!("now {now}")
                };
                if rng.upto(4) == 0 {
                    let a = auto.available();
                    assert_eq!(a, wide.available(), "available, {}", context());
                    assert_eq!(a, single.available(), "available, {}", context());
                    assert_eq!(a, single_wide.available(), "available, {}", context());
                    if let Some(u) = &unreduced {
                        assert_eq!(a, u.available(now), "available, {}", context());
                    }
                    continue;
                }
                let n = request(&mut rng, capacity);
                let got = auto.try_acquire(n);
                assert_eq!(got, wide.try_acquire(n), "try_acquire({n}), {}", context());
                let what = || format!("try_acquire({n}), {}", context());
                assert_eq!(got, single.try_acquire(n), "{}", what());
                assert_eq!(got, single_wide.try_acquire(n), "{}", what());
                if let Some(u) = &mut unreduced {
                    match u.try_acquire(now, n) {
                        Some(old) => {
                            unreduced_checks += 1;
                            assert_eq!(got, old, "try_acquire({n}), {}", context());
                        }
                        None => unreduced = None,
                    }
                }
            }
            moved_runs += u64::from(started_narrow && !auto.is_narrow());
            assert_eq!(single.narrow.is_some(), auto.is_narrow(), "run {run}");
        }
        assert!(narrow_runs > 500, "{narrow_runs} narrow runs");
        assert!(moved_runs > 300, "{moved_runs} runs moved to the u128");
        assert!(unreduced_checks > 100_000, "{unreduced_checks}");
    }

    #[test]
    fn the_common_rates_are_narrow_and_the_others_wide() {
        let narrow = |capacity, rate: Rate| {
            let atomic = AtomicTokenBucket::new(capacity, rate, ManualClock::new()).expect("valid");
            let single = TokenBucket::new(capacity, rate, ManualClock::new()).expect("valid");
            assert_eq!(atomic.is_narrow(), single.narrow.is_some());
            atomic.is_narrow()
        };
        let ms = Duration::from_millis(1);
        // The benches' bucket: a billion per second is one unit per nanosecond after the gcd.
        assert!(narrow(1_000, Rate::per_second(1_000_000_000)));
        assert!(narrow(1_000, Rate::per_second(1_000)));
        assert!(narrow(10, Rate::new(10, ms)));
        assert!(narrow(1_000_000, Rate::new(1, Duration::from_secs(3_600))));
        assert!(narrow(100, Rate::per_second(3)), "3 units per ns");
        assert!(
            narrow(100, Rate::new(5, Duration::from_nanos(3))),
            "5 units per ns"
        );
        assert!(
            !narrow(100, Rate::new(6, Duration::from_nanos(7))),
            "6 units per ns"
        );
        assert!(!narrow(2, Rate::new(7, ms)), "7 units per ns");
        assert!(!narrow(2, Rate::per_second(u32::MAX.into())));
        assert!(
            !narrow(u64::MAX, Rate::per_second(1)),
            "a tolerance over 64 bits"
        );
        // The largest tolerance at one unit per ns: (MOVED - 1 - HORIZON_NS) / 2 units.
        let edge = (MOVED - 1 - HORIZON_NS) / 2;
        let one_per_ns = Rate::new(1, Duration::from_nanos(1));
        assert!(narrow(edge, one_per_ns));
        assert!(!narrow(edge + 1, one_per_ns));
    }

    #[test]
    fn past_the_horizon_the_state_moves_to_the_u128_once_and_stays_exact() {
        // One token per ns, capacity 10: narrow until 20 ns before the end of the clock.
        let clock = ManualClock::new();
        let bucket =
            AtomicTokenBucket::new(10, Rate::new(1, Duration::from_nanos(1)), clock.clone())
                .expect("valid");
        let horizon = bucket.narrow.expect("narrow").horizon;
        assert_eq!(horizon, u64::MAX - 21);
        clock.set(horizon);
        assert_eq!(bucket.try_acquire(10), Ok(()));
        assert!(bucket.is_narrow());
        assert_eq!(
            bucket.try_acquire(1),
            Err(AcquireError::Insufficient {
                retry_after: Duration::from_nanos(1)
            })
        );
        clock.set(horizon + 1);
        assert_eq!(bucket.try_acquire(1), Ok(()));
        assert!(
            !bucket.is_narrow(),
            "moved at the first call past the horizon"
        );
        assert_eq!(bucket.available(), 0);
        // Back inside the horizon: still the u128, and the clock behind counts no time.
        clock.set(horizon);
        assert_eq!(
            bucket.try_acquire(1),
            Err(AcquireError::Insufficient {
                retry_after: Duration::from_nanos(2)
            })
        );
        clock.set(u64::MAX);
        assert_eq!(bucket.available(), 10);
        assert_eq!(bucket.try_acquire(10), Ok(()));
        assert!(!bucket.is_narrow());

        // The single-threaded bucket moves the same way.
        let clock = ManualClock::new();
        let mut bucket = TokenBucket::new(10, Rate::new(1, Duration::from_nanos(1)), clock.clone())
            .expect("valid");
        clock.set(horizon);
        assert_eq!(bucket.try_acquire(10), Ok(()));
        assert!(bucket.narrow.is_some());
        clock.set(horizon + 1);
        assert_eq!(bucket.try_acquire(1), Ok(()));
        assert!(bucket.narrow.is_none());
        clock.set(horizon);
        assert_eq!(
            bucket.try_acquire(1),
            Err(AcquireError::Insufficient {
                retry_after: Duration::from_nanos(2)
            })
        );
        assert!(bucket.narrow.is_none());
    }

    #[test]
    fn threads_racing_across_the_horizon_are_granted_no_more_than_the_bucket_holds() {
        // 5 tokens per 3 000 003 ns: 5 units per ns, so the horizon is about 117 years of clock.
        const THREADS: u64 = 4;
        const ATTEMPTS: u64 = 20_000;
        const STEP_NS: u64 = 100_000;
        const CAPACITY: u64 = 20;
        let rate = Rate::new(5, Duration::from_nanos(3_000_003));
        for round in 0..5 {
            let clock = ManualClock::new();
            let bucket =
                Arc::new(AtomicTokenBucket::new(CAPACITY, rate, clock.clone()).expect("valid"));
            let horizon = bucket.narrow.expect("narrow").horizon;
            // Cross the horizon a quarter of the way in.
            let start = horizon - THREADS * ATTEMPTS * STEP_NS / 4;
            clock.set(start);
            let workers: Vec<_> = (0..THREADS)
                .map(|i| {
                    let bucket = Arc::clone(&bucket);
                    let clock = clock.clone();
                    std::thread::spawn(move || {
                        let mut granted = 0;
                        for a in 0..ATTEMPTS {
                            let n = 1 + (a + i) % 2;
                            if bucket.try_acquire(n).is_ok() {
                                granted += n;
                            }
                            clock.advance_nanos(STEP_NS);
                        }
                        granted
                    })
                })
                .collect();
            let granted: u64 = workers.into_iter().map(|w| w.join().expect("worker")).sum();
            assert!(!bucket.is_narrow(), "round {round}: not moved");
            // At most a full bucket plus what flowed in, in whole tokens.
            let elapsed = u128::from(clock.now() - start);
            let bound = u128::from(CAPACITY) + elapsed * 5 / 3_000_003;
            assert!(
                u128::from(granted) <= bound,
                "round {round}: {granted} granted, at most {bound}"
            );
            assert!(
                u128::from(granted) * 10 >= bound * 9,
                "round {round}: only {granted} granted of {bound}"
            );
        }
    }
}
