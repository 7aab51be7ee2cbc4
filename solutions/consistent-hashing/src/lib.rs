//! SKELETON: the `consistent-hashing` kata (being written).

use kata_core::consistent_hashing::{
    ConcurrentRouter, ConfigError, MaglevRouter, MembershipError, NodeId, RingRouter, Router,
};

macro_rules! router {
    ($($t:ident),+) => {$(
        /// SKELETON.
        #[derive(Debug)]
        pub struct $t;

        impl Router for $t {
            fn new() -> Self {
                todo!(concat!(stringify!($t), "::new"))
            }
            fn add(&mut self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
                let _ = (node, weight);
                todo!(concat!(stringify!($t), "::add"))
            }
            fn remove(&mut self, node: NodeId) -> Result<(), MembershipError> {
                let _ = node;
                todo!(concat!(stringify!($t), "::remove"))
            }
            fn node_for(&self, key: &[u8]) -> Option<NodeId> {
                let _ = key;
                todo!(concat!(stringify!($t), "::node_for"))
            }
            fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
                let _ = (key, n);
                todo!(concat!(stringify!($t), "::nodes_for"))
            }
            fn members(&self) -> Vec<NodeId> {
                todo!(concat!(stringify!($t), "::members"))
            }
            fn len(&self) -> usize {
                todo!(concat!(stringify!($t), "::len"))
            }
        }
    )+};
}

router!(ModuloRouter, Ring, Jump, Rendezvous, Maglev);

impl RingRouter for Ring {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        let _ = vnodes;
        todo!("Ring::with_vnodes")
    }
    fn vnodes(&self) -> u32 {
        todo!("Ring::vnodes")
    }
    fn points(&self) -> usize {
        todo!("Ring::points")
    }
}

impl MaglevRouter for Maglev {
    fn with_table_size(table_size: u64) -> Result<Self, ConfigError> {
        let _ = table_size;
        todo!("Maglev::with_table_size")
    }
    fn table_size(&self) -> u64 {
        todo!("Maglev::table_size")
    }
}

/// SKELETON.
#[derive(Debug)]
pub struct SharedRing;

impl ConcurrentRouter for SharedRing {
    fn with_vnodes(vnodes: u32) -> Result<Self, ConfigError> {
        let _ = vnodes;
        todo!("SharedRing::with_vnodes")
    }
    fn add(&self, node: NodeId, weight: u32) -> Result<(), MembershipError> {
        let _ = (node, weight);
        todo!("SharedRing::add")
    }
    fn remove(&self, node: NodeId) -> Result<(), MembershipError> {
        let _ = node;
        todo!("SharedRing::remove")
    }
    fn node_for(&self, key: &[u8]) -> Option<NodeId> {
        let _ = key;
        todo!("SharedRing::node_for")
    }
    fn nodes_for(&self, key: &[u8], n: usize) -> Vec<NodeId> {
        let _ = (key, n);
        todo!("SharedRing::nodes_for")
    }
    fn members(&self) -> Vec<NodeId> {
        todo!("SharedRing::members")
    }
}
