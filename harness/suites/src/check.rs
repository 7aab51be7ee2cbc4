//! The small test framework the suites are written in.
//!
//! A stage is a sequence of named checks. [`Ctx::check`] runs one, catching any panic (a `todo!()`
//! in learner code, an index out of bounds, a failed assertion) and recording it as that check's
//! failure, so one failure never hides the others' names, and a panic never escapes. The default
//! panic message is silenced; [`install_panic_hook`] keeps the message and location instead.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use crate::report::{Event, Measurement, Reporter};

/// The result of a check body: `Err` carries the explanation shown to the learner.
pub type Outcome = Result<(), String>;

/// Fails the enclosing check (returns `Err`) unless `cond` holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

/// Fails the enclosing check unless `actual == expected`, saying what was evaluated.
#[macro_export]
macro_rules! ensure_eq {
    ($actual:expr, $expected:expr, $($fmt:tt)+) => {{
        let actual = $actual;
        let expected = $expected;
        if actual != expected {
            return Err(format!(
                "{}: expected {:?}, got {:?}",
                format!($($fmt)+),
                expected,
                actual
            ));
        }
    }};
}

/// A panic seen by the hook: its message and where it happened.
#[derive(Debug, Clone)]
pub struct PanicRecord {
    /// The panic's message.
    pub message: String,
    /// `file:line`.
    pub location: Option<String>,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<PanicRecord>> = const { RefCell::new(None) };
}

/// Replaces the default panic hook (which prints to stderr) with one that remembers the panic, so
/// the check that caught it can report it cleanly. Idempotent.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "panic with a non-string payload".to_owned()
        };
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        if message.starts_with("deadlock; threads") {
            // Loom's scheduler raises this where it cannot unwind: the process aborts next, so
            // the grader only has stderr to say why.
            eprintln!("loom found a deadlock: {message}");
        }
        // `try_with`: a panic during thread teardown must not panic again.
        let _ = LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(PanicRecord { message, location }));
    }));
}

/// Takes the panic recorded last on this thread, if any.
pub fn take_last_panic() -> Option<PanicRecord> {
    LAST_PANIC
        .try_with(|p| p.borrow_mut().take())
        .ok()
        .flatten()
}

/// Puts `record` back as this thread's last panic, for [`Ctx::check`] to report its location.
pub fn remember_panic(record: PanicRecord) {
    let _ = LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(record));
}

/// The panic `payload` as a record: the one the hook saw on this thread if any (it has the
/// location), else the payload's text.
pub fn panic_record(payload: &(dyn std::any::Any + Send)) -> PanicRecord {
    take_last_panic().unwrap_or_else(|| PanicRecord {
        message: payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic with a non-string payload".to_owned()),
        location: None,
    })
}

/// A panic as one line for a failure message: `panicked at file:line: message`, or for a
/// `todo!()` its own message first (so that it is still recognised as one), then where.
pub fn describe_panic(record: &PanicRecord) -> String {
    match (&record.location, is_todo(&record.message)) {
        (Some(at), true) => format!("{} ({at})", record.message),
        (None, true) => record.message.clone(),
        (Some(at), false) => format!("panicked at {at}: {}", record.message),
        (None, false) => format!("panicked: {}", record.message),
    }
}

/// Runs `body`, turning a panic into `Err` with its message and location. For code that runs
/// outside [`Ctx::check`]'s own guard: worker threads, each case of a property.
pub fn guarded<T>(body: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(body))
        .map_err(|payload| describe_panic(&panic_record(payload.as_ref())))
}

/// Joins a worker thread whose body returns `Result<T, String>`; a panic in it (which
/// [`guarded`] did not catch) still reports its message.
///
/// # Errors
///
/// The worker's own error, or its panic.
pub fn join_worker<T>(handle: std::thread::JoinHandle<Result<T, String>>) -> Result<T, String> {
    handle
        .join()
        .map_err(|payload| describe_panic(&panic_record(payload.as_ref())))?
}

/// Whether a panic message comes from `todo!()` or `unimplemented!()`.
pub fn is_todo(message: &str) -> bool {
    message.starts_with("not yet implemented") || message.starts_with("not implemented")
}

/// The state of one graded stage: where events go, the seed, and whether anything failed.
pub struct Ctx {
    reporter: Reporter,
    /// The seed every random choice in the stage derives from.
    pub seed: u64,
    /// When set, the complexity stage runs this one series untimed instead of grading.
    pub count: Option<crate::measure::Count>,
    /// When set, the complexity stage grades this one series and skips the others: the
    /// repository's own proofs use it on a mutant, to time only the series it is slow in
    /// (`runner`, [`SERIES_ENV`](crate::runner::SERIES_ENV)).
    pub series: Option<String>,
    /// When set, this run is a counting child of a counted complexity stage: it runs the
    /// request's sizes inside the function callgrind counts, and grades nothing
    /// ([`crate::measure::counted`]).
    pub counted: Option<crate::measure::counted::Request>,
    /// How to start this runner again as a counting child; set by [`crate::runner::main`].
    pub relaunch: Option<crate::measure::counted::Relaunch>,
    failures: usize,
    checks: usize,
}

impl Ctx {
    /// A context writing to `reporter`, with random choices drawn from `seed`.
    pub fn new(reporter: Reporter, seed: u64) -> Ctx {
        Ctx {
            reporter,
            seed,
            count: None,
            series: None,
            counted: None,
            relaunch: None,
            failures: 0,
            checks: 0,
        }
    }

    /// Whether the complexity stage grades series `name` in this run (every series unless
    /// [`Ctx::series`] names one).
    pub fn wants_series(&self, name: &str) -> bool {
        self.series.as_deref().is_none_or(|s| s == name)
    }

