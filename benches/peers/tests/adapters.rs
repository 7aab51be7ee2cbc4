//! Direct tests of each adapter's mapping onto its crate, apart from the graded suite.

use std::rc::Rc;
use std::time::Duration;

use kata_core::clock::{Clock, ManualClock};
use kata_core::lru::{Cache, CapacityError};
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};
use kata_peers::lru::{LruCrateCache, QuickCacheUnsync, SchnellruCache};
use kata_peers::token_bucket::{GovernorBucket, GovernorClock, RatelimitBucket, RatelimitClock};

// ---- lru ----

/// The behaviour every exact-LRU adapter must show: evictions and replacements come back from
/// `put`, `capacity` is what was asked for, and values are dropped exactly once.
fn exact_lru_mapping<C: Cache<String, Rc<()>>>() {
    assert!(matches!(C::with_capacity(0), Err(CapacityError::Zero)));
    let token = Rc::new(());
    {
        let mut c = C::with_capacity(2).expect("capacity 2");
        assert_eq!(c.capacity(), 2);
        assert!(c.put("a".into(), Rc::clone(&token)).is_none());
        assert!(c.put("b".into(), Rc::clone(&token)).is_none());
        assert!(c.get(&"a".to_owned()).is_some());
        let (key, _) = c.put("a".into(), Rc::clone(&token)).expect("a replaced");
        assert_eq!(key, "a");
        let (key, _) = c.put("c".into(), Rc::clone(&token)).expect("b evicted");
        assert_eq!(key, "b", "b is the least recently used");
        assert_eq!(c.len(), 2);
        assert!(c.peek(&"b".to_owned()).is_none());
        assert!(c.remove(&"a".to_owned()).is_some());
        assert_eq!(Rc::strong_count(&token), 2, "c's value and ours");
    }
    assert_eq!(Rc::strong_count(&token), 1, "all dropped with the cache");
}

#[test]
fn lru_crate_maps_push_and_pop() {
    exact_lru_mapping::<LruCrateCache<String, Rc<()>>>();
}

#[test]
fn schnellru_reports_the_entry_it_makes_room_by_popping() {
    exact_lru_mapping::<SchnellruCache<String, Rc<()>>>();
    // A capacity beyond u32 cannot be expressed.
    let too_big = usize::try_from(u64::from(u32::MAX) + 1);
    if let Ok(too_big) = too_big {
        let result = std::panic::catch_unwind(|| {
            let _ = SchnellruCache::<u8, u8>::with_capacity(too_big);
        });
        assert!(result.is_err(), "a capacity above u32::MAX must panic");
    }
}

#[test]
fn quick_cache_evictions_come_back_through_the_lifecycle_hook() {
    let token = Rc::new(());
    {
        let mut c = QuickCacheUnsync::<u32, Rc<()>>::with_capacity(4).expect("capacity 4");
        let mut evicted = 0;
        for k in 0..100 {
            if let Some((old, _)) = c.put(k, Rc::clone(&token)) {
                assert_ne!(old, k, "a new key never comes back as a replacement");
                evicted += 1;
            }
            assert!(c.len() <= 4, "len {} after {} puts", c.len(), k + 1);
            // Every value is either in the cache or was handed back (and dropped) by put.
            assert_eq!(Rc::strong_count(&token), 1 + c.len());
        }
        assert_eq!(evicted + c.len(), 100, "every put accounted for");
        let present = (0..100).find(|k| c.peek(k).is_some()).expect("one entry");
        assert!(c.put(present, Rc::clone(&token)).is_some(), "replacement");
        assert_eq!(c.remove(&present).map(|_| ()), Some(()));
    }
    assert_eq!(Rc::strong_count(&token), 1);
}

