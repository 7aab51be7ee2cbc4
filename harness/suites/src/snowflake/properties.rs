//! Stage 2 of `snowflake`: random schedules against the model.
//!
//! A scenario is a layout (the default, and small ones whose sequence is used up in a few IDs or
//! whose timestamp runs out in a few milliseconds), a worker, a policy for a clock that goes
//! backwards, a starting time, and a sequence of clock moves (forward and back), `try_next_id`
//! and `decode` calls. Every result, including each retry's exact wait and each refusal's
//! distance, must equal [`ModelGenerator`]'s, for `Snowflake` and for `AtomicSnowflake` (each of
//! whose calls is also checked to take no lock). A third property checks base62 against the
//! model codec on random numbers and random texts.

use std::fmt;
use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::snowflake::{Backwards, Config, IdCodec, Layout, DEFAULT_EPOCH_MS};
use proptest::prelude::*;

use super::model::{at, conc, decode_text, encode, seq, ModelGenerator, Subject};
use super::SnowflakeFamily;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure_eq, Ctx};

/// The layouts scenarios draw from.
pub const LAYOUTS: [Layout; 6] = [
    Layout::DEFAULT,
    Layout::new(41, 20, 2),
    Layout::new(45, 17, 1),
    Layout::new(3, 30, 30),
    Layout::new(4, 58, 1),
    Layout::new(61, 1, 1),
];

/// One step of a scenario.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    /// Move the clock forward.
    Advance(u64),
    /// Move the clock backward (saturating at 0).
    Back(u64),
    /// `try_next_id()`.
    Next,
    /// `decode(id)`.
    Decode(u64),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Advance(ns) => write!(f, "clock.advance(Duration::from_nanos({ns}));"),
            Op::Back(ns) => write!(f, "clock.set(clock.now().saturating_sub({ns}));"),
            Op::Next => write!(f, "ids.try_next_id();"),
            Op::Decode(id) => write!(f, "ids.decode({id});"),
        }
    }
}

/// A configuration, a starting time and the steps to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    config: Config,
    start: u64,
    ops: Vec<Op>,
}

fn forward() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        1u64..1_000,
        1u64..2_000_000,
        Just(1_000_000u64),
        1u64..20_000_000,
    ]
}

fn backward() -> impl Strategy<Value = u64> {
    prop_oneof![1u64..1_000, 1u64..3_000_000, Just(1_000_000u64), 1u64..10_000_000]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let policy = prop_oneof![
        Just(Backwards::Refuse),
        (0u64..4_000_000).prop_map(|ns| Backwards::WaitUpTo(Duration::from_nanos(ns))),
    ];
    (0..LAYOUTS.len(), any::<u64>(), policy, 0u64..4, 0u64..NS_PER_MS)
        .prop_flat_map(|(l, w, backwards, ms, ns)| {
            let layout = LAYOUTS[l];
            let worker = w & ((1 << layout.worker_bits) - 1);
            let config = Config {
                layout,
                epoch_ms: DEFAULT_EPOCH_MS,
                worker,
                backwards,
            };
            let op = prop_oneof![
                3 => forward().prop_map(Op::Advance),
                1 => backward().prop_map(Op::Back),
                8 => Just(Op::Next),
                1 => prop_oneof![any::<u64>(), 0u64..1 << 40].prop_map(Op::Decode),
            ];
            (
                Just(config),
                Just(at(DEFAULT_EPOCH_MS + ms, ns)),
                prop::collection::vec(op, 1..80),
            )
        })
        .prop_map(|(config, start, ops)| Scenario { config, start, ops })
}

const NS_PER_MS: u64 = 1_000_000;

fn render(kind: &str, s: &Scenario) -> String {
    // `try_next_id` takes `&mut self` on `Snowflake`, `&self` on the atomic generator.
    let binding = if kind == "Snowflake" { "let mut" } else { "let" };
    let c = &s.config;
    let backwards = match c.backwards {
        Backwards::Refuse => "Backwards::Refuse".to_owned(),
        Backwards::WaitUpTo(d) => {
            format!("Backwards::WaitUpTo(Duration::from_nanos({}))", d.as_nanos())
        }
    };
    let mut out = format!(
        "let clock = ManualClock::starting_at({});\n\
         let config = Config::new({})\n    \
         .with_layout(Layout::new({}, {}, {}))\n    \
         .with_epoch_ms({})\n    \
         .with_backwards({backwards});\n\
         {binding} ids = {kind}::new(config, clock.clone())?;",
        s.start,
        c.worker,
        c.layout.timestamp_bits,
        c.layout.worker_bits,
        c.layout.sequence_bits,
        c.epoch_ms,
    );
    for op in &s.ops {
        out.push('\n');
        out.push_str(&op.to_string());
    }
    out
}

