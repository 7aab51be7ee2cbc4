//! Stage 1 of `sliding-window`: scenarios that read like the specification.
//!
//! The same scenarios run on each of the three limiters (one generic helper, its checks named by
//! the limiter), with the decisions each definition makes written out; then the keyed limiter on
//! a [`ManualClock`]. Times are nanoseconds; a window of 100 ns keeps the arithmetic readable.

use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::sliding_window::{ConfigError, KeyedLimiter, WindowLimiter};

use super::model::{Kind, Model};
use super::SlidingWindowFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

const SECOND: Duration = Duration::from_secs(1);

/// `n` nanoseconds.
fn ns(n: u64) -> Duration {
    Duration::from_nanos(n)
}

/// `W::new(limit, window)`, its error as a failure message.
fn new<W: WindowLimiter>(name: &str, limit: u64, window: Duration) -> Result<W, String> {
    W::new(limit, window).map_err(|e| format!("{name}::new({limit}, {window:?}) failed: {e}"))
}

/// `n` requests at time `at`: what each returned.
fn burst<W: WindowLimiter>(w: &mut W, at: u64, n: usize) -> Vec<bool> {
    (0..n).map(|_| w.try_acquire(at)).collect()
}

/// How many of `n` requests at `at` were admitted.
fn admitted<W: WindowLimiter>(w: &mut W, at: u64, n: usize) -> usize {
    burst(w, at, n).into_iter().filter(|a| *a).count()
}

/// Runs `steps` (time, what `try_acquire` must return) on `w`, failing at the first difference.
fn expect<W: WindowLimiter>(w: &mut W, name: &str, setup: &str, steps: &[(u64, bool)]) -> Outcome {
    for (i, &(at, want)) in steps.iter().enumerate() {
        let got = w.try_acquire(at);
        ensure!(
            got == want,
            "{name} {setup}: request {} of the sequence {}, try_acquire({at}) returned {got}, \
             expected {want}",
            i + 1,
            render(steps)
        );
    }
    Ok(())
}

