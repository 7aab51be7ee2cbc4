//! Stage 1 of `leaky-bucket`: scenarios that read like the specification.
//!
//! Every scenario runs on both variants, `LeakyBucket` and `ConcurrentLeakyBucket` (driven from
//! one thread), each on its own [`ManualClock`]. Times in messages are nanoseconds on that clock.

use std::fmt::Debug;
use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::leaky_bucket::{ConfigError, Full, Rate};

use super::model::{build, Driven, VARIANTS};
use super::LeakyBucketFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

const MS: u64 = 1_000_000;
const SECOND: u64 = 1_000_000_000;

/// An offer's result with the refused item and its hint in the open (`Full`'s `Debug` leaves the
/// item out, since it need not be `Debug`).
fn plain<T>(r: Result<u64, Full<T>>) -> Result<u64, (T, Duration)> {
    r.map_err(|f| (f.item, f.retry_after))
}

/// A scenario, written once for both variants: the variant's name, the bucket, its clock.
type Scenario<T> = fn(&str, &mut dyn Driven<T>, &ManualClock) -> Outcome;

/// Runs `scenario` on both variants of `F`, each new with `capacity` and `rate` on a clock
/// starting at `start` nanoseconds.
fn on_both<F: LeakyBucketFamily, T: Send + 'static>(
    capacity: usize,
    rate: Rate,
    start: u64,
    scenario: Scenario<T>,
) -> Outcome {
    for (which, name) in VARIANTS.iter().enumerate() {
        let clock = ManualClock::starting_at(start);
        let mut bucket = build::<F, T>(which, capacity, rate, &clock)
            .map_err(|e| format!("{name}::new({capacity}, {rate}, clock) failed: {e}"))?;
        scenario(name, &mut *bucket, &clock)?;
    }
    Ok(())
}

/// Polls until `None`, at most `limit` times: the items handed out, in order.
fn drain<T>(b: &mut dyn Driven<T>, limit: usize) -> Vec<T> {
    let mut out = Vec::new();
    while out.len() < limit {
        match b.poll() {
            Some(item) => out.push(item),
            None => break,
        }
    }
    out
}

/// Offers `items` one after the other and expects them accepted at `first + k × gap`.
fn burst<T: Debug + PartialEq>(
    name: &str,
    b: &mut dyn Driven<T>,
    items: Vec<T>,
    first: u64,
    gap: u64,
    when: &str,
) -> Outcome {
    for (k, item) in items.into_iter().enumerate() {
        let expected = first + k as u64 * gap;
        let what = format!("{name}: offer number {} {when}", k + 1);
        ensure_eq!(plain(b.offer(item)), Ok(expected), "{what}");
    }
    Ok(())
}

fn idle_leaves_at_once(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    ensure_eq!(
        plain(b.offer(1)),
        Ok(5 * SECOND),
        "{name}: offer(1) to an idle bucket at 5 s returns its departure, which is now"
    );
    ensure_eq!(
        b.level(),
        0,
        "{name}: level() right after (the item has left)"
    );
    ensure_eq!(
        b.next_departure(),
        Some(5 * SECOND),
        "{name}: next_departure() before polling"
    );
    ensure_eq!(b.poll(), Some(1), "{name}: poll() at once");
    ensure_eq!(
        b.next_departure(),
        None,
        "{name}: next_departure() once polled"
    );
    ensure_eq!(b.poll(), None, "{name}: poll() of an empty bucket");
    clock.set(7 * SECOND + 250 * MS);
    ensure_eq!(
        plain(b.offer(2)),
        Ok(7 * SECOND + 250 * MS),
        "{name}: offer(2) at 7.25 s, the bucket idle again"
    );
    ensure_eq!(b.poll(), Some(2), "{name}: poll() at 7.25 s");
    Ok(())
}

fn burst_is_spread(name: &str, b: &mut dyn Driven<u32>, _: &ManualClock) -> Outcome {
    // 10 per second: one every 100 ms; the first leaves at once, five wait.
    burst(name, b, (0..6).collect(), SECOND, 100 * MS, "at 1 s")?;
    ensure_eq!(b.level(), 5, "{name}: level() after 6 offers at once");
    ensure_eq!(b.capacity(), 5, "{name}: capacity()");
    Ok(())
}

