//! Stage 1 of `snowflake`: scenarios that read like the specification.
//!
//! Every generator scenario runs on both generators, `Snowflake` and `AtomicSnowflake` (the
//! atomic one checked to take no lock on every call), on a manual clock set to a Unix time: the
//! default epoch ([`DEFAULT_EPOCH_MS`]) plus a few milliseconds.

use std::time::Duration;

use kata_core::clock::{Clock, ManualClock};
use kata_core::snowflake::{
    Backwards, Config, ConfigError, DecodeError, Field, IdCodec, IdError, Layout, Parts,
    DEFAULT_EPOCH_MS, NANOS_PER_MS,
};

use super::model::{at, conc, seq, Subject, TickingClock};
use super::SnowflakeFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

const E: u64 = DEFAULT_EPOCH_MS;

/// Builds one of the two generators on a clock of type `C`.
type Make<C> =
    fn(Config, C) -> Result<Result<Box<dyn Subject>, ConfigError>, String>;

fn makers<F: SnowflakeFamily, C: Clock + Send + Sync + 'static>() -> [(&'static str, Make<C>); 2]
{
    [
        ("Snowflake", seq::<F::Generator<C>, C>),
        ("AtomicSnowflake", conc::<F::Atomic<C>, C>),
    ]
}

/// A generator of `config` by `make`, on a manual clock at `now`.
fn build(
    make: Make<ManualClock>,
    kind: &str,
    config: Config,
    now: u64,
) -> Result<(Box<dyn Subject>, ManualClock), String> {
    let clock = ManualClock::starting_at(now);
    let g = make(config, clock.clone())?
        .map_err(|e| format!("{kind}::new({config:?}) at {now} ns refused a valid config: {e}"))?;
    Ok((g, clock))
}

fn retry(ns: u64) -> Result<u64, IdError> {
    Err(IdError::Retry {
        after: Duration::from_nanos(ns),
    })
}

fn behind(ns: u64) -> Result<u64, IdError> {
    Err(IdError::ClockMovedBackwards {
        by: Duration::from_nanos(ns),
    })
}

/// Each scenario on both generators.
fn both<F: SnowflakeFamily>(
    ctx: &mut Ctx,
    name: &str,
    scenario: fn(Make<ManualClock>, &str) -> Outcome,
) {
    ctx.check(name, || {
        for (kind, make) in makers::<F, ManualClock>() {
            scenario(make, kind)?;
        }
        Ok(())
    });
}

