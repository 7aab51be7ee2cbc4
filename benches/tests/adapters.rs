//! Direct tests of each adapter's mapping onto its crate, apart from the graded suite.

use std::rc::Rc;
use std::time::Duration;

use kata_core::clock::{Clock, ManualClock};
use kata_core::lfu::{Cache as _, ForgetfulCache};
use kata_core::lru::{Cache, CapacityError};
use kata_core::token_bucket::{
    AcquireError, ConcurrentRateLimiter, ConfigError, Rate, RateLimiter,
};
use kata_peers::lfu::{LfuCrateCache, MokaForgetful, QuickCacheForgetful};
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

// ---- lfu ----

#[test]
fn lfu_cache_maps_the_exact_calls_and_reads_the_victim_s_key_first() {
    assert!(matches!(
        LfuCrateCache::<u8, u8>::with_capacity(0),
        Err(CapacityError::Zero)
    ));
    let token = Rc::new(());
    {
        let mut c = LfuCrateCache::<String, Rc<()>>::with_capacity(2).expect("capacity 2");
        assert_eq!(c.capacity(), 2);
        assert!(c.put("a".into(), Rc::clone(&token)).is_none());
        assert!(c.put("b".into(), Rc::clone(&token)).is_none());
        // A replacement counts a use (through get_mut), as the kata's put does: a is at 2 now.
        let (key, _) = c.put("a".into(), Rc::clone(&token)).expect("a replaced");
        assert_eq!(key, "a");
        let (key, _) = c.put("c".into(), Rc::clone(&token)).expect("b evicted");
        assert_eq!(key, "b", "b has the lowest count");
        assert_eq!(c.len(), 2);
        // peek finds what is held (walking the entries) and counts nothing.
        assert!(c.peek(&"b".to_owned()).is_none());
        for _ in 0..3 {
            assert!(c.peek(&"c".to_owned()).is_some());
        }
        assert_eq!(
            c.frequency(&"b".to_owned()),
            None,
            "a key not held has no count"
        );
        let (key, _) = c.put("d".into(), Rc::clone(&token)).expect("c evicted");
        assert_eq!(key, "c", "peeks are no uses: c is still at 1, a at 2");
        assert!(c.remove(&"a".to_owned()).is_some());
        assert_eq!(Rc::strong_count(&token), 2, "d's value and ours");
    }
    assert_eq!(Rc::strong_count(&token), 1, "all dropped with the cache");
}

#[test]
fn lfu_cache_breaks_ties_by_evicting_the_most_recently_used() {
    let mut c = LfuCrateCache::<&str, u8>::with_capacity(2).expect("capacity 2");
    c.put("a", 1);
    c.put("b", 2);
    // Both at the lowest count: the kata evicts a (least recently used), lfu_cache b.
    assert_eq!(c.put("c", 3), Some(("b", 2)));
    // The same after uses: a and c both used once more, c last.
    c.get(&"a");
    c.get(&"c");
    assert_eq!(c.put("d", 4), Some(("c", 3)));
}

#[test]
#[should_panic(expected = "has no call that reads one key's count")]
fn lfu_cache_cannot_read_a_held_key_s_count() {
    let mut c = LfuCrateCache::<u8, u8>::with_capacity(2).expect("capacity 2");
    c.put(1, 1);
    let _ = c.frequency(&1);
}

/// The behaviour every forgetting adapter must show on a long run of new keys: `put` returns
/// `None` while there is room and one entry (never a held one twice) once full, what it returns
/// is no longer held, what it does not return still is, and values are dropped exactly once.
fn forgets_and_says_so<C: ForgetfulCache<u32, Rc<()>>>(capacity: usize, keys: u32) -> usize {
    assert!(matches!(C::with_capacity(0), Err(CapacityError::Zero)));
    let token = Rc::new(());
    let mut returned = 0;
    {
        let mut c = C::with_capacity(capacity).expect("capacity");
        assert_eq!(c.capacity(), capacity);
        let mut held = std::collections::BTreeSet::new();
        for k in 0..keys {
            // A popular key now and then, so that frequency has something to see.
            let k = if k % 3 == 0 { k % 7 } else { k };
            if c.get(&k).is_some() {
                assert!(held.contains(&k), "a hit on {k}, which is not held");
                continue;
            }
            assert!(!held.contains(&k), "a miss on {k}, which is held");
            match c.put(k, Rc::clone(&token)) {
                None => {
                    assert!(
                        held.len() < capacity,
                        "put({k}) returned None in a full cache"
                    );
                    held.insert(k);
                }
                Some((out, _)) => {
                    returned += 1;
                    assert!(
                        out == k || held.remove(&out),
                        "put({k}) returned {out}, not held"
                    );
                    if out != k {
                        held.insert(k);
                    }
                }
            }
            assert_eq!(c.len(), held.len(), "len after put({k})");
            assert_eq!(Rc::strong_count(&token), 1 + c.len());
        }
        for k in &held {
            assert!(c.peek(k).is_some(), "{k} was never returned, so it is held");
        }
        let k = *held.iter().next().expect("an entry");
        assert!(c.put(k, Rc::clone(&token)).is_some(), "replacement");
        assert!(c.remove(&k).is_some());
        assert!(c.peek(&k).is_none());
    }
    assert_eq!(Rc::strong_count(&token), 1);
    returned
}

#[test]
fn moka_evictions_come_back_through_the_eviction_listener() {
    let returned = forgets_and_says_so::<MokaForgetful<u32, Rc<()>>>(64, 2_000);
    assert!(returned > 1_000, "{returned} entries returned");
}

#[test]
fn quick_cache_as_a_cache_that_forgets_reports_evictions_through_the_lifecycle_hook() {
    // At capacity 2 quick_cache never evicts two at once (measured); see below for 4.
    let returned = forgets_and_says_so::<QuickCacheForgetful<u32, Rc<()>>>(2, 2_000);
    assert!(returned > 1_000, "{returned} entries returned");
}

