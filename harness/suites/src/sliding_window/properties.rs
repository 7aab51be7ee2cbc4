//! Stage 2 of `sliding-window`: random request times against the definitions.
//!
//! A scenario is a limit, a window and a sequence of requests, each made after the time moves: not
//! at all, a small step, to just before, at or just after the next window boundary, a jump of
//! several windows, or backwards. Every decision of `try_acquire`, and `is_idle` after every
//! request and at times around the window's edges, must equal the model's
//! ([`super::model::Model`], the definition with every admitted time kept in a `Vec`).
//!
//! The keyed limiter gets requests for a few keys on a clock that only moves forward, and must
//! decide each as a model per key that never forgets; after every request, `len()` must keep the
//! promise: no key whose last request came at or before `now − 3 × window` is held.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::sliding_window::{KeyedLimiter, WindowLimiter};
use proptest::prelude::*;

use super::model::{Kind, Model};
use super::SlidingWindowFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::Ctx;

/// How time moves before a request (in units of the scenario's window, so that a scenario shrinks
/// independently of its window).
#[derive(Debug, Clone, Copy)]
pub enum Move {
    /// Not at all: another request at the same time.
    Stay,
    /// Forward by `n / 64` of a window (at least 1 ns).
    Step(u64),
    /// To the next window boundary after now, plus -1, 0 or +1 ns.
    Boundary(i8),
    /// Forward by `n` windows and a little.
    Jump(u64),
    /// Backward by `n / 64` of a window (at least 1 ns, not below 0).
    Back(u64),
}

impl Move {
    /// The time after moving from `now`, with window `w`.
    fn apply(self, now: u64, w: u64) -> u64 {
        let part = |n: u64| (u128::from(w) * u128::from(n) / 64).max(1);
        let part = |n: u64| u64::try_from(part(n)).unwrap_or(u64::MAX);
        match self {
            Move::Stay => now,
            Move::Step(n) => now.saturating_add(part(n)),
            Move::Boundary(d) => {
                let next = (now / w).saturating_add(1).saturating_mul(w);
                next.saturating_add_signed(i64::from(d))
            }
            Move::Jump(n) => now
                .saturating_add(w.saturating_mul(n))
                .saturating_add(part(n)),
            Move::Back(n) => now.saturating_sub(part(n)),
        }
    }
}

/// One step of a scenario of a single limiter.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// Move the time, then `try_acquire(now)`, then `is_idle(now)`.
    Acquire(Move),
    /// `is_idle(now + offset)`, for the offset of index `i` in `idle_offsets`; time stays.
    Idle(usize),
}

/// The offsets from now at which [`Op::Idle`] asks: around the window's edges, and behind.
fn idle_offsets(w: u64) -> [i128; 9] {
    let w = i128::from(w);
    [-w, -1, 1, w - 1, w, w + 1, 2 * w - 1, 2 * w, 3 * w]
}

/// The windows scenarios draw from, in ns: tiny, round, a second, the longest.
const WINDOWS: [u64; 5] = [1, 10, 100, 1_000_000_000, u64::MAX];

/// A limit, a window and the steps.
#[derive(Debug, Clone)]
pub struct Scenario {
    limit: u64,
    window: u64,
    ops: Vec<Op>,
}

/// One call, with its absolute time.
#[derive(Debug, Clone, Copy)]
enum Call {
    Acquire(u64),
    Idle(u64),
}

/// The calls of `s`, time resolved (the same for the driver and the rendering).
fn calls(s: &Scenario) -> Vec<Call> {
    let mut now = 0u64;
    let offsets = idle_offsets(s.window);
    s.ops
        .iter()
        .map(|op| match *op {
            Op::Acquire(m) => {
                now = m.apply(now, s.window);
                Call::Acquire(now)
            }
            Op::Idle(i) => {
                let at = (i128::from(now) + offsets[i]).clamp(0, i128::from(u64::MAX));
                Call::Idle(at as u64)
            }
        })
        .collect()
}

fn moves(forward_only: bool) -> BoxedStrategy<Move> {
    let back = if forward_only { 0 } else { 2 };
    prop_oneof![
        3 => Just(Move::Stay),
        4 => (1u64..=64).prop_map(Move::Step),
        3 => (-1i8..=1).prop_map(Move::Boundary),
        1 => (1u64..=5).prop_map(Move::Jump),
        back => (1u64..=128).prop_map(Move::Back),
    ]
    .boxed()
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let op = prop_oneof![
        5 => moves(false).prop_map(Op::Acquire),
        1 => (0usize..9).prop_map(Op::Idle),
    ];
    (1u64..=4, 0..WINDOWS.len(), prop::collection::vec(op, 1..80)).prop_map(|(limit, w, ops)| {
        Scenario {
            limit,
            window: WINDOWS[w],
            ops,
        }
    })
}