fn bad_configs(make: Make<ManualClock>, kind: &str) -> Outcome {
    let now = at(E + 10, 0);
    let ok = Config::new(0);
    let cases = [
        (
            ok.with_layout(Layout::new(0, 51, 12)),
            ConfigError::EmptyField {
                field: Field::Timestamp,
            },
            "a timestamp of 0 bits",
        ),
        (
            ok.with_layout(Layout::new(41, 0, 22)),
            ConfigError::EmptyField {
                field: Field::Worker,
            },
            "a worker of 0 bits",
        ),
        (
            ok.with_layout(Layout::new(51, 12, 0)),
            ConfigError::EmptyField {
                field: Field::Sequence,
            },
            "a sequence of 0 bits",
        ),
        (
            ok.with_layout(Layout::new(0, 0, 0)),
            ConfigError::EmptyField {
                field: Field::Timestamp,
            },
            "0/0/0 bits (timestamp is checked first)",
        ),
        (
            ok.with_layout(Layout::new(41, 10, 11)),
            ConfigError::BitsDoNotAddUp { total: 62 },
            "41/10/11 bits (62)",
        ),
        (
            ok.with_layout(Layout::new(42, 10, 12)),
            ConfigError::BitsDoNotAddUp { total: 64 },
            "42/10/12 bits (64: the top bit must stay 0)",
        ),
        (
            ok.with_layout(Layout::new(255, 255, 255)),
            ConfigError::BitsDoNotAddUp { total: 765 },
            "255/255/255 bits",
        ),
        (
            Config::new(1_024),
            ConfigError::WorkerTooLarge {
                worker: 1_024,
                max: 1_023,
            },
            "worker 1 024 with 10 worker bits",
        ),
        (
            Config::new(u64::MAX).with_layout(Layout::new(41, 10, 11)),
            ConfigError::BitsDoNotAddUp { total: 62 },
            "a bad layout and a bad worker (the layout is checked first)",
        ),
        (
            Config::new(4).with_layout(Layout::new(41, 2, 20)),
            ConfigError::WorkerTooLarge { worker: 4, max: 3 },
            "worker 4 with 2 worker bits",
        ),
        (
            ok.with_epoch_ms(E + 11),
            ConfigError::EpochInFuture {
                epoch_ms: E + 11,
                now_ms: E + 10,
            },
            "an epoch 1 ms after the clock",
        ),
        (
            Config::new(9_999).with_epoch_ms(E + 11),
            ConfigError::WorkerTooLarge {
                worker: 9_999,
                max: 1_023,
            },
            "a bad worker and an epoch in the future (the worker is checked first)",
        ),
        (
            ok.with_layout(Layout::new(3, 30, 30)).with_epoch_ms(E + 2),
            ConfigError::EpochTooOld {
                epoch_ms: E + 2,
                now_ms: E + 10,
                max_timestamp: 7,
            },
            "3 timestamp bits (up to 7 ms) and an epoch 8 ms ago",
        ),
    ];
    for (config, expected, what) in cases {
        let clock = ManualClock::starting_at(now);
        let got = make(config, clock)?.err();
        ensure_eq!(got, Some(expected), "{kind}::new with {what}");
    }
    for (config, what) in [
        (Config::new(1_023), "worker 1 023, the largest of 10 bits"),
        (
            ok.with_epoch_ms(E + 10),
            "an epoch in the clock's own millisecond",
        ),
        (
            ok.with_layout(Layout::new(3, 30, 30)).with_epoch_ms(E + 3),
            "3 timestamp bits and an epoch 7 ms ago",
        ),
        (
            ok.with_layout(Layout::new(61, 1, 1)),
            "a 61/1/1 layout",
        ),
        (
            ok.with_layout(Layout::new(1, 1, 61)).with_epoch_ms(E + 9),
            "a 1/1/61 layout, 1 ms after its epoch",
        ),
    ] {
        let clock = ManualClock::starting_at(now);
        if let Err(e) = make(config, clock)? {
            return Err(format!("{kind}::new with {what} was refused: {e}"));
        }
    }
    Ok(())
}

fn first_ids(make: Make<ManualClock>, kind: &str) -> Outcome {
    let (mut g, _clock) = build(make, kind, Config::new(3), at(E + 5, 0))?;
    let first = 5 << 22 | 3 << 12;
    ensure_eq!(
        g.try_next()?,
        Ok(first),
        "{kind}: the first ID of worker 3, 5 ms after the epoch (5 << 22 | 3 << 12)"
    );
    ensure_eq!(g.try_next()?, Ok(first + 1), "{kind}: the second ID in that ms");
    ensure_eq!(g.try_next()?, Ok(first + 2), "{kind}: the third ID in that ms");
    ensure_eq!(
        g.decode(first + 2)?,
        Ok(Parts {
            unix_ms: E + 5,
            worker: 3,
            sequence: 2
        }),
        "{kind}: decode of the third ID"
    );
    Ok(())
}

fn new_millisecond(make: Make<ManualClock>, kind: &str) -> Outcome {
    let (mut g, clock) = build(make, kind, Config::new(7), at(E + 1, 999_999))?;
    ensure_eq!(g.try_next()?, Ok(1 << 22 | 7 << 12), "{kind}: first ID");
    ensure_eq!(g.try_next()?, Ok(1 << 22 | 7 << 12 | 1), "{kind}: second ID");
    clock.advance_nanos(1);
    ensure_eq!(
        g.try_next()?,
        Ok(2 << 22 | 7 << 12),
        "{kind}: the first ID of the next millisecond (sequence back to 0)"
    );
    clock.advance(Duration::from_secs(3_600));
    let ms = 2 + 3_600_000;
    ensure_eq!(
        g.try_next()?,
        Ok(ms << 22 | 7 << 12),
        "{kind}: the first ID an hour later"
    );
    Ok(())
}

