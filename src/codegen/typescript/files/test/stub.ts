/**
 * A stand-in for the API on 127.0.0.1, from `node:http` only: it answers what a test tells it to and
 * records every request it receives.
 */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the stub saw it. */
export interface Received {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** What the stub answers to requests for `method` on a path matching `template` (`/pets/{petId}`). */
export interface Answer {
  method: string;
  template: string;
  status: number;
  contentType: string | null;
  body: Buffer;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A regular expression matching the paths of a template, each `{...}` one segment. */
export function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]*\}/);
  return new RegExp("^" + parts.map(escapeRegExp).join("[^/]+") + "/?$", "u");
}

function decodePath(path: string): string {
  return path.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** An HTTP server on a free port of 127.0.0.1, answering the current `answer` (404 otherwise). */
export class Stub {
  answer: Answer | undefined;
  readonly received: Received[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const raw = req.url ?? "/";
        const mark = raw.indexOf("?");
        const path = decodePath(mark >= 0 ? raw.slice(0, mark) : raw);
        const query = mark >= 0 ? raw.slice(mark + 1) : "";
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) {
            headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
        }
        const method = req.method ?? "GET";
        this.received.push({ method, path, query, headers, body: Buffer.concat(chunks) });
        const answer = this.answer;
        let status = 404;
        let contentType: string | null = "application/json";
        let body: Buffer = Buffer.from('{"error":"no such route in the stub"}');
        if (answer !== undefined && answer.method === method && templatePattern(answer.template).test(path)) {
          ({ status, contentType, body } = answer);
        }
        const head: Record<string, string> = { "Content-Length": String(body.length) };
        if (contentType !== null) {
          head["Content-Type"] = contentType;
        }
        res.writeHead(status, head);
        res.end(method === "HEAD" ? undefined : body);
      });
    });
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<Stub> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