fn full_refuses(name: &str, b: &mut dyn Driven<String>, clock: &ManualClock) -> Outcome {
    let items = ["a", "b", "c", "d", "e", "f"].map(String::from).to_vec();
    burst(name, b, items, SECOND, 100 * MS, "at 1 s")?;
    ensure_eq!(
        plain(b.offer("g".into())),
        Err(("g".to_owned(), Duration::from_millis(100))),
        "{name}: offer(\"g\") to the full bucket (5 waiting) at 1 s: the item comes back, with \
         the wait until the oldest waiting item leaves at 1.1 s"
    );
    ensure_eq!(b.level(), 5, "{name}: level() after the refusal");
    ensure_eq!(
        b.next_departure(),
        Some(SECOND),
        "{name}: next_departure() after the refusal"
    );
    clock.advance(Duration::from_millis(99));
    ensure_eq!(
        plain(b.offer("g".into())),
        Err(("g".to_owned(), Duration::from_millis(1))),
        "{name}: offer(\"g\") at 1.099 s"
    );
    clock.advance(Duration::from_millis(1));
    ensure_eq!(
        plain(b.offer("g".into())),
        Ok(SECOND + 600 * MS),
        "{name}: offer(\"g\") at 1.1 s, the instant retry_after named (the two refusals changed \
         nothing: it leaves one interval after \"f\")"
    );
    ensure_eq!(
        plain(b.offer("h".into())),
        Err(("h".to_owned(), Duration::from_millis(100))),
        "{name}: offer(\"h\") right after, full again"
    );
    Ok(())
}

fn capacity_one(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    ensure_eq!(plain(b.offer(1)), Ok(0), "{name}: offer(1) at 0");
    ensure_eq!(plain(b.offer(2)), Ok(SECOND), "{name}: offer(2) at 0");
    ensure_eq!(
        plain(b.offer(3)),
        Err((3, Duration::from_secs(1))),
        "{name}: offer(3) at 0: one item waits, capacity 1"
    );
    clock.set(SECOND);
    ensure_eq!(plain(b.offer(3)), Ok(2 * SECOND), "{name}: offer(3) at 1 s");
    ensure_eq!(drain(b, 10), [1, 2], "{name}: poll() until None at 1 s");
    Ok(())
}

fn poll_in_order(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    burst(name, b, (0..4).collect(), 0, 100 * MS, "at 0")?;
    ensure_eq!(b.poll(), Some(0), "{name}: poll() at 0");
    ensure_eq!(
        b.poll(),
        None,
        "{name}: poll() at 0 again (item 1 leaves at 100 ms)"
    );
    clock.set(99 * MS);
    ensure_eq!(b.poll(), None, "{name}: poll() at 99 ms");
    clock.set(100 * MS);
    ensure_eq!(b.poll(), Some(1), "{name}: poll() at 100 ms");
    ensure_eq!(b.poll(), None, "{name}: poll() at 100 ms again");
    clock.set(350 * MS);
    ensure_eq!(
        drain(b, 10),
        [2, 3],
        "{name}: poll() until None at 350 ms (items 2 and 3 left at 200 and 300 ms)"
    );
    // Item 3 left at 300 ms, less than an interval ago: the next leaves one interval after it.
    burst(name, b, (4..7).collect(), 400 * MS, 100 * MS, "at 350 ms")?;
    clock.set(10 * SECOND);
    ensure_eq!(
        drain(b, 10),
        [4, 5, 6],
        "{name}: poll() until None at 10 s: nothing ready is held back"
    );
    ensure_eq!(
        b.next_departure(),
        None,
        "{name}: next_departure() at the end"
    );
    Ok(())
}

fn next_departure_oldest(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    ensure_eq!(
        b.next_departure(),
        None,
        "{name}: next_departure() of a new bucket"
    );
    burst(name, b, (0..3).collect(), 0, 100 * MS, "at 0")?;
    ensure_eq!(b.next_departure(), Some(0), "{name}: next_departure() at 0");
    clock.set(250 * MS);
    ensure_eq!(
        b.next_departure(),
        Some(0),
        "{name}: next_departure() at 250 ms, nothing polled (it may be in the past)"
    );
    for (item, then) in [(0, Some(100 * MS)), (1, Some(200 * MS)), (2, None)] {
        ensure_eq!(b.poll(), Some(item), "{name}: poll() at 250 ms");
        ensure_eq!(
            b.next_departure(),
            then,
            "{name}: next_departure() after polling item {item}"
        );
    }
    Ok(())
}

