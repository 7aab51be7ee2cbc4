//! Known-wrong `merkle-tree` implementations.
//!
//! Every family is [`M`]`<BUG>`: [`MTree`], [`MShared`] and [`MBlocks`], the reference's design
//! (every level in a `Vec`, one `RwLock`, a Gear chunker) with one mistake switched on by `BUG`,
//! in whichever of the three it concerns; [`LevelLocked`] is the shared tree with a lock per
//! level.

use std::collections::HashSet;
use std::ops::Range;

use kata_core::catalogue::Stage;
use kata_core::merkle_tree::{
    Chunking, DeltaSync, Hash, MerkleError, MerkleTree, NodeSource, Proof, SharedMerkleTree,
    UploadPlan, VerifyError,
};
use kata_core::sync::RwLock;
use kata_suites::merkle_tree::MerkleTreeFamily;
use kata_suites::Ctx;
use sha2::{Digest, Sha256};

crate::mutants! {
    kata "merkle-tree", suite merkle_tree, reference R: MerkleTreeFamily;
    "no-domain-separation" => M<NO_DOMAIN_SEPARATION> {
        mistake: "leaves hashed as SHA-256(data) and nodes as SHA-256(left ‖ right), without \
                   RFC 6962's 0x00 and 0x01 prefixes: an inner node's 64 bytes pass for a leaf, \
                   and a forged proof one level up verifies",
        rejected_by: [examples],
        passes: [],
    }
    "duplicate-odd" => M<DUPLICATE_ODD> {
        mistake: "the last node of an odd level is paired with a copy of itself (Bitcoin's \
                   rule) instead of promoted: [a, b, c] and [a, b, c, c] share a root \
                   (CVE-2012-2459)",
        rejected_by: [examples],
        passes: [],
    }
    "verify-sides-swapped" => M<VERIFY_SIDES_SWAPPED> {
        mistake: "verify hashes the sibling on the left when the node's index is even and on \
                   the right when it is odd: the other way round",
        rejected_by: [examples],
        passes: [],
    }
    "update-leaf-only" => M<UPDATE_LEAF_ONLY> {
        mistake: "update replaces the leaf's hash and forgets to rehash the nodes above it: the \
                   root still commits to the old leaf",
        rejected_by: [examples],
        passes: [],
    }
    "index-off-by-one" => M<INDEX_OFF_BY_ONE> {
        mistake: "proof and update check `index > len` instead of `index >= len`: index len \
                   panics deep inside instead of being refused",
        rejected_by: [examples],
        passes: [],
    }
    "verify-no-length-check" => M<VERIFY_NO_LENGTH_CHECK> {
        mistake: "verify walks the levels the index and size call for and ignores any hash of \
                   the path beyond them: a padded proof verifies",
        rejected_by: [examples],
        passes: [],
    }
    "fixed-drops-tail" => M<FIXED_DROPS_TAIL> {
        mistake: "fixed-size chunking makes only whole blocks: the last bytes of a file whose \
                   size is not a multiple of the block are never sent",
        rejected_by: [examples],
        passes: [],
    }
    "plan-resends-duplicates" => M<PLAN_RESENDS_DUPLICATES> {
        mistake: "the upload plan leaves out the blocks the server holds but sends a block that \
                   repeats within the file once per occurrence",
        rejected_by: [examples],
        passes: [],
    }
    "diff-first-difference" => M<DIFF_FIRST_DIFFERENCE> {
        mistake: "diff descends only into the first child that differs: it finds one differing \
                   leaf, never two in different halves",
        rejected_by: [examples],
        passes: [],
    }
    "diff-drops-promoted" => M<DIFF_DROPS_PROMOTED> {
        mistake: "diff descends from a differing node only when it has two children: a \
                   difference under a promoted node (the last leaves of a size that is not a \
                   power of two) is never found",
        rejected_by: [properties],
        passes: [examples],
    }
    "cdc-max-plus-one" => M<CDC_MAX_PLUS_ONE> {
        mistake: "content-defined chunking forces a boundary after max + 1 bytes instead of \
                   max: a chunk can be one byte too long",
        rejected_by: [properties],
        passes: [examples],
    }
    "cdc-lookahead" => M<CDC_LOOKAHEAD> {
        mistake: "content-defined chunking decides each boundary from the hash of the whole \
                   chunk's bytes once it is cut, looking ahead to the end of the file to choose \
                   among candidate cuts: boundaries before an insertion move",
        rejected_by: [properties],
        passes: [examples],
    }
    "torn-proof" => M<TORN_PROOF> {
        mistake: "SharedTree::proof reads the root under one read lock and the path under \
                   another: an update between the two gives a path that does not lead to the \
                   root returned",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "per-level-locks" => LevelLocked {
        mistake: "SharedTree keeps each level under its own lock, so that an update locks one \
                   level at a time: a reader walking up meets a path half of the old tree and \
                   half of the new",
        rejected_by: [concurrency],
        passes: [examples, properties],
    }
    "parallel-subtrees" => M<PARALLEL_SUBTREES> {
        mistake: "build_parallel builds one subtree per thread over an equal share of the \
                   leaves, then a tree over the subtrees' roots: another root whenever a share \
                   is not a power of two",
        rejected_by: [properties],
        passes: [examples],
    }
    "leaf-scan-diff" => M<LEAF_SCAN_DIFF> {
        mistake: "diff compares the roots, then asks the remote for every leaf hash: right, but \
                   n hashes exchanged for one differing leaf",
        rejected_by: [properties, quality],
        passes: [examples],
    }
    "cdc-no-window" => M<CDC_NO_WINDOW> {
        mistake: "the chunker's rolling hash is a polynomial h = 31·h + byte that never forgets \
                   a byte: a boundary depends on everything since the file's start, so after an \
                   insertion no boundary falls where it did",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "cdc-easy-pattern" => M<CDC_EASY_PATTERN> {
        mistake: "the boundary pattern has 4 bits whatever avg asks, so a boundary comes 16 \
                   bytes or so past the minimum: chunks far smaller than the average asked",
        rejected_by: [quality],
        passes: [examples, properties],
    }
    "update-rebuilds" => M<UPDATE_REBUILDS> {
        mistake: "update replaces the leaf's hash, then rebuilds every level above: O(n) hashes \
                   per update",
        rejected_by: [complexity],
        slow_in: "update",
        passes: [examples, properties],
    }
    "proof-rebuilds" => M<PROOF_REBUILDS> {
        mistake: "the tree keeps only the leaf hashes and proof rebuilds the levels to read the \
                   siblings: O(n) hashes per proof",
        rejected_by: [complexity],
        slow_in: "proof",
        passes: [examples, properties],
    }
}

/// Runs `stage` on the mutant `name`, with `R` as the reference.
///
/// # Errors
///
/// When there is no mutant of that name.
pub fn run<R: MerkleTreeFamily>(name: &str, stage: Stage, ctx: &mut Ctx) -> Result<(), String> {
    if let Some(graded) = run_listed::<R>(name, stage, ctx) {
        return graded;
    }
    match name {
        // A correct design other than the reference's (`crate::alternatives::merkle_tree`).
        "recursive" => kata_suites::grade!(
            merkle_tree,
            crate::alternatives::merkle_tree::RecursiveFamily,
            R,
            stage,
            ctx,
            all
        ),
        _ => Err(format!("no merkle-tree mutant named `{name}`")),
    }
}

/// The family of mistake `BUG`.
pub struct M<const BUG: u8>;

impl<const BUG: u8> MerkleTreeFamily for M<BUG> {
    type Tree = MTree<BUG>;
    type Shared = MShared<BUG>;
    type Blocks = MBlocks<BUG>;
}

/// The family whose shared tree locks each level apart.
pub struct LevelLocked;

impl MerkleTreeFamily for LevelLocked {
    type Tree = MTree<CORRECT>;
    type Shared = PerLevel;
    type Blocks = MBlocks<CORRECT>;
}

/// No mistake.
pub const CORRECT: u8 = 0;
const NO_DOMAIN_SEPARATION: u8 = 1;
const DUPLICATE_ODD: u8 = 2;
const VERIFY_SIDES_SWAPPED: u8 = 3;
const UPDATE_LEAF_ONLY: u8 = 4;
const INDEX_OFF_BY_ONE: u8 = 5;
const VERIFY_NO_LENGTH_CHECK: u8 = 6;
const FIXED_DROPS_TAIL: u8 = 7;
const PLAN_RESENDS_DUPLICATES: u8 = 8;
const DIFF_FIRST_DIFFERENCE: u8 = 9;
const DIFF_DROPS_PROMOTED: u8 = 10;
const CDC_MAX_PLUS_ONE: u8 = 11;
const CDC_LOOKAHEAD: u8 = 12;
const TORN_PROOF: u8 = 13;
const PARALLEL_SUBTREES: u8 = 14;
const LEAF_SCAN_DIFF: u8 = 15;
const CDC_NO_WINDOW: u8 = 16;
const CDC_EASY_PATTERN: u8 = 17;
const UPDATE_REBUILDS: u8 = 18;
const PROOF_REBUILDS: u8 = 19;

fn leaf_hash<const BUG: u8>(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    if BUG != NO_DOMAIN_SEPARATION {
        h.update([0u8]);
    }
    h.update(data);
    h.finalize().into()
}

fn node_hash<const BUG: u8>(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    if BUG != NO_DOMAIN_SEPARATION {
        h.update([1u8]);
    }
    h.update(left);
    h.update(right);
    h.finalize().into()
}

fn parent_level<const BUG: u8>(below: &[Hash]) -> Vec<Hash> {
    below
        .chunks(2)
        .map(|p| match p {
            [l, r] => node_hash::<BUG>(l, r),
            [l] if BUG == DUPLICATE_ODD => node_hash::<BUG>(l, l),
            [l] => *l,
            _ => unreachable!("chunks of 2"),
        })
        .collect()
}

fn levels_of<const BUG: u8>(hashes: Vec<Hash>) -> Vec<Vec<Hash>> {
    let mut levels = vec![hashes];
    while levels.last().is_some_and(|l| l.len() > 1) {
        let next = parent_level::<BUG>(levels.last().expect("a level"));
        levels.push(next);
    }
    levels
}

/// The reference's tree with mistake `BUG`.
#[derive(Debug, Clone)]
pub struct MTree<const BUG: u8> {
    levels: Vec<Vec<Hash>>,
}

impl<const BUG: u8> MTree<BUG> {
    fn check(&self, index: usize) -> Result<(), MerkleError> {
        let len = self.levels[0].len();
        let bad = if BUG == INDEX_OFF_BY_ONE {
            index > len
        } else {
            index >= len
        };
        if bad {
            Err(MerkleError::IndexOutOfRange { index, len })
        } else {
            Ok(())
        }
    }

    fn from_hashes(hashes: Vec<Hash>) -> Self {
        if BUG == PROOF_REBUILDS {
            // Only the leaves and the root are kept; the rest is rebuilt on demand.
            let root = *levels_of::<BUG>(hashes.clone())
                .last()
                .expect("a level")
                .first()
                .expect("a root");
            return MTree {
                levels: vec![hashes, vec![root]],
            };
        }
        MTree {
            levels: levels_of::<BUG>(hashes),
        }
    }

    fn all_levels(&self) -> std::borrow::Cow<'_, [Vec<Hash>]> {
        if BUG == PROOF_REBUILDS {
            std::borrow::Cow::Owned(levels_of::<BUG>(self.levels[0].clone()))
        } else {
            std::borrow::Cow::Borrowed(&self.levels)
        }
    }
}

impl<const BUG: u8> NodeSource for MTree<BUG> {
    fn len(&self) -> usize {
        self.levels[0].len()
    }

    fn node(&self, level: u32, index: usize) -> Option<Hash> {
        if BUG == PROOF_REBUILDS {
            return self.all_levels().get(level as usize)?.get(index).copied();
        }
        self.levels.get(level as usize)?.get(index).copied()
    }
}

/// Sibling sides on the way up: `Some(true)` on the left, `Some(false)` on the right, `None`
/// promoted.
fn sides(index: usize, size: usize) -> Vec<Option<bool>> {
    let (mut j, mut w) = (index, size);
    let mut out = Vec::new();
    while w > 1 {
        out.push(if j & 1 == 1 {
            Some(true)
        } else if j + 1 < w {
            Some(false)
        } else {
            None
        });
        j >>= 1;
        w = w.div_ceil(2);
    }
    out
}

impl<const BUG: u8> MerkleTree for MTree<BUG> {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        if leaves.is_empty() {
            return Err(MerkleError::Empty);
        }
        Ok(Self::from_hashes(
            leaves
                .iter()
                .map(|l| leaf_hash::<BUG>(l.as_ref()))
                .collect(),
        ))
    }

    fn build_parallel<L: AsRef<[u8]> + Sync>(
        leaves: &[L],
        threads: usize,
    ) -> Result<Self, MerkleError> {
        if threads == 0 {
            return Err(MerkleError::ZeroThreads);
        }
        if leaves.is_empty() {
            return Err(MerkleError::Empty);
        }
        if BUG != PARALLEL_SUBTREES {
            return Self::new(leaves);
        }
        let share = leaves.len().div_ceil(threads);
        let roots: Vec<Hash> = std::thread::scope(|s| {
            let handles: Vec<_> = leaves
                .chunks(share)
                .map(|part| s.spawn(move || Self::new(part).map(|t| t.root())))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a subtree thread"))
                .collect::<Result<_, _>>()
        })?;
        let top = levels_of::<BUG>(roots);
        let mut levels = Self::new(leaves)?.levels;
        let last = levels.len() - 1;
        levels[last] = top.last().expect("a level").clone();
        Ok(MTree { levels })
    }

    fn root(&self) -> Hash {
        self.levels.last().expect("a level")[0]
    }

    fn proof(&self, index: usize) -> Result<Proof, MerkleError> {
        self.check(index)?;
        let levels = self.all_levels();
        let mut path = Vec::new();
        let mut j = index;
        for level in &levels[..levels.len() - 1] {
            if let Some(h) = level.get(j ^ 1) {
                path.push(*h);
            }
            j >>= 1;
        }
        Ok(Proof {
            index,
            tree_size: self.len(),
            path,
        })
    }

    fn update(&mut self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        self.check(index)?;
        self.levels[0][index] = leaf_hash::<BUG>(data);
        if BUG == UPDATE_LEAF_ONLY {
            return Ok(());
        }
        if BUG == UPDATE_REBUILDS || BUG == PROOF_REBUILDS {
            *self = Self::from_hashes(self.levels[0].clone());
            return Ok(());
        }
        let mut j = index;
        for k in 1..self.levels.len() {
            j >>= 1;
            let (below, above) = self.levels.split_at_mut(k);
            let below = &below[k - 1];
            above[0][j] = match below.get(2 * j + 1) {
                Some(right) => node_hash::<BUG>(&below[2 * j], right),
                None if BUG == DUPLICATE_ODD => node_hash::<BUG>(&below[2 * j], &below[2 * j]),
                None => below[2 * j],
            };
        }
        Ok(())
    }

    fn diff<S: NodeSource>(&self, remote: &S) -> Result<Vec<usize>, MerkleError> {
        if remote.len() != self.len() {
            return Err(MerkleError::SizeMismatch {
                ours: self.len(),
                theirs: remote.len(),
            });
        }
        let levels = self.all_levels();
        let top = levels.len() - 1;
        if remote.node(top as u32, 0) == Some(self.root()) {
            return Ok(Vec::new());
        }
        if BUG == LEAF_SCAN_DIFF {
            return Ok((0..self.len())
                .filter(|&i| remote.node(0, i) != Some(levels[0][i]))
                .collect());
        }
        let mut differ = vec![0usize];
        for k in (0..top).rev() {
            let level = &levels[k];
            let mut next = Vec::new();
            for &j in &differ {
                let left = 2 * j;
                if left + 1 < level.len() {
                    for c in [left, left + 1] {
                        if remote.node(k as u32, c) != Some(level[c]) {
                            next.push(c);
                            if BUG == DIFF_FIRST_DIFFERENCE {
                                break;
                            }
                        }
                    }
                } else if BUG != DIFF_DROPS_PROMOTED {
                    next.push(left);
                }
                if BUG == DIFF_FIRST_DIFFERENCE && !next.is_empty() {
                    break;
                }
            }
            differ = next;
        }
        Ok(differ)
    }

    fn verify(root: &Hash, leaf: &[u8], proof: &Proof) -> Result<(), VerifyError> {
        let (index, size) = (proof.index, proof.tree_size);
        if size == 0 {
            return Err(VerifyError::EmptyTree);
        }
        if index >= size {
            return Err(VerifyError::IndexOutOfRange { index, size });
        }
        let sides: Vec<bool> = sides(index, size).into_iter().flatten().collect();
        if BUG != VERIFY_NO_LENGTH_CHECK && proof.path.len() != sides.len() {
            return Err(VerifyError::PathLength {
                expected: sides.len(),
                got: proof.path.len(),
            });
        }
        let mut h = leaf_hash::<BUG>(leaf);
        for (left, sibling) in sides.into_iter().zip(&proof.path) {
            let left = left != (BUG == VERIFY_SIDES_SWAPPED);
            h = if left {
                node_hash::<BUG>(sibling, &h)
            } else {
                node_hash::<BUG>(&h, sibling)
            };
        }
        if h == *root {
            Ok(())
        } else {
            Err(VerifyError::RootMismatch)
        }
    }
}