// ---- token-bucket ----

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn governor_clock_reads_the_manual_clock() {
    use governor::clock::Clock as _;
    let clock = ManualClock::starting_at(7);
    let governor_clock = GovernorClock(clock.clone());
    assert_eq!(governor_clock.now().as_u64(), 7);
    clock.advance(Duration::from_millis(5));
    assert_eq!(governor_clock.now().as_u64(), 5_000_007);

    // And a bucket reads its clock through it: a refill follows the manual clock only.
    let b = <GovernorBucket<ManualClock> as ConcurrentRateLimiter<_>>::new(
        2,
        Rate::per_second(1),
        clock.clone(),
    )
    .expect("valid");
    assert_eq!(b.clock().now().as_u64(), clock.now());
    assert_eq!(b.try_acquire(2), Ok(()));
    assert_eq!(b.available(), 0);
    clock.advance(SECOND);
    assert_eq!(b.available(), 1);
    clock.advance(SECOND);
    assert_eq!(b.available(), 2);
}

fn governor(capacity: u64, rate: Rate, clock: &ManualClock) -> GovernorBucket<ManualClock> {
    <GovernorBucket<ManualClock> as RateLimiter<_>>::new(capacity, rate, clock.clone())
        .expect("valid configuration")
}

#[test]
fn governor_maps_refusals_and_capacity() {
    let clock = ManualClock::new();
    let b = governor(3, Rate::per_second(2), &clock);
    assert_eq!(b.capacity(), 3);
    assert_eq!(b.try_acquire(0), Ok(()));
    let exceeds = |requested| AcquireError::ExceedsCapacity {
        requested,
        capacity: 3,
    };
    assert_eq!(b.try_acquire(4), Err(exceeds(4)));
    assert_eq!(b.try_acquire(u64::MAX), Err(exceeds(u64::MAX)));
    assert_eq!(b.try_acquire(3), Ok(()));
    // governor's own wait, from its NotUntil: one interval of 500 ms per missing token.
    assert_eq!(
        b.try_acquire(2),
        Err(AcquireError::Insufficient {
            retry_after: Duration::from_secs(1)
        })
    );
    clock.advance(Duration::from_millis(250));
    assert_eq!(
        b.try_acquire(1),
        Err(AcquireError::Insufficient {
            retry_after: Duration::from_millis(250)
        })
    );
    // Refused configurations, which governor's types cannot even express.
    for (capacity, rate, error) in [
        (0, Rate::per_second(1), ConfigError::ZeroCapacity),
        (1, Rate::per_second(0), ConfigError::ZeroRate),
        (1, Rate::new(1, Duration::ZERO), ConfigError::ZeroPeriod),
        (1, Rate::new(1, Duration::MAX), ConfigError::PeriodTooLong),
    ] {
        let got =
            <GovernorBucket<ManualClock> as RateLimiter<_>>::new(capacity, rate, clock.clone());
        assert_eq!(got.err(), Some(error));
    }
}

#[test]
#[should_panic(expected = "burst size is a u32")]
fn governor_cannot_hold_more_than_u32_max_tokens() {
    governor(
        u64::from(u32::MAX) + 1,
        Rate::per_second(1),
        &ManualClock::new(),
    );
}

/// A governor bucket after `history`: (nanoseconds to advance, tokens to ask for) pairs.
fn governor_after(
    capacity: u64,
    rate: Rate,
    history: &[(u64, u64)],
) -> GovernorBucket<ManualClock> {
    let clock = ManualClock::new();
    let b = governor(capacity, rate, &clock);
    for &(advance, take) in history {
        clock.advance_nanos(advance);
        let _ = b.try_acquire(take);
    }
    b
}

