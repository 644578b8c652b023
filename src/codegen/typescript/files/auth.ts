/**
 * Credentials from environment variables, applied to requests as the spec's security schemes say.
 */

import { STATUS_CODES } from "node:http";

import type { SchemeUse, SecurityScheme } from "./definitions.js";
import { BODY_FAILURE, ExchangeError, exchange } from "./transport.js";

/** Reads one variable; an empty value counts as unset. */
export type EnvLookup = (name: string) => string | undefined;

/** What auth adds to one request. */
export interface AuthParts {
  headers: [string, string][];
  query: [string, string][];
  cookies: [string, string][];
}

/** Credentials could not be obtained (an OAuth2 token request failed). */
export class AuthError extends Error {}

function emptyParts(): AuthParts {
  return { headers: [], query: [], cookies: [] };
}

/** Applies credentials, fetching and caching OAuth2 client-credentials tokens until they expire. */
export class Authenticator {
  private readonly tokens = new Map<string, { token: string; until: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly schemes: ReadonlyMap<string, SecurityScheme>,
    private readonly env: EnvLookup,
    /** Seconds a token request may take. */
    private readonly timeout: number = 30,
    private readonly userAgent: string = "mcp-connector",
  ) {}

  private read(variable: string | null): string | undefined {
    if (variable === null) {
      return undefined;
    }
    const value = this.env(variable);
    return value ? value : undefined;
  }

  /** Credentials for the first requirement whose every scheme has its variables set (else none). */
  async partsFor(requirements: readonly (readonly SchemeUse[])[]): Promise<AuthParts> {
    for (const requirement of requirements) {
      const parts = emptyParts();
      let satisfied = true;
      for (const [name, scopes] of requirement) {
        const scheme = this.schemes.get(name);
        if (scheme === undefined || !(await this.apply(name, scheme, scopes, parts))) {
          satisfied = false;
          break;
        }
      }
      if (satisfied) {
        return parts;
      }
    }
    return emptyParts();
  }

  private async apply(
    name: string,
    scheme: SecurityScheme,
    scopes: readonly string[],
    parts: AuthParts,
  ): Promise<boolean> {
    switch (scheme.kind) {
      case "apiKey": {
        const value = this.read(scheme.variable);
        if (value === undefined) {
          return false;
        }
        if (scheme.location === "query") {
          parts.query.push([scheme.name, value]);
        } else if (scheme.location === "cookie") {
          parts.cookies.push([scheme.name, value]);
        } else {
          parts.headers.push([scheme.name, value]);
        }
        return true;
      }
      case "basic": {
        const user = this.read(scheme.usernameVariable);
        const password = this.read(scheme.passwordVariable);
        if (user === undefined || password === undefined) {
          return false;
        }
        const encoded = Buffer.from(`${user}:${password}`, "utf8").toString("base64");
        parts.headers.push(["Authorization", `Basic ${encoded}`]);
        return true;
      }
      case "bearer": {
        const token = this.read(scheme.variable);
        if (token === undefined) {
          return false;
        }
        parts.headers.push(["Authorization", `Bearer ${token}`]);
        return true;
      }
      case "oauth2": {
        let token = this.read(scheme.tokenVariable);
        if (token === undefined) {
          const clientId = this.read(scheme.clientIdVariable);
          const secret = this.read(scheme.clientSecretVariable);
          if (scheme.tokenUrl === null || clientId === undefined || secret === undefined) {
            return false;
          }
          token = await this.clientCredentials(name, scheme.tokenUrl, clientId, secret, scopes);
        }
        parts.headers.push(["Authorization", `Bearer ${token}`]);
        return true;
      }
      case "unsupported":
        return false;
    }
  }

  private clientCredentials(
    schemeName: string,
    tokenUrl: string,
    clientId: string,
    clientSecret: string,
    scopes: readonly string[],
  ): Promise<string> {
    const cached = this.tokens.get(schemeName);
    if (cached !== undefined && cached.until > performance.now()) {
      return Promise.resolve(cached.token);
    }
    const running = this.pending.get(schemeName);
    if (running !== undefined) {
      return running;
    }
    const request = this.requestToken(schemeName, tokenUrl, clientId, clientSecret, scopes).finally(() => {
      this.pending.delete(schemeName);
    });
    this.pending.set(schemeName, request);
    return request;
  }

  private async requestToken(
    schemeName: string,
    tokenUrl: string,
    clientId: string,
    clientSecret: string,
    scopes: readonly string[],
  ): Promise<string> {
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (scopes.length > 0) {
      form.set("scope", scopes.join(" "));
    }
    const basic = Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64");
    const request = {
      method: "POST",
      url: tokenUrl,
      headers: [
        ["User-Agent", this.userAgent],
        ["Authorization", `Basic ${basic}`],
        ["Content-Type", "application/x-www-form-urlencoded"],
      ] as const,
      body: Buffer.from(form.toString(), "utf8"),
      deadline: AbortSignal.timeout(this.timeout * 1000),
      connectTimeout: Math.min(this.timeout, 10) * 1000,
      maxResponseBytes: Number.POSITIVE_INFINITY,
      readBody: () => true,
    };
    let answer;
    try {
      answer = await exchange(request);
    } catch (error) {
      const reason =
        error instanceof ExchangeError && error.message === BODY_FAILURE
          ? `response from ${tokenUrl} is not JSON: ${BODY_FAILURE}`
          : `request to ${tokenUrl} failed: error sending request for url (${shownUrl(tokenUrl)})`;
      throw new AuthError(`OAuth2 token ${reason}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(answer.body));
    } catch {
      throw new AuthError(`OAuth2 token response from ${tokenUrl} is not JSON: ${BODY_FAILURE}`);
    }
    const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const token = fields["access_token"];
    if (typeof token !== "string") {
      throw new AuthError(`OAuth2 token endpoint ${tokenUrl} answered ${statusText(answer.status)} without an access_token`);
    }
    const lifetime = fields["expires_in"];
    const seconds = typeof lifetime === "number" && Number.isInteger(lifetime) && lifetime >= 0 ? lifetime : 3600;
    this.tokens.set(schemeName, { token, until: performance.now() + Math.max(seconds - 30, 1) * 1000 });
    return token;
  }
}

/** A URL as `mcpow serve` shows it (WHATWG-normalized), or as it is when it does not parse. */
function shownUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** Reason phrases where Rust's `http` crate (which `mcpow serve` prints) differs from Node's. */
const REASONS: ReadonlyMap<number, string | undefined> = new Map([
  [203, "Non Authoritative Information"],
  [418, "I'm a teapot"],
  [509, undefined],
]);

/** `400 Bad Request`, as `mcpow serve` prints a status. */
function statusText(status: number): string {
  const reason = REASONS.has(status) ? REASONS.get(status) : STATUS_CODES[status];
  return `${status} ${reason ?? "<unknown status code>"}`;
}
