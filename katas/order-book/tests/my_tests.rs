//! Your own tests. Run them with `cargo test -p order-book-kata` (the grader never does: it runs
//! its own suite with `cargo kata check order-book`).
//!
//! Two to start from: an example, and a property written with quickcheck, which generates random
//! inputs and shrinks a failing one to a small case.

use order_book_kata::{Book, BookConfig, Command, Event, NewOrder, OrderBook, Side, TimeInForce};
use quickcheck::quickcheck;

fn gtc(id: u64, side: Side, price: u64, qty: u64) -> Command {
    Command::Submit(NewOrder {
        id,
        side,
        price: Some(price),
        qty,
        tif: TimeInForce::Gtc,
    })
}

#[test]
fn a_buy_through_an_ask_fills_at_the_ask() {
    let mut book = Book::new(BookConfig::new(5, 5, 10_000).unwrap());
    let mut events = Vec::new();
    book.execute(&gtc(1, Side::Sell, 100, 5), &mut events);
    events.clear();
    book.execute(&gtc(2, Side::Buy, 105, 5), &mut events);
    assert!(
        events.contains(&Event::Filled {
            maker: 1,
            taker: 2,
            price: 100,
            qty: 5
        }),
        "{events:?}"
    );
    assert_eq!(book.best_ask(), None);
}

quickcheck! {
    /// Orders that all rest on one side: the best level is the highest bid, with all its quantity.
    fn resting_bids_add_up(qtys: Vec<u8>) -> bool {
        let mut book = Book::new(BookConfig::new(1, 1, 1_000).unwrap());
        let mut events = Vec::new();
        let mut total = 0;
        for (i, q) in qtys.iter().enumerate() {
            let q = u64::from(*q) + 1;
            book.execute(&gtc(i as u64, Side::Buy, 500, q), &mut events);
            total += q;
        }
        qtys.is_empty() || book.best_bid().map(|l| l.qty) == Some(total)
    }
}