/// `available()` reads governor's state; what it says must be what governor's own `check_n`
/// then grants, on twin buckets that saw the same history.
#[test]
fn governor_available_agrees_with_its_check() {
    let rates = [
        Rate::per_second(1),
        Rate::per_second(3),
        Rate::new(7, Duration::from_millis(1)),
        Rate::new(5, Duration::from_nanos(3)),
    ];
    let history = [
        (0, 4),
        (1, 0),
        (999, 1),
        (142_857, 1),
        (333_333_333, 2),
        (1, 1),
        (1_000_000_000, 0),
        (7, 3),
    ];
    for rate in rates {
        for capacity in [1u64, 4] {
            for len in 0..=history.len() {
                let past = &history[..len];
                let k = governor_after(capacity, rate, past).available();
                assert!(k <= capacity);
                let at = format!("{rate}, capacity {capacity}, after {past:?}");
                if k > 0 {
                    let twin = governor_after(capacity, rate, past);
                    assert_eq!(twin.try_acquire(k), Ok(()), "{at}: available() = {k}");
                }
                if k < capacity {
                    let twin = governor_after(capacity, rate, past);
                    assert!(twin.try_acquire(k + 1).is_err(), "{at}: available() = {k}");
                }
            }
        }
    }
}

fn ratelimit(capacity: u64, rate: Rate, clock: &ManualClock) -> RatelimitBucket<ManualClock> {
    <RatelimitBucket<ManualClock> as RateLimiter<_>>::new(capacity, rate, clock.clone())
        .expect("valid configuration")
}

#[test]
fn ratelimit_clock_counts_from_the_bucket_s_birth() {
    use ratelimit::Clock as _;
    let clock = ManualClock::starting_at(1_000);
    let rl_clock = RatelimitClock {
        clock: clock.clone(),
        epoch: clock.now(),
    };
    assert_eq!(rl_clock.elapsed(), Duration::ZERO);
    clock.advance(Duration::from_micros(3));
    assert_eq!(rl_clock.elapsed(), Duration::from_micros(3));

    // A bucket built late on the manual clock refills from then, not from the clock's zero: the
    // ten seconds before its birth must not count as refill time.
    clock.set(10_000_000_000);
    let b = ratelimit(2, Rate::per_second(1), &clock);
    assert_eq!(b.available(), 2, "starts full");
    assert_eq!(b.try_acquire(2), Ok(()));
    assert_eq!(
        b.try_acquire(1),
        Err(AcquireError::Insufficient {
            retry_after: SECOND
        })
    );
    clock.advance(SECOND);
    assert_eq!(b.try_acquire(1), Ok(()));
    assert!(b.try_acquire(1).is_err());
}

#[test]
fn ratelimit_maps_refusals_and_configuration() {
    let clock = ManualClock::new();
    let b = ratelimit(3, Rate::per_second(2), &clock);
    assert_eq!(b.capacity(), 3);
    assert_eq!(
        b.try_acquire(4),
        Err(AcquireError::ExceedsCapacity {
            requested: 4,
            capacity: 3
        })
    );
    assert_eq!(b.try_acquire(3), Ok(()));
    assert_eq!(
        b.try_acquire(2),
        Err(AcquireError::Insufficient {
            retry_after: Duration::from_secs(1)
        })
    );
    // available() is the crate's: stale until try_acquire refills.
    clock.advance(SECOND);
    assert_eq!(b.available(), 0, "ratelimit refills only inside try_wait_n");
    assert_eq!(b.try_acquire(1), Ok(()));
    assert_eq!(b.available(), 1);
    // A rate of 0 is "unlimited" to ratelimit; the kata refuses it.
    for (capacity, rate, error) in [
        (0, Rate::per_second(1), ConfigError::ZeroCapacity),
        (1, Rate::per_second(0), ConfigError::ZeroRate),
        (1, Rate::new(1, Duration::ZERO), ConfigError::ZeroPeriod),
        (1, Rate::new(1, Duration::MAX), ConfigError::PeriodTooLong),
    ] {
        let got = <RatelimitBucket<ManualClock> as ConcurrentRateLimiter<_>>::new(
            capacity,
            rate,
            clock.clone(),
        );
        assert_eq!(got.err(), Some(error));
    }
}
