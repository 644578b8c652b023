//! Testing a backend: a real process started in its own group, waited for, its description discovered, and
//! always stopped; sources from a directory or a git repository (a branch, a pull request's `pull/N/head`);
//! `mcpow test --start` end to end, against a tiny backend and against Kinto and Prometheus Alertmanager.

mod common;

#[path = "contract_backend/support.rs"]
mod support;

#[path = "contract_backend/lifecycle.rs"]
mod lifecycle;

#[path = "contract_backend/git_source.rs"]
mod git_source;

#[path = "contract_backend/cli.rs"]
mod cli;

#[path = "contract_backend/real.rs"]
mod real;
