//! The graded suite of the `order-book` kata.
//!
//! Written once against [`kata_core::order_book`]'s traits, run against whichever
//! [`OrderBookFamily`] the runner plugs in. The yardstick, a book of sorted maps and queues
//! matched by brute force, is in [`model`]; the flows the benches, the quality and the
//! complexity stages share are in [`workloads`].

use kata_core::catalogue::Stage;
use kata_core::order_book::{OrderBook, OrderEngine};

use crate::Ctx;

pub mod complexity;
pub use complexity::COUNTED as COMPLEXITY_COUNTED;
pub use complexity::SERIES as COMPLEXITY_SERIES;
pub mod concurrency;
pub mod examples;
pub mod model;
pub mod properties;
pub mod quality;
pub mod workloads;

/// The types one implementation of the kata provides.
pub trait OrderBookFamily: 'static {
    /// The book.
    type Book: OrderBook + 'static;
    /// The single-writer engine.
    type Engine: OrderEngine + 'static;
}

/// Declares a unit struct implementing [`OrderBookFamily`] with the `Book` and `Engine` types
/// of crate `$krate`.
#[macro_export]
macro_rules! order_book_family {
    ($(#[$meta:meta])* $name:ident => $krate:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::order_book::OrderBookFamily for $name {
            type Book = $krate::Book;
            type Engine = $krate::Engine;
        }
    };
}

/// Runs `stage` of the suite on implementation `F`, with `R` as the reference for comparisons.
pub fn run<F: OrderBookFamily, R: OrderBookFamily>(stage: Stage, ctx: &mut Ctx) {
    crate::grade!(order_book, F, R, stage, ctx, all).expect("all is every stage");
}
