/**
 * The shapes of the tool table in `operations.ts`: each tool's MCP definition and its HTTP request.
 */

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object (a schema, a tool's arguments). */
export type JsonObject = { [key: string]: Json };

/** Where a parameter goes. */
export type Location = "path" | "query" | "header" | "cookie";

/** Where a tool argument goes: a parameter, one property of an object body, or the whole body. */
export type Target = Location | "body_property" | "body";

/** One parameter of an operation, serialized as OpenAPI's `style` and `explode` say. */
export interface Parameter {
  readonly name: string;
  readonly location: Location;
  readonly style: string;
  readonly explode: boolean;
  readonly allowReserved?: boolean;
  /** A parameter described by `content` rather than `schema`: sent as JSON text. */
  readonly content?: boolean;
}

/** Where one tool argument goes in the HTTP request. */
export interface Binding {
  readonly argument: string;
  readonly target: Target;
  /** The parameter's or body property's name in the API (empty for the whole body). */
  readonly name: string;
}

/** One scheme of a security requirement and the scopes it asks for. */
export type SchemeUse = readonly [name: string, scopes: readonly string[]];

/** The HTTP side of a tool. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  /** The spec's server for this operation (variables at their defaults), or null. */
  readonly server: string | null;
  readonly parameters?: readonly Parameter[];
  readonly bindings?: readonly Binding[];
  /** The media type of the request body sent, when the operation has one. */
  readonly bodyMediaType?: string;
  /** Every media type the operation's request body declares, in the spec's order. */
  readonly bodyMediaTypes?: readonly string[];
  /** Multipart fields whose values are paths of local files to upload. */
  readonly fileFields?: readonly string[];
  /** Multipart fields' declared `contentType` encodings. */
  readonly fileContentTypes?: readonly (readonly [field: string, contentType: string])[];
  /** Alternative security requirements: each a list of schemes, all of which apply. */
  readonly security?: readonly (readonly SchemeUse[])[];
  /** For a GraphQL operation, the query document sent with the arguments as variables. */
  readonly graphqlDocument?: string;
}

/** MCP's hints about a tool's behaviour. */
export interface ToolAnnotations {
  readonly title?: string;
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
}

/** One MCP tool: its `tools/list` entry and the operation it calls. */
export interface Tool {
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema: JsonObject;
  readonly outputSchema?: JsonObject;
  readonly annotations?: ToolAnnotations;
  readonly operation: Operation;
}

/** An API key read from `variable`, sent as the header, query parameter or cookie `name`. */
export interface ApiKey {
  readonly kind: "apiKey";
  readonly variable: string;
  readonly name: string;
  readonly location: Location;
}

/** A bearer token read from `variable`. */
export interface Bearer {
  readonly kind: "bearer";
  readonly variable: string;
}

/** HTTP basic auth from a user name and a password variable. */
export interface Basic {
  readonly kind: "basic";
  readonly usernameVariable: string;
  readonly passwordVariable: string;
}

/** An OAuth2 access token, used as is when set, else fetched with the client credentials flow. */
export interface OAuth2 {
  readonly kind: "oauth2";
  readonly tokenVariable: string;
  readonly clientIdVariable: string | null;
  readonly clientSecretVariable: string | null;
  readonly tokenUrl: string | null;
}

/** A scheme this connector cannot apply (mutual TLS): requirements using it are skipped. */
export interface Unsupported {
  readonly kind: "unsupported";
  readonly scheme: string;
}

export type SecurityScheme = ApiKey | Bearer | Basic | OAuth2 | Unsupported;
