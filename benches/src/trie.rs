//! `cargo kata bench trie`: the learner's tries, the reference's and the peer crates on the
//! workloads of `kata_suites::trie::workloads`, all on one generated vocabulary of 100 000
//! search queries with Zipf weights.
//!
//! # Which trie runs where
//!
//! The learner's crate and the reference run the type each workload names: the cached trie on
//! `top-k`, the plain trie on `top-k-uncached`, `insert` and `lookup`. No peer crate caches top
//! terms, so a peer runs its *own* store on every workload it can, as a user would pick it for
//! that job: on `top-k` its ratio is what the reference's cache buys against the crate's prefix
//! iteration (every completion visited, the `k` heaviest kept in a heap by the adapter:
//! `kata_peers::trie::heaviest`), on `top-k-uncached` like for like. trie-rs is built once from
//! every term (`kata_peers::trie::TrieRs::build`) and cannot insert afterwards: it runs the query
//! workloads (`top-k`, `top-k-uncached`, `lookup`) and sits `insert` out ([`crate::SitOut`]).
//!
//! # Stores built once, and every contender of a round asked the same
//!
//! A query workload's store holds 100 000 terms: filling it takes a tenth of a second or more
//! (the cached trie keeps every node's top ten right as it goes), far too long to do for every
//! contender in every round. Queries and lookups do not change a store, so each process fills
//! each store type once, on first use ([`BenchPlan::store`]), and its query workloads and its
//! lookups share it (the reference and the self-test's twins of it too). What
//! [`REBUILD_EVERY_ROUND`](crate::REBUILD_EVERY_ROUND) buys, many placements in memory, comes
//! from the processes a race is split across instead.
//!
//! A query's cost depends on its prefix a thousandfold: one byte (`s`) is completed by thousands
//! of terms, three bytes by a handful. So every contender's queries in a round start at the place
//! the round draws ([`crate::round`]), elsewhere in the next round, and they all ask the same
//! prefixes in the same order. A store that searches the prefix's subtree (the plain trie on
//! `top-k-uncached`, every peer on both) takes a millisecond for a one-byte prefix: its batches
//! are sized to [`SCAN_BATCH`], not 4 ms, so that they hold tens of queries, and one more or one
//! fewer (each contender's batch is sized to its own speed) changes little. On `top-k` a peer
//! still has tens of queries in its batch where the reference's cached trie has ten thousand:
//! its ratio, in the hundreds, has a wide interval.
//!
//! An insert's cost depends on where it falls in a build: one into a trie just begun makes more
//! nodes than one into a fuller trie, one in a larger trie misses the caches more, and now and
//! then an insert grows the store's arrays. A batch taken at another place of a build is another
//! workload; so `insert`'s store, new in every round, is built untimed up to the place in the
//! vocabulary the round draws, and every contender's inserts go on from there (into a new store
//! when it holds every term); its batches are sized to [`INSERT_BATCH`], a third of a build, so
//! that one more or fewer growth of an array weighs little. Lookups cost much the same whatever
//! the term, and go on from round to round through the plan's lookups, as the other katas' do.
//!
//! The vocabulary itself is generated once per process ([`plan`]).
//!
//! # Instructions
//!
//! Instructions are counted over [`COUNT_OPS`](crate::COUNT_OPS) operations, but for queries
//! on a store that searches the prefix's subtree (the plain trie, and every peer on both top-k
//! workloads): those are counted over [`SCAN_COUNT_OPS`], a query taking tens or hundreds of
//! microseconds. The counting child runs outside the rounds, so every contender is counted on the
//! same queries, the plan's first, and on the same inserts, from the vocabulary's start.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use kata_core::trie::{Autocomplete, TermError};
use kata_peers::trie::{Patricia, QpTrie, RadixTrieCrate, TrieRs};
use kata_suites::measure::SplitMix64;
use kata_suites::trie::workloads::{Build, Lookups, Plan, Queries, BENCH, K};
use kata_suites::trie::TrieFamily;

