//! Stage 4 of `merkle-tree`: what a Merkle tree buys, in numbers.
//!
//! - **proof size**: the longest and the mean proof of trees of 1 to 1 025 leaves, against
//!   `⌈log2 n⌉` hashes (never more): 32 bytes per level, 320 bytes for a thousand leaves where
//!   the leaves themselves would be the whole list;
//! - **anti-entropy**: two replicas of 1 024 leaves differing in `d = 1, 2, 4, ... 1 024`
//!   leaves: the hashes `diff` asks of the remote (counted by the suite) against the bound
//!   `1 + 2·d·h` and against the naive `n` (every leaf hash sent): the tree wins while `d` is
//!   small, and loses, by up to twice, when nearly everything differs;
//! - **delta sync**: a 1 MiB random file, 5 bytes inserted near its start: the bytes a client
//!   sends to a server holding the old file's blocks, with fixed 4 KiB blocks (every block after
//!   the insertion shifts: about the whole file) and with content-defined chunks of 4 KiB on
//!   average (the boundaries resynchronise: a chunk or two). That is why rsync's rolling
//!   checksum and content-defined chunking exist;
//! - **forged proofs**: a list of proofs forged against a tree (a bit flipped, another index, a
//!   path extended or shortened, another tree size, an inner node presented as a 64-byte leaf,
//!   Bitcoin's duplicated last node), each of which `verify` must refuse.

use std::collections::{BTreeSet, HashSet};

use kata_core::merkle_tree::{Chunking, DeltaSync, Hash, MerkleTree, Proof};

use super::examples::{duplicate_odd, forgeries, inner_node_as_leaf, named, random_bytes};
use super::model::{self, Counting};
use super::MerkleTreeFamily;
use crate::measure::SplitMix64;
use crate::report::Measurement;
use crate::Ctx;

/// The tree sizes of the proof-size table.
pub const PROOF_SIZES: [usize; 8] = [1, 2, 3, 5, 8, 1_000, 1_024, 1_025];
/// The leaves of the anti-entropy table.
pub const DIFF_LEAVES: usize = 1_024;
/// The file of the delta-sync table.
pub const FILE_BYTES: usize = 1 << 20;
/// Where bytes are inserted.
pub const INSERT_AT: usize = 100;
/// The fixed block size, and the average content-defined chunk.
pub const BLOCK: usize = 4_096;
/// Content-defined chunking: at most this many average chunks sent after the insertion.
pub const MAX_CDC_CHUNKS_SENT: usize = 8;
/// Fixed blocks: at least this share of the file sent after the insertion (the shift).
pub const MIN_FIXED_SHARE: f64 = 0.9;

/// The content-defined chunking of the table: 1 KiB to 16 KiB, 4 KiB on average.
pub const CDC: Chunking = Chunking::ContentDefined {
    min: 1_024,
    avg: BLOCK,
    max: 16_384,
};

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    proof_size::<F>(ctx);
    anti_entropy::<F>(ctx);
    delta_sync::<F>(ctx);
    forged::<F>(ctx);
}

fn proof_size<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    let mut rows = Vec::new();
    let mut over = 0usize;
    let mut refused = 0usize;
    let ok = ctx.check("the proof of every leaf of trees of 1 to 1 025 leaves verifies", || {
        for n in PROOF_SIZES {
            let leaves = named(n);
            let t = F::Tree::new(&leaves).map_err(|e| format!("Tree::new({n} leaves): {e}"))?;
            let root = t.root();
            let (mut max, mut sum) = (0usize, 0usize);
            for (i, leaf) in leaves.iter().enumerate() {
                let p = t.proof(i).map_err(|e| format!("proof({i}) of {n} leaves: {e}"))?;
                if F::Tree::verify(&root, leaf, &p).is_err() {
                    refused += 1;
                }
                max = max.max(p.path.len());
                sum += p.path.len();
            }
            let h = kata_core::merkle_tree::height(n) as usize;
            over = over.max(max.saturating_sub(h));
            rows.push(vec![
                n.to_string(),
                max.to_string(),
                format!("{:.2}", sum as f64 / n as f64),
                h.to_string(),
                format!("{} B", 32 * max),
                format!("{} B", 32 * n),
            ]);
        }
        if refused > 0 {
            return Err(format!("{refused} genuine proofs were refused by verify"));
        }
        Ok(())
    });
    if !ok {
        return;
    }
    ctx.table(
        "Proof size: hashes in the path, against ⌈log2 n⌉",
        &[
            "leaves n",
            "longest proof",
            "mean proof",
            "⌈log2 n⌉",
            "longest, bytes",
            "every leaf hash, bytes",
        ],
        rows,
    );
    ctx.measure(Measurement {
        name: "hashes in the longest proof beyond ⌈log2 n⌉, over every size".into(),
        value: over as f64,
        unit: "hashes".into(),
        threshold: "== 0 (a proof is never longer than the height)".into(),
        passed: over == 0,
    });
}

