//! Stage 2 of `leaky-bucket`: random schedules against the exact model.
//!
//! A scenario is a capacity, a rate (drawn from rates whose interval is a whole, a recurring, a
//! sub-nanosecond or a very long number of nanoseconds) and a sequence of offers, polls and clock
//! moves: small and large steps, a step of exactly one interval (rounded down or up), and a jump
//! to the instant the next waiting item leaves, where the level drops and a refused offer becomes
//! an accepted one. Every result (the departure instant, the refused item and its exact
//! `retry_after`, the polled item) must equal the model's ([`super::model::ModelShaper`]), and
//! after every step so must `level()` and `next_departure()`.
//!
//! A second property lets the clock step backwards too. There the exact results are not all
//! prescribed: which calls count as having acted on a reading is the implementation's choice, and
//! while the clock is behind, a bucket may be more cautious (refuse more, hand out later), never
//! more generous. What the rules promise is checked instead, with `must` the latest clock
//! reading of an offer (every offer acts on its reading) and `seen` the latest reading of any
//! call:
//!
//! - no panic; polls hand out accepted items in the order accepted, each once, never one whose
//!   instant is later than `seen`, and always one whose instant is not later than the clock;
//! - departures never come closer together than one interval (rounded down), never go back, and
//!   never precede `must`;
//! - `level()` is at most the capacity, at least the items leaving after `seen`, at most those
//!   leaving after the clock (or `must`); an offer is accepted when even that cautious count has
//!   room, and refused when even the generous one has none;
//! - no time is counted twice: the items accepted between two offers number at most
//!   `capacity + 1 + (seen - must) / interval`, the envelope of a shaper (its queue plus the one
//!   leaving, plus what leaks in the time that passed);
//! - once the clock is past every departure by an interval, every item comes out and an offer
//!   leaves at once.
//!
//! Both properties run on `LeakyBucket` and on `ConcurrentLeakyBucket` driven from one thread.

use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::leaky_bucket::{Full, Rate};
use proptest::prelude::*;

use super::model::{build, Driven, ModelShaper, VARIANTS};
use super::LeakyBucketFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure, ensure_eq, Ctx};

/// One step of a scenario.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// Move the clock forward by this many nanoseconds.
    Advance(u64),
    /// Move the clock backward (saturating at 0).
    Back(u64),
    /// Move the clock to the instant the next waiting item leaves (forward-only scenarios; no
    /// move when nothing waits).
    ToNextLeaving,
    /// `offer(k)`, `k` counting the offers so far from 0.
    Offer,
    /// `poll()`.
    Poll,
}

/// A capacity, a rate and the steps to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    capacity: usize,
    rate: Rate,
    /// The clock's first reading: 0, or (forward-only scenarios) a few intervals before the end of
    /// `u64` nanoseconds, where departures stop fitting and offers must be refused.
    start: u64,
    ops: Vec<Op>,
}

/// `(items, period)`: intervals of 1 s, 1/3 s, 1/7 ms, 1 ms, 0.6 ns, 1/(2^32 - 1) s, 1 h,
/// 3.5 ns and 1 µs.
const RATES: [(u64, Duration); 9] = [
    (1, Duration::from_secs(1)),
    (3, Duration::from_secs(1)),
    (7, Duration::from_millis(1)),
    (1_000, Duration::from_secs(1)),
    (5, Duration::from_nanos(3)),
    (u32::MAX as u64, Duration::from_secs(1)),
    (1, Duration::from_secs(3_600)),
    (2, Duration::from_nanos(7)),
    (1, Duration::from_micros(1)),
];

fn step(rate: Rate) -> impl Strategy<Value = u64> {
    let floor = (rate.period.as_nanos() / u128::from(rate.tokens)) as u64;
    let ceil = rate.period.as_nanos().div_ceil(u128::from(rate.tokens)) as u64;
    prop_oneof![
        Just(0u64),
        1u64..100,
        1u64..2_000_000,
        1u64..5_000_000_000,
        Just(floor),
        Just(ceil),
    ]
}

