//! The concurrency stage's source check: a learner's crate takes its locks and atomics from
//! `kata_core::sync` only.
//!
//! Loom model-checks what goes through `kata_core::sync` (it becomes loom's under
//! `--cfg kata_loom`), and the suites count its locks (a lock-free variant must take none). A
//! `std::sync`, `parking_lot` or `dashmap` (whose shards are locks of its own) lock or atomic is
//! invisible to both: races around it go
//! unchecked, and a "lock-free" bucket behind `std::sync::Mutex` would pass. So the katas' docs
//! say to use `kata_core::sync`, and this check makes that a rule that can fail, rather than a
//! note. It reads the source, not the binary: comments and string literals are skipped, use
//! trees are expanded, and `std::sync::Arc` (and `OnceLock`, `LazyLock`, `Weak`,
//! `atomic::Ordering`), which hold no state a race could hide behind, are allowed.

use std::path::Path;

/// Whether `path` (`std::sync::...`, as written) names something loom cannot see: a lock
/// (`Mutex`, `RwLock`, `Condvar`, `Barrier`), an atomic type (`atomic::AtomicU64`, the `atomic`
/// module itself, a glob). `Arc`, `Weak`, `OnceLock`, `LazyLock` and `atomic::Ordering` are fine.
fn refused(path: &str) -> bool {
    let rest: Vec<&str> = path.split("::").skip(2).collect();
    match rest.as_slice() {
        ["Mutex" | "RwLock" | "Condvar" | "Barrier" | "*", ..] => true,
        ["atomic"] | ["atomic", "*"] => true,
        ["atomic", name, ..] => name.starts_with("Atomic"),
        _ => false,
    }
}

/// The paths a use tree starting at `text` names: `std::sync::{Arc, atomic::{A, B}}` gives
/// `std::sync::Arc`, `std::sync::atomic::A`, `std::sync::atomic::B`. `text` has no whitespace.
fn expand(prefix: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(inner) = text.strip_prefix('{') {
        // Split the group at its top-level commas, up to its closing brace.
        let (mut depth, mut from) = (0usize, 0usize);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.extend(expand(prefix, &inner[from..i]));
                    return out;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.extend(expand(prefix, &inner[from..i]));
                    from = i + 1;
                }
                _ => {}
            }
        }
        out.extend(expand(prefix, &inner[from..]));
        return out;
    }
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*'))
        .unwrap_or(text.len());
    let (name, after) = text.split_at(end);
    if name.is_empty() {
        return out;
    }
    let path = format!("{prefix}::{name}");
    match after.strip_prefix("::") {
        Some(next) => out.extend(expand(&path, next)),
        None => out.push(path),
    }
    out
}

/// One use of a refused primitive: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// `src/lib.rs:12`, relative to the crate.
    pub at: String,
    /// The path as written, e.g. `std::sync::Mutex`.
    pub what: String,
}

/// Every refused use in the `.rs` files under `crate_dir/src`, in file and line order, then every
/// refused crate among `crate_dir/Cargo.toml`'s dependencies (a source can name a crate loom
/// cannot see without writing its name: `use dashmap as dm;`, or a renamed dependency).
pub fn scan(crate_dir: &Path) -> Vec<Use> {
    let mut uses = scan_sources(crate_dir);
    if let Ok(text) = std::fs::read_to_string(crate_dir.join("Cargo.toml")) {
        for (line, what) in scan_manifest(&text) {
            uses.push(Use {
                at: format!("Cargo.toml:{line}"),
                what,
            });
        }
    }
    uses
}

/// The crates whose locks loom cannot see, by package name.
const REFUSED_CRATES: [&str; 2] = ["dashmap", "parking_lot"];

/// The refused crates a manifest's dependency tables name, as the key or as `package = "..."`:
/// `(line, crate)`. Dev-dependencies are allowed: the learner's own tests are not graded.
pub fn scan_manifest(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_dependencies = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(table) = line.strip_prefix('[') {
            let table = table.trim_end_matches(']').trim();
            in_dependencies = table == "dependencies"
                || table.ends_with(".dependencies") && !table.contains("dev-");
            if let Some(name) = table.strip_prefix("dependencies.") {
                if REFUSED_CRATES.contains(&name.trim_matches('"')) {
                    found.push((i + 1, name.trim_matches('"').to_owned()));
                }
            }
            continue;
        }
        if !in_dependencies {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        let package = value
            .split("package")
            .nth(1)
            .and_then(|rest| rest.split('"').nth(1));
        for name in [Some(key), package].into_iter().flatten() {
            if REFUSED_CRATES.contains(&name) {
                found.push((i + 1, name.to_owned()));
                break;
            }
        }
    }
    found
}

