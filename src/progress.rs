//! A one-line spinner on stderr while a slow call runs, only when stderr is a terminal.

use std::io::Write;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

pub struct Spinner {
    stop: Option<(Sender<()>, JoinHandle<()>)>,
}

impl Spinner {
    pub fn start(enabled: bool, message: &str) -> Spinner {
        if !enabled {
            return Spinner { stop: None };
        }
        let (tx, rx) = mpsc::channel();
        let message = message.to_owned();
        let handle = thread::spawn(move || {
            const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
            // Quick calls finish before the spinner would show: no flicker.
            let mut tick = 0usize;
            let mut wait = Duration::from_millis(300);
            loop {
                match rx.recv_timeout(wait) {
                    Err(RecvTimeoutError::Timeout) => {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r{} {message}", FRAMES[tick % FRAMES.len()]);
                        let _ = err.flush();
                        tick += 1;
                        wait = Duration::from_millis(120);
                    }
                    _ => {
                        if tick > 0 {
                            let _ = write!(std::io::stderr(), "\r\x1b[2K");
                        }
                        return;
                    }
                }
            }
        });
        Spinner {
            stop: Some((tx, handle)),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some((tx, handle)) = self.stop.take() {
            let _ = tx.send(());
            let _ = handle.join();
        }
    }
}