/// Scenarios whose clock only moves forward, or (`backwards`) also steps back.
fn scenario(backwards: bool) -> impl Strategy<Value = Scenario> {
    let capacity = prop_oneof![8 => 1usize..=6, 1 => Just(usize::MAX)];
    (capacity, 0..RATES.len())
        .prop_flat_map(move |(capacity, r)| {
            let rate = Rate::new(RATES[r].0, RATES[r].1);
            // Two strategies rather than weights of 0: proptest shrinks towards a union's
            // earlier arms whatever their weights.
            let op = if backwards {
                prop_oneof![
                    3 => step(rate).prop_map(Op::Advance),
                    2 => step(rate).prop_map(Op::Back),
                    5 => Just(Op::Offer),
                    3 => Just(Op::Poll),
                ]
                .boxed()
            } else {
                prop_oneof![
                    3 => step(rate).prop_map(Op::Advance),
                    2 => Just(Op::ToNextLeaving),
                    5 => Just(Op::Offer),
                    3 => Just(Op::Poll),
                ]
                .boxed()
            };
            let ceil = rate.period.as_nanos().div_ceil(u128::from(rate.tokens)) as u64;
            let start = if backwards {
                Just(0).boxed()
            } else {
                prop_oneof![
                    4 => Just(0u64),
                    1 => (0u64..16).prop_map(move |k| u64::MAX - k * ceil),
                ]
                .boxed()
            };
            (
                Just(capacity),
                Just(rate),
                start,
                prop::collection::vec(op, 1..80),
            )
        })
        .prop_map(|(capacity, rate, start, ops)| Scenario {
            capacity,
            rate,
            start,
            ops,
        })
}

/// `Ok(instant)`, or `Err((item, retry_after))`: an offer's result with the item in the open.
type Offered = Result<u64, (u32, Duration)>;

fn plain(r: Result<u64, Full<u32>>) -> Offered {
    r.map_err(|f| (f.item, f.retry_after))
}

/// The first lines of a replay: the clock and the bucket.
fn header(kind: &str, s: &Scenario) -> String {
    // `offer` takes `&mut self` on `LeakyBucket`, `&self` on the concurrent one.
    let binding = if kind == VARIANTS[0] {
        "let mut"
    } else {
        "let"
    };
    let capacity = if s.capacity == usize::MAX {
        "usize::MAX".to_owned()
    } else {
        s.capacity.to_string()
    };
    let clock = if s.start == 0 {
        "ManualClock::new()".to_owned()
    } else {
        format!("ManualClock::starting_at({})", s.start)
    };
    format!(
        "let clock = {clock};\n{binding} bucket = {kind}::<u32, _>::new({capacity}, \
         Rate::new({}, Duration::from_nanos({})), clock.clone())?;",
        s.rate.tokens,
        s.rate.period.as_nanos()
    )
}

/// A forward scenario as code, each line with what the model answers, then the level and next
/// departure it has (the jumps to the next departure resolved to the model's instants).
fn render_forward(kind: &str, s: &Scenario) -> String {
    let mut out = header(kind, s);
    out.push_str(
        "\n// After every step the suite also reads bucket.level() and bucket.next_departure().",
    );
    let mut model = ModelShaper::<u32>::new(s.capacity, s.rate);
    let (mut now, mut offers) = (s.start, 0u32);
    for op in &s.ops {
        let (code, said) = match *op {
            Op::Advance(ns) => {
                now = now.saturating_add(ns);
                (
                    format!("clock.advance(Duration::from_nanos({ns}));"),
                    String::new(),
                )
            }
            Op::Back(ns) => {
                now = now.saturating_sub(ns);
                (format!("clock.set({now});"), String::new())
            }
            Op::ToNextLeaving => {
                now = model.next_leaving_after(now).unwrap_or(now);
                (
                    format!("clock.set({now});"),
                    "the next departure still to come; ".to_owned(),
                )
            }
            Op::Offer => {
                let got = plain(model.offer(offers, now));
                offers += 1;
                (
                    format!("bucket.offer({});", offers - 1),
                    format!("{got:?}; "),
                )
            }
            Op::Poll => (
                "bucket.poll();".to_owned(),
                format!("{:?}; ", model.poll(now)),
            ),
        };
        out.push_str(&format!(
            "\n{code} // {said}level() {}, next_departure() {:?}",
            model.level(now),
            model.next_departure()
        ));
    }
    out
}

