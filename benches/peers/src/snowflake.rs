//! Peers of the `snowflake` kata: two Snowflake generators (`rs-snowflake`, `sonyflake`), the
//! 128-bit IDs a designer picks instead (`ulid`, `uuid` v7), and base62 text (`base62`), behind
//! [`kata_core::snowflake`]'s traits.
//!
//! None of the generators takes an injected clock: each reads the system clock itself, so the
//! suite's manual clock cannot drive them, and none can pass the examples (which ask for exact
//! IDs at exact times). They are graded anyway, so that the table says so, and timed on the
//! `next-id` and `contended-2-threads` workloads, which read the real clock. Each adapter checks
//! the kata's configuration first, through the reference (so `new` refuses what the kata
//! refuses), and decodes by the kata's layout through it too: none of the crates decodes IDs of
//! this layout. The 128-bit IDs are folded to 64 bits (high half XOR low half) to fit the trait;
//! the folding is one instruction beside making them, and only the bench cares what they cost.
//!
//! Each peer's family puts its own type in the slots it fills and the reference's in the others
//! (the generator peers use the reference's codec, `base62` the reference's generators); the
//! bench times a peer only on the workloads of its own type.

use kata_core::clock::Clock;
use kata_core::snowflake::{
    ConcurrentIdGenerator, Config, ConfigError, DecodeError, IdCodec, IdError, IdGenerator, Parts,
};
use kata_core::sync::Mutex;
use kata_suites::snowflake::SnowflakeFamily;

use crate::Peer;

kata_suites::snowflake_family!(
    /// The reference `snowflake`: the yardstick the suite grades a peer against, and the types
    /// the peers' families borrow.
    Reference => snowflake_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_snowflake;
    Some(match name {
        "rs-snowflake" => grade_snowflake::<RsSnowflakeFamily, Reference>(seed),
        "sonyflake" => grade_snowflake::<SonyflakeFamily, Reference>(seed),
        "ulid" => grade_snowflake::<UlidFamily, Reference>(seed),
        "uuid" => grade_snowflake::<UuidFamily, Reference>(seed),
        "base62" => grade_snowflake::<Base62Family, Reference>(seed),
        _ => return None,
    })
}

/// The `snowflake` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "rs-snowflake",
        krate: "rs-snowflake",
        version: "0.6",
        design: "Twitter's layout with the worker split in 5 bits of machine and 5 of node, \
                 milliseconds since the Unix epoch or a given one; `real_time_generate` reads \
                 the clock on every call and spins to the next millisecond when 4 096 are used",
        difference: Some(
            "rs-snowflake reads the system clock itself and takes no injected clock, so the \
             suite's manual clock cannot set the time its IDs carry: the exact IDs the examples \
             expect at exact times cannot come out. Its generator is `&mut self`; the atomic \
             slot wraps it in a mutex.",
        ),
    },
    Peer {
        name: "sonyflake",
        krate: "sonyflake",
        version: "0.3",
        design: "Sony's layout: 39 bits of 10 ms units (about 174 years), 8 bits of sequence, \
                 16 of machine id, in that order; a mutex inside; sleeps to the next 10 ms when \
                 256 are used",
        difference: Some(
            "sonyflake reads the system clock itself and takes no injected clock, so the \
             suite's manual clock cannot set the time its IDs carry: the exact IDs the examples \
             expect at exact times cannot come out. Its layout is not the kata's either: 10 ms \
             units, and the sequence above the machine id, 256 IDs per 10 ms.",
        ),
    },
    Peer {
        name: "ulid",
        krate: "ulid",
        version: "1",
        design: "128 bits: a 48-bit Unix millisecond timestamp and 80 random bits; its \
                 monotonic `Generator` adds 1 to the random part within a millisecond",
        difference: Some(
            "ulid makes 128-bit IDs (48 bits of milliseconds, 80 random), with no worker and no \
             per-millisecond ceiling; the adapter folds them to 64 bits, and reads the system \
             clock: nothing of the kata's layout can come out.",
        ),
    },
    Peer {
        name: "uuid",
        krate: "uuid",
        version: "1",
        design: "UUID version 7: 128 bits, a 48-bit Unix millisecond timestamp, version and \
                 variant bits, and 74 bits of counter and random data",
        difference: Some(
            "uuid v7 is 128 bits (48 bits of milliseconds, the rest counter and random), with \
             no worker and no per-millisecond ceiling; the adapter folds it to 64 bits, and \
             reads the system clock: nothing of the kata's layout can come out.",
        ),
    },
    Peer {
        name: "base62",
        krate: "base62",
        version: "2",
        design: "base62 of integers up to u128 with the alphabet 0-9A-Za-z, encoded two digits \
                 at a time from a table of pairs, decoded through a table of byte values",
        difference: Some(
            "base62 decodes texts with leading zeros (\"00\" is 0), so two texts decode to one \
             ID: it is not the canonical, one-text-per-ID form the kata asks for. It decodes up \
             to u128; the adapter reports values above u64::MAX as an overflow.",
        ),
    },
];

