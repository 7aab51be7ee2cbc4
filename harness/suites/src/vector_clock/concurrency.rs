//! Stage 3 of `vector-clock`: replicas as threads exchanging messages over channels.
//!
//! A vector clock's concurrency is not threads sharing memory but processes exchanging
//! messages, so that is what this stage runs: each replica is a thread owning its clock and its
//! store, and talks to the others only through channels (`kata_core::sync::channel`). A replica
//! ticks its clock at every event, sends a copy of it with every message (with the versions it
//! holds), merges the clock of every message it receives, and stores what it writes and
//! receives. Every event's clock is logged.
//!
//! Afterwards the suite rebuilds the event graph from the logs (which message each receive got)
//! and computes the true happened-before relation from it ([`super::model::History`]); the check
//! is that **every** pair of logged clocks compares as their events are related, and that **no
//! write is lost**: each replica holds exactly the versions it wrote or received that nothing it
//! holds supersedes ([`super::model::ModelReplica`], fed the same operations).
//!
//! Under `--cfg kata_loom`, three replicas and three messages, every delivery order loom can
//! reach (which of two messages replica 2 receives first decides what its write saw); replica 1
//! writes twice without reading, so its two versions must travel as siblings. Otherwise
//! four replicas on real threads, 150 random steps each, messages in whatever order the
//! machine delivers them.

use kata_core::vector_clock::{Causality, Version, VectorClock, VersionedStore};

use super::model::{model_of, Event, History, Kind, ModelReplica, ModelVersion};
use super::VectorClockFamily;
use crate::check::Outcome;
use crate::Ctx;

/// What one replica sends: its clock and its versions, numbered `msg`.
pub struct Message<C> {
    /// Unique over the run.
    pub msg: usize,
    /// The sender's clock just after its send event.
    pub clock: C,
    /// The versions the sender held.
    pub versions: Vec<Version<u64, C>>,
}

/// One replica: its node, clock, store, the model of its store, and the log of its events.
pub struct Replica<C, S> {
    node: u32,
    clock: C,
    store: S,
    model: ModelReplica,
    /// Each event and the clock just after it.
    pub log: Vec<(Kind, C)>,
}

impl<C: VectorClock, S: VersionedStore<u64, Clock = C>> Replica<C, S> {
    /// A replica coordinating as `node`.
    pub fn new(node: u32) -> Self {
        Replica {
            node,
            clock: C::new(),
            store: S::new(),
            model: ModelReplica::default(),
            log: Vec::new(),
        }
    }

    fn tick(&mut self, kind: Kind) -> Outcome {
        self.clock
            .tick(self.node)
            .map_err(|e| format!("replica {}: tick failed: {e}", self.node))?;
        self.log.push((kind, self.clock.clone()));
        Ok(())
    }

    /// A client write through this replica, having read it first (`blind`: having read nothing).
    pub fn write(&mut self, value: u64, blind: bool) -> Outcome {
        let context = if blind { C::new() } else { self.store.get().context };
        let model_context = model_of(&context);
        let dot = self
            .store
            .put(self.node, &context, value)
            .map_err(|e| format!("replica {}: put failed: {e}", self.node))?;
        let expected = self.model.put(self.node, &model_context, value);
        if Some(dot) != expected {
            return Err(format!(
                "replica {}: put({}, {model_context:?}, {value}) gave dot {dot:?}, expected \
                 {expected:?}",
                self.node, self.node
            ));
        }
        self.tick(Kind::Local)?;
        self.check_store("after a write")
    }

    /// The message of send event `msg`.
    pub fn send(&mut self, msg: usize) -> Result<Message<C>, String> {
        self.tick(Kind::Send { msg })?;
        Ok(Message {
            msg,
            clock: self.clock.clone(),
            versions: self.store.versions(),
        })
    }

    /// Receives `m`: merges its clock, ticks, takes in its versions.
    pub fn receive(&mut self, m: Message<C>) -> Outcome {
        self.clock.merge(&m.clock);
        self.tick(Kind::Recv { msg: m.msg })?;
        for v in m.versions {
            let mv = ModelVersion::of(&v);
            self.model.receive(&mv);
            self.store
                .receive(v)
                .map_err(|e| format!("replica {}: receive failed: {e}", self.node))?;
        }
        self.check_store("after receiving a message")
    }

    fn check_store(&self, when: &str) -> Outcome {
        let mut held: Vec<ModelVersion> =
            self.store.versions().iter().map(ModelVersion::of).collect();
        held.sort();
        if held != self.model.held {
            let lost: Vec<_> = self
                .model
                .held
                .iter()
                .filter(|v| !held.contains(v))
                .map(|v| (v.dot, v.value))
                .collect();
            let extra: Vec<_> = held
                .iter()
                .filter(|v| !self.model.held.contains(v))
                .map(|v| (v.dot, v.value))
                .collect();
            return Err(format!(
                "invariant broken at replica {} {when}: a write was lost or kept too long. \
                 Versions (dot, value) that nothing supersedes but the store does not hold: \
                 {lost:?}; versions held that should not be: {extra:?}",
                self.node
            ));
        }
        Ok(())
    }
}

