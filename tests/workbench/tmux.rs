//! The real `mcpow` binary in a pseudo-terminal under tmux (its own socket), driven with send-keys and
//! checked on the captured screen. tmux is required in CI; elsewhere its absence skips the test.

use std::process::Command;
use std::time::{Duration, Instant};

use super::common;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &str) -> Option<Tmux> {
        let present = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !present {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "tmux is required in CI for the workbench test"
            );
            eprintln!("skipping: tmux is not installed");
            return None;
        }
        // One server per session: tests in this process run in parallel.
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = format!("mcpow-test-{}-{n}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-s",
                "wb",
                "-x",
                "100",
                "-y",
                "30",
                command,
            ])
            .status()
            .expect("tmux new-session");
        assert!(status.success());
        Some(Tmux { socket })
    }

    fn screen(&self) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-t", "wb", "-p"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "wb"])
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Waits (up to 20 s) until the screen contains every one of `texts`.
    fn wait_for(&self, texts: &[&str]) -> String {
        self.wait_within(texts, Duration::from_secs(20))
    }

    /// Waits up to `limit` until the screen contains every one of `texts`.
    fn wait_within(&self, texts: &[&str], limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            assert!(
                started.elapsed() < limit,
                "the screen never showed {texts:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A tmux command on this server (`set-option`, `set-buffer`, `show-buffer`, ...); its stdout.
    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        assert!(output.status.success(), "tmux {args:?} failed");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", "wb"])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn the_workbench_in_a_real_terminal() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    // An empty config dir: the machine's own config must not change what the test sees. The "editor"
    // turns a 7 into an 8 and saves.
    let config = tempfile::tempdir().unwrap();
    let command = format!(
        "EDITOR='sed -i s/7/8/' {} --data-dir {data_dir} --config-dir {}",
        env!("CARGO_BIN_EXE_mcpow"),
        config.path().display()
    );
    let Some(tmux) = Tmux::start(&command) else {
        return;
    };
    // The generated Python connector runs on the interpreter that has `mcp` and `httpx`.
    let python = common::client_toolchain("codegen-python");
    let command = match &python {
        Some(venv) => format!("MCPOW_PYTHON={}/bin/python {command}", venv.display()),
        None => command,
    };
    // The first run shows the sample project, its first spec opened.
    tmux.wait_for(&[
        "Specs · sample",
        "petstore-3.0.yaml",
        "Operations · petstore-3.0.yaml (10)",
    ]);

    // Filter to an operation and open its detail.
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "getpet"]);
    tmux.wait_for(&["/ getpet", "getPet"]);
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for(&["Parameters", "petId", "Responses"]);

    // A second mcpow on the same store says so and exits.
    let mut second = common::mcpow();
    second.args(["--data-dir", &data_dir]);
    let output = common::run_bounded(second, None, Duration::from_secs(20));
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("another mcpow is using the store at"),
        "{message}"
    );

    // The help overlay, then quit. (Escape and the next key go separately, or the terminal reads them as
    // one Alt key.)
    tmux.keys(&["Escape"]);
    tmux.wait_for(&["Operations · petstore-3.0.yaml"]);
    tmux.keys(&["?"]);
    tmux.wait_for(&["Keys · Specs", "filter the list"]);
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));

    // Tools: serve the open spec against mcpow's mock, fill getPet's form, call it, read the mock's answer.
    tmux.keys(&["4"]);
    tmux.wait_for(&["not connected"]);
    tmux.keys(&["c"]);
    tmux.wait_for(&["Serve petstore-3.0.yaml against mcpow's mock"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[
        "petstore-3.0.yaml served against the mock",
        "Tools (10)",
        "MCP 20",
    ]);
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "getpet"]);
    tmux.keys(&["Enter"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Arguments · getPet", "petId"]);
    tmux.keys(&["-l", "7"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["getPet · ok", "\"species\""]);

    // Copy (OSC 52, which tmux keeps as a paste buffer), then $EDITOR on the arguments.
    tmux.run(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.keys(&["C-y"]);
    tmux.wait_for(&["copied"]);
    let copied = tmux.run(&["show-buffer"]);
    assert_eq!(copied.trim(), "{\n  \"petId\": 7\n}");
    tmux.keys(&["C-e"]);
    tmux.wait_for(&[
        "arguments from the editor are in the form",
        "petId*         : 8",
    ]);
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["q"]);
    tmux.wait_for(&["q again quits and stops it"]);
    tmux.keys(&["q"]);
    let started = Instant::now();
    while tmux.alive() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!tmux.alive(), "q quits");

    // A second run finds the same project (created once), shows the call in history and replays it.
    let again = Tmux::start(&command).unwrap();
    again.wait_for(&["Specs · sample", "Operations · petstore-3.0.yaml (10)"]);
    again.keys(&["4"]);
    again.keys(&["]", "]", "]"]);
    again.wait_for(&["History 1", "getPet", "{\"petId\":7}"]);
    again.keys(&["c"]);
    again.wait_for(&["Serve petstore-3.0.yaml against mcpow's mock"]);
    again.keys(&["Enter"]);
    again.wait_for(&["Tools (10)"]);
    again.keys(&["l"]);
    again.keys(&["Enter"]);
    again.wait_for(&["Arguments · getPet", "arguments back in the form"]);
    again.keys(&["Enter"]);
    again.wait_for(&["getPet · ok", "History 2"]);
    again.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));

    // Generate a Python connector for the sample spec, read its main file, run it from the Tools pane
    // (on the venv that has its dependencies) against the mock, and call a tool through it.
    if let Some(venv) = python {
        generate_read_run_and_call(&again, &venv);
        smoke_test_the_connector_and_open_a_failure(&again);
    }

    // A spec pasted whole (bracketed paste) into the add-a-spec overlay.
    again.keys(&["1"]);
    again.keys(&["a"]);
    again.wait_for(&["Path"]);
    again.keys(&["Tab", "Tab", "Tab"]);
    let pasted = "openapi: 3.0.3\ninfo: {title: Pasted Notes, version: '1'}\npaths:\n  /notes:\n    get:\n      operationId: listNotes\n      responses: {'200': {description: ok}}\n";
    again.run(&["set-buffer", "--", pasted]);
    again.run(&["paste-buffer", "-p", "-t", "wb"]);
    again.wait_for(&["operationId: listNotes"]);
    again.keys(&["C-s"]);
    again.wait_for(&["added pasted-notes.yaml v1", "listNotes"]);
    again.keys(&["q", "q"]);
    let store = mcpoverflow::store::Store::open(&data.path().join("store"));
    // The workbench may still be closing: the lock is released when it exits.
    if let Ok(store) = store {
        assert_eq!(store.projects().unwrap().len(), 1);
    }
}

