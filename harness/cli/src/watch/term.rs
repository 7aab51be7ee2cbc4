//! The terminal, for `cargo kata watch`: raw keyboard input, the alternate screen, its size, and
//! getting all of it back to normal however the watch ends.
//!
//! [`Terminal::enter`] switches the terminal to raw mode (keys arrive one by one, unechoed; Ctrl-C
//! arrives as a byte rather than a signal) and to the alternate screen. It is undone when the
//! guard is dropped, in the panic hook (before the panic message is printed, so that the message
//! reads normally), and on SIGINT, SIGTERM and SIGHUP, whose handler only raises a flag that the
//! watch loop reads ([`interrupted`]) to quit the ordinary way. termios through `libc`: a few
//! calls, which is all a full terminal crate would do here.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, Once};

/// Set by the signal handler; the watch loop quits when it sees it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The signal that set it.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// The terminal's settings before raw mode, while raw mode is on.
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Enters: alternate screen, cursor hidden, screen cleared.
const ENTER: &str = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
/// Leaves: cursor shown, main screen back.
const LEAVE: &str = "\x1b[?25h\x1b[?1049l";

/// Raw mode and the alternate screen, while this lives.
pub struct Terminal {
    /// Whether the alternate screen is in use (stdout is a terminal).
    screen: bool,
}

impl Terminal {
    /// Raw mode on stdin when it is a terminal (`raw`), the alternate screen on stdout when it is
    /// one (`screen`). Either may be off: the guard then restores only what it changed.
    pub fn enter(raw: bool, screen: bool) -> std::io::Result<Terminal> {
        install_handlers();
        if raw {
            // SAFETY: tcgetattr fills the struct it is given; an all-zero termios is a valid
            // place for it to write to.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let original = t;
            // Input: no line editing, no echo, no signals from keys (Ctrl-C is a byte we read),
            // no flow control, CR left as CR. Output processing stays on, so `\n` still starts a
            // new line.
            t.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG | libc::IEXTEN);
            t.c_iflag &= !(libc::IXON | libc::ICRNL);
            t.c_cc[libc::VMIN] = 1;
            t.c_cc[libc::VTIME] = 0;
            // SAFETY: `t` is a termios read from this very terminal.
            if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSAFLUSH, &t) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            *SAVED.lock().unwrap_or_else(|p| p.into_inner()) = Some(original);
        }
        if screen {
            SCREEN.store(true, Ordering::SeqCst);
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(ENTER.as_bytes());
            let _ = o.flush();
        }
        Ok(Terminal { screen })
    }

    /// Whether the screen is the alternate one, redrawn in place.
    pub fn screen(&self) -> bool {
        self.screen
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether the alternate screen is on (for [`restore`], from the panic hook).
static SCREEN: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back as it was: idempotent, callable from the panic hook.
pub fn restore() {
    if SCREEN.swap(false, Ordering::SeqCst) {
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(LEAVE.as_bytes());
        let _ = o.flush();
    }
    let saved = SAVED.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(t) = saved {
        // SAFETY: restores the settings read from this terminal in `enter`.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSAFLUSH, &t) };
    }
}

/// Whether SIGINT, SIGTERM or SIGHUP arrived.
pub fn interrupted() -> Option<i32> {
    INTERRUPTED
        .load(Ordering::SeqCst)
        .then(|| SIGNAL.load(Ordering::SeqCst))
}

extern "C" fn on_signal(sig: libc::c_int) {
    // Only async-signal-safe work: two atomic stores.
    SIGNAL.store(sig, Ordering::SeqCst);
    INTERRUPTED.store(true, Ordering::SeqCst);
}

fn install_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: `on_signal` only stores to atomics, which is async-signal-safe.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                // Blocking reads (the keyboard thread) carry on rather than fail with EINTR.
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(sig, &action, std::ptr::null_mut());
            }
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// The terminal's size in columns and rows, when stdout is one.
pub fn size() -> Option<(usize, usize)> {
    // SAFETY: TIOCGWINSZ fills the winsize it is given.
    let mut w: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut w) } == 0;
    (ok && w.ws_col > 0 && w.ws_row > 0).then_some((usize::from(w.ws_col), usize::from(w.ws_row)))
}
