//! The decisions of `cargo kata watch`, with no I/O: when to grade, what a key does, and when the
//! file watcher is not to be trusted.
//!
//! The loop feeds the [`Engine`] [`Input`]s stamped with the time they were taken off the queue
//! and carries out the [`Action`]s it answers. Nothing here sleeps: a save starts a debounce
//! *deadline* ([`Engine::deadline`]), and the loop waits for the next input or that deadline,
//! whichever comes first ([`turn`]). So a key pressed while a burst of saves is being debounced,
//! or while a grade runs, is handled the moment it arrives, never lost or held back.
//!
//! Because time comes in with the inputs, the tests drive it with a scripted [`Source`] and a
//! fake clock, and assert on exact outcomes with no timing tolerance.

use std::time::{Duration, Instant};

/// How long the folder must stay quiet after a change before it is graded: an editor's burst of
/// writes (temporary file, rename, attributes) is one save.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// The longest a stream of changes can hold a grade back.
pub const MAX_DELAY: Duration = Duration::from_secs(2);

/// How long after the background check saw the folder change the watcher may still report it
/// before the watch switches to polling.
pub const WATCHER_GRACE: Duration = Duration::from_secs(1);

/// A key the learner pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `r`: grade again.
    Rerun,
    /// `h`: the next hint for the failing stage.
    Hint,
    /// `n`: watch the next kata.
    Next,
    /// `q` (or Ctrl-C, Ctrl-D): quit.
    Quit,
}

impl Key {
    /// The key a byte (raw mode) or the first letter of a line (scripted) stands for.
    pub fn from_byte(b: u8) -> Option<Key> {
        match b {
            b'r' | b'R' => Some(Key::Rerun),
            b'h' | b'H' => Some(Key::Hint),
            b'n' | b'N' => Some(Key::Next),
            // Ctrl-C and Ctrl-D: raw mode delivers them as bytes, not signals.
            b'q' | b'Q' | 0x03 | 0x04 => Some(Key::Quit),
            _ => None,
        }
    }
}

/// Something that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The file watcher reported a change under the kata's folder.
    Watched,
    /// The poller found the folder's contents changed.
    Polled,
    /// The low-frequency background check hashed the folder: `changed` since its last look.
    Probed {
        /// Whether the contents differ from the last check.
        changed: bool,
    },
    /// A key.
    Key(Key),
    /// The grade that was running is over (finished, could not start, or was skipped).
    Graded,
    /// Time passed: a deadline or a spinner frame.
    Tick,
}

/// Why a grade starts, for the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The watch just started.
    Start,
    /// A file was saved.
    Save,
    /// The learner pressed `r`.
    Rerun,
    /// The learner switched kata with `n`.
    Switch,
}

/// What the loop must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Start grading the watched kata.
    Grade(Why),
    /// Stop the grade that is running (its process group is killed).
    Cancel,
    /// Show the next hint.
    Hint,
    /// Watch the next kata (a `Grade(Switch)` follows).
    SwitchKata,
    /// The watcher missed a save: poll the folder from now on, and say so.
    StartPolling,
    /// Restore the terminal and exit.
    Quit,
}

/// The watch's state: a pending debounce, a running grade, a queued re-grade, the watcher's
/// trustworthiness.
#[derive(Debug)]
pub struct Engine {
    /// When the pending change is due to be graded.
    due: Option<Instant>,
    /// When the current burst of changes began.
    burst: Option<Instant>,
    grading: bool,
    /// A grade to start when the running one is over.
    again: Option<Why>,
    polling: bool,
    /// Whether the watcher reported anything since the last background check.
    watched_since_probe: bool,
    /// When the background check saw a change the watcher had not reported.
    suspect: Option<Instant>,
    quit: bool,
}

impl Engine {
    /// A new watch, `polling` already (`--poll`) or trusting the file watcher.
    pub fn new(polling: bool) -> Engine {
        Engine {
            due: None,
            burst: None,
            grading: false,
            again: None,
            polling,
            watched_since_probe: false,
            suspect: None,
            quit: false,
        }
    }

    /// The first grade.
    pub fn start(&mut self) -> Vec<Action> {
        self.grading = true;
        vec![Action::Grade(Why::Start)]
    }

