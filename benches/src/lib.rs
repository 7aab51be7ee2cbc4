//! The benchmark harness (work in progress).
