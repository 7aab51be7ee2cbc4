//! The model leaky bucket: the definition, written as plainly as possible.
//!
//! Time is *scaled* by `rate.tokens`: one nanosecond is `tokens` scaled units, so one interval
//! (`period / tokens`) is `period_ns` scaled units and every quantity is an integer. Item `i`,
//! offered at `now_i`, is scheduled at `S_i = max(now_i × tokens, S_{i-1} + period_ns)` and leaves
//! at `ceil(S_i / tokens)` nanoseconds. The model keeps every accepted item not yet polled in a
//! `Vec`, with its departure instant, and answers every question by looking at that `Vec`:
//! nothing clever, nothing O(1), and only ever run on a few dozen items.
//!
//! The model is driven by explicit times, which only move forward: the properties that step the
//! clock back check the rules a bucket must keep there instead (see `properties.rs`).
//!
//! [`Driven`] is how the suite's scenarios see a bucket: one object-safe trait over both variants
//! ([`Seq`] wraps a [`Shaper`], [`Conc`] a [`ConcurrentShaper`]), so that each scenario is written
//! once, compiled once, and run on both.

use std::time::Duration;

use kata_core::clock::ManualClock;
use kata_core::leaky_bucket::{ConcurrentShaper, ConfigError, Full, Rate, Shaper};

use super::LeakyBucketFamily;

/// The exact leaky bucket, driven by explicit times.
#[derive(Debug, Clone)]
pub struct ModelShaper<T> {
    capacity: usize,
    tokens: u128,
    period: u128,
    /// Accepted items not yet polled, with their departure instants, oldest first.
    unpolled: Vec<(T, u64)>,
    /// The scaled schedule instant `S` of the last accepted item.
    last: Option<u128>,
}

impl<T> ModelShaper<T> {
    /// An empty bucket. The rate must be valid (non-zero, period fits `u64` nanoseconds).
    pub fn new(capacity: usize, rate: Rate) -> ModelShaper<T> {
        ModelShaper {
            capacity,
            tokens: u128::from(rate.tokens),
            period: rate.period.as_nanos(),
            unpolled: Vec::new(),
            last: None,
        }
    }

    /// `level()` at time `now`: accepted items whose departure instant is later than `now`.
    /// Polled items left at or before the time they were polled, so only unpolled ones can count.
    pub fn level(&self, now: u64) -> usize {
        self.unpolled.iter().filter(|(_, d)| *d > now).count()
    }

    /// `offer(item)` at time `now`.
    ///
    /// # Errors
    ///
    /// [`Full`] when the level is at capacity, or the departure instant would not fit in `u64`
    /// nanoseconds; `retry_after` is then the wait until the oldest waiting item leaves
    /// ([`Duration::MAX`] when none is waiting, which only a departure beyond `u64::MAX` can
    /// cause).
    pub fn offer(&mut self, item: T, now: u64) -> Result<u64, Full<T>> {
        let scaled_now = u128::from(now) * self.tokens;
        let s = match self.last {
            None => scaled_now,
            Some(previous) => scaled_now.max(previous + self.period),
        };
        let departure = u64::try_from(s.div_ceil(self.tokens));
        match departure {
            Ok(departure) if self.level(now) < self.capacity => {
                self.last = Some(s);
                self.unpolled.push((item, departure));
                Ok(departure)
            }
            _ => Err(Full {
                item,
                retry_after: self.retry_after(now),
            }),
        }
    }

    /// How long after `now` the oldest item still waiting leaves.
    fn retry_after(&self, now: u64) -> Duration {
        self.unpolled
            .iter()
            .find(|(_, d)| *d > now)
            .map_or(Duration::MAX, |(_, d)| Duration::from_nanos(d - now))
    }

    /// `poll()` at time `now`: the oldest unpolled item, if its instant has come.
    pub fn poll(&mut self, now: u64) -> Option<T> {
        match self.unpolled.first() {
            Some((_, d)) if *d <= now => Some(self.unpolled.remove(0).0),
            _ => None,
        }
    }

    /// `next_departure()`: the departure instant of the oldest unpolled item.
    pub fn next_departure(&self) -> Option<u64> {
        self.unpolled.first().map(|(_, d)| *d)
    }

    /// The earliest departure instant later than `now`: when the level next drops.
    pub fn next_leaving_after(&self, now: u64) -> Option<u64> {
        self.unpolled.iter().map(|(_, d)| *d).find(|d| *d > now)
    }

    /// The departure instants of the unpolled items, oldest first.
    pub fn departures(&self) -> Vec<u64> {
        self.unpolled.iter().map(|(_, d)| *d).collect()
    }
}

