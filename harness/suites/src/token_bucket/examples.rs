//! Stage 1 of `token-bucket`: scenarios that read like the specification.

use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};

use super::TokenBucketFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

type B<F> = <F as TokenBucketFamily>::Bucket<ManualClock>;
type A<F> = <F as TokenBucketFamily>::Atomic<ManualClock>;

fn retry(d: Duration) -> Result<(), AcquireError> {
    Err(AcquireError::Insufficient { retry_after: d })
}

fn bucket<F: TokenBucketFamily>(capacity: u64, rate: Rate) -> Result<(B<F>, ManualClock), String> {
    let clock = ManualClock::new();
    let b = B::<F>::new(capacity, rate, clock.clone())
        .map_err(|e| format!("TokenBucket::new({capacity}, {rate}, clock) failed: {e}"))?;
    Ok((b, clock))
}

const MS: Duration = Duration::from_millis(1);

/// `try_acquire` of either variant.
type Acquire<'a> = dyn FnMut(u64) -> Result<(), AcquireError> + 'a;

/// At 3 tokens per second, 333 333 333 ns after a bucket of 1 was emptied: a third of a
/// nanosecond is missing, so the retry hint is 1 ns (rounded up), and 1 ns later the token is there.
fn a_third_of_a_nanosecond(acquire: &mut Acquire, clock: &ManualClock) -> Outcome {
    ensure_eq!(
        acquire(1),
        retry(Duration::from_nanos(1)),
        "try_acquire(1) after 333 333 333 ns: 1/3 ns is missing, rounded up to 1 ns"
    );
    clock.advance_nanos(1);
    ensure_eq!(acquire(1), Ok(()), "try_acquire(1) after 333 333 334 ns");
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: TokenBucketFamily>(ctx: &mut Ctx) {
    ctx.check("bad configurations are refused with clear errors", || {
        let clock = ManualClock::new();
        let cases = [
            (
                0,
                Rate::per_second(1),
                ConfigError::ZeroCapacity,
                "capacity 0",
            ),
            (
                5,
                Rate::per_second(0),
                ConfigError::ZeroRate,
                "rate of 0 tokens per second",
            ),
            (
                5,
                Rate::new(1, Duration::ZERO),
                ConfigError::ZeroPeriod,
                "period of zero",
            ),
            (
                5,
                Rate::new(1, Duration::MAX),
                ConfigError::PeriodTooLong,
                "period of Duration::MAX",
            ),
        ];
        for (capacity, rate, expected, what) in cases {
            let got = B::<F>::new(capacity, rate, clock.clone()).err();
            ensure_eq!(got, Some(expected), "TokenBucket::new with a {what}");
            let got = A::<F>::new(capacity, rate, clock.clone()).err();
            ensure_eq!(got, Some(expected), "AtomicTokenBucket::new with a {what}");
        }
        Ok(())
    });

    ctx.check("a new bucket is full", || {
        let (mut b, _clock) = bucket::<F>(5, Rate::per_second(1))?;
        ensure_eq!(b.capacity(), 5, "capacity()");
        ensure_eq!(b.available(), 5, "available() of a new bucket");
        ensure_eq!(
            b.try_acquire(5),
            Ok(()),
            "try_acquire(5) on a full bucket of 5"
        );
        ensure_eq!(b.available(), 0, "available() after taking all 5");
        Ok(())
    });

    ctx.check("a refusal says exactly when to retry", || {
        let (mut b, clock) = bucket::<F>(2, Rate::per_second(1))?;
        ensure_eq!(
            b.try_acquire(2),
            Ok(()),
            "try_acquire(2) on a full bucket of 2"
        );
        ensure_eq!(
            b.try_acquire(1),
            retry(Duration::from_secs(1)),
            "try_acquire(1) when empty, 1 token/s"
        );
        clock.advance(999 * MS);
        ensure_eq!(b.try_acquire(1), retry(MS), "try_acquire(1) 999 ms later");
        clock.advance(MS);
        ensure_eq!(b.try_acquire(1), Ok(()), "try_acquire(1) exactly 1 s later");
        ensure_eq!(
            b.try_acquire(2),
            retry(Duration::from_secs(2)),
            "try_acquire(2) when empty"
        );
        Ok(())
    });

    ctx.check("fractions of a token are kept, not rounded away", || {
        // 3 tokens per second: one token every 333 333 333.3 ns.
        let (mut b, clock) = bucket::<F>(1, Rate::per_second(3))?;
        ensure_eq!(b.try_acquire(1), Ok(()), "try_acquire(1)");
        clock.advance_nanos(333_333_333);
        ensure_eq!(
            b.available(),
            0,
            "available() after 333 333 333 ns (0.999999999 tokens)"
        );
        a_third_of_a_nanosecond(&mut |n| b.try_acquire(n), &clock)?;
        // Many tiny steps add up exactly: 1 000 steps of 1 ms at 3 tokens/s make 3 tokens.
        let (mut b, clock) = bucket::<F>(3, Rate::per_second(3))?;
        ensure_eq!(b.try_acquire(3), Ok(()), "try_acquire(3)");
        for _ in 0..1_000 {
            clock.advance(MS);
            let _ = b.available();
        }
        ensure_eq!(
            b.available(),
            3,
            "available() after 1 000 steps of 1 ms at 3 tokens/s"
        );
        Ok(())
    });

    ctx.check("the bucket never holds more than its capacity", || {
        let (mut b, clock) = bucket::<F>(3, Rate::per_second(10))?;
        clock.advance(Duration::from_secs(3_600));
        ensure_eq!(b.available(), 3, "available() after an hour idle");
        ensure_eq!(
            b.try_acquire(4),
            Err(AcquireError::ExceedsCapacity {
                requested: 4,
                capacity: 3
            }),
            "try_acquire(4) on a bucket of capacity 3"
        );
        ensure_eq!(
            b.try_acquire(3),
            Ok(()),
            "try_acquire(3) after an hour idle"
        );
        ensure_eq!(
            b.try_acquire(1),
            retry(100 * MS),
            "try_acquire(1) right after, 10 tokens/s"
        );
        Ok(())
    });

    ctx.check(
        "a refused request takes nothing; asking for 0 always succeeds",
        || {
            let (mut b, _clock) = bucket::<F>(4, Rate::per_second(1))?;
            ensure_eq!(b.try_acquire(3), Ok(()), "try_acquire(3) of 4");
            ensure!(
                b.try_acquire(2).is_err(),
                "try_acquire(2) with 1 token left must be refused"
            );
            ensure_eq!(b.available(), 1, "available() after the refusal");
            ensure_eq!(b.try_acquire(1), Ok(()), "try_acquire(1) with 1 token left");
            ensure_eq!(
                b.try_acquire(0),
                Ok(()),
                "try_acquire(0) on an empty bucket"
            );
            Ok(())
        },
    );

    ctx.check(
        "no drift: a client that waits as told gets exactly capacity + rate x time",
        || {
            // 3 tokens per microsecond for one second: a token every 333.33 ns, which no whole
            // number of nanoseconds represents. Rounding the cost per token either way drifts by
            // thousands of tokens.
            let rate = Rate::new(3, Duration::from_micros(1));
            let (mut b, clock) = bucket::<F>(10, rate)?;
            let end = 1_000_000_000u64;
            let mut granted = 0u64;
            let mut now = 0u64;
            // The wait a refusal asked for, until a grant: a client that waited as told must be
            // granted, so a second refusal in a row means the hint was too short (and, 1 ns at
            // a time, would make this loop run for minutes).
            let mut told: Option<(u64, u64)> = None;
            loop {
                match b.try_acquire(1) {
                    Ok(()) => {
                        granted += 1;
                        told = None;
                    }
                    Err(AcquireError::Insufficient { retry_after }) => {
                        let wait = u64::try_from(retry_after.as_nanos()).unwrap_or(u64::MAX);
                        ensure!(
                            wait > 0,
                            "Insufficient with a retry_after of zero at {now} ns"
                        );
                        if let Some((at, waited)) = told {
                            return Err(format!(
                                "at {at} ns, try_acquire(1) was told to retry after {waited} ns; \
                                 retried at {now} ns, it was refused again (retry_after {wait} \
                                 ns): retry_after must be the whole wait"
                            ));
                        }
                        told = Some((now, wait));
                        now = now.saturating_add(wait);
                        if now > end {
                            break;
                        }
                        clock.set(now);
                    }
                    Err(e) => return Err(format!("try_acquire(1) at {now} ns: unexpected {e:?}")),
                }
                ensure!(
                    granted <= 3_000_010,
                    "more than 3 000 010 tokens granted within 1 s"
                );
            }
            ensure_eq!(
                granted,
                3_000_010,
                "tokens granted in 1 s at 3 per µs with capacity 10"
            );
            Ok(())
        },
    );

    ctx.check("the atomic bucket follows the same rules", || {
        let clock = ManualClock::new();
        let b = A::<F>::new(2, Rate::per_second(1), clock.clone())
            .map_err(|e| format!("AtomicTokenBucket::new(2, 1 per second): {e}"))?;
        ensure_eq!(b.capacity(), 2, "capacity()");
        ensure_eq!(b.available(), 2, "available() of a new bucket");
        ensure_eq!(b.try_acquire(2), Ok(()), "try_acquire(2)");
        ensure_eq!(
            b.try_acquire(1),
            retry(Duration::from_secs(1)),
            "try_acquire(1) when empty"
        );
        ensure_eq!(
            b.try_acquire(3),
            Err(AcquireError::ExceedsCapacity {
                requested: 3,
                capacity: 2
            }),
            "try_acquire(3) on capacity 2"
        );
        clock.advance(Duration::from_millis(1_500));
        ensure_eq!(b.available(), 1, "available() 1.5 s later");
        ensure_eq!(b.try_acquire(1), Ok(()), "try_acquire(1) 1.5 s later");
        ensure_eq!(
            b.try_acquire(1),
            retry(500 * MS),
            "try_acquire(1) then (half a token there)"
        );
        ensure_eq!(b.try_acquire(0), Ok(()), "try_acquire(0)");
        Ok(())
    });

    ctx.check(
        "the atomic bucket keeps fractions and rounds its retry hint up",
        || {
            // 3 tokens per second: one token every 333 333 333.3 ns.
            let clock = ManualClock::new();
            let b = A::<F>::new(1, Rate::per_second(3), clock.clone())
                .map_err(|e| format!("AtomicTokenBucket::new(1, 3 per second): {e}"))?;
            ensure_eq!(b.try_acquire(1), Ok(()), "try_acquire(1)");
            ensure_eq!(
                b.try_acquire(1),
                retry(Duration::from_nanos(333_333_334)),
                "try_acquire(1) at once: 333 333 333.3 ns to wait, rounded up"
            );
            clock.advance_nanos(333_333_333);
            a_third_of_a_nanosecond(&mut |n| b.try_acquire(n), &clock)
        },
    );

    ctx.check(
        "the atomic bucket is lock-free: no call takes a lock",
        || {
            use super::properties::lock_free;
            let clock = ManualClock::new();
            let b = lock_free("new", || A::<F>::new(2, Rate::per_second(1), clock.clone()))?
                .map_err(|e| format!("AtomicTokenBucket::new(2, 1 per second): {e}"))?;
            let _ = lock_free("try_acquire(2)", || b.try_acquire(2))?;
            let _ = lock_free("try_acquire(1) when empty", || b.try_acquire(1))?;
            let _ = lock_free("try_acquire(3) above capacity", || b.try_acquire(3))?;
            lock_free("available()", || b.available())?;
            lock_free("capacity()", || b.capacity())?;
            Ok(())
        },
    );

    ctx.check(
        "a clock that steps back is no error, and no time is credited twice",
        || {
            // The rule (kata_core::clock): a reading earlier than the latest one seen counts as
            // no time passing. A bucket may grant less while the clock is behind, never more.
            let rate = Rate::per_second(1);
            let clock = ManualClock::new();
            let mut b = B::<F>::new(10, rate, clock.clone())
                .map_err(|e| format!("TokenBucket::new(10, 1 per second): {e}"))?;
            let a = A::<F>::new(10, rate, clock.clone())
                .map_err(|e| format!("AtomicTokenBucket::new(10, 1 per second): {e}"))?;
            let mut buckets: [(&str, &mut Acquire); 2] = [
                ("TokenBucket", &mut |n| b.try_acquire(n)),
                ("AtomicTokenBucket", &mut |n| a.try_acquire(n)),
            ];
            let secs = |s: u64| s * 1_000_000_000;
            for (name, acquire) in &mut buckets {
                clock.set(secs(100));
                ensure_eq!(acquire(1), Ok(()), "{name}: try_acquire(1) at 100 s");
                clock.set(secs(50));
                let mut granted = 1;
                for _ in 0..20 {
                    match acquire(1) {
                        Ok(()) => granted += 1,
                        Err(AcquireError::Insufficient { .. }) => break,
                        Err(e) => return Err(format!(
                            "{name}: try_acquire(1) with the clock set back to 50 s: unexpected {e:?}"
                        )),
                    }
                }
                clock.set(secs(100));
                for _ in 0..20 {
                    if acquire(1).is_err() {
                        break;
                    }
                    granted += 1;
                }
                ensure!(
                    granted <= 10,
                    "{name} of capacity 10 at 1 token/s granted {granted} tokens at the clock \
                     readings 100 s, 50 s, 100 s: the 50 s between the two readings of 100 s were \
                     credited again. A reading earlier than the latest one must count as no time \
                     passing"
                );
                clock.set(secs(101));
                ensure_eq!(
                    acquire(1),
                    Ok(()),
                    "{name}: try_acquire(1) at 101 s, 1 s after the latest reading"
                );
                ensure!(
                    acquire(1).is_err(),
                    "{name}: a second try_acquire(1) at 101 s must be refused (one token refilled)"
                );
                clock.set(0);
            }
            Ok(())
        },
    );
}