#[test]
fn quick_cache_as_a_cache_that_forgets_can_push_out_two_entries_with_one_put() {
    // The properties stage's minimal case: the last put evicts 0 and does not keep 6.
    let mut c = QuickCacheForgetful::<u8, u16>::with_capacity(2).expect("capacity 2");
    for _ in 0..3 {
        assert_eq!(c.get(&0), None);
    }
    assert_eq!(c.put(0, 0), None);
    assert_eq!(c.put(6, 0), None);
    assert_eq!(c.put(7, 0), Some((6, 0)));
    assert_eq!(c.put(7, 0), Some((7, 0)), "replaced");
    assert_eq!(c.put(6, 0), Some((0, 0)));
    assert_eq!(c.peek(&6), None, "6 left too, unannounced");
    assert_eq!(c.len(), 1, "below capacity after a put into a full cache");
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

// ---- leaky-bucket ----

/// The shaper's reference and the meter, on one manual clock.
type LeakyReference = leaky_bucket_solution::LeakyBucket<u64, ManualClock>;

/// The meter admits exactly what the shaper admits: the same offers accepted and refused, with
/// the same `retry_after`, on random traffic at rates whose interval is and is not a whole number
/// of nanoseconds, with the clock sometimes set back. Only the departure instants differ: the
/// meter's is always the offer's own.
#[test]
fn the_token_bucket_meter_admits_exactly_what_the_shaper_admits() {
    use kata_core::leaky_bucket::Shaper;
    use kata_peers::leaky_bucket::TokenBucketMeter;
    use kata_suites::measure::SplitMix64;

    let mut rng = SplitMix64::new(0x1EA4);
    let rates = [
        kata_core::leaky_bucket::Rate::new(10, SECOND),
        kata_core::leaky_bucket::Rate::new(3, SECOND),
        kata_core::leaky_bucket::Rate::new(7, Duration::from_nanos(1_000)),
        kata_core::leaky_bucket::Rate::new(1, Duration::from_nanos(3)),
    ];
    let (mut accepted, mut refused) = (0u32, 0u32);
    for rate in rates {
        for capacity in [1usize, 2, 5, 64] {
            let clock = ManualClock::starting_at(1_000);
            let mut shaper = LeakyReference::new(capacity, rate, clock.clone()).expect("valid");
            let mut meter =
                TokenBucketMeter::<u64, _>::new(capacity, rate, clock.clone()).expect("valid");
            let interval = (rate.period.as_nanos() / u128::from(rate.tokens)).max(1) as u64;
            for item in 0..2_000u64 {
                match rng.below(8) {
                    0 => clock.advance_nanos(rng.below(interval * 8)),
                    1 => clock.advance_nanos(rng.below(interval / 2 + 1)),
                    // Back, once both have acted on a reading (the meter's token bucket counts
                    // from the reading it was built at, the shaper from its first offer).
                    2 if item > 0 => clock.set(clock.now().saturating_sub(rng.below(interval) + 1)),
                    _ => {}
                }
                let now = clock.now();
                let (s, m) = (shaper.offer(item), meter.offer(item));
                let what = format!("rate {rate:?}, capacity {capacity}, offer {item} at {now}");
                match (s, m) {
                    (Ok(departs), Ok(at)) => {
                        assert!(departs >= at, "{what}: the shaper's item leaves no earlier");
                        assert_eq!(meter.poll(), Some(item), "{what}: polled at once");
                        assert_eq!(meter.level(), 0, "{what}");
                        accepted += 1;
                    }
                    (Err(s), Err(m)) => {
                        assert_eq!((s.item, s.retry_after), (m.item, m.retry_after), "{what}");
                        refused += 1;
                    }
                    (s, m) => panic!("{what}: the shaper said {s:?}, the meter {m:?}"),
                }
                while shaper.poll().is_some() {}
            }
        }
    }
    assert!(
        accepted > 5_000 && refused > 5_000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn the_token_bucket_meter_lets_a_burst_through_at_once_and_maps_its_configuration() {
    use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Rate, Shaper};
    use kata_peers::leaky_bucket::{ConcurrentTokenBucketMeter, TokenBucketMeter};

    let ten = Rate::new(10, SECOND);
    let clock = ManualClock::starting_at(5);
    let mut m = TokenBucketMeter::<u32, _>::new(2, ten, clock.clone()).expect("valid");
    assert_eq!(m.capacity(), 2);
    // Capacity 2: three items at once (the shaper's one leaving and two waiting), all at 5 ns.
    assert_eq!((m.offer(1), m.offer(2), m.offer(3)), (Ok(5), Ok(5), Ok(5)));
    let full = m.offer(4).expect_err("no token left");
    assert_eq!(
        (full.item, full.retry_after),
        (4, Duration::from_millis(100))
    );
    assert_eq!((m.level(), m.next_departure()), (0, Some(5)));
    assert_eq!(
        (m.poll(), m.poll(), m.poll(), m.poll()),
        (Some(1), Some(2), Some(3), None)
    );
    assert_eq!(m.next_departure(), None);
    clock.advance(Duration::from_millis(100));
    assert_eq!(m.offer(4), Ok(100_000_005));

    let c = ConcurrentTokenBucketMeter::<u32, _>::new(1, ten, clock.clone()).expect("valid");
    assert_eq!((c.offer(1), c.offer(2)), (Ok(100_000_005), Ok(100_000_005)));
    assert!(c.offer(3).is_err());
    assert_eq!((c.poll(), c.poll(), c.poll()), (Some(1), Some(2), None));

    let new = |capacity, rate| TokenBucketMeter::<u32, _>::new(capacity, rate, clock.clone());
    assert_eq!(
        new(0, Rate::new(0, Duration::ZERO)).err(),
        Some(ConfigError::ZeroCapacity)
    );
    assert_eq!(
        new(1, Rate::new(0, Duration::ZERO)).err(),
        Some(ConfigError::ZeroRate)
    );
    assert_eq!(
        new(1, Rate::new(1, Duration::ZERO)).err(),
        Some(ConfigError::ZeroPeriod)
    );
    assert_eq!(
        new(1, Rate::new(1, Duration::MAX)).err(),
        Some(ConfigError::PeriodTooLong)
    );
    // The bucket holds capacity + 1 tokens, saturating.
    assert_eq!(
        new(usize::MAX, ten).map(|m| m.capacity()).ok(),
        Some(usize::MAX)
    );
}

// ---- sliding-window ----

#[test]
fn governor_window_is_gcra_on_the_instants_it_is_handed() {
    use kata_core::sliding_window::{ConfigError, WindowLimiter};
    use kata_peers::sliding_window::GovernorWindow;

    // 3 per 300 ns: a burst of 3, then one cell every 100 ns.
    let mut w = GovernorWindow::new(3, Duration::from_nanos(300)).expect("valid");
    assert_eq!((w.limit(), w.window()), (3, Duration::from_nanos(300)));
    assert!(w.is_idle(0), "never used");
    let burst: Vec<bool> = (0..4).map(|_| w.try_acquire(1_000)).collect();
    assert_eq!(burst, [true, true, true, false]);
    assert!(!w.is_idle(1_000) && !w.is_idle(1_299));
    // A window would refuse until 1 300; GCRA has a cell again at 1 100.
    assert!(!w.try_acquire(1_099));
    assert!(w.try_acquire(1_100));
    assert!(!w.try_acquire(1_100));
    // Its theoretical arrival time is now 1 400: idle from then on.
    assert!(!w.is_idle(1_399) && w.is_idle(1_400));
    // A time earlier than one seen never un-counts.
    assert!(!w.try_acquire(500));

    let new = |limit, ns| GovernorWindow::new(limit, Duration::from_nanos(ns)).err();
    assert_eq!(new(0, 0), Some(ConfigError::ZeroLimit));
    assert_eq!(new(1, 0), Some(ConfigError::ZeroWindow));
    assert_eq!(
        GovernorWindow::new(1, Duration::MAX).err(),
        Some(ConfigError::WindowTooLong)
    );
    // A limit beyond a u32 cannot be governor's burst.
    let too_big = std::panic::catch_unwind(|| GovernorWindow::new(1 << 32, SECOND));
    assert!(too_big.is_err(), "a limit above u32::MAX must panic");
}

/// governor's keyed limiter: it keeps the keys apart, and forgets a key within three windows of
/// its last request.
#[test]
fn governor_keyed_decides_per_key_and_forgets_idle_keys() {
    use kata_core::sliding_window::KeyedLimiter;
    use kata_peers::sliding_window::{GovernorKeyed, GovernorWindow};
    use kata_suites::measure::SplitMix64;

    const W: u64 = 1_000;
    let clock = ManualClock::new();
    let window = Duration::from_nanos(W);
    let keyed =
        GovernorKeyed::<u64, GovernorWindow, _>::new(2, window, clock.clone()).expect("valid");
    // Two requests per key at once, a third refused, other keys untouched.
    for key in [1u64, 2] {
        for expected in [true, true, false] {
            assert_eq!(keyed.try_acquire(&key), expected, "key {key}");
        }
    }
    assert_eq!(keyed.len(), 2);
    let mut rng = SplitMix64::new(0x5EED);
    // The last request of each key: keys 1 and 2 at 0.
    let mut last: [Option<u64>; 8] = [None, Some(0), Some(0), None, None, None, None, None];
    for _ in 0..5_000 {
        clock.advance_nanos(rng.below(W / 4));
        // Low keys often, high keys rarely: these go idle and are forgotten.
        let span = 1 + rng.below(8);
        let key = rng.below(span);
        let now = clock.now();
        let _ = keyed.try_acquire(&key);
        last[key as usize] = Some(now);
        // No key whose last request came at or before now - 3W is held.
        let recent = last
            .iter()
            .flatten()
            .filter(|&&at| at + 3 * W > now)
            .count();
        assert!(
            keyed.len() <= recent,
            "{} keys held at {now}, {recent} requested within three windows",
            keyed.len()
        );
    }
    // Idle for three windows: one request sweeps every other key away.
    clock.advance_nanos(3 * W);
    assert!(keyed.try_acquire(&9));
    assert_eq!(keyed.len(), 1);
}

// ---- bloom-filter ----

/// What every Bloom adapter must do with its crate: no false negatives, insert's "already there"
/// answer, the same positions for a `str` and its `String`, two filters of one shape built apart
/// hashing alike (so `union` means something), a shape mismatch refused and the filter
/// unchanged, and the kata's configuration errors in the kata's order.
fn bloom_mapping<F: kata_core::bloom_filter::Filter>(name: &str) {
    use kata_core::bloom_filter::{ConfigError, MAX_BITS, MAX_HASHES};

    let mut a = F::with_rate(1_000, 0.01).expect("a valid rate");
    assert!(a.bits() >= 9_586, "{name}: {} bits", a.bits());
    assert_eq!(a.bits_set(), 0);
    assert!(!a.insert("abc"), "{name}: a new item");
    assert!(
        a.insert(&String::from("abc")),
        "{name}: str and String hash alike"
    );
    let set = a.bits_set();
    assert!(
        (1..=u64::from(a.hashes())).contains(&set),
        "{name}: {set} bits set"
    );
    let mut b = F::with_rate(1_000, 0.01).expect("a valid rate");
    for i in 0..500u64 {
        a.insert(&i);
        b.insert(&(i + 500));
    }
    assert!((0..500u64).all(|i| a.contains(&i) && b.contains(&(i + 500))));
    let absent = (10_000..20_000u64).filter(|i| a.contains(i)).count();
    assert!(absent < 300, "{name}: {absent} false positives in 10 000");
    a.union(&b).expect("one shape");
    assert!((0..1_000u64).all(|i| a.contains(&i)), "{name}: the union");
    let estimate = a.estimated_items();
    assert!(
        (900.0..1_150.0).contains(&estimate),
        "{name}: {estimate} items estimated for 1 001"
    );
    let other = F::with_shape(a.bits() + 4_096, a.hashes()).expect("a valid shape");
    let before = a.bits_set();
    let mismatch = a.union(&other).expect_err("another shape");
    assert_eq!(mismatch.ours, (a.bits(), a.hashes()));
    assert_eq!(a.bits_set(), before, "{name}: unchanged");

    let rate = |n, p| F::with_rate(n, p).err();
    assert_eq!(rate(0, f64::NAN), Some(ConfigError::ZeroItems));
    for p in [0.0, 1.0, -0.5, f64::NAN] {
        assert_eq!(rate(1, p), Some(ConfigError::RateOutOfRange), "{name}: {p}");
    }
    assert_eq!(rate(1 << 40, 1e-300), Some(ConfigError::TooManyBits));
    assert_eq!(rate(1, 1e-25), Some(ConfigError::TooManyHashes));
    let shape = |m, k| F::with_shape(m, k).err();
    assert_eq!(shape(0, 0), Some(ConfigError::ZeroBits));
    assert_eq!(shape(1, 0), Some(ConfigError::ZeroHashes));
    assert_eq!(
        shape(MAX_BITS + 1, MAX_HASHES + 1),
        Some(ConfigError::TooManyBits)
    );
    assert_eq!(shape(64, MAX_HASHES + 1), Some(ConfigError::TooManyHashes));
}

#[test]
fn fastbloom_sizes_k_from_the_bits_it_allocates() {
    use kata_core::bloom_filter::Filter;
    use kata_peers::bloom_filter::FastBloom;

    bloom_mapping::<FastBloom>("fastbloom");
    let f = FastBloom::with_shape(100, 3).expect("valid");
    assert_eq!((f.bits(), f.hashes()), (128, 3), "whole words, k as asked");
    // The difference its verdict names: k from the rounded-up m, not from p.
    let one = FastBloom::with_rate(1, 0.5).expect("valid");
    assert_eq!((one.bits(), one.hashes()), (64, 44));
}

#[test]
fn fastbloom_atomic_filter_keeps_every_bit_of_concurrent_inserts() {
    use kata_core::bloom_filter::{ConcurrentFilter, Filter};
    use kata_peers::bloom_filter::{FastBloom, FastBloomAtomic};

    let shared = FastBloomAtomic::with_rate(40_000, 0.01).expect("valid");
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let shared = &shared;
            s.spawn(move || {
                for i in 0..10_000 {
                    shared.insert(&(t * 10_000 + i));
                }
            });
        }
    });
    let mut single = FastBloom::with_rate(40_000, 0.01).expect("valid");
    for i in 0..40_000u64 {
        single.insert(&i);
    }
    assert!((0..40_000u64).all(|i| shared.contains(&i)));
    assert_eq!(
        shared.bits_set(),
        single.bits_set(),
        "the same bits, same hash"
    );
    assert_eq!(
        (shared.bits(), shared.hashes()),
        (single.bits(), single.hashes())
    );
}

