//! What both targets share: the options, and running the loader the way `mcpow` does.

use mcpoverflow::spec::{LoadOptions, load_bytes};

/// The stack of the thread the loader runs on. `mcpoverflow::spec::load` runs it on tokio's blocking pool, whose
/// threads have 2 MiB stacks, so a document that overflows that stack is a crash here too (libFuzzer's own thread
/// has 8 MiB and would hide it).
const LOADER_STACK: usize = 2 * 1024 * 1024;

/// Loads `bytes` as a detached document (no path, no remote references) and ignores the outcome: any `Ok` or
/// `Err` is fine; a panic, a stack overflow, a hang or runaway memory is the bug being looked for.
pub fn load(bytes: &[u8]) {
    let options = LoadOptions {
        max_bytes: 1 << 20,
        ..Default::default()
    };
    std::thread::scope(|scope| {
        let loader = std::thread::Builder::new()
            .name("loader".into())
            .stack_size(LOADER_STACK)
            .spawn_scoped(scope, || {
                let _ = load_bytes("fuzz", bytes, None, &options);
            })
            .expect("a loader thread starts");
        if let Err(panic) = loader.join() {
            std::panic::resume_unwind(panic);
        }
    });
}
