import { render } from "velocityjs";

/**
 * Renders API Gateway mapping templates the way API Gateway does, on velocityjs, for what stepgate's
 * templates use: `$input`, `$util`, `$context` (with `responseOverride`), Java String semantics for
 * the methods below, and Velocity's rendering of a null reference as the reference's own text.
 */

export interface MappingInput {
  /** The raw request (or integration response) body. */
  readonly body: string;
  /** `$context`: for REST httpMethod, stage, identity.apiKey..., for WebSocket connectionId, routeKey... */
  readonly context?: Record<string, unknown>;
}

export interface Rendered {
  readonly output: string;
  /** `$context.responseOverride.status`, when the template set it. */
  readonly status?: number;
}

/** Java's `StringEscapeUtils.escapeJavaScript` (commons-lang 2), which API Gateway's `$util.escapeJavaScript` is. */
export function escapeJavaScript(text: string): string {
  let out = "";
  for (const ch of text) {
    // Java strings are UTF-16: a character outside the BMP is escaped as its two surrogates.
    for (let k = 0; k < ch.length; k++) {
      const code = ch.charCodeAt(k);
      const hex = code.toString(16).toUpperCase();
      if (code > 0x7f) out += "\\u" + hex.padStart(4, "0");
      else if (code < 32) {
        const named: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };
        out += named[code] ?? "\\u" + hex.padStart(4, "0");
      } else if (ch === "'") out += "\\'";
      else if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "/") out += "\\/";
      else out += ch;
    }
  }
  return out;
}

/** A Java regular expression as a JavaScript one (the subset both read alike). */
function javaRegExp(pattern: string, flags = ""): RegExp {
  return new RegExp(pattern, flags);
}

/** A Java replacement string (`\x` is a literal x, `$n` a group) as a JavaScript one. */
function javaReplacement(replacement: string): string {
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i];
    if (ch === "\\") {
      const next = replacement[++i] ?? "";
      out += next === "$" ? "$$" : next;
    } else out += ch;
  }
  return out;
}

const JAVA_STRING_METHODS: Record<string, (s: string, ...args: unknown[]) => unknown> = {
  replaceAll: (s, regex, replacement) => s.replace(javaRegExp(String(regex), "g"), javaReplacement(String(replacement))),
  replaceFirst: (s, regex, replacement) => s.replace(javaRegExp(String(regex)), javaReplacement(String(replacement))),
  matches: (s, regex) => javaRegExp(`^(?:${String(regex)})$`).test(s),
  length: (s) => s.length,
  isEmpty: (s) => s.length === 0,
  equals: (s, other) => s === other,
  contains: (s, other) => s.includes(String(other)),
};

/** Velocity renders a null reference as its own text: `undefined` makes velocityjs do the same. */
function javaNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(javaNulls);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, javaNulls(v)]));
  }
  return value;
}

function jsonPath(document: unknown, path: string): unknown {
  if (path === "$") return document;
  const steps = path.replace(/^\$\.?/, "").match(/[^.[\]'"]+|\[\d+\]|\['[^']*'\]/g) ?? [];
  return steps.reduce<unknown>((node, step) => {
    if (node === null || node === undefined) return undefined;
    const key = step.startsWith("[") ? step.replace(/^\['?|'?\]$/g, "") : step;
    return (node as Record<string, unknown>)[key];
  }, document);
}

export function renderMappingTemplate(template: string, input: MappingInput): Rendered {
  const context = { ...input.context, responseOverride: {} as { status?: number } };
  const util = {
    escapeJavaScript: (s: unknown) => (s === null || s === undefined ? undefined : escapeJavaScript(String(s))),
    parseJson: (s: unknown) => javaNulls(JSON.parse(String(s))),
    urlEncode: (s: unknown) => encodeURIComponent(String(s)).replace(/%20/g, "+"),
    urlDecode: (s: unknown) => decodeURIComponent(String(s).replace(/\+/g, "%20")),
    base64Encode: (s: unknown) => Buffer.from(String(s), "utf8").toString("base64"),
    base64Decode: (s: unknown) => Buffer.from(String(s), "base64").toString("utf8"),
  };
  const $input = {
    body: input.body,
    json: (path: string) => JSON.stringify(jsonPath(JSON.parse(input.body), path) ?? null),
    path: (path: string) => javaNulls(jsonPath(JSON.parse(input.body), path)),
  };
  const output = render(template, { input: $input, util, context }, {}, {
    customMethodHandlers: [
      {
        uid: "java-string",
        match: ({ property, context: target }) => typeof target === "string" && property in JAVA_STRING_METHODS,
        resolve: ({ property, context: target, params }) => JAVA_STRING_METHODS[property](target as string, ...params),
      },
    ],
  });
  const status = context.responseOverride.status;
  return { output, status: status === undefined ? undefined : Number(status) };
}
