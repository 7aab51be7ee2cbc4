//! The model limiters: each definition of [`kata_core::sliding_window`], written as plainly as
//! possible.
//!
//! A model remembers the time of every request it ever admitted, in a `Vec`, and decides each
//! request by counting the admitted times its definition looks at; nothing is ever forgotten,
//! rounded or kept in a clever form. Times follow the clock rule: a `now` earlier than the latest
//! one seen counts as that latest one, so the effective times, and so the `Vec`, only grow.

use kata_core::sliding_window::ConfigError;
use std::time::Duration;

/// Which definition a model follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Windows `[k·W, (k+1)·W)` from time 0; admit while fewer than `limit` in the request's own.
    Fixed,
    /// Admit at `t` while fewer than `limit` were admitted in `(t − W, t]`.
    Log,
    /// At `t = k·W + e`: admit while `prev × (W − e) + curr × W < limit × W`.
    Counter,
}

impl Kind {
    /// The three, in the order the suite reports them.
    pub const ALL: [Kind; 3] = [Kind::Fixed, Kind::Log, Kind::Counter];

    /// The kata's name for the type that follows this definition.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Fixed => "FixedWindow",
            Kind::Log => "SlidingLog",
            Kind::Counter => "SlidingCounter",
        }
    }
}

/// One limiter's definition, driven by explicit times.
#[derive(Debug, Clone)]
pub struct Model {
    kind: Kind,
    limit: u64,
    window: u64,
    /// The latest time any request was made at (0 before the first).
    latest: u64,
    /// The effective time of every admitted request, in order (never decreasing).
    admitted: Vec<u64>,
}

impl Model {
    /// A model with nothing admitted, or the error `new` must return, checked in the API's order.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] as [`kata_core::sliding_window::WindowLimiter::new`] documents it.
    pub fn new(kind: Kind, limit: u64, window: Duration) -> Result<Model, ConfigError> {
        if limit == 0 {
            return Err(ConfigError::ZeroLimit);
        }
        if window.is_zero() {
            return Err(ConfigError::ZeroWindow);
        }
        let window = u64::try_from(window.as_nanos()).map_err(|_| ConfigError::WindowTooLong)?;
        Ok(Model {
            kind,
            limit,
            window,
            latest: 0,
            admitted: Vec::new(),
        })
    }

    /// The window in nanoseconds.
    pub fn window_ns(&self) -> u64 {
        self.window
    }

    /// `now`, or the latest time seen when `now` is earlier.
    fn effective(&self, now: u64) -> u64 {
        now.max(self.latest)
    }

    /// How many requests were admitted at an effective time `t` for which `inside(t)` holds,
    /// looking back no further than `since` (the times are in order).
    fn count(&self, since: u64, inside: impl Fn(u64) -> bool) -> u64 {
        self.admitted
            .iter()
            .rev()
            .take_while(|&&t| t >= since)
            .filter(|&&t| inside(t))
            .count() as u64
    }

    /// Admitted requests in fixed window number `k`.
    fn in_window(&self, k: u64) -> u64 {
        let w = self.window;
        self.count(k.saturating_mul(w), |t| t / w == k)
    }

    /// Admitted requests in `(now − W, now]`.
    fn in_last_window(&self, now: u64) -> u64 {
        let w = self.window;
        self.count(now.saturating_sub(w), |t| t <= now && now - t < w)
    }

    /// `try_acquire(now)`: whether the request is admitted (and then counted).
    pub fn try_acquire(&mut self, now: u64) -> bool {
        let now = self.effective(now);
        self.latest = now;
        let (w, k) = (self.window, now / self.window);
        let admit = match self.kind {
            Kind::Fixed => self.in_window(k) < self.limit,
            Kind::Log => self.in_last_window(now) < self.limit,
            Kind::Counter => {
                let e = now % w;
                let prev = if k == 0 { 0 } else { self.in_window(k - 1) };
                let curr = self.in_window(k);
                let (w, e) = (u128::from(w), u128::from(e));
                u128::from(prev) * (w - e) + u128::from(curr) * w < u128::from(self.limit) * w
            }
        };
        if admit {
            self.admitted.push(now);
        }
        admit
    }

