//! Stage 1 of `vector-clock`: scenarios that read like the specification.

use kata_core::vector_clock::{Causality, ClockError, Dot, Version, VectorClock, VersionedStore};

use super::VectorClockFamily;
use crate::check::Outcome;
use crate::{ensure, ensure_eq, Ctx};

type C<F> = <F as VectorClockFamily>::Clock;
type S<F> = <F as VectorClockFamily>::Store<&'static str>;

fn clock<F: VectorClockFamily>(entries: &[(u32, u64)]) -> Result<C<F>, String> {
    C::<F>::from_entries(entries)
        .map_err(|e| format!("VClock::from_entries({entries:?}) refused valid entries: {e}"))
}

fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
    v.sort_unstable();
    v
}

fn put<F: VectorClockFamily>(
    s: &mut S<F>,
    node: u32,
    context: &C<F>,
    value: &'static str,
) -> Result<Dot, String> {
    s.put(node, context, value)
        .map_err(|e| format!("put({node}, {:?}, {value:?}) failed: {e}", context.entries()))
}

fn compare_case<F: VectorClockFamily>(
    a: &[(u32, u64)],
    b: &[(u32, u64)],
    expected: Causality,
    why: &str,
) -> Outcome {
    let (x, y) = (clock::<F>(a)?, clock::<F>(b)?);
    ensure_eq!(x.compare(&y), expected, "{a:?}.compare({b:?}) ({why})");
    ensure_eq!(
        y.compare(&x),
        expected.reverse(),
        "{b:?}.compare({a:?}) (the same pair the other way round)"
    );
    Ok(())
}