/// `[t1, t2, ...]` as `try_acquire` times, with the expected results.
fn render(steps: &[(u64, bool)]) -> String {
    let items: Vec<String> = steps.iter().map(|(t, a)| format!("{t}:{a}")).collect();
    format!("[{}] (time:admitted)", items.join(", "))
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: SlidingWindowFamily>(ctx: &mut Ctx) {
    limiter::<F::Fixed>(ctx, Kind::Fixed);
    limiter::<F::Log>(ctx, Kind::Log);
    limiter::<F::Counter>(ctx, Kind::Counter);
    keyed_basics::<F>(ctx);
    keyed::<F, F::Fixed>(ctx, Kind::Fixed);
    keyed::<F, F::Log>(ctx, Kind::Log);
    keyed::<F, F::Counter>(ctx, Kind::Counter);
}

/// The scenarios every limiter shares; `kind` says which definition `W` follows.
fn limiter<W: WindowLimiter>(ctx: &mut Ctx, kind: Kind) {
    let name = kind.type_name();

    ctx.check(&format!("{name}: admits its limit, then refuses"), || {
        let mut w = new::<W>(name, 3, SECOND)?;
        let got = burst(&mut w, 0, 5);
        ensure_eq!(
            got,
            vec![true, true, true, false, false],
            "{name} with a limit of 3 per second: 5 requests at time 0"
        );
        let mut w = new::<W>(name, 1, SECOND)?;
        ensure_eq!(
            burst(&mut w, 7, 2),
            vec![true, false],
            "{name} with a limit of 1: 2 requests at 7 ns"
        );
        Ok(())
    });

    match kind {
        Kind::Fixed => ctx.check(
            "FixedWindow: a new window starts at k x W exactly, counted from time 0",
            || {
                let mut w = new::<W>(name, 2, ns(100))?;
                // Windows are [100, 200), [200, 300), ...: not counted from the first request.
                expect(
                    &mut w,
                    name,
                    "(limit 2, W = 100 ns)",
                    &[
                        (130, true),
                        (130, true),
                        (131, false),
                        (199, false),
                        (200, true),
                        (229, true),
                        (230, false),
                        (399, true),
                        (400, true),
                    ],
                )
            },
        ),
        Kind::Log => ctx.check(
            "SlidingLog: a request at t frees its slot at t + W exactly ((t - W, t] is the window)",
            || {
                let mut w = new::<W>(name, 2, ns(100))?;
                expect(
                    &mut w,
                    name,
                    "(limit 2, W = 100 ns)",
                    &[
                        (10, true),
                        (60, true),
                        (61, false),
                        (109, false),
                        (110, true),
                        (110, false),
                        (159, false),
                        (160, true),
                        (160, false),
                    ],
                )
            },
        ),
        Kind::Counter => ctx.check(
            "SlidingCounter: the previous window weighs (W - e) / W: exact decisions at e = 0, \
             W/2 and W - 1",
            || {
                // Limit 100, W = 100 ns: at e = W - 1 the previous window still weighs 1 request.
                // prev × (W − e) + curr × W < limit × W, with `prev` the requests admitted at 0.
                let cases = [
                    (100, 0, 0),
                    (100, 50, 50),
                    (100, 99, 99),
                    (40, 50, 80),
                    (40, 0, 60),
                    (100, 100, 100),
                    (100, 150, 100),
                ];
                for (prev, at, want) in cases {
                    let mut w = new::<W>(name, 100, ns(100))?;
                    let filled = admitted(&mut w, 0, prev);
                    ensure_eq!(
                        filled,
                        prev,
                        "{name} (limit 100, W = 100 ns): admitted of {prev} requests at 0"
                    );
                    let got = admitted(&mut w, 100 + at, 200);
                    let e = at % 100;
                    let window = if at < 100 {
                        "the next window"
                    } else {
                        "two windows later, where the previous window is empty,"
                    };
                    ensure!(
                        got == want,
                        "{name} (limit 100, W = 100 ns), {prev} admitted at 0: at {} ns (e = {e} \
                         in {window}) it admitted {got} of 200 requests, expected {want}: admit \
                         while prev x (W - e) + curr x W < limit x W, computed exactly",
                        100 + at
                    );
                }
                Ok(())
            },
        ),
    };

    ctx.check(
        &format!("{name}: a burst on each side of a window boundary"),
        || {
            // Limit 5, W = 1 s: 10 requests 1 ns before the boundary at 1 s, 10 at it.
            let (before, after, lesson) = match kind {
                Kind::Fixed => (
                    5,
                    5,
                    "a fixed window resets at the boundary: twice the limit within 2 ns",
                ),
                Kind::Log => (
                    5,
                    0,
                    "no window-length interval may hold more than the limit",
                ),
                Kind::Counter => (5, 0, "at e = 0 the previous window weighs all 5 requests"),
            };
            let mut w = new::<W>(name, 5, SECOND)?;
            let w_ns = 1_000_000_000;
            let got = (admitted(&mut w, w_ns - 1, 10), admitted(&mut w, w_ns, 10));
            ensure_eq!(
                got,
                (before, after),
                "{name} (limit 5 per second): (admitted of 10 at 999 999 999 ns, admitted of 10 at \
                 1 s); {lesson}"
            );
            Ok(())
        },
    );

    ctx.check(&format!("{name}: a refused request is not counted"), || {
        let mut w = new::<W>(name, 2, ns(100))?;
        ensure_eq!(
            burst(&mut w, 0, 1),
            vec![true],
            "{name} (limit 2, W = 100 ns): try_acquire(0)"
        );
        ensure_eq!(burst(&mut w, 50, 1), vec![true], "{name}: try_acquire(50)");
        for t in 60..80 {
            ensure!(
                !w.try_acquire(t),
                "{name}: try_acquire({t}) with 2 admitted at 0 and 50 must be refused"
            );
        }
        // Only 0 and 50 count: the fixed window and the log admit 2 at 150, the counter 1
        // (2 × 50 + curr × 100 < 200).
        let want = if kind == Kind::Counter { 1 } else { 2 };
        let got = admitted(&mut w, 150, 5);
        ensure!(
            got == want,
            "{name} (limit 2, W = 100 ns): admitted at 0 and 50, refused 20 times at 60..80; \
                 at 150 it admitted {got} of 5 requests, expected {want}{}",
            if got < want {
                ": were the refused requests counted? (Or are 0 and 50 still counted at 150, \
                 past their window? The checks above say which.)"
            } else {
                ""
            }
        );
        Ok(())
    });

    ctx.check(
        &format!("{name}: a clock that steps back is no error, and nothing admitted is uncounted"),
        || {
            // A reading earlier than the latest one counts as the latest (kata_core::clock).
            let mut w = new::<W>(name, 2, ns(100))?;
            expect(
                &mut w,
                name,
                "(limit 2, W = 100 ns; a time earlier than the latest counts as the latest)",
                &[
                    (1_000, true),
                    (500, true),
                    (500, false),
                    (950, false),
                    (0, false),
                    (1_099, false),
                ],
            )?;
            let want = if kind == Kind::Counter { 0 } else { 2 };
            let got = admitted(&mut w, 1_100, 3);
            ensure!(
                got == want,
                "{name} (limit 2, W = 100 ns): admitted at 1 000 and at 500 (which counts as \
                 1 000); at 1 100 it admitted {got} of 3 requests, expected {want}"
            );
            ensure!(
                !w.try_acquire(20),
                "{name}: try_acquire(20) after a full burst at 1 100 must be refused (20 counts \
                 as 1 100)"
            );
            ensure!(
                !w.is_idle(20),
                "{name}: is_idle(20) right after requests at 1 100 must be false (20 counts as \
                 1 100)"
            );
            Ok(())
        },
    );

    ctx.check(&format!("{name}: is_idle as the definition says"), || {
        let mut w = new::<W>(name, 2, ns(100))?;
        ensure!(
            w.is_idle(0) && w.is_idle(12_345),
            "{name}: a new limiter must be idle at any time"
        );
        ensure!(
            w.try_acquire(150),
            "{name} (limit 2, W = 100 ns): try_acquire(150)"
        );
        // The fixed window forgets at its boundary (200), the log W after the request (250),
        // the counter when the request's window is two windows back (300).
        let (from, why) = match kind {
            Kind::Fixed => (200, "its window [100, 200) is over"),
            Kind::Log => (250, "no admitted request is left in (now - W, now]"),
            Kind::Counter => (
                300,
                "the request's window [100, 200) is neither the current nor the previous one",
            ),
        };
        for t in [100, 150, 199, 200, 249, 250, 299, 300, 1_000] {
            let want = t >= from;
            ensure!(
                w.is_idle(t) == want,
                "{name} (limit 2, W = 100 ns), admitted at 150: is_idle({t}) returned {}, expected \
                 {want}: idle from {from} on, when {why}{}",
                !want,
                if t < 150 { " (a time earlier than the latest counts as the latest)" } else { "" }
            );
        }
        Ok(())
    });

    ctx.check(
        &format!("{name}: limit() and window() are the configuration"),
        || {
            let w = new::<W>(name, 7, Duration::from_secs(3))?;
            ensure_eq!(
                (w.limit(), w.window()),
                (7, Duration::from_secs(3)),
                "{name}::new(7, 3 s): (limit(), window())"
            );
            let w = new::<W>(name, u64::MAX, ns(u64::MAX))?;
            ensure_eq!(
                (w.limit(), w.window()),
                (u64::MAX, ns(u64::MAX)),
                "{name}::new(u64::MAX, u64::MAX ns): (limit(), window())"
            );
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: bad configurations are refused with clear errors, in order"),
        || {
            let cases = [
                (0, SECOND, ConfigError::ZeroLimit, "a limit of 0"),
                (
                    1,
                    Duration::ZERO,
                    ConfigError::ZeroWindow,
                    "a window of zero",
                ),
                (
                    1,
                    ns(u64::MAX) + ns(1),
                    ConfigError::WindowTooLong,
                    "a window of u64::MAX + 1 ns",
                ),
                (
                    1,
                    Duration::MAX,
                    ConfigError::WindowTooLong,
                    "a window of Duration::MAX",
                ),
                (
                    0,
                    Duration::ZERO,
                    ConfigError::ZeroLimit,
                    "a limit of 0 and a window of zero (the limit is checked first)",
                ),
                (
                    0,
                    Duration::MAX,
                    ConfigError::ZeroLimit,
                    "a limit of 0 and a window of Duration::MAX (the limit is checked first)",
                ),
            ];
            for (limit, window, want, what) in cases {
                ensure_eq!(
                    W::new(limit, window).err(),
                    Some(want),
                    "{name}::new with {what}"
                );
            }
            Ok(())
        },
    );

    ctx.check(
        &format!("{name}: a limit of u64::MAX and a window of u64::MAX ns work"),
        || {
            let mut w = new::<W>(name, u64::MAX, SECOND)?;
            let got = admitted(&mut w, 0, 1_000);
            ensure_eq!(
                got,
                1_000,
                "{name} with a limit of u64::MAX per second: admitted of 1 000 requests at 0"
            );
            ensure!(
                !w.is_idle(0),
                "{name}: is_idle(0) after admitting at 0 must be false"
            );
            // The longest window, and the latest time there is.
            let max = u64::MAX;
            let mut w = new::<W>(name, 1, ns(max))?;
            let last = match kind {
                // The second window starts at u64::MAX: the fixed window admits again.
                Kind::Fixed => true,
                // (0, u64::MAX] no longer holds 0.
                Kind::Log => true,
                // e = 0 in the second window: the previous one weighs fully.
                Kind::Counter => false,
            };
            expect(
                &mut w,
                name,
                "(limit 1, W = u64::MAX ns)",
                &[
                    (0, true),
                    (0, false),
                    (max - 1, false),
                    (max, last),
                    (max, false),
                ],
            )?;
            ensure!(
                !w.is_idle(max),
                "{name} (limit 1, W = u64::MAX ns): is_idle(u64::MAX) must be false"
            );
            let mut w = new::<W>(name, u64::MAX, ns(max))?;
            ensure_eq!(
                (admitted(&mut w, 0, 10), admitted(&mut w, max, 10)),
                (10, 10),
                "{name} with a limit of u64::MAX per u64::MAX ns: admitted of 10 at 0, of 10 at \
                 u64::MAX"
            );
            Ok(())
        },
    );
}

type KeyedOf<F, W> = <F as SlidingWindowFamily>::Keyed<u32, W, ManualClock>;

/// `Keyed::new(limit, window, clock)` on a new clock at 0.
fn keyed_new<F: SlidingWindowFamily, W: WindowLimiter + Send + Sync>(
    wname: &str,
    limit: u64,
    window: Duration,
) -> Result<(KeyedOf<F, W>, ManualClock), String> {
    let clock = ManualClock::new();
    let k = KeyedOf::<F, W>::new(limit, window, clock.clone()).map_err(|e| {
        format!("Keyed::<u32, {wname}, ManualClock>::new({limit}, {window:?}) failed: {e}")
    })?;
    Ok((k, clock))
}

/// The keyed limiter's own scenarios, on the fixed window.
fn keyed_basics<F: SlidingWindowFamily>(ctx: &mut Ctx) {
    ctx.check("Keyed: keys are independent; len() counts them", || {
        let (k, _clock) = keyed_new::<F, F::Fixed>("FixedWindow", 2, SECOND)?;
        ensure!(
            k.is_empty() && k.len() == 0,
            "a new Keyed: len() is {}, is_empty() {}",
            k.len(),
            k.is_empty()
        );
        let one: Vec<bool> = (0..3).map(|_| k.try_acquire(&1)).collect();
        ensure_eq!(
            one,
            vec![true, true, false],
            "Keyed (limit 2 per second): 3 requests for key 1 at 0"
        );
        let two: Vec<bool> = (0..3).map(|_| k.try_acquire(&2)).collect();
        ensure_eq!(
            two,
            vec![true, true, false],
            "then 3 requests for key 2: its own limit, not key 1's"
        );
        ensure!(!k.try_acquire(&1), "then key 1 again: still refused");
        ensure_eq!(
            (k.len(), k.is_empty()),
            (2, false),
            "(len(), is_empty()) with keys 1 and 2 in use"
        );
        Ok(())
    });

    ctx.check(
        "Keyed: a clock that steps back is no error, and nothing admitted is uncounted",
        || {
            let (k, clock) = keyed_new::<F, F::Log>("SlidingLog", 1, ns(100))?;
            clock.set(1_000);
            ensure!(
                k.try_acquire(&1),
                "Keyed<_, SlidingLog, _> (limit 1, W = 100 ns): key 1 at 1 000"
            );
            clock.set(950);
            ensure!(
                !k.try_acquire(&1),
                "key 1 with the clock set back to 950 must be refused (950 counts as 1 000 for it)"
            );
            ensure!(
                k.try_acquire(&2),
                "key 2 at 950 (never seen) must be admitted"
            );
            clock.set(1_099);
            ensure!(!k.try_acquire(&1), "key 1 at 1 099 must be refused");
            clock.set(1_100);
            ensure!(
                k.try_acquire(&1),
                "key 1 at 1 100 must be admitted (1 000 has left the window)"
            );
            Ok(())
        },
    );

    ctx.check(
        "Keyed: bad configurations are refused, as the limiters refuse them",
        || {
            let cases = [
                (0, SECOND, ConfigError::ZeroLimit),
                (1, Duration::ZERO, ConfigError::ZeroWindow),
                (1, Duration::MAX, ConfigError::WindowTooLong),
                (0, Duration::ZERO, ConfigError::ZeroLimit),
            ];
            for (limit, window, want) in cases {
                let clock = ManualClock::new;
                let got = [
                    KeyedOf::<F, F::Fixed>::new(limit, window, clock()).err(),
                    KeyedOf::<F, F::Log>::new(limit, window, clock()).err(),
                    KeyedOf::<F, F::Counter>::new(limit, window, clock()).err(),
                ];
                ensure_eq!(
                    got,
                    [Some(want); 3],
                    "Keyed::new({limit}, {window:?}, clock) with FixedWindow, SlidingLog and \
                 SlidingCounter"
                );
            }
            Ok(())
        },
    );
}

/// Runs `schedule` ((time, key) pairs) on a keyed limiter and on a model per key (which never
/// forgets), failing at the first decision that differs.
fn against_models<F: SlidingWindowFamily, W: WindowLimiter + Send + Sync>(
    kind: Kind,
    limit: u64,
    window: u64,
    schedule: &[(u64, u32)],
    what: &str,
) -> Outcome {
    let wname = kind.type_name();
    let (k, clock) = keyed_new::<F, W>(wname, limit, ns(window))?;
    let mut models = std::collections::HashMap::new();
    let mut done = Vec::new();
    for &(at, key) in schedule {
        clock.set(at);
        let got = k.try_acquire(&key);
        let model = models
            .entry(key)
            .or_insert_with(|| Model::new(kind, limit, ns(window)).expect("valid configuration"));
        let want = model.try_acquire(at);
        done.push(format!("key {key} at {at}: {got}"));
        if got != want {
            let recent = done[done.len().saturating_sub(12)..].join(", ");
            return Err(format!(
                "Keyed<_, {wname}, _> (limit {limit}, W = {window} ns), {what}: key {key} at \
                 {at} ns was {}, but {wname}'s definition would have {} it (the last requests: \
                 {recent}){}",
                if got { "admitted" } else { "refused" },
                if want { "admitted" } else { "refused" },
                if got && !want {
                    format!(
                        ": if your {wname} passes its own checks, the key's state was lost, as \
                         if it had been forgotten while not idle"
                    )
                } else {
                    String::new()
                }
            ));
        }
    }
    Ok(())
}

/// The keyed limiter with window limiter `W`, which follows `kind`.
fn keyed<F: SlidingWindowFamily, W: WindowLimiter + Send + Sync>(ctx: &mut Ctx, kind: Kind) {
    let wname = kind.type_name();

    ctx.check(
        &format!("Keyed<_, {wname}, _> decides for each key as a {wname} of its own"),
        || {
            let schedule = [
                (0, 1),
                (0, 1),
                (0, 1),
                (0, 2),
                (50, 1),
                (99, 2),
                (99, 2),
                (99, 2),
                (100, 1),
                (100, 1),
                (100, 2),
                (150, 1),
                (199, 1),
                (199, 2),
                (200, 1),
                (200, 2),
                (250, 1),
                (250, 1),
                (250, 2),
                (299, 1),
                (300, 1),
                (300, 1),
            ];
            against_models::<F, W>(kind, 2, 100, &schedule, "two keys across three windows")
        },
    );

    ctx.check(
        &format!("Keyed<_, {wname}, _> forgets idle keys: len() falls within 3 windows"),
        || {
            let (k, clock) = keyed_new::<F, W>(wname, 2, SECOND)?;
            for key in 0..10 {
                ensure!(
                    k.try_acquire(&key),
                    "Keyed<_, {wname}, _> (limit 2 per second): key {key} at 0"
                );
            }
            ensure_eq!(k.len(), 10, "len() after 10 keys at 0");
            clock.advance(3 * SECOND);
            ensure!(k.try_acquire(&99), "key 99 at 3 s");
            ensure!(
                k.len() == 1,
                "Keyed<_, {wname}, _> (limit 2 per second): 10 keys requested at 0, then key 99 at \
                 3 s: len() is {}, expected 1. After a try_acquire at t, no key whose last request \
                 came at or before t - 3 x window may be held: idle keys must be forgotten",
                k.len()
            );
            let again: Vec<bool> = (0..3).map(|_| k.try_acquire(&0)).collect();
            ensure_eq!(
                again,
                vec![true, true, false],
                "key 0 at 3 s, forgotten: 3 requests (as a new key)"
            );
            ensure_eq!(k.len(), 2, "len() with keys 99 and 0 in use");
            Ok(())
        },
    );

    ctx.check(
        &format!("Keyed<_, {wname}, _> never forgets a key that is not idle"),
        || {
            // Key 1 is used at 100 and then probed twice at each probe time; other keys, each used
            // once, come every 10 ns, so that a sweep for idle keys is due (and done) once in every
            // window while key 1 is not idle.
            let mut schedule: Vec<(u64, u32)> = (0..=400)
                .step_by(10)
                .map(|t| (t, 1_000 + t as u32))
                .collect();
            schedule.extend([(100, 1), (100, 1), (105, 1)]);
            for probe in [150, 199, 200, 250, 299, 300, 350, 399] {
                schedule.extend([(probe, 1), (probe, 1)]);
            }
            schedule.sort_by_key(|&(t, _)| t);
            against_models::<F, W>(
                kind,
                2,
                100,
                &schedule,
                "key 1 probed while other keys come and go",
            )
        },
    );
}
