/**
 * An MCP client connected in-process to the server, whose API calls go to the stub with a value for every
 * credential.
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CallToolResultSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";

import { BASE_URL_VARIABLE, RETRIES_VARIABLE } from "../src/config.js";
import { buildServer, makeRunner } from "../src/server.js";
import { CREDENTIALS } from "./cases.js";
import type { Stub } from "./stub.js";

export interface Connected {
  client: Client;
  /** A `tools/call` as it is on the wire (the client's own output checks left out). */
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function connect(stub: Stub): Promise<Connected> {
  const env: Record<string, string> = { [BASE_URL_VARIABLE]: stub.url, [RETRIES_VARIABLE]: "0" };
  for (const name of CREDENTIALS) {
    env[name] = "test-credential";
  }
  const server = buildServer(makeRunner(env));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "connector-tests", version: "0.0.0" });
  await client.connect(clientSide);
  return {
    client,
    call: (name, args) =>
      client.request({ method: "tools/call", params: { name, arguments: args } }, CallToolResultSchema),
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** Every text block of a result, one per line. */
export function textOf(result: CallToolResult): string {
  return result.content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
}