fn level_by_definition(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    // Capacity 3, one item every 100 ms.
    burst(name, b, (0..4).collect(), 0, 100 * MS, "at 0")?;
    ensure_eq!(b.level(), 3, "{name}: level() at 0 (items 1, 2, 3 wait)");
    ensure!(
        b.offer(4).is_err(),
        "{name}: offer(4) at 0 must be refused: 3 items wait"
    );
    clock.set(50 * MS);
    ensure_eq!(b.level(), 3, "{name}: level() at 50 ms");
    clock.set(100 * MS);
    ensure_eq!(
        b.level(),
        2,
        "{name}: level() at 100 ms, nothing polled: item 1 left at 100 ms whether polled or not"
    );
    ensure_eq!(
        plain(b.offer(4)),
        Ok(400 * MS),
        "{name}: offer(4) at 100 ms: item 1 has left, so there is room before anything is polled"
    );
    ensure!(
        b.offer(5).is_err(),
        "{name}: offer(5) at 100 ms must be refused: 3 items wait again"
    );
    clock.set(400 * MS);
    ensure_eq!(b.level(), 0, "{name}: level() at 400 ms, nothing polled");
    ensure_eq!(
        plain(b.offer(5)),
        Ok(500 * MS),
        "{name}: offer(5) at 400 ms (item 4 left at 400 ms; one interval later)"
    );
    ensure_eq!(b.level(), 1, "{name}: level() at 400 ms");
    ensure_eq!(
        drain(b, 10),
        [0, 1, 2, 3, 4],
        "{name}: poll() until None at 400 ms: six items unpolled, twice the capacity (item 5 \
         leaves at 500 ms)"
    );
    Ok(())
}

fn huge_capacity(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    ensure_eq!(b.capacity(), usize::MAX, "{name}: capacity()");
    burst(name, b, (0..1_000).collect(), 0, SECOND, "at 0")?;
    ensure_eq!(b.level(), 999, "{name}: level() after 1 000 offers at 0");
    clock.set(2 * SECOND);
    ensure_eq!(drain(b, 10), [0, 1, 2], "{name}: poll() until None at 2 s");
    ensure_eq!(b.level(), 997, "{name}: level() at 2 s");
    Ok(())
}

/// A client that offers until refused, waits exactly `retry_after`, and polls whatever is ready
/// (so that no more than a few items are ever held): item `k` must leave at exactly
/// `ceil(k × 10^9 / 3)` ns.
fn no_drift(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    const ITEMS: u32 = 1_000_001;
    let (mut next, mut polled, mut now) = (0u32, 0u32, 0u64);
    let mut waited: Option<Duration> = None;
    while next < ITEMS {
        match b.offer(next) {
            Ok(departure) => {
                let expected = (u64::from(next) * SECOND).div_ceil(3);
                if departure != expected {
                    return Err(format!(
                        "{name}: item {next}, offered at {now} ns, leaves at {departure} ns; \
                         expected ceil({next} x 10^9 / 3) = {expected} ns: at 3 items per second \
                         the interval is 333 333 333.3 ns, and the schedule must not drift"
                    ));
                }
                next += 1;
                waited = None;
            }
            Err(full) => {
                ensure_eq!(
                    full.item,
                    next,
                    "{name}: the item a refusal gives back at {now} ns"
                );
                if let Some(w) = waited {
                    return Err(format!(
                        "{name}: offer({next}) was refused, told to retry after {w:?}; it \
                         retried then, at {now} ns, and was refused again (retry_after {:?}): \
                         an offer at the instant retry_after names must be accepted",
                        full.retry_after
                    ));
                }
                ensure!(
                    full.retry_after > Duration::ZERO,
                    "{name}: offer({next}) at {now} ns refused with a retry_after of zero"
                );
                let wait = u64::try_from(full.retry_after.as_nanos()).unwrap_or(u64::MAX);
                now = now.saturating_add(wait);
                clock.set(now);
                waited = Some(full.retry_after);
            }
        }
        while let Some(item) = b.poll() {
            if item != polled {
                return Err(format!(
                    "{name}: poll() at {now} ns returned item {item}; expected item {polled}, the \
                     oldest not yet polled"
                ));
            }
            polled += 1;
        }
    }
    // Item 999 999 leaves at exactly 333 333 000 000 000 ns, item 1 000 000 at
    // ceil(10^15 / 3) = 333 333 333 333 334 ns: 1 ns before that, it must still be waiting.
    clock.set(333_333_333_333_333);
    ensure_eq!(
        drain(b, 10),
        [999_999],
        "{name}: poll() until None at 333 333 333 333 333 ns (the millionth item leaves 1 ns \
         later, at ceil(10^15 / 3) ns)"
    );
    clock.set(333_333_333_333_334);
    ensure_eq!(
        drain(b, 10),
        [1_000_000],
        "{name}: poll() until None at 333 333 333 333 334 ns"
    );
    Ok(())
}