fn used_up(make: Make<ManualClock>, kind: &str) -> Outcome {
    // 2 sequence bits: 4 IDs per millisecond.
    let config = Config::new(5).with_layout(Layout::new(41, 20, 2));
    let (mut g, clock) = build(make, kind, config, at(E + 9, 250_000))?;
    for s in 0..4 {
        ensure_eq!(
            g.try_next()?,
            Ok(9 << 22 | 5 << 2 | s),
            "{kind} (2 sequence bits): ID {} of the millisecond",
            s + 1
        );
    }
    ensure_eq!(
        g.try_next()?,
        retry(750_000),
        "{kind} (2 sequence bits): a fifth ID 0.25 ms into the millisecond (the next starts in \
         0.75 ms)"
    );
    clock.advance_nanos(749_999);
    ensure_eq!(
        g.try_next()?,
        retry(1),
        "{kind}: 1 ns before the next millisecond"
    );
    clock.advance_nanos(1);
    ensure_eq!(
        g.try_next()?,
        Ok(10 << 22 | 5 << 2),
        "{kind}: at the start of the next millisecond"
    );
    Ok(())
}

fn full_default_millisecond(make: Make<ManualClock>, kind: &str) -> Outcome {
    let (mut g, _clock) = build(make, kind, Config::new(1_023), at(E + 3, 0))?;
    for s in 0..4_096u64 {
        let id = g.try_next()?;
        ensure_eq!(
            id,
            Ok(3 << 22 | 1_023 << 12 | s),
            "{kind} (worker 1 023): ID {} of one millisecond",
            s + 1
        );
    }
    ensure_eq!(
        g.try_next()?,
        retry(NANOS_PER_MS),
        "{kind}: ID 4 097 in one millisecond (4 096 is the most)"
    );
    Ok(())
}

fn refuse_backwards(make: Make<ManualClock>, kind: &str) -> Outcome {
    let (mut g, clock) = build(make, kind, Config::new(2), at(E + 10, 500))?;
    ensure_eq!(g.try_next()?, Ok(10 << 22 | 2 << 12), "{kind}: first ID");
    clock.set(at(E + 7, 250_000));
    ensure_eq!(
        g.try_next()?,
        behind(2_750_000),
        "{kind} (Refuse): the clock set back to 2.75 ms before the start of the latest ID's \
         millisecond"
    );
    clock.set(at(E + 9, 999_999));
    ensure_eq!(g.try_next()?, behind(1), "{kind}: 1 ns behind");
    clock.set(at(E + 10, 0));
    ensure_eq!(
        g.try_next()?,
        Ok(10 << 22 | 2 << 12 | 1),
        "{kind}: back in the latest ID's millisecond (its sequence goes on)"
    );
    Ok(())
}

fn wait_backwards(make: Make<ManualClock>, kind: &str) -> Outcome {
    let config = Config::new(2)
        .with_layout(Layout::new(41, 21, 1))
        .with_backwards(Backwards::WaitUpTo(Duration::from_millis(3)));
    let (mut g, clock) = build(make, kind, config, at(E + 10, 0))?;
    ensure_eq!(g.try_next()?, Ok(10 << 22 | 2 << 1), "{kind}: first ID");
    clock.set(at(E + 7, 250_000));
    ensure_eq!(
        g.try_next()?,
        retry(2_750_000),
        "{kind} (WaitUpTo 3 ms): 2.75 ms behind"
    );
    clock.set(at(E + 7, 0));
    ensure_eq!(
        g.try_next()?,
        retry(3_000_000),
        "{kind} (WaitUpTo 3 ms): exactly 3 ms behind (within the tolerance)"
    );
    clock.set(at(E + 6, 999_999));
    ensure_eq!(
        g.try_next()?,
        behind(3_000_001),
        "{kind} (WaitUpTo 3 ms): 3 ms and 1 ns behind"
    );
    clock.set(at(E + 10, 0));
    ensure_eq!(
        g.try_next()?,
        Ok(10 << 22 | 2 << 1 | 1),
        "{kind}: the second (last) ID of the millisecond"
    );
    clock.set(at(E + 9, 0));
    ensure_eq!(
        g.try_next()?,
        retry(2_000_000),
        "{kind} (WaitUpTo 3 ms): 1 ms behind a millisecond whose sequence is used up (the next \
         ID is due 2 ms later)"
    );
    Ok(())
}

