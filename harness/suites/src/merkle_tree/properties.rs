//! Stage 2 of `merkle-tree`: random cases against RFC 6962's recursive definition
//! ([`super::model`]).
//!
//! - **tree**: 1 to 24 leaves of 0 to 6 bytes, up to 30 updates and proofs; after every step
//!   the root and every node equal the model's, and each proof is RFC 6962's audit path and
//!   verifies;
//! - **diff**: two trees of 1 to 70 leaves, the second with up to 8 leaves changed: `diff` names
//!   exactly the leaves whose data differ, asking at most `1 + 2·d·h` hashes;
//! - **tampered proofs**: a genuine proof with one thing changed (a bit of a hash, the index, a
//!   hash added or dropped, the leaf's data): verify refuses it;
//! - **chunking**: random files of up to 20 000 bytes cut by fixed blocks or content-defined
//!   chunks: the chunks cover the file in order, their sizes keep the rules, the same bytes
//!   give the same chunks, and an insertion leaves every boundary at least `max` bytes before
//!   it where it was (a boundary depends on the content before it, never after);
//! - **parallel build** (real threads): `build_parallel(leaves, threads)` for 1 to 8 threads
//!   and sizes around powers of two gives the same root and nodes as the sequential build;
//!   0 threads and no leaves are refused;
//! - **plans**: for a server holding a random part of a file's blocks, the plan's blocks, root
//!   and ranges to send equal the model's over the implementation's own chunks.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;

use kata_core::merkle_tree::{
    Chunking, DeltaSync, Hash, MerkleError, MerkleTree, NodeSource, Proof,
};
use proptest::prelude::*;

use super::model::{self, leaf_hash, Counting};
use super::MerkleTreeFamily;
use crate::check::Outcome;
use crate::model::{check_model, DEFAULT_CASES};
use crate::{ensure, ensure_eq};
use crate::Ctx;

/// One step on a tree.
#[derive(Debug, Clone)]
pub enum TreeOp {
    /// `update(i % len, data)`.
    Update(usize, Vec<u8>),
    /// `proof(i % len)`, then its verification.
    Proof(usize),
}

/// A tree's leaves and the steps on it.
#[derive(Debug, Clone)]
pub struct TreeCase {
    /// The leaves it is built over.
    pub leaves: Vec<Vec<u8>>,
    /// The steps.
    pub ops: Vec<TreeOp>,
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..=max)
}

fn tree_case() -> impl Strategy<Value = TreeCase> {
    let op = prop_oneof![
        (0usize..24, bytes(6)).prop_map(|(i, d)| TreeOp::Update(i, d)),
        (0usize..24).prop_map(TreeOp::Proof),
    ];
    (
        prop::collection::vec(bytes(6), 1..=24),
        prop::collection::vec(op, 0..30),
    )
        .prop_map(|(leaves, ops)| TreeCase { leaves, ops })
}

fn render_tree(case: &TreeCase) -> String {
    let n = case.leaves.len();
    let mut out = String::from(
        "// in a #[test] fn returning Result<(), Box<dyn std::error::Error>> (for the `?`)\n",
    );
    let leaves: Vec<String> = case.leaves.iter().map(|l| format!("vec!{l:?}")).collect();
    let _ = write!(out, "let leaves: Vec<Vec<u8>> = vec![{}];", leaves.join(", "));
    let changes = case.ops.iter().any(|op| matches!(op, TreeOp::Update(..)));
    let _ = write!(
        out,
        "\nlet {}t = Tree::new(&leaves)?;\nprintln!(\"{{:?}}\", t.root());",
        if changes { "mut " } else { "" }
    );
    for op in &case.ops {
        let _ = match op {
            TreeOp::Update(i, d) => write!(
                out,
                "\nt.update({}, &{d:?})?;\nprintln!(\"{{:?}}\", t.root());",
                i % n
            ),
            TreeOp::Proof(i) => write!(
                out,
                "\nlet p = t.proof({})?;\nprintln!(\"{{:?}}\", p);",
                i % n
            ),
        };
    }
    out
}