fn anti_entropy<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(40);
    let n = DIFF_LEAVES;
    let mut rows = Vec::new();
    let mut worst = 0.0f64;
    let ok = ctx.check("diff finds the differing leaves of 1 024, for d = 1 to 1 024", || {
        let leaves: Vec<Vec<u8>> = (0..n).map(|i| format!("key {i}").into_bytes()).collect();
        let ours = F::Tree::new(&leaves).map_err(|e| format!("Tree::new: {e}"))?;
        let mut rng = SplitMix64::new(seed);
        let mut d = 1;
        while d <= n {
            let mut changed = BTreeSet::new();
            while changed.len() < d {
                changed.insert(rng.below(n as u64) as usize);
            }
            let mut theirs = leaves.clone();
            for &i in &changed {
                theirs[i] = format!("key {i}, newer").into_bytes();
            }
            let remote = F::Tree::new(&theirs).map_err(|e| format!("Tree::new: {e}"))?;
            let counter = Counting::new(&remote);
            let got = ours.diff(&counter).map_err(|e| format!("diff: {e}"))?;
            let expected: Vec<usize> = changed.iter().copied().collect();
            if got != expected {
                return Err(format!(
                    "diff with {d} leaves changed found {} leaves, not the {d} changed \
                     (first changed: {:?}, first found: {:?})",
                    got.len(),
                    &expected[..expected.len().min(5)],
                    &got[..got.len().min(5)]
                ));
            }
            let bound = model::diff_bound(d, n);
            let asked = counter.asked();
            worst = worst.max(asked as f64 / bound as f64);
            rows.push(vec![
                d.to_string(),
                asked.to_string(),
                bound.to_string(),
                n.to_string(),
                format!("{:.3}", asked as f64 / n as f64),
            ]);
            d *= 2;
        }
        Ok(())
    });
    if !ok {
        return;
    }
    ctx.table(
        "Anti-entropy: hashes asked of the remote to find d differing leaves of 1 024 (h = 10)",
        &[
            "differing d",
            "hashes asked",
            "bound 1 + 2·d·h",
            "naive: every leaf",
            "asked / naive",
        ],
        rows,
    );
    ctx.note(
        "Top-down, a replica asks for the root, then for both children of every node that \
         differs: about 2·d·log2(n/d) hashes. One differing key among a thousand costs about 20 \
         hashes instead of 1 024; when most keys differ, sending every leaf hash is cheaper.",
    );
    ctx.measure(Measurement {
        name: "hashes asked, over the bound 1 + 2·d·h (largest over d)".into(),
        value: worst,
        unit: "ratio".into(),
        threshold: "<= 1".into(),
        passed: worst <= 1.0,
    });
}

fn bytes_sent<B: DeltaSync>(
    old: &[u8],
    new: &[u8],
    chunking: Chunking,
) -> Result<(usize, usize, usize), String> {
    let before = B::plan(old, chunking, &HashSet::new())
        .map_err(|e| format!("plan of the old file ({chunking:?}): {e}"))?;
    let server: HashSet<Hash> = before.blocks.iter().copied().collect();
    let after = B::plan(new, chunking, &server)
        .map_err(|e| format!("plan of the new file ({chunking:?}): {e}"))?;
    let sent = after.send.iter().map(|r| r.len()).sum();
    Ok((sent, after.send.len(), after.blocks.len()))
}