use crate::{plan_of, Clock, KataBench, SitOut, Spec, Subject, COUNT_OPS};

kata_suites::trie_family!(
    /// The reference `trie`.
    Reference => trie_solution
);
#[cfg(feature = "trie-learner")]
kata_suites::trie_family!(
    /// The learner's `trie`.
    Learner => trie_kata
);

/// The queries counted under callgrind on a store that searches the prefix's subtree (every
/// store but a cached trie): a one-byte prefix is completed by thousands of the 100 000 terms,
/// about a million instructions a query on average, so [`COUNT_OPS`] of them would take an
/// hour under callgrind; 128 take seconds.
pub const SCAN_COUNT_OPS: u64 = 1 << 7;

/// How long a batch of queries on a store that searches the prefix's subtree is sized to take:
/// ten times the clock's 4 ms, so that it holds tens of queries (see the module documentation).
pub const SCAN_BATCH: Duration = Duration::from_millis(40);

/// How long a batch of `insert` is sized to take: three times the clock's 4 ms, so that a batch
/// holds about a third of a build (see the module documentation).
pub const INSERT_BATCH: Duration = Duration::from_millis(12);

/// What a workload times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `top_k` on the cached trie (a peer: its own store).
    TopK,
    /// `top_k` on the plain trie.
    TopKUncached,
    /// Building the plain trie.
    Insert,
    /// `weight` on the plain trie.
    Lookup,
}

/// Every store filled in this process, by type and seed ([`BenchPlan::store`]).
type Stores = HashMap<(TypeId, u64), Arc<dyn Any + Send + Sync>>;

/// A workload as the bench runs it: its plan, what it times, and the lookup workloads each
/// contender has started, by type.
pub struct BenchPlan {
    plan: Plan,
    seed: u64,
    kind: Kind,
    cached: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl BenchPlan {
    /// The workload `W` on this plan: built by `build` on first use, then the same one for
    /// every contender of type `W`, for the life of the process.
    fn cached<W: Send + 'static>(&self, build: impl FnOnce(&Plan) -> W) -> Arc<Mutex<W>> {
        let mut cached = self.cached.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = cached
            .entry(TypeId::of::<W>())
            .or_insert_with(|| Arc::new(Arc::new(Mutex::new(build(&self.plan)))));
        Arc::clone(
            entry
                .downcast_ref::<Arc<Mutex<W>>>()
                .expect("an entry of type W's key is W's workload"),
        )
    }

    /// The store `T` holding the plan's terms, filled by `fill` on first use, then the same one
    /// for every workload and contender of type `T`, for the life of the process.
    fn store<T: Send + Sync + 'static>(&self, fill: fn(&Plan) -> T) -> Arc<T> {
        static STORES: Mutex<Option<Stores>> = Mutex::new(None);
        let mut stores = STORES.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = stores
            .get_or_insert_with(HashMap::new)
            .entry((TypeId::of::<T>(), self.seed))
            .or_insert_with(|| Arc::new(fill(&self.plan)));
        Arc::clone(entry)
            .downcast::<T>()
            .unwrap_or_else(|_| panic!("an entry of type T's key is a T"))
    }

    /// The plan with its prefixes rotated to start where the round says ([`crate::round`]): the
    /// same for every contender of a round, somewhere else in the next.
    fn rotated_for_this_round(&self) -> Plan {
        let queries = self.plan.queries();
        let start = round_place(queries.len());
        let rotated = queries[start..]
            .iter()
            .chain(&queries[..start])
            .cloned()
            .collect();
        self.plan.clone().with_queries(rotated)
    }
}

/// Where in a list of `len` the round being run starts ([`crate::round`]): 0 outside the
/// rounds, else a place drawn from the round's number.
fn round_place(len: usize) -> usize {
    match crate::round() {
        0 => 0,
        r => SplitMix64::new(r ^ 0x0072_6F75_6E64).below(len as u64) as usize,
    }
}