fn check_levels<T: MerkleTree>(t: &T, leaves: &[Vec<u8>], at: &str) -> Outcome {
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
    ensure_eq!(t.len(), leaves.len(), "{at}: len()");
    ensure_eq!(t.root(), model::mth(&hashes), "{at}: root()");
    let levels = model::levels(&hashes);
    for (k, level) in levels.iter().enumerate() {
        for (i, h) in level.iter().enumerate() {
            ensure_eq!(t.node(k as u32, i), Some(*h), "{at}: node({k}, {i})");
        }
        ensure_eq!(t.node(k as u32, level.len()), None, "{at}: node({k}, {})", level.len());
    }
    ensure_eq!(t.node(levels.len() as u32, 0), None, "{at}: node({}, 0)", levels.len());
    Ok(())
}

fn drive_tree<T: MerkleTree>(case: &TreeCase) -> Outcome {
    let mut leaves = case.leaves.clone();
    let n = leaves.len();
    let mut t = T::new(&leaves).map_err(|e| format!("Tree::new failed: {e}"))?;
    check_levels(&t, &leaves, "after new")?;
    for (step, op) in case.ops.iter().enumerate() {
        let at = format!("step {}", step + 1);
        match op {
            TreeOp::Update(i, d) => {
                let i = i % n;
                ensure_eq!(t.update(i, d), Ok(()), "{at}: update({i}, {d:?})");
                leaves[i] = d.clone();
            }
            TreeOp::Proof(i) => {
                let i = i % n;
                let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
                let expected = Proof {
                    index: i,
                    tree_size: n,
                    path: model::path(i, &hashes),
                };
                ensure_eq!(t.proof(i), Ok(expected.clone()), "{at}: proof({i})");
                ensure_eq!(
                    T::verify(&t.root(), &leaves[i], &expected),
                    Ok(()),
                    "{at}: verify(root, leaf {i}, its proof)"
                );
            }
        }
        check_levels(&t, &leaves, &at)?;
    }
    Ok(())
}

/// Two replicas: `n` leaves, and the changes the second has.
#[derive(Debug, Clone)]
pub struct DiffCase {
    /// Leaves of both trees.
    pub n: usize,
    /// `(i % n, data)`: leaf `i` of the second tree holds `data`.
    pub changes: Vec<(usize, Vec<u8>)>,
}

fn diff_case() -> impl Strategy<Value = DiffCase> {
    (1usize..=70, prop::collection::vec((0usize..70, bytes(3)), 0..=8))
        .prop_map(|(n, changes)| DiffCase { n, changes })
}

fn leaf(i: usize) -> Vec<u8> {
    format!("leaf {i}").into_bytes()
}

fn render_diff(case: &DiffCase) -> String {
    let mut out = String::from(
        "// in a #[test] fn returning Result<(), Box<dyn std::error::Error>> (for the `?`)\n",
    );
    let _ = write!(
        out,
        "let leaves: Vec<Vec<u8>> = (0..{}).map(|i| format!(\"leaf {{i}}\").into_bytes()).collect();",
        case.n
    );
    out.push_str("\nlet mut theirs = leaves.clone();");
    for (i, d) in &case.changes {
        let _ = write!(out, "\ntheirs[{}] = vec!{d:?};", i % case.n);
    }
    out.push_str(
        "\nlet (ours, remote) = (Tree::new(&leaves)?, Tree::new(&theirs)?);\n\
         println!(\"{:?}\", ours.diff(&remote));",
    );
    out
}