/// Checks `config` as the kata does (through the reference), and keeps the reference's decoder.
fn checked<C: Clock>(
    config: Config,
    clock: C,
) -> Result<snowflake_solution::Snowflake<C>, ConfigError> {
    snowflake_solution::Snowflake::new(config, clock)
}

// ---- rs-snowflake ----

/// `rs-snowflake`'s generator: worker `w` is machine `w >> 5` and node `w & 31`.
pub struct RsSnowflake<C> {
    inner: ::snowflake::SnowflakeIdGenerator,
    kata: snowflake_solution::Snowflake<C>,
}

impl<C: Clock> IdGenerator<C> for RsSnowflake<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        let kata = checked(config, clock)?;
        let epoch = std::time::UNIX_EPOCH + std::time::Duration::from_millis(config.epoch_ms);
        let w = config.worker as i32;
        Ok(RsSnowflake {
            inner: ::snowflake::SnowflakeIdGenerator::with_epoch((w >> 5) & 31, w & 31, epoch),
            kata,
        })
    }

    #[inline]
    fn try_next_id(&mut self) -> Result<u64, IdError> {
        Ok(self.inner.real_time_generate() as u64)
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.kata.decode(id)
    }
}

/// [`RsSnowflake`] behind a `kata_core::sync::Mutex`, for the atomic slot.
pub struct SharedRsSnowflake<C>(Mutex<RsSnowflake<C>>);

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for SharedRsSnowflake<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Ok(SharedRsSnowflake(Mutex::new(RsSnowflake::new(
            config, clock,
        )?)))
    }

    #[inline]
    fn try_next_id(&self) -> Result<u64, IdError> {
        self.0.lock().try_next_id()
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.0.lock().decode(id)
    }
}

/// The `rs-snowflake` family.
pub struct RsSnowflakeFamily;

impl SnowflakeFamily for RsSnowflakeFamily {
    type Generator<C: Clock> = RsSnowflake<C>;
    type Atomic<C: Clock + Send + Sync> = SharedRsSnowflake<C>;
    type Codec = snowflake_solution::Base62;
}

// ---- sonyflake ----

/// `sonyflake`'s generator (thread-safe: a mutex inside), machine id = the worker's low 16 bits,
/// started at the kata's epoch.
pub struct SonyflakePeer<C> {
    inner: ::sonyflake::Sonyflake,
    kata: snowflake_solution::Snowflake<C>,
}

impl<C: Clock> SonyflakePeer<C> {
    fn build(config: Config, clock: C) -> Result<Self, ConfigError> {
        let kata = checked(config, clock)?;
        let machine = (config.worker & 0xFFFF) as u16;
        let start =
            ::chrono::DateTime::from_timestamp_millis(config.epoch_ms as i64).unwrap_or_default();
        let inner = ::sonyflake::Sonyflake::builder()
            .start_time(start)
            .machine_id(&move || Ok(machine))
            .finalize()
            .unwrap_or_else(|e| panic!("sonyflake refused a valid configuration: {e}"));
        Ok(SonyflakePeer { inner, kata })
    }

    #[inline]
    fn next(&self) -> Result<u64, IdError> {
        self.inner.next_id().map_err(|_| IdError::TimestampOverflow)
    }
}

impl<C: Clock> IdGenerator<C> for SonyflakePeer<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Self::build(config, clock)
    }

    fn try_next_id(&mut self) -> Result<u64, IdError> {
        self.next()
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.kata.decode(id)
    }
}

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for SonyflakePeer<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Self::build(config, clock)
    }

    fn try_next_id(&self) -> Result<u64, IdError> {
        self.next()
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.kata.decode(id)
    }
}

/// The `sonyflake` family.
pub struct SonyflakeFamily;

