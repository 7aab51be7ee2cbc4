//! Counting heap bytes: a global allocator that keeps, per thread, the bytes allocated and not yet
//! freed, so that a quality stage can measure what a value holds on the heap.
//!
//! [`CountingAlloc`] forwards every call to [`System`] and adds the size of each allocation to a
//! counter of the calling thread (and subtracts each deallocation's). The counter is a
//! `const`-initialised thread-local `Cell<isize>`: no destructor to register and no allocation to
//! make, so the allocator never calls itself. It is per thread so that what other threads
//! allocate never disturbs a measurement; memory allocated on one thread and freed on another
//! moves both threads' counts, which is why a value is measured on the thread that builds it.
//!
//! It must be installed as the process's `#[global_allocator]` to count anything: the runner
//! binaries install it (`harness/runner`); a process that does not (the benches, which grade peers
//! in process) counts nothing, and [`installed`] says so, so that a stage reports the memory
//! checks as skipped rather than as 0 bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    /// Bytes allocated minus bytes freed by this thread since it started.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

/// Adds `delta` to this thread's count. `try_with`: during thread teardown the count may be gone,
/// and an allocation then is simply not counted.
#[inline]
fn add(delta: isize) {
    let _ = LIVE.try_with(|live| live.set(live.get().wrapping_add(delta)));
}

/// The size of `layout` as a count of bytes (a layout's size never exceeds `isize::MAX`).
#[inline]
fn bytes(size: usize) -> isize {
    isize::try_from(size).unwrap_or(isize::MAX)
}

/// A global allocator: [`System`], counting each thread's live heap bytes (see the module
/// documentation).
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingAlloc;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so it upholds
// exactly the contracts `System` does; the counting touches only a thread-local `Cell` and never
// allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is `System::alloc`'s.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            add(bytes(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            add(bytes(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, so by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        add(-bytes(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller's contract for
        // `realloc` is `System::realloc`'s.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            add(bytes(new_size).wrapping_sub(bytes(layout.size())));
        }
        new
    }
}

/// The heap bytes the current thread has allocated and not freed since it started (with
/// [`CountingAlloc`] installed; always 0 without it). Only differences between two readings mean
/// anything.
pub fn live_bytes() -> isize {
    LIVE.try_with(Cell::get).unwrap_or(0)
}

/// Whether [`CountingAlloc`] is this process's global allocator: whether allocating a box moves
/// this thread's count by the box's size.
pub fn installed() -> bool {
    let before = live_bytes();
    let probe = std::hint::black_box(Box::new([0u8; 64]));
    let moved = live_bytes() - before;
    drop(probe);
    moved == 64
}

/// Builds a value with `build` and returns it with the heap bytes it holds: what the thread
/// allocated during `build` and had not freed when it returned (temporaries freed inside do not
/// count). Meaningful only when [`installed`]; 0 otherwise.
pub fn measure<T>(build: impl FnOnce() -> T) -> (T, isize) {
    let before = live_bytes();
    let value = build();
    let held = live_bytes() - before;
    (value, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    // This crate's unit tests run with the allocator installed, as the runners do.
    #[global_allocator]
    static COUNTING: CountingAlloc = CountingAlloc;

    #[test]
    fn a_value_is_measured_by_the_bytes_it_holds() {
        assert!(installed());
        let (v, held) = measure(|| {
            let scratch = vec![0u8; 4096];
            drop(scratch);
            Vec::<u64>::with_capacity(100)
        });
        assert_eq!(held, 800, "the vector's buffer, not the freed scratch");
        let before = live_bytes();
        drop(v);
        assert_eq!(live_bytes() - before, -800);
    }

    #[test]
    fn growth_by_realloc_is_counted_and_other_threads_do_not_count_here() {
        let before = live_bytes();
        let mut v: Vec<u8> = Vec::with_capacity(10);
        v.reserve_exact(1000);
        assert_eq!(live_bytes() - before, v.capacity() as isize);
        let mid = live_bytes();
        std::thread::spawn(|| drop(std::hint::black_box(vec![1u8; 1 << 20])))
            .join()
            .expect("thread");
        // Spawning and joining allocate a little here; the child's mebibyte is its own.
        assert!(
            (live_bytes() - mid).abs() < 1 << 16,
            "{}",
            live_bytes() - mid
        );
    }
}
