//! `cargo kata bench snowflake`: the learner's generators and codec, the reference and the peer
//! crates on the workloads of `kata_suites::snowflake::workloads`, reading the real wall clock.
//!
//! A workload times the type it names: `next-id` the single-threaded generator,
//! `contended-2-threads` the thread-safe one, `encode` and `decode` the codec. The generator
//! peers (rs-snowflake, sonyflake, ulid, uuid) run the generator workloads and sit the codec ones
//! out; base62 runs the codec workloads and sits the others out ([`crate::SitOut`]). sonyflake
//! runs `next-id` only (see [`make_sonyflake`]).

use std::time::Duration;

use kata_core::clock::SystemClock;
use kata_core::snowflake::{ConcurrentIdGenerator, IdCodec, IdGenerator};
use kata_suites::snowflake::workloads::{Contended, Decode, Encode, NextId, BENCH};
use kata_suites::snowflake::SnowflakeFamily;

use crate::{Clock, KataBench, SitOut, Spec, Subject};

kata_suites::snowflake_family!(
    /// The reference `snowflake`.
    Reference => snowflake_solution
);
#[cfg(feature = "snowflake-learner")]
kata_suites::snowflake_family!(
    /// The learner's `snowflake`.
    Learner => snowflake_kata
);

impl<G: IdGenerator<SystemClock>> Subject for NextId<G> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<A: ConcurrentIdGenerator<SystemClock> + 'static> Subject for Contended<A> {
    /// `ops` calls on every thread at once.
    fn steps(&mut self, ops: u64) {
        self.time(ops);
    }

    /// The workers' CPU time, per thread.
    fn timed_steps(&mut self, ops: u64) -> Duration {
        self.time(ops).cpu / u32::try_from(self.threads()).unwrap_or(u32::MAX)
    }
}

impl<X: IdCodec> Subject for Encode<X> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

impl<X: IdCodec> Subject for Decode<X> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }
}

/// The workloads need no shared plan: each contender builds its own generator or texts.
fn prepare(spec: &Spec, _: u64) -> Result<crate::Prepared, String> {
    let contended = match spec.name {
        "next-id" | "encode" | "decode" => false,
        "contended-2-threads" => true,
        other => return Err(format!("no snowflake workload named `{other}`")),
    };
    Ok(crate::Prepared {
        plan: std::sync::Arc::new(()),
        clock: if contended {
            Clock::WorkersCpu
        } else {
            Clock::ThreadCpu
        },
        countable: !contended,
    })
}

/// The subject of family `F` for workload `spec`.
fn make<F: SnowflakeFamily>(spec: &Spec, _: &crate::Plan) -> Box<dyn Subject> {
    match spec.name {
        "contended-2-threads" => Box::new(Contended::<F::Atomic<SystemClock>>::new(2)),
        "encode" => Box::new(Encode::<F::Codec>::new()),
        "decode" => Box::new(Decode::<F::Codec>::new()),
        _ => Box::new(NextId::<F::Generator<SystemClock>>::new()),
    }
}

/// A generator peer: on `next-id` and `contended-2-threads` only.
fn make_generators<F: SnowflakeFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    match spec.name {
        "encode" | "decode" => Box::new(SitOut),
        _ => make::<F>(spec, plan),
    }
}

/// A codec peer: on `encode` and `decode` only.
fn make_codec<F: SnowflakeFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    match spec.name {
        "encode" | "decode" => make::<F>(spec, plan),
        _ => Box::new(SitOut),
    }
}

/// sonyflake: on `next-id` only. It sleeps through a used-up 10 ms (256 IDs) holding its mutex,
/// so its CPU time per ID, which the harness sizes batches by, is a small part of its wall time
/// (39 µs an ID at its ceiling): two threads' batches ran for minutes (502 s of a full run).
fn make_sonyflake(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    match spec.name {
        "next-id" => make::<kata_peers::snowflake::SonyflakeFamily>(spec, plan),
        _ => Box::new(SitOut),
    }
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    use kata_peers::snowflake::*;
    Some(match name {
        "rs-snowflake" => make_generators::<RsSnowflakeFamily>,
        "sonyflake" => make_sonyflake,
        "ulid" => make_generators::<UlidFamily>,
        "uuid" => make_generators::<UuidFamily>,
        "base62" => make_codec::<Base62Family>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "snowflake-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "snowflake-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "snowflake",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(
            kata_peers::snowflake::PEERS,
            kata_peers::snowflake::verdict,
            peer,
        ),
    })
}