fn drive(s: &Scenario, clock: &ManualClock, g: &mut dyn Subject) -> Result<(), String> {
    let mut model = ModelGenerator::new(s.config);
    let mut now = s.start;
    let kind = g.kind();
    for (step, op) in s.ops.iter().enumerate() {
        let at = format!("{kind} step {} `{op}` (clock at {now} ns)", step + 1);
        match *op {
            Op::Advance(ns) => {
                now = now.saturating_add(ns);
                clock.set(now);
            }
            Op::Back(ns) => {
                now = now.saturating_sub(ns);
                clock.set(now);
            }
            Op::Next => ensure_eq!(g.try_next()?, model.try_next_id(now), "{at} returned"),
            Op::Decode(id) => ensure_eq!(g.decode(id)?, model.decode(id), "{at} returned"),
        }
    }
    Ok(())
}

type Make = fn(
    Config,
    ManualClock,
) -> Result<Result<Box<dyn Subject>, kata_core::snowflake::ConfigError>, String>;

fn property(ctx: &mut Ctx, salt: u64, kind: &'static str, make: Make) {
    let seed = ctx.sub_seed(salt);
    ctx.check(
        &format!("{kind} matches the model on random schedules, clock going back included"),
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                scenario(),
                |s| render(kind, s),
                |s| {
                    let clock = ManualClock::starting_at(s.start);
                    let mut g = make(s.config, clock.clone())?
                        .map_err(|e| format!("{kind}::new: {e}"))?;
                    drive(s, &clock, &mut *g)
                },
            )
        },
    );
}

/// A base62 case: a number to encode, or a text to decode.
#[derive(Debug, Clone)]
pub enum CodecCase {
    /// `encode(x)`, then `decode` of it.
    Number(u64),
    /// `decode(text)`.
    Text(String),
}

fn codec_case() -> impl Strategy<Value = CodecCase> {
    let powers: Vec<u64> = (0..11).map(|k| 62u64.pow(k)).collect();
    let number = prop_oneof![
        any::<u64>(),
        0u64..200,
        (u64::MAX - 200)..=u64::MAX,
        (prop::sample::select(powers), -1i64..=1).prop_map(|(p, d)| p.wrapping_add_signed(d)),
    ];
    let chars: Vec<char> = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        .chars()
        .collect();
    let ch = prop_oneof![
        12 => prop::sample::select(chars),
        2 => Just('0'),
        1 => prop::sample::select(vec!['-', ' ', '_', '+', '/', 'é', '\0', '{', '@', '`', '[']),
    ];
    let text = prop::collection::vec(ch, 0..14).prop_map(|cs| cs.into_iter().collect::<String>());
    prop_oneof![
        number.prop_map(CodecCase::Number),
        text.prop_map(CodecCase::Text),
    ]
}

fn codec_property<F: SnowflakeFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        "Base62 round-trips every u64 and decodes random texts as the model does",
        || {
            check_model(
                seed,
                DEFAULT_CASES * 4,
                prop::collection::vec(codec_case(), 1..8),
                |cases| {
                    cases
                        .iter()
                        .map(|c| match c {
                            CodecCase::Number(x) => format!("Base62::decode(&Base62::encode({x}));"),
                            CodecCase::Text(t) => format!("Base62::decode({t:?});"),
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                },
                |cases| {
                    for c in cases {
                        match c {
                            CodecCase::Number(x) => {
                                let text = F::Codec::encode(*x);
                                ensure_eq!(&text, &encode(*x), "Base62::encode({x})");
                                ensure_eq!(
                                    F::Codec::decode(&text),
                                    Ok(*x),
                                    "Base62::decode({text:?})"
                                );
                            }
                            CodecCase::Text(t) => ensure_eq!(
                                F::Codec::decode(t),
                                decode_text(t),
                                "Base62::decode({t:?})"
                            ),
                        }
                    }
                    Ok(())
                },
            )
        },
    );
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: SnowflakeFamily>(ctx: &mut Ctx) {
    property(
        ctx,
        1,
        "Snowflake",
        seq::<F::Generator<ManualClock>, ManualClock>,
    );
    property(
        ctx,
        2,
        "AtomicSnowflake",
        conc::<F::Atomic<ManualClock>, ManualClock>,
    );
    codec_property::<F>(ctx);
}
