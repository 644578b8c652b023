//! Tools kept as the JSON `tools/list` sends: each entry serialized once, as it is built.
//!
//! A large API's tool schemas take several times their JSON's size as `serde_json::Value`s, so the server
//! holds the text and parses one entry when a call needs its schema.

use std::io::{self, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The `tools/list` entries of some tools, in order, each as compact JSON.
#[derive(Default)]
pub(super) struct RenderedTools {
    entries: Vec<Box<[u8]>>,
}

impl RenderedTools {
    pub fn push(&mut self, entry: &impl Serialize) -> Result<(), String> {
        let json =
            serde_json::to_vec(entry).map_err(|e| format!("a tool cannot be listed: {e}"))?;
        self.entries.push(json.into_boxed_slice());
        Ok(())
    }

    /// Entry `index` read back as `T`.
    pub fn parse<T: DeserializeOwned>(&self, index: usize) -> Result<T, String> {
        let entry = self
            .entries
            .get(index)
            .ok_or_else(|| format!("no tool at {index}"))?;
        serde_json::from_slice(entry)
            .map_err(|e| format!("a tool definition does not fit MCP: {e}"))
    }

    /// Every entry read back as `T` (rmcp's `Tool`, or a JSON value).
    pub fn parse_all<T: DeserializeOwned>(&self) -> Result<Vec<T>, String> {
        (0..self.entries.len()).map(|i| self.parse(i)).collect()
    }

    /// Writes the `tools/list` result, `{"tools":[...]}`, entry by entry.
    pub fn write_result(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"{\"tools\":[")?;
        for (index, entry) in self.entries.iter().enumerate() {
            if index > 0 {
                out.write_all(b",")?;
            }
            out.write_all(entry)?;
        }
        out.write_all(b"]}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn the_written_result_is_the_list_of_entries() {
        let mut rendered = RenderedTools::default();
        let first = json!({"name": "a", "inputSchema": {"type": "object"}});
        let second = json!({"name": "b", "description": "quote \" and ü", "inputSchema": {"type": "object"}});
        rendered.push(&first).unwrap();
        rendered.push(&second).unwrap();
        let mut out = Vec::new();
        rendered.write_result(&mut out).unwrap();
        let written: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(written, json!({ "tools": [first, second] }));
        assert_eq!(rendered.parse::<Value>(1).unwrap(), second);
        let tools: Vec<rmcp::model::Tool> = rendered.parse_all().unwrap();
        assert_eq!(tools[0].name, "a");
        assert!(rendered.parse::<Value>(2).is_err());
    }
}