/// The tree behind one `RwLock`, or, with [`TORN_PROOF`], read under two.
#[derive(Debug)]
pub struct MShared<const BUG: u8> {
    tree: RwLock<MTree<BUG>>,
}

impl<const BUG: u8> SharedMerkleTree for MShared<BUG> {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        Ok(MShared {
            tree: RwLock::new(MTree::new(leaves)?),
        })
    }

    fn root(&self) -> Hash {
        self.tree.read().root()
    }

    fn proof(&self, index: usize) -> Result<(Hash, Proof), MerkleError> {
        if BUG == TORN_PROOF {
            let root = self.tree.read().root();
            let proof = self.tree.read().proof(index)?;
            return Ok((root, proof));
        }
        let t = self.tree.read();
        Ok((t.root(), t.proof(index)?))
    }

    fn update(&self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        self.tree.write().update(index, data)
    }
}

/// A shared tree with one lock per level.
#[derive(Debug)]
pub struct PerLevel {
    levels: Vec<RwLock<Vec<Hash>>>,
}

impl SharedMerkleTree for PerLevel {
    fn new<L: AsRef<[u8]>>(leaves: &[L]) -> Result<Self, MerkleError> {
        let t = MTree::<CORRECT>::new(leaves)?;
        Ok(PerLevel {
            levels: t.levels.into_iter().map(RwLock::new).collect(),
        })
    }

