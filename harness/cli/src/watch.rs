//! `cargo kata watch [<kata>] [--poll]`: grade on every save, on one compact screen.
//!
//! The kata (by default the first one not solved yet) is graded at start and again whenever a
//! file under `katas/<kata>/` is saved: a burst of writes is one save, and a save during a grade
//! queues one more grade after it. Keys work at any time: `r` re-run, `h` next hint, `n` next
//! kata, `q` quit (Ctrl-C too).
//!
//! How it fits together:
//!
//! - one channel carries every message: keys and folder changes ([`source`]), and the grading
//!   process's progress and result;
//! - [`engine`] decides, from those messages alone, when to grade, what a key does, and when the
//!   file watcher has missed a save (then the watch polls, and says so);
//! - a grade is `cargo kata check <kata> --json --live-events` in a child process, in its own
//!   process group: its progress ([`crate::render::LiveEvent`]) arrives line by line on stderr,
//!   its report as JSON on stdout, and a quit or a switch kills the whole group (the checker,
//!   the runner it started, a `cargo build` and its `rustc`s) at once;
//! - [`screen`] composes the screen from that state, redrawn in place on the alternate screen of
//!   a terminal ([`term`]), or printed as plain lines when stdout is not one. Keys come from raw
//!   mode on a terminal, or from stdin lines (`q` and Enter) when it is not one, so the watch can
//!   be scripted.

#[cfg(unix)]
mod engine;
#[cfg(unix)]
mod screen;
#[cfg(unix)]
mod source;
#[cfg(unix)]
mod term;

#[cfg(unix)]
pub use app::run;

/// What `cargo kata watch` was asked to do.
pub struct Options {
    /// The kata to watch; by default the first one not solved yet.
    pub kata: Option<String>,
    /// Poll the folder every 0.5 s instead of using file events.
    pub poll: bool,
}

/// `cargo kata watch` needs a Unix terminal.
#[cfg(not(unix))]
pub fn run(
    _ws: &crate::workspace::Workspace,
    _opts: Options,
) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`cargo kata watch` needs a Unix terminal (Linux, macOS); use `cargo kata check`")
}

/// A message to the watch loop.
#[cfg(unix)]
pub enum Msg {
    /// A key.
    Key(engine::Key),
    /// The file watcher saw a change in the folder of generation `generation`.
    Watched {
        /// Which folder.
        generation: u64,
    },
    /// The poller saw a change.
    Polled {
        /// Which folder.
        generation: u64,
    },
    /// The background check looked at the folder.
    Probed {
        /// Which folder.
        generation: u64,
        /// Whether it changed since the last look.
        changed: bool,
    },
    /// The file watcher failed.
    WatchError(String),
    /// Progress of grade `grade`.
    Live {
        /// Which grade.
        grade: u64,
        /// What it is doing.
        event: crate::render::LiveEvent,
    },
    /// A line the grading process printed that is not progress (an error).
    Output {
        /// Which grade.
        grade: u64,
        /// The line.
        line: String,
    },
    /// Grade `grade` is over: its report, or what went wrong.
    Graded {
        /// Which grade.
        grade: u64,
        /// The report, or why there is none.
        outcome: Result<Box<crate::results::Report>, String>,
    },
}

#[cfg(unix)]
mod app {
    use std::collections::VecDeque;
    use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
    use std::os::unix::process::CommandExt;
    use std::process::{Command, ExitCode, Stdio};
    use std::sync::mpsc::{self, Receiver, Sender};
    use std::time::{Duration, Instant};

    use anyhow::{Context, Result};
    use kata_core::catalogue::{self, Kata, Stage, KATAS};

    use super::engine::{self, Action, Engine, Input, Why};
    use super::screen::{self, HintView, Running, View};
    use super::source::{self, Folder};
    use super::term::{self, Terminal};
    use super::{Msg, Options};
    use crate::render::LiveEvent;
    use crate::results::{self, StageStatus};
    use crate::workspace::Workspace;
    use crate::{hints, progress};

    /// How often the screen is redrawn while a grade runs (the spinner).
    const FRAME: Duration = Duration::from_millis(100);
    /// How long a killed grading process group has to end before it gets SIGKILL.
    const KILL_GRACE: Duration = Duration::from_millis(1500);

    /// The channel, as the engine's [`engine::Source`].
    struct Channel(Receiver<Msg>);

    impl engine::Source<Msg> for Channel {
        fn now(&self) -> Instant {
            Instant::now()
        }