    /// When the loop must feed [`Input::Tick`] at the latest, if anything is pending.
    pub fn deadline(&self) -> Option<Instant> {
        let suspect = self.suspect.map(|s| s + WATCHER_GRACE);
        match (self.due, suspect) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Handles `input`, which happened at `now`; returns what to do, in order.
    pub fn step(&mut self, input: Input, now: Instant) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.quit {
            return actions;
        }
        self.fire_timers(now, &mut actions);
        match input {
            Input::Watched => {
                self.watched_since_probe = true;
                self.suspect = None;
                self.changed(now);
            }
            Input::Polled => self.changed(now),
            Input::Probed { changed } => {
                if !self.polling && changed && !self.watched_since_probe && self.suspect.is_none() {
                    self.suspect = Some(now);
                }
                self.watched_since_probe = false;
            }
            Input::Key(Key::Quit) => {
                self.quit = true;
                self.due = None;
                self.suspect = None;
                if self.grading {
                    actions.push(Action::Cancel);
                }
                actions.push(Action::Quit);
            }
            Input::Key(Key::Hint) => actions.push(Action::Hint),
            Input::Key(Key::Next) => {
                // Whatever was pending was about the kata being left.
                self.due = None;
                self.burst = None;
                self.again = None;
                if self.grading {
                    actions.push(Action::Cancel);
                }
                actions.push(Action::SwitchKata);
                self.grading = true;
                actions.push(Action::Grade(Why::Switch));
            }
            Input::Key(Key::Rerun) => {
                // The grade covers any save still being debounced.
                self.due = None;
                self.burst = None;
                self.grade(Why::Rerun, &mut actions);
            }
            Input::Graded => {
                self.grading = false;
                if let Some(why) = self.again.take() {
                    self.grade(why, &mut actions);
                }
            }
            Input::Tick => {}
        }
        actions
    }

    /// A change: (re)starts the debounce, but holds a grade back no longer than [`MAX_DELAY`].
    fn changed(&mut self, now: Instant) {
        let burst = *self.burst.get_or_insert(now);
        self.due = Some((now + DEBOUNCE).min(burst + MAX_DELAY));
    }

    /// Grades now, or once the running grade is over.
    fn grade(&mut self, why: Why, actions: &mut Vec<Action>) {
        if self.grading {
            // A re-run asked for explicitly says so on the screen; a save does not override it.
            if self.again != Some(Why::Rerun) {
                self.again = Some(why);
            }
        } else {
            self.grading = true;
            actions.push(Action::Grade(why));
        }
    }

    fn fire_timers(&mut self, now: Instant, actions: &mut Vec<Action>) {
        if self.due.is_some_and(|due| due <= now) {
            self.due = None;
            self.burst = None;
            self.grade(Why::Save, actions);
        }
        if self.suspect.is_some_and(|s| s + WATCHER_GRACE <= now) {
            self.suspect = None;
            if !self.polling {
                self.polling = true;
                actions.push(Action::StartPolling);
                // The save the watcher missed happened a while ago: no debounce.
                self.due = None;
                self.burst = None;
                self.grade(Why::Save, actions);
            }
        }
    }
}

/// Where the loop's messages come from, and the clock: a channel and [`Instant::now`] in the
/// watch, a script and a fake clock in the tests.
pub trait Source<M> {
    /// The time now.
    fn now(&self) -> Instant;
    /// The next message if one arrives by `until`, else `None` once `until` has come.
    fn next(&mut self, until: Instant) -> Option<M>;
}

