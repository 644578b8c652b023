/**
 * The tool list, argument checks and unknown tools.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { TOOLS } from "../src/operations.js";
import { listEntry } from "../src/server.js";
import { connect, textOf, type Connected } from "./harness.js";
import { Stub } from "./stub.js";

let stub: Stub;
let connected: Connected;

before(async () => {
  stub = await new Stub().start();
  connected = await connect(stub);
});

after(async () => {
  await connected.close();
  await stub.stop();
});

test("lists every tool with its schemas", async () => {
  const listed = (await connected.client.listTools()).tools;
  assert.deepEqual(
    listed.map((tool) => tool.name),
    TOOLS.map((tool) => tool.name),
  );
  for (const [index, tool] of TOOLS.entries()) {
    const entry = listed[index];
    assert.ok(entry !== undefined);
    const expected = listEntry(tool);
    assert.deepEqual(entry.inputSchema, expected.inputSchema);
    assert.deepEqual(entry.outputSchema, expected.outputSchema);
    assert.deepEqual(entry.annotations, expected.annotations);
    assert.equal(entry.description, tool.description);
    assert.equal(entry.title, tool.title);
  }
});

test("an unknown tool is a tool error", async () => {
  const result = await connected.call("no-such-tool", {});
  assert.equal(result.isError, true);
});

test("invalid arguments are refused before any request", async (t) => {
  const tool = TOOLS.find((candidate) => {
    const required = candidate.inputSchema["required"];
    return Array.isArray(required) && required.length > 0;
  });
  if (tool === undefined) {
    t.skip("no tool has a required argument");
    return;
  }
  stub.received.length = 0;
  const result = await connected.call(tool.name, {});
  assert.equal(result.isError, true);
  assert.match(textOf(result), /invalid/);
  assert.deepEqual(stub.received, []);
});
