/**
 * Running one operation over HTTP: base URL, parameter serialization, bodies, auth, timeouts, redirects and
 * retries, each request sent with `node:http` (`transport.ts`).
 */

import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";

import { AuthError, Authenticator, type EnvLookup } from "./auth.js";
import type { Operation, SecurityScheme, Tool } from "./definitions.js";
import {
  cookiePair,
  encode,
  formUrlencoded,
  headerValue,
  jsonText,
  pathValue,
  queryPairs,
  scalarText,
} from "./serialize.js";
import { ExchangeError, TooLargeError, exchange } from "./transport.js";

/** The largest file a multipart part reads. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** A call that produced no HTTP answer to report (bad arguments, no connection, a timeout, ...). */
export class CallError extends Error {}

/** What the API answered. */
export interface Outcome {
  status: number;
  contentType: string | null;
  body: Buffer;
  /** The method and URL that were called (credentials hidden). */
  requestLine: string;
}

export function isSuccess(outcome: Outcome): boolean {
  return outcome.status >= 200 && outcome.status < 300;
}

/** The values of one call, sorted by where they go. */
export interface Call {
  /** Parameter values by `location name`. */
  params: Map<string, unknown>;
  body: unknown;
  hasBody: boolean;
}

function paramKey(location: string, name: string): string {
  return `${location} ${name}`;
}

/** Sorts a call's arguments by where they go, following the tool's bindings. */
export function sortArguments(tool: Tool, args: Readonly<Record<string, unknown>>): Call {
  const call: Call = { params: new Map(), body: undefined, hasBody: false };
  const fields: Record<string, unknown> = {};
  let hasFields = false;
  for (const binding of tool.operation.bindings ?? []) {
    if (!Object.hasOwn(args, binding.argument)) {
      continue;
    }
    const value = args[binding.argument];
    if (binding.target === "body") {
      call.body = value;
      call.hasBody = true;
    } else if (binding.target === "body_property") {
      Object.defineProperty(fields, binding.name, { value, enumerable: true, writable: true, configurable: true });
      hasFields = true;
    } else {
      call.params.set(paramKey(binding.target, binding.name), value);
    }
  }
  if (!call.hasBody && hasFields) {
    call.body = fields;
    call.hasBody = true;
  }
  return call;
}

export function isIdempotent(method: string): boolean {
  return method !== "POST" && method !== "PATCH";
}

export interface RunnerOptions {
  schemes: ReadonlyMap<string, SecurityScheme>;
  baseUrl: string | null;
  baseUrlVariable: string;
  /** Seconds. */
  timeout?: number;
  retries?: number;
  maxResponseBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  env?: EnvLookup;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Calls the API's operations. */
export class Runner {
  readonly baseUrl: string | null;
  readonly baseUrlVariable: string;
  readonly timeout: number;
  readonly retries: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
  readonly auth: Authenticator;

  constructor(options: RunnerOptions) {
    this.baseUrl = options.baseUrl ? options.baseUrl.replace(/\/+$/, "") : null;
    this.baseUrlVariable = options.baseUrlVariable;
    this.timeout = options.timeout ?? 30;
    this.retries = options.retries ?? 2;
    this.maxResponseBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.userAgent = options.userAgent ?? "mcp-connector";
    const env = options.env ?? ((name: string) => process.env[name] || undefined);
    this.auth = new Authenticator(options.schemes, env, this.timeout, this.userAgent);
  }

  /** The override, else the operation's server from the spec. */
  baseUrlFor(operation: Operation): string {
    if (this.baseUrl) {
      return this.baseUrl;
    }
    if (operation.server === null) {
      throw new CallError(`no base URL: the spec declares no server (set ${this.baseUrlVariable})`);
    }
    if (!operation.server.startsWith("http://") && !operation.server.startsWith("https://")) {
      throw new CallError(
        `no base URL: the spec's server \`${operation.server}\` is relative (set ${this.baseUrlVariable})`,
      );
    }
    return operation.server.replace(/\/+$/, "");
  }