fn drive_diff<T: MerkleTree>(case: &DiffCase) -> Outcome {
    let n = case.n;
    let leaves: Vec<Vec<u8>> = (0..n).map(leaf).collect();
    let mut theirs = leaves.clone();
    for (i, d) in &case.changes {
        theirs[i % n] = d.clone();
    }
    let ours = T::new(&leaves).map_err(|e| format!("Tree::new failed: {e}"))?;
    let remote = T::new(&theirs).map_err(|e| format!("Tree::new failed: {e}"))?;
    let expected: Vec<usize> = (0..n).filter(|&i| leaves[i] != theirs[i]).collect();
    let counter = Counting::new(&remote);
    ensure_eq!(
        ours.diff(&counter),
        Ok(expected.clone()),
        "diff of {n} leaves against a replica with {:?} changed",
        expected
    );
    let bound = model::diff_bound(expected.len(), n);
    ensure!(
        counter.asked() <= bound,
        "diff asked the remote for {} hashes to find {} differing leaves of {n}: at most 1 + \
         2·d·h = {bound}",
        counter.asked(),
        expected.len()
    );
    // The same remote given as bare levels: diff must use the remote only through NodeSource.
    let hashes: Vec<Hash> = theirs.iter().map(|l| leaf_hash(l)).collect();
    let levels = model::Levels(model::levels(&hashes));
    ensure_eq!(
        ours.diff(&levels),
        Ok(expected),
        "diff against the same replica given through another NodeSource"
    );
    Ok(())
}

/// What is changed in a genuine proof.
#[derive(Debug, Clone, Copy)]
pub enum Tamper {
    /// Bit `bit % 256` of hash `k % len` of the path flipped.
    Flip(usize, usize),
    /// The index replaced by `j % n`, when that is another index.
    Index(usize),
    /// A hash appended to the path.
    Extend,
    /// The path's last hash dropped.
    Truncate,
    /// A byte appended to the leaf's data.
    Data,
}

fn tamper_case() -> impl Strategy<Value = (usize, usize, Tamper)> {
    let t = prop_oneof![
        (0usize..16, 0usize..256).prop_map(|(k, b)| Tamper::Flip(k, b)),
        (0usize..40).prop_map(Tamper::Index),
        Just(Tamper::Extend),
        Just(Tamper::Truncate),
        Just(Tamper::Data),
    ];
    (1usize..=40, 0usize..40, t)
}

fn drive_tamper<T: MerkleTree>(&(n, i, tamper): &(usize, usize, Tamper)) -> Outcome {
    let leaves: Vec<Vec<u8>> = (0..n).map(leaf).collect();
    let i = i % n;
    let t = T::new(&leaves).map_err(|e| format!("Tree::new failed: {e}"))?;
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
    let mut p = Proof {
        index: i,
        tree_size: n,
        path: model::path(i, &hashes),
    };
    let mut data = leaves[i].clone();
    let what = match tamper {
        Tamper::Flip(k, b) => {
            if p.path.is_empty() {
                return Ok(());
            }
            let k = k % p.path.len();
            p.path[k][b % 256 / 8] ^= 1 << (b % 8);
            format!("bit {} of path[{k}] flipped", b % 256)
        }
        Tamper::Index(j) => {
            if j % n == i {
                return Ok(());
            }
            p.index = j % n;
            format!("index {i} replaced by {}", j % n)
        }
        Tamper::Extend => {
            p.path.push(hashes[0]);
            "leaf 0's hash appended to the path".into()
        }
        Tamper::Truncate => {
            if p.path.pop().is_none() {
                return Ok(());
            }
            "the path's last hash dropped".into()
        }
        Tamper::Data => {
            data.push(0);
            "a zero byte appended to the leaf".into()
        }
    };
    ensure!(
        T::verify(&t.root(), &data, &p).is_err(),
        "verify accepted leaf {i}'s proof in a tree of {n} leaves \"leaf 0\", \"leaf 1\", ... \
         with {what}: {p:?}"
    );
    Ok(())
}

/// A file, a chunking, and an insertion.
#[derive(Debug, Clone)]
pub struct ChunkCase {
    /// The file's length.
    pub len: usize,
    /// The seed of its bytes (see [`xorshift_bytes`]).
    pub seed: u64,
    /// How it is cut.
    pub chunking: Chunking,
    /// Where bytes are inserted (modulo the length + 1).
    pub at: usize,
    /// The bytes inserted.
    pub insert: Vec<u8>,
}

/// `n` bytes of a xorshift64 generator seeded `seed | 1`, as the replay snippets write it.
pub fn xorshift_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

