//! MCPOverflow Workbench: API descriptions into MCP connectors, and a terminal workbench to debug them.
//!
//! Layers: `spec` (any description into one model) is the base; later layers build on it. The library never
//! prints; only `cli` (the edge) writes to the terminal.

pub mod cli;
pub mod codegen;
pub mod config;
pub mod contract;
pub mod diff;
pub mod engine;
pub mod gateway;
pub mod http;
pub mod mcp;
pub mod memory;
pub mod mock;
pub mod serve;
pub mod spec;
pub mod store;
mod swar;
pub mod tools;
pub mod tui;