#[test]
fn bloomfilter_gets_its_k_through_its_own_byte_format() {
    use kata_core::bloom_filter::Filter;
    use kata_peers::bloom_filter::BloomCrate;

    bloom_mapping::<BloomCrate>("bloomfilter");
    // bloomfilter cannot be asked for a k: the adapter sets it in the header.
    for (bits, hashes) in [(64, 3), (1, 1), (100, 64), (1 << 16, 4)] {
        let f = BloomCrate::with_shape(bits, hashes).expect("valid");
        assert_eq!(f.hashes(), hashes);
        assert_eq!(f.bits(), bits.div_ceil(8) * 8, "whole bytes");
    }
    let one = BloomCrate::with_rate(1, 0.5).expect("valid");
    assert_eq!((one.bits(), one.hashes()), (8, 6));
}

#[test]
fn sbbf_rs_always_sets_eight_bits_in_one_bucket() {
    use kata_core::bloom_filter::Filter;
    use kata_peers::bloom_filter::Sbbf;

    bloom_mapping::<Sbbf>("sbbf-rs");
    let mut f = Sbbf::with_shape(1, 3).expect("valid");
    assert_eq!(
        (f.bits(), f.hashes()),
        (256, 8),
        "one bucket, k = 8 whatever was asked"
    );
    assert!(!f.insert(&7u64));
    // One bit in each of the bucket's eight 32-bit words.
    assert_eq!(f.bits_set(), 8);
    // Odd bucket counts leave the buffer's last half line unused, and still work.
    let mut odd = Sbbf::with_shape(3 * 256, 8).expect("valid");
    for i in 0..50u64 {
        odd.insert(&i);
    }
    assert!((0..50u64).all(|i| odd.contains(&i)));
    assert_eq!(odd.bits(), 768);
}

