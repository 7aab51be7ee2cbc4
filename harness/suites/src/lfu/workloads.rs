//! The lfu workloads: placeholder.
