//! Tools for every loadable document of the shared corpus (`../shared/corpus`, listed in `manifest.tsv`): names
//! unique and valid in both client profiles, argument names valid property keys, schemas self-contained (no `$ref`, arrays with `items`, no
//! top-level combinators), every inputSchema compiles with `jsonschema::validator_for`, and every outputSchema
//! passes `jsonschema::meta::validate` (compiling those too would double the run time in a debug build).
//!
//! `TOOLS_CORPUS_VERBOSE=1` prints per-document sizes and timings. `github_build_time` (ignored) times the
//! GitHub description: `cargo test --release --test tools_corpus github_build_time -- --ignored --nocapture`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mcpoverflow::spec::model::ApiModel;
use mcpoverflow::spec::{LoadOptions, load_bytes};
use mcpoverflow::tools::input::is_valid_argument_name;
use mcpoverflow::tools::naming::{assign_names, is_valid_name};
use mcpoverflow::tools::schema::schema_problems;
use mcpoverflow::tools::{
    ClientProfile, Exposure, ToolOptions, ToolSet, build_tools, build_tools_with, size_report,
};

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.join("manifest.tsv").exists() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but the corpus is missing at {}", dir.display());
    }
    eprintln!("skipping: no corpus at {}", dir.display());
    None
}

fn manifest(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv")).expect("read manifest.tsv");
    text.lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|path| !path.is_empty())
        .map(String::from)
        .collect()
}

fn check_names<'a>(names: impl Iterator<Item = &'a str>, profile: ClientProfile) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for name in names {
        if !is_valid_name(name, profile) {
            problems.push(format!("invalid name `{name}` ({profile:?})"));
        }
        if !seen.insert(name) {
            problems.push(format!("duplicate name `{name}` ({profile:?})"));
        }
    }
    problems
}

/// Everything wrong with one tool set, as lines.
fn check_tools(set: &ToolSet) -> Vec<String> {
    let mut problems = check_names(
        set.tools.iter().map(|t| t.name.as_str()),
        ClientProfile::Standard,
    );
    for tool in &set.tools {
        let arguments = tool.input_schema["properties"].as_object();
        for argument in arguments.into_iter().flat_map(|p| p.keys()) {
            if !is_valid_argument_name(argument) {
                problems.push(format!("{}: invalid argument name `{argument}`", tool.name));
            }
        }
        if arguments.map_or(0, |p| p.len()) != tool.bindings.len() {
            problems.push(format!("{}: arguments and bindings differ", tool.name));
        }
        for problem in schema_problems(&tool.input_schema) {
            problems.push(format!("{}: inputSchema: {problem}", tool.name));
        }
        if let Err(error) = jsonschema::validator_for(&tool.input_schema) {
            problems.push(format!(
                "{}: inputSchema does not compile: {error}",
                tool.name
            ));
        }
        if let Some(output) = &tool.output_schema {
            for problem in schema_problems(output) {
                problems.push(format!("{}: outputSchema: {problem}", tool.name));
            }
            if let Err(error) = jsonschema::meta::validate(output) {
                problems.push(format!("{}: outputSchema is not valid: {error}", tool.name));
            }
        }
    }
    problems
}

/// A large API's tools are built on several threads: they must equal one thread's, warnings included.
fn check_same_as_one_thread(model: &ApiModel, options: &ToolOptions, set: &ToolSet) -> Vec<String> {
    let one_thread = build_tools_with(model, options, |_| {});
    let mut problems = Vec::new();
    if one_thread.tools.len() != set.tools.len() {
        problems.push("threads and one thread give different numbers of tools".to_string());
    }
    for (threaded, single) in set.tools.iter().zip(&one_thread.tools) {
        if threaded != single {
            problems.push(format!("{}: threads and one thread differ", single.name));
        }
    }
    if one_thread.warnings != set.warnings || one_thread.skipped != set.skipped {
        problems.push("threads and one thread give different warnings or skips".to_string());
    }
    problems
}

#[derive(Default)]
struct Totals {
    loaded: usize,
    tools: usize,
    with_output: usize,
    skipped: usize,
    bytes: usize,
    unloaded: Vec<String>,
    failed: Vec<String>,
}