fn before_first_id(make: Make<ManualClock>, kind: &str) -> Outcome {
    let config = Config::new(1).with_epoch_ms(E + 10);
    let (mut g, clock) = build(make, kind, config, at(E + 20, 0))?;
    clock.set(at(E + 10, 0));
    ensure_eq!(
        g.try_next()?,
        Ok(1 << 12),
        "{kind}: no ID issued yet, the clock set back to the epoch (nothing to repeat: allowed)"
    );
    let (mut g, clock) = build(make, kind, config, at(E + 20, 0))?;
    clock.set(at(E + 9, 999_000));
    ensure_eq!(
        g.try_next()?,
        behind(1_000),
        "{kind}: no ID issued yet, the clock set back to 1 µs before the epoch"
    );
    Ok(())
}

fn overflow(make: Make<ManualClock>, kind: &str) -> Outcome {
    // 2 timestamp bits: 0 to 3 ms after the epoch; 1 sequence bit: 2 IDs per ms.
    let config = Config::new(0)
        .with_layout(Layout::new(2, 60, 1))
        .with_epoch_ms(E);
    let (mut g, clock) = build(make, kind, config, at(E + 3, 0))?;
    ensure_eq!(g.try_next()?, Ok(3 << 61), "{kind} (2 timestamp bits): at 3 ms");
    ensure_eq!(g.try_next()?, Ok(3 << 61 | 1), "{kind}: second ID at 3 ms");
    ensure_eq!(
        g.try_next()?,
        Err(IdError::TimestampOverflow),
        "{kind}: the last millisecond's sequence used up (waiting cannot help)"
    );
    clock.set(at(E + 4, 0));
    ensure_eq!(
        g.try_next()?,
        Err(IdError::TimestampOverflow),
        "{kind}: 4 ms after the epoch"
    );
    let (mut g, _clock) = build(make, kind, config, at(E + 3, 0))?;
    let _ = g.try_next()?;
    ensure_eq!(
        g.next()?,
        Ok(3 << 61 | 1),
        "{kind}: next_id for the second ID at 3 ms"
    );
    ensure_eq!(
        g.next()?,
        Err(IdError::TimestampOverflow),
        "{kind}: next_id after the last ID"
    );
    Ok(())
}

fn decoding(make: Make<ManualClock>, kind: &str) -> Outcome {
    let config = Config::new(9)
        .with_layout(Layout::new(30, 13, 20))
        .with_epoch_ms(E - 10);
    let (mut g, _clock) = build(make, kind, config, at(E, 0))?;
    let top = u64::MAX >> 1;
    ensure_eq!(
        g.decode(top)?,
        Ok(Parts {
            unix_ms: E - 10 + (1 << 30) - 1,
            worker: (1 << 13) - 1,
            sequence: (1 << 20) - 1
        }),
        "{kind} (30/13/20 bits, epoch 10 ms before the clock): decode(2^63 - 1)"
    );
    ensure_eq!(
        g.decode(5 << 33 | 6 << 20 | 7)?,
        Ok(Parts {
            unix_ms: E - 5,
            worker: 6,
            sequence: 7
        }),
        "{kind} (30/13/20 bits, epoch 10 ms before the clock): decode(5 << 33 | 6 << 20 | 7)"
    );
    ensure_eq!(
        g.decode(0)?,
        Ok(Parts {
            unix_ms: E - 10,
            worker: 0,
            sequence: 0
        }),
        "{kind}: decode(0)"
    );
    ensure_eq!(
        g.decode(1 << 63)?,
        Err(IdError::NotAnId { id: 1 << 63 }),
        "{kind}: decode(2^63)"
    );
    ensure_eq!(
        g.decode(u64::MAX)?,
        Err(IdError::NotAnId { id: u64::MAX }),
        "{kind}: decode(u64::MAX)"
    );
    let id = g.try_next()?.map_err(|e| format!("{kind}: try_next_id: {e}"))?;
    let parts = g.decode(id)?;
    ensure_eq!(
        parts,
        Ok(Parts {
            unix_ms: E,
            worker: 9,
            sequence: 0
        }),
        "{kind}: decode of its own first ID"
    );
    ensure!(
        i64::try_from(id).is_ok_and(|i| i > 0),
        "{kind}: ID {id} is not a positive i64"
    );
    Ok(())
}

