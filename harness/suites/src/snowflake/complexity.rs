//! Stage 5 of `snowflake`: what an operation costs as the generator's history grows, in
//! instructions counted under callgrind ([`crate::measure::counted`]).
//!
//! Every operation of the kata is O(1): a generator needs its latest millisecond and sequence,
//! nothing of the IDs before them. Four series, at 256 to 16 Ki IDs handed out before the
//! counted operations (the workloads of [`super::workloads`]):
//!
//! - **`next-id`**: `Snowflake::try_next_id`, the clock moving 1 µs per ID. A generator that
//!   keeps every ID it handed out and searches them for a duplicate grows as O(n).
//! - **`atomic-next-id`**: the same on `AtomicSnowflake`, from one thread.
//! - **`encode`**, **`decode`**: base62 of the IDs that follow; at most 11 digits whatever `n`.
//!
//! Counted rather than timed because an O(1) generator's few nanoseconds are lost in the noise of
//! a shared machine, where a count is exact.

use super::workloads::{
    atomic_issued_workload, decode_workload, encode_workload, issued_workload,
};
use super::SnowflakeFamily;
use crate::measure::counted::{self, Class, Series};
use crate::measure::Workload;
use crate::Ctx;
use kata_core::clock::ManualClock;

/// The numbers of IDs handed out before counting: four, four times apart.
pub const ISSUED: &[usize] = &[256, 1 << 10, 1 << 12, 1 << 14];

/// The counted series of this stage. See the module documentation.
pub const COUNTED: &[Series] = &[
    Series {
        name: "next-id",
        title: "Snowflake, try_next_id()",
        variable: "IDs issued",
        sizes: ISSUED,
        ops: 1_024,
        expected: Class::Constant,
    },
    Series {
        name: "atomic-next-id",
        title: "AtomicSnowflake, try_next_id()",
        variable: "IDs issued",
        sizes: ISSUED,
        ops: 1_024,
        expected: Class::Constant,
    },
    Series {
        name: "encode",
        title: "Base62::encode(id)",
        variable: "IDs issued",
        sizes: ISSUED,
        ops: 1_024,
        expected: Class::Constant,
    },
    Series {
        name: "decode",
        title: "Base62::decode(text)",
        variable: "IDs issued",
        sizes: ISSUED,
        ops: 1_024,
        expected: Class::Constant,
    },
];

/// The series of this stage, by name, in order.
pub const SERIES: &[&str] = &["next-id", "atomic-next-id", "encode", "decode"];

/// Series `name` of `F` at `size`, as a [`Workload`]; `None` for a name not in [`SERIES`].
///
/// # Panics
///
/// When the implementation refuses the configuration or an ID while preparing.
pub fn workload<F: SnowflakeFamily>(name: &str, size: usize) -> Option<Box<dyn Workload>> {
    Some(match name {
        "next-id" => Box::new(issued_workload::<F::Generator<ManualClock>>(size)),
        "atomic-next-id" => Box::new(atomic_issued_workload::<F::Atomic<ManualClock>>(size)),
        "encode" => Box::new(encode_workload::<F::Codec>(size)),
        "decode" => Box::new(decode_workload::<F::Codec>(size)),
        _ => return None,
    })
}

/// Grades this stage on `F`, with `R` as the reference the timing fallback compares with
/// (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: SnowflakeFamily, R: SnowflakeFamily>(ctx: &mut Ctx) {
    counted::stage(
        ctx,
        COUNTED,
        |n, s| workload::<F>(n, s),
        |n, s| workload::<R>(n, s),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_are_the_counted_ones_in_order() {
        let names: Vec<&str> = COUNTED.iter().map(|s| s.name).collect();
        assert_eq!(names, SERIES);
    }
}
