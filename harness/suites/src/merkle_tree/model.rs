//! The yardsticks of the `merkle-tree` suite: RFC 6962's Merkle Tree Hash by its recursive
//! definition, the proof path lengths it implies, and a replica that counts the hashes it is
//! asked for.
//!
//! RFC 6962 §2.1 defines the hash of `n > 1` leaves recursively: split them at `k`, the largest
//! power of two below `n`, and hash the two halves' hashes as an inner node. The suite computes
//! roots that way, and never level by level as the kata's documentation describes them, so that
//! the two views are checked against each other.

use std::cell::Cell;

use kata_core::merkle_tree::{Hash, NodeSource, LEAF_PREFIX, NODE_PREFIX};
use sha2::{Digest, Sha256};

/// `SHA-256(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// `SHA-256(data)`, with no prefix.
pub fn sha256(data: &[u8]) -> Hash {
    Sha256::digest(data).into()
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 6962's Merkle Tree Hash of the leaf hashes `hashes` (at least one).
pub fn mth(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => panic!("no tree of 0 leaves"),
        1 => hashes[0],
        n => {
            let k = split(n);
            node_hash(&mth(&hashes[..k]), &mth(&hashes[k..]))
        }
    }
}

/// The root of the tree over `leaves` (data).
pub fn root<L: AsRef<[u8]>>(leaves: &[L]) -> Hash {
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    mth(&hashes)
}

/// RFC 6962's audit path of leaf `m` among `hashes`, bottom-up (§2.1.1's `PATH(m, D[n])`).
pub fn path(m: usize, hashes: &[Hash]) -> Vec<Hash> {
    let n = hashes.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = path(m, &hashes[..k]);
        p.push(mth(&hashes[k..]));
        p
    } else {
        let mut p = path(m - k, &hashes[k..]);
        p.push(mth(&hashes[..k]));
        p
    }
}

/// The length of the path of leaf `index` in a tree of `size` leaves.
pub fn path_len(index: usize, size: usize) -> usize {
    if size <= 1 {
        return 0;
    }
    let k = split(size);
    if index < k {
        1 + path_len(index, k)
    } else {
        1 + path_len(index - k, size - k)
    }
}

/// Every level of the tree over `hashes` (leaf hashes), level 0 first, each node as the
/// documentation addresses it: computed from RFC 6962's subtrees (node `i` of level `k` is the
/// hash of leaves `i·2^k` to `min((i+1)·2^k, n) - 1`).
pub fn levels(hashes: &[Hash]) -> Vec<Vec<Hash>> {
    let n = hashes.len();
    let h = kata_core::merkle_tree::height(n);
    (0..=h)
        .map(|k| {
            let span = 1usize << k;
            (0..n.div_ceil(span))
                .map(|i| mth(&hashes[i * span..((i + 1) * span).min(n)]))
                .collect()
        })
        .collect()
}

/// A replica's tree seen through a counter: every [`NodeSource::node`] call is one hash
/// exchanged.
pub struct Counting<'a, S> {
    inner: &'a S,
    asked: Cell<u64>,
}

impl<'a, S: NodeSource> Counting<'a, S> {
    /// `inner`, nothing asked yet.
    pub fn new(inner: &'a S) -> Self {
        Counting {
            inner,
            asked: Cell::new(0),
        }
    }

    /// The number of hashes asked for so far.
    pub fn asked(&self) -> u64 {
        self.asked.get()
    }
}

impl<S: NodeSource> NodeSource for Counting<'_, S> {
    fn len(&self) -> usize {
        self.inner.len()
    }

    fn node(&self, level: u32, index: usize) -> Option<Hash> {
        self.asked.set(self.asked.get() + 1);
        self.inner.node(level, index)
    }
}

/// A tree given as its levels (level 0 first): a remote replica the suite controls.
pub struct Levels(pub Vec<Vec<Hash>>);

impl NodeSource for Levels {
    fn len(&self) -> usize {
        self.0.first().map_or(0, Vec::len)
    }

    fn node(&self, level: u32, index: usize) -> Option<Hash> {
        self.0.get(level as usize)?.get(index).copied()
    }
}

/// The most hashes a top-down diff may ask for: `1 + 2·d·h` (the root, then both children of
/// each differing node on each level below it), and 0 when nothing differs but the root.
pub fn diff_bound(d: usize, n: usize) -> u64 {
    1 + 2 * d as u64 * u64::from(kata_core::merkle_tree::height(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recursive_root_is_the_level_by_level_root() {
        for n in 1..40usize {
            let leaves: Vec<Vec<u8>> = (0..n).map(|i| vec![i as u8; i % 5]).collect();
            let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
            // Level by level, the last node of an odd level promoted.
            let mut level = hashes.clone();
            while level.len() > 1 {
                level = level
                    .chunks(2)
                    .map(|p| if p.len() == 2 { node_hash(&p[0], &p[1]) } else { p[0] })
                    .collect();
            }
            assert_eq!(level[0], mth(&hashes), "n = {n}");
            let lv = levels(&hashes);
            assert_eq!(lv.last().unwrap(), &vec![mth(&hashes)]);
            for m in 0..n {
                assert_eq!(path(m, &hashes).len(), path_len(m, n));
            }
        }
    }

    #[test]
    fn rfc_6962_vectors() {
        // The leaves of Certificate Transparency's reference tests.
        let leaves: [&[u8]; 8] = [
            b"",
            b"\x00",
            b"\x10",
            b"\x20\x21",
            b"\x30\x31",
            b"\x40\x41\x42\x43",
            b"\x50\x51\x52\x53\x54\x55\x56\x57",
            b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
        ];
        let hex = |h: Hash| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(root(&leaves[..1])),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            hex(root(&leaves)),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
    }
}