fn sub_nanosecond(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    // 3 items per nanosecond: departures ceil(k / 3), so up to three share an instant.
    for k in 0..10u32 {
        let expected = u64::from(k).div_ceil(3);
        ensure_eq!(
            plain(b.offer(k)),
            Ok(expected),
            "{name}: offer({k}) at 0, 3 items per ns"
        );
    }
    ensure_eq!(
        b.level(),
        9,
        "{name}: level() at 0 (items 1..=9 leave at 1, 2, 3 ns)"
    );
    clock.set(2);
    ensure_eq!(
        b.level(),
        3,
        "{name}: level() at 2 ns (items 7, 8, 9 leave at 3 ns)"
    );
    ensure_eq!(
        drain(b, 20),
        (0..7).collect::<Vec<_>>(),
        "{name}: poll() until None at 2 ns"
    );
    Ok(())
}

fn clock_back(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    // Capacity 3, one item per second.
    clock.set(100 * SECOND);
    ensure_eq!(
        plain(b.offer(0)),
        Ok(100 * SECOND),
        "{name}: offer(0) at 100 s"
    );
    clock.set(50 * SECOND);
    for k in 1..=3u32 {
        ensure_eq!(
            plain(b.offer(k)),
            Ok((100 + u64::from(k)) * SECOND),
            "{name}: offer({k}) with the clock set back from 100 s to 50 s: the bucket has \
             already acted at 100 s, so time is still 100 s for it"
        );
    }
    match b.offer(4) {
        Ok(at) => {
            return Err(format!(
                "{name}: offer(4) with the clock back at 50 s was accepted (leaving at {at} ns), \
                 but 3 items wait as of the latest reading, 100 s: the 50 s between the two \
                 readings were counted again. A reading earlier than the latest one must count \
                 as no time passing"
            ))
        }
        Err(full) => ensure!(
            full.retry_after > Duration::ZERO && full.item == 4,
            "{name}: offer(4) refused with the clock back at 50 s: the item must come back and \
             retry_after must not be zero; got item {} and {:?}",
            full.item,
            full.retry_after
        ),
    }
    ensure!(
        b.level() <= 3,
        "{name}: level() with the clock back at 50 s is {}, above the capacity 3: items the \
         bucket already counted as gone were counted again",
        b.level()
    );
    ensure_eq!(
        b.next_departure(),
        Some(100 * SECOND),
        "{name}: next_departure() with the clock back at 50 s"
    );
    clock.set(101 * SECOND);
    ensure_eq!(
        plain(b.offer(4)),
        Ok(104 * SECOND),
        "{name}: offer(4) at 101 s"
    );
    ensure!(
        b.offer(5).is_err(),
        "{name}: offer(5) at 101 s must be refused (3 items wait)"
    );
    clock.set(50 * SECOND);
    ensure!(
        b.offer(5).is_err(),
        "{name}: offer(5) with the clock back at 50 s again must be refused (3 items wait as of \
         101 s)"
    );
    clock.set(104 * SECOND);
    ensure_eq!(
        drain(b, 10),
        [0, 1, 2, 3, 4],
        "{name}: poll() until None at 104 s"
    );
    ensure_eq!(b.level(), 0, "{name}: level() at 104 s");
    clock.set(0);
    ensure_eq!(
        plain(b.offer(5)),
        Ok(105 * SECOND),
        "{name}: offer(5) with the clock set back to 0 after the poll at 104 s: the bucket's \
         time is still 104 s (the latest reading acted on), so item 5 leaves at 105 s, one \
         interval after item 4"
    );
    Ok(())
}