/// Grades this stage on `F` (through [`super::run`] or [`crate::grade!`]).
pub fn run<F: VectorClockFamily>(ctx: &mut Ctx) {
    ctx.check("a new clock has no entry and reads 0 everywhere", || {
        let c = C::<F>::new();
        ensure_eq!(c.len(), 0, "VClock::new().len()");
        ensure!(c.is_empty(), "VClock::new().is_empty() is false");
        ensure_eq!(c.get(0), 0, "VClock::new().get(0)");
        ensure_eq!(c.get(u32::MAX), 0, "VClock::new().get(u32::MAX)");
        ensure_eq!(c.entries(), vec![], "VClock::new().entries()");
        Ok(())
    });

    ctx.check("tick counts a node's events from 1; entries are sorted by node", || {
        let mut c = C::<F>::new();
        ensure_eq!(c.tick(7), Ok(1), "the first tick(7)");
        ensure_eq!(c.tick(7), Ok(2), "the second tick(7)");
        ensure_eq!(c.tick(3), Ok(1), "tick(3) after two tick(7)");
        ensure_eq!(c.tick(900), Ok(1), "tick(900)");
        ensure_eq!(c.get(7), 2, "get(7)");
        ensure_eq!(c.get(5), 0, "get(5), a node that never ticked");
        ensure_eq!(c.len(), 3, "len() after ticks of nodes 7, 3 and 900");
        ensure_eq!(
            c.entries(),
            vec![(3, 1), (7, 2), (900, 1)],
            "entries() after tick(7), tick(7), tick(3), tick(900)"
        );
        Ok(())
    });

    ctx.check("compare: Equal, Before, After and Concurrent", || {
        use Causality::*;
        compare_case::<F>(&[], &[], Equal, "two empty clocks")?;
        compare_case::<F>(&[(1, 2), (2, 1)], &[(2, 1), (1, 2)], Equal, "the same entries")?;
        compare_case::<F>(&[], &[(4, 1)], Before, "the empty clock is before any other")?;
        compare_case::<F>(&[(1, 1)], &[(1, 2)], Before, "one entry, lower")?;
        compare_case::<F>(
            &[(1, 2), (3, 1)],
            &[(1, 2), (2, 1), (3, 1)],
            Before,
            "node 2 is missing on the left, so 0 there",
        )?;
        compare_case::<F>(
            &[(1, 2), (2, 1), (3, 1)],
            &[(1, 3), (2, 1), (3, 1)],
            Before,
            "equal but for node 1",
        )?;
        compare_case::<F>(&[(1, 3)], &[(1, 2), (2, 1)], Concurrent, "each has one above")?;
        compare_case::<F>(
            &[(1, 5)],
            &[(2, 1)],
            Concurrent,
            "5 events of node 1 against 1 of node 2: more events is not later",
        )?;
        compare_case::<F>(
            &[(1, 1)],
            &[(2, 1)],
            Concurrent,
            "no node in common: each has an event the other has not seen",
        )?;
        compare_case::<F>(
            &[(1, 1), (2, 5), (9, 1)],
            &[(1, 1), (2, 5)],
            After,
            "node 9 is missing on the right, the rest equal",
        )?;
        Ok(())
    });

    ctx.check("merge takes the larger counter of every node", || {
        let mut a = clock::<F>(&[(1, 3), (4, 1)])?;
        let b = clock::<F>(&[(1, 1), (2, 5), (4, 2)])?;
        a.merge(&b);
        ensure_eq!(
            a.entries(),
            vec![(1, 3), (2, 5), (4, 2)],
            "{{1: 3, 4: 1}} merged with {{1: 1, 2: 5, 4: 2}}"
        );
        ensure_eq!(a.compare(&b), Causality::After, "the merge compared with b");
        let before = a.entries();
        let copy = clock::<F>(&before)?;
        a.merge(&copy);
        ensure_eq!(a.entries(), before.clone(), "a clock merged with a copy of itself");
        let mut empty = C::<F>::new();
        empty.merge(&b);
        ensure_eq!(empty.entries(), b.entries(), "an empty clock merged with b");
        a.merge(&C::<F>::new());
        ensure_eq!(a.entries(), before, "a clock merged with an empty clock");
        Ok(())
    });

    ctx.check("a tick past u64::MAX is refused, the clock unchanged", || {
        let mut c = clock::<F>(&[(3, u64::MAX), (5, 1)])?;
        ensure_eq!(
            c.tick(3),
            Err(ClockError::Overflow { node: 3 }),
            "tick(3) with node 3 at u64::MAX"
        );
        ensure_eq!(c.get(3), u64::MAX, "get(3) after the refused tick");
        ensure_eq!(c.entries(), vec![(3, u64::MAX), (5, 1)], "entries() after it");
        ensure_eq!(c.tick(5), Ok(2), "tick(5): other nodes still tick");
        let message = ClockError::Overflow { node: 3 }.to_string();
        ensure!(
            message.contains("u64::MAX"),
            "the error's message says what is wrong: {message}"
        );
        Ok(())
    });

    ctx.check("from_entries refuses a counter of 0 and a node given twice", || {
        let cases: [(&[(u32, u64)], ClockError); 4] = [
            (&[(1, 1), (2, 0)], ClockError::ZeroCounter { node: 2 }),
            (&[(4, 2), (1, 1), (4, 3)], ClockError::DuplicateNode { node: 4 }),
            (&[(1, 0), (1, 1)], ClockError::ZeroCounter { node: 1 }),
            (&[(1, 1), (2, 2), (1, 5)], ClockError::DuplicateNode { node: 1 }),
        ];
        for (entries, expected) in cases {
            ensure_eq!(
                C::<F>::from_entries(entries).err(),
                Some(expected),
                "VClock::from_entries({entries:?})"
            );
        }
        let c = clock::<F>(&[(9, 1), (2, 4), (5, 2)])?;
        ensure_eq!(
            c.entries(),
            vec![(2, 4), (5, 2), (9, 1)],
            "from_entries([(9, 1), (2, 4), (5, 2)]).entries(): sorted by node"
        );
        ensure_eq!(c.len(), 3, "its len()");
        Ok(())
    });

    ctx.check("a write that read the current version replaces it", || {
        let mut s = S::<F>::new();
        ensure_eq!(s.len(), 0, "Store::new().len()");
        let read = s.get();
        ensure_eq!(read.values, Vec::<&str>::new(), "Store::new().get().values");
        ensure_eq!(read.context.len(), 0, "Store::new().get().context.len()");
        let d1 = put::<F>(&mut s, 1, &read.context, "v1")?;
        ensure_eq!(d1, Dot { node: 1, counter: 1 }, "the dot of the first put through 1");
        let read = s.get();
        ensure_eq!(read.values, vec!["v1"], "get().values after one put");
        ensure_eq!(read.context.entries(), vec![(1, 1)], "get().context after one put");
        let d2 = put::<F>(&mut s, 1, &read.context, "v2")?;
        ensure_eq!(d2, Dot { node: 1, counter: 2 }, "the dot of the second put");
        ensure_eq!(s.get().values, vec!["v2"], "get().values: v2 read v1, so replaces it");
        ensure_eq!(s.len(), 1, "len()");
        Ok(())
    });

    ctx.check(
        "two blind writes through one node are both kept as siblings",
        || {
            let mut s = S::<F>::new();
            let empty = C::<F>::new();
            put::<F>(&mut s, 1, &empty, "milk")?;
            let d = put::<F>(&mut s, 1, &empty, "eggs")?;
            ensure_eq!(d, Dot { node: 1, counter: 2 }, "the second blind put's dot");
            ensure_eq!(
                sorted(s.get().values),
                vec!["eggs", "milk"],
                "get().values after two puts with an empty context through node 1: neither \
                 writer saw the other's write, so neither may replace the other (`milk` is \
                 lost by a store that keeps one version per node, or that ticks node 1's entry \
                 of a clock per version, so that eggs' clock {{1: 2}} looks as if it descended \
                 from milk's {{1: 1}})"
            );
            Ok(())
        },
    );

    ctx.check(
        "a read's context covers every sibling; a write with it replaces them all",
        || {
            let mut s = S::<F>::new();
            let empty = C::<F>::new();
            put::<F>(&mut s, 1, &empty, "a")?;
            put::<F>(&mut s, 2, &empty, "b")?;
            put::<F>(&mut s, 1, &empty, "c")?;
            let read = s.get();
            ensure_eq!(sorted(read.values.clone()), vec!["a", "b", "c"], "get().values");
            ensure_eq!(
                read.context.entries(),
                vec![(1, 2), (2, 1)],
                "get().context: the merge of every sibling's context and dot"
            );
            let d = put::<F>(&mut s, 2, &read.context, "merged")?;
            ensure_eq!(
                d,
                Dot { node: 2, counter: 2 },
                "the dot of a put through 2 after a read of {{1: 2, 2: 1}}"
            );
            ensure_eq!(s.get().values, vec!["merged"], "get().values after the merged write");
            // A context that covers some siblings only replaces those.
            let mut t = S::<F>::new();
            put::<F>(&mut t, 1, &empty, "x")?;
            put::<F>(&mut t, 2, &empty, "y")?;
            put::<F>(&mut t, 3, &clock::<F>(&[(1, 1)])?, "z")?;
            ensure_eq!(
                sorted(t.get().values),
                vec!["y", "z"],
                "after x (1,1), y (2,1), then z written with context {{1: 1}}: z replaces x only"
            );
            Ok(())
        },
    );

    ctx.check("a put's dot is one more than its node's largest counter known", || {
        let mut s = S::<F>::new();
        let d = put::<F>(&mut s, 4, &clock::<F>(&[(4, 9), (2, 1)])?, "from a context")?;
        ensure_eq!(
            d,
            Dot { node: 4, counter: 10 },
            "put(4, {{4: 9, 2: 1}}) in an empty store: one more than the context's 9"
        );
        let d = put::<F>(&mut s, 4, &C::<F>::new(), "blind")?;
        ensure_eq!(
            d,
            Dot { node: 4, counter: 11 },
            "a blind put(4) in a store holding the dot (4, 10)"
        );
        Ok(())
    });

    ctx.check(
        "receive keeps a concurrent version, drops a superseded or known one",
        || {
            let mut a = S::<F>::new();
            let mut b = S::<F>::new();
            let empty = C::<F>::new();
            put::<F>(&mut a, 1, &empty, "from a")?;
            put::<F>(&mut b, 2, &empty, "from b")?;
            for v in a.versions() {
                ensure_eq!(b.receive(v), Ok(true), "b.receive(a's concurrent version)");
            }
            ensure_eq!(
                sorted(b.get().values),
                vec!["from a", "from b"],
                "b's values after receiving a's concurrent version"
            );
            for v in a.versions() {
                ensure_eq!(b.receive(v), Ok(false), "b.receive(the same version again)");
            }
            ensure_eq!(b.len(), 2, "b.len() after a duplicate");
            let read = b.get();
            put::<F>(&mut b, 2, &read.context, "reconciled")?;
            for v in b.versions() {
                ensure_eq!(a.receive(v), Ok(true), "a.receive(b's reconciled version)");
            }
            ensure_eq!(
                a.get().values,
                vec!["reconciled"],
                "a's values: the reconciled version supersedes a's own"
            );
            Ok(())
        },
    );

    ctx.check("bad input to the store is refused, the store unchanged", || {
        let mut s = S::<F>::new();
        let empty = C::<F>::new();
        put::<F>(&mut s, 1, &empty, "old")?;
        put::<F>(&mut s, 2, &empty, "other")?;
        let held = "the store holding \"old\" (dot (1, 1)) and \"other\" (dot (2, 1))";
        let full = clock::<F>(&[(1, u64::MAX), (2, 1)])?;
        ensure_eq!(
            s.put(1, &full, "late"),
            Err(ClockError::Overflow { node: 1 }),
            "put(1, {{1: u64::MAX, 2: 1}}, \"late\") on {held}"
        );
        ensure_eq!(
            sorted(s.get().values),
            vec!["old", "other"],
            "get().values after that refused put: its context covers both versions, but a \
             refused write writes nothing, so it drops nothing either (check the counter before \
             dropping what the context covers)"
        );
        let zero = Version {
            value: "zero",
            dot: Dot { node: 5, counter: 0 },
            context: clock::<F>(&[(1, 1), (2, 1)])?,
        };
        ensure_eq!(
            s.receive(zero),
            Err(ClockError::ZeroCounter { node: 5 }),
            "receive(a version with dot (5, 0) and context {{1: 1, 2: 1}}) on {held}: a dot of \
             counter 0 is covered by every clock, so it must be refused before asking whether \
             a held version already covers it"
        );
        ensure_eq!(
            sorted(s.get().values),
            vec!["old", "other"],
            "get().values after that refused receive: nothing changes (its context covers both \
             versions, but a refused version supersedes nothing)"
        );
        let mut fresh = S::<F>::new();
        ensure_eq!(
            fresh.receive(Version {
                value: "zero",
                dot: Dot { node: 5, counter: 0 },
                context: C::<F>::new(),
            }),
            Err(ClockError::ZeroCounter { node: 5 }),
            "receive(a version with dot (5, 0)) on an empty store"
        );
        ensure_eq!(fresh.len(), 0, "len() after the refused receive on an empty store");
        Ok(())
    });
}