fn model(kind: Kind, limit: u64, window: u64) -> Model {
    Model::new(kind, limit, Duration::from_nanos(window)).expect("a valid configuration")
}

/// The scenario as a test to paste, with the results the definition gives.
fn render(kind: Kind, s: &Scenario) -> String {
    let mut m = model(kind, s.limit, s.window);
    let mut out = format!(
        "let mut limiter = {}::new({}, Duration::from_nanos({}))?;",
        kind.type_name(),
        s.limit,
        s.window
    );
    for call in calls(s) {
        let (text, want) = match call {
            Call::Acquire(t) => (format!("limiter.try_acquire({t})"), m.try_acquire(t)),
            Call::Idle(t) => (format!("limiter.is_idle({t})"), m.is_idle(t)),
        };
        let bang = if want { "" } else { "!" };
        let _ = write!(out, "\nassert!({bang}{text});");
    }
    out
}

/// What the definition of `kind` says, for a failure message.
fn definition(kind: Kind) -> &'static str {
    match kind {
        Kind::Fixed => {
            "admit while fewer than limit were admitted in the request's window \
             [k x W, (k+1) x W), windows counted from time 0"
        }
        Kind::Log => "admit at t while fewer than limit were admitted in (t - W, t]",
        Kind::Counter => {
            "at t = k x W + e, admit while prev x (W - e) + curr x W < limit x W, prev and curr \
             the requests admitted in windows k - 1 and k"
        }
    }
}

/// Idleness as `kind` defines it, for a failure message.
fn idleness(kind: Kind) -> &'static str {
    match kind {
        Kind::Fixed => "idle when nothing was admitted in now's window",
        Kind::Log => "idle when nothing was admitted in (now - W, now]",
        Kind::Counter => "idle when nothing was admitted in now's window nor the one before",
    }
}