  /** The full URL: path parameters filled in, query string appended. */
  url(operation: Operation, call: Call): string {
    let path = operation.path;
    const pairs: string[] = [];
    for (const param of operation.parameters ?? []) {
      const value = call.params.get(paramKey(param.location, param.name));
      if (param.location === "path") {
        if (value === undefined || value === null) {
          throw new CallError(`missing path parameter \`${param.name}\``);
        }
        const text = param.content
          ? encode(jsonText(value))
          : pathValue(param.name, value, param.style, param.explode, param.allowReserved ?? false);
        path = path.split(`{${param.name}}`).join(text);
      } else if (param.location === "query" && value !== undefined && value !== null) {
        if (param.content) {
          pairs.push(`${encode(param.name)}=${encode(jsonText(value))}`);
        } else {
          pairs.push(...queryPairs(param.name, value, param.style, param.explode, param.allowReserved ?? false));
        }
      }
    }
    let url = this.baseUrlFor(operation) + path;
    if (pairs.length > 0) {
      url += (url.includes("?") ? "&" : "?") + pairs.join("&");
    }
    return url;
  }

  /** Runs the tool's operation with `args` (already checked against its inputSchema). */
  async call(tool: Tool, args: Readonly<Record<string, unknown>>): Promise<Outcome> {
    const operation = tool.operation;
    const call = sortArguments(tool, args);
    let url = this.url(operation, call);
    let auth;
    try {
      auth = await this.auth.partsFor(operation.security ?? []);
    } catch (error) {
      if (error instanceof AuthError) {
        throw new CallError(error.message);
      }
      throw error;
    }
    for (const [name, value] of auth.query) {
      url += (url.includes("?") ? "&" : "?") + `${encode(name)}=${encode(value)}`;
    }
    let shown = url;
    for (const [, value] of auth.query) {
      shown = shown.split(encode(value)).join("***");
    }
    const requestLine = `${operation.method} ${shown}`;
    const attempts = isIdempotent(operation.method) ? this.retries + 1 : 1;
    let last: Outcome | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        await sleep(250 * 2 ** (attempt - 1));
      }
      const { headers, body } = await this.requestParts(operation, call, auth.headers, auth.cookies);
      const more = attempt + 1 < attempts;
      let outcome: Outcome;
      try {
        outcome = await this.send(operation.method, url, headers, body, requestLine);
      } catch (error) {
        if (!(error instanceof ExchangeError)) {
          throw error;
        }
        const failure = error.failure;
        if (failure.kind === "timeout") {
          if (more) {
            continue;
          }
          throw new CallError(`${requestLine}: timed out after ${Math.trunc(this.timeout)} s`);
        }
        if (failure.kind === "connect") {
          if (more) {
            continue;
          }
          throw new CallError(`${requestLine}: could not connect: ${failure.message}`);
        }
        throw new CallError(`${requestLine}: ${failure.message}`);
      }
      if (more && outcome.status >= 502 && outcome.status <= 504) {
        last = outcome;
        continue;
      }
      return outcome;
    }
    if (last === undefined) {
      throw new CallError("no attempt was made");
    }
    return last;
  }

  /** Headers (parameters, cookies, then credentials) and the body. */
  private async requestParts(
    operation: Operation,
    call: Call,
    authHeaders: readonly [string, string][],
    authCookies: readonly [string, string][],
  ): Promise<{ headers: [string, string][]; body: Buffer | undefined }> {
    const headers: [string, string][] = [];
    const cookies = authCookies.map(([name, value]) => `${name}=${encode(value)}`);
    for (const param of operation.parameters ?? []) {
      const value = call.params.get(paramKey(param.location, param.name));
      if (value === undefined || value === null) {
        continue;
      }
      if (param.location === "header") {
        headers.push([param.name, headerValue(value, param.explode)]);
      } else if (param.location === "cookie") {
        cookies.push(cookiePair(param.name, value, param.explode));
      }
    }
    if (cookies.length > 0) {
      headers.push(["Cookie", cookies.join("; ")]);
    }
    headers.push(...authHeaders);
    const [contentType, body] = await this.body(operation, call);
    if (contentType !== undefined) {
      headers.push(["Content-Type", contentType]);
    }
    return { headers, body };
  }

  private async body(operation: Operation, call: Call): Promise<[string | undefined, Buffer | undefined]> {
    if (operation.graphqlDocument !== undefined) {
      const variables = call.hasBody && call.body !== null && call.body !== undefined ? call.body : {};
      const document = { query: operation.graphqlDocument, variables };
      return ["application/json", Buffer.from(jsonText(document), "utf8")];
    }
    if (!call.hasBody || call.body === null || call.body === undefined) {
      return [undefined, undefined];
    }
    const mediaType = operation.bodyMediaType ?? operation.bodyMediaTypes?.[0] ?? "application/json";
    const kind = bodyKind(mediaType);
    if (kind === "json") {
      return [mediaType, Buffer.from(jsonText(call.body), "utf8")];
    }
    if (kind === "form") {
      return [mediaType, Buffer.from(formUrlencoded(call.body), "utf8")];
    }
    if (kind === "multipart") {
      return this.multipart(operation, call.body);
    }
    const text = typeof call.body === "string" ? call.body : jsonText(call.body);
    return [mediaType, Buffer.from(text, "utf8")];
  }

  private async multipart(operation: Operation, value: unknown): Promise<[string, Buffer]> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new CallError("a multipart body must be an object of fields");
    }
    const boundary = randomUUID().replace(/-/g, "");
    const declared = new Map(operation.fileContentTypes ?? []);
    const files = new Set(operation.fileFields ?? []);
    const chunks: Buffer[] = [];
    for (const [name, fieldValue] of Object.entries(value)) {
      if (fieldValue === null || fieldValue === undefined) {
        continue;
      }
      const isFile = files.has(name);
      const items: unknown[] = isFile && Array.isArray(fieldValue) ? fieldValue : [fieldValue];
      for (const item of items) {
        const disposition = `form-data; name="${quoted(name)}"`;
        let head: string;
        let data: Buffer;
        if (isFile) {
          const [fileName, bytes] = await readLocalFile(name, item);
          const contentType = fileContentType(declared.get(name), fileName);
          head = `${disposition}; filename="${quoted(fileName)}"\r\nContent-Type: ${contentType}`;
          data = bytes;
        } else {
          head = disposition;
          data = Buffer.from(scalarText(item), "utf8");
        }
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${head}\r\n\r\n`, "utf8"), data);
        chunks.push(Buffer.from("\r\n", "utf8"));
      }
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`, "utf8"));
    return [`multipart/form-data; boundary=${boundary}`, Buffer.concat(chunks)];
  }

  /** One request, following up to `maxRedirects` redirects, with the body read up to the size limit. */
  private async send(
    method: string,
    url: string,
    headers: [string, string][],
    body: Buffer | undefined,
    requestLine: string,
  ): Promise<Outcome> {
    const deadline = AbortSignal.timeout(this.timeout * 1000);
    const connectTimeout = Math.min(this.timeout, 10) * 1000;
    let current = { method, url, headers: [["User-Agent", this.userAgent], ...headers] as [string, string][], body };
    for (let hop = 0; ; hop++) {
      let answer;
      try {
        answer = await exchange({
          ...current,
          deadline,
          connectTimeout,
          maxResponseBytes: this.maxResponseBytes,
          readBody: (status, location) => !(REDIRECTS.has(status) && location !== null),
        });
      } catch (error) {
        if (error instanceof TooLargeError) {
          throw new CallError(`${requestLine}: the response is larger than ${this.maxResponseBytes} bytes`);
        }
        throw error;
      }
      const location = answer.location;
      if (REDIRECTS.has(answer.status) && location !== null) {
        if (hop >= this.maxRedirects) {
          throw new CallError(`${requestLine}: too many redirects`);
        }
        const next = new URL(location, current.url);
        const sameOrigin = next.origin === new URL(current.url).origin;
        const toGet =
          answer.status === 303 || ((answer.status === 301 || answer.status === 302) && current.method === "POST");
        const dropped = new Set(sameOrigin ? [] : ["authorization", "cookie", "proxy-authorization", "www-authenticate"]);
        if (toGet) {
          dropped.add("content-type");
        }
        current = {
          method: toGet && current.method !== "HEAD" ? "GET" : current.method,
          url: next.toString(),
          headers: current.headers.filter(([name]) => !dropped.has(name.toLowerCase())),
          body: toGet ? undefined : current.body,
        };
        continue;
      }
      return { status: answer.status, contentType: answer.contentType, body: answer.body, requestLine };
    }
  }
}

