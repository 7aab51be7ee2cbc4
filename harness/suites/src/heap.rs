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
//! While a counted complexity stage counts operations ([`crate::measure::counted`]), the same
//! allocator serves them from a **bump arena** instead ([`count_allocations_in_arena`]): glibc's
//! `malloc` costs from a few dozen to a few thousand instructions depending on what the heap went
//! through before (a learner measured 939 to 2 211 per insert for the same code at different
//! sizes), which would make an implementation's count depend on its heap's history rather than
//! on its work. From the arena an allocation costs the same few instructions every time and a
//! free costs none (the arena is never reused, and what the operations free is simply left).
//!
//! It must be installed as the process's `#[global_allocator]` to count anything: the runner
//! binaries install it (`harness/runner`); a process that does not (the benches, which grade peers
//! in process) counts nothing, and [`installed`] says so, so that a stage reports the memory
//! checks as skipped rather than as 0 bytes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

/// The most heap one thread may hold: 4 GiB, far above what any stage needs (the largest hold a
/// few hundred megabytes). Past it the process stops at once with [`HEAP_LIMIT_MESSAGE`]: a loop
/// that grows a collection without end (a cycle in a linked list, a walk that never stops) would
/// otherwise take the machine's memory until the kernel killed some process, maybe not this one.
pub const HEAP_LIMIT: isize = 4 << 30;

/// What a process stopped by [`HEAP_LIMIT`] writes to stderr before it aborts; the grader looks
/// for it to name the crash.
pub const HEAP_LIMIT_MESSAGE: &str = "kata: one thread holds more than 4 GiB of heap, the \
    grader's limit: a loop that grows a collection without end (a cycle in a linked structure, \
    a walk that never stops)?";

/// Adds `delta` (an allocation) to this thread's count, and stops the process when the count
/// passes [`HEAP_LIMIT`].
#[inline]
fn grow(delta: isize) {
    let over = LIVE
        .try_with(|live| {
            let now = live.get().wrapping_add(delta);
            live.set(now);
            now > HEAP_LIMIT
        })
        .unwrap_or(false);
    if over {
        over_limit();
    }
}

/// Writes [`HEAP_LIMIT_MESSAGE`] and aborts. Allocates nothing: stderr is unbuffered, and the
/// message is a constant.
#[cold]
#[inline(never)]
fn over_limit() -> ! {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(b"\n");
    let _ = err.write_all(HEAP_LIMIT_MESSAGE.as_bytes());
    let _ = err.write_all(b"\n");
    std::process::abort()
}

/// The size of `layout` as a count of bytes (a layout's size never exceeds `isize::MAX`).
#[inline]
fn bytes(size: usize) -> isize {
    isize::try_from(size).unwrap_or(isize::MAX)
}

/// The bump arena: reserved once by [`reserve_arena`] (zeroed pages from the system, touched only
/// when used), then handed out front to back while [`ARENA_ON`] is set, never reused.
static ARENA_BASE: AtomicUsize = AtomicUsize::new(0);
static ARENA_END: AtomicUsize = AtomicUsize::new(0);
static ARENA_NEXT: AtomicUsize = AtomicUsize::new(0);
static ARENA_ON: AtomicBool = AtomicBool::new(false);

/// The arena's size: what the counted operations of one counting run may allocate in all. Past
/// it, allocations go to the system allocator again (correct, only not as steady to count).
pub const ARENA_BYTES: usize = 1 << 30;

/// Reserves the bump arena, once per process; called by the counting runs before they count.
/// Returns whether there is one.
pub fn reserve_arena() -> bool {
    if ARENA_BASE.load(Ordering::Acquire) != 0 {
        return true;
    }
    let base = reserve_zeroed(ARENA_BYTES);
    if base == 0 {
        return false;
    }
    ARENA_NEXT.store(base, Ordering::Relaxed);
    ARENA_END.store(base + ARENA_BYTES, Ordering::Relaxed);
    ARENA_BASE.store(base, Ordering::Release);
    true
}

/// `bytes` of zeroed address space, or 0. On Unix an anonymous mapping straight from the kernel,
/// whose pages are zero when first touched: `calloc` would do the same natively, but under
/// valgrind (where the counted stages run) the replacement `calloc` zeroes every byte itself,
/// which cost each counting run a gigabyte of `memset`, 1.07 billion instructions and 12 s.
#[cfg(unix)]
fn reserve_zeroed(bytes: usize) -> usize {
    // SAFETY: a fresh private anonymous mapping; it touches no existing memory and is never
    // unmapped (the process ends first).
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        0
    } else {
        ptr as usize
    }
}

/// `bytes` of zeroed memory from the system allocator, or 0.
#[cfg(not(unix))]
fn reserve_zeroed(bytes: usize) -> usize {
    let Ok(layout) = Layout::from_size_align(bytes, 4096) else {
        return 0;
    };
    // SAFETY: the layout has a non-zero size; the block is never freed (the process ends first).
    unsafe { System.alloc_zeroed(layout) as usize }
}