    fn root(&self) -> Hash {
        self.levels.last().expect("a level").read()[0]
    }

    fn proof(&self, index: usize) -> Result<(Hash, Proof), MerkleError> {
        let len = self.levels[0].read().len();
        if index >= len {
            return Err(MerkleError::IndexOutOfRange { index, len });
        }
        let mut path = Vec::new();
        let mut j = index;
        for level in &self.levels[..self.levels.len() - 1] {
            if let Some(h) = level.read().get(j ^ 1) {
                path.push(*h);
            }
            j >>= 1;
        }
        Ok((
            self.root(),
            Proof {
                index,
                tree_size: len,
                path,
            },
        ))
    }

    fn update(&self, index: usize, data: &[u8]) -> Result<(), MerkleError> {
        let len = self.levels[0].read().len();
        if index >= len {
            return Err(MerkleError::IndexOutOfRange { index, len });
        }
        let mut h = leaf_hash::<CORRECT>(data);
        self.levels[0].write()[index] = h;
        let mut j = index;
        for k in 1..self.levels.len() {
            let sibling = self.levels[k - 1].read().get(j ^ 1).copied();
            h = match sibling {
                Some(s) if j & 1 == 1 => node_hash::<CORRECT>(&s, &h),
                Some(s) => node_hash::<CORRECT>(&h, &s),
                None => h,
            };
            j >>= 1;
            self.levels[k].write()[j] = h;
        }
        Ok(())
    }
}