fn past_u64_max(name: &str, b: &mut dyn Driven<u32>, clock: &ManualClock) -> Outcome {
    let start = u64::MAX - 3 * SECOND / 2;
    ensure_eq!(
        plain(b.offer(1)),
        Ok(start),
        "{name}: offer(1) at u64::MAX - 1.5 s"
    );
    ensure_eq!(
        plain(b.offer(2)),
        Ok(start + SECOND),
        "{name}: offer(2) at u64::MAX - 1.5 s"
    );
    match b.offer(3) {
        Ok(at) => {
            return Err(format!(
                "{name}: offer(3) at u64::MAX - 1.5 s was accepted, leaving at {at} ns; its \
                 departure, u64::MAX + 0.5 s, does not fit in u64 nanoseconds, so it must be \
                 refused as Full"
            ))
        }
        Err(full) => ensure!(
            full.item == 3 && full.retry_after > Duration::ZERO,
            "{name}: offer(3) refused: the item must come back and retry_after must not be zero; \
             got item {} and {:?}",
            full.item,
            full.retry_after
        ),
    }
    ensure_eq!(
        b.level(),
        1,
        "{name}: level() after the refusal (nothing changed)"
    );
    ensure_eq!(
        b.next_departure(),
        Some(start),
        "{name}: next_departure() after the refusal"
    );
    clock.set(u64::MAX);
    ensure_eq!(
        drain(b, 10),
        [1, 2],
        "{name}: poll() until None at u64::MAX"
    );
    ensure!(
        b.offer(3).is_err(),
        "{name}: offer(3) at u64::MAX must be refused: it would leave at u64::MAX + 0.5 s"
    );
    ensure_eq!(b.level(), 0, "{name}: level() at u64::MAX");
    Ok(())
}

/// An item type with neither `Clone` nor `Copy`.
#[derive(Debug, PartialEq)]
struct Parcel(String);