/// One turn of the loop: waits for a message, the engine's deadline or `frame` (the spinner),
/// whichever comes first, and feeds the engine. Returns the message, for the parts of it the
/// engine does not handle (progress to draw), and the engine's actions.
pub fn turn<M>(
    engine: &mut Engine,
    source: &mut impl Source<M>,
    frame: Duration,
    input_of: impl Fn(&M) -> Option<Input>,
) -> (Option<M>, Vec<Action>) {
    let mut until = source.now() + frame;
    if let Some(deadline) = engine.deadline() {
        until = until.min(deadline);
    }
    let msg = source.next(until);
    let input = msg.as_ref().and_then(&input_of).unwrap_or(Input::Tick);
    let actions = engine.step(input, source.now());
    (msg, actions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A fake event source: messages at scripted times on a fake clock that jumps straight to the
    /// next message or deadline. A message is an input and, for `Graded`, the grade's id.
    struct Script {
        base: Instant,
        now: Instant,
        queue: VecDeque<(Instant, (Input, u64))>,
    }

    impl Script {
        fn new(events: &[(u64, Input)]) -> Script {
            let base = Instant::now();
            let mut s = Script {
                base,
                now: base,
                queue: VecDeque::new(),
            };
            for &(ms, input) in events {
                s.push(ms, input, 0);
            }
            s
        }

        fn push(&mut self, ms: u64, input: Input, id: u64) {
            let at = self.base + Duration::from_millis(ms);
            let i = self.queue.partition_point(|(t, _)| *t <= at);
            self.queue.insert(i, (at, (input, id)));
        }

        fn ms(&self) -> u64 {
            (self.now - self.base).as_millis() as u64
        }
    }

    impl Source<(Input, u64)> for Script {
        fn now(&self) -> Instant {
            self.now
        }

        fn next(&mut self, until: Instant) -> Option<(Input, u64)> {
            match self.queue.front() {
                Some(&(at, _)) if at <= until => {
                    self.now = self.now.max(at);
                    self.queue.pop_front().map(|(_, m)| m)
                }
                _ => {
                    self.now = until;
                    None
                }
            }
        }
    }

    /// Runs the real loop turn by turn over `events` until `end_ms`; every grade takes
    /// `grade_ms` (its `Graded` is scheduled when it starts; a cancelled grade's is stale and
    /// dropped by its id, as the watch does). Returns each action with the fake time it happened.
    fn run(
        polling: bool,
        grade_ms: u64,
        events: &[(u64, Input)],
        end_ms: u64,
    ) -> Vec<(u64, Action)> {
        let mut script = Script::new(events);
        let mut engine = Engine::new(polling);
        let mut log = Vec::new();
        let mut pending = engine.start();
        // Frames are long here: ticks only matter at deadlines, and those are exact.
        let frame = Duration::from_secs(3600);
        let mut current = 0;
        loop {
            for a in pending.drain(..) {
                let now = script.ms();
                log.push((now, a));
                match a {
                    Action::Grade(_) => {
                        current += 1;
                        script.push(now + grade_ms, Input::Graded, current);
                    }
                    Action::Quit => return log,
                    _ => {}
                }
            }
            if script.ms() >= end_ms || script.queue.is_empty() && engine.deadline().is_none() {
                return log;
            }
            let (_, actions) = turn(&mut engine, &mut script, frame, |&(input, id)| {
                (input != Input::Graded || id == current).then_some(input)
            });
            pending = actions;
        }
    }

    fn grades(log: &[(u64, Action)]) -> Vec<(u64, Why)> {
        log.iter()
            .filter_map(|&(t, a)| match a {
                Action::Grade(w) => Some((t, w)),
                _ => None,
            })
            .collect()
    }

    const SAVE: Input = Input::Watched;

    #[test]
    fn the_watch_grades_once_at_start() {
        let log = run(false, 1_000, &[], 10_000);
        assert_eq!(log, [(0, Action::Grade(Why::Start))]);
    }

    #[test]
    fn a_burst_of_saves_is_one_grade_after_the_last() {
        let burst = [(5_000, SAVE), (5_003, SAVE), (5_010, SAVE), (5_150, SAVE)];
        let log = run(false, 1_000, &burst, 20_000);
        assert_eq!(grades(&log), [(0, Why::Start), (5_350, Why::Save)]);
    }

    #[test]
    fn keys_during_a_debounce_are_handled_at_once_and_the_save_is_still_graded() {
        let events = [
            (5_000, SAVE),
            (5_050, Input::Key(Key::Hint)),
            (5_060, SAVE),
            (5_100, Input::Key(Key::Hint)),
        ];
        let log = run(false, 1_000, &events, 20_000);
        assert_eq!(
            log,
            [
                (0, Action::Grade(Why::Start)),
                (5_050, Action::Hint),
                (5_100, Action::Hint),
                (5_260, Action::Grade(Why::Save)),
            ]
        );
    }

    #[test]
    fn q_during_a_debounce_quits_at_once_and_grades_nothing_more() {
        let events = [(5_000, SAVE), (5_050, Input::Key(Key::Quit)), (5_100, SAVE)];
        let log = run(false, 1_000, &events, 20_000);
        assert_eq!(log, [(0, Action::Grade(Why::Start)), (5_050, Action::Quit)]);
    }

    #[test]
    fn q_during_a_grade_cancels_it_then_quits() {
        let events = [(500, Input::Key(Key::Quit))];
        let log = run(false, 60_000, &events, 100_000);
        assert_eq!(
            log,
            [
                (0, Action::Grade(Why::Start)),
                (500, Action::Cancel),
                (500, Action::Quit)
            ]
        );
    }

    #[test]
    fn saves_during_a_grade_are_graded_once_after_it() {
        let events = [
            (1_000, SAVE),
            (2_000, SAVE),
            (2_500, Input::Key(Key::Hint)),
            (3_000, SAVE),
        ];
        let log = run(false, 10_000, &events, 60_000);
        assert_eq!(grades(&log), [(0, Why::Start), (10_000, Why::Save)]);
        assert!(log.contains(&(2_500, Action::Hint)));
    }

    #[test]
    fn r_grades_now_when_idle_and_after_the_grade_when_busy() {
        let events = [
            (2_000, Input::Key(Key::Rerun)),
            (2_500, Input::Key(Key::Rerun)),
            (2_600, SAVE),
        ];
        let log = run(false, 1_000, &events, 60_000);
        assert_eq!(
            grades(&log),
            [(0, Why::Start), (2_000, Why::Rerun), (3_000, Why::Rerun)]
        );
    }

    #[test]
    fn r_during_a_debounce_replaces_the_pending_grade() {
        let events = [(2_000, SAVE), (2_050, Input::Key(Key::Rerun))];
        let log = run(false, 1_000, &events, 60_000);
        assert_eq!(grades(&log), [(0, Why::Start), (2_050, Why::Rerun)]);
    }

    #[test]
    fn n_cancels_the_running_grade_and_drops_the_pending_save() {
        let events = [
            (500, Input::Key(Key::Next)),
            (2_000, SAVE),
            (2_100, Input::Key(Key::Next)),
        ];
        let log = run(false, 1_000, &events, 60_000);
        assert_eq!(
            log,
            [
                (0, Action::Grade(Why::Start)),
                (500, Action::Cancel),
                (500, Action::SwitchKata),
                (500, Action::Grade(Why::Switch)),
                (2_100, Action::SwitchKata),
                (2_100, Action::Grade(Why::Switch)),
            ]
        );
    }

    #[test]
    fn a_stream_of_saves_is_graded_within_the_longest_delay() {
        let events: Vec<(u64, Input)> = (0..50).map(|i| (5_000 + i * 100, SAVE)).collect();
        let log = run(false, 100, &events, 60_000);
        let g = grades(&log);
        assert_eq!(g[1], (7_000, Why::Save), "{g:?}");
        assert_eq!(g.last(), Some(&(10_100, Why::Save)), "{g:?}");
    }

    #[test]
    fn a_save_the_watcher_missed_switches_to_polling_and_is_graded() {
        let events = [
            (2_000, Input::Probed { changed: false }),
            (4_000, Input::Probed { changed: true }),
        ];
        let log = run(false, 1_000, &events, 60_000);
        assert_eq!(
            log,
            [
                (0, Action::Grade(Why::Start)),
                (5_000, Action::StartPolling),
                (5_000, Action::Grade(Why::Save)),
            ]
        );
    }

    #[test]
    fn a_save_the_watcher_reported_before_or_just_after_the_check_is_trusted() {
        for watched_at in [3_990, 4_000, 4_010, 4_999] {
            let events = [
                (2_000, Input::Probed { changed: false }),
                (watched_at, SAVE),
                (4_000, Input::Probed { changed: true }),
                (6_000, Input::Probed { changed: false }),
            ];
            let log = run(false, 1_000, &events, 60_000);
            assert!(
                !log.iter().any(|(_, a)| *a == Action::StartPolling),
                "watched at {watched_at}: {log:?}"
            );
            assert_eq!(
                grades(&log),
                [(0, Why::Start), (watched_at + 200, Why::Save)]
            );
        }
    }

    #[test]
    fn when_polling_the_background_check_is_ignored_and_polled_changes_are_debounced() {
        let events = [
            (1_000, Input::Probed { changed: true }),
            (3_000, Input::Polled),
            (3_500, Input::Polled),
        ];
        let log = run(true, 100, &events, 60_000);
        assert_eq!(
            grades(&log),
            [(0, Why::Start), (3_200, Why::Save), (3_700, Why::Save)]
        );
        assert!(!log.iter().any(|(_, a)| *a == Action::StartPolling));
    }

    #[test]
    fn every_key_maps_as_documented() {
        assert_eq!(Key::from_byte(b'r'), Some(Key::Rerun));
        assert_eq!(Key::from_byte(b'h'), Some(Key::Hint));
        assert_eq!(Key::from_byte(b'n'), Some(Key::Next));
        assert_eq!(Key::from_byte(b'q'), Some(Key::Quit));
        assert_eq!(Key::from_byte(0x03), Some(Key::Quit), "Ctrl-C");
        assert_eq!(Key::from_byte(b'x'), None);
    }
}
