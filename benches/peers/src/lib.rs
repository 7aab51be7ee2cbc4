//! Peer crates behind the kata traits (work in progress).
