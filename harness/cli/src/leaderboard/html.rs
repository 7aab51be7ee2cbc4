//! The leaderboards as one self-contained HTML page (`cargo kata leaderboard --html FILE`).
//!
//! No network and no script: inline CSS only, system fonts, so the page renders the same from a
//! file, an attachment or a CI artifact, in any browser. One section per kata, one table per
//! workload, one row per entry with a bar of its ratio to the reference, scaled within the table,
//! and a marked line at 1.00x. A row's `title` (shown on hover) holds the entry's CPU, toolchain,
//! profile, source hash, seed and line in the file. Every string taken from a board is escaped.

use std::fmt::Write as _;

use super::term::{date, ns};
use super::{rank, Block, Shown};

/// `s` escaped for HTML text and for attribute values in double or single quotes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A `title` attribute's value: escaped, with line breaks kept as line breaks of the tooltip.
fn attr_lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("&#10;")
}

const STYLE: &str = r#"
:root { --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --soft: #f6f8fa;
        --faster: #1a7f37; --slower: #cf222e; --tie: #8c959f; --track: #eaeef2; --best: #9a6700; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); background: #fff; max-width: 1120px; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 0 0 .2rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
h3 code { font-size: .95rem; background: var(--soft); padding: .1rem .4rem; border-radius: 4px; }
.sub, .src { color: var(--muted); margin: 0 0 1rem; }
.legend { border: 1px solid var(--line); background: var(--soft); border-radius: 8px; padding: .7rem 1rem; }
.legend p { margin: .2rem 0; }
.sw { display: inline-block; width: 1.6em; height: .75em; border-radius: 2px; vertical-align: baseline; }
.sw.faster { background: var(--faster); } .sw.tie { background: var(--tie); } .sw.slower { background: var(--slower); }
.sw.refmark { width: 0; height: 1.1em; border-left: 2px dashed var(--fg); border-radius: 0; vertical-align: middle; }
nav { margin: .8rem 0 0; } nav a { margin-right: 1rem; }
section { margin-top: 2.2rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.rank { width: 4.5rem; } col.name { width: 17rem; } col.ratio { width: 13rem; } col.instr { width: 4.5rem; }
col.ns { width: 5.5rem; } col.date { width: 7rem; } col.mode { width: 4.5rem; }
th { text-align: left; font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
     font-weight: 600; padding: .3rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td { padding: .32rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
tbody tr:hover td { background: #f3f6fb; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.who { overflow: hidden; text-overflow: ellipsis; font-weight: 500; }
.best { color: var(--best); }
.scale, .track { position: relative; }
.scale { height: 1em; }
.scale span { position: absolute; transform: translateX(-50%); font-size: .7rem; color: var(--fg); text-transform: none; }
.track { height: 14px; background: var(--track); border-radius: 3px; }
.track .fill { position: absolute; left: 0; top: 0; bottom: 0; min-width: 2px; border-radius: 3px; }
.track .ref { position: absolute; top: -4px; bottom: -4px; border-left: 2px dashed var(--fg); }
tr.faster .fill { background: var(--faster); } tr.tie .fill { background: var(--tie); } tr.slower .fill { background: var(--slower); }
.pace { font-size: .75rem; font-weight: 600; margin-left: .35rem; }
tr.faster .pace { color: var(--faster); } tr.tie .pace { color: var(--tie); } tr.slower .pace { color: var(--slower); }
.ratio { font-weight: 600; }
.muted { color: var(--muted); }
.warn { background: #fff8c5; border-left: 4px solid #d4a72c; padding: .4rem .75rem; margin: .4rem 0; font-size: .9rem; }
.empty { color: var(--muted); font-style: italic; }
footer { margin: 3rem 0 1rem; color: var(--muted); font-size: .85rem; }
"#;

/// The whole page for `shown`, stamped with `generated` (RFC 3339).
pub fn page(shown: &[Shown], generated: &str) -> String {
    let mut h = String::new();
    h.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>System-design katas: leaderboards</title>\n<style>",
    );
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<header>\n<h1>System-design katas: leaderboards</h1>\n");
    let entries: usize = shown.iter().map(|s| s.entries.len()).sum();
    let _ = writeln!(
        h,
        "<p class=\"sub\">{entries} entries from {} board{}, recorded by <code>cargo kata bench</code>.</p>",
        shown.len(),
        if shown.len() == 1 { "" } else { "s" }
    );
    h.push_str(
        "<div class=\"legend\">\n\
         <p><strong>Ratio</strong> = the entry's time per operation divided by the reference \
         solution's, round by round in one run on one machine: the median over the rounds, and in \
         brackets its 95% interval. Below 1.00x is faster than the reference, but an entry is \
         called faster or slower only when its whole interval is beyond 5%; anything else is a \
         tie. Entries that are not clearly apart share a rank. <strong>instr</strong> = the \
         entry's instructions per operation (callgrind) over the reference's: the same on a busy \
         machine and an idle one.</p>\n\
         <p>Bars: <span class=\"sw faster\"></span> faster &nbsp; \
         <span class=\"sw tie\"></span> tie &nbsp; \
         <span class=\"sw slower\"></span> slower &nbsp; \
         <span class=\"sw refmark\"></span> the reference, 1.00x. Bars are scaled within each \
         workload.</p>\n\
         <p><span class=\"best\">★</span> marks each person's best rank on a workload (among \
         their tied entries, the latest). Hover a \
         row for its CPU, toolchain, profile, source hash, seed and line in the board file. \
         ns/op are absolute and depend on the machine; ratios compare across machines.</p>\n\
         </div>\n",
    );
    if shown.len() > 1 {
        h.push_str("<nav>");
        for s in shown {
            let _ = write!(h, "<a href=\"#kata-{0}\">{0}</a>", escape(&s.kata));
        }
        h.push_str("</nav>\n");
    }
    h.push_str("</header>\n");
    if shown.is_empty() {
        h.push_str(
            "<p class=\"empty\">No leaderboards yet: make an entry with \
             <code>cargo kata bench &lt;kata&gt;</code>.</p>\n",
        );
    }
    for s in shown {
        section(&mut h, s);
    }
    let _ = writeln!(
        h,
        "<footer>Generated {} by <code>cargo kata leaderboard</code>. Boards are \
         <code>benches/leaderboards/&lt;kata&gt;.jsonl</code>, one entry per line.</footer>\n\
         </body>\n</html>",
        escape(generated)
    );
    h
}

fn section(h: &mut String, s: &Shown) {
    let kata = escape(&s.kata);
    let _ = writeln!(
        h,
        "<section id=\"kata-{kata}\">\n<h2>{kata}</h2>\n<p class=\"src\">{} · {} entr{}</p>",
        escape(&s.file),
        s.entries.len(),
        if s.entries.len() == 1 { "y" } else { "ies" }
    );
    for (line, why) in &s.warnings {
        let _ = writeln!(
            h,
            "<p class=\"warn\">{}, line {line}: {} (the line is kept as it is: fix it or delete \
             it)</p>",
            escape(&s.file),
            escape(why)
        );
    }
    if s.entries.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"empty\">No entries yet: make one with <code>cargo kata bench {kata}</code>.</p>"
        );
    }
    for block in rank(&s.entries) {
        workload(h, s, &block);
    }
    h.push_str("</section>\n");
}

fn workload(h: &mut String, s: &Shown, block: &Block<'_>) {
    let max = block
        .rows
        .iter()
        .map(|r| r.result.ratio)
        .fold(1.0_f64, f64::max);
    // Leave room right of the longest bar, so that a bar at the maximum is still seen to end.
    let scale = max * 1.1;
    let pct = |ratio: f64| format!("{:.2}%", (ratio / scale * 100.0).clamp(0.0, 100.0));
    let reference = pct(1.0);
    let _ = writeln!(
        h,
        "<h3>workload <code>{}</code></h3>\n<table>\n<colgroup><col class=\"rank\"><col class=\"name\">\
         <col><col class=\"ratio\"><col class=\"instr\"><col class=\"ns\"><col class=\"date\"><col class=\"mode\"></colgroup>\n<thead><tr><th class=\"num\">rank</th>\
         <th>name</th><th class=\"barcol\"><div class=\"scale\"><span style=\"left:{reference}\">\
         reference 1.00x</span></div></th><th class=\"num\">ratio</th><th class=\"num\">instr</th><th class=\"num\">ns/op</th>\
         <th>date</th><th>mode</th></tr></thead>\n<tbody>",
        escape(block.workload)
    );
    for r in &block.rows {
        let e = r.entry;
        let ratio = r.result.ratio();
        let p = ratio.pace();
        let instr = r
            .result
            .instructions_ratio()
            .map_or_else(|| "-".to_owned(), |i| format!("{i:.2}x"));
        let title = attr_lines(&[
            format!("{} — {}", e.who, ratio.label()),
            format!(
                "instructions per operation: {} (reference {})",
                r.result
                    .instructions_per_op
                    .map_or_else(|| "not counted".to_owned(), |i| format!("{i:.0}")),
                r.result
                    .reference_instructions_per_op
                    .map_or_else(|| "not counted".to_owned(), |i| format!("{i:.0}")),
            ),
            format!("CPU: {}", e.cpu),
            format!("toolchain: {}", e.toolchain),
            format!("profile: {} · mode: {}", e.profile, e.mode),
            format!("source hash: {}", e.source_hash),
            format!("seed: {}", e.seed),
            format!("when: {}", e.when),
            format!(
                "ns/op: {} (reference {})",
                ns(r.result.ns_per_op),
                ns(r.result.reference_ns_per_op)
            ),
            format!("{} line {}", s.file, r.line),
        ]);
        let best = if r.best {
            " <span class=\"best\" title=\"this person's best on this workload\">★</span>"
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<tr class=\"{word}\" title=\"{title}\"><td class=\"num\">{rank}</td>\
             <td class=\"who\">{who}{best}</td>\
             <td class=\"barcol\"><div class=\"track\"><div class=\"fill\" style=\"width:{width}\"></div>\
             <div class=\"ref\" style=\"left:{reference}\"></div></div></td>\
             <td class=\"num\"><span class=\"ratio\">{ratio}</span><span class=\"pace\">{word}</span></td>\
             <td class=\"num\">{instr}</td><td class=\"num\">{ns}</td><td class=\"muted\">{date}</td><td class=\"muted\">{mode}</td></tr>",
            word = p.word(),
            rank = r.rank,
            who = escape(&e.who),
            width = pct(r.result.ratio),
            ratio = escape(&ratio.label()),
            ns = ns(r.result.ns_per_op),
            date = escape(date(&e.when)),
            mode = escape(&e.mode),
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::super::tests::entry;
    use super::*;

    fn shown() -> Vec<Shown> {
        let mut evil = entry(
            "<script>alert('x')</script> & \"co\"",
            "2026-11-21T10:00:00Z",
            &[("get<b>", 0.8)],
        );
        evil.cpu = "<img src=x onerror=alert(1)>".to_owned();
        evil.mode = "quick</td><td>x".to_owned();
        vec![Shown {
            kata: "lru".to_owned(),
            file: "benches/leaderboards/lru.jsonl".to_owned(),
            entries: vec![
                (
                    1,
                    entry("alice", "2026-11-20T10:00:00Z", &[("get<b>", 1.25)]),
                ),
                (2, evil),
            ],
            warnings: vec![(3, "not a leaderboard entry: <junk> & more".to_owned())],
        }]
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn every_string_from_the_board_is_escaped() {
        let page = page(&shown(), "2026-11-22T00:00:00Z");
        for raw in ["<script", "<img", "<b>", "quick</td>", "<junk>", "& \"co\""] {
            assert!(!page.contains(raw), "unescaped `{raw}` in the page");
        }
        for escaped in [
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;",
            "CPU: &lt;img src=x onerror=alert(1)&gt;",
            "get&lt;b&gt;",
            "quick&lt;/td&gt;&lt;td&gt;x",
            "&lt;junk&gt; &amp; more",
        ] {
            assert!(page.contains(escaped), "missing `{escaped}`");
        }
    }

    #[test]
    fn the_page_is_self_contained_and_has_a_row_per_entry() {
        let page = page(&shown(), "2026-11-22T00:00:00Z");
        for external in [
            "http:", "https:", "<script", "<link", "@import", "url(", "src=",
        ] {
            assert!(
                !page.replace("src=x", "").contains(external),
                "`{external}` in the page"
            );
        }
        assert_eq!(page.matches("<tr class=").count(), 2);
        // Lowest ratio first, bars scaled to 1.1 × the largest ratio, the reference line at 1.00x.
        let first = page.find("0.80x").unwrap();
        let second = page.find("1.25x").unwrap();
        assert!(first < second);
        assert!(page.contains("width:58.18%") && page.contains("width:90.91%"));
        assert!(page.contains("left:72.73%"));
        assert!(page.contains("class=\"faster\"") && page.contains("class=\"slower\""));
        assert!(
            page.contains("seed: 42") && page.contains("benches/leaderboards/lru.jsonl line 1")
        );
        assert!(page.contains("source hash: 0123456789abcdef&#10;"));
    }

    #[test]
    fn an_empty_page_says_how_to_make_an_entry() {
        let page = page(&[], "2026-11-22T00:00:00Z");
        assert!(page.contains("cargo kata bench &lt;kata&gt;"));
    }
}
