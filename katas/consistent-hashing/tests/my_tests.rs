//! Your own tests (being written).
