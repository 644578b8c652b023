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
    // Each error carries the instance and the keyword's schema, which `mcpow serve`'s messages show.
    verbose: true,
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
    const messages = describeErrors(validate.errors ?? [])
      .slice(0, 5)
      .map(({ at, message }) => {
        // The first segment of the pointer, as it is (escapes kept), as `mcpow serve` names the argument.
        const argument = at.replace(/^\/+/, "").split("/")[0] ?? "";
        return argument ? `invalid argument \`${argument}\` (at ${at}): ${message}` : `invalid arguments: ${message}`;
      });
    return messages.length > 0 ? messages.join("; ") : "invalid arguments";
  }
}

/** A value as `mcpow serve` prints it in a message: compact JSON. */
function shown(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/** `s` after a count other than one. */
function plural(count: unknown, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** `"a", "b" or "c"`, or the first two and how many others, as `mcpow serve` lists enum values. */
function candidates(options: readonly unknown[]): string {
  const items = options.map(shown);
  if (items.length <= 3) {
    return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
  }
  return `${items.slice(0, 2).join(", ")} or ${items.length - 2} other candidates`;
}

/** One Ajv error worded as `mcpow serve` (the `jsonschema` crate) words it; Ajv's own words otherwise. */
function describe(error: ErrorObject): string {
  const value = shown(error.data);
  const params = error.params as Record<string, unknown>;
  const limit = String(params["limit"]);
  switch (error.keyword) {
    case "required":
    case "dependentRequired":
      return `${shown(params["missingProperty"])} is a required property`;
    case "type": {
      const types = Array.isArray(error.schema) ? error.schema.map(String) : [String(error.schema)];
      return types.length === 1
        ? `${value} is not of type "${types[0]}"`
        : `${value} is not of types ${types.map((t) => `"${t}"`).join(", ")}`;
    }
    case "enum":
      return `${value} is not one of ${candidates(Array.isArray(error.schema) ? error.schema : [])}`;
    case "const":
      return `${shown(params["allowedValue"])} was expected`;
    case "minimum":
      return `${value} is less than the minimum of ${limit}`;
    case "maximum":
      return `${value} is greater than the maximum of ${limit}`;
    case "exclusiveMinimum":
      return `${value} is less than or equal to the minimum of ${limit}`;
    case "exclusiveMaximum":
      return `${value} is greater than or equal to the maximum of ${limit}`;
    case "multipleOf":
      return `${value} is not a multiple of ${String(params["multipleOf"])}`;
    case "minLength":
      return `${value} is shorter than ${limit} character${plural(params["limit"], "", "s")}`;
    case "maxLength":
      return `${value} is longer than ${limit} character${plural(params["limit"], "", "s")}`;
    case "minItems":
      return `${value} has less than ${limit} item${plural(params["limit"], "", "s")}`;
    case "maxItems":
      return `${value} has more than ${limit} item${plural(params["limit"], "", "s")}`;
    case "minProperties":
      return `${value} has less than ${limit} propert${plural(params["limit"], "y", "ies")}`;
    case "maxProperties":
      return `${value} has more than ${limit} propert${plural(params["limit"], "y", "ies")}`;
    case "uniqueItems":
      return `${value} has non-unique elements`;
    case "pattern":
      return `${value} does not match "${String(params["pattern"])}"`;
    case "format":
      return `${value} is not a "${String(params["format"])}"`;
    case "anyOf":
      return `${value} is not valid under any of the schemas listed in the 'anyOf' keyword`;
    case "oneOf":
      return params["passingSchemas"] === null || params["passingSchemas"] === undefined
        ? `${value} is not valid under any of the schemas listed in the 'oneOf' keyword`
        : `${value} is valid under more than one of the schemas listed in the 'oneOf' keyword`;
    case "not":
      return `${shown(error.schema)} is not allowed for ${value}`;
    case "false schema":
      return `False schema does not allow ${value}`;
    case "contains":
      return `None of ${value} are valid under the given schema`;
    default:
      return error.message ?? "is invalid";
  }
}

/** Keywords whose failure `mcpow serve` reports alone, without the failures inside their subschemas. */
const WHOLE = new Set(["anyOf", "oneOf", "not", "contains"]);

/** Ajv's errors as `mcpow serve`'s: each with its instance path and message, in Ajv's order. */
export function describeErrors(errors: readonly ErrorObject[]): { at: string; message: string }[] {
  const kept: ErrorObject[] = [];
  for (const error of errors) {
    if (WHOLE.has(error.keyword)) {
      const inside = `${error.schemaPath}/`;
      for (let index = kept.length - 1; index >= 0; index--) {
        if (kept[index]?.schemaPath.startsWith(inside)) {
          kept.splice(index, 1);
        }
      }
    }
    // `if` and `propertyNames` only wrap the errors of their subschemas, which are reported instead.
    if (error.keyword !== "if" && error.keyword !== "propertyNames") {
      kept.push(error);
    }
  }
  const described: { at: string; message: string; group?: string; names?: string[] }[] = [];
  for (const error of kept) {
    const params = error.params as Record<string, unknown>;
    const name =
      error.keyword === "additionalProperties"
        ? params["additionalProperty"]
        : error.keyword === "unevaluatedProperties"
          ? params["unevaluatedProperty"]
          : undefined;
    if (typeof name === "string") {
      // Every unexpected property of one object in one message.
      const group = `${error.keyword} ${error.instancePath} ${error.schemaPath}`;
      const last = described[described.length - 1];
      if (last !== undefined && last.group === group && last.names !== undefined) {
        last.names.push(name);
      } else {
        described.push({ at: error.instancePath, message: "", group, names: [name] });
      }
      continue;
    }
    described.push({ at: error.instancePath, message: describe(error) });
  }
  return described.map(({ at, message, group, names }) => {
    if (names === undefined) {
      return { at, message };
    }
    const kind = group?.startsWith("additional") ? "Additional" : "Unevaluated";
    const list = names.map((n) => `'${n}'`).join(", ");
    return { at, message: `${kind} properties are not allowed (${list} ${names.length === 1 ? "was" : "were"} unexpected)` };
  });
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
