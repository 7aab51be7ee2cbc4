//! An item's [`Hash`] bytes, recorded, for a crate whose filter or sketch is typed by its item.
//!
//! `bloomfilter::Bloom<T>` and `count_min_sketch::CountMinSketch64<K>` fix their item type in the
//! struct, where the kata's traits take any `T: Hash` at every call. So those adapters hand their
//! crate an [`ItemBytes`] instead: the bytes the item's own `Hash` impl writes, recorded in order,
//! whose `Hash` impl writes them again as one slice. The crate then hashes exactly what it would
//! have hashed of the item, with its own hasher (a hasher that streams bytes, as SipHash and
//! xxHash do, gives the same result for one write or several); `"abc"` and `String::from("abc")`
//! record the same bytes, as their `Hash` impls agree. Recording costs a copy of those bytes: 8
//! for a `u64`, into a buffer on the stack (longer items spill to the heap).
//!
//! (This file is compiled as a module of both `bloom_filter` and `count_min_sketch`.)

use std::hash::{Hash, Hasher};

/// How many bytes are kept on the stack before spilling to the heap.
const INLINE: usize = 32;

/// The bytes an item's [`Hash`] impl writes (see the module documentation).
#[derive(Clone)]
pub struct ItemBytes {
    len: usize,
    inline: [u8; INLINE],
    spill: Vec<u8>,
}

impl ItemBytes {
    /// The bytes `item` hashes as.
    #[inline]
    pub fn of<T: Hash + ?Sized>(item: &T) -> ItemBytes {
        let mut bytes = ItemBytes {
            len: 0,
            inline: [0; INLINE],
            spill: Vec::new(),
        };
        item.hash(&mut bytes);
        bytes
    }

    /// The recorded bytes, in the order they were written.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
}

impl Hasher for ItemBytes {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        if self.spill.is_empty() && self.len + bytes.len() <= INLINE {
            self.inline[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline[..self.len]);
            }
            self.spill.extend_from_slice(bytes);
        }
    }

    /// Never asked for: no `Hash` impl reads its hasher's result. A recorder has none to give.
    fn finish(&self) -> u64 {
        0
    }
}

impl Hash for ItemBytes {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.as_bytes());
    }
}
