//! Your own tests (skeleton).