// ---- count-min-sketch ----

/// Both crates' sketches: sized as 2/ε rounded up to a power of two by ⌊log2(1/δ)⌋; with_shape's
/// depth exact up to the deepest the crates can express; an item counted exactly when alone;
/// `str` and `String` hashed alike; the total kept by the adapter, saturating; and the kata's
/// errors in the kata's order.
fn sketch_mapping<S: kata_core::count_min_sketch::Sketch>(name: &str) {
    use kata_core::count_min_sketch::{ConfigError, MAX_COUNTERS};
    use kata_peers::count_min_sketch::cms_crate::MAX_DEPTH;

    let s = S::with_error(0.001, 0.01).expect("valid");
    assert_eq!((s.width(), s.depth()), (2_048, 6), "{name}");
    for depth in 1..=MAX_DEPTH {
        let s = S::with_shape(100, depth).expect("valid");
        assert_eq!((s.width(), s.depth()), (128, depth), "{name}");
    }
    assert_eq!(S::with_shape(1, 1).expect("valid").width(), 2, "{name}");
    let mut s = S::with_shape(1 << 12, 4).expect("valid");
    assert_eq!(s.estimate("abc"), 0);
    s.add("abc", 3);
    s.add(&String::from("abc"), 2);
    s.add(&7u64, 0);
    assert_eq!((s.estimate("abc"), s.total()), (5, 5), "{name}");
    assert_eq!(s.estimate(&7u64), 0);

    let error = |e, d| S::with_error(e, d).err();
    assert_eq!(
        error(f64::NAN, f64::NAN),
        Some(ConfigError::EpsilonOutOfRange)
    );
    assert_eq!(error(1.0, 0.5), Some(ConfigError::EpsilonOutOfRange));
    assert_eq!(error(0.5, 0.0), Some(ConfigError::DeltaOutOfRange));
    assert_eq!(error(1e-12, 0.5), Some(ConfigError::TooManyCounters));
    let shape = |w, d| S::with_shape(w, d).err();
    assert_eq!(shape(0, 0), Some(ConfigError::ZeroWidth));
    assert_eq!(shape(1, 0), Some(ConfigError::ZeroDepth));
    assert_eq!(shape(usize::MAX, 2), Some(ConfigError::TooManyCounters));
    assert_eq!(
        shape(MAX_COUNTERS as usize / 4 + 1, 4),
        Some(ConfigError::TooManyCounters),
        "{name}: checked on the width rounded up too"
    );
    let depth = std::panic::catch_unwind(|| S::with_shape(2, MAX_DEPTH + 1));
    assert!(depth.is_err(), "{name}: a depth it cannot express panics");
}

#[test]
fn count_min_sketch_crate_raises_only_the_counters_at_the_minimum() {
    use kata_core::count_min_sketch::Sketch;
    use kata_peers::count_min_sketch::CmsCrate;

    sketch_mapping::<CmsCrate>("count-min-sketch");
    // Width 2, depth 2: four counters. Find an item that shares one row's counter with item 0
    // and not the other's: after add(0, 5), that item's counters are 5 and 0, its minimum 0.
    // add(it, 10) raises only the counter at 0 to 10, and leaves the other at 5: the estimate
    // is 5, under the truth, 10. (The kata's rule raises both to 10.)
    let under = (1..1_000u64).any(|i| {
        let mut s = CmsCrate::with_shape(2, 2).expect("valid");
        s.add(&0u64, 5);
        if s.estimate(&i) != 0 {
            return false;
        }
        s.add(&i, 10);
        s.estimate(&i) < 10
    });
    assert!(under, "some item's estimate falls under its count");
    // Random keys: two sketches of a shape do not hash alike, so merge cannot be offered.
    let (a, b) = (
        CmsCrate::with_shape(8, 2).expect("valid"),
        CmsCrate::with_shape(8, 2).expect("valid"),
    );
    let mut a = a;
    assert!(a
        .merge(&CmsCrate::with_shape(16, 2).expect("valid"))
        .is_err());
    let merged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.merge(&b)));
    assert!(merged.is_err(), "merge of one shape panics, saying why");
}