fn delta_sync<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    let old = random_bytes(FILE_BYTES, ctx.sub_seed(41));
    let mut new = old.clone();
    new.splice(INSERT_AT..INSERT_AT, *b"hello");
    let fixed = Chunking::Fixed { block: BLOCK };
    let mut figures = None;
    let ok = ctx.check("upload plans of a 1 MiB file after an insertion", || {
        figures = Some((
            bytes_sent::<F::Blocks>(&old, &new, fixed)?,
            bytes_sent::<F::Blocks>(&old, &new, CDC)?,
        ));
        Ok(())
    });
    let Some(((fixed_sent, fixed_n, fixed_blocks), (cdc_sent, cdc_n, cdc_blocks))) = figures
    else {
        return;
    };
    if !ok {
        return;
    }
    let share = |b: usize| format!("{:.1} %", 100.0 * b as f64 / new.len() as f64);
    ctx.table(
        "Delta sync: a 1 MiB file, 5 bytes inserted at byte 100, the server holding the old \
         file's blocks",
        &["chunking", "blocks", "blocks sent", "bytes sent", "of the file"],
        vec![
            vec![
                "fixed 4 KiB blocks".into(),
                fixed_blocks.to_string(),
                fixed_n.to_string(),
                fixed_sent.to_string(),
                share(fixed_sent),
            ],
            vec![
                "content-defined, 1-16 KiB, 4 KiB average".into(),
                cdc_blocks.to_string(),
                cdc_n.to_string(),
                cdc_sent.to_string(),
                share(cdc_sent),
            ],
        ],
    );
    ctx.note(
        "Fixed blocks shift after an insertion: every block from there on has new content and \
         a new hash (rsync answers with a rolling checksum at every offset). Content-defined \
         boundaries are chosen by the bytes themselves (LBFS, 2001), so they fall at the same \
         places after the insertion, and only the chunks around it change.",
    );
    let mean = new.len() as f64 / cdc_blocks.max(1) as f64;
    ctx.measure(Measurement {
        name: "content-defined chunks: mean chunk size (avg 4 096 asked)".into(),
        value: mean,
        unit: "bytes".into(),
        threshold: format!("within [{}, {}]", BLOCK / 2, 2 * BLOCK),
        passed: (BLOCK / 2) as f64 <= mean && mean <= (2 * BLOCK) as f64,
    });
    ctx.measure(Measurement {
        name: "content-defined chunks: bytes sent after the insertion".into(),
        value: cdc_sent as f64,
        unit: "bytes".into(),
        threshold: format!(
            "<= {} ({MAX_CDC_CHUNKS_SENT} average chunks: the boundaries resynchronise)",
            MAX_CDC_CHUNKS_SENT * BLOCK
        ),
        passed: cdc_sent <= MAX_CDC_CHUNKS_SENT * BLOCK,
    });
    ctx.measure(Measurement {
        name: "fixed blocks: share of the file sent after the insertion".into(),
        value: fixed_sent as f64 / new.len() as f64,
        unit: "ratio".into(),
        threshold: format!(">= {MIN_FIXED_SHARE} (every block after the insertion shifts)"),
        passed: fixed_sent as f64 >= MIN_FIXED_SHARE * new.len() as f64,
    });
}

fn forged<F: MerkleTreeFamily>(ctx: &mut Ctx) {
    let mut rows = Vec::new();
    let mut accepted = 0usize;
    let ok = ctx.check("verify runs on every forged proof", || {
        let leaves = named(8);
        let t = F::Tree::new(&leaves).map_err(|e| format!("Tree::new: {e}"))?;
        let root = t.root();
        let genuine = t.proof(6).map_err(|e| format!("proof(6): {e}"))?;
        let mut list: Vec<(String, Vec<u8>, Proof, Hash)> = forgeries(&leaves, &genuine)
            .into_iter()
            .map(|(what, data, p)| (format!("leaf 6 of 8: {what}"), data, p, root))
            .collect();
        let mut p = genuine.clone();
        p.tree_size = 7;
        list.push((
            "leaf 6 of 8: the proof claimed for a tree of 7".into(),
            leaves[6].clone(),
            p,
            root,
        ));
        let (data, p) = inner_node_as_leaf(&t)?;
        list.push((
            "the node above leaves 0 and 1 as a 64-byte leaf of the level above".into(),
            data,
            p,
            root,
        ));
        let three = named(3);
        let t3 = F::Tree::new(&three).map_err(|e| format!("Tree::new: {e}"))?;
        let (data, p) = duplicate_odd(&t3, &three[2])?;
        list.push((
            "[a, b, c]: c as leaf 3 of [a, b, c, c] (Bitcoin's duplicated node)".into(),
            data,
            p,
            t3.root(),
        ));
        for (what, data, p, root) in list {
            let verdict = F::Tree::verify(&root, &data, &p);
            if verdict.is_ok() {
                accepted += 1;
            }
            rows.push(vec![
                what,
                match verdict {
                    Ok(()) => "ACCEPTED".into(),
                    Err(e) => format!("refused: {e:?}"),
                },
            ]);
        }
        Ok(())
    });
    if !ok {
        return;
    }
    ctx.table("Forged proofs", &["forgery", "verify"], rows);
    ctx.measure(Measurement {
        name: "forged proofs accepted".into(),
        value: accepted as f64,
        unit: "proofs".into(),
        threshold: "== 0".into(),
        passed: accepted == 0,
    });
}