        fn next(&mut self, until: Instant) -> Option<Msg> {
            let wait = until.saturating_duration_since(Instant::now());
            self.0.recv_timeout(wait).ok()
        }
    }

    /// A grading process.
    struct Grade {
        id: u64,
        /// Its pid, which is also its process group's id.
        pid: i32,
        /// Since when the current phase (build, stage) runs.
        phase_started: Instant,
    }

    /// A grading process group that was told to stop.
    struct Killed {
        id: u64,
        pid: i32,
        at: Instant,
    }

    struct App<'a> {
        ws: &'a Workspace,
        kata: &'static Kata,
        /// Bumped on every switch of kata: messages about an older folder are dropped.
        generation: u64,
        folder: Folder,
        started_polling: bool,
        grade: Option<Grade>,
        killed: Vec<Killed>,
        next_id: u64,
        /// The source hash the last grade started on: a save that changed nothing is not graded.
        graded_hash: Option<String>,
        /// Lines the grading process printed that were not progress.
        output: Vec<String>,
        view: View,
        tx: Sender<Msg>,
        /// Redraw in place (stdout is a terminal), else print plain lines.
        screen: bool,
        color: bool,
        size: (usize, usize),
        dirty: bool,
    }

    /// Runs `cargo kata watch`.
    pub fn run(ws: &Workspace, opts: Options) -> Result<ExitCode> {
        let kata = match &opts.kata {
            Some(name) => catalogue::find(name).ok_or_else(|| crate::unknown_kata(name))?,
            None => progress::load(ws).next_kata(ws).unwrap_or(&KATAS[0]),
        };
        let raw = std::io::stdin().is_terminal();
        let on_screen = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let (tx, rx) = mpsc::channel();
        let (folder, notice) = Folder::new(&kata_dir(ws, kata), 0, opts.poll, tx.clone());
        let terminal = Terminal::enter(raw, on_screen).context("cannot set up the terminal")?;
        source::keyboard(tx.clone(), raw);
        let polling = folder.polling();
        let mut app = App {
            ws,
            kata,
            generation: 0,
            folder,
            started_polling: opts.poll,
            grade: None,
            killed: Vec::new(),
            next_id: 0,
            graded_hash: None,
            output: Vec::new(),
            view: View {
                kata,
                mode: String::new(),
                report: None,
                build_errors: Vec::new(),
                grader_error: None,
                running: None,
                hint: None,
                notices: notice.into_iter().collect(),
                frame: 0,
            },
            tx,
            screen: terminal.screen(),
            color: terminal.screen() && !no_color,
            size: term::size().unwrap_or((80, 24)),
            dirty: true,
        };
        app.set_mode(polling);
        if !app.screen {
            app.plain(&format!(
                "cargo kata watch: {} ({}). Keys: r re-run, h next hint, n next kata, q quit \
                 (a letter, then Enter)",
                kata.name, app.view.mode
            ));
            for n in app.view.notices.clone() {
                app.plain(&n);
            }
        }
        let mut engine = Engine::new(polling);
        let mut chan = Channel(rx);
        let first = engine.start();
        if app.act(&mut engine, &mut chan, first) {
            return Ok(app.leave(terminal));
        }
        loop {
            if term::interrupted().is_some() {
                let actions = engine.step(Input::Key(engine::Key::Quit), Instant::now());
                if app.act(&mut engine, &mut chan, actions) {
                    return Ok(app.leave(terminal));
                }
            }
            let (msg, actions) = engine::turn(&mut engine, &mut chan, FRAME, |m| app.input_of(m));
            if let Some(m) = msg {
                app.absorb(m);
            }
            if app.act(&mut engine, &mut chan, actions) {
                return Ok(app.leave(terminal));
            }
            app.reap_stragglers();
            app.draw();
        }
    }

    fn kata_dir(ws: &Workspace, kata: &Kata) -> std::path::PathBuf {
        ws.root.join("katas").join(kata.name)
    }

    impl App<'_> {
        /// The engine's view of a message, if it is about the current folder or grade.
        fn input_of(&self, m: &Msg) -> Option<Input> {
            let current = |g: &u64| *g == self.generation;
            match m {
                Msg::Key(k) => Some(Input::Key(*k)),
                Msg::Watched { generation } if current(generation) => Some(Input::Watched),
                Msg::Polled { generation } if current(generation) => Some(Input::Polled),
                Msg::Probed {
                    generation,
                    changed,
                } if current(generation) => Some(Input::Probed { changed: *changed }),
                Msg::Graded { grade, .. }
                    if self.grade.as_ref().is_some_and(|g| g.id == *grade) =>
                {
                    Some(Input::Graded)
                }
                _ => None,
            }
        }

        /// Takes in what a message says about the grade and the folder.
        fn absorb(&mut self, m: Msg) {
            match m {
                Msg::WatchError(e) => self.notice(format!("the file watcher reported: {e}")),
                Msg::Live { grade, event } => {
                    let Some(g) = self.grade.as_mut().filter(|g| g.id == grade) else {
                        return;
                    };
                    let Some(r) = self.view.running.as_mut() else {
                        return;
                    };
                    self.dirty = true;
                    match event {
                        LiveEvent::Building { what } => {
                            r.phase = format!("building{what}");
                            g.phase_started = Instant::now();
                        }
                        LiveEvent::Built => {}
                        LiveEvent::BuildFailed { messages, stderr } => {
                            self.view.build_errors = if messages.is_empty() {
                                vec![stderr]
                            } else {
                                messages
                            };
                        }
                        LiveEvent::StageStart { stage, index } => {
                            r.phase = format!("[{index}/5] {stage}");
                            r.stage = Some(stage);
                            g.phase_started = Instant::now();
                        }
                        LiveEvent::StageDone { stage, status } => {
                            if !self.screen {
                                let word = match status {
                                    StageStatus::Passed => "passed",
                                    StageStatus::Failed => "failed",
                                    StageStatus::CouldNotGrade => "could not be graded",
                                    StageStatus::NotRun => "not run",
                                };
                                println!("  {stage}: {word}");
                            }
                            r.done.push((stage, status));
                            r.stage = None;
                        }
                    }
                }
                Msg::Output { grade, line }
                    if self.grade.as_ref().is_some_and(|g| g.id == grade) =>
                {
                    self.output.push(line);
                    if self.output.len() > 40 {
                        self.output.remove(0);
                    }
                }
                Msg::Graded { grade, outcome } => {
                    self.killed.retain(|k| k.id != grade);
                    if self.grade.as_ref().is_none_or(|g| g.id != grade) {
                        return;
                    }
                    self.grade = None;
                    self.view.running = None;
                    self.dirty = true;
                    match outcome {
                        Ok(report) => {
                            self.view.report = Some(*report);
                            self.view.grader_error = None;
                        }
                        Err(e) => {
                            let mut text = e;
                            for l in &self.output {
                                text.push('\n');
                                text.push_str(l);
                            }
                            self.view.grader_error = Some(text);
                        }
                    }
                    if !self.screen {
                        self.print_result();
                    }
                }
                _ => {}
            }
        }

        /// Carries out the engine's actions (and those they lead to); true to quit.
        fn act(&mut self, engine: &mut Engine, chan: &mut Channel, actions: Vec<Action>) -> bool {
            let mut queue: VecDeque<Action> = actions.into();
            while let Some(action) = queue.pop_front() {
                self.dirty = true;
                match action {
                    Action::Grade(why) => {
                        let hash = results::hash_tree(&kata_dir(self.ws, self.kata));
                        if why == Why::Save && self.graded_hash.as_deref() == Some(&hash) {
                            // Saved with no change (or an editor's own files came and went).
                            queue.extend(engine.step(Input::Graded, Instant::now()));
                            continue;
                        }
                        if let Err(e) = self.start_grade(why, hash) {
                            self.view.grader_error = Some(format!("{e:#}"));
                            queue.extend(engine.step(Input::Graded, Instant::now()));
                        }
                    }
                    Action::Cancel => self.cancel(),
                    Action::Hint => self.hint(),
                    Action::SwitchKata => self.switch(),
                    Action::StartPolling => {
                        self.folder.start_polling();
                        self.set_mode(true);
                        self.notice(
                            "your file system did not report the save; polling every 0.5 s — \
                             start with --poll to skip this"
                                .into(),
                        );
                    }
                    Action::Quit => {
                        self.stop_all(chan);
                        return true;
                    }
                }
            }
            false
        }

        fn set_mode(&mut self, polling: bool) {
            self.view.mode = match (polling, self.started_polling) {
                (false, _) => "file events".into(),
                (true, true) => "--poll: polling every 0.5 s".into(),
                (true, false) => "polling every 0.5 s".into(),
            };
        }

        fn notice(&mut self, text: String) {
            if !self.screen {
                self.plain(&text);
            }
            if !self.view.notices.contains(&text) {
                self.view.notices.push(text);
                if self.view.notices.len() > 2 {
                    self.view.notices.remove(0);
                }
            }
            self.dirty = true;
        }

        /// Starts `cargo kata check <kata> --json --live-events` in its own process group.
        fn start_grade(&mut self, why: Why, hash: String) -> Result<()> {
            let exe = std::env::current_exe().context("cannot find the grader's executable")?;
            let mut cmd = Command::new(exe);
            cmd.current_dir(&self.ws.root)
                .args(["check", self.kata.name, "--json", "--live-events"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .process_group(0);
            if why == Why::Rerun {
                cmd.arg("--fresh");
            }
            let mut child = cmd.spawn().context("cannot start the grader")?;
            self.next_id += 1;
            let id = self.next_id;
            let pid = child.id() as i32;
            let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
            let tx = self.tx.clone();
            std::thread::spawn(move || {
                let progress_tx = tx.clone();
                let progress = std::thread::spawn(move || {
                    let Some(stderr) = stderr else { return };
                    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                        let msg = match serde_json::from_str::<LiveEvent>(&line) {
                            Ok(event) => Msg::Live { grade: id, event },
                            Err(_) => Msg::Output { grade: id, line },
                        };
                        let _ = progress_tx.send(msg);
                    }
                });
                let mut json = String::new();
                if let Some(mut out) = stdout {
                    let _ = out.read_to_string(&mut json);
                }
                let status = child.wait();
                let _ = progress.join();
                let outcome = match serde_json::from_str::<results::Report>(&json) {
                    Ok(report) => Ok(Box::new(report)),
                    Err(_) => Err(match status {
                        Ok(s) => format!("`cargo kata check` stopped ({s}) without a report"),
                        Err(e) => format!("`cargo kata check` could not be waited for: {e}"),
                    }),
                };
                let _ = tx.send(Msg::Graded { grade: id, outcome });
            });
            self.graded_hash = Some(hash);
            self.output.clear();
            self.view.build_errors.clear();
            self.grade = Some(Grade {
                id,
                pid,
                phase_started: Instant::now(),
            });
            let why_text = match why {
                Why::Start => "start",
                Why::Save => "save",
                Why::Rerun => "re-run (r)",
                Why::Switch => "switch (n)",
            };
            self.view.running = Some(Running {
                why: why_text,
                phase: "starting".into(),
                phase_elapsed: Duration::ZERO,
                done: Vec::new(),
                stage: None,
            });
            if !self.screen {
                self.plain(&format!("grading {} ({why_text}) ...", self.kata.name));
            }
            Ok(())
        }

        /// Tells the running grade's process group to stop.
        fn cancel(&mut self) {
            if let Some(g) = self.grade.take() {
                // SAFETY: kill(2) with a negative pid signals that process group, which is the
                // grading process's own (`process_group(0)`).
                unsafe { libc::kill(-g.pid, libc::SIGTERM) };
                self.killed.push(Killed {
                    id: g.id,
                    pid: g.pid,
                    at: Instant::now(),
                });
            }
            self.view.running = None;
        }

        /// SIGKILL for a group that did not stop on SIGTERM.
        fn reap_stragglers(&mut self) {
            self.killed.retain(|k| {
                if k.at.elapsed() < KILL_GRACE {
                    return true;
                }
                // SAFETY: as in `cancel`.
                unsafe { libc::kill(-k.pid, libc::SIGKILL) };
                false
            });
        }

        /// Before quitting: stops the grade, waits a little for its group to end, then kills
        /// what is left.
        fn stop_all(&mut self, chan: &mut Channel) {
            self.cancel();
            let deadline = Instant::now() + KILL_GRACE;
            while !self.killed.is_empty() && Instant::now() < deadline {
                if let Some(Msg::Graded { grade, .. }) = engine::Source::next(chan, deadline) {
                    self.killed.retain(|k| k.id != grade);
                }
            }
            for k in self.killed.drain(..) {
                // SAFETY: as in `cancel`.
                unsafe { libc::kill(-k.pid, libc::SIGKILL) };
            }
        }

        /// `h`: the next hint for the failing stage.
        fn hint(&mut self) {
            let failing = self.view.report.as_ref().and_then(|r| {
                r.stages
                    .iter()
                    .find(|s| matches!(s.status, StageStatus::Failed | StageStatus::CouldNotGrade))
                    .and_then(|s| Stage::parse(&s.name))
            });
            self.view.hint = Some(match hints::next_hint(self.ws, self.kata, failing) {
                Ok(h) => Ok(HintView {
                    stage: h.stage,
                    level: h.level,
                    total: h.total,
                    title: h.title,
                    text: h.text,
                }),
                Err(e) => Err(format!("{e:#}")),
            });
            if !self.screen {
                match self.view.hint.clone() {
                    Some(Ok(h)) => {
                        self.plain(&format!(
                            "Hint {} of {} ({}): {}",
                            h.level, h.total, h.stage, h.title
                        ));
                        for l in h.text.lines() {
                            self.plain(&format!("  {l}"));
                        }
                    }
                    Some(Err(e)) => self.plain(&format!("No hint: {e}")),
                    None => {}
                }
            }
        }

        /// `n`: the next kata not solved yet after this one (or simply the next one).
        fn switch(&mut self) {
            let progress = progress::load(self.ws);
            let here = KATAS
                .iter()
                .position(|k| k.name == self.kata.name)
                .unwrap_or(0);
            let after = |d: usize| &KATAS[(here + d) % KATAS.len()];
            let next = (1..KATAS.len())
                .map(after)
                .find(|k| !progress.is_solved(k.name, &progress::current_hash(self.ws, k)))
                .unwrap_or_else(|| after(1));
            self.kata = next;
            self.generation += 1;
            if let Some(n) = self
                .folder
                .switch(&kata_dir(self.ws, next), self.generation)
            {
                self.notice(n);
                self.set_mode(true);
            }
            self.graded_hash = None;
            self.view.kata = next;
            self.view.report = None;
            self.view.hint = None;
            self.view.build_errors.clear();
            self.view.grader_error = None;
            if !self.screen {
                self.plain(&format!("watching {} now", next.name));
            }
        }

        /// Redraws the screen when something changed, the spinner moved or the size changed.
        fn draw(&mut self) {
            if !self.screen {
                return;
            }
            let size = term::size().unwrap_or(self.size);
            if size != self.size {
                self.size = size;
                self.dirty = true;
            }
            if let (Some(g), Some(r)) = (&self.grade, self.view.running.as_mut()) {
                r.phase_elapsed = g.phase_started.elapsed();
                self.view.frame = self.view.frame.wrapping_add(1);
                self.dirty = true;
            }
            if !self.dirty {
                return;
            }
            self.dirty = false;
            let (w, h) = self.size;
            let lines = screen::compose(&self.view, w, h);
            let mut text = String::from("\x1b[H");
            for (i, line) in lines.iter().enumerate() {
                text.push_str(&screen::paint(line, self.color));
                text.push_str("\x1b[K");
                if i + 1 < lines.len() {
                    text.push('\n');
                }
            }
            text.push_str("\x1b[J");
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(text.as_bytes());
            let _ = o.flush();
        }

        fn plain(&self, text: &str) {
            let mut o = std::io::stdout().lock();
            let _ = writeln!(o, "{text}");
            let _ = o.flush();
        }

        /// Plain output of a finished grade: the line-up and the key information.
        fn print_result(&self) {
            // No width: a pipe or a file has none, so nothing is wrapped or cut.
            let lines = screen::compose(&self.view, usize::MAX, 1000);
            // The header, the hint and the footer were printed already or are not news.
            for (_, l) in lines
                .iter()
                .skip(3)
                .take_while(|(_, l)| !l.starts_with(screen::FOOTER))
            {
                self.plain(l);
            }
        }

        /// Restores the terminal and says where things stand.
        fn leave(self, terminal: Terminal) -> ExitCode {
            drop(terminal);
            let marks = self
                .view
                .report
                .as_ref()
                .map(|r| {
                    r.stages
                        .iter()
                        .map(|s| {
                            let m = match s.status {
                                StageStatus::Passed => '✓',
                                StageStatus::NotRun => '·',
                                _ => '✗',
                            };
                            format!("{m} {}", s.name)
                        })
                        .collect::<Vec<_>>()
                        .join("  ")
                })
                .unwrap_or_else(|| "not graded".into());
            println!("cargo kata watch: stopped. {}: {marks}", self.kata.name);
            ExitCode::SUCCESS
        }
    }
}
