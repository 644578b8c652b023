/**
 * The API's answer as an MCP tool result.
 */

import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

import { bodyKind, essence, isSuccess, type Outcome } from "./runner.js";

/** The largest binary body returned as a base64 resource. */
export const MAX_BLOB_BYTES = 1024 * 1024;

/** The most characters of an error response shown. */
export const MAX_ERROR_TEXT = 16 * 1024;

/** A tool error with one text block. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }] };
}

/** UTF-8 with every invalid sequence as U+FFFD (and a leading BOM kept). */
function lossy(bytes: Buffer): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/** UTF-8, or undefined when the bytes are not valid UTF-8. */
function strict(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The first `count` characters (code points) of `text`. */
function firstChars(text: string, count: number): string {
  let taken = 0;
  let end = 0;
  for (const c of text) {
    if (taken === count) {
      break;
    }
    taken += 1;
    end += c.length;
  }
  return text.slice(0, end);
}

/**
 * Non-2xx is an error carrying the status and body; JSON is text (and structuredContent when the tool has
 * an outputSchema and the answer is an object); images are image content; other binary a resource.
 */
export function outcomeResult(toolName: string, structured: boolean, outcome: Outcome): CallToolResult {
  const mediaType = outcome.contentType ?? "";
  const kind = bodyKind(mediaType);
  if (!isSuccess(outcome)) {
    const shown = firstChars(lossy(outcome.body), MAX_ERROR_TEXT);
    return errorResult(`HTTP ${outcome.status} from ${outcome.requestLine}\n${shown}`);
  }
  if (outcome.body.length === 0) {
    return textResult(`HTTP ${outcome.status} (no content)`);
  }
  if (kind === "json" || mediaType === "") {
    const text = strict(outcome.body);
    let parsed: unknown;
    let isJson = false;
    if (text !== undefined) {
      try {
        parsed = JSON.parse(text);
        isJson = true;
      } catch {
        isJson = false;
      }
    }
    if (isJson && text !== undefined) {
      if (structured && typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        return {
          content: [{ type: "text", text }],
          structuredContent: parsed as Record<string, unknown>,
        };
      }
      return textResult(text);
    }
  }
  if (kind === "json") {
    return errorResult(
      `the API answered invalid JSON (${outcome.body.length} bytes of ${mediaType}) from ${outcome.requestLine}`,
    );
  }
  if (mediaType.startsWith("image/")) {
    return { content: [{ type: "image", data: outcome.body.toString("base64"), mimeType: essence(mediaType) }] };
  }
  if (kind === "text" || kind === "xml") {
    return textResult(lossy(outcome.body));
  }
  const text = strict(outcome.body);
  if (text !== undefined) {
    return textResult(text);
  }
  const blob = outcome.body.subarray(0, MAX_BLOB_BYTES);
  const content: CallToolResult["content"] = [
    {
      type: "resource",
      resource: {
        uri: `mcpow://response/${toolName}`,
        mimeType: essence(mediaType),
        blob: blob.toString("base64"),
      },
    },
  ];
  if (outcome.body.length > MAX_BLOB_BYTES) {
    content.push({
      type: "text",
      text: `the response had ${outcome.body.length} bytes; the first ${MAX_BLOB_BYTES} are included`,
    });
  }
  return { content };
}
