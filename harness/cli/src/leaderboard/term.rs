//! The leaderboards on the terminal: one table per kata and workload, ranked, and the lines that
//! are not entries as warnings.
//!
//! Colour only when asked (a terminal without `NO_COLOR`, decided by `render::Out`). Strings from
//! a board are user input: control characters are shown escaped, so a name cannot move the cursor
//! or recolour the terminal.

use std::io::{self, Write};

use kata_suites::bench::Pace;

use super::{rank, Shown};

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The longest name shown in full; longer ones end in `…`.
const NAME_WIDTH: usize = 32;

fn paint(color: bool, style: &str, text: &str) -> String {
    if color {
        format!("{style}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

/// `s` safe to print: control characters escaped, at most `max` characters.
fn clean(s: &str, max: usize) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    // Columns, not characters: a name in CJK takes two columns a character.
    if crate::render::width(&escaped) > max {
        let mut cut = String::new();
        for c in escaped.chars() {
            if crate::render::width(&cut) + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
                >= max
            {
                break;
            }
            cut.push(c);
        }
        cut + "…"
    } else {
        escaped
    }
}

/// `text` padded to `width` characters, left- or right-aligned.
fn pad(text: &str, width: usize, right: bool) -> String {
    use crate::render::Align;
    crate::render::pad(text, width, if right { Align::Right } else { Align::Left })
}

/// Nanoseconds per operation with three significant figures or so.
pub(super) fn ns(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// The date part of an RFC 3339 time, or the whole string when it is not one.
pub(super) fn date(when: &str) -> &str {
    match when.get(..10) {
        Some(d) if d.as_bytes().get(4) == Some(&b'-') => d,
        _ => when,
    }
}

/// Every line that is not an entry, as `warning: <file>:<line>: <why>`.
pub fn warnings(w: &mut impl Write, shown: &[Shown], color: bool) -> io::Result<()> {
    for s in shown {
        for (line, why) in &s.warnings {
            writeln!(
                w,
                "{} {}:{line}: {} (the line is kept as it is: fix it or delete it)",
                paint(color, YELLOW, "warning:"),
                s.file,
                clean(why, 200)
            )?;
        }
    }
    Ok(())
}

/// The ranked boards.
pub fn boards(w: &mut impl Write, shown: &[Shown], color: bool) -> io::Result<()> {
    if shown.is_empty() {
        writeln!(
            w,
            "No leaderboards yet (benches/leaderboards/ has no <kata>.jsonl): {}.",
            super::how_to_enter("<kata>")
        )?;
        return Ok(());
    }
    for s in shown {
        if s.entries.is_empty() {
            writeln!(
                w,
                "{}: no entries yet in {}: {}.",
                paint(color, BOLD, &clean(&s.kata, NAME_WIDTH)),
                s.file,
                super::how_to_enter(&clean(&s.kata, NAME_WIDTH))
            )?;
            continue;
        }
        writeln!(
            w,
            "{} {}",
            paint(
                color,
                BOLD,
                &format!("{} leaderboard", clean(&s.kata, NAME_WIDTH))
            ),
            paint(
                color,
                DIM,
                &format!(
                    "({}, {} entr{})",
                    s.file,
                    s.entries.len(),
                    if s.entries.len() == 1 { "y" } else { "ies" }
                )
            )
        )?;
        for block in rank(&s.entries) {
            writeln!(
                w,
                "  workload {}",
                paint(color, BOLD, &clean(block.workload, 64))
            )?;
            let names: Vec<String> = block
                .rows
                .iter()
                .map(|r| {
                    let n = clean(&r.entry.who, NAME_WIDTH);
                    if r.best {
                        n + " ★"
                    } else {
                        n
                    }
                })
                .collect();
            let who_w = names
                .iter()
                .map(|n| crate::render::width(n))
                .max()
                .unwrap_or(0);
            let who_w = who_w.max(3);
            let ns_w = block
                .rows
                .iter()
                .map(|r| ns(r.result.ns_per_op).len())
                .max()
                .unwrap_or(0)
                .max(5);
            let ratio_w = block
                .rows
                .iter()
                .map(|r| r.result.ratio().label().len())
                .max()
                .unwrap_or(0)
                .max(5);
            writeln!(
                w,
                "{}",
                paint(
                    color,
                    DIM,
                    &format!(
                        "    rank  {}  {}  {}  {}  {}  date        mode",
                        pad("who", who_w, false),
                        pad("ratio", ratio_w, true),
                        pad("vs ref", 6, false),
                        pad("ns/op", ns_w, true),
                        pad("instr", 5, true)
                    )
                )
            )?;
            for (r, name) in block.rows.iter().zip(&names) {
                let ratio = r.result.ratio();
                let p = ratio.pace();
                let style = match p {
                    Pace::Faster => GREEN,
                    Pace::Tie => DIM,
                    Pace::Slower => RED,
                };
                let instr = r
                    .result
                    .instructions_ratio()
                    .map_or_else(|| "-".to_owned(), |i| format!("{i:.2}x"));
                let name = pad(name, who_w, false);
                let name = if r.best {
                    name.replacen('★', &paint(color, YELLOW, "★"), 1)
                } else {
                    name
                };
                writeln!(
                    w,
                    "    {}  {name}  {}  {}  {}  {}  {}  {}",
                    pad(&r.rank.to_string(), 4, true),
                    pad(&ratio.label(), ratio_w, true),
                    paint(color, style, &pad(p.word(), 6, false)),
                    pad(&ns(r.result.ns_per_op), ns_w, true),
                    pad(&instr, 5, true),
                    pad(&clean(date(&r.entry.when), 20), 10, false),
                    clean(&r.entry.mode, 12)
                )?;
            }
        }
        writeln!(w)?;
    }
    if shown.iter().all(|s| s.entries.is_empty()) {
        return Ok(());
    }
    writeln!(
        w,
        "{}",
        paint(
            color,
            DIM,
            "ratio = your time / the reference's, round by round in one run: the median, and its \
             95% interval in brackets. Faster or slower only when the whole interval is beyond 5%; \
             entries not clearly apart share a rank. instr = your instructions per operation / the \
             reference's (callgrind): the same on any machine load.\n★ each person's best rank \
             on that workload (among their tied entries, the latest). CPU, toolchain and seed of \
             each entry: cargo kata leaderboard --html FILE (hover a row)."
        )
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::entry;
    use super::*;

    fn shown() -> Vec<Shown> {
        vec![Shown {
            kata: "lru".to_owned(),
            file: "benches/leaderboards/lru.jsonl".to_owned(),
            entries: vec![
                (1, entry("alice", "2026-11-20T10:00:00Z", &[("get", 1.2)])),
                (
                    3,
                    entry("bob\x1b[2J", "2026-11-21T10:00:00Z", &[("get", 0.90)]),
                ),
                (4, entry("alice", "2026-11-22T10:00:00Z", &[("get", 1.004)])),
            ],
            warnings: vec![(2, "not a leaderboard entry: expected value".to_owned())],
        }]
    }

    fn text(f: impl Fn(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut buf = Vec::new();
        f(&mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn boards_are_ranked_tables_without_colour_or_control_characters() {
        let out = text(|w| boards(w, &shown(), false));
        assert!(!out.contains('\x1b'), "{out}");
        let rows: Vec<&str> = out
            .lines()
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .collect();
        assert_eq!(rows.len(), 3, "{out}");
        assert!(
            rows[0].contains("bob\\u{1b}[2J ★")
                && rows[0].contains("0.90x (0.88-0.92)")
                && rows[0].contains("faster")
                && rows[0].matches("0.90x").count() == 2,
            "{}",
            rows[0]
        );
        assert!(
            rows[1].contains("alice ★") && rows[1].contains("1.00x") && rows[1].contains("tie"),
            "{}",
            rows[1]
        );
        assert!(
            rows[2].contains("1.20x") && rows[2].contains("slower") && !rows[2].contains('★'),
            "{}",
            rows[2]
        );
        assert!(rows[2].contains("48.0") && rows[2].contains("2026-11-20"));
        assert!(rows[2].trim_end().ends_with("full"));
        let coloured = text(|w| boards(w, &shown(), true));
        assert!(coloured.contains(GREEN) && coloured.contains(RED));
    }

    /// A name in CJK takes two columns a character: padded by characters, its row's ratio sat
    /// left of the others'. And colour never moves a column.
    #[test]
    fn columns_line_up_with_wide_names_and_with_colour() {
        let mut s = shown();
        s[0].entries.push((
            5,
            entry("山田太郎", "2026-11-23T10:00:00Z", &[("get", 0.5)]),
        ));
        let plain = text(|w| boards(w, &s, false));
        let columns: Vec<usize> = plain
            .lines()
            .filter(|l| l.contains('x') && l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .map(|l| crate::render::width(&l[..l.find("x ").unwrap()]))
            .collect();
        assert_eq!(columns.len(), 4, "{plain}");
        assert!(columns.iter().all(|c| *c == columns[0]), "{plain}");
        let coloured = text(|w| boards(w, &s, true));
        assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);
    }

    #[test]
    fn warnings_name_the_file_and_line() {
        let out = text(|w| warnings(w, &shown(), false));
        assert_eq!(
            out,
            "warning: benches/leaderboards/lru.jsonl:2: not a leaderboard entry: expected value \
             (the line is kept as it is: fix it or delete it)\n"
        );
    }

    #[test]
    fn an_empty_board_says_how_to_make_an_entry() {
        let mut s = shown();
        s[0].entries.clear();
        let out = text(|w| boards(w, &s, false));
        assert!(out.contains("no entries yet") && out.contains("cargo kata bench lru"));
        let out = text(|w| boards(w, &[], false));
        assert!(out.contains("No leaderboards yet") && out.contains("cargo kata bench <kata>"));
    }
}
