//! The events a graded run writes, one JSON object per line, and the CLI reads back.
//!
//! The runner appends and flushes an event as soon as it happens, so when learner code crashes
//! the process, the file still says which check was running. Learner code is free to print: its
//! output goes to stdout/stderr, never into this file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// One line of the events file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A check begins.
    CheckStart {
        /// The check's name.
        name: String,
    },
    /// A check ended.
    CheckEnd {
        /// The check's name.
        name: String,
        /// Whether it passed.
        passed: bool,
        /// Why it failed (empty when it passed).
        message: String,
        /// Whether the failure was a `todo!()` / `unimplemented!()` in the implementation.
        todo: bool,
        /// `file:line` of the panic that failed it, if one did.
        location: Option<String>,
    },
    /// A measured figure, with the threshold it was judged against.
    Measurement(Measurement),
    /// A table to print (the complexity stage's sizes and costs, say).
    Table {
        /// What the table shows.
        title: String,
        /// Column headings.
        headers: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
    /// A line of information for the learner.
    Note {
        /// The text.
        text: String,
    },
}

/// A measured figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// What was measured.
    pub name: String,
    /// The figure. Infinite or NaN when there is none (measuring gave up): JSON has no such
    /// numbers, so it is written as `null` and read back as infinity.
    #[serde(deserialize_with = "number_or_null")]
    pub value: f64,
    /// Its unit ("ratio", "ns/op", "tokens", ...).
    pub unit: String,
    /// The threshold, as text ("<= 0.5", "== 100", "within 0.02 of 0.731").
    pub threshold: String,
    /// Whether the figure meets the threshold.
    pub passed: bool,
}

/// Reads a figure written as a number, or as `null` (a figure that was not finite) as infinity.
fn number_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
}

/// Writes events to a file, one flushed line each.
pub struct Reporter {
    out: Option<BufWriter<File>>,
    /// Every event written, kept for in-process callers and tests.
    pub events: Vec<Event>,
}

impl Reporter {
    /// A reporter that writes to `path` (created or truncated).
    ///
    /// # Errors
    ///
    /// When the file cannot be created.
    pub fn to_file(path: &Path) -> std::io::Result<Reporter> {
        Ok(Reporter {
            out: Some(BufWriter::new(File::create(path)?)),
            events: Vec::new(),
        })
    }

    /// A reporter that only keeps events in memory.
    pub fn in_memory() -> Reporter {
        Reporter {
            out: None,
            events: Vec::new(),
        }
    }

    /// Records `event`, flushing it to the file at once.
    pub fn emit(&mut self, event: Event) {
        if let Some(out) = &mut self.out {
            // The events file is the only channel to the CLI; if it cannot be written the CLI
            // reports the run as ungradable (no events), so a write error is not lost.
            let _ = serde_json::to_writer(&mut *out, &event);
            let _ = out.write_all(b"\n");
            let _ = out.flush();
        }
        self.events.push(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measurement_that_gave_up_reads_back_failed_and_infinite() {
        let m = Event::Measurement(Measurement {
            name: "gave up".into(),
            value: f64::INFINITY,
            unit: "x".into(),
            threshold: "finite".into(),
            passed: false,
        });
        let line = serde_json::to_string(&m).expect("serialisable");
        assert!(line.contains("\"value\":null"), "{line}");
        match serde_json::from_str::<Event>(&line).expect("read back") {
            Event::Measurement(back) => {
                assert!(!back.passed);
                assert_eq!(back.value, f64::INFINITY);
            }
            other => panic!("{other:?}"),
        }
    }
}
