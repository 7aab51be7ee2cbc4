//! The six routers behind one interface, so that a scenario is written once and run on each:
//! [`Subject`], implemented by [`Modulo`], [`Ring`], [`Jump`], [`Rendezvous`] and [`Maglev`] (a
//! [`Router`]) and [`Shared`] (a [`ConcurrentRouter`], driven through `&self`).
//!
//! [`Kind`] says what each may be asked and what it promises: whether it takes weights, whether
//! its membership is a set (the same members added in any order place keys alike) or a sequence
//! (jump: buckets numbered in order of addition, removal from the end only), and whether a change
//! of membership moves only the keys it must ([`Kind::minimal`]).
//!
//! Keys here are byte strings `key-<i>` ([`key`]), readable in a failure message and pasteable
//! into a test as `b"key-7"`.

use kata_core::consistent_hashing::{
    ConcurrentRouter, MaglevRouter, MembershipError, NodeId, Router, DEFAULT_TABLE_SIZE,
    DEFAULT_VNODES, MAX_WEIGHT,
};

/// Which of the kata's six types a [`Subject`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `ModuloRouter`: `hash mod n`, the anti-example.
    Modulo,
    /// `Ring`: the hash ring with virtual nodes.
    Ring,
    /// `Jump`: jump consistent hash.
    Jump,
    /// `Rendezvous`: highest random weight.
    Rendezvous,
    /// `Maglev`: the lookup table.
    Maglev,
    /// `SharedRing`: the ring shared by threads, through `&self`.
    Shared,
}

impl Kind {
    /// The six, in the order the stages run them.
    pub const ALL: [Kind; 6] = [
        Kind::Modulo,
        Kind::Ring,
        Kind::Jump,
        Kind::Rendezvous,
        Kind::Maglev,
        Kind::Shared,
    ];

    /// The type's name in the learner's crate.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Modulo => "ModuloRouter",
            Kind::Ring => "Ring",
            Kind::Jump => "Jump",
            Kind::Rendezvous => "Rendezvous",
            Kind::Maglev => "Maglev",
            Kind::Shared => "SharedRing",
        }
    }

    /// Whether nodes may have a weight other than 1 (jump and Maglev refuse it:
    /// [`MembershipError::WeightsUnsupported`]).
    pub fn weighted(self) -> bool {
        !matches!(self, Kind::Jump | Kind::Maglev)
    }

    /// Whether the membership is a sequence rather than a set: jump's buckets are numbered in
    /// the order nodes were added, so the same members added in another order place keys
    /// differently, and only the last one added may be removed.
    pub fn ordered(self) -> bool {
        self == Kind::Jump
    }

    /// Whether a change of membership moves only the keys it must, exactly: after `add(x)`
    /// every key keeps its node or moves to `x`; after `remove(x)` only the keys that were on
    /// `x` move. True of the ring, jump and rendezvous; not of modulo (the anti-example, which
    /// moves almost every key) nor of Maglev (whose table moves a few more keys than the
    /// minimum: the quality stage measures how many).
    pub fn minimal(self) -> bool {
        matches!(
            self,
            Kind::Ring | Kind::Jump | Kind::Rendezvous | Kind::Shared
        )
    }

    /// How a test pasted from a failure declares the router (`let mut` or `let`).
    pub fn binding(self) -> &'static str {
        match self {
            Kind::Shared => "let",
            _ => "let mut",
        }
    }
}

/// One of the six routers, driven the same way (see the module documentation).
pub trait Subject: Sized {
    /// Which type this is.
    const KIND: Kind;
    /// An empty router with the variant's defaults (or the table size a [`Maglev`] wrapper
    /// names).
    ///
    /// # Errors
    ///
    /// The constructor's error, as a message.
    fn make() -> Result<Self, String>;
    /// The expression that builds it, for a test pasted from a failure: `Ring::new()`.
    fn constructor() -> String;
    /// As [`Router::add`].
    ///
    /// # Errors
    ///
    /// As [`Router::add`].
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError>;
    /// As [`Router::remove`].
    ///
    /// # Errors
    ///
    /// As [`Router::remove`].
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError>;
    /// As [`Router::node_for`].
    fn node_for(&self, key: &[u8]) -> Option<NodeId>;
    /// As [`Router::nodes_for`].
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId>;
    /// As [`Router::members`].
    fn members(&self) -> Vec<NodeId>;
    /// As [`Router::len`]; for [`Shared`], which has no `len`, the length of `members()`.
    fn len(&self) -> usize;
    /// As [`Router::is_empty`]; for [`Shared`], whether `members()` is empty.
    fn is_empty(&self) -> bool;
    /// The table size, for a Maglev router; `None` for the others.
    fn table_size(&self) -> Option<u64> {
        None
    }
}