/// The history the logs make (events in an order where every send precedes its receive) and
/// every event's clock, in the same order.
///
/// # Errors
///
/// When a receive names a message no log sent.
pub fn assemble<C>(nodes: &[u32], logs: Vec<Vec<(Kind, C)>>) -> Result<(History, Vec<C>), String> {
    let total: usize = logs.iter().map(Vec::len).sum();
    let mut next = vec![0usize; logs.len()];
    let mut sent = std::collections::BTreeSet::new();
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(total);
    while order.len() < total {
        let mut moved = false;
        for p in 0..logs.len() {
            while let Some((kind, _)) = logs[p].get(next[p]) {
                if let Kind::Recv { msg } = kind {
                    if !sent.contains(msg) {
                        break;
                    }
                }
                if let Kind::Send { msg } = kind {
                    sent.insert(*msg);
                }
                order.push((p, next[p]));
                next[p] += 1;
                moved = true;
            }
        }
        if !moved {
            return Err("the logs receive a message that was never sent".into());
        }
    }
    let mut slots: Vec<Vec<Option<(Kind, C)>>> = logs
        .into_iter()
        .map(|l| l.into_iter().map(Some).collect())
        .collect();
    let mut events = Vec::with_capacity(total);
    let mut clocks = Vec::with_capacity(total);
    for (p, i) in order {
        let (kind, c) = slots[p][i].take().expect("each event is taken once");
        events.push(Event { process: p, kind });
        clocks.push(c);
    }
    Ok((
        History {
            nodes: nodes.to_vec(),
            events,
        },
        clocks,
    ))
}

/// Checks that every pair of event clocks compares as the events are related.
///
/// # Errors
///
/// The first pair that does not, with both clocks and the events.
pub fn agree<C: VectorClock>(h: &History, clocks: &[C]) -> Outcome {
    let past = h.past();
    for a in 0..clocks.len() {
        for b in 0..clocks.len() {
            let truth = History::relation(&past, a, b);
            let got = clocks[a].compare(&clocks[b]);
            if got != truth {
                let what = |e: usize| {
                    let ev = h.events[e];
                    let kind = match ev.kind {
                        Kind::Local => "a write".to_owned(),
                        Kind::Send { msg } => format!("the send of message {msg}"),
                        Kind::Recv { msg } => format!("the receipt of message {msg}"),
                    };
                    format!("{kind} at node {}", h.nodes[ev.process])
                };
                let hint = if truth == Causality::Concurrent {
                    " (a clock that counts an event its owner had not heard of: did a clock \
                     sent in a message change after it was sent? A clone must not share \
                     entries with the original)"
                } else {
                    ""
                };
                return Err(format!(
                    "invariant broken: {} is {truth:?} {} in the event graph, but its clock {:?} \
                     compared with {:?} gives {got:?}{hint}",
                    what(a),
                    what(b),
                    clocks[a].entries(),
                    clocks[b].entries()
                ));
            }
        }
    }
    Ok(())
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(not(kata_loom))]
pub fn run<F: VectorClockFamily>(ctx: &mut Ctx) {
    let seed = ctx.sub_seed(3);
    ctx.check(
        "stress: 4 replica threads, 150 random steps each, messages over channels: every \
         comparison agrees with happened-before, no write lost",
        || stress::<F>(seed),
    );
}

