//! `cargo kata bench merkle-tree`: the learner's tree, the reference's and rs_merkle's on the
//! workloads of `kata_suites::merkle_tree::workloads`, and SHA-256 of the same bytes beside the
//! build.
//!
//! - `build`: `Tree::new` over 1 024 leaves of 4 KiB; `proof`, `verify`, `update` and `diff` on
//!   65 536 leaves of 32 bytes. Every contender builds its own trees from the plan's seed
//!   (untimed) and goes through the same indices in the same order.
//! - rs_merkle has no update of one leaf and no diff (its adapter rebuilds, and walks nodes it
//!   recomputes): it sits `update` and `diff` out ([`crate::SitOut`]).
//! - **SHA-256 once** ([`SHA256_ONCE`]), a yardstick shown as a peer, times SHA-256 over the
//!   same 4 MiB the `build` workload hashes (as one message, one pass): the physical floor of a
//!   build. Its ratio on `build` is the inverse of the build's cost over hashing once; the
//!   kata's goal, a build within 1.3 times hashing once, is a ratio of 0.77x or more. It sits the
//!   other workloads out.
//! - Instructions are not counted on `build`: under callgrind sha2 hashes in software, and a
//!   build is nearly all hashing.

use kata_core::merkle_tree::MerkleTree;
use kata_suites::merkle_tree::workloads::{
    Build, Diff, Prove, Update, Verify, BENCH, BUILD_LEAF_BYTES, BUILD_LEAVES, DIFF_CHANGED,
    TREE_LEAVES,
};
use kata_suites::merkle_tree::MerkleTreeFamily;
use sha2::{Digest, Sha256};

use crate::{plan_of, Clock, KataBench, SitOut, Spec, Subject};

kata_suites::merkle_tree_family!(
    /// The reference `merkle-tree`.
    Reference => merkle_tree_solution
);
#[cfg(feature = "merkle-tree-learner")]
kata_suites::merkle_tree_family!(
    /// The learner's `merkle-tree`.
    Learner => merkle_tree_kata
);

/// The SHA-256 yardstick, as the tables name it (see the module documentation).
pub static SHA256_ONCE: kata_peers::Peer = kata_peers::Peer {
    name: "sha256-once",
    krate: "yardstick",
    version: "-",
    design: "SHA-256 over the build's 4 MiB as one message (sha2, the same crate): the floor a \
             build cannot go below; a yardstick, not a peer",
    difference: None,
};

/// What a workload times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Build,
    Proof,
    Verify,
    Update,
    Diff,
}

/// A workload's plan: what it times and the seed its trees come from.
pub struct BenchPlan {
    kind: Kind,
    seed: u64,
}

/// The plan of workload `spec`.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    let kind = match spec.name {
        "build" => Kind::Build,
        "proof" => Kind::Proof,
        "verify" => Kind::Verify,
        "update" => Kind::Update,
        "diff" => Kind::Diff,
        other => {
            let known: Vec<&str> = BENCH.iter().map(|s| s.name).collect();
            return Err(format!(
                "no merkle-tree workload named `{other}`; the workloads are: {}",
                known.join(", ")
            ));
        }
    };
    Ok(crate::Prepared {
        plan: std::sync::Arc::new(BenchPlan { kind, seed }),
        clock: Clock::ThreadCpu,
        // Under callgrind, sha2 hashes in software (valgrind does not run the CPU's SHA
        // instructions): the count of a build, nearly all hashing, would say nothing of its time.
        countable: kind != Kind::Build,
    })
}

struct BuildRun<T>(Build, std::marker::PhantomData<T>);

/// A batch of builds (or of SHA-256 over their bytes): a build takes about 2 ms, so a batch
/// holds about twenty and the self-test's one and a half times the work is one and a half times
/// as many, not a rounding of one.
const BUILD_BATCH: std::time::Duration = std::time::Duration::from_millis(40);

