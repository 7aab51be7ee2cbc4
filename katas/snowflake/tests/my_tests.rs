//! Your own tests. Run them with `cargo test -p snowflake-kata` (the grader never does: it runs
//! its own suite with `cargo kata check snowflake`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case. Add your own as you go; a failing sequence
//! that `cargo kata check` prints can be pasted into a `#[test]` here to step through it.

use quickcheck::quickcheck;
use snowflake_kata::DEFAULT_EPOCH_MS;
use snowflake_kata::{Base62, Config, IdCodec, IdGenerator, ManualClock, Snowflake};

#[test]
fn ids_of_one_millisecond_count_up_from_the_worker_part() {
    let clock = ManualClock::starting_at(DEFAULT_EPOCH_MS * 1_000_000);
    let mut ids = Snowflake::new(Config::new(1), clock.clone()).unwrap();
    assert_eq!(ids.try_next_id(), Ok(1 << 12));
    assert_eq!(ids.try_next_id(), Ok((1 << 12) + 1));
}

quickcheck! {
    /// Base62 text round-trips every u64.
    fn base62_round_trips(x: u64) -> bool {
        Base62::decode(&Base62::encode(x)) == Ok(x)
    }
}