/// The modulo router of a family.
#[derive(Debug)]
pub struct Modulo<R>(pub R);
/// The ring of a family.
#[derive(Debug)]
pub struct Ring<R>(pub R);
/// The jump router of a family.
#[derive(Debug)]
pub struct Jump<R>(pub R);
/// The rendezvous router of a family.
#[derive(Debug)]
pub struct Rendezvous<R>(pub R);
/// The Maglev router of a family, with a table of `TABLE` slots ([`DEFAULT_TABLE_SIZE`]: made
/// by `Router::new`, any other through `with_table_size`).
#[derive(Debug)]
pub struct Maglev<R, const TABLE: u64 = DEFAULT_TABLE_SIZE>(pub R);
/// The shared ring of a family, with [`DEFAULT_VNODES`], driven through `&self`.
#[derive(Debug)]
pub struct Shared<C>(pub C);

macro_rules! single {
    ($wrapper:ident, $kind:expr) => {
        impl<R: Router> Subject for $wrapper<R> {
            const KIND: Kind = $kind;
            fn make() -> Result<Self, String> {
                Ok($wrapper(R::new()))
            }
            fn constructor() -> String {
                format!("{}::new()", $kind.type_name())
            }
            fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
                self.0.add(node, weight)
            }
            fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
                self.0.remove(node)
            }
            fn node_for(&self, key: &[u8]) -> Option<NodeId> {
                self.0.node_for(key)
            }
            fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
                self.0.nodes_for(key, n)
            }
            fn members(&self) -> Vec<NodeId> {
                self.0.members()
            }
            fn len(&self) -> usize {
                self.0.len()
            }
            fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }
    };
}

single!(Modulo, Kind::Modulo);
single!(Ring, Kind::Ring);
single!(Jump, Kind::Jump);
single!(Rendezvous, Kind::Rendezvous);

impl<R: MaglevRouter, const TABLE: u64> Subject for Maglev<R, TABLE> {
    const KIND: Kind = Kind::Maglev;
    fn make() -> Result<Self, String> {
        if TABLE == DEFAULT_TABLE_SIZE {
            return Ok(Maglev(R::new()));
        }
        R::with_table_size(TABLE)
            .map(Maglev)
            .map_err(|e| format!("Maglev::with_table_size({TABLE}) failed: {e}"))
    }
    fn constructor() -> String {
        if TABLE == DEFAULT_TABLE_SIZE {
            "Maglev::new()".to_owned()
        } else {
            format!("Maglev::with_table_size({TABLE})?")
        }
    }
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.0.add(node, weight)
    }
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        self.0.remove(node)
    }
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        self.0.node_for(key)
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        self.0.nodes_for(key, n)
    }
    fn members(&self) -> Vec<NodeId> {
        self.0.members()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn table_size(&self) -> Option<u64> {
        Some(self.0.table_size())
    }
}

impl<C: ConcurrentRouter> Subject for Shared<C> {
    const KIND: Kind = Kind::Shared;
    fn make() -> Result<Self, String> {
        C::with_vnodes(DEFAULT_VNODES)
            .map(Shared)
            .map_err(|e| format!("SharedRing::with_vnodes({DEFAULT_VNODES}) failed: {e}"))
    }
    fn constructor() -> String {
        format!("SharedRing::with_vnodes({DEFAULT_VNODES})?")
    }
    fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        self.0.add(node, weight)
    }
    fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
        self.0.remove(node)
    }
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        self.0.node_for(key)
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        self.0.nodes_for(key, n)
    }
    fn members(&self) -> Vec<NodeId> {
        self.0.members()
    }
    fn len(&self) -> usize {
        self.0.members().len()
    }
    fn is_empty(&self) -> bool {
        self.0.members().is_empty()
    }
}

/// Key `i` of the examples and properties: the bytes of `key-<i>`.
pub fn key(i: usize) -> Vec<u8> {
    format!("key-{i}").into_bytes()
}

