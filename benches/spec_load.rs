//! Loading and normalizing the largest real descriptions, beside the floor: serde parsing the same bytes into
//! a `serde_json::Value`. Run: `cargo bench --bench spec_load` (the corpus must be at ../shared/corpus).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mcpoverflow::spec::{LoadOptions, load_bytes};

const FILES: [&str; 3] = [
    "openapi/github/api.github.com.json",
    "openapi/stripe/spec3.json",
    "openapi/stripe/spec3.yaml",
];

fn corpus_file(relative: &str) -> Option<(PathBuf, Vec<u8>)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(relative);
    let bytes = std::fs::read(&path).ok()?;
    Some((path, bytes))
}

fn spec_load(c: &mut Criterion) {
    let options = LoadOptions::default();
    for relative in FILES {
        let Some((path, bytes)) = corpus_file(relative) else {
            eprintln!("skipping {relative}: not found beside the repository");
            continue;
        };
        let name = relative.rsplit('/').next().unwrap_or(relative);
        let mut group = c.benchmark_group(name);
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(8))
            .warm_up_time(Duration::from_secs(1));
        if relative.ends_with(".json") {
            group.bench_function("floor: serde_json::from_slice to Value", |b| {
                b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()))
            });
        } else {
            group.bench_function("floor: yaml_serde::from_slice to serde_json::Value", |b| {
                b.iter(|| black_box(yaml_serde::from_slice::<serde_json::Value>(&bytes).unwrap()))
            });
        }
        group.bench_function("mcpow load_bytes (parse + normalize)", |b| {
            b.iter(|| black_box(load_bytes(name, &bytes, Some(&path), &options).unwrap()))
        });
        group.finish();
    }
}

criterion_group!(benches, spec_load);
criterion_main!(benches);