/// A store filled once and shared ([`BenchPlan::store`]), as an [`Autocomplete`] that answers
/// queries: the workloads' [`Queries`] and [`Lookups`] own their store, and a query workload's
/// store is shared by every contender of its type, its query workloads and its lookups.
struct SharedStore<T>(Arc<T>);

/// The message of a shared store asked to change.
const READ_ONLY: &str = "a store shared by the bench's query workloads is not changed";

impl<T: Autocomplete> Autocomplete for SharedStore<T> {
    fn new() -> Self {
        panic!("{READ_ONLY}")
    }

    fn insert(&mut self, _: &str, _: u64) -> Result<Option<u64>, TermError> {
        panic!("{READ_ONLY}")
    }

    fn add_weight(&mut self, _: &str, _: u64) -> Result<u64, TermError> {
        panic!("{READ_ONLY}")
    }

    fn remove(&mut self, _: &str) -> Option<u64> {
        panic!("{READ_ONLY}")
    }

    #[inline]
    fn weight(&self, term: &str) -> Option<u64> {
        self.0.weight(term)
    }

    #[inline]
    fn top_k(&self, prefix: &[u8], k: usize) -> Vec<(String, u64)> {
        self.0.top_k(prefix, k)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn node_count(&self) -> usize {
        self.0.node_count()
    }
}

/// A workload's step, for [`Cached`] and [`Fresh`].
trait Step {
    fn step(&mut self);
}

impl<T: Autocomplete> Step for Queries<T> {
    #[inline]
    fn step(&mut self) {
        Queries::step(self);
    }
}

impl<T: Autocomplete> Step for Lookups<T> {
    #[inline]
    fn step(&mut self) {
        Lookups::step(self);
    }
}

impl<T: Autocomplete> Step for Build<T> {
    #[inline]
    fn step(&mut self) {
        Build::step(self);
    }
}

/// A workload built once ([`BenchPlan::cached`]), going on from where the last batch stopped.
struct Cached<W>(Arc<Mutex<W>>);

impl<W: Step> Subject for Cached<W> {
    fn steps(&mut self, ops: u64) {
        let mut w = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for _ in 0..ops {
            w.step();
        }
    }
}

/// A workload of its own, new for every round, and the operations of it to count under
/// callgrind.
struct Fresh<W> {
    workload: W,
    count_ops: u64,
    /// How long its batches are sized to take, when not the clock's.
    batch_time: Option<Duration>,
}

impl<W: Step> Subject for Fresh<W> {
    fn steps(&mut self, ops: u64) {
        for _ in 0..ops {
            self.workload.step();
        }
    }

    fn count_ops(&self) -> u64 {
        self.count_ops
    }