/// A scenario whose clock steps back, as code (no model answers: several are allowed).
fn render_backwards(kind: &str, s: &Scenario) -> String {
    let mut out = header(kind, s);
    out.push_str(
        "\n// After every step the suite also reads bucket.level() and bucket.next_departure().",
    );
    let (mut now, mut offers) = (0u64, 0u32);
    for op in &s.ops {
        out.push('\n');
        match *op {
            Op::Advance(ns) => {
                now = now.saturating_add(ns);
                out.push_str(&format!("clock.advance(Duration::from_nanos({ns}));"));
            }
            Op::Back(ns) => {
                now = now.saturating_sub(ns);
                out.push_str(&format!("clock.set({now});"));
            }
            Op::ToNextLeaving => out.push_str("// (no jumps in this property)"),
            Op::Offer => {
                out.push_str(&format!("bucket.offer({offers});"));
                offers += 1;
            }
            Op::Poll => out.push_str("bucket.poll();"),
        }
    }
    out.push_str(
        "\n// Then the clock is set an interval past every departure and the latest reading, \
         and every item polled.",
    );
    out
}

/// Where a step is, for messages: `step 3 `bucket.poll()` (at 1000 ns)`.
fn at(step: usize, what: &str, now: u64) -> String {
    format!("step {} `{what}` (at {now} ns)", step + 1)
}

fn drive(s: &Scenario, clock: &ManualClock, bucket: &mut dyn Driven<u32>) -> Outcome {
    let mut model = ModelShaper::<u32>::new(s.capacity, s.rate);
    let (mut now, mut offers) = (s.start, 0u32);
    for (step, op) in s.ops.iter().enumerate() {
        let what = match *op {
            Op::Advance(ns) => {
                now = now.saturating_add(ns);
                clock.set(now);
                format!("clock.advance({ns} ns)")
            }
            Op::Back(_) => return Err("a forward-only scenario stepped back".to_owned()),
            Op::ToNextLeaving => {
                now = model.next_leaving_after(now).unwrap_or(now);
                clock.set(now);
                format!("clock.set({now})")
            }
            Op::Offer => {
                let item = offers;
                offers += 1;
                let what = format!("bucket.offer({item})");
                ensure_eq!(
                    plain(bucket.offer(item)),
                    plain(model.offer(item, now)),
                    "{} returned",
                    at(step, &what, now)
                );
                what
            }
            Op::Poll => {
                let what = "bucket.poll()".to_owned();
                ensure_eq!(
                    bucket.poll(),
                    model.poll(now),
                    "{} returned",
                    at(step, &what, now)
                );
                what
            }
        };
        ensure_eq!(
            bucket.level(),
            model.level(now),
            "after {}, level()",
            at(step, &what, now)
        );
        ensure_eq!(
            bucket.next_departure(),
            model.next_departure(),
            "after {}, next_departure() (the unpolled items leave at {:?})",
            at(step, &what, now),
            model.departures()
        );
    }
    Ok(())
}

/// What a bucket has said, for the backward-clock property.
#[derive(Debug, Default)]
struct Said {
    /// Departure instants of every accepted item, in the order accepted (item `k` of the list
    /// is not item `k` of the offers: refused offers are not in it).
    departures: Vec<u64>,
    /// The item of each accepted offer, in the order accepted.
    items: Vec<u32>,
    /// How many accepted items have been polled.
    polled: usize,
    /// `must` when each accepted offer was made: the envelope's window starts there.
    musts: Vec<u64>,
}

impl Said {
    /// Accepted items (polled or not) whose instant is later than `t`.
    fn leaving_after(&self, t: u64) -> usize {
        self.departures.iter().filter(|d| **d > t).count()
    }
}