fn scan_sources(crate_dir: &Path) -> Vec<Use> {
    let mut files = Vec::new();
    collect(&crate_dir.join("src"), &mut files);
    files.sort();
    let mut uses = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let shown = file
            .strip_prefix(crate_dir)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (line, what) in scan_text(&text) {
            uses.push(Use {
                at: format!("{shown}:{line}"),
                what,
            });
        }
    }
    uses
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The refused uses in one file's text: `(line, what)`.
pub fn scan_text(text: &str) -> Vec<(usize, String)> {
    let code = strip_comments_and_strings(text);
    let mut found = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let compact: String = line.split_whitespace().collect();
        if compact.contains("parking_lot") {
            found.push((i + 1, "parking_lot".to_owned()));
            continue;
        }
        // Its shards are locks of its own, which loom cannot see either.
        if compact.contains("dashmap::") {
            found.push((i + 1, "dashmap".to_owned()));
            continue;
        }
        let mut rest = compact.as_str();
        while let Some(at) = rest.find("std::sync::") {
            rest = &rest[at + "std::sync::".len()..];
            for path in expand("std::sync", rest) {
                if refused(&path) {
                    // Up to the refused item: `std::sync::atomic::AtomicUsize`, not `::new`.
                    let keep = if path.starts_with("std::sync::atomic::") {
                        4
                    } else {
                        3
                    };
                    let shown: Vec<&str> = path.split("::").take(keep).collect();
                    found.push((i + 1, shown.join("::")));
                }
            }
        }
    }
    found
}

/// `text` with comments and string literals blanked, line breaks kept (so lines still count).
fn strip_comments_and_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if !escaped && c == '"' {
                        break;
                    }
                    escaped = !escaped && c == '\\';
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The failure message for `uses` in the kata's crate `crate_shown` (`katas/lru`).
pub fn message(crate_shown: &str, uses: &[Use]) -> String {
    let list: Vec<String> = uses
        .iter()
        .map(|u| format!("{crate_shown}/{}: {}", u.at, u.what))
        .collect();
    format!(
        "your crate takes locks or atomics from outside kata_core::sync:\n  {}\n\
         Loom can only model-check kata_core::sync (its types become loom's under \
         --cfg kata_loom), and only its locks are counted where the kata asks for a lock-free \
         variant; anything else is invisible to both, so races around it would go unchecked. \
         Use kata_core::sync::Mutex (lock() returns the guard, as parking_lot's does) and \
         kata_core::sync::atomic::* instead (and, for a concurrent map, shards of your own behind \
         kata_core::sync::Mutex); std::sync::Arc is fine.",
        list.join("\n  ")
    )
}

#[cfg(test)]
mod tests {
    use super::scan_text;

    #[test]
    fn finds_std_locks_and_atomics_in_paths_and_groups() {
        let text = "use std::sync::Mutex;\n\
                    use std::sync::{Arc, RwLock, atomic::{AtomicU64, Ordering}};\n\
                    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);\n\
                    use parking_lot :: Mutex as Pl;\n\
                    let keys: dashmap::DashMap<u64, u64> = Default::default();\n\
                    use std::sync::atomic;\n";
        let found = scan_text(text);
        assert_eq!(
            found,
            vec![
                (1, "std::sync::Mutex".to_owned()),
                (2, "std::sync::RwLock".to_owned()),
                (2, "std::sync::atomic::AtomicU64".to_owned()),
                (3, "std::sync::atomic::AtomicUsize".to_owned()),
                (3, "std::sync::atomic::AtomicUsize".to_owned()),
                (4, "parking_lot".to_owned()),
                (5, "dashmap".to_owned()),
                (6, "std::sync::atomic".to_owned()),
            ]
        );
    }

    #[test]
    fn allows_arc_kata_core_comments_and_strings() {
        let text = "use std::sync::Arc;\n\
                    use std::sync::atomic::Ordering;\n\
                    use std::sync::{Arc as A, atomic::Ordering as O};\n\
                    use kata_core::sync::{Mutex, atomic::AtomicU64};\n\
                    // not std::sync::Mutex, which loom cannot see\n\
                    /* nor parking_lot::Mutex\n std::sync::RwLock */\n\
                    const S: &str = \"std::sync::Mutex\";\n";
        assert_eq!(scan_text(text), vec![]);
    }

    #[test]
    fn finds_refused_crates_in_the_manifest_however_named() {
        let text = "[package]\nname = \"x\"\n\n[dependencies]\nkata-core.workspace = true\n\
                    dashmap = \"6\"\nmaps = { package = \"parking_lot\", version = \"0.12\" }\n\
                    # dashmap = \"5\"\n\n[dev-dependencies]\nparking_lot = \"0.12\"\n\n\
                    [dependencies.dashmap]\nversion = \"6\"\n";
        assert_eq!(
            super::scan_manifest(text),
            vec![
                (6, "dashmap".to_owned()),
                (7, "parking_lot".to_owned()),
                (13, "dashmap".to_owned()),
            ]
        );
    }

    #[test]
    fn lines_are_counted_through_block_comments() {
        let text = "/*\n\n*/\nuse std::sync::Condvar;\n";
        assert_eq!(scan_text(text), vec![(4, "std::sync::Condvar".to_owned())]);
    }
}