    /// `is_idle(now)`, as the API defines it for this kind.
    pub fn is_idle(&self, now: u64) -> bool {
        let now = self.effective(now);
        let k = now / self.window;
        match self.kind {
            Kind::Fixed => self.in_window(k) == 0,
            Kind::Log => self.in_last_window(now) == 0,
            Kind::Counter => self.in_window(k) == 0 && (k == 0 || self.in_window(k - 1) == 0),
        }
    }

    /// The time of the latest request (admitted or not), 0 before the first.
    pub fn latest(&self) -> u64 {
        self.latest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(kind: Kind, limit: u64, window: u64) -> Model {
        Model::new(kind, limit, Duration::from_nanos(window)).expect("valid")
    }

    fn burst(m: &mut Model, at: u64, n: usize) -> usize {
        (0..n).filter(|_| m.try_acquire(at)).count()
    }

    #[test]
    fn configurations_are_checked_in_order() {
        let new = |l, w| Model::new(Kind::Log, l, w).err();
        assert_eq!(new(0, Duration::ZERO), Some(ConfigError::ZeroLimit));
        assert_eq!(new(1, Duration::ZERO), Some(ConfigError::ZeroWindow));
        assert_eq!(new(1, Duration::MAX), Some(ConfigError::WindowTooLong));
        assert_eq!(new(1, Duration::from_nanos(u64::MAX)), None);
    }

    #[test]
    fn the_three_definitions_at_a_boundary() {
        let mut fixed = model(Kind::Fixed, 5, 1_000);
        let mut log = model(Kind::Log, 5, 1_000);
        let mut counter = model(Kind::Counter, 5, 1_000);
        for m in [&mut fixed, &mut log, &mut counter] {
            assert_eq!(burst(m, 999, 10), 5);
        }
        assert_eq!(burst(&mut fixed, 1_000, 10), 5);
        assert_eq!(burst(&mut log, 1_000, 10), 0);
        assert_eq!(burst(&mut counter, 1_000, 10), 0);
        // The log frees the slots at 999 + W exactly.
        assert_eq!(burst(&mut log, 1_998, 10), 0);
        assert_eq!(burst(&mut log, 1_999, 10), 5);
        // The counter at e = W/2 of the next window: 5 × 500 + c × 1 000 < 5 000, c < 2.5.
        assert_eq!(burst(&mut counter, 1_500, 10), 3);
    }

    #[test]
    fn the_counter_weighs_the_previous_window_exactly() {
        for (e, admitted) in [(0, 0), (50, 50), (99, 99)] {
            let mut m = model(Kind::Counter, 100, 100);
            assert_eq!(burst(&mut m, 0, 100), 100);
            assert_eq!(burst(&mut m, 100 + e, 200), admitted, "e = {e}");
        }
    }

    #[test]
    fn idleness_follows_each_definition() {
        for (kind, idle_from) in [(Kind::Fixed, 200), (Kind::Log, 250), (Kind::Counter, 300)] {
            let mut m = model(kind, 2, 100);
            assert!(m.is_idle(0));
            assert!(m.try_acquire(150));
            for t in [100, 150, 199, 200, 249, 250, 299, 300, 1_000] {
                assert_eq!(m.is_idle(t), t >= idle_from, "{kind:?} at {t}");
            }
        }
    }

    #[test]
    fn a_clock_set_back_counts_as_the_latest_reading() {
        let mut m = model(Kind::Log, 2, 100);
        assert!(m.try_acquire(1_000));
        assert!(m.try_acquire(500));
        assert!(!m.try_acquire(500));
        assert!(!m.try_acquire(1_099));
        assert_eq!(burst(&mut m, 1_100, 3), 2);
        assert_eq!(m.latest(), 1_100);
    }

    #[test]
    fn the_largest_window_and_times_work() {
        let w = u64::MAX;
        let mut fixed = model(Kind::Fixed, 1, w);
        let mut log = model(Kind::Log, 1, w);
        let mut counter = model(Kind::Counter, 1, w);
        for m in [&mut fixed, &mut log, &mut counter] {
            assert!(m.try_acquire(0));
            assert!(!m.try_acquire(u64::MAX - 1));
        }
        assert!(fixed.try_acquire(u64::MAX));
        assert!(log.try_acquire(u64::MAX));
        assert!(!counter.try_acquire(u64::MAX));
    }
}