/// The reference's chunker and planner with mistake `BUG`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MBlocks<const BUG: u8>;

const GEAR: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut x: u64 = 0x3C6E_F372_FE94_F82B;
    let mut i = 0;
    while i < 256 {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        t[i] = z ^ (z >> 31);
        i += 1;
    }
    t
};

fn content_defined<const BUG: u8>(
    data: &[u8],
    min: usize,
    avg: usize,
    max: usize,
) -> Vec<Range<usize>> {
    let bits = if BUG == CDC_EASY_PATTERN {
        4
    } else {
        (avg - min).max(1).ilog2()
    };
    let shift = 64 - bits;
    let limit = if BUG == CDC_MAX_PLUS_ONE {
        max + 1
    } else {
        max
    };
    let mut out = Vec::new();
    let mut start = 0;
    // Never forgets: the polynomial hash of everything so far.
    let mut poly: u64 = 0;
    while start < data.len() {
        let end = (start + limit).min(data.len());
        let mut cut = end;
        if BUG == CDC_LOOKAHEAD {
            // The candidate cuts past the minimum, the one chosen by the hash of what follows
            // up to the end of the file.
            let tail: u64 = data[start..]
                .iter()
                .fold(0u64, |h, &b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            let span = end - start;
            if span > min {
                cut = start + min + (tail as usize) % (span - min + 1);
            }
            out.push(start..cut);
            start = cut;
            continue;
        }
        if start + min < end {
            let mut h: u64 = 0;
            for (p, &b) in data[start + min..end].iter().enumerate() {
                let hit = if BUG == CDC_NO_WINDOW {
                    poly = poly.wrapping_mul(31).wrapping_add(u64::from(b));
                    bits == 0 || poly.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift == 0
                } else {
                    h = (h << 1).wrapping_add(GEAR[b as usize]);
                    bits == 0 || h >> shift == 0
                };
                if hit {
                    cut = start + min + p + 1;
                    break;
                }
            }
        }
        out.push(start..cut);
        start = cut;
    }
    out
}

impl<const BUG: u8> DeltaSync for MBlocks<BUG> {
    fn chunks(data: &[u8], chunking: Chunking) -> Result<Vec<Range<usize>>, MerkleError> {
        match chunking {
            Chunking::Fixed { block: 0 } => Err(MerkleError::ZeroBlockSize),
            Chunking::Fixed { block } => {
                let whole = if BUG == FIXED_DROPS_TAIL {
                    data.len() / block * block
                } else {
                    data.len()
                };
                Ok((0..whole)
                    .step_by(block)
                    .map(|s| s..(s + block).min(data.len()))
                    .collect())
            }
            Chunking::ContentDefined { min, avg, max } => {
                if min == 0 || min > avg || avg > max {
                    return Err(MerkleError::ChunkSizes { min, avg, max });
                }
                Ok(content_defined::<BUG>(data, min, avg, max))
            }
        }
    }

    fn plan(
        data: &[u8],
        chunking: Chunking,
        server: &HashSet<Hash>,
    ) -> Result<UploadPlan, MerkleError> {
        let chunks = Self::chunks(data, chunking)?;
        if chunks.is_empty() {
            return Err(MerkleError::Empty);
        }
        let blocks: Vec<Hash> = chunks
            .iter()
            .map(|r| leaf_hash::<BUG>(&data[r.clone()]))
            .collect();
        let mut sent: HashSet<Hash> = HashSet::new();
        let send = chunks
            .iter()
            .zip(&blocks)
            .filter(|(_, h)| {
                !server.contains(*h) && (sent.insert(**h) || BUG == PLAN_RESENDS_DUPLICATES)
            })
            .map(|(r, _)| r.clone())
            .collect();
        let root = MTree::<BUG>::from_hashes(blocks.clone()).root();
        Ok(UploadPlan { root, blocks, send })
    }
}