#[test]
fn streaming_algorithms_sketch_is_conservative_and_adds_with_plus_equals() {
    use kata_core::count_min_sketch::Sketch;
    use kata_peers::count_min_sketch::StreamingSketch;

    sketch_mapping::<StreamingSketch>("streaming_algorithms");
    // Its conservative update never underestimates, counts of any size.
    let mut s = StreamingSketch::with_shape(2, 2).expect("valid");
    let mut truth = std::collections::HashMap::new();
    for i in 0..200u64 {
        s.add(&(i % 13), i);
        *truth.entry(i % 13).or_insert(0) += i;
    }
    assert!(truth.iter().all(|(k, &t)| s.estimate(k) >= t));
    // Its counters add with `+=`: past u64::MAX a debug build panics; a release build wraps, and
    // the max() that follows keeps the counter where it was.
    let overflow = std::panic::catch_unwind(|| {
        let mut s = StreamingSketch::with_shape(8, 2).expect("valid");
        s.add(&1u64, u64::MAX);
        s.add(&1u64, 1);
        (s.estimate(&1u64), s.total())
    });
    let debug_build = cfg!(debug_assertions);
    match overflow {
        Err(_) => assert!(debug_build, "only a debug build panics"),
        Ok(got) => assert_eq!(got, (u64::MAX, u64::MAX)),
    }
}

#[test]
fn streaming_algorithms_top_counts_with_its_own_sketch() {
    use kata_core::count_min_sketch::{ConfigError, HeavyHitters, Sketch, TopKTracker};
    use kata_peers::count_min_sketch::{StreamingSketch, StreamingTop};

    type Top = StreamingTop<u32, StreamingSketch>;
    let sketch = || StreamingSketch::with_shape(1 << 10, 4).expect("valid");
    assert_eq!(Top::new(0, sketch()).err(), Some(ConfigError::ZeroK));
    let mut top = Top::new(3, sketch()).expect("valid");
    assert_eq!(top.k(), 3);
    for (item, count) in [(1u32, 5u64), (2, 9), (3, 1), (4, 7), (2, 1)] {
        top.add(&item, count);
    }
    assert_eq!(top.top_k(), [(2, 10), (4, 7), (1, 5)]);
    // The sketch it was given counted nothing: Top counts with its own.
    assert_eq!(top.sketch().total(), 0);
}

// ---- consistent-hashing ----

/// The keys the consistent-hashing adapters are probed with.
fn ch_keys(n: u32) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("key-{i}").into_bytes()).collect()
}

/// What every router adapter must do with its crate: the kata's membership errors in the kata's
/// order (weights refused where the crate has none), the router unchanged after one, answers
/// from the members only, members ascending, and only the keys of a node that leaves move.
fn router_mapping<R: kata_core::consistent_hashing::Router>(name: &str, weighted: bool) {
    use kata_core::consistent_hashing::{MembershipError, MAX_WEIGHT};

    let mut r = R::new();
    assert!(r.is_empty() && r.node_for(b"k").is_none(), "{name}: empty");
    assert!(r.nodes_for(b"k", 3).is_empty(), "{name}: no replicas");
    assert_eq!(r.add(1, 0), Err(MembershipError::ZeroWeight), "{name}");
    assert_eq!(
        r.add(1, MAX_WEIGHT + 1),
        Err(MembershipError::WeightTooLarge(MAX_WEIGHT + 1)),
        "{name}"
    );
    if !weighted {
        assert_eq!(r.add(1, 2), Err(MembershipError::WeightsUnsupported));
    }
    assert!(r.is_empty(), "{name}: unchanged after refusals");
    for node in [3, 7, 5] {
        r.add(node, 1).expect("a new node");
    }
    assert_eq!(r.add(3, 1), Err(MembershipError::AlreadyMember(3)));
    assert_eq!(r.remove(4), Err(MembershipError::NotMember(4)));
    assert_eq!((r.members(), r.len()), (vec![3, 5, 7], 3), "{name}");
    let keys = ch_keys(3_000);
    let before: Vec<u32> = keys
        .iter()
        .map(|k| r.node_for(k).expect("a node"))
        .collect();
    for node in [3, 5, 7] {
        let share = before.iter().filter(|&&n| n == node).count();
        assert!(
            (700..1_300).contains(&share),
            "{name}: node {node} has {share} of 3 000 keys"
        );
    }
    assert!(keys
        .iter()
        .all(|k| r.nodes_for(k, 1) == [r.node_for(k).expect("a node")]));
    assert!(keys.iter().all(|k| r.nodes_for(k, 0).is_empty()));
    r.remove(5).expect("the last node added");
    for (k, &was) in keys.iter().zip(&before) {
        let now = r.node_for(k).expect("a node");
        assert!(now == 3 || now == 7, "{name}: {now} is not a member");
        if was != 5 {
            assert_eq!(now, was, "{name}: a key of {was} moved when 5 left");
        }
    }
}

#[test]
fn hashring_adds_a_point_per_virtual_node_and_its_replicas_are_ring_entries() {
    use kata_core::consistent_hashing::{ConfigError, RingRouter, Router, MAX_VNODES};
    use kata_peers::consistent_hashing::HashRingRouter;

    router_mapping::<HashRingRouter>("hashring", true);
    assert_eq!(
        HashRingRouter::with_vnodes(0).err(),
        Some(ConfigError::ZeroVnodes)
    );
    assert_eq!(
        HashRingRouter::with_vnodes(MAX_VNODES + 1).err(),
        Some(ConfigError::TooManyVnodes)
    );
    let mut r = HashRingRouter::with_vnodes(10).expect("valid");
    r.add(1, 1).expect("new");
    r.add(2, 3).expect("new");
    assert_eq!((r.vnodes(), r.points()), (10, 40));
    let keys = ch_keys(20_000);
    let heavy = keys.iter().filter(|k| r.node_for(k) == Some(2)).count();
    assert!(
        (13_000..17_000).contains(&heavy),
        "weight 3 of 4: {heavy} of 20 000"
    );
    r.remove(2).expect("a member");
    assert_eq!(r.points(), 10);
    // With two nodes, three replicas are three ring entries: one node twice.
    r.add(2, 1).expect("new");
    let replicas = r.nodes_for(b"key-0", 3);
    assert_eq!(replicas.len(), 3);
    assert!(replicas.contains(&1) || replicas.contains(&2));
    let repeated = keys
        .iter()
        .take(100)
        .filter(|k| {
            let two = r.nodes_for(k, 2);
            two[0] == two[1]
        })
        .count();
    assert!(repeated > 20, "{repeated} of 100 keys have one node twice");
}