/// Serves the allocations of every thread from the arena (when `on`, and [`reserve_arena`] made
/// one) or from the system again: what [`crate::measure::counted::kata_counted_ops`] does around
/// the operations it counts.
#[inline]
pub fn count_allocations_in_arena(on: bool) {
    ARENA_ON.store(on, Ordering::Relaxed);
}

/// A block of `layout` from the arena, or null when it has none or is full.
#[inline]
fn bump(layout: Layout) -> *mut u8 {
    let end = ARENA_END.load(Ordering::Relaxed);
    let mut next = ARENA_NEXT.load(Ordering::Relaxed);
    loop {
        let start = (next + layout.align() - 1) & !(layout.align() - 1);
        let Some(stop) = start.checked_add(layout.size()).filter(|&s| s <= end) else {
            return std::ptr::null_mut();
        };
        match ARENA_NEXT.compare_exchange_weak(next, stop, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return start as *mut u8,
            Err(now) => next = now,
        }
    }
}

/// Whether `ptr` is a block of the arena.
#[inline]
fn in_arena(ptr: *mut u8) -> bool {
    let p = ptr as usize;
    p >= ARENA_BASE.load(Ordering::Relaxed) && p < ARENA_END.load(Ordering::Relaxed)
}

/// A global allocator: [`System`], counting each thread's live heap bytes, and serving counted
/// operations from a bump arena (see the module documentation).
#[derive(Debug, Default, Clone, Copy)]
pub struct CountingAlloc;

// SAFETY: outside the arena every method forwards to `System` with the caller's arguments
// unchanged, so it upholds exactly the contracts `System` does. An arena block is a fresh,
// suitably aligned range of `layout.size()` bytes of the reserved block, handed out once
// (`bump`'s compare-and-swap), zeroed because the reservation was and no byte is handed out
// twice; it is never given back to `System`. A `System` block freed while the arena is on is
// left allocated, which is safe. The counting touches only a thread-local `Cell` and never
// allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARENA_ON.load(Ordering::Relaxed) {
            let ptr = bump(layout);
            if !ptr.is_null() {
                grow(bytes(layout.size()));
                return ptr;
            }
        }
        // SAFETY: the caller's contract for `alloc` is `System::alloc`'s.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grow(bytes(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if ARENA_ON.load(Ordering::Relaxed) {
            // Arena blocks are zeroed: the reservation was, and none is handed out twice.
            let ptr = bump(layout);
            if !ptr.is_null() {
                grow(bytes(layout.size()));
                return ptr;
            }
        }
        // SAFETY: as `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grow(bytes(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-bytes(layout.size()));
        if in_arena(ptr) || ARENA_ON.load(Ordering::Relaxed) {
            // An arena block is never reused; a system block freed during counted operations is
            // left, so that what `free` costs does not enter the count.
            return;
        }
        // SAFETY: `ptr` was allocated by this allocator, outside the arena, so by `System`, with
        // `layout`.
        unsafe { System.dealloc(ptr, layout) };
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !in_arena(ptr) && !ARENA_ON.load(Ordering::Relaxed) {
            // SAFETY: `ptr` was allocated by `System` with `layout`; the caller's contract for
            // `realloc` is `System::realloc`'s.
            let new = unsafe { System.realloc(ptr, layout, new_size) };
            if !new.is_null() {
                grow(bytes(new_size).wrapping_sub(bytes(layout.size())));
            }
            return new;
        }
        // An arena block, or any block while the arena is on: a new block, the bytes copied.
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `new_layout` has the caller's non-zero size and a valid alignment.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks hold at least the smaller size and do not overlap (the new one
            // was just handed out).
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            // SAFETY: `ptr` was allocated by this allocator with `layout`.
            unsafe { self.dealloc(ptr, layout) };
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
    fn the_arena_serves_counted_operations_and_keeps_their_bytes_intact() {
        assert!(reserve_arena());
        let kept: Vec<u64> = (0..100).collect();
        count_allocations_in_arena(true);
        let mut grown: Vec<u64> = Vec::with_capacity(1);
        grown.extend(0..1000u64);
        let zeroed = vec![0u8; 4096];
        let moved = kept.clone();
        count_allocations_in_arena(false);
        assert!(in_arena(grown.as_ptr() as *mut u8) && in_arena(zeroed.as_ptr() as *mut u8));
        assert!(!in_arena(kept.as_ptr() as *mut u8));
        assert_eq!(grown, (0..1000).collect::<Vec<u64>>());
        assert!(zeroed.iter().all(|&b| b == 0));
        assert_eq!(moved, kept);
        // An arena block grows and is freed outside counting too.
        grown.extend(1000..5000u64);
        assert!(!in_arena(grown.as_ptr() as *mut u8));
        assert_eq!(grown.len(), 5000);
        assert_eq!(grown[4999], 4999);
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