#[cfg(not(kata_loom))]
fn stress<F: VectorClockFamily>(seed: u64) -> Outcome {
    use kata_core::sync::channel::{unbounded, Receiver, Sender};

    use crate::measure::SplitMix64;

    const REPLICAS: usize = 4;
    const STEPS: usize = 150;
    const NODES: [u32; REPLICAS] = [3, 17, 1_000, 40_000];
    enum Mail<C> {
        Message(Message<C>),
        Done,
    }
    type R<F> = Replica<<F as VectorClockFamily>::Clock, <F as VectorClockFamily>::Store<u64>>;
    type Pair<C> = (Sender<Mail<C>>, Receiver<Mail<C>>);
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..REPLICAS)
        .map(|_| -> Pair<F::Clock> { unbounded() })
        .unzip();
    let handles: Vec<_> = receivers
        .into_iter()
        .enumerate()
        .map(|(r, inbox)| {
            let senders = senders.clone();
            std::thread::spawn(move || {
                crate::check::guarded(|| -> Result<Vec<(Kind, F::Clock)>, String> {
                    let mut rng = SplitMix64::new(seed ^ r as u64);
                    let mut me = R::<F>::new(NODES[r]);
                    let mut sent = 0;
                    // Done markers that arrive while this replica is still working.
                    let mut early_done = 0;
                    let mut work = || -> Outcome {
                        for step in 0..STEPS {
                            match rng.below(4) {
                                0 | 1 => me.write((r * 1_000 + step) as u64, rng.below(4) == 0)?,
                                2 => {
                                    let mut to = rng.below(REPLICAS as u64 - 1) as usize;
                                    if to >= r {
                                        to += 1;
                                    }
                                    let m = me.send(r * 10_000 + sent)?;
                                    sent += 1;
                                    let _ = senders[to].send(Mail::Message(m));
                                }
                                _ => {
                                    while let Ok(mail) = inbox.try_recv() {
                                        match mail {
                                            Mail::Message(m) => me.receive(m)?,
                                            Mail::Done => early_done += 1,
                                        }
                                    }
                                }
                            }
                        }
                        Ok(())
                    };
                    let mut outcome = work();
                    // Done is sent whatever happened, so that no replica waits for this one.
                    for (to, s) in senders.iter().enumerate() {
                        if to != r {
                            let _ = s.send(Mail::Done);
                        }
                    }
                    let mut done = early_done;
                    while done < REPLICAS - 1 {
                        match inbox.recv().map_err(|_| "the inbox closed".to_owned())? {
                            Mail::Message(m) if outcome.is_ok() => outcome = me.receive(m),
                            Mail::Message(_) => {}
                            Mail::Done => done += 1,
                        }
                    }
                    outcome?;
                    Ok(me.log)
                })
                .and_then(|r| r)
                .map_err(|e| {
                    // A `todo!()` is reported as itself, so that it reads as one.
                    if crate::check::is_todo(&e) {
                        e
                    } else {
                        format!("replica {}: {e}", NODES[r])
                    }
                })
            })
        })
        .collect();
    drop(senders);
    let mut logs = Vec::new();
    for h in handles {
        logs.push(crate::check::join_worker(h)?);
    }
    let (history, clocks) = assemble(&NODES, logs)?;
    agree(&history, &clocks)
}

/// Grades this stage on `F`: loom's model checks under `--cfg kata_loom`, the stress test
/// otherwise (through [`super::run`] or [`crate::grade!`]).
#[cfg(kata_loom)]
pub fn run<F: VectorClockFamily>(ctx: &mut Ctx) {
    ctx.check(
        "loom: replicas 0 and 1 write (1 twice, blind) and send to 2, which writes between \
         their messages and sends to 0: in every delivery order, every comparison agrees with happened-before and \
         no write is lost",
        || crate::check::loom_model(three_replicas::<F>),
    );
}

#[cfg(kata_loom)]
fn three_replicas<F: VectorClockFamily>() -> Outcome {
    use kata_core::sync::channel::unbounded;
    use loom::thread;

    type R<F> = Replica<<F as VectorClockFamily>::Clock, <F as VectorClockFamily>::Store<u64>>;
    const NODES: [u32; 3] = [1, 2, 3];
    let (to_0, inbox_0) = unbounded::<Message<F::Clock>>();
    let (to_2, inbox_2) = unbounded::<Message<F::Clock>>();
    let to_2_from_1 = to_2.clone();
    let r0 = thread::spawn(move || -> Result<Vec<(Kind, F::Clock)>, String> {
        let mut me = R::<F>::new(NODES[0]);
        me.write(100, true)?;
        let m = me.send(0)?;
        to_2.send(m).map_err(|_| "replica 2 hung up".to_owned())?;
        let m = inbox_0.recv().map_err(|_| "no message for 0".to_owned())?;
        me.receive(m)?;
        me.write(101, false)?;
        Ok(me.log)
    });
    let r1 = thread::spawn(move || -> Result<Vec<(Kind, F::Clock)>, String> {
        let mut me = R::<F>::new(NODES[1]);
        // Two blind writes through one node: two siblings, neither replacing the other.
        me.write(200, true)?;
        me.write(201, true)?;
        let m = me.send(1)?;
        to_2_from_1
            .send(m)
            .map_err(|_| "replica 2 hung up".to_owned())?;
        Ok(me.log)
    });
    let r2 = thread::spawn(move || -> Result<Vec<(Kind, F::Clock)>, String> {
        let mut me = R::<F>::new(NODES[2]);
        let m = inbox_2.recv().map_err(|_| "no message for 2".to_owned())?;
        me.receive(m)?;
        me.write(300, false)?;
        let m = me.send(2)?;
        to_0.send(m).map_err(|_| "replica 0 hung up".to_owned())?;
        let m = inbox_2.recv().map_err(|_| "no message for 2".to_owned())?;
        me.receive(m)?;
        Ok(me.log)
    });
    let mut logs = Vec::new();
    for h in [r0, r1, r2] {
        logs.push(h.join().map_err(|_| "a replica panicked".to_owned())??);
    }
    let (history, clocks) = assemble(&NODES, logs)?;
    agree(&history, &clocks)
}