#[test]
fn jumphash_refuses_weights_and_any_removal_but_the_last() {
    use kata_core::consistent_hashing::{MembershipError, Router};
    use kata_peers::consistent_hashing::JumpHashRouter;

    router_mapping::<JumpHashRouter>("jumphash", false);
    let mut r = JumpHashRouter::new();
    for node in [10, 20, 30] {
        r.add(node, 1).expect("new");
    }
    let keys = ch_keys(3_000);
    let before: Vec<_> = keys.iter().map(|k| r.node_for(k)).collect();
    assert_eq!(
        r.remove(20),
        Err(MembershipError::NotLast { node: 20, last: 30 })
    );
    assert_eq!(r.members(), [10, 20, 30]);
    assert!(keys.iter().zip(&before).all(|(k, &b)| r.node_for(k) == b));
    // A new bucket takes keys only: each key stays or moves to it.
    r.add(40, 1).expect("new");
    for (k, &b) in keys.iter().zip(&before) {
        let now = r.node_for(k);
        assert!(now == b || now == Some(40));
    }
    // No replicas: one node, whatever n.
    assert_eq!(r.nodes_for(b"key-1", 4).len(), 1);
}

#[test]
fn hrw_hash_weighs_by_capacity_and_its_replicas_are_the_highest_scores() {
    use kata_core::consistent_hashing::Router;
    use kata_peers::consistent_hashing::HrwRouter;

    router_mapping::<HrwRouter>("hrw-hash", true);
    let mut r = HrwRouter::new();
    for (node, weight) in [(1, 1), (2, 3), (3, 1), (4, 1)] {
        r.add(node, weight).expect("new");
    }
    let keys = ch_keys(30_000);
    let heavy = keys.iter().filter(|k| r.node_for(k) == Some(2)).count();
    assert!(
        (13_500..16_500).contains(&heavy),
        "weight 3 of 6: {heavy} of 30 000"
    );
    for k in keys.iter().take(200) {
        let all = r.nodes_for(k, 4);
        let mut distinct = all.clone();
        distinct.sort_unstable();
        assert_eq!(distinct, [1, 2, 3, 4]);
        assert_eq!(r.nodes_for(k, 2), all[..2]);
    }
    // Rebuilt on a change, it places every other key as before.
    let before: Vec<_> = keys.iter().map(|k| r.nodes_for(k, 2)).collect();
    r.add(5, 1).expect("new");
    for (k, b) in keys.iter().zip(&before) {
        let now = r.node_for(k).expect("a node");
        assert!(now == b[0] || now == 5);
    }
}

#[test]
fn maglev_checks_the_table_size_and_refuses_a_node_with_no_slot() {
    use kata_core::consistent_hashing::{
        ConfigError, MaglevRouter, MembershipError, Router, DEFAULT_TABLE_SIZE, MAX_TABLE_SIZE,
    };
    use kata_peers::consistent_hashing::maglev::is_prime;
    use kata_peers::consistent_hashing::MaglevCrate;

    router_mapping::<MaglevCrate>("maglev", false);
    assert_eq!(MaglevCrate::new().table_size(), DEFAULT_TABLE_SIZE);
    let size = |m| MaglevCrate::with_table_size(m).map(|r| r.table_size());
    assert_eq!(size(0), Err(ConfigError::TableSizeOutOfRange(0)));
    assert_eq!(size(1), Err(ConfigError::TableSizeOutOfRange(1)));
    assert_eq!(
        size(MAX_TABLE_SIZE + 2),
        Err(ConfigError::TableSizeOutOfRange(MAX_TABLE_SIZE + 2))
    );
    assert_eq!(size(100), Err(ConfigError::TableSizeNotPrime(100)));
    assert_eq!(size(65_536), Err(ConfigError::TableSizeNotPrime(65_536)));
    assert_eq!((size(7), size(2)), (Ok(7), Ok(2)));
    assert!(is_prime(MAX_TABLE_SIZE) && !is_prime(MAX_TABLE_SIZE - 2));
    let mut r = MaglevCrate::with_table_size(7).expect("a prime");
    for node in 0..7 {
        r.add(node, 1).expect("a slot left");
    }
    assert_eq!(
        r.add(7, 1),
        Err(MembershipError::TableFull { table_size: 7 })
    );
    assert_eq!(r.len(), 7);
    // Seven nodes in seven slots: one slot each.
    let keys = ch_keys(7_000);
    let mut owners: Vec<_> = keys.iter().filter_map(|k| r.node_for(k)).collect();
    owners.sort_unstable();
    owners.dedup();
    assert_eq!(owners, (0..7).collect::<Vec<_>>());
    assert_eq!(r.nodes_for(b"key-1", 3).len(), 1);
}

#[test]
fn anchorhash_removes_any_node_and_moves_only_its_keys() {
    use kata_core::consistent_hashing::Router;
    use kata_peers::consistent_hashing::anchor::ANCHOR_FULL;
    use kata_peers::consistent_hashing::AnchorRouter;

    router_mapping::<AnchorRouter>("anchorhash", false);
    for mut r in [AnchorRouter::new(), AnchorRouter::with_capacity(8)] {
        for node in 1..=5 {
            r.add(node, 1).expect("new");
        }
        let keys = ch_keys(5_000);
        let before: Vec<_> = keys.iter().map(|k| r.node_for(k)).collect();
        r.remove(2).expect("a node in the middle");
        for (k, &b) in keys.iter().zip(&before) {
            if b != Some(2) {
                assert_eq!(r.node_for(k), b, "a key of {b:?} moved when 2 left");
            }
        }
        // Added again, it gets its bucket back: every key as before.
        r.add(2, 1).expect("new again");
        assert!(keys.iter().zip(&before).all(|(k, &b)| r.node_for(k) == b));
        assert_eq!(r.nodes_for(b"key-1", 3).len(), 1);
    }
    let full = std::panic::catch_unwind(|| {
        let mut r = AnchorRouter::with_capacity(2);
        for node in 0..3 {
            let _ = r.add(node, 1);
        }
    });
    let message = full.expect_err("a full anchor panics");
    assert_eq!(
        message.downcast_ref::<String>().map(String::as_str),
        Some(ANCHOR_FULL)
    );
}

// ---- trie ----

/// The `k` heaviest terms of `terms` starting with `prefix`, by brute force.
fn brute_top_k(terms: &[(&str, u64)], prefix: &[u8], k: usize) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = terms
        .iter()
        .filter(|(t, _)| t.as_bytes().starts_with(prefix))
        .map(|&(t, w)| (t.to_owned(), w))
        .collect();
    all.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
    });
    all.truncate(k);
    all
}