fn ticking(make: Make<TickingClock>, kind: &str) -> Outcome {
    // 1 sequence bit, a clock moving 100 µs per read: next_id waits through used-up
    // milliseconds by reading the clock again.
    let config = Config::new(1).with_layout(Layout::new(41, 21, 1));
    let clock = TickingClock::new(at(E + 1, 0), 100_000);
    let mut g = make(config, clock.clone())?
        .map_err(|e| format!("{kind}::new refused a valid config: {e}"))?;
    let mut last = None;
    for i in 0..20 {
        let id = match g.next()? {
            Ok(id) => id,
            Err(e) => return Err(format!("{kind}: next_id call {} failed: {e}", i + 1)),
        };
        if let Some(prev) = last {
            ensure!(
                id > prev,
                "{kind}: next_id call {} returned {id}, not above the previous {prev}",
                i + 1
            );
        }
        last = Some(id);
    }
    let id = last.unwrap_or(0);
    let ms = g.decode(id)?.map(|p| p.unix_ms).unwrap_or(0);
    ensure!(
        ms >= E + 10,
        "{kind}: 20 IDs at 2 per ms must span at least 10 ms, but the last is at {} ms after \
         the first millisecond",
        ms.saturating_sub(E + 1)
    );
    ensure!(
        clock.peek() < at(E + 30, 0),
        "{kind}: 20 IDs took {} clock reads: next_id should read the clock once per attempt",
        (clock.peek() - at(E + 1, 0)) / 100_000
    );
    Ok(())
}

fn codec<F: SnowflakeFamily>() -> Outcome {
    type X<F> = <F as SnowflakeFamily>::Codec;
    for (x, text) in [
        (0u64, "0"),
        (9, "9"),
        (10, "A"),
        (35, "Z"),
        (36, "a"),
        (61, "z"),
        (62, "10"),
        (3_843, "zz"),
        (3_844, "100"),
        (1 << 63, "AzL8n0Y58m8"),
        (u64::MAX, "LygHa16AHYF"),
    ] {
        ensure_eq!(X::<F>::encode(x), text, "Base62::encode({x})");
        ensure_eq!(X::<F>::decode(text), Ok(x), "Base62::decode({text:?})");
    }
    let invalid = |byte, at| Err(DecodeError::InvalidByte { byte, at });
    for (text, expected) in [
        ("", Err(DecodeError::Empty)),
        ("ab-c", invalid(b'-', 2)),
        (" 1", invalid(b' ', 0)),
        ("é", invalid(0xC3, 0)),
        ("0-", invalid(b'-', 1)),
        ("00", Err(DecodeError::LeadingZero)),
        ("01", Err(DecodeError::LeadingZero)),
        ("0LygHa16AHYG", Err(DecodeError::LeadingZero)),
        ("LygHa16AHYG", Err(DecodeError::Overflow)),
        ("zzzzzzzzzzz", Err(DecodeError::Overflow)),
        ("100000000000", Err(DecodeError::Overflow)),
        ("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", Err(DecodeError::Overflow)),
    ] {
        ensure_eq!(X::<F>::decode(text), expected, "Base62::decode({text:?})");
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: SnowflakeFamily>(ctx: &mut Ctx) {
    both::<F>(
        ctx,
        "bad configurations are refused with clear errors, in order",
        bad_configs,
    );
    both::<F>(
        ctx,
        "IDs are timestamp, worker and sequence, counting up in a millisecond",
        first_ids,
    );
    both::<F>(
        ctx,
        "the sequence starts again at 0 in a new millisecond",
        new_millisecond,
    );
    both::<F>(
        ctx,
        "a used-up millisecond says exactly when to retry",
        used_up,
    );
    both::<F>(
        ctx,
        "the default layout issues 4 096 IDs per millisecond, and no more",
        full_default_millisecond,
    );
    both::<F>(
        ctx,
        "a clock set back is refused, saying by how much",
        refuse_backwards,
    );
    both::<F>(
        ctx,
        "WaitUpTo asks for a retry while the clock is behind within the tolerance",
        wait_backwards,
    );
    both::<F>(
        ctx,
        "before the first ID, only a clock before the epoch is behind",
        before_first_id,
    );
    both::<F>(
        ctx,
        "past the last millisecond the timestamp holds, no more IDs",
        overflow,
    );
    both::<F>(
        ctx,
        "decode takes IDs apart by the layout and epoch",
        decoding,
    );
    ctx.check(
        "next_id waits through used-up milliseconds on the clock",
        || {
            for (kind, make) in makers::<F, TickingClock>() {
                ticking(make, kind)?;
            }
            Ok(())
        },
    );
    ctx.check(
        "base62 encodes every u64 canonically and refuses any other text",
        codec::<F>,
    );
}