fn not_clone(name: &str, b: &mut dyn Driven<Parcel>, clock: &ManualClock) -> Outcome {
    let parcel = |s: &str| Parcel(s.to_owned());
    ensure_eq!(
        plain(b.offer(parcel("first"))),
        Ok(0),
        "{name}: offer(first)"
    );
    ensure_eq!(
        plain(b.offer(parcel("second"))),
        Ok(SECOND),
        "{name}: offer(second)"
    );
    ensure_eq!(
        plain(b.offer(parcel("third"))),
        Err((parcel("third"), Duration::from_secs(1))),
        "{name}: offer(third) to the full bucket gives the very item back"
    );
    clock.set(SECOND);
    ensure_eq!(
        drain(b, 10),
        [parcel("first"), parcel("second")],
        "{name}: poll() until None at 1 s"
    );
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LeakyBucketFamily>(ctx: &mut Ctx) {
    ctx.check(
        "bad configurations are refused with ConfigError: capacity, then rate, then period",
        || {
            let max_ns = Duration::from_nanos(u64::MAX);
            let cases = [
                (
                    0,
                    Rate::per_second(1),
                    Err(ConfigError::ZeroCapacity),
                    "capacity 0",
                ),
                (
                    0,
                    Rate::new(0, Duration::ZERO),
                    Err(ConfigError::ZeroCapacity),
                    "capacity 0 and a rate of 0 per 0 s (the capacity is checked first)",
                ),
                (
                    5,
                    Rate::per_second(0),
                    Err(ConfigError::ZeroRate),
                    "rate of 0 per second",
                ),
                (
                    5,
                    Rate::new(0, Duration::ZERO),
                    Err(ConfigError::ZeroRate),
                    "rate of 0 per 0 s (the rate is checked before the period)",
                ),
                (
                    5,
                    Rate::new(0, Duration::MAX),
                    Err(ConfigError::ZeroRate),
                    "rate of 0 per Duration::MAX (the rate is checked before the period)",
                ),
                (
                    5,
                    Rate::new(1, Duration::ZERO),
                    Err(ConfigError::ZeroPeriod),
                    "period of zero",
                ),
                (
                    5,
                    Rate::new(1, Duration::MAX),
                    Err(ConfigError::PeriodTooLong),
                    "period of Duration::MAX",
                ),
                (
                    5,
                    Rate::new(1, max_ns + Duration::from_nanos(1)),
                    Err(ConfigError::PeriodTooLong),
                    "period of u64::MAX + 1 ns",
                ),
                (
                    5,
                    Rate::new(1, max_ns),
                    Ok(()),
                    "period of exactly u64::MAX ns (it fits)",
                ),
                (
                    1,
                    Rate::new(u64::MAX, Duration::from_nanos(1)),
                    Ok(()),
                    "rate of u64::MAX per ns",
                ),
            ];
            let clock = ManualClock::new();
            for (capacity, rate, expected, what) in cases {
                for (which, name) in VARIANTS.iter().enumerate() {
                    let got = build::<F, u32>(which, capacity, rate, &clock).map(|_| ());
                    ensure_eq!(got, expected, "{name}::new with a {what}");
                }
            }
            Ok(())
        },
    );

    ctx.check("an item offered to an idle bucket leaves at once", || {
        on_both::<F, u32>(3, Rate::per_second(10), 5 * SECOND, idle_leaves_at_once)
    });

    ctx.check(
        "a burst is spread out: each item leaves one interval after the one before",
        || on_both::<F, u32>(5, Rate::per_second(10), SECOND, burst_is_spread),
    );

    ctx.check(
        "a full bucket refuses, giving the item back with the exact retry_after; an offer at \
         that instant is accepted",
        || on_both::<F, String>(5, Rate::per_second(10), SECOND, full_refuses),
    );

    ctx.check(
        "capacity 1: one item waits while the one before it leaves",
        || on_both::<F, u32>(1, Rate::per_second(1), 0, capacity_one),
    );

    ctx.check(
        "poll hands items out in order, never before their instant, and holds back nothing ready",
        || on_both::<F, u32>(10, Rate::per_second(10), 0, poll_in_order),
    );

    ctx.check(
        "next_departure is the instant of the oldest item not yet polled, even when it has come",
        || on_both::<F, u32>(10, Rate::per_second(10), 0, next_departure_oldest),
    );

    ctx.check(
        "level counts the items whose instant is still to come: an item that has left makes \
         room before it is polled",
        || on_both::<F, u32>(3, Rate::per_second(10), 0, level_by_definition),
    );

    ctx.check(
        "a capacity of usize::MAX works: nothing is allocated up front",
        || on_both::<F, u32>(usize::MAX, Rate::per_second(1), 0, huge_capacity),
    );

    ctx.check(
        "no drift: at 3 items per second the millionth departure is exactly ceil(10^15 / 3) ns",
        || on_both::<F, u32>(2, Rate::per_second(3), 0, no_drift),
    );

    ctx.check(
        "intervals shorter than a nanosecond: at 3 items per ns item k leaves at ceil(k / 3) ns",
        || {
            let rate = Rate::new(3, Duration::from_nanos(1));
            on_both::<F, u32>(usize::MAX, rate, 0, sub_nanosecond)
        },
    );

    ctx.check(
        "a clock that steps back is no error, and no time is counted twice",
        || on_both::<F, u32>(3, Rate::per_second(1), 0, clock_back),
    );

    ctx.check(
        "an offer whose departure would pass u64::MAX ns is refused as Full and changes nothing",
        || {
            let start = u64::MAX - 3 * SECOND / 2;
            on_both::<F, u32>(5, Rate::per_second(1), start, past_u64_max)
        },
    );

    ctx.check(
        "items need be neither Clone nor Copy: the very item comes back or comes out",
        || on_both::<F, Parcel>(1, Rate::per_second(1), 0, not_clone),
    );
}