fn chunking() -> impl Strategy<Value = Chunking> {
    prop_oneof![
        (1usize..3_000).prop_map(|block| Chunking::Fixed { block }),
        (1usize..512, 0usize..2_048, 0usize..6_000).prop_map(|(min, a, m)| {
            let avg = min + a;
            Chunking::ContentDefined {
                min,
                avg,
                max: avg + m,
            }
        }),
    ]
}

fn chunk_case() -> impl Strategy<Value = ChunkCase> {
    (0usize..20_000, any::<u64>(), chunking(), any::<usize>(), bytes(40)).prop_map(
        |(len, seed, chunking, at, insert)| ChunkCase {
            len,
            seed,
            chunking,
            at,
            insert,
        },
    )
}

fn render_data(len: usize, seed: u64) -> String {
    format!(
        "let mut x: u64 = {};\nlet data: Vec<u8> = (0..{len}).map(|_| {{ x ^= x << 13; x ^= x >> 7; x ^= x << 17; (x >> 32) as u8 }}).collect();",
        seed | 1
    )
}

fn render_chunks(case: &ChunkCase) -> String {
    let mut out = String::from(
        "// in a #[test] fn returning Result<(), Box<dyn std::error::Error>> (for the `?`)\n",
    );
    out.push_str(&render_data(case.len, case.seed));
    let at = case.at % (case.len + 1);
    let _ = write!(
        out,
        "\nlet chunking = Chunking::{:?};\nprintln!(\"{{:?}}\", Blocks::chunks(&data, chunking)?);\n\
         let mut edited = data[..{at}].to_vec();\nedited.extend_from_slice(&{:?});\n\
         edited.extend_from_slice(&data[{at}..]);\n\
         println!(\"{{:?}}\", Blocks::chunks(&edited, chunking)?);",
        case.chunking, case.insert
    );
    out
}

fn check_cover(chunks: &[Range<usize>], len: usize, chunking: Chunking, what: &str) -> Outcome {
    let mut at = 0;
    for (k, c) in chunks.iter().enumerate() {
        ensure_eq!(c.start, at, "{what}: where chunk {k} starts");
        ensure!(c.end > c.start, "{what}: chunk {k} ({c:?}) is empty");
        let last = k + 1 == chunks.len();
        match chunking {
            Chunking::Fixed { block } => ensure!(
                c.len() == block || (last && c.len() < block),
                "{what}: chunk {k} ({c:?}) is {} bytes: every block is {block} bytes but the \
                 last, which is at most that",
                c.len()
            ),
            Chunking::ContentDefined { min, max, .. } => ensure!(
                c.len() <= max && (last || c.len() >= min),
                "{what}: chunk {k} ({c:?}) is {} bytes: within [{min}, {max}] for every chunk \
                 but the last, at most {max} for the last",
                c.len()
            ),
        }
        at = c.end;
    }
    ensure_eq!(at, len, "{what}: where the last chunk ends (the file's length)");
    Ok(())
}

fn drive_chunks<B: DeltaSync>(case: &ChunkCase) -> Outcome {
    let data = xorshift_bytes(case.len, case.seed);
    let c = case.chunking;
    let chunks = B::chunks(&data, c).map_err(|e| format!("chunks({c:?}) failed: {e}"))?;
    check_cover(&chunks, data.len(), c, "the file")?;
    ensure_eq!(
        B::chunks(&data, c),
        Ok(chunks.clone()),
        "chunks of the same bytes a second time"
    );
    let at = case.at % (case.len + 1);
    let mut edited = data.clone();
    edited.splice(at..at, case.insert.iter().copied());
    let after = B::chunks(&edited, c).map_err(|e| format!("chunks({c:?}) failed: {e}"))?;
    check_cover(&after, edited.len(), c, "the file with bytes inserted")?;
    let max = match c {
        Chunking::Fixed { block } => block,
        Chunking::ContentDefined { max, .. } => max,
    };
    let new_ends: HashSet<usize> = after.iter().map(|r| r.end).collect();
    for r in &chunks {
        if r.end + max <= at {
            ensure!(
                new_ends.contains(&r.end),
                "{} bytes inserted at {at}: the boundary at {} ({} bytes or more before the \
                 insertion, where the bytes before it are unchanged) moved; a boundary may \
                 depend only on the content before it (and the chunking's sizes)",
                case.insert.len(),
                r.end,
                max
            );
        }
    }
    Ok(())
}

