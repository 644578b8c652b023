//! Why a session ended: the server's exit status, a protocol fault (a line on stdout that is not JSON-RPC),
//! or a closed connection. Transports record it; the session turns it into one clear error.

use std::process::ExitStatus;
use std::sync::Mutex;

use tokio::sync::watch;

/// What went wrong with the connection itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The server wrote something that is not a JSON-RPC message.
    Protocol { line: u64, text: String },
    /// Reading or writing the connection failed.
    Io(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Protocol { line, text } => write!(
                f,
                "protocol error: line {line} of the server's output is not a JSON-RPC message: {text}"
            ),
            Fault::Io(message) => write!(f, "connection error: {message}"),
        }
    }
}

/// The shared state of one connection.
pub struct Health {
    fault: Mutex<Option<Fault>>,
    exit: Mutex<Option<ExitStatus>>,
    /// Becomes true once the connection is gone (for whatever reason).
    ended: watch::Sender<bool>,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            fault: Mutex::new(None),
            exit: Mutex::new(None),
            ended: watch::channel(false).0,
        }
    }
}

impl Health {
    /// Keeps the first fault: later ones are consequences.
    pub fn record_fault(&self, fault: Fault) {
        let mut slot = lock(&self.fault);
        if slot.is_none() {
            *slot = Some(fault);
        }
        drop(slot);
        self.mark_ended();
    }

    pub fn record_exit(&self, status: ExitStatus) {
        *lock(&self.exit) = Some(status);
        self.mark_ended();
    }

    pub fn mark_ended(&self) {
        self.ended.send_replace(true);
    }

    pub fn fault(&self) -> Option<Fault> {
        lock(&self.fault).clone()
    }

    pub fn exit(&self) -> Option<ExitStatus> {
        *lock(&self.exit)
    }

    pub fn has_ended(&self) -> bool {
        *self.ended.borrow()
    }

    /// Resolves once the connection has ended.
    pub async fn ended(&self) {
        let mut receiver = self.ended.subscribe();
        let _ = receiver.wait_for(|ended| *ended).await;
    }

    /// One line on how the connection ended, if it did: the fault, else the exit status.
    pub fn describe_end(&self) -> Option<String> {
        if let Some(fault) = self.fault() {
            return Some(fault.to_string());
        }
        if let Some(status) = self.exit() {
            return Some(describe_exit(status));
        }
        self.has_ended()
            .then(|| "the server closed the connection".to_string())
    }
}

pub fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("the server was ended by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("the server exited with status {code}"),
        None => "the server exited".to_string(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