/// The backward-clock property (see the module documentation).
fn drive_backwards(s: &Scenario, clock: &ManualClock, bucket: &mut dyn Driven<u32>) -> Outcome {
    let (tokens, period) = (u128::from(s.rate.tokens), s.rate.period.as_nanos());
    let floor_interval = (period / tokens) as u64;
    let (mut now, mut must, mut seen, mut offers) = (0u64, 0u64, 0u64, 0u32);
    let mut said = Said::default();
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("step {} (at {now} ns)", step + 1);
        match *op {
            Op::Advance(ns) => {
                now = now.saturating_add(ns);
                clock.set(now);
            }
            Op::Back(ns) => {
                now = now.saturating_sub(ns);
                clock.set(now);
            }
            Op::ToNextLeaving => return Err("a backward scenario jumped to a departure".to_owned()),
            Op::Offer => {
                let item = offers;
                offers += 1;
                must = must.max(now);
                seen = seen.max(now);
                // The level the bucket acted on lies between these two counts.
                let cautious = said.leaving_after(must);
                let generous = said.leaving_after(seen);
                match plain(bucket.offer(item)) {
                    Ok(departure) => {
                        ensure!(
                            generous < s.capacity,
                            "{at} `bucket.offer({item})` was accepted, but {generous} items \
                             leave after the latest reading {seen} ns: the bucket was full"
                        );
                        ensure!(
                            departure >= must,
                            "{at} `bucket.offer({item})` returned {departure} ns, before {must} \
                             ns, a reading an offer already acted on"
                        );
                        if let Some(&before) = said.departures.last() {
                            ensure!(
                                departure >= before + floor_interval,
                                "{at} `bucket.offer({item})` returned {departure} ns, less than \
                                 one interval ({floor_interval} ns, rounded down) after the item \
                                 accepted before it, which leaves at {before} ns"
                            );
                        }
                        said.departures.push(departure);
                        said.items.push(item);
                        said.musts.push(must);
                        envelope(s, &said, seen, &at)?;
                    }
                    Err((back, retry_after)) => {
                        ensure_eq!(back, item, "{at} the item `bucket.offer({item})` gave back");
                        ensure!(
                            retry_after > Duration::ZERO,
                            "{at} `bucket.offer({item})` was refused with a retry_after of zero"
                        );
                        ensure!(
                            cautious >= s.capacity,
                            "{at} `bucket.offer({item})` was refused, but only {cautious} items \
                             leave after {} ns (the clock, or a later reading an offer acted \
                             on) and the capacity is {}: the bucket had room",
                            must,
                            s.capacity
                        );
                    }
                }
            }
            Op::Poll => {
                seen = seen.max(now);
                let next = said.items.get(said.polled).copied();
                let next_at = said.departures.get(said.polled).copied();
                match bucket.poll() {
                    Some(item) => {
                        ensure!(
                            Some(item) == next,
                            "{at} `bucket.poll()` returned item {item}; the oldest item not yet \
                             polled is {next:?}"
                        );
                        let leaves = next_at.unwrap_or_default();
                        ensure!(
                            leaves <= seen,
                            "{at} `bucket.poll()` handed out item {item}, which leaves at \
                             {leaves} ns, later than any reading of the clock so far ({seen} ns)"
                        );
                        said.polled += 1;
                    }
                    None => {
                        if let (Some(item), Some(leaves)) = (next, next_at) {
                            ensure!(
                                leaves > now,
                                "{at} `bucket.poll()` returned None, but item {item} left at \
                                 {leaves} ns, and the clock reads {now} ns: nothing ready may \
                                 be held back"
                            );
                        }
                    }
                }
            }
        }
        let level = bucket.level();
        let reading = seen.max(now);
        ensure!(
            level <= s.capacity,
            "{at} level() is {level}, above the capacity {}",
            s.capacity
        );
        let earliest = must.max(now);
        let (low, high) = (said.leaving_after(reading), said.leaving_after(earliest));
        ensure!(
            (low..=high).contains(&level),
            "{at} level() is {level}; the accepted items leave at {:?} ns, so {low} leave after \
             the latest reading ({reading} ns) and {high} after {earliest} ns (the clock, or the \
             latest reading an offer acted on if that is later): the level must lie between",
            said.departures
        );
        seen = reading;
        ensure_eq!(
            bucket.next_departure(),
            said.departures.get(said.polled).copied(),
            "{at} next_departure() (the instant of the oldest item not yet polled)"
        );
    }
    // An interval after every departure and the latest reading, everything has left.
    let last = said.departures.last().copied().unwrap_or(0);
    let interval_up = u64::try_from(period.div_ceil(tokens)).unwrap_or(u64::MAX);
    let end = seen.max(last).saturating_add(interval_up);
    clock.set(end);
    let mut rest = Vec::new();
    while let Some(item) = bucket.poll() {
        rest.push(item);
        ensure!(
            rest.len() <= offers as usize,
            "poll() at the end never returned None"
        );
    }
    ensure_eq!(
        rest,
        said.items[said.polled..].to_vec(),
        "at the end, with the clock at {end} ns (an interval after every departure and the \
         latest reading), poll() until None"
    );
    ensure_eq!(bucket.level(), 0, "at the end, level()");
    ensure_eq!(
        plain(bucket.offer(offers)),
        Ok(end),
        "at the end, offer({offers}) to the idle bucket at {end} ns"
    );
    Ok(())
}