    /// Runs the check `name`: passes when `body` returns `Ok`, fails on `Err` or a panic.
    pub fn check(&mut self, name: &str, body: impl FnOnce() -> Outcome) -> bool {
        // Generic only in how `body` is called: the rest, compiled once, is shared by every
        // check of every suite on every family (measured: this function was a fifth of the
        // mutants' runner's code when all of it was generic).
        let mut body = Some(body);
        self.check_dyn(name, &mut || (body.take().expect("a check runs once"))())
    }

    fn check_dyn(&mut self, name: &str, body: &mut dyn FnMut() -> Outcome) -> bool {
        self.checks += 1;
        self.reporter.emit(Event::CheckStart {
            name: name.to_owned(),
        });
        take_last_panic();
        let result = panic::catch_unwind(AssertUnwindSafe(body));
        let (passed, message, todo, location) = match result {
            Ok(Ok(())) => (true, String::new(), false, None),
            Ok(Err(message)) => {
                // A `todo!()` reached inside a model test comes back as `Err`: keep the location
                // of that panic. Any other panic seen on the way (while shrinking, say) need not
                // be the one the message is about, so its location is not shown.
                let todo = is_todo(&message);
                let last = take_last_panic();
                let location = last.filter(|_| todo).and_then(|p| p.location);
                (false, message, todo, location)
            }
            Err(payload) => {
                let record = panic_record(payload.as_ref());
                let todo = is_todo(&record.message);
                let message = if todo {
                    record.message
                } else {
                    format!("panicked: {}", record.message)
                };
                (false, message, todo, record.location)
            }
        };
        if !passed {
            self.failures += 1;
        }
        self.reporter.emit(Event::CheckEnd {
            name: name.to_owned(),
            passed,
            message,
            todo,
            location,
        });
        passed
    }

    /// Records a measured figure; a figure that misses its threshold fails the stage.
    pub fn measure(&mut self, m: Measurement) {
        self.checks += 1;
        if !m.passed {
            self.failures += 1;
        }
        self.reporter.emit(Event::Measurement(m));
    }

    /// Records a table for the learner to read.
    pub fn table(&mut self, title: &str, headers: &[&str], rows: Vec<Vec<String>>) {
        self.reporter.emit(Event::Table {
            title: title.to_owned(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        });
    }

    /// Records a line of information.
    pub fn note(&mut self, text: impl Into<String>) {
        self.reporter.emit(Event::Note { text: text.into() });
    }

    /// Whether every check and measurement so far passed.
    pub fn passed(&self) -> bool {
        self.failures == 0
    }

    /// How many checks and measurements ran.
    pub fn checks_run(&self) -> usize {
        self.checks
    }

    /// The events recorded so far.
    pub fn events(&self) -> &[Event] {
        &self.reporter.events
    }

    /// A seed for sub-task `salt`, derived from the stage seed.
    pub fn sub_seed(&self, salt: u64) -> u64 {
        sub_seed(self.seed, salt)
    }
}

/// The seed a check salted `salt` draws from under the stage's `seed` ([`Ctx::sub_seed`]): for a
/// test or a document that must show exactly what a stage shows at a given seed.
pub fn sub_seed(seed: u64, salt: u64) -> u64 {
    crate::measure::SplitMix64::new(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64()
}

/// The loom preemption bound: `LOOM_MAX_PREEMPTIONS`, or 2. Two preemptions find the classic
/// check-then-act and lost-update races while keeping the stage to seconds.
#[cfg(kata_loom)]
pub fn loom_preemption_bound() -> usize {
    std::env::var("LOOM_MAX_PREEMPTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
}

/// Model-checks `body` with loom: runs it under every interleaving up to the preemption bound.
/// The first interleaving where `body` fails (or panics) fails the check with its message.
#[cfg(kata_loom)]
pub fn loom_model(body: impl Fn() -> Outcome + Send + Sync + 'static) -> Outcome {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(loom_preemption_bound());
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        builder.check(move || {
            if let Err(message) = body() {
                // Stops the exploration; loom reports the interleaving's panic to the caller.
                panic!("{message}");
            }
        })
    }));
    match result {
        Ok(()) => Ok(()),
        Err(payload) => {
            // The suite's own failures are panics raised here, in `harness/suites`; any other
            // panic came from the implementation, and keeps its file and line.
            let record = panic_record(payload.as_ref());
            let ours = record
                .location
                .as_deref()
                .is_none_or(|at| at.contains("harness/suites"));
            let message = if ours {
                record.message
            } else {
                describe_panic(&record)
            };
            if is_todo(&message) {
                Err(message)
            } else {
                Err(format!(
                    "{message}\n(found by loom in one interleaving of the threads)"
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_worker_thread_keeps_its_message_and_place() {
        install_panic_hook();
        let handle = std::thread::spawn(|| -> Result<u32, String> {
            guarded(|| -> u32 { panic!("boom in a worker") })
        });
        let message = join_worker(handle).expect_err("the worker panicked");
        assert!(
            message.starts_with("panicked at harness/suites/src/check.rs:")
                && message.ends_with("boom in a worker"),
            "{message}"
        );
        // A panic `guarded` did not wrap still reports its message.
        let bare = std::thread::spawn(|| -> Result<u32, String> { panic!("unwrapped") });
        let message = join_worker(bare).expect_err("the worker panicked");
        assert!(message.contains("unwrapped"), "{message}");
    }

    #[test]
    fn a_todo_in_a_worker_is_still_a_todo() {
        install_panic_hook();
        let message = guarded(|| -> u32 { todo!("Cache::get") }).expect_err("todo panics");
        assert!(is_todo(&message), "{message}");
        assert!(message.contains("check.rs:"), "{message}");
    }
}
