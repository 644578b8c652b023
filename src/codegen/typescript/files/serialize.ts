/**
 * Parameter values onto the wire as OpenAPI's `style` and `explode` say, and form bodies.
 */

/** Kept as they are with `allowReserved` (besides letters, digits and `-._~`). */
const RESERVED = "!#$&'()*+,/:;=?@[]";

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  );
}

/**
 * Percent-encodes everything but RFC 3986's unreserved characters (and `!`), or only what can never appear
 * raw when `allowReserved` is set.
 */
export function encode(text: string, allowReserved = false): string {
  const safe = allowReserved ? RESERVED : "!";
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    if (isUnreserved(byte) || safe.includes(String.fromCharCode(byte))) {
      out += String.fromCharCode(byte);
    } else {
      out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return out;
}

/** Compact JSON, non-ASCII kept as is. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A primitive as text (`true`, `12`, `a b`); objects and arrays as JSON; null as nothing. */
export function scalarText(value: unknown): string {
  if (typeof value === "string") {
    return value;
  }
  if (value === null || value === undefined) {
    return "";
  }
  return jsonText(value);
}

type Encoder = (text: string) => string;

/** `a,b,c` for arrays; `k,v,k2,v2` (or `k=v,k2=v2` exploded) for objects; the text of a primitive. */
function join(value: unknown, sep: string, explode: boolean, enc: Encoder): string {
  if (Array.isArray(value)) {
    return value.map((item) => enc(scalarText(item))).join(sep);
  }
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (explode) {
      return entries.map(([k, v]) => `${enc(k)}=${enc(scalarText(v))}`).join(sep);
    }
    return entries.flatMap(([k, v]) => [enc(k), enc(scalarText(v))]).join(sep);
  }
  return enc(scalarText(value));
}

/** A path parameter's replacement for `{name}`, already percent-encoded. */
export function pathValue(
  name: string,
  value: unknown,
  style: string,
  explode: boolean,
  allowReserved = false,
): string {
  const enc: Encoder = (text) => encode(text, allowReserved);
  if (style === "label") {
    return "." + join(value, explode ? "." : ",", explode, enc);
  }
  if (style === "matrix") {
    if (explode && Array.isArray(value)) {
      return value.map((item) => `;${name}=${enc(scalarText(item))}`).join("");
    }
    if (explode && isObject(value)) {
      return Object.entries(value)
        .map(([k, v]) => `;${enc(k)}=${enc(scalarText(v))}`)
        .join("");
    }
    return `;${name}=${join(value, ",", false, enc)}`;
  }
  return join(value, ",", explode, enc);
}

/** `name=value` pairs (percent-encoded) for one query parameter. */
export function queryPairs(
  name: string,
  value: unknown,
  style: string,
  explode: boolean,
  allowReserved = false,
): string[] {
  const enc: Encoder = (text) => encode(text, allowReserved);
  const key = encode(name);
  if (style === "deepObject" && isObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => deepObjectPairs(`${name}[${k}]`, v));
  }
  if (Array.isArray(value) && !explode && (style === "spaceDelimited" || style === "pipeDelimited")) {
    const sep = style === "spaceDelimited" ? "%20" : "|";
    return [`${key}=${value.map((item) => enc(scalarText(item))).join(sep)}`];
  }
  if (Array.isArray(value) && explode) {
    return value.map((item) => `${key}=${enc(scalarText(item))}`);
  }
  if (isObject(value) && explode) {
    return Object.entries(value).map(([k, v]) => `${encode(k)}=${enc(scalarText(v))}`);
  }
  return [`${key}=${join(value, ",", false, enc)}`];
}

/** `filter[a]=1`, nesting for nested objects (`filter[a][b]=1`) and repeating for arrays. */
function deepObjectPairs(prefix: string, value: unknown): string[] {
  if (isObject(value)) {
    return Object.entries(value).flatMap(([k, v]) => deepObjectPairs(`${prefix}[${k}]`, v));
  }
  if (Array.isArray(value)) {
    return value.map((item) => `${encode(prefix)}=${encode(scalarText(item))}`);
  }
  return [`${encode(prefix)}=${encode(scalarText(value))}`];
}

/** A header's value (`simple` style, not percent-encoded). */
export function headerValue(value: unknown, explode: boolean): string {
  return join(value, ",", explode, (text) => text);
}

/** One `name=value` pair of a Cookie header (several for an exploded array). */
export function cookiePair(name: string, value: unknown, explode: boolean): string {
  if (Array.isArray(value) && explode) {
    return value.map((item) => `${name}=${encode(scalarText(item))}`).join("; ");
  }
  return `${name}=${join(value, ",", false, (text) => encode(text))}`;
}

/** `a=1&tags=x&tags=y`: arrays repeat their key, objects are sent as JSON text, null is left out. */
export function formUrlencoded(value: unknown): string {
  if (!isObject(value)) {
    return encode(scalarText(value));
  }
  const pairs: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (field === null || field === undefined) {
      continue;
    }
    const items = Array.isArray(field) ? field : [field];
    for (const item of items) {
      pairs.push(`${encode(key)}=${encode(scalarText(item))}`);
    }
  }
  return pairs.join("&");
}
