/**
 * The API as an MCP server: one tool per operation in `operations.ts`, each call run over HTTP by
 * `runner.ts`.
 *
 * Tools are declared with their full JSON Schemas (through the SDK's low-level `Server`), so `tools/list`
 * answers exactly the schemas the connector was generated with. Arguments are checked against the
 * inputSchema before any request is sent.
 */

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";

import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool as McpTool,
} from "@modelcontextprotocol/sdk/types.js";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formats from "ajv-formats";

import {
  API_TITLE,
  BASE_URL_VARIABLE,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_TRANSPORT,
  HOST_VARIABLE,
  INSTRUCTIONS,
  PORT_VARIABLE,
  SERVER_NAME,
  SERVER_VERSION,
  TRANSPORT_VARIABLE,
  settingsFromEnv,
  type Settings,
} from "./config.js";
import type { Tool } from "./definitions.js";
import { SECURITY_SCHEMES, TOOLS } from "./operations.js";
import { errorResult, outcomeResult } from "./results.js";
import { CallError, Runner } from "./runner.js";

export const TOOLS_BY_NAME: ReadonlyMap<string, Tool> = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** The tool's `tools/list` entry. */
export function listEntry(tool: Tool): McpTool {
  const entry: McpTool = {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema as McpTool["inputSchema"],
  };
  if (tool.title !== undefined) {
    entry.title = tool.title;
  }
  if (tool.outputSchema !== undefined) {
    entry.outputSchema = tool.outputSchema as McpTool["outputSchema"];
  }
  if (tool.annotations !== undefined) {
    entry.annotations = { ...tool.annotations };
  }
  return entry;
}

/** A runner configured from the environment (or the given variables). */
export function makeRunner(env?: Readonly<Record<string, string | undefined>>): Runner {
  const settings: Settings = settingsFromEnv(env ?? process.env);
  return new Runner({
    schemes: SECURITY_SCHEMES,
    baseUrl: settings.baseUrl,
    baseUrlVariable: BASE_URL_VARIABLE,
    timeout: settings.timeout,
    retries: settings.retries,
    userAgent: `${SERVER_NAME}/${SERVER_VERSION}`,
    env: env === undefined ? undefined : (name) => env[name] || undefined,
  });
}

function validatorFactory(unicode: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: true,
    validateSchema: false,
    addUsedSchema: false,
    unicodeRegExp: unicode,
    logger: false,
  });
  formats.default(ajv);
  return ajv;
}

/** Checks arguments against the tools' inputSchemas, each compiled once. */
export class ArgumentChecker {
  private readonly compiled = new Map<string, ValidateFunction | string>();
  private ajv: Ajv2020 | undefined;
  private fallback: Ajv2020 | undefined;

  private validatorFor(tool: Tool): ValidateFunction | string {
    const known = this.compiled.get(tool.name);
    if (known !== undefined) {
      return known;
    }
    let result: ValidateFunction | string;
    try {
      this.ajv ??= validatorFactory(true);
      result = this.ajv.compile(tool.inputSchema);
    } catch {
      // A pattern that is not valid with the `u` flag: try once more without it.
      try {
        this.fallback ??= validatorFactory(false);
        result = this.fallback.compile(tool.inputSchema);
      } catch (error) {
        result = `the tool's inputSchema is invalid: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    this.compiled.set(tool.name, result);
    return result;
  }

  /** Why the arguments do not fit the inputSchema (up to five reasons), or undefined. */
  problems(tool: Tool, args: Record<string, unknown>): string | undefined {
    const validate = this.validatorFor(tool);
    if (typeof validate === "string") {
      return validate;
    }
    if (validate(args)) {
      return undefined;
    }
    const messages = (validate.errors ?? []).slice(0, 5).map((error: ErrorObject) => {
      const at = error.instancePath;
      const argument = (at.replace(/^\/+/, "").split("/")[0] ?? "").replace(/~1/g, "/").replace(/~0/g, "~");
      return argument
        ? `invalid argument \`${argument}\` (at ${at}): ${error.message ?? "is invalid"}`
        : `invalid arguments: ${error.message ?? "are invalid"}`;
    });
    return messages.length > 0 ? messages.join("; ") : "invalid arguments";
  }
}