impl<T: MerkleTree> Subject for BuildRun<T> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            std::hint::black_box(self.0.step::<T>());
        }
    }

    fn batch_time(&self) -> Option<std::time::Duration> {
        Some(BUILD_BATCH)
    }
}

impl<T: MerkleTree> Subject for Prove<T> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            std::hint::black_box(self.step());
        }
    }
}

struct VerifyRun<T>(Verify, std::marker::PhantomData<T>);

/// Operations counted under callgrind for the workloads that hash (SHA-256 in software there,
/// some 7 000 instructions per node): a few thousand, so that counting takes seconds.
const HASHING_COUNT_OPS: u64 = 2_048;

impl<T: MerkleTree> Subject for VerifyRun<T> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            std::hint::black_box(self.0.step::<T>());
        }
    }

    fn count_ops(&self) -> u64 {
        HASHING_COUNT_OPS
    }
}

impl<T: MerkleTree> Subject for Update<T> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.step();
        }
    }

    fn count_ops(&self) -> u64 {
        HASHING_COUNT_OPS
    }
}

impl<T: MerkleTree> Subject for Diff<T> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            std::hint::black_box(self.step());
        }
    }

    fn count_ops(&self) -> u64 {
        HASHING_COUNT_OPS
    }
}

/// Tree `T` on the workload the plan names.
fn make_tree<T: MerkleTree + 'static>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    let seed = plan.seed;
    match plan.kind {
        Kind::Build => Box::new(BuildRun::<T>(
            Build::new(BUILD_LEAVES, BUILD_LEAF_BYTES, seed),
            std::marker::PhantomData,
        )),
        Kind::Proof => Box::new(Prove::<T>::new(TREE_LEAVES, seed)),
        Kind::Verify => Box::new(VerifyRun::<T>(
            Verify::new::<T>(TREE_LEAVES, seed),
            std::marker::PhantomData,
        )),
        Kind::Update => Box::new(Update::<T>::new(TREE_LEAVES, seed)),
        Kind::Diff => Box::new(Diff::<T>::new(TREE_LEAVES, DIFF_CHANGED, seed)),
    }
}

/// Family `F`'s tree on the workload.
fn make<F: MerkleTreeFamily>(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    make_tree::<F::Tree>(spec, plan)
}

/// rs_merkle: build, proof and verify; the rest sat out.
fn make_rs_merkle(spec: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    match plan_of::<BenchPlan>(plan).kind {
        Kind::Update | Kind::Diff => Box::new(SitOut),
        _ => make_tree::<kata_peers::merkle_tree::RsTree>(spec, plan),
    }
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    Some(match name {
        "rs_merkle" => make_rs_merkle,
        _ => return None,
    })
}

/// [`SHA256_ONCE`] as a subject: the build's leaves, concatenated, hashed as one message.
struct Once(Vec<u8>);

impl Subject for Once {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            std::hint::black_box(Sha256::digest(std::hint::black_box(&self.0)));
        }
    }

    fn batch_time(&self) -> Option<std::time::Duration> {
        Some(BUILD_BATCH)
    }
}

/// Builds [`SHA256_ONCE`]: on `build` only.
fn make_once(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    if plan.kind != Kind::Build {
        return Box::new(SitOut);
    }
    let leaves = Build::new(BUILD_LEAVES, BUILD_LEAF_BYTES, plan.seed).leaves;
    Box::new(Once(leaves.concat()))
}

/// [`SHA256_ONCE`] needs no grading: it builds no tree.
fn once_verdict(_: &str, _: u64) -> Option<kata_peers::Verdict> {
    Some(kata_peers::Verdict::Passed)
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "merkle-tree-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "merkle-tree-learner"))]
    let learner = None;
    let mut peers = crate::peer_entrants(
        kata_peers::merkle_tree::PEERS,
        kata_peers::merkle_tree::verdict,
        peer,
    );
    peers.push(crate::PeerEntrant {
        peer: &SHA256_ONCE,
        grade: once_verdict,
        make: make_once,
    });
    crate::run(KataBench {
        kata: "merkle-tree",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers,
    })
}
