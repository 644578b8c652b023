/**
 * One HTTP exchange with `node:http` or `node:https`, sent as `mcpow serve` sends it: any method may carry a
 * body (a GET or HEAD body too, which `fetch` refuses), header values go out as UTF-8, a `101 Switching
 * Protocols` answer is an answer, no `Accept-Encoding` is asked for and nothing is decompressed. Failures are
 * sorted as `mcpow serve` sorts them: a timeout, a failed connection (retried), or anything else.
 */

import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";

/** Why an exchange produced no answer. */
export type Failure = { kind: "timeout" } | { kind: "connect"; message: string } | { kind: "other"; message: string };

/** An exchange that failed; `failure` says how. */
export class ExchangeError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.kind === "timeout" ? "timed out" : failure.message);
  }
}

/** How `mcpow serve` words a failure while reading an answer's body. */
export const BODY_FAILURE = "error decoding response body";

/** The answer's body was larger than the limit. */
export class TooLargeError extends Error {}

/** What the server answered. */
export interface Answer {
  status: number;
  /** The first `Content-Type` and `Location` headers, as UTF-8. */
  contentType: string | null;
  location: string | null;
  /** Empty when the body was not read (`readBody` said no). */
  body: Buffer;
}

/** What one exchange sends and how long it may take. */
export interface Exchange {
  method: string;
  url: string;
  headers: readonly (readonly [string, string])[];
  body: Buffer | undefined;
  /** Aborts the exchange as a timeout (the whole call's deadline). */
  deadline: AbortSignal;
  /** Milliseconds a new connection may take. */
  connectTimeout: number;
  maxResponseBytes: number;
  /** Whether to read the body of an answer with this status and location (not a redirect's). */
  readBody: (status: number, location: string | null) => boolean;
}

/** Connections are kept alive between calls, as `mcpow serve`'s client keeps them. */
const AGENTS = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** How `mcpow serve` (Rust's standard library, glibc's messages) words a failed connection. */
const CONNECT_MESSAGES: ReadonlyMap<string, string> = new Map([
  ["ECONNREFUSED", "Connection refused"],
  ["ECONNRESET", "Connection reset by peer"],
  ["ECONNABORTED", "Software caused connection abort"],
  ["EHOSTUNREACH", "No route to host"],
  ["ENETUNREACH", "Network is unreachable"],
  ["EADDRNOTAVAIL", "Cannot assign requested address"],
  ["EACCES", "Permission denied"],
  ["EPIPE", "Broken pipe"],
]);

/** Name resolution failures, as `mcpow serve` words them. */
const LOOKUP_MESSAGES: ReadonlyMap<string, string> = new Map([
  ["ENOTFOUND", "Name or service not known"],
  ["EAI_AGAIN", "Temporary failure in name resolution"],
  ["EAI_FAIL", "Non-recoverable failure in name resolution"],
]);

/** Node's codes for a header name or value that cannot be sent. */
const HEADER_CODES = new Set(["ERR_INVALID_HTTP_TOKEN", "ERR_INVALID_CHAR", "ERR_HTTP_INVALID_HEADER_VALUE"]);