/** Runs one `tools/call`: checks the arguments, calls the API, turns the answer into a result. */
export async function callTool(
  runner: Runner,
  checker: ArgumentChecker,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  const tool = TOOLS_BY_NAME.get(name);
  if (tool === undefined) {
    return errorResult(`unknown tool \`${name}\``);
  }
  const problems = checker.problems(tool, args);
  if (problems !== undefined) {
    return errorResult(problems);
  }
  try {
    const outcome = await runner.call(tool, args);
    return outcomeResult(tool.name, tool.outputSchema !== undefined, outcome);
  } catch (error) {
    if (error instanceof CallError) {
      return errorResult(error.message);
    }
    throw error;
  }
}

/** The MCP server; `runner` calls the API (by default configured from the environment). */
export function buildServer(runner: Runner = makeRunner(), checker: ArgumentChecker = new ArgumentChecker()): Server {
  const server = new Server(
    { name: SERVER_NAME, version: SERVER_VERSION, title: API_TITLE },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  const listed = TOOLS.map(listEntry);
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (request) =>
    callTool(runner, checker, request.params.name, { ...(request.params.arguments ?? {}) }),
  );
  return server;
}

/** Serves one session over stdin and stdout until the client closes it. */
export async function serveStdio(server: Server): Promise<void> {
  process.stdin.on("end", () => process.exit(0));
  await server.connect(new StdioServerTransport());
}

function reject(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

/**
 * Serves streamable HTTP at `/mcp` (one MCP session per `Mcp-Session-Id`, all calling the API through the
 * same runner) until the process ends. Resolves once listening.
 */
export async function serveHttp(host: string, port: number, runner: Runner = makeRunner()): Promise<HttpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const checker = new ArgumentChecker();
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/mcp") {
      reject(res, 404, "not found: the MCP endpoint is /mcp");
      return;
    }
    const header = req.headers["mcp-session-id"];
    const id = Array.isArray(header) ? header[0] : header;
    if (id !== undefined) {
      const existing = sessions.get(id);
      if (existing === undefined) {
        reject(res, 404, "session not found");
        return;
      }
      await existing.handleRequest(req, res);
      return;
    }
    if (req.method !== "POST") {
      reject(res, 400, "no session: initialize with a POST first");
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (session) => {
        sessions.set(session, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) {
        sessions.delete(transport.sessionId);
      }
    };
    await buildServer(runner, checker).connect(transport);
    await transport.handleRequest(req, res);
  }
  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        reject(res, 500, error instanceof Error ? error.message : String(error));
      } else {
        res.end();
      }
    });
  });
  await new Promise<void>((resolve, fail) => {
    http.once("error", fail);
    http.listen(port, host, () => resolve());
  });
  return http;
}

const USAGE = `Usage: ${SERVER_NAME} [--transport stdio|http] [--host HOST] [--port PORT]

The ${API_TITLE} API as an MCP server.

  --transport  stdio, or streamable HTTP at /mcp (default: $${TRANSPORT_VARIABLE}, else ${DEFAULT_TRANSPORT})
  --host       where streamable HTTP listens (default: $${HOST_VARIABLE}, else ${DEFAULT_HOST})
  --port       (default: $${PORT_VARIABLE}, else ${DEFAULT_PORT})
`;

/** The command line: `--transport stdio|http`, `--host`, `--port` (or MCP_TRANSPORT, MCP_HOST, MCP_PORT). */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      transport: { type: "string" },
      host: { type: "string" },
      port: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const transport = values.transport ?? (process.env[TRANSPORT_VARIABLE] || DEFAULT_TRANSPORT);
  if (transport !== "stdio" && transport !== "http") {
    throw new Error(`unknown transport \`${transport}\` (stdio or http)\n\n${USAGE}`);
  }
  if (transport === "http") {
    const host = values.host ?? (process.env[HOST_VARIABLE] || DEFAULT_HOST);
    const portText = values.port ?? (process.env[PORT_VARIABLE] || String(DEFAULT_PORT));
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`invalid port \`${portText}\``);
    }
    await serveHttp(host, port);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => process.exit(0));
    }
    process.stderr.write(`${SERVER_NAME}: streamable HTTP at http://${host}:${port}/mcp\n`);
  } else {
    await serveStdio(buildServer());
  }
}