/// Pane 2 on the open sample spec: `r` generates; pane 3 shows its server.py; pane 4 runs it (the picker's
/// connector entry, against the mock) and calls getPet through it.
fn generate_read_run_and_call(tmux: &Tmux, venv: &std::path::Path) {
    assert!(venv.join("bin/python").exists());
    tmux.keys(&["2"]);
    tmux.wait_for(&["Generate · petstore-3.0.yaml v1", "10 of 10"]);
    tmux.keys(&["r"]);
    tmux.wait_for(&["✓ done", "pet-clinic-store-mcp:", "files"]);
    tmux.keys(&["3"]);
    tmux.wait_for(&["server.py", "The API as an MCP server"]);
    tmux.keys(&["4"]);
    tmux.keys(&["c"]);
    tmux.wait_for(&["Run connector pet-clinic-store-mcp (python) against mcpow's mock"]);
    // Past the three entries of the served spec.
    tmux.keys(&["j", "j", "j"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&[
        "connector pet-clinic-store-mcp against the mock",
        "Tools (10)",
    ]);
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "getpet"]);
    tmux.keys(&["Enter"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Arguments · getPet", "petId"]);
    tmux.keys(&["-l", "7"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["getPet · ok", "\"species\"", "History 3"]);
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
}

/// Pane 6: the smoke suite on the generated connector (its own runtime) against the mock failing 30 % of
/// requests; the totals come in, the first failure opens with its request, response and failing check.
fn smoke_test_the_connector_and_open_a_failure(tmux: &Tmux) {
    tmux.keys(&["6"]);
    tmux.wait_for(&[
        "Connectors (2)",
        "serve petstore-3.0.yaml v1",
        "pet-clinic-store-mcp (python)",
        "No stored run",
    ]);
    tmux.keys(&["j"]);
    tmux.wait_for(&["› pet-clinic-store-mcp (python)"]);
    tmux.keys(&["a"]);
    tmux.wait_for(&["API mock, 30% faults (seed 7)"]);
    tmux.keys(&["r"]);
    let run = tmux.wait_within(
        &["10/10 calls", "stored as run #", "success rate"],
        Duration::from_secs(120),
    );
    assert!(run.contains("✗ "), "a failure in {run}");
    assert!(
        run.contains("› ✗ "),
        "the cursor on the first failure: {run}"
    );
    assert!(run.contains("API mock with 30% faults (seed 7)"), "{run}");
    tmux.keys(&["Enter"]);
    let detail = tmux.wait_for(&["FAILED · Esc closes", "Checks (", "HTTP (", "JSON pointer"]);
    assert!(detail.contains("✗ "), "{detail}");
    assert!(detail.contains("injected failure"), "{detail}");
    tmux.keys(&["Escape"]);
    tmux.wait_for(&["Runs (1)", "· mock with 30%"]);
    std::thread::sleep(Duration::from_millis(300));
}

/// Acceptance for remote jobs: the workbench starts a generation on a (slow) remote engine, is killed (-9)
/// while the job runs there, and at its next start follows the job to its end and keeps the connector.
#[test]
fn a_remote_job_outlives_a_killed_workbench() {
    // Each of the job's stages takes 1.5 s on this engine: the whole job about 6 s.
    let engine = common::processes::start_mcpow_with(
        &["engine", "serve", "--port", "0", "--stage-delay-ms", "1500"],
        &[],
    );
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let config = tempfile::tempdir().unwrap();
    let command = format!(
        "MCPOVERFLOW_API_URL={} MCPOVERFLOW_POLL_INTERVAL=200 {} --data-dir {data_dir} --config-dir {}",
        engine.url,
        env!("CARGO_BIN_EXE_mcpow"),
        config.path().display()
    );
    let Some(tmux) = Tmux::start(&command) else {
        return;
    };
    tmux.wait_for(&[
        "Operations · petstore-3.0.yaml (10)",
        &format!("engine: {} ✓ mcpow-embedded", engine.url),
    ]);
    tmux.keys(&["2"]);
    tmux.wait_for(&["10 of 10", &format!("remote {}", engine.url)]);
    tmux.keys(&["r"]);
    // The job is on the engine (its remote id logged) and still running there.
    tmux.wait_for(&["queued: job-1 on", "generating code: 40%"]);
    // The pane's process is the shell running the command line, or mcpow itself: both go, with -9.
    let pane = tmux.run(&["display-message", "-p", "-t", "wb", "#{pane_pid}"]);
    let pane = pane.trim();
    let _ = Command::new("pkill").args(["-9", "-P", pane]).status();
    let killed = Command::new("kill")
        .args(["-9", pane])
        .status()
        .expect("kill");
    assert!(killed.success(), "the workbench was running");
    let started = Instant::now();
    while tmux.alive() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    {
        let store = mcpoverflow::store::Store::open(&data.path().join("store")).unwrap();
        let jobs = store.jobs().unwrap();
        assert_eq!(jobs.len(), 1);
        assert!(!jobs[0].status.is_finished(), "{:?}", jobs[0].status);
        assert_eq!(jobs[0].remote_id.as_deref(), Some("job-1"));
        assert_eq!(
            store.interrupted_at_open(),
            0,
            "a remote job is not interrupted"
        );
    }

    // The next start follows it to its end: the job completes and the connector is kept.
    let again = Tmux::start(&command).unwrap();
    again.wait_for(&["job #1 made pet-clinic-store-mcp"]);
    again.keys(&["5"]);
    again.wait_for(&["✓ #1", "completed"]);
    again.keys(&["q"]);
    let started = Instant::now();
    while again.alive() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let store = mcpoverflow::store::Store::open(&data.path().join("store")).unwrap();
    let jobs = store.jobs().unwrap();
    assert_eq!(jobs.len(), 1, "one job, followed again, not a second");
    assert_eq!(jobs[0].status, mcpoverflow::store::JobStatus::Completed);
    let connector = store
        .connector("sample", "pet-clinic-store-mcp")
        .unwrap()
        .expect("the connector is kept");
    assert_eq!(connector.engine, engine.url);
    assert!(connector.files.len() > 10);
}
