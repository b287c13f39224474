import * as fs from "node:fs";
import type Ajv04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import { DEFAULT_WORKFLOW } from "./names";

/**
 * A workflow's input contract: the JSON Schema beside its definition (`orders.schema.json` next to
 * `orders.asl.json`), which API Gateway checks a request body or message against before any
 * execution starts. API Gateway's models are JSON Schema draft 4 and it ignores, silently, what
 * draft 4 does not know: so a keyword of a later draft, or a `$ref` it cannot follow, is refused here.
 */

/** The `$schema` of draft 4, the draft API Gateway's models are written in. */
export const DRAFT_04 = "http://json-schema.org/draft-04/schema#";

/** The schema file of a definition: its name with `.asl.json` (else `.json`) replaced by `.schema.json`. */
export function schemaPathOf(definitionPath: string): string {
  const base = definitionPath.endsWith(".asl.json")
    ? definitionPath.slice(0, -".asl.json".length)
    : definitionPath.endsWith(".json")
      ? definitionPath.slice(0, -".json".length)
      : definitionPath;
  return `${base}.schema.json`;
}

export interface LoadedSchema {
  /** The schema, compactly serialized; undefined when there is no schema file, or problems. */
  readonly schema?: string;
  /** Each problem, starting with ": " or " at <JSON pointer>: ", to follow the file's name. */
  readonly problems: readonly string[];
}

