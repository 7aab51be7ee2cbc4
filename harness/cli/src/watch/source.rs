//! Where the watch's messages come from: the keyboard, and the kata's folder.
//!
//! - [`keyboard`]: a thread that reads keys (raw bytes on a terminal, or the first letter of each
//!   line when stdin is a pipe, so that the watch can be scripted).
//! - [`Folder`]: the file watcher (`notify`: inotify, FSEvents or kqueue underneath) on the
//!   kata's folder, and one thread that either polls the folder's hash every 0.5 s (`--poll`, or
//!   once the watcher has missed a save) or checks it every 2 s in the background, to catch a
//!   watcher that reports nothing (some network and container file systems).
//!
//! Every message about the folder carries the *generation* of the folder it is about, so that
//! the watch drops what arrives late about a kata it has already left.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};

use super::engine::Key;
use super::Msg;
use crate::results;

/// How often the folder is polled.
pub const POLL: Duration = Duration::from_millis(500);
/// How many polls apart the background check runs when the watcher is trusted (2 s).
const PROBE_EVERY: u32 = 4;

/// Starts the keyboard thread: raw bytes when `raw`, else lines.
pub fn keyboard(tx: Sender<Msg>, raw: bool) {
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        if raw {
            let mut byte = [0u8; 1];
            let mut input = stdin.lock();
            loop {
                match input.read(&mut byte) {
                    Ok(0) => return,
                    Ok(_) => {
                        if let Some(k) = Key::from_byte(byte[0]) {
                            if tx.send(Msg::Key(k)).is_err() {
                                return;
                            }
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        } else {
            // End of input is not a quit: `cargo kata watch < /dev/null` keeps watching.
            for line in stdin.lock().lines().map_while(Result::ok) {
                let first = line.trim().bytes().next();
                if let Some(k) = first.and_then(Key::from_byte) {
                    if tx.send(Msg::Key(k)).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

/// What the poller thread works on.
struct Shared {
    dir: PathBuf,
    generation: u64,
    /// The folder's hash when it started being watched, taken before anything can save into it:
    /// the poller's first look compares against it. (Taken by the poller itself, half a second
    /// later, it would swallow a save made in between: a first grade can be that quick.)
    baseline: String,
    polling: bool,
    stop: bool,
}

/// The watched folder: the file watcher when there is one, and the poller thread.
pub struct Folder {
    watcher: Option<notify::RecommendedWatcher>,
    shared: Arc<Mutex<Shared>>,
    tx: Sender<Msg>,
}

impl Folder {
    /// Watches `dir` (generation `generation`), polling from the start when `poll`. Returns a
    /// notice for the learner when the file watcher could not be started (then it polls).
    pub fn new(
        dir: &Path,
        generation: u64,
        poll: bool,
        tx: Sender<Msg>,
    ) -> (Folder, Option<String>) {
        let shared = Arc::new(Mutex::new(Shared {
            dir: dir.to_path_buf(),
            generation,
            baseline: results::hash_tree(dir),
            polling: poll,
            stop: false,
        }));
        spawn_poller(shared.clone(), tx.clone());
        let mut folder = Folder {
            watcher: None,
            shared,
            tx,
        };
        let notice = if poll {
            None
        } else {
            folder.watch(dir, generation).err()
        };
        (folder, notice)
    }

    /// Whether the folder is being polled.
    pub fn polling(&self) -> bool {
        self.lock().polling
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts the file watcher on `dir`; on failure, polls instead and says why.
    fn watch(&mut self, dir: &Path, generation: u64) -> Result<(), String> {
        self.watcher = None;
        let tx = self.tx.clone();
        let root = dir.to_path_buf();
        let result =
            notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
                Ok(event) if relevant(&event, &root) => {
                    let _ = tx.send(Msg::Watched { generation });
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = tx.send(Msg::WatchError(e.to_string()));
                }
            })
            .and_then(|mut w| w.watch(dir, RecursiveMode::Recursive).map(|()| w));
        match result {
            Ok(w) => {
                self.watcher = Some(w);
                Ok(())
            }
            Err(e) => {
                self.start_polling();
                Err(format!(
                    "file events are not available here ({e}); polling every 0.5 s instead"
                ))
            }
        }
    }

    /// Watches `dir` instead, as generation `generation`.
    pub fn switch(&mut self, dir: &Path, generation: u64) -> Option<String> {
        let polling = {
            let baseline = results::hash_tree(dir);
            let mut s = self.lock();
            s.dir = dir.to_path_buf();
            s.generation = generation;
            s.baseline = baseline;
            s.polling
        };
        if polling {
            self.watcher = None;
            None
        } else {
            self.watch(dir, generation).err()
        }
    }

    /// Polls from now on (the watcher missed a save).
    pub fn start_polling(&mut self) {
        self.lock().polling = true;
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        self.lock().stop = true;
    }
}

/// Whether a watcher event in the folder `root` can be a save: not a read, not an editor's swap
/// file, not a build directory.
fn relevant(event: &notify::Event, root: &Path) -> bool {
    let kind = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    };
    kind && event
        .paths
        .iter()
        .any(|p| !ignored(p.strip_prefix(root).unwrap_or(p)))
}

/// Editors' temporary and backup files, and build output (`path` is inside the folder).
fn ignored(path: &Path) -> bool {
    if path.components().any(|c| c.as_os_str() == "target") {
        return true;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with('~')
        || name.starts_with(".#")
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// The poller thread: every [`POLL`], hashes the folder when polling and reports a change;
/// otherwise hashes it every [`PROBE_EVERY`] polls and reports what it saw, for the engine to
/// judge the watcher by.
fn spawn_poller(shared: Arc<Mutex<Shared>>, tx: Sender<Msg>) {
    std::thread::spawn(move || {
        let mut seen: Option<(u64, String)> = None;
        let mut count: u32 = 0;
        loop {
            std::thread::sleep(POLL);
            let (dir, generation, baseline, polling) = {
                let s = shared.lock().unwrap_or_else(|p| p.into_inner());
                if s.stop {
                    return;
                }
                (s.dir.clone(), s.generation, s.baseline.clone(), s.polling)
            };
            count = count.wrapping_add(1);
            if !polling && !count.is_multiple_of(PROBE_EVERY) {
                continue;
            }
            let hash = results::hash_tree(&dir);
            let changed = match &seen {
                Some((g, h)) if *g == generation => *h != hash,
                // A new folder: compare with its hash when the watch on it began.
                _ => baseline != hash,
            };
            seen = Some((generation, hash));
            let msg = if polling {
                if !changed {
                    continue;
                }
                Msg::Polled { generation }
            } else {
                Msg::Probed {
                    generation,
                    changed,
                }
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_right_after_the_watch_begins_is_polled() {
        // The first grade can be over before the poller's first look, half a second in: a save
        // made then must still count as a change (against the hash taken when the watch began).
        let dir = std::env::temp_dir().join(format!("kata-poll-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("lib.rs"), "before").expect("write");
        let (tx, rx) = std::sync::mpsc::channel();
        let (folder, _) = Folder::new(&dir, 7, true, tx);
        std::fs::write(dir.join("lib.rs"), "after, and longer").expect("write");
        let got = rx.recv_timeout(Duration::from_secs(30));
        drop(folder);
        let _ = std::fs::remove_dir_all(&dir);
        match got {
            Ok(Msg::Polled { generation: 7 }) => {}
            Ok(_) => panic!("expected the save to be polled, got another message"),
            Err(e) => panic!("expected the save to be polled within 30 s: {e}"),
        }
    }

    #[test]
    fn reads_swap_files_and_build_output_are_not_saves() {
        let event = |kind, path: &str| notify::Event {
            kind,
            paths: vec![PathBuf::from(path)],
            attrs: Default::default(),
        };
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let written = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let data = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any));
        // A clone may well live under some `target/` folder: only the kata's own counts.
        let root = Path::new("/r/target/copy/katas/lru");
        let at = |p: &str| format!("/r/target/copy/katas/lru/{p}");
        assert!(!relevant(&event(open, &at("src/lib.rs")), root));
        assert!(relevant(&event(written, &at("src/lib.rs")), root));
        assert!(relevant(&event(data, &at("src/lib.rs")), root));
        assert!(!relevant(&event(data, &at("src/.lib.rs.swp")), root));
        assert!(!relevant(&event(data, &at("src/lib.rs~")), root));
        assert!(!relevant(&event(data, &at("target/x")), root));
    }
}