/// A key as a Rust byte-string literal, for messages and pasted tests: `b"key-7"`.
pub fn show(key: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &b in key {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// A router built with `S::make()` and the nodes `(id, weight)` added in order, or a message
/// naming the call that failed.
///
/// # Errors
///
/// The constructor or an `add` failed.
pub fn built<S: Subject>(nodes: &[(NodeId, u32)]) -> Result<S, String> {
    let mut r = S::make()?;
    for &(node, weight) in nodes {
        r.add(node, weight).map_err(|e| {
            format!(
                "{}: add({node}, {weight}) failed on a router holding {:?}: {e}",
                S::constructor(),
                r.members()
            )
        })?;
    }
    Ok(r)
}

/// The nodes `ids` with weight 1.
pub fn ones(ids: impl IntoIterator<Item = NodeId>) -> Vec<(NodeId, u32)> {
    ids.into_iter().map(|id| (id, 1)).collect()
}

/// `router.node_for` of each key.
pub fn answers<S: Subject>(router: &S, keys: &[Vec<u8>]) -> Vec<Option<NodeId>> {
    keys.iter().map(|k| router.node_for(k)).collect()
}

/// What the model says an `add(node, weight)` must return, for a router of kind `kind` whose
/// members are `members` and whose Maglev table (if any) has room for `room` more nodes
/// (`usize::MAX` when not a Maglev router).
pub fn add_error(
    kind: Kind,
    members: &[NodeId],
    node: NodeId,
    weight: u32,
    room: usize,
    table_size: u64,
) -> Option<MembershipError> {
    if weight == 0 {
        return Some(MembershipError::ZeroWeight);
    }
    if weight > MAX_WEIGHT {
        return Some(MembershipError::WeightTooLarge(weight));
    }
    if !kind.weighted() && weight != 1 {
        return Some(MembershipError::WeightsUnsupported);
    }
    if members.contains(&node) {
        return Some(MembershipError::AlreadyMember(node));
    }
    if room == 0 {
        return Some(MembershipError::TableFull { table_size });
    }
    None
}

/// What the model says a `remove(node)` must return, for a router of kind `kind` whose members
/// are `order`, in the order they were added.
pub fn remove_error(kind: Kind, order: &[NodeId], node: NodeId) -> Option<MembershipError> {
    if !order.contains(&node) {
        return Some(MembershipError::NotMember(node));
    }
    match order.last() {
        Some(&last) if kind.ordered() && last != node => {
            Some(MembershipError::NotLast { node, last })
        }
        _ => None,
    }
}

/// A result of `add` or `remove` as a pasted test writes it: `Ok(())`,
/// `Err(MembershipError::NotMember(3))`.
pub fn result(r: &Result<(), MembershipError>) -> String {
    match r {
        Ok(()) => "Ok(())".to_owned(),
        Err(e) => format!("Err(MembershipError::{e:?})"),
    }
}

/// The checks every answer of `nodes_for(key, n)` must pass, whatever the router: at most `n`
/// nodes, exactly `min(n, members.len())`, distinct, members only, the first equal to
/// `node_for(key)`. `call` names the call for the message.
///
/// # Errors
///
/// The first rule broken, as a message.
pub fn check_replicas(
    call: &str,
    got: &[NodeId],
    n: usize,
    members: &[NodeId],
    first: Option<NodeId>,
) -> Result<(), String> {
    let want = n.min(members.len());
    if got.len() != want {
        return Err(format!(
            "{call} returned {got:?}: {} node(s), expected {want} (min(n = {n}, {} members: \
             {members:?})){}",
            got.len(),
            members.len(),
            if got.len() < want {
                ": nodes_for must go on until it has n distinct nodes or every member (on a \
                 ring, past the last point it goes on from the first: the ring wraps around)"
            } else {
                ""
            }
        ));
    }
    for (i, x) in got.iter().enumerate() {
        if !members.contains(x) {
            return Err(format!(
                "{call} returned {got:?}: {x} is not a member (members: {members:?})"
            ));
        }
        if got[..i].contains(x) {
            return Err(format!(
                "{call} returned {got:?}: {x} twice; replicas must be on distinct nodes (skip a \
                 node already chosen: two virtual nodes of one node, or a table slot of a node \
                 already taken)"
            ));
        }
    }
    if n > 0 && got.first().copied() != first {
        return Err(format!(
            "{call} returned {got:?}, but node_for gives {first:?}: the first replica is the \
             node that holds the key"
        ));
    }
    Ok(())
}