/** Reads and checks the schema file; no file is no schema, and no problem. */
export function loadSchema(file: string): LoadedSchema {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { problems: [] } : { problems: [`: cannot read the file (${code ?? e})`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { problems: [`: not JSON (${(e as Error).message})`] };
  }
  const problems = schemaProblems(parsed);
  return problems.length > 0 ? { problems } : { schema: JSON.stringify(parsed), problems: [] };
}

/** Draft 4's keywords, which API Gateway applies or, for the annotations, reads. */
const DRAFT_04_KEYWORDS = new Set([
  "$schema",
  "id",
  "$ref",
  "title",
  "description",
  "default",
  "definitions",
  "type",
  "enum",
  "format",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "pattern",
  "items",
  "additionalItems",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "required",
  "properties",
  "patternProperties",
  "additionalProperties",
  "dependencies",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
]);

/**
 * Annotations of later drafts: they check nothing in any draft, so that draft 4 ignores them changes
 * no verdict; they are kept (the OpenAPI document shows them).
 */
const HARMLESS_ANNOTATIONS = new Set(["examples", "$comment", "readOnly", "writeOnly", "deprecated", "contentMediaType", "contentEncoding"]);

/** Keywords of later drafts that check something: API Gateway would let every body through them. */
const LATER_DRAFT_KEYWORDS: Readonly<Record<string, string>> = {
  const: 'draft 6\'s; write "enum": [<the value>]',
  contains: "draft 6's; draft 4 cannot say that an array contains an item of a kind",
  propertyNames: 'draft 6\'s; draft 4 can check property names with "patternProperties" and "additionalProperties": false',
  if: 'draft 7\'s; write the cases with "oneOf" or "anyOf"',
  // biome-ignore lint/suspicious/noThenProperty: the name of draft 7's keyword, in a table of keywords.
  then: 'draft 7\'s; write the cases with "oneOf" or "anyOf"',
  else: 'draft 7\'s; write the cases with "oneOf" or "anyOf"',
  $defs: 'draft 2019-09\'s; name it "definitions" and refer to "#/definitions/<name>"',
  $id: "draft 6's; draft 4 names a schema with \"id\", which stepgate's schemas do not need",
  $anchor: 'draft 2019-09\'s; refer to "#/definitions/<name>" instead',
  $dynamicRef: "draft 2020-12's; draft 4 has only $ref",
  $dynamicAnchor: "draft 2020-12's; draft 4 has only $ref",
  $recursiveRef: "draft 2019-09's; draft 4 has only $ref",
  $recursiveAnchor: "draft 2019-09's; draft 4 has only $ref",
  prefixItems: 'draft 2020-12\'s; in draft 4, "items" as an array checks each position',
  unevaluatedProperties: 'draft 2019-09\'s; use "additionalProperties": false beside "properties"',
  unevaluatedItems: 'draft 2019-09\'s; use "additionalItems": false beside "items" as an array',
  dependentRequired: 'draft 2019-09\'s; write "dependencies": {"<property>": ["<required>", ...]}',
  dependentSchemas: 'draft 2019-09\'s; write "dependencies": {"<property>": {<schema>}}',
  minContains: "draft 2019-09's; draft 4 cannot count matching items",
  maxContains: "draft 2019-09's; draft 4 cannot count matching items",
};

/** Where subschemas sit: keyword -> how its value holds them. */
const SUBSCHEMAS: Readonly<Record<string, "schema" | "map" | "array" | "schemaOrArray" | "mapOfSchemaOrArray">> = {
  properties: "map",
  patternProperties: "map",
  definitions: "map",
  additionalProperties: "schema",
  additionalItems: "schema",
  not: "schema",
  items: "schemaOrArray",
  allOf: "array",
  anyOf: "array",
  oneOf: "array",
  dependencies: "mapOfSchemaOrArray",
};

/**
 * Every problem of a schema for API Gateway, each " at <JSON pointer>: <what to do>" (": ..." at the
 * root): a `$schema` other than draft 4's, a later draft's keyword, an unknown keyword, a `$ref`
 * that is not `#/definitions/<name>` of this file (or `#`), then what draft 4's meta-schema refuses.
 */
export function schemaProblems(schema: unknown): string[] {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return [': not a JSON Schema: a schema is a JSON object, such as {"type": "object"}'];
  }
  const root = schema as Record<string, unknown>;
  const problems: string[] = [];
  const $schema = root.$schema;
  if ($schema !== undefined && (typeof $schema !== "string" || $schema.replace(/#$/, "") !== DRAFT_04.replace(/#$/, ""))) {
    problems.push(`: "$schema" is ${JSON.stringify($schema)}; API Gateway's models are JSON Schema draft 4: write "$schema": "${DRAFT_04}", or leave it out`);
  }
  const definitions = root.definitions;
  const at = (pointer: string) => (pointer === "" ? ":" : ` at ${pointer}:`);
  const walk = (node: unknown, pointer: string) => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    for (const [keyword, value] of Object.entries(node as Record<string, unknown>)) {
      const here = `${pointer}/${escapePointer(keyword)}`;
      if (keyword in LATER_DRAFT_KEYWORDS) {
        problems.push(`${at(pointer)} "${keyword}" is ${LATER_DRAFT_KEYWORDS[keyword]}: API Gateway's draft 4 would ignore it and let every body through`);
        continue;
      }
      if ((keyword === "exclusiveMinimum" || keyword === "exclusiveMaximum") && typeof value === "number") {
        const bound = keyword === "exclusiveMinimum" ? "minimum" : "maximum";
        problems.push(`${at(pointer)} "${keyword}": ${value} is draft 6's form; in draft 4 write "${bound}": ${value}, "${keyword}": true`);
        continue;
      }
      if (keyword === "$ref") {
        if (typeof value === "string" && !localReference(value, definitions)) {
          problems.push(
            `${at(pointer)} "$ref": ${JSON.stringify(value)}: API Gateway follows only references inside the schema; put the schema under "definitions" and refer to it as "#/definitions/<name>"`,
          );
        }
        continue;
      }
      if (!DRAFT_04_KEYWORDS.has(keyword) && !HARMLESS_ANNOTATIONS.has(keyword) && !keyword.startsWith("x-")) {
        problems.push(
          `${at(pointer)} unknown keyword "${keyword}": API Gateway's draft 4 would ignore it (a typo?); a note of yours can go in "description", or a key starting with "x-"`,
        );
        continue;
      }
      const holds = SUBSCHEMAS[keyword];
      if (holds === "schema") walk(value, here);
      else if (holds === "array" && Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, `${here}/${i}`);
      else if (holds === "schemaOrArray") {
        if (Array.isArray(value)) {
          for (const [i, v] of value.entries()) walk(v, `${here}/${i}`);
        } else walk(value, here);
      } else if ((holds === "map" || holds === "mapOfSchemaOrArray") && typeof value === "object" && value !== null && !Array.isArray(value)) {
        for (const [name, sub] of Object.entries(value)) if (!Array.isArray(sub)) walk(sub, `${here}/${escapePointer(name)}`);
      }
    }
  };
  walk(root, "");
  if (problems.length > 0) return problems;

  const ajv = draft04();
  if (!ajv.validateSchema(root)) {
    for (const error of ajv.errors ?? []) problems.push(`${at(error.instancePath)} not valid JSON Schema draft 4: ${error.message ?? error.keyword}`);
    return problems;
  }
  try {
    ajv.compile(root);
  } catch (e) {
    problems.push(`: not valid JSON Schema draft 4: ${(e as Error).message}`);
  }
  return problems;
}

/** `#`, or `#/definitions/<name>` of a definition the schema has. */
function localReference(reference: string, definitions: unknown): boolean {
  if (reference === "#") return true;
  const name = /^#\/definitions\/([^/]+)$/.exec(reference)?.[1];
  if (name === undefined) return false;
  const key = name.replaceAll("~1", "/").replaceAll("~0", "~");
  return typeof definitions === "object" && definitions !== null && Object.hasOwn(definitions, decodeURIComponent(key));
}

function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

/**
 * A draft 4 validator as API Gateway validates: every error reported, `format` not checked (API
 * Gateway does not enforce draft 4's formats), keywords it does not know ignored.
 */
function draft04(): Ajv04 {
  // Loaded on first use: a synth without schemas never pays for it.
  const Ajv = (require("ajv-draft-04") as { default: typeof Ajv04 }).default;
  return new Ajv({ allErrors: true, validateFormats: false, strict: false, logger: false });
}

/** A validator of bodies against a workflow's schema (draft 4), as API Gateway's model checks them. */
export function inputValidator(schema: string | object): ValidateFunction {
  return draft04().compile(typeof schema === "string" ? JSON.parse(schema) : schema);
}

/** What a body's errors say, one sentence each: where (a JSON pointer, "" for the body itself) and what. */
export function validationErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath === "" ? "body" : e.instancePath} ${e.message ?? e.keyword}`);
}

/**
 * What a schema of a workflow besides the default one must allow: WebSocket messages reach its
 * route by their `"action": "<name>"`, which API Gateway validates with the rest of the message.
 */
export function actionProblems(schema: Record<string, unknown>, workflow: string): string[] {
  if (workflow === DEFAULT_WORKFLOW) return [];
  const properties = schema.properties as Record<string, unknown> | undefined;
  if (schema.additionalProperties !== false || (properties !== undefined && Object.hasOwn(properties, "action"))) return [];
  return [
    `: "additionalProperties": false refuses the "action" property that WebSocket messages to ${workflow} carry: add "action": {"enum": ["${workflow}"]} to "properties"`,
  ];
}
