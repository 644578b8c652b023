//! The real binary: `mcpow mock specs/petstore-3.0.yaml --port 0`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::support::{client, get, root};

/// Kills the child when the test ends, however it ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads lines of a pipe on a thread, so the test can wait with a time limit.
fn lines(pipe: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

#[tokio::test]
async fn the_binary_serves_the_spec_on_a_free_port() {
    let spec = root().join("specs/petstore-3.0.yaml");
    let child = Command::new(env!("CARGO_BIN_EXE_mcpow"))
        .args([
            "mock",
            spec.to_str().unwrap(),
            "--port",
            "0",
            "--latency",
            "1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mcpow mock");
    let mut guard = Guard(child);
    let stdout = lines(guard.0.stdout.take().unwrap());
    let stderr = lines(guard.0.stderr.take().unwrap());

    let first = stdout
        .recv_timeout(Duration::from_secs(60))
        .expect("the start line");
    let rest = first
        .strip_prefix("mock listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected start line: {first}"));
    let (port, count) = rest.split_once(' ').expect("port and count");
    let port: u16 = port.parse().expect("a port");
    assert_ne!(port, 0);
    assert_eq!(count, "(10 operations)");
    println!("mcpow mock listens on port {port}");

    let client = client();
    let reply = get(&client, &format!("http://127.0.0.1:{port}/v1/pets/1042")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["name"], "Biscuit");
    let reply = get(&client, &format!("http://127.0.0.1:{port}/v1/pets?limit=0")).await;
    assert_eq!(reply.status, 422);

    let logged = stderr
        .recv_timeout(Duration::from_secs(10))
        .expect("a line per request");
    assert!(
        logged.starts_with("GET /v1/pets/1042 -> 200 getPet"),
        "{logged}"
    );
    let logged = stderr.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(
        logged.starts_with("GET /v1/pets?limit=0 -> 422 listPets"),
        "{logged}"
    );
}

#[test]
fn an_unusable_spec_is_one_error_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_mcpow"))
        .args(["mock", "/nonexistent/spec.yaml", "--port", "0"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}
