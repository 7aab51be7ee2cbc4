//! SKELETON: the bench workloads (being written).

/// A workload's specification.
pub struct Spec {
    /// Its name.
    pub name: &'static str,
}

/// The bench workloads.
pub const BENCH: &[Spec] = &[];