impl SnowflakeFamily for SonyflakeFamily {
    type Generator<C: Clock> = SonyflakePeer<C>;
    type Atomic<C: Clock + Send + Sync> = SonyflakePeer<C>;
    type Codec = snowflake_solution::Base62;
}

// ---- ulid ----

fn fold(x: u128) -> u64 {
    ((x >> 64) as u64) ^ (x as u64)
}

/// `ulid`'s monotonic generator.
pub struct UlidPeer<C> {
    inner: ::ulid::Generator,
    kata: snowflake_solution::Snowflake<C>,
}

impl<C: Clock> IdGenerator<C> for UlidPeer<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Ok(UlidPeer {
            kata: checked(config, clock)?,
            inner: ::ulid::Generator::new(),
        })
    }

    #[inline]
    fn try_next_id(&mut self) -> Result<u64, IdError> {
        self.inner
            .generate()
            .map(|u| fold(u.0))
            .map_err(|_| IdError::Retry {
                after: std::time::Duration::from_millis(1),
            })
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.kata.decode(id)
    }
}

/// [`UlidPeer`] behind a `kata_core::sync::Mutex`, for the atomic slot.
pub struct SharedUlid<C>(Mutex<UlidPeer<C>>);

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for SharedUlid<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Ok(SharedUlid(Mutex::new(UlidPeer::new(config, clock)?)))
    }

    #[inline]
    fn try_next_id(&self) -> Result<u64, IdError> {
        self.0.lock().try_next_id()
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.0.lock().decode(id)
    }
}

/// The `ulid` family.
pub struct UlidFamily;

impl SnowflakeFamily for UlidFamily {
    type Generator<C: Clock> = UlidPeer<C>;
    type Atomic<C: Clock + Send + Sync> = SharedUlid<C>;
    type Codec = snowflake_solution::Base62;
}

// ---- uuid v7 ----

/// `uuid`'s `Uuid::now_v7()` (thread-safe: no state of its own here).
pub struct UuidPeer<C> {
    kata: snowflake_solution::Snowflake<C>,
}

impl<C: Clock> IdGenerator<C> for UuidPeer<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        Ok(UuidPeer {
            kata: checked(config, clock)?,
        })
    }

    #[inline]
    fn try_next_id(&mut self) -> Result<u64, IdError> {
        Ok(fold(::uuid::Uuid::now_v7().as_u128()))
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.kata.decode(id)
    }
}

impl<C: Clock + Send + Sync> ConcurrentIdGenerator<C> for UuidPeer<C> {
    fn new(config: Config, clock: C) -> Result<Self, ConfigError> {
        <Self as IdGenerator<C>>::new(config, clock)
    }

    #[inline]
    fn try_next_id(&self) -> Result<u64, IdError> {
        Ok(fold(::uuid::Uuid::now_v7().as_u128()))
    }

    fn decode(&self, id: u64) -> Result<Parts, IdError> {
        self.kata.decode(id)
    }
}

/// The `uuid` family.
pub struct UuidFamily;

impl SnowflakeFamily for UuidFamily {
    type Generator<C: Clock> = UuidPeer<C>;
    type Atomic<C: Clock + Send + Sync> = UuidPeer<C>;
    type Codec = snowflake_solution::Base62;
}

// ---- base62 ----

/// The `base62` crate's `encode` and `decode`.
pub struct Base62Crate;

impl IdCodec for Base62Crate {
    #[inline]
    fn encode(id: u64) -> String {
        ::base62::encode(id)
    }

    #[inline]
    fn decode(text: &str) -> Result<u64, DecodeError> {
        match ::base62::decode(text) {
            Ok(v) => u64::try_from(v).map_err(|_| DecodeError::Overflow),
            Err(::base62::DecodeError::EmptyInput) => Err(DecodeError::Empty),
            Err(::base62::DecodeError::InvalidBase62Byte(byte, at)) => {
                Err(DecodeError::InvalidByte { byte, at })
            }
            Err(_) => Err(DecodeError::Overflow),
        }
    }
}

/// The `base62` family: the crate's codec, the reference's generators.
pub struct Base62Family;

impl SnowflakeFamily for Base62Family {
    type Generator<C: Clock> = snowflake_solution::Snowflake<C>;
    type Atomic<C: Clock + Send + Sync> = snowflake_solution::AtomicSnowflake<C>;
    type Codec = Base62Crate;
}

/// Which workloads a peer runs: its generators, or its codec.
pub fn runs_generators(name: &str) -> bool {
    name != "base62"
}