function codeOf(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failure while connecting (or resolving the host), worded as `mcpow serve` words it. */
function connectFailure(error: unknown): Failure {
  const code = codeOf(error);
  if (code === "ETIMEDOUT") {
    return { kind: "timeout" };
  }
  const lookup = LOOKUP_MESSAGES.get(code);
  if (lookup !== undefined) {
    return { kind: "connect", message: `failed to lookup address information: ${lookup}` };
  }
  const text = CONNECT_MESSAGES.get(code);
  const errno = typeof error === "object" && error !== null && "errno" in error ? error.errno : undefined;
  if (text !== undefined && typeof errno === "number") {
    return { kind: "connect", message: `${text} (os error ${Math.abs(errno)})` };
  }
  return { kind: "connect", message: messageOf(error) };
}

/** The first value of a header in `raw` (name, value, name, value, ...), its bytes read as UTF-8. */
function firstHeader(raw: readonly string[], name: string): string | null {
  for (let index = 0; index + 1 < raw.length; index += 2) {
    if (raw[index]?.toLowerCase() === name) {
      return Buffer.from(raw[index + 1] ?? "", "latin1").toString("utf8");
    }
  }
  return null;
}

/** A header value whose UTF-8 bytes Node writes as they are (it writes each character as one byte). */
function wireText(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

/** Sends one request and reads its answer; a connection reused from the pool that was closed is retried once. */
export async function exchange(request: Exchange): Promise<Answer> {
  try {
    return await attempt(request);
  } catch (error) {
    if (error instanceof StaleConnection) {
      return attempt(request);
    }
    throw error;
  }
}

/** A kept-alive connection the server had closed before anything was answered. */
class StaleConnection extends Error {}

function attempt(request: Exchange): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let connected = false;
    let reused = false;
    let answered = false;
    let sent: ClientRequest | undefined;
    let response: IncomingMessage | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    /** The URL as `mcpow serve` shows it in an error (normalized as WHATWG URLs are). */
    let shown = request.url;
    const onAbort = (): void => fail(new ExchangeError({ kind: "timeout" }));
    const settle = (): boolean => {
      if (settled) {
        return false;
      }
      settled = true;
      clearTimeout(connectTimer);
      request.deadline.removeEventListener("abort", onAbort);
      return true;
    };
    function succeed(answer: Answer): void {
      if (settle()) {
        resolve(answer);
      }
    }
    function fail(error: Error): void {
      if (settle()) {
        response?.destroy();
        sent?.destroy();
        reject(error);
      }
    }
    /** A failure of the connection or the request, sorted by when it happened. */
    function failed(error: unknown): void {
      if (!connected) {
        fail(new ExchangeError(connectFailure(error)));
      } else if (reused && !answered && (codeOf(error) === "ECONNRESET" || codeOf(error) === "EPIPE")) {
        fail(new StaleConnection());
      } else if (answered) {
        fail(new ExchangeError({ kind: "other", message: BODY_FAILURE }));
      } else {
        fail(new ExchangeError({ kind: "other", message: `error sending request for url (${shown})` }));
      }
    }
    if (request.deadline.aborted) {
      onAbort();
      return;
    }
    request.deadline.addEventListener("abort", onAbort, { once: true });

    let target: URL;
    try {
      target = new URL(request.url);
      shown = target.href;
    } catch {
      fail(new ExchangeError({ kind: "other", message: `builder error for url (${request.url})` }));
      return;
    }
    const secure = target.protocol === "https:";
    if (!secure && target.protocol !== "http:") {
      fail(new ExchangeError({ kind: "other", message: `builder error for url (${request.url})` }));
      return;
    }
    // Headers as a list (sent in order, repeats kept), so Node adds no `Host` of its own.
    const headers: string[] = request.headers.some(([name]) => name.toLowerCase() === "host")
      ? []
      : ["Host", target.host];
    for (const [name, value] of request.headers) {
      headers.push(name, wireText(value));
    }
    if (request.body !== undefined) {
      headers.push("Content-Length", String(request.body.length));
    }
    try {
      const options = { method: request.method, headers, agent: secure ? AGENTS.https : AGENTS.http };
      sent = secure ? httpsRequest(target, options) : httpRequest(target, options);
    } catch (error) {
      const message = HEADER_CODES.has(codeOf(error)) ? "builder error" : messageOf(error);
      fail(new ExchangeError({ kind: "other", message }));
      return;
    }
    sent.on("socket", (socket: Socket) => {
      if (!socket.connecting) {
        connected = true;
        reused = true;
        return;
      }
      connectTimer = setTimeout(() => fail(new ExchangeError({ kind: "timeout" })), request.connectTimeout);
      socket.once(secure ? "secureConnect" : "connect", () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    sent.on("error", failed);
    // A `101 Switching Protocols`: the answer has no body, and the connection is not used further.
    sent.on("upgrade", (upgraded: IncomingMessage, socket: Socket) => {
      answered = true;
      socket.destroy();
      succeed({
        status: upgraded.statusCode ?? 101,
        contentType: firstHeader(upgraded.rawHeaders, "content-type"),
        location: firstHeader(upgraded.rawHeaders, "location"),
        body: Buffer.alloc(0),
      });
    });
    sent.on("response", (incoming: IncomingMessage) => {
      answered = true;
      response = incoming;
      const status = incoming.statusCode ?? 0;
      const contentType = firstHeader(incoming.rawHeaders, "content-type");
      const location = firstHeader(incoming.rawHeaders, "location");
      incoming.on("error", failed);
      if (!request.readBody(status, location)) {
        incoming.resume();
        succeed({ status, contentType, location, body: Buffer.alloc(0) });
        return;
      }
      const bodiless = request.method === "HEAD" || status === 204 || status === 304;
      const length = firstHeader(incoming.rawHeaders, "content-length");
      if (!bodiless && length !== null && /^\d+$/.test(length) && Number(length) > request.maxResponseBytes) {
        fail(new TooLargeError());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxResponseBytes) {
          fail(new TooLargeError());
          return;
        }
        chunks.push(chunk);
      });
      incoming.on("end", () => succeed({ status, contentType, location, body: Buffer.concat(chunks) }));
      incoming.on("close", () => {
        if (!incoming.complete) {
          failed(new Error("the connection closed before the body was complete"));
        }
      });
    });
    sent.end(request.body);
  });
}