/// A file, a chunking, and which of its blocks the server holds.
#[derive(Debug, Clone)]
pub struct PlanCase {
    /// The file's length.
    pub len: usize,
    /// The seed of its bytes.
    pub seed: u64,
    /// How it is cut.
    pub chunking: Chunking,
    /// Bit `k % 64` set: the server holds the `k`-th chunk's block.
    pub held: u64,
    /// Whether the file's first quarter is written again at its middle (repeated blocks).
    pub repeat: bool,
}

fn plan_case() -> impl Strategy<Value = PlanCase> {
    (1usize..20_000, any::<u64>(), chunking(), any::<u64>(), any::<bool>()).prop_map(
        |(len, seed, chunking, held, repeat)| PlanCase {
            len,
            seed,
            chunking,
            held,
            repeat,
        },
    )
}

fn plan_data(case: &PlanCase) -> Vec<u8> {
    let mut data = xorshift_bytes(case.len, case.seed);
    if case.repeat {
        let q = case.len / 4;
        let copy = data[..q].to_vec();
        data[2 * q..3 * q].copy_from_slice(&copy);
    }
    data
}

fn render_plan(case: &PlanCase) -> String {
    let mut out = String::from(
        "// in a #[test] fn returning Result<(), Box<dyn std::error::Error>> (for the `?`)\n",
    );
    out.push_str(&render_data(case.len, case.seed).replacen("let data", "let mut data", 1));
    if case.repeat {
        let q = case.len / 4;
        let _ = write!(out, "\nlet copy = data[..{q}].to_vec();\ndata[{}..{}].copy_from_slice(&copy);", 2 * q, 3 * q);
    } else {
        out = out.replacen("let mut data", "let data", 1);
    }
    let _ = write!(
        out,
        "\nlet chunking = Chunking::{:?};\nlet chunks = Blocks::chunks(&data, chunking)?;\n\
         let everything = Blocks::plan(&data, chunking, &Default::default())?;\n\
         let server: std::collections::HashSet<_> = everything.blocks.iter().enumerate()\n    \
         .filter(|(k, _)| {} >> (k % 64) & 1 == 1).map(|(_, h)| *h).collect();\n\
         println!(\"{{chunks:?}}\\n{{:?}}\", Blocks::plan(&data, chunking, &server)?);",
        case.chunking, case.held
    );
    out
}

fn drive_plan<B: DeltaSync>(case: &PlanCase) -> Outcome {
    let data = plan_data(case);
    let c = case.chunking;
    let chunks = B::chunks(&data, c).map_err(|e| format!("chunks({c:?}) failed: {e}"))?;
    let hashes: Vec<Hash> = chunks.iter().map(|r| leaf_hash(&data[r.clone()])).collect();
    let server: HashSet<Hash> = hashes
        .iter()
        .enumerate()
        .filter(|(k, _)| case.held >> (k % 64) & 1 == 1)
        .map(|(_, h)| *h)
        .collect();
    let plan = B::plan(&data, c, &server).map_err(|e| format!("plan({c:?}) failed: {e}"))?;
    ensure_eq!(plan.blocks, hashes.clone(), "plan.blocks: the leaf hash of each chunk, in order");
    ensure_eq!(plan.root, model::mth(&hashes), "plan.root: the root over the chunks");
    let mut seen = server.clone();
    let send: Vec<Range<usize>> = chunks
        .iter()
        .zip(&hashes)
        .filter(|(_, h)| seen.insert(**h))
        .map(|(r, _)| r.clone())
        .collect();
    ensure_eq!(
        plan.send,
        send,
        "plan.send: the chunks whose hash the server lacks, each hash once, in file order"
    );
    Ok(())
}

