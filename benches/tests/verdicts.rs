//! Pins every peer's verdict on the graded `examples` and `properties` stages, and keeps the
//! catalogue honest: a peer has a `difference` exactly when it fails.
//!
//! Messages are printed before each assertion, because grading swaps the process's panic hook
//! and an assertion's own message could be swallowed while another test is grading.

use kata_core::catalogue::Stage;
use kata_peers::grade::Verdict;
use kata_peers::Peer;

const SEED: u64 = 0x5EED;

/// What a peer's verdict must be: a pass, or a failure of this stage and check.
type Expected = Option<(Stage, &'static str)>;

/// The verdicts are the bench's own (`kata_peers::<kata>::verdict`, compiled optimised in
/// kata-peers), not the suites instantiated again here.
fn lru_verdict(name: &str) -> Verdict {
    kata_peers::lru::verdict(name, SEED).expect("an lru peer")
}

fn lfu_verdict(name: &str) -> Verdict {
    kata_peers::lfu::verdict(name, SEED).expect("an lfu peer")
}

fn token_bucket_verdict(name: &str) -> Verdict {
    kata_peers::token_bucket::verdict(name, SEED).expect("a token-bucket peer")
}

fn leaky_bucket_verdict(name: &str) -> Verdict {
    kata_peers::leaky_bucket::verdict(name, SEED).expect("a leaky-bucket peer")
}

fn sliding_window_verdict(name: &str) -> Verdict {
    kata_peers::sliding_window::verdict(name, SEED).expect("a sliding-window peer")
}

fn bloom_filter_verdict(name: &str) -> Verdict {
    kata_peers::bloom_filter::verdict(name, SEED).expect("a bloom-filter peer")
}

fn count_min_sketch_verdict(name: &str) -> Verdict {
    kata_peers::count_min_sketch::verdict(name, SEED).expect("a count-min-sketch peer")
}

fn consistent_hashing_verdict(name: &str) -> Verdict {
    kata_peers::consistent_hashing::verdict(name, SEED).expect("a consistent-hashing peer")
}

fn trie_verdict(name: &str) -> Verdict {
    kata_peers::trie::verdict(name, SEED).expect("a trie peer")
}

fn snowflake_verdict(name: &str) -> Verdict {
    kata_peers::snowflake::verdict(name, SEED).expect("a snowflake peer")
}

fn peer(peers: &'static [Peer], name: &str) -> &'static Peer {
    peers
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no peer named {name} in the catalogue"))
}

fn assert_verdict(peer: &Peer, verdict: &Verdict, expected: Expected) {
    eprintln!("{}: {verdict}", peer.name);
    if let Some(failure) = verdict.failure() {
        eprintln!("full message:\n{}", failure.full_message);
    }
    let got = verdict.failure().map(|f| (f.stage, f.check.as_str()));
    assert_eq!(got, expected, "{}'s verdict", peer.name);
    assert_eq!(
        peer.difference.is_some(),
        !verdict.passed(),
        "{}: the catalogue must give a difference exactly when the peer fails",
        peer.name
    );
}

#[test]
fn lru_crate_passes() {
    let verdict = lru_verdict("lru");
    assert_verdict(peer(kata_peers::lru::PEERS, "lru"), &verdict, None);
}

#[test]
fn schnellru_passes() {
    let verdict = lru_verdict("schnellru");
    assert_verdict(peer(kata_peers::lru::PEERS, "schnellru"), &verdict, None);
}

#[test]
fn quick_cache_is_not_an_lru() {
    let verdict = lru_verdict("quick_cache");
    assert_verdict(
        peer(kata_peers::lru::PEERS, "quick_cache"),
        &verdict,
        Some((
            Stage::Examples,
            "a new key in a full cache evicts the least recently used entry",
        )),
    );
    // The check's message: the entry put last (b) goes, not the least recently used (a).
    let message = &verdict.failure().expect("fails").message;
    assert!(message.contains(r#"got Some(("b", 2))"#), "{message}");
}

#[test]
fn lfu_cache_cannot_read_one_key_s_count() {
    let verdict = lfu_verdict("lfu_cache");
    assert_verdict(
        peer(kata_peers::lfu::PEERS, "lfu_cache"),
        &verdict,
        Some((Stage::Examples, "a new entry starts with a count of 1")),
    );
    // The first check that reads a count of a key held; the adapter's panic says why. (Its
    // other difference, ties broken the other way, is pinned in tests/adapters.rs.)
    let message = &verdict.failure().expect("fails").message;
    assert!(
        message.contains(kata_peers::lfu::lfu_cache::NO_COUNT),
        "{message}"
    );
}

#[test]
fn moka_keeps_the_contract_of_a_cache_that_forgets() {
    let verdict = lfu_verdict("moka");
    assert_verdict(peer(kata_peers::lfu::PEERS, "moka"), &verdict, None);
}

#[test]
fn quick_cache_can_push_out_two_entries_with_one_put() {
    let verdict = lfu_verdict("quick_cache");
    assert_verdict(
        peer(kata_peers::lfu::PEERS, "quick_cache"),
        &verdict,
        Some((
            Stage::Properties,
            "ForgetfulLfuCache keeps its contract on random sequences",
        )),
    );
    // A put of a new key pushed out a second entry, which put could not return: the model
    // still holds it, the cache does not.
    let message = &verdict.failure().expect("fails").message;
    assert!(message.contains("expected Some(0), got None"), "{message}");
    // The note keeps the whole minimal sequence, on one line after the reason.
    assert!(
        message.contains("minimal failing sequence: let mut cache = ForgetfulLfuCache::"),
        "{message}"
    );
}

#[test]
fn governor_rounds_the_token_interval_to_whole_nanoseconds() {
    let verdict = token_bucket_verdict("governor");
    assert_verdict(
        peer(kata_peers::token_bucket::PEERS, "governor"),
        &verdict,
        Some((
            Stage::Examples,
            "fractions of a token are kept, not rounded away",
        )),
    );
    // A token at 3 per second is due after 333 333 333.3 ns; governor has one after 333 333 333.
    let message = &verdict.failure().expect("fails").message;
    assert!(message.contains("expected 0, got 1"), "{message}");
}

#[test]
fn ratelimit_counts_millionths_of_a_token() {
    let verdict = token_bucket_verdict("ratelimit");
    assert_verdict(
        peer(kata_peers::token_bucket::PEERS, "ratelimit"),
        &verdict,
        Some((
            Stage::Examples,
            "fractions of a token are kept, not rounded away",
        )),
    );
    let message = &verdict.failure().expect("fails").message;
    assert!(
        message.contains("got Err(Insufficient { retry_after: 333ns })"),
        "{message}"
    );
}

#[test]
fn the_token_bucket_as_a_meter_never_delays() {
    let verdict = leaky_bucket_verdict("token-bucket");
    assert_verdict(
        peer(kata_peers::leaky_bucket::PEERS, "token-bucket"),
        &verdict,
        Some((
            Stage::Examples,
            "a burst is spread out: each item leaves one interval after the one before",
        )),
    );
    // The second item of a burst at 1 s leaves at once, where the shaper has it 100 ms later.
    let message = &verdict.failure().expect("fails").message;
    assert!(
        message.contains("offer number 2 at 1 s: expected Ok(1100000000), got Ok(1000000000)"),
        "{message}"
    );
}

#[test]
fn governor_is_gcra_not_a_window() {
    let verdict = sliding_window_verdict("governor");
    assert_verdict(
        peer(kata_peers::sliding_window::PEERS, "governor"),
        &verdict,
        Some((
            Stage::Examples,
            "FixedWindow: a new window starts at k x W exactly, counted from time 0",
        )),
    );
    // Limit 2 per 100 ns: after two requests at 130, GCRA has a cell again at 180 (one every
    // 50 ns), where the window [100, 200) is spent until 200. (The note is cut short there.)
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains("try_acquire(199) returned true, expected false"),
        "{message}"
    );
}

/// The sizing check of the `bloom-filter` examples, for the standard or the blocked filter.
macro_rules! bloom_sizing {
    ($filter:literal) => {
        concat!(
            $filter,
            ": with_rate(n, p) has m = ⌈−n·ln p / (ln 2)²⌉ bits (+ rounding) and k = log2(1/p) \
             hashes"
        )
    };
}

#[test]
fn fastbloom_takes_k_from_the_bits_it_allocates() {
    let verdict = bloom_filter_verdict("fastbloom");
    assert_verdict(
        peer(kata_peers::bloom_filter::PEERS, "fastbloom"),
        &verdict,
        Some((Stage::Examples, bloom_sizing!("BloomFilter"))),
    );
    // One item at 50 %: 64 bits (a word), and k = round(64 · ln 2) = 44 where log2(2) = 1.
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains("with_rate(1, 0.5): hashes() is 44"),
        "{message}"
    );
}

#[test]
fn bloomfilter_takes_k_from_the_bytes_it_allocates() {
    let verdict = bloom_filter_verdict("bloomfilter");
    assert_verdict(
        peer(kata_peers::bloom_filter::PEERS, "bloomfilter"),
        &verdict,
        Some((Stage::Examples, bloom_sizing!("BloomFilter"))),
    );
    // One item at 50 %: 8 bits (a byte), and k = round(8 · ln 2) = 6.
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains("with_rate(1, 0.5): hashes() is 6"),
        "{message}"
    );
}

#[test]
fn sbbf_rs_always_sets_eight_bits() {
    let verdict = bloom_filter_verdict("sbbf-rs");
    assert_verdict(
        peer(kata_peers::bloom_filter::PEERS, "sbbf-rs"),
        &verdict,
        Some((Stage::Examples, bloom_sizing!("BlockedBloomFilter"))),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains("with_rate(1000, 0.01): hashes() is 8"),
        "{message}"
    );
}

/// The sizing check of the `count-min-sketch` examples, for the conservative sketch (the peers'
/// own: the plain one is the reference's).
const CMS_SIZING: &str =
    "ConservativeCountMinSketch: with_error(ε, δ) has width ⌈e/ε⌉ and depth ⌈ln(1/δ)⌉, exactly";

#[test]
fn count_min_sketch_crate_rounds_its_width_to_a_power_of_two() {
    let verdict = count_min_sketch_verdict("count-min-sketch");
    assert_verdict(
        peer(kata_peers::count_min_sketch::PEERS, "count-min-sketch"),
        &verdict,
        Some((Stage::Examples, CMS_SIZING)),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(message.contains("got width 32 and depth 3"), "{message}");
}

#[test]
fn streaming_algorithms_rounds_its_width_to_a_power_of_two() {
    let verdict = count_min_sketch_verdict("streaming_algorithms");
    assert_verdict(
        peer(kata_peers::count_min_sketch::PEERS, "streaming_algorithms"),
        &verdict,
        Some((Stage::Examples, CMS_SIZING)),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(message.contains("got width 32 and depth 3"), "{message}");
}

#[test]
fn hashring_replicas_are_ring_entries_not_distinct_nodes() {
    let verdict = consistent_hashing_verdict("hashring");
    assert_verdict(
        peer(kata_peers::consistent_hashing::PEERS, "hashring"),
        &verdict,
        Some((Stage::Examples, "Ring: one node holds every key")),
    );
    // One node's 160 points: three replicas, the same node three times.
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains("is [42, 42, 42], expected [42]"),
        "{message}"
    );
}

/// The start of the message of a `nodes_for` that stops at the one node a crate gives.
const ONE_REPLICA: &str = "1 node(s), expected";

#[test]
fn jumphash_has_no_replicas() {
    let verdict = consistent_hashing_verdict("jumphash");
    assert_verdict(
        peer(kata_peers::consistent_hashing::PEERS, "jumphash"),
        &verdict,
        Some((
            Stage::Examples,
            "Jump: nodes_for(key, n): min(n, len) distinct members in order of preference, the \
             first node_for, each list the start of the next; members ascending; every member \
             holds keys",
        )),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(message.contains(ONE_REPLICA), "{message}");
}

#[test]
fn hrw_hash_keeps_the_contract_of_rendezvous_hashing() {
    let verdict = consistent_hashing_verdict("hrw-hash");
    assert_verdict(
        peer(kata_peers::consistent_hashing::PEERS, "hrw-hash"),
        &verdict,
        None,
    );
}

#[test]
fn maglev_has_no_replicas() {
    let verdict = consistent_hashing_verdict("maglev");
    assert_verdict(
        peer(kata_peers::consistent_hashing::PEERS, "maglev"),
        &verdict,
        Some((
            Stage::Examples,
            "Maglev::with_table_size(7): nodes added until TableFull { table_size: 7 }, after 6 \
             or 7 of them, each owning keys; a full table still says ZeroWeight, \
             WeightsUnsupported and AlreadyMember first",
        )),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(message.contains(ONE_REPLICA), "{message}");
}

#[test]
fn anchorhash_removes_any_node_where_jump_hash_must_refuse() {
    let verdict = consistent_hashing_verdict("anchorhash");
    assert_verdict(
        peer(kata_peers::consistent_hashing::PEERS, "anchorhash"),
        &verdict,
        Some((
            Stage::Examples,
            "Jump: every MembershipError, in the documented order; a refused change changes \
             nothing; only the last node added can be removed (NotLast)",
        )),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains("remove(1) returned Ok(()), expected Err(MembershipError::NotLast"),
        "{message}"
    );
}

/// The first check of the `trie` examples for the plain or the radix trie: the term errors,
/// which also insert a term of 1 024 bytes and count the nodes.
macro_rules! trie_errors {
    ($trie:literal) => {
        concat!(
            $trie,
            ": an empty term is refused with Empty, one over 1024 bytes with TooLong(bytes), and \
             the store is unchanged; 1024 bytes are accepted"
        )
    };
}

#[test]
fn trie_rs_cannot_insert_after_it_is_built() {
    let verdict = trie_verdict("trie-rs");
    assert_verdict(
        peer(kata_peers::trie::PEERS, "trie-rs"),
        &verdict,
        Some((Stage::Examples, trie_errors!("Trie"))),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains(kata_peers::trie::trie_rs::NO_INSERT),
        "{message}"
    );
}

#[test]
fn qp_trie_cannot_count_its_nodes() {
    let verdict = trie_verdict("qp-trie");
    assert_verdict(
        peer(kata_peers::trie::PEERS, "qp-trie"),
        &verdict,
        Some((Stage::Examples, trie_errors!("RadixTrie"))),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains(&kata_peers::trie::no_node_count("qp-trie")),
        "{message}"
    );
}

#[test]
fn patricia_tree_cannot_count_its_nodes() {
    let verdict = trie_verdict("patricia_tree");
    assert_verdict(
        peer(kata_peers::trie::PEERS, "patricia_tree"),
        &verdict,
        Some((Stage::Examples, trie_errors!("RadixTrie"))),
    );
    let message = &verdict.failure().expect("fails").full_message;
    assert!(
        message.contains(&kata_peers::trie::no_node_count("patricia_tree")),
        "{message}"
    );
}

#[test]
fn radix_trie_keeps_the_contract_of_a_radix_trie() {
    let verdict = trie_verdict("radix_trie");
    assert_verdict(peer(kata_peers::trie::PEERS, "radix_trie"), &verdict, None);
}

/// The generator peers read the system clock: the first example that reads an ID's value fails.
#[test]
fn snowflake_generators_read_the_system_clock() {
    for name in ["rs-snowflake", "sonyflake", "ulid", "uuid"] {
        let verdict = snowflake_verdict(name);
        assert_verdict(
            peer(kata_peers::snowflake::PEERS, name),
            &verdict,
            Some((
                Stage::Examples,
                "IDs are timestamp, worker and sequence, counting up in a millisecond",
            )),
        );
        let message = &verdict.failure().expect("fails").message;
        assert!(message.contains("expected Ok(20983808)"), "{message}");
    }
}

#[test]
fn base62_crate_accepts_leading_zeros() {
    let verdict = snowflake_verdict("base62");
    assert_verdict(
        peer(kata_peers::snowflake::PEERS, "base62"),
        &verdict,
        Some((
            Stage::Examples,
            "base62 encodes every u64 canonically and refuses any other text",
        )),
    );
    let message = &verdict.failure().expect("fails").message;
    assert!(
        message.contains("Base62::decode(\"00\"): expected Err(LeadingZero), got Ok(0)"),
        "{message}"
    );
}

#[test]
fn the_catalogue_names_each_peer_once_and_the_versions_built() {
    let manifest = include_str!("../peers/Cargo.toml");
    for peers in [
        kata_peers::lru::PEERS,
        kata_peers::lfu::PEERS,
        kata_peers::token_bucket::PEERS,
        kata_peers::leaky_bucket::PEERS,
        kata_peers::sliding_window::PEERS,
        kata_peers::bloom_filter::PEERS,
        kata_peers::count_min_sketch::PEERS,
        kata_peers::consistent_hashing::PEERS,
        kata_peers::trie::PEERS,
        kata_peers::snowflake::PEERS,
        kata_peers::vector_clock::PEERS,
        kata_peers::merkle_tree::PEERS,
        kata_peers::order_book::PEERS,
    ] {
        for (i, p) in peers.iter().enumerate() {
            assert!(
                peers[..i].iter().all(|q| q.name != p.name),
                "{} is listed twice",
                p.name
            );
            // A crate of this workspace (the token-bucket reference as the leaky bucket's
            // meter) is a workspace dependency, with no version of its own.
            let dependency = if p.version == kata_peers::leaky_bucket::WORKSPACE {
                format!("{} = {{ workspace = true", p.krate)
            } else {
                format!("{} = {{ version = \"{}\"", p.krate, p.version)
            };
            assert!(
                manifest.contains(&dependency),
                "Cargo.toml must depend on `{dependency}` as the catalogue says"
            );
            assert!(!p.design.is_empty() && !p.design.contains('\n'));
        }
    }
    let names = |peers: &[Peer]| peers.iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(
        names(kata_peers::lru::PEERS),
        ["lru", "schnellru", "quick_cache"]
    );
    assert_eq!(
        names(kata_peers::lfu::PEERS),
        ["lfu_cache", "moka", "quick_cache"]
    );
    assert_eq!(
        names(kata_peers::token_bucket::PEERS),
        ["governor", "ratelimit"]
    );
    assert_eq!(names(kata_peers::leaky_bucket::PEERS), ["token-bucket"]);
    assert_eq!(names(kata_peers::sliding_window::PEERS), ["governor"]);
    assert_eq!(
        names(kata_peers::bloom_filter::PEERS),
        ["fastbloom", "bloomfilter", "sbbf-rs"]
    );
    assert_eq!(
        names(kata_peers::count_min_sketch::PEERS),
        ["count-min-sketch", "streaming_algorithms"]
    );
    assert_eq!(
        names(kata_peers::consistent_hashing::PEERS),
        ["hashring", "jumphash", "hrw-hash", "maglev", "anchorhash"]
    );
    assert_eq!(
        names(kata_peers::trie::PEERS),
        ["trie-rs", "qp-trie", "patricia_tree", "radix_trie"]
    );
    assert_eq!(
        names(kata_peers::snowflake::PEERS),
        ["rs-snowflake", "sonyflake", "ulid", "uuid", "base62"]
    );
    assert_eq!(
        names(kata_peers::order_book::PEERS),
        ["lobster", "matchcore", "orderbook-rs"]
    );
}

#[test]
fn crdts_vclock_passes() {
    let verdict = kata_peers::vector_clock::verdict("crdts", SEED).expect("a vector-clock peer");
    assert_verdict(
        peer(kata_peers::vector_clock::PEERS, "crdts"),
        &verdict,
        None,
    );
}

#[test]
fn rs_merkle_passes() {
    let verdict = kata_peers::merkle_tree::verdict("rs_merkle", SEED).expect("a merkle-tree peer");
    assert_verdict(
        peer(kata_peers::merkle_tree::PEERS, "rs_merkle"),
        &verdict,
        None,
    );
}

#[test]
fn lobster_fails_fill_or_kill() {
    let verdict = kata_peers::order_book::verdict("lobster", SEED).expect("an order-book peer");
    assert_verdict(
        peer(kata_peers::order_book::PEERS, "lobster"),
        &verdict,
        Some((
            Stage::Examples,
            "FOK: killed whole when not enough at acceptable prices, filled whole when there is",
        )),
    );
}

#[test]
fn matchcore_trades_through_its_limit() {
    let verdict = kata_peers::order_book::verdict("matchcore", SEED).expect("an order-book peer");
    assert_verdict(
        peer(kata_peers::order_book::PEERS, "matchcore"),
        &verdict,
        Some((
            Stage::Examples,
            "a sell fills the highest bids first, down to its limit",
        )),
    );
}

#[test]
fn orderbook_rs_passes() {
    let verdict =
        kata_peers::order_book::verdict("orderbook-rs", SEED).expect("an order-book peer");
    assert_verdict(
        peer(kata_peers::order_book::PEERS, "orderbook-rs"),
        &verdict,
        None,
    );
}
