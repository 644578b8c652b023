//! Adding a spec from the workbench: the store layer does it (`crate::store::add_spec`, shared with
//! `mcpow specs add`); the workbench runs it in `spawn_blocking`.

pub use crate::store::add_spec::add_spec;