/// Terms sharing prefixes, with ties and a prefix cut inside `é` / `è` (both `0xC3 ..`).
const TERMS: &[(&str, u64)] = &[
    ("car", 5),
    ("cart", 9),
    ("carton", 5),
    ("care", 2),
    ("café", 7),
    ("cafè", 7),
    ("cafe", 1),
    ("b", 4),
    ("ab", 4),
    ("ba", 4),
    ("dog", 3),
];

/// The prefixes the trie adapters are asked to complete.
const PREFIXES: &[&[u8]] = &[
    b"",
    b"c",
    b"ca",
    b"car",
    b"cart",
    b"caf",
    b"caf\xC3",
    b"caf\xC3\xA9",
    b"x",
    b"\xFF",
    b"b",
];

/// Every prefix of [`PREFIXES`], for `k` of 0 to 12, against the brute force.
fn answers_like_brute_force<A: kata_core::trie::Autocomplete>(
    name: &str,
    a: &A,
    terms: &[(&str, u64)],
) {
    for prefix in PREFIXES {
        for k in 0..=12 {
            assert_eq!(
                a.top_k(prefix, k),
                brute_top_k(terms, prefix, k),
                "{name}: top_k({prefix:?}, {k})"
            );
        }
    }
}

/// What every updatable trie adapter must do with its crate: the kata's term errors, insert's
/// old weight, add_weight inserting and saturating, remove, and top_k by weight then bytes,
/// over byte prefixes.
fn trie_mapping<A: kata_core::trie::Autocomplete>(name: &str) {
    use kata_core::trie::{TermError, MAX_TERM_BYTES};

    let mut a = A::new();
    assert_eq!(a.insert("", 1), Err(TermError::Empty), "{name}");
    let long = "x".repeat(MAX_TERM_BYTES + 1);
    assert_eq!(
        a.insert(&long, 1),
        Err(TermError::TooLong(MAX_TERM_BYTES + 1))
    );
    assert_eq!(
        a.add_weight(&long, 1),
        Err(TermError::TooLong(MAX_TERM_BYTES + 1))
    );
    assert!(a.is_empty(), "{name}: unchanged");
    for &(t, w) in TERMS {
        assert_eq!(a.insert(t, w + 100), Ok(None), "{name}: {t}");
    }
    for &(t, w) in TERMS {
        assert_eq!(a.insert(t, w), Ok(Some(w + 100)), "{name}: {t}");
    }
    assert_eq!(a.len(), TERMS.len());
    answers_like_brute_force(name, &a, TERMS);
    assert_eq!(a.add_weight("dog", 2), Ok(5));
    assert_eq!(
        a.add_weight("dog", u64::MAX),
        Ok(u64::MAX),
        "{name}: saturates"
    );
    assert_eq!(a.add_weight("new", 3), Ok(3), "{name}: inserted");
    assert_eq!((a.weight("new"), a.contains("ne")), (Some(3), false));
    assert_eq!(a.remove("cart"), Some(9));
    assert_eq!(a.remove("cart"), None);
    assert_eq!(
        a.top_k(b"car", 5),
        [("car".into(), 5), ("carton".into(), 5), ("care".into(), 2)]
    );
    let long = "y".repeat(MAX_TERM_BYTES);
    assert_eq!(
        a.insert(&long, 1),
        Ok(None),
        "{name}: 1 024 bytes is a term"
    );
    assert_eq!(a.top_k(b"yy", 2), [(long, 1)]);
}

#[test]
fn the_heaviest_completions_are_kept_by_weight_then_bytes() {
    use kata_peers::trie::heaviest;

    let completions = [("b", 1u64), ("a", 1), ("c", 3), ("ab", 1), ("d", 0)];
    let top = |k| heaviest(completions.iter().map(|&(t, w)| (t.as_bytes(), w)), k);
    assert!(top(0).is_empty());
    assert_eq!(top(1), [("c".into(), 3)]);
    assert_eq!(top(3), [("c".into(), 3), ("a".into(), 1), ("ab".into(), 1)]);
    assert_eq!(top(9).len(), 5);
    assert_eq!(top(usize::MAX).len(), 5);
    let owned = heaviest(
        completions.iter().map(|&(t, w)| (t.as_bytes().to_vec(), w)),
        2,
    );
    assert_eq!(owned, top(2));
}

#[test]
fn qp_trie_completes_byte_prefixes_but_hides_its_nodes() {
    use kata_core::trie::Autocomplete;
    use kata_peers::trie::{no_node_count, QpTrie};

    trie_mapping::<QpTrie>("qp-trie");
    let message = std::panic::catch_unwind(|| QpTrie::new().node_count()).expect_err("hidden");
    assert_eq!(
        message.downcast_ref::<String>(),
        Some(&no_node_count("qp-trie"))
    );
}

#[test]
fn patricia_tree_completes_byte_prefixes_but_hides_its_nodes() {
    use kata_core::trie::Autocomplete;
    use kata_peers::trie::{no_node_count, Patricia};

    trie_mapping::<Patricia>("patricia_tree");
    let message = std::panic::catch_unwind(|| Patricia::new().node_count()).expect_err("hidden");
    assert_eq!(
        message.downcast_ref::<String>(),
        Some(&no_node_count("patricia_tree"))
    );
}

#[test]
fn radix_trie_counts_its_nibble_nodes() {
    use kata_core::trie::Autocomplete;
    use kata_peers::trie::RadixTrieCrate;

    trie_mapping::<RadixTrieCrate>("radix_trie");
    let mut a = RadixTrieCrate::new();
    assert_eq!(a.node_count(), 1, "the root");
    a.insert("car", 1).expect("a term");
    a.insert("cart", 1).expect("a term");
    assert_eq!(a.node_count(), 3, "root, car, t");
    // `a` (0x61) and `q` (0x71) part at the high nibble, `a` and `b` (0x62) at the low one:
    // a node more than on bytes.
    for t in ["xa", "xb", "xq"] {
        a.insert(t, 1).expect("a term");
    }
    assert_eq!(a.node_count(), 3 + 5, "x, x6, a, b, q");
    for t in ["car", "cart", "xa", "xb", "xq"] {
        a.remove(t).expect("held");
    }
    assert_eq!(a.node_count(), 1, "nothing left but the root");
}