fn drive<W: WindowLimiter>(kind: Kind, s: &Scenario) -> Outcome {
    let name = kind.type_name();
    let mut w = W::new(s.limit, Duration::from_nanos(s.window)).map_err(|e| {
        format!(
            "{name}::new({}, Duration::from_nanos({})) failed: {e}",
            s.limit, s.window
        )
    })?;
    let mut m = model(kind, s.limit, s.window);
    let mut latest = 0;
    let back = |t: u64, latest: u64| {
        if t < latest {
            format!(" (earlier than the latest request, {latest}: it counts as {latest})")
        } else {
            String::new()
        }
    };
    for (i, call) in calls(s).into_iter().enumerate() {
        match call {
            Call::Acquire(t) => {
                let note = back(t, latest);
                latest = latest.max(t);
                let (got, want) = (w.try_acquire(t), m.try_acquire(t));
                if got != want {
                    return Err(format!(
                        "step {}: try_acquire({t}){note} returned {got}, expected {want}: {}",
                        i + 1,
                        definition(kind)
                    ));
                }
                let (got, want) = (w.is_idle(t), m.is_idle(t));
                if got != want {
                    return Err(format!(
                        "step {}: is_idle({t}) right after try_acquire({t}) returned {got}, \
                         expected {want}: {}",
                        i + 1,
                        idleness(kind)
                    ));
                }
            }
            Call::Idle(t) => {
                let (got, want) = (w.is_idle(t), m.is_idle(t));
                if got != want {
                    return Err(format!(
                        "step {}: is_idle({t}){} returned {got}, expected {want}: {}",
                        i + 1,
                        back(t, latest),
                        idleness(kind)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A keyed scenario: a limit, a window and requests `(move, key)`.
#[derive(Debug, Clone)]
pub struct KeyedScenario {
    limit: u64,
    window: u64,
    requests: Vec<(Move, u32)>,
}

fn keyed_scenario() -> impl Strategy<Value = KeyedScenario> {
    let request = (moves(true), 0u32..4);
    (
        1u64..=3,
        prop_oneof![Just(10u64), Just(100), Just(1_000_000_000)],
        prop::collection::vec(request, 1..100),
    )
        .prop_map(|(limit, window, requests)| KeyedScenario {
            limit,
            window,
            requests,
        })
}

/// The time of each request of `s`.
fn keyed_times(s: &KeyedScenario) -> Vec<(u64, u32)> {
    let mut now = 0u64;
    s.requests
        .iter()
        .map(|&(m, key)| {
            now = m.apply(now, s.window);
            (now, key)
        })
        .collect()
}

/// The most keys `len()` may report after a request at `now`: those whose last request came after
/// `now − 3 × window`.
fn held_at_most(models: &HashMap<u32, Model>, now: u64, window: u64) -> usize {
    match now.checked_sub(window.saturating_mul(3)) {
        None => models.len(),
        Some(gone) => models.values().filter(|m| m.latest() > gone).count(),
    }
}

fn render_keyed(kind: Kind, s: &KeyedScenario) -> String {
    let mut models = HashMap::new();
    let mut out = format!(
        "let clock = ManualClock::new();\nlet keyed = Keyed::<u32, {}, ManualClock>::new({}, \
         Duration::from_nanos({}), clock.clone())?;",
        kind.type_name(),
        s.limit,
        s.window
    );
    for (t, key) in keyed_times(s) {
        let want = models
            .entry(key)
            .or_insert_with(|| model(kind, s.limit, s.window))
            .try_acquire(t);
        let bang = if want { "" } else { "!" };
        let _ = write!(
            out,
            "\nclock.set({t});\nassert!({bang}keyed.try_acquire(&{key}));"
        );
        let most = held_at_most(&models, t, s.window);
        if most < models.len() {
            let _ = write!(out, "\nassert!(keyed.len() <= {most});");
        }
    }
    out
}

fn drive_keyed<K: KeyedLimiter<u32, W, ManualClock>, W: WindowLimiter + Send + Sync>(
    kind: Kind,
    s: &KeyedScenario,
) -> Outcome {
    let name = kind.type_name();
    let clock = ManualClock::new();
    let keyed = K::new(s.limit, Duration::from_nanos(s.window), clock.clone()).map_err(|e| {
        format!(
            "Keyed::<u32, {name}, ManualClock>::new({}, Duration::from_nanos({}), clock) failed: \
             {e}",
            s.limit, s.window
        )
    })?;
    let mut models: HashMap<u32, Model> = HashMap::new();
    for (i, (t, key)) in keyed_times(s).into_iter().enumerate() {
        clock.set(t);
        let got = keyed.try_acquire(&key);
        let want = models
            .entry(key)
            .or_insert_with(|| model(kind, s.limit, s.window))
            .try_acquire(t);
        if got != want {
            return Err(format!(
                "step {}: try_acquire(&{key}) at {t} ns returned {got}, but a {name} of the key's \
                 own would return {want}{}",
                i + 1,
                if got {
                    ": the key was forgotten while its state still mattered (it was not idle), \
                     or another key's requests were counted for it"
                } else {
                    ""
                }
            ));
        }
        let (len, most) = (keyed.len(), held_at_most(&models, t, s.window));
        if len > most {
            return Err(format!(
                "step {}: after try_acquire(&{key}) at {t} ns, len() is {len}, but only {most} \
                 key(s) had a request after {t} - 3 x {} ns: a key idle that long must be \
                 forgotten (a sweep at most once per window, of every key)",
                i + 1,
                s.window
            ));
        }
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: SlidingWindowFamily>(ctx: &mut Ctx) {
    limiter::<F::Fixed>(ctx, Kind::Fixed, 1);
    limiter::<F::Log>(ctx, Kind::Log, 2);
    limiter::<F::Counter>(ctx, Kind::Counter, 3);
    keyed::<F::Keyed<u32, F::Fixed, ManualClock>, F::Fixed>(ctx, Kind::Fixed, 4);
    keyed::<F::Keyed<u32, F::Log, ManualClock>, F::Log>(ctx, Kind::Log, 5);
    keyed::<F::Keyed<u32, F::Counter, ManualClock>, F::Counter>(ctx, Kind::Counter, 6);
}

fn limiter<W: WindowLimiter>(ctx: &mut Ctx, kind: Kind, salt: u64) {
    let seed = ctx.sub_seed(salt);
    ctx.check(
        &format!(
            "{}: every decision and is_idle match the definition, at random times (some going \
             back)",
            kind.type_name()
        ),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(),
                |s| render(kind, s),
                |s| drive::<W>(kind, s),
            )
        },
    );
}

fn keyed<K: KeyedLimiter<u32, W, ManualClock>, W: WindowLimiter + Send + Sync>(
    ctx: &mut Ctx,
    kind: Kind,
    salt: u64,
) {
    let seed = ctx.sub_seed(salt);
    ctx.check(
        &format!(
            "Keyed<_, {}, _>: decides each of a few keys as its own limiter, and forgets keys \
             idle for 3 windows",
            kind.type_name()
        ),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                keyed_scenario(),
                |s| render_keyed(kind, s),
                |s| drive_keyed::<K, W>(kind, s),
            )
        },
    );
}
