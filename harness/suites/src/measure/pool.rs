//! Persistent worker threads for the contended workloads: started once, released together for
//! each run, timed by the CPU time they spend.
//!
//! A contended workload (`contended-2-threads`, `mpsc-2-producers`, `many-keys-contended`) is
//! timed run after run, thousands of operations at a time; spawning threads for each run would
//! cost more than the run. So a [`WorkerPool`] starts one thread per body, and each waits on a
//! barrier between runs. [`WorkerPool::run`] releases them all, waits for the last to finish and
//! returns the CPU time they spent ([`thread_time`] on each, summed) beside the wall time: on a
//! busy machine a descheduled worker stretches a run's wall time by a time slice or more, while
//! the CPU time spent contending stays what it was, so the benches judge by CPU time.
//!
//! A body that panics is caught (the graded crate's mistake, with its file and line when the
//! grader's panic hook is installed) and reported by `run` as an error, after every worker is
//! back at the barrier: the pool stays usable, and dropping it stops the threads. A body that
//! waits on a barrier of its own mid-run (the leaky-bucket producers, which wait for each other
//! before the consumer drains) must catch its own panic before that barrier and raise it again
//! after, or the others would wait forever.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::thread_time;

/// What the threads of a [`WorkerPool`] share.
#[derive(Debug)]
struct Shared {
    /// Releases the workers into a run (or into stopping).
    start: Barrier,
    /// Every worker and the caller meet here at the end of a run.
    done: Barrier,
    /// The operations each worker runs in the current run.
    iters: AtomicU64,
    /// CPU time the workers spent in their bodies in the current run, in nanoseconds, summed.
    cpu_nanos: AtomicU64,
    /// Set before the last release: the workers exit instead of running.
    stop: AtomicBool,
    /// The description of the first panic of the current run.
    panic: Mutex<Option<String>>,
}

/// What one [`WorkerPool::run`] took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolRun {
    /// CPU time the workers spent in their bodies, summed over the workers.
    pub cpu: Duration,
    /// Wall time from the release of the workers until the last was done (it includes waking
    /// them, a few microseconds).
    pub wall: Duration,
}

/// Worker threads that each run their own body, all released at once by [`WorkerPool::run`].
#[derive(Debug)]
pub struct WorkerPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl WorkerPool {
    /// Starts one thread per body, named `<name>-<index>`, waiting to be released. A body is
    /// called once per run with the number of operations to run; it keeps its own state (its
    /// place in a trace, its counters) from run to run.
    ///
    /// # Panics
    ///
    /// When `bodies` is empty or a thread cannot be spawned.
    pub fn new<W>(name: &str, bodies: Vec<W>) -> Self
    where
        W: FnMut(u64) + Send + 'static,
    {
        assert!(
            !bodies.is_empty(),
            "a worker pool needs at least one thread"
        );
        let threads = bodies.len();
        let shared = Arc::new(Shared {
            start: Barrier::new(threads + 1),
            done: Barrier::new(threads + 1),
            iters: AtomicU64::new(0),
            cpu_nanos: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            panic: Mutex::new(None),
        });
        let workers = bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| {
                let shared = Arc::clone(&shared);
                std::thread::Builder::new()
                    .name(format!("{name}-{i}"))
                    .spawn(move || worker(&shared, body))
                    .expect("spawn a worker thread")
            })
            .collect();
        WorkerPool { shared, workers }
    }

    /// Releases every worker to run `iters_per_thread` operations at once and returns, once the
    /// last is done, their CPU time and the wall time.
    ///
    /// # Errors
    ///
    /// The description of a body's panic (what it said, where), when one panicked.
    pub fn run(&mut self, iters_per_thread: u64) -> Result<PoolRun, String> {
        self.shared.iters.store(iters_per_thread, Ordering::SeqCst);
        self.shared.cpu_nanos.store(0, Ordering::SeqCst);
        let start = Instant::now();
        self.shared.start.wait();
        self.shared.done.wait();
        let wall = start.elapsed();
        let cpu = Duration::from_nanos(self.shared.cpu_nanos.load(Ordering::SeqCst));
        let panicked = self
            .shared
            .panic
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        match panicked {
            Some(message) => Err(message),
            None => Ok(PoolRun { cpu, wall }),
        }
    }

    /// How many worker threads it runs.
    pub fn threads(&self) -> usize {
        self.workers.len()
    }
}

/// A worker: waits for a release, runs its body, meets the caller, until told to stop.
fn worker(shared: &Shared, mut body: impl FnMut(u64)) {
    loop {
        shared.start.wait();
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let iters = shared.iters.load(Ordering::SeqCst);
        let cpu = thread_time();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| body(iters)));
        let cpu = thread_time().saturating_sub(cpu);
        shared.cpu_nanos.fetch_add(
            u64::try_from(cpu.as_nanos()).unwrap_or(u64::MAX),
            Ordering::SeqCst,
        );
        if let Err(payload) = outcome {
            let record = crate::check::panic_record(payload.as_ref());
            let mut first = shared.panic.lock().unwrap_or_else(|p| p.into_inner());
            first.get_or_insert_with(|| crate::check::describe_panic(&record));
        }
        shared.done.wait();
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Every worker is waiting on `start` (a run always ends with `done`), so this releases
        // them all into stopping.
        self.shared.start.wait();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[test]
    fn every_worker_runs_every_run_with_its_own_state() {
        let total = Arc::new(AtomicUsize::new(0));
        let bodies: Vec<_> = (0..3)
            .map(|w| {
                let total = Arc::clone(&total);
                let mut runs = 0usize;
                move |iters: u64| {
                    runs += 1;
                    total.fetch_add(
                        w * 1000 + runs * usize::try_from(iters).unwrap(),
                        Ordering::SeqCst,
                    );
                }
            })
            .collect();
        let mut pool = WorkerPool::new("test", bodies);
        assert_eq!(pool.threads(), 3);
        pool.run(1).unwrap();
        // Workers 0, 1, 2 in their first run with 1 iteration: 0 + 1000 + 2000 + 3 × 1.
        assert_eq!(total.load(Ordering::SeqCst), 3003);
        pool.run(10).unwrap();
        // Second run, 10 iterations: + 3000 + 3 × 2 × 10.
        assert_eq!(total.load(Ordering::SeqCst), 3003 + 3060);
    }

    #[test]
    fn a_panicking_body_is_reported_and_the_pool_goes_on() {
        let bodies: Vec<Box<dyn FnMut(u64) + Send>> = vec![
            Box::new(|_| {}),
            Box::new(|iters| assert!(iters < 5, "too many: {iters}")),
        ];
        let mut pool = WorkerPool::new("test", bodies);
        assert!(pool.run(1).is_ok());
        let message = pool.run(7).unwrap_err();
        assert!(message.contains("too many: 7"), "{message}");
        assert!(pool.run(2).is_ok(), "the pool is usable after a panic");
    }
}