#[test]
fn trie_rs_is_built_once_and_takes_new_values_only() {
    use kata_core::trie::Autocomplete;
    use kata_peers::trie::trie_rs::{NO_INSERT, NO_REMOVE};
    use kata_peers::trie::TrieRs;

    let mut a = TrieRs::build(TERMS.iter().copied());
    assert_eq!(a.len(), TERMS.len());
    answers_like_brute_force("trie-rs", &a, TERMS);
    assert_eq!(a.insert("dog", 8), Ok(Some(3)));
    assert_eq!(a.add_weight("dog", u64::MAX), Ok(u64::MAX));
    assert_eq!((a.weight("do"), a.remove("do")), (None, None));
    let panics = |f: fn(&mut TrieRs)| {
        let mut a = TrieRs::build(TERMS.iter().copied());
        let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut a)));
        message
            .expect_err("refused")
            .downcast_ref::<String>()
            .cloned()
    };
    assert_eq!(
        panics(|a| {
            let _ = a.insert("new", 1);
        })
        .as_deref(),
        Some(NO_INSERT)
    );
    assert_eq!(
        panics(|a| {
            let _ = a.add_weight("new", 1);
        })
        .as_deref(),
        Some(NO_INSERT)
    );
    assert_eq!(
        panics(|a| {
            let _ = a.remove("dog");
        })
        .as_deref(),
        Some(NO_REMOVE)
    );
}

// ---- the peers crate's own helpers (public, so tested here with the rest) ----

mod grade {
    use kata_peers::grade::{shorten, NOTE_LINES, NOTE_LINE_CHARS};

    #[test]
    fn a_message_with_the_reason_first_keeps_the_whole_sequence() {
        let message = "step 2 `cache.put(1, 1);` returned: expected None, got Some((0, 0))\nminimal failing sequence:\n    let mut cache = LruCache::with_capacity(1)?;\n    cache.put(0, 0);\n    cache.put(1, 1);\n(replay it with --seed 7)";
        assert_eq!(
            shorten(message),
            "step 2 `cache.put(1, 1);` returned: expected None, got Some((0, 0))\n\
             minimal failing sequence: let mut cache = LruCache::with_capacity(1)?; \
             cache.put(0, 0); cache.put(1, 1);"
        );
    }

    #[test]
    fn a_model_message_puts_the_reason_first() {
        let message = "minimal failing sequence:\n    let mut cache = LruCache::with_capacity(1)?;\n    cache.put(0, 0);\nstep 1 `cache.put(0, 0);` returned: expected None, got Some((0, 0))\n(replay it with --seed 7)";
        assert_eq!(
            shorten(message),
            "step 1 `cache.put(0, 0);` returned: expected None, got Some((0, 0))\n\
             minimal failing sequence: let mut cache = LruCache::with_capacity(1)?; cache.put(0, 0);"
        );
    }

    #[test]
    fn a_long_message_is_cut() {
        let long = "x".repeat(500);
        let message = format!("{long}\nb\nc\nd");
        let short = shorten(&message);
        assert_eq!(short.lines().count(), NOTE_LINES);
        assert_eq!(
            short.lines().next().map(|l| l.chars().count()),
            Some(NOTE_LINE_CHARS)
        );
        assert!(short.ends_with("b\nc"));
    }
}

mod item_bytes {
    use kata_peers::item_bytes::ItemBytes;

    #[test]
    fn a_str_and_its_string_record_the_same_bytes_and_long_items_spill() {
        assert_eq!(
            ItemBytes::of("abc").as_bytes(),
            ItemBytes::of(&String::from("abc")).as_bytes()
        );
        assert_eq!(ItemBytes::of(&7u64).as_bytes(), 7u64.to_ne_bytes());
        let long = "x".repeat(100);
        let bytes = ItemBytes::of(long.as_str());
        assert_eq!(&bytes.as_bytes()[..100], long.as_bytes());
        assert_eq!(bytes.as_bytes().len(), 101, "str's Hash ends with 0xff");
        let pair = ItemBytes::of(&(1u32, "ab"));
        assert_eq!(pair.as_bytes().len(), 4 + 2 + 1);
    }
}

mod snowflake_peers {
    use kata_core::snowflake::IdCodec as _;
    use kata_core::snowflake::{Config, IdGenerator as _};
    use kata_peers::snowflake::{Base62Crate, RsSnowflake};

    #[test]
    fn the_peers_read_real_time() {
        let clock = kata_core::clock::SystemClock;
        let mut g = RsSnowflake::new(Config::new(33), clock).expect("valid");
        let a = g.try_next_id().expect("an id");
        let b = g.try_next_id().expect("an id");
        assert!(b > a);
        assert_eq!(Base62Crate::encode(u64::MAX), "LygHa16AHYF");
    }
}

// ---- order-book ----

/// orderbook-rs returns no trades from an IOC that leaves a remainder nor from a modify: its
/// adapter's trade listener must still report both as fills, in the book's order.
#[test]
fn orderbook_rs_reports_the_fills_its_calls_do_not_return() {
    use kata_core::order_book::{
        BookConfig, CancelReason, Command, Event, NewOrder, OrderBook, Priority, Side, TimeInForce,
    };
    let config = BookConfig {
        tick: 5,
        min_price: 5,
        max_price: 1_000,
    };
    let mut book = kata_peers::order_book::OrderbookRsBook::new(config);
    let mut events = Vec::new();
    let mut run = |book: &mut kata_peers::order_book::OrderbookRsBook, cmd: Command| {
        events.clear();
        book.execute(&cmd, &mut events);
        events.clone()
    };
    let order = |id, side, price, qty, tif| {
        Command::Submit(NewOrder {
            id,
            side,
            price,
            qty,
            tif,
        })
    };
    run(
        &mut book,
        order(1, Side::Sell, Some(100), 5, TimeInForce::Gtc),
    );
    let ioc = run(
        &mut book,
        order(2, Side::Buy, Some(100), 8, TimeInForce::Ioc),
    );
    assert_eq!(
        ioc[1..],
        [
            Event::Filled {
                maker: 1,
                taker: 2,
                price: 100,
                qty: 5
            },
            Event::Cancelled {
                id: 2,
                qty: 3,
                reason: CancelReason::Unfilled
            },
        ]
    );
    run(
        &mut book,
        order(3, Side::Sell, Some(110), 4, TimeInForce::Gtc),
    );
    run(
        &mut book,
        order(4, Side::Buy, Some(90), 6, TimeInForce::Gtc),
    );
    let modify = run(
        &mut book,
        Command::Modify {
            id: 4,
            price: 110,
            qty: 6,
        },
    );
    assert_eq!(
        modify,
        [
            Event::Modified {
                id: 4,
                price: 110,
                qty: 6,
                priority: Priority::Lost
            },
            Event::Filled {
                maker: 3,
                taker: 4,
                price: 110,
                qty: 4
            },
            Event::Rested {
                id: 4,
                side: Side::Buy,
                price: 110,
                qty: 2
            },
        ]
    );
    assert_eq!(book.order(4).map(|o| o.qty), Some(2));
    assert_eq!(book.order(3), None);
}
