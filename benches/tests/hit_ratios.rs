//! The hit ratios of the `lfu` peers beside the reference's, on the quality stage's traces
//! (`kata_peers::lfu::hit_ratios`): printed as the table in `benches/README.md`, and held to
//! what must hold whatever the crates' versions.
//!
//! Run with `cargo test --profile bench -p kata-bench --features lfu --test hit_ratios -- --nocapture` to see the
//! table.

use kata_peers::lfu::{hit_ratios, HitRatios, HIT_RATIO_ROWS};

/// The grader's default seed: the traces `cargo kata check lfu --stage quality` runs.
const SEED: u64 = kata_suites::runner::DEFAULT_SEED;

fn row<'a>(rows: &'a [HitRatios], name: &str) -> &'a HitRatios {
    rows.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

#[test]
fn the_peers_hit_ratios_beside_the_reference_s() {
    let rows = hit_ratios(SEED);
    // Printed before any assertion: this is the table in benches/README.md.
    eprintln!("| cache | Zipf | scan-polluted | shifting | shifting, 2nd half |");
    eprintln!("|---|---|---|---|---|");
    for r in &rows {
        eprintln!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            r.name, r.zipf, r.scan, r.shift, r.shift_second
        );
    }
    let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    assert_eq!(names, HIT_RATIO_ROWS);
    for r in &rows {
        for x in [r.zipf, r.scan, r.shift, r.shift_second] {
            assert!(x > 0.0 && x < 1.0, "{r:?}");
        }
    }
    let lru = row(&rows, "LRU (model)");
    let lfu = row(&rows, "LFU (model)");
    // The reference's exact cache is the model, request for request (the quality stage checks
    // the hit sequence; the ratios must then be equal).
    assert_eq!(
        row(&rows, "reference LfuCache"),
        &HitRatios {
            name: "reference LfuCache",
            ..*lfu
        }
    );
    // Every cache that uses frequency and forgets beats LRU on Zipf and on the scans, and follows
    // the new favourites where plain LFU does not.
    for name in ["reference ForgetfulLfuCache", "moka", "quick_cache"] {
        let r = row(&rows, name);
        assert!(
            r.zipf > lru.zipf + 0.03,
            "{name} on Zipf: {r:?} against LRU {lru:?}"
        );
        assert!(
            r.scan > lru.scan + 0.03,
            "{name} on the scans: {r:?} against LRU {lru:?}"
        );
        assert!(
            r.shift_second > lfu.shift_second + 0.15 && r.shift_second > lru.shift_second - 0.05,
            "{name} after the shift: {r:?} against LFU {lfu:?} and LRU {lru:?}"
        );
    }
    // lfu_cache is an LFU that breaks ties the other way (the entry used last goes): among the
    // many entries at count 1 a newcomer replaces the newcomer before it, so a new key that will
    // be popular rarely stays long enough to count. It is as scan-proof as LFU (one-time keys
    // only push out each other) and as slow as LFU after the shift, but below it on Zipf.
    let lfu_cache = row(&rows, "lfu_cache");
    assert!(
        lfu_cache.zipf < lfu.zipf - 0.03,
        "{lfu_cache:?} against {lfu:?}"
    );
    assert!(
        lfu_cache.scan > lru.scan,
        "{lfu_cache:?} against LRU {lru:?}"
    );
    assert!(
        lfu_cache.shift_second < lru.shift_second - 0.15,
        "{lfu_cache:?}"
    );
}
