// Drives an MCP server with the TypeScript SDK's client (@modelcontextprotocol/sdk) and prints what it saw.
// Usage: node ts_client.mjs PLAN_JSON   (NODE_PATH is not used for ESM: run with cwd = the install dir)
// PLAN_JSON: {"command": [...], "calls": [{"name", "arguments"}]}
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const plan = JSON.parse(process.argv[2]);
const transport = new StdioClientTransport({ command: plan.command[0], args: plan.command.slice(1), stderr: "ignore" });
const client = new Client({ name: "mcpow-test", version: "1.0.0" });
await client.connect(transport);
const tools = (await client.listTools()).tools;
const results = [];
for (const call of plan.calls) {
  const result = await client.callTool({ name: call.name, arguments: call.arguments ?? {} });
  const text = result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");
  results.push({ isError: Boolean(result.isError), text, structured: result.structuredContent ?? null });
}
console.log(JSON.stringify({ server: client.getServerVersion(), tools: tools.map((t) => t.name), results }));
await client.close();
