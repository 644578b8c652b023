//! Any bytes into `mcpoverflow::spec::load_bytes`: decoding, format sniffing, JSON/YAML/SDL parsing and whichever
//! reader the document reaches.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::load(data);
});
