//! `mcpow mock`: a real mock server on 127.0.0.1 called over HTTP with reqwest.

#[path = "mock/support.rs"]
mod support;

#[path = "mock/bundled.rs"]
mod bundled;

#[path = "mock/validation.rs"]
mod validation;

#[path = "mock/behaviour.rs"]
mod behaviour;

#[path = "mock/cli.rs"]
mod cli;
