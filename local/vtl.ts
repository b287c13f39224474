import { render } from "velocityjs";

/**
 * Renders API Gateway mapping templates the way API Gateway does, on velocityjs (a maintained
 * Velocity engine): `$input`, `$util`, `$context` (with `responseOverride`), Java String semantics
 * for the String methods templates call, and Velocity's rendering of a null reference as the
 * reference's own text. The tests and the local gateway (`npm run local`) share it.
 *
 * Not emulated: API Gateway re-serializes JSON in Java (`$input.json`, `$util.parseJson`), so the
 * formatting of numbers may differ; `$util.escapeJavaScript` of a value that is not a string.
 */

export interface MappingInput {
  /** The raw request body (request templates) or integration response body (response templates). */
  readonly body: string;
  /** `$context`: for REST httpMethod, stage, identity.apiKey..., for WebSocket connectionId, routeKey... */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Request parameters, for `$input.params()`. */
  readonly params?: {
    readonly path?: Readonly<Record<string, string>>;
    readonly querystring?: Readonly<Record<string, string>>;
    readonly header?: Readonly<Record<string, string>>;
  };
}

export interface Rendered {
  readonly output: string;
  /** `$context.responseOverride.status`, when the template set it. */
  readonly status?: number;
  /** `$context.responseOverride.header.<name>`, the headers the template set. */
  readonly headers: Readonly<Record<string, string>>;
}

const NAMED_CONTROL: Readonly<Record<number, string>> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };

/** Java's `StringEscapeUtils.escapeJavaScript` (commons-lang 2), which API Gateway's `$util.escapeJavaScript` is. */
export function escapeJavaScript(text: string): string {
  let out = "";
  // Java strings are UTF-16 code units: a character outside the BMP is escaped as its two surrogates.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i];
    if (code > 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else if (code < 32) out += NAMED_CONTROL[code] ?? `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else if (ch === "'" || ch === '"' || ch === "\\" || ch === "/") out += `\\${ch}`;
    else out += ch;
  }
  return out;
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

/** The String methods mapping templates call, with Java's semantics (a regular expression where Java takes one). */
const JAVA_STRING_METHODS: Readonly<Record<string, (s: string, ...args: unknown[]) => unknown>> = {
  replaceAll: (s, regex, replacement) => s.replace(new RegExp(String(regex), "g"), javaReplacement(String(replacement))),
  replaceFirst: (s, regex, replacement) => s.replace(new RegExp(String(regex)), javaReplacement(String(replacement))),
  replace: (s, target, replacement) => s.split(String(target)).join(String(replacement)),
  matches: (s, regex) => new RegExp(`^(?:${String(regex)})$`).test(s),
  split: (s, regex) => s.split(new RegExp(String(regex))),
  // Java throws on an index out of range, where JavaScript clamps: a template must check the length first.
  substring: (s, begin, end) => {
    const [b, e] = [Number(begin), end === undefined ? s.length : Number(end)];
    if (!(0 <= b && b <= e && e <= s.length)) throw new Error(`StringIndexOutOfBoundsException: begin ${b}, end ${e}, length ${s.length}`);
    return s.substring(b, e);
  },
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

/** The JSONPath subset API Gateway documents for `$input.json` and `$input.path`: `$`, `.name`, `['name']`, `[index]`. */
export function jsonPath(document: unknown, path: string): unknown {
  if (!path.startsWith("$")) throw new Error(`not a JSONPath expression: ${path}`);
  const steps = path.slice(1).match(/\.[^.[\]]+|\[\d+\]|\['[^']*'\]|\["[^"]*"\]/g) ?? [];
  if (steps.join("") !== path.slice(1)) throw new Error(`JSONPath expression not supported: ${path}`);
  return steps.reduce<unknown>((node, step) => {
    if (node === null || node === undefined) return undefined;
    const key = step.startsWith(".") ? step.slice(1) : step.slice(1, -1).replace(/^['"]|['"]$/g, "");
    return (node as Record<string, unknown>)[key];
  }, document);
}

export function renderVtl(template: string, input: MappingInput): Rendered {
  const context = { ...input.context, responseOverride: { header: {} } as { status?: number; header: Record<string, unknown> } };
  const parsedBody = () => JSON.parse(input.body === "" ? "{}" : input.body) as unknown;
  const params = { path: {}, querystring: {}, header: {}, ...input.params };
  const util = {
    escapeJavaScript: (s: unknown) => (s === null || s === undefined ? undefined : escapeJavaScript(String(s))),
    parseJson: (s: unknown) => javaNulls(JSON.parse(String(s))),
    urlEncode: (s: unknown) =>
      encodeURIComponent(String(s))
        .replace(/%20/g, "+")
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    urlDecode: (s: unknown) => decodeURIComponent(String(s).replace(/\+/g, "%20")),
    base64Encode: (s: unknown) => Buffer.from(String(s), "utf8").toString("base64"),
    base64Decode: (s: unknown) => Buffer.from(String(s), "base64").toString("utf8"),
  };
  const $input = {
    body: input.body,
    json: (path: string) => JSON.stringify(jsonPath(parsedBody(), path) ?? null),
    path: (path: string) => javaNulls(jsonPath(parsedBody(), path)),
    params: (name?: string) =>
      name === undefined
        ? params
        : ((params.path as Record<string, string>)[name] ?? (params.querystring as Record<string, string>)[name] ?? headerValue(params.header, name)),
  };
  const output = render(
    template,
    { input: $input, util, context },
    {},
    {
      customMethodHandlers: [
        {
          uid: "java-string",
          match: ({ property, context: target }) => typeof target === "string" && property in JAVA_STRING_METHODS,
          resolve: ({ property, context: target, params: args }) => JAVA_STRING_METHODS[property](target as string, ...args),
        },
      ],
    },
  );
  const { status, header } = context.responseOverride;
  const headers = Object.fromEntries(Object.entries(header).map(([name, value]) => [name, String(value)]));
  return { output, status: status === undefined ? undefined : Number(status), headers };
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}
