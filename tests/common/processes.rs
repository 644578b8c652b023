//! Long-running subprocesses for tests: `mcpow mock` and `mcpow serve --transport http`, killed on drop.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A child process killed when the test ends.
pub struct Running {
    child: Child,
    /// The URL it printed on start.
    pub url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `mcpow ARGS` and waits (up to 60 s) for a line on stdout or stderr containing `http://`; the URL is
/// taken from it.
pub fn start_mcpow(args: &[&str]) -> Running {
    start_mcpow_with(args, &[])
}

/// [`start_mcpow`] with `env` added to its environment.
pub fn start_mcpow_with(args: &[&str], env: &[(&str, &str)]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcpow"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mcpow");
    let (sender, receiver) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    watch_for_url(stdout, sender.clone());
    watch_for_url(stderr, sender);
    let url = receiver
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("mcpow {args:?} printed no URL within 60 s"));
    Running { child, url }
}

/// Reads lines to the end (so the child never blocks on a full pipe), sending the first URL seen.
fn watch_for_url(stream: impl std::io::Read + Send + 'static, sender: mpsc::Sender<String>) {
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if !sent && let Some(start) = line.find("http://") {
                let url: String = line[start..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let _ = sender.send(url);
                sent = true;
            }
        }
    });
}