    fn batch_time(&self) -> Option<Duration> {
        self.batch_time
    }
}

/// The bench's plan from `seed`: the vocabulary generated once per process, for every workload
/// (they all hold the same terms and ask the same questions).
fn plan(workload: &str, seed: u64) -> Result<Plan, String> {
    static PLAN: Mutex<Option<(u64, Plan)>> = Mutex::new(None);
    let mut cached = PLAN.lock().unwrap_or_else(PoisonError::into_inner);
    match cached.as_ref() {
        Some((s, plan)) if *s == seed && BENCH.iter().any(|s| s.name == workload) => {
            Ok(plan.clone())
        }
        _ => {
            let plan = Plan::new(workload, seed)?;
            *cached = Some((seed, plan.clone()));
            Ok(plan)
        }
    }
}

/// The plan of workload `spec`.
fn prepare(spec: &Spec, seed: u64) -> Result<crate::Prepared, String> {
    let kind = match spec.name {
        "top-k" => Kind::TopK,
        "top-k-uncached" => Kind::TopKUncached,
        "insert" => Kind::Insert,
        "lookup" => Kind::Lookup,
        other => return Err(format!("the bench has no trie for workload `{other}`")),
    };
    Ok(crate::Prepared {
        plan: Arc::new(BenchPlan {
            plan: plan(spec.name, seed)?,
            seed,
            kind,
            cached: Mutex::default(),
        }),
        clock: Clock::ThreadCpu,
        countable: true,
    })
}

/// The workload on store `T`, filled by `fill` from the plan's terms where it holds them (see
/// the module documentation): queries from where the round says, on a store filled once;
/// lookups going on from round to round, on the same store; inserts into a new store, from
/// where the round says in the vocabulary. `scans` says whether `T`'s `top_k` searches the
/// prefix's subtree (every store but a cached trie): its queries are counted over
/// [`SCAN_COUNT_OPS`].
fn on_store<T>(plan: &BenchPlan, fill: fn(&Plan) -> T, scans: bool) -> Box<dyn Subject>
where
    T: Autocomplete + Send + Sync + 'static,
{
    match plan.kind {
        Kind::TopK | Kind::TopKUncached => Box::new(Fresh {
            workload: Queries::on(
                SharedStore(plan.store(fill)),
                &plan.rotated_for_this_round(),
                K,
            ),
            count_ops: if scans { SCAN_COUNT_OPS } else { COUNT_OPS },
            batch_time: scans.then_some(SCAN_BATCH),
        }),
        Kind::Lookup => Box::new(Cached(
            plan.cached(|p| Lookups::on(SharedStore(plan.store(fill)), p)),
        )),
        Kind::Insert => {
            let mut build = Build::<T>::new(&plan.plan);
            for _ in 0..round_place(plan.plan.terms().len()) {
                build.step();
            }
            Box::new(Fresh {
                workload: build,
                count_ops: COUNT_OPS,
                batch_time: Some(INSERT_BATCH),
            })
        }
    }
}

/// The store of family `F` that the workload names.
fn make<F: TrieFamily>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    match plan.kind {
        Kind::TopK => on_store::<F::Cached>(plan, Plan::filled, false),
        Kind::TopKUncached | Kind::Insert | Kind::Lookup => {
            on_store::<F::Plain>(plan, Plan::filled, true)
        }
    }
}

/// A peer's own store `T`, on every workload.
fn make_own<T>(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject>
where
    T: Autocomplete + Send + Sync + 'static,
{
    on_store::<T>(plan_of::<BenchPlan>(plan), Plan::filled, true)
}

/// trie-rs, built once from every term: on the query workloads only.
fn make_trie_rs(_: &Spec, plan: &crate::Plan) -> Box<dyn Subject> {
    let plan = plan_of::<BenchPlan>(plan);
    if plan.kind == Kind::Insert {
        return Box::new(SitOut);
    }
    on_store::<TrieRs>(
        plan,
        |p| TrieRs::build(p.terms().iter().map(|(t, w)| (t.as_str(), *w))),
        true,
    )
}

/// The builder of each peer, by name.
fn peer(name: &str) -> Option<crate::Make> {
    Some(match name {
        "trie-rs" => make_trie_rs,
        "qp-trie" => make_own::<QpTrie>,
        "patricia_tree" => make_own::<Patricia>,
        "radix_trie" => make_own::<RadixTrieCrate>,
        _ => return None,
    })
}

/// The bench binary's entry point.
pub fn main() -> ! {
    #[cfg(feature = "trie-learner")]
    let learner = Some(make::<Learner> as crate::Make);
    #[cfg(not(feature = "trie-learner"))]
    let learner = None;
    crate::run(KataBench {
        kata: "trie",
        workloads: BENCH,
        prepare,
        learner,
        reference: make::<Reference>,
        peers: crate::peer_entrants(kata_peers::trie::PEERS, kata_peers::trie::verdict, peer),
    })
}