fn parallel_build<F: MerkleTreeFamily>() -> Outcome {
    let none: [&[u8]; 0] = [];
    ensure_eq!(
        F::Tree::build_parallel(&none, 4).err(),
        Some(MerkleError::Empty),
        "build_parallel(&[], 4)"
    );
    ensure_eq!(
        F::Tree::build_parallel(&[b"a"], 0).err(),
        Some(MerkleError::ZeroThreads),
        "build_parallel(&[\"a\"], 0)"
    );
    for n in [1usize, 2, 3, 5, 7, 8, 9, 63, 64, 65, 1_000, 1_025] {
        let leaves: Vec<Vec<u8>> = (0..n).map(|i| format!("block {i}").into_bytes()).collect();
        let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
        let levels = model::levels(&hashes);
        for threads in [1usize, 2, 3, 4, 8] {
            let t = F::Tree::build_parallel(&leaves, threads)
                .map_err(|e| format!("build_parallel({n} leaves, {threads}) failed: {e}"))?;
            ensure_eq!(t.len(), n, "len() of build_parallel({n} leaves, {threads} threads)");
            ensure!(
                t.root() == model::mth(&hashes),
                "build_parallel over {n} leaves with {threads} threads gives another root \
                 than the sequential build: the threads' subtrees must be joined as the \
                 levels say (a subtree whose leaf count is not a power of two does not \
                 stand alone in the tree)"
            );
            for (k, level) in levels.iter().enumerate() {
                for (i, h) in level.iter().enumerate().step_by(7) {
                    ensure_eq!(
                        t.node(k as u32, i),
                        Some(*h),
                        "node({k}, {i}) of build_parallel({n} leaves, {threads} threads)"
                    );
                }
            }
        }
    }
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(1);
    ctx.check(
        "tree: roots, nodes and proofs agree with RFC 6962 after random updates",
        || {
            check_model(
                seed,
                DEFAULT_CASES,
                tree_case(),
                render_tree,
                drive_tree::<F::Tree>,
            )
        },
    );
    let seed = ctx.sub_seed(2);
    ctx.check(
        "diff: exactly the differing leaves, at most 1 + 2·d·h hashes asked",
        || check_model(seed, DEFAULT_CASES, diff_case(), render_diff, drive_diff::<F::Tree>),
    );
    let seed = ctx.sub_seed(3);
    ctx.check("verify refuses a genuine proof with one thing changed", || {
        check_model(
            seed,
            DEFAULT_CASES,
            tamper_case(),
            |c| format!("{c:?} // (leaves, index, what is changed)"),
            drive_tamper::<F::Tree>,
        )
    });
    let seed = ctx.sub_seed(4);
    ctx.check(
        "chunking: chunks cover the file within their sizes, and boundaries before an \
         insertion stay",
        || {
            check_model(
                seed,
                DEFAULT_CASES / 2,
                chunk_case(),
                render_chunks,
                drive_chunks::<F::Blocks>,
            )
        },
    );
    let seed = ctx.sub_seed(5);
    ctx.check("plans: the blocks the server lacks, each once, and the root", || {
        check_model(
            seed,
            DEFAULT_CASES / 2,
            plan_case(),
            render_plan,
            drive_plan::<F::Blocks>,
        )
    });
    ctx.check(
        "build_parallel over 1 to 8 threads gives the sequential tree; bad input refused",
        parallel_build::<F>,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippets_name_what_they_use() {
        let t = render_tree(&TreeCase {
            leaves: vec![vec![1], vec![]],
            ops: vec![TreeOp::Proof(3)],
        });
        assert!(t.contains("let t = Tree::new(&leaves)?;"), "{t}");
        assert!(t.contains("t.proof(1)?"), "{t}");
        let p = render_plan(&PlanCase {
            len: 10,
            seed: 4,
            chunking: Chunking::Fixed { block: 3 },
            held: 1,
            repeat: false,
        });
        assert!(p.contains("let data"), "{p}");
        assert!(!p.contains("let mut data"), "{p}");
        assert_eq!(xorshift_bytes(3, 0), xorshift_bytes(3, 1));
    }
}
