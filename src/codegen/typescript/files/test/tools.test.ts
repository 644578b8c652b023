/**
 * Every tool, called through MCP against the stub with arguments valid for its inputSchema.
 */

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { CASES, type Case } from "./cases.js";
import { connect, textOf, type Connected } from "./harness.js";
import { Stub } from "./stub.js";

let stub: Stub;
let connected: Connected;
let folder: string;

before(async () => {
  stub = await new Stub().start();
  connected = await connect(stub);
  folder = await mkdtemp(join(tmpdir(), "connector-tests-"));
});

after(async () => {
  await connected.close();
  await stub.stop();
  await rm(folder, { recursive: true, force: true });
});

/** The case's arguments, with a real local file for each argument that uploads one. */
async function argumentsFor(testCase: Case): Promise<Record<string, unknown>> {
  const upload = join(folder, "upload.txt");
  await writeFile(upload, "test upload\n");
  const args: Record<string, unknown> = { ...testCase.arguments };
  for (const name of testCase.fileArguments ?? []) {
    args[name] = Array.isArray(args[name]) ? [upload] : upload;
  }
  return args;
}

function bodyOf(testCase: Case): Buffer {
  if (testCase.jsonBody !== undefined) {
    return Buffer.from(JSON.stringify(testCase.jsonBody));
  }
  return Buffer.from(testCase.rawBody ?? "", "base64");
}

for (const testCase of CASES) {
  test(`tool ${testCase.tool}`, async () => {
    stub.answer = {
      method: testCase.method,
      template: testCase.path,
      status: testCase.status,
      contentType: testCase.contentType ?? null,
      body: bodyOf(testCase),
    };
    stub.received.length = 0;
    const result = await connected.call(testCase.tool, await argumentsFor(testCase));
    assert.notEqual(result.isError, true, textOf(result));
    assert.deepEqual(
      stub.received.map((request) => request.method),
      [testCase.method],
    );
    if (testCase.jsonBody !== undefined && testCase.structured) {
      assert.deepEqual(result.structuredContent, testCase.jsonBody);
    } else if (testCase.jsonBody !== undefined) {
      assert.deepEqual(JSON.parse(textOf(result)), testCase.jsonBody);
    }
  });
}

for (const testCase of CASES.slice(0, 3)) {
  test(`an error status from ${testCase.tool} is a tool error`, async () => {
    stub.answer = {
      method: testCase.method,
      template: testCase.path,
      status: 500,
      contentType: "application/json",
      body: Buffer.from('{"message":"down"}'),
    };
    const result = await connected.call(testCase.tool, await argumentsFor(testCase));
    assert.equal(result.isError, true);
    assert.ok(textOf(result).startsWith(`HTTP 500 from ${testCase.method} ${stub.url}`), textOf(result));
    // A HEAD answer has no body to show.
    const shown = testCase.method === "HEAD" ? "\n" : '\n{"message":"down"}';
    assert.ok(textOf(result).endsWith(shown), textOf(result));
  });
}