function quoted(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]/g, " ");
}

/** A file part's name and bytes, from the local path the argument holds. */
async function readLocalFile(name: string, value: unknown): Promise<[string, Buffer]> {
  if (typeof value !== "string") {
    throw new CallError(`\`${name}\` takes the path of a local file`);
  }
  let data: Buffer;
  try {
    const size = (await stat(value)).size;
    if (size > MAX_FILE_BYTES) {
      throw new CallError(`\`${name}\`: ${value} is larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB`);
    }
    data = await readFile(value);
  } catch (error) {
    if (error instanceof CallError) {
      throw error;
    }
    throw new CallError(`\`${name}\`: cannot read ${value}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return [basename(value) || "file", data];
}

const EXTENSION_TYPES: ReadonlyMap<string, string> = new Map([
  ["png", "image/png"],
  ["jpg", "image/jpeg"],
  ["jpeg", "image/jpeg"],
  ["gif", "image/gif"],
  ["webp", "image/webp"],
  ["svg", "image/svg+xml"],
  ["pdf", "application/pdf"],
  ["json", "application/json"],
  ["txt", "text/plain"],
  ["log", "text/plain"],
  ["md", "text/plain"],
  ["csv", "text/csv"],
  ["html", "text/html"],
  ["htm", "text/html"],
  ["xml", "application/xml"],
  ["yaml", "application/yaml"],
  ["yml", "application/yaml"],
  ["zip", "application/zip"],
  ["gz", "application/gzip"],
  ["mp3", "audio/mpeg"],
  ["wav", "audio/wav"],
  ["mp4", "video/mp4"],
]);

/** The spec's encoding when it names one type, else a guess from the extension, else octet-stream. */
export function fileContentType(declared: string | undefined, fileName: string): string {
  const first = (declared ?? "").split(",")[0]?.trim() ?? "";
  if (first && !first.includes("*")) {
    return first;
  }
  const dot = fileName.lastIndexOf(".");
  const extension = dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : "";
  return EXTENSION_TYPES.get(extension) ?? "application/octet-stream";
}

/** `text/plain; charset=utf-8` -> `text/plain`. */
export function essence(mediaType: string): string {
  return (mediaType.split(";")[0] ?? "").trim();
}

export type BodyKind = "json" | "form" | "multipart" | "xml" | "text" | "binary" | "other";

export function bodyKind(mediaType: string): BodyKind {
  const kind = essence(mediaType).toLowerCase();
  if (kind === "application/json" || kind.endsWith("+json") || kind.endsWith("/json")) {
    return "json";
  }
  if (kind === "application/x-www-form-urlencoded") {
    return "form";
  }
  if (kind.startsWith("multipart/")) {
    return "multipart";
  }
  if (kind.endsWith("/xml") || kind.endsWith("+xml")) {
    return "xml";
  }
  if (kind.startsWith("text/")) {
    return "text";
  }
  if (
    kind === "application/octet-stream" ||
    kind.startsWith("image/") ||
    kind.startsWith("audio/") ||
    kind.startsWith("video/")
  ) {
    return "binary";
  }
  return "other";
}