/// Every window of offers that ends at the one just accepted holds at most
/// `capacity + 1 + (seen - must at its first offer) / interval` accepted items.
fn envelope(s: &Scenario, said: &Said, seen: u64, at: &str) -> Outcome {
    let (tokens, period) = (u128::from(s.rate.tokens), s.rate.period.as_nanos());
    let capacity = s.capacity as u128;
    let n = said.musts.len();
    for (first, &from) in said.musts.iter().enumerate() {
        let count = (n - first) as u128;
        let window = u128::from(seen.saturating_sub(from));
        // (count - 1 - capacity) × period <= window × tokens, in integers.
        if count > capacity + 1 && (count - 1 - capacity) * period > window * tokens {
            return Err(format!(
                "{at}: {count} items were accepted from accepted offer {} on, while the latest \
                 clock reading moved by at most {window} ns: a bucket of {} leaking {} can accept \
                 at most {} in that time (its queue, the one leaving, and one per interval). \
                 After the clock stepped back, time was counted twice (a reading earlier than \
                 the latest one must count as no time passing)",
                first + 1,
                s.capacity,
                s.rate,
                capacity + 1 + window * tokens / period
            ));
        }
    }
    Ok(())
}

/// Checks variant `which` of `F` against the model, then on schedules whose clock steps back.
fn property<F: LeakyBucketFamily>(ctx: &mut Ctx, which: usize) {
    type Driver = fn(&Scenario, &ManualClock, &mut dyn Driven<u32>) -> Outcome;
    type Render = fn(&str, &Scenario) -> String;
    let kind = VARIANTS[which];
    let cases: [(u64, bool, String, Driver, Render); 2] = [
        (
            1 + which as u64,
            false,
            format!("{kind} matches the exact model on random schedules"),
            drive,
            render_forward,
        ),
        (
            11 + which as u64,
            true,
            format!(
                "{kind} survives a clock that steps back: no panic, no time counted twice, \
                 nothing early"
            ),
            drive_backwards,
            render_backwards,
        ),
    ];
    for (salt, backwards, name, driver, render) in cases {
        let seed = ctx.sub_seed(salt);
        ctx.check(&name, || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(backwards),
                |s| render(kind, s),
                |s| {
                    let clock = ManualClock::starting_at(s.start);
                    let mut bucket = build::<F, u32>(which, s.capacity, s.rate, &clock)
                        .map_err(|e| format!("{kind}::new: {e}"))?;
                    driver(s, &clock, &mut *bucket)
                },
            )
        });
    }
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: LeakyBucketFamily>(ctx: &mut Ctx) {
    property::<F>(ctx, 0);
    property::<F>(ctx, 1);
}