/// The calls both variants share, so that one scenario drives either.
pub trait Driven<T> {
    /// `offer(item)`.
    ///
    /// # Errors
    ///
    /// As the bucket's `offer`.
    fn offer(&mut self, item: T) -> Result<u64, Full<T>>;
    /// `poll()`.
    fn poll(&mut self) -> Option<T>;
    /// `next_departure()`.
    fn next_departure(&self) -> Option<u64>;
    /// `level()`.
    fn level(&self) -> usize;
    /// `capacity()`.
    fn capacity(&self) -> usize;
}

/// A single-threaded [`Shaper`] as a [`Driven`].
#[derive(Debug)]
pub struct Seq<S>(pub S);

impl<T, S: Shaper<T, ManualClock>> Driven<T> for Seq<S> {
    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        self.0.offer(item)
    }
    fn poll(&mut self) -> Option<T> {
        self.0.poll()
    }
    fn next_departure(&self) -> Option<u64> {
        self.0.next_departure()
    }
    fn level(&self) -> usize {
        self.0.level()
    }
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

/// A thread-safe [`ConcurrentShaper`], driven from one thread, as a [`Driven`].
#[derive(Debug)]
pub struct Conc<S>(pub S);

impl<T: Send, S: ConcurrentShaper<T, ManualClock>> Driven<T> for Conc<S> {
    fn offer(&mut self, item: T) -> Result<u64, Full<T>> {
        self.0.offer(item)
    }
    fn poll(&mut self) -> Option<T> {
        self.0.poll()
    }
    fn next_departure(&self) -> Option<u64> {
        self.0.next_departure()
    }
    fn level(&self) -> usize {
        self.0.level()
    }
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

/// The names of the two variants, as the learner's crate calls them.
pub const VARIANTS: [&str; 2] = ["LeakyBucket", "ConcurrentLeakyBucket"];

/// Builds variant `which` (0: [`Shaper`], 1: [`ConcurrentShaper`]) of family `F` on `clock`.
///
/// # Errors
///
/// The bucket's [`ConfigError`].
pub fn build<F: LeakyBucketFamily, T: Send + 'static>(
    which: usize,
    capacity: usize,
    rate: Rate,
    clock: &ManualClock,
) -> Result<Box<dyn Driven<T>>, ConfigError> {
    Ok(if which == 0 {
        Box::new(Seq(F::Bucket::<T, ManualClock>::new(
            capacity,
            rate,
            clock.clone(),
        )?))
    } else {
        Box::new(Conc(F::Concurrent::<T, ManualClock>::new(
            capacity,
            rate,
            clock.clone(),
        )?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1_000_000_000;

    #[test]
    fn an_idle_bucket_lets_an_item_leave_at_once_and_spreads_a_burst() {
        let mut m = ModelShaper::new(2, Rate::per_second(10));
        assert_eq!(m.offer('a', 5), Ok(5));
        assert_eq!(m.level(5), 0);
        assert_eq!(m.offer('b', 5), Ok(5 + SECOND / 10));
        assert_eq!(m.offer('c', 5), Ok(5 + SECOND / 5));
        assert_eq!(m.level(5), 2);
        let full = m.offer('d', 5).expect_err("full");
        assert_eq!(
            (full.item, full.retry_after),
            ('d', Duration::from_millis(100))
        );
        assert_eq!(m.poll(5), Some('a'));
        assert_eq!(m.poll(5), None);
        assert_eq!(m.next_departure(), Some(5 + SECOND / 10));
        assert_eq!(m.offer('d', 5 + SECOND / 10), Ok(5 + 3 * SECOND / 10));
    }

    #[test]
    fn fractional_intervals_round_each_departure_up_without_drift() {
        let mut m = ModelShaper::new(usize::MAX, Rate::per_second(3));
        for k in 0..10u64 {
            assert_eq!(m.offer(k, 0), Ok((k * SECOND).div_ceil(3)));
        }
        // Sub-nanosecond intervals: three items per nanosecond, some at the same instant.
        let mut m = ModelShaper::new(usize::MAX, Rate::new(3, Duration::from_nanos(1)));
        let got: Vec<u64> = (0..7).map(|k| m.offer(k, 0).expect("room")).collect();
        assert_eq!(got, [0, 1, 1, 1, 2, 2, 2]);
    }

    #[test]
    fn a_departure_past_u64_max_is_refused() {
        let mut m = ModelShaper::new(5, Rate::per_second(1));
        let now = u64::MAX - 3 * SECOND / 2;
        assert_eq!(m.offer(1, now), Ok(now));
        assert_eq!(m.offer(2, now), Ok(now + SECOND));
        let full = m.offer(3, now).expect_err("past u64::MAX");
        assert_eq!((full.item, full.retry_after), (3, Duration::from_secs(1)));
        assert_eq!(m.level(now), 1);
    }
}