fn check_document(dir: &Path, relative: &str, totals: &Mutex<Totals>) {
    let path = dir.join(relative);
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    let started = Instant::now();
    let model = match load_bytes(relative, &bytes, Some(&path), &LoadOptions::default()) {
        Ok(model) => model,
        Err(error) => {
            let mut totals = totals.lock().unwrap_or_else(|e| e.into_inner());
            totals.unloaded.push(format!("{relative}: {error}"));
            return;
        }
    };
    let loaded = started.elapsed();
    let options = ToolOptions {
        exposure: Exposure::All,
        ..ToolOptions::default()
    };
    let started = Instant::now();
    let set = build_tools(&model, &options);
    let built = started.elapsed();
    let size = set.size();
    let mut problems = check_tools(&set);
    if model.operations.len() >= 128 {
        problems.extend(check_same_as_one_thread(&model, &options, &set));
    }
    let prefixed = assign_names(&model.operations, ClientProfile::Prefixed);
    problems.extend(check_names(
        prefixed.iter().map(String::as_str),
        ClientProfile::Prefixed,
    ));
    if std::env::var_os("TOOLS_CORPUS_VERBOSE").is_some() {
        eprintln!(
            "{relative}: {} tools, {} bytes, ~{} tokens, load {loaded:.1?}, build {built:.1?}",
            set.tools.len(),
            size.bytes,
            size.tokens
        );
    }
    let mut totals = totals.lock().unwrap_or_else(|e| e.into_inner());
    totals.loaded += 1;
    totals.tools += set.tools.len();
    totals.with_output += set
        .tools
        .iter()
        .filter(|t| t.output_schema.is_some())
        .count();
    totals.skipped += set.skipped.len();
    totals.bytes += size.bytes;
    if !problems.is_empty() {
        let count = problems.len();
        problems.truncate(5);
        totals.failed.push(format!(
            "{relative} ({count} problems):\n    {}",
            problems.join("\n    ")
        ));
    }
}

#[test]
fn every_corpus_document_gives_valid_tools() {
    let Some(dir) = corpus_dir() else { return };
    let documents = manifest(&dir);
    let started = Instant::now();
    let totals = Mutex::new(Totals::default());
    let next = Mutex::new(0usize);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = {
                        let mut next = next.lock().unwrap_or_else(|e| e.into_inner());
                        *next += 1;
                        *next - 1
                    };
                    let Some(relative) = documents.get(index) else {
                        break;
                    };
                    check_document(&dir, relative, &totals);
                }
            });
        }
    });
    let totals = totals.into_inner().unwrap_or_else(|e| e.into_inner());
    println!(
        "tools corpus: {} documents, {} loaded, {} tools ({} with outputSchema, {} operations skipped), \
         {} MB of tools/list, {} documents with problems, {:.1?}",
        documents.len(),
        totals.loaded,
        totals.tools,
        totals.with_output,
        totals.skipped,
        totals.bytes / 1_000_000,
        totals.failed.len(),
        started.elapsed()
    );
    for unloaded in &totals.unloaded {
        println!("  not loadable (skipped): {unloaded}");
    }
    assert!(totals.loaded > 0, "no document loaded");
    assert!(
        totals.failed.is_empty(),
        "documents with problems:\n{}",
        totals.failed.join("\n")
    );
}

/// Times tool building for the 1,223-operation GitHub description (best of three) and prints the list sizes.
#[test]
#[ignore]
fn github_build_time() {
    let Some(dir) = corpus_dir() else { return };
    let path = dir.join("openapi/github/api.github.com.json");
    let bytes = std::fs::read(&path).expect("read the GitHub description");
    let model = load_bytes("github", &bytes, Some(&path), &LoadOptions::default()).expect("loads");
    let options = ToolOptions {
        exposure: Exposure::All,
        ..ToolOptions::default()
    };
    let mut best = Duration::MAX;
    let mut tools = 0;
    for _ in 0..3 {
        let started = Instant::now();
        tools = build_tools(&model, &options).tools.len();
        best = best.min(started.elapsed());
    }
    let report = size_report(&model, &options);
    println!(
        "github: {} operations, {tools} tools, build {best:.1?}; tools/list: all {} bytes (~{} tokens), \
         discover {} bytes (~{} tokens)",
        model.operations.len(),
        report.all.bytes,
        report.all.tokens,
        report.discover.bytes,
        report.discover.tokens
    );
    assert_eq!(tools, 1223);
}
