import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { forEachState } from "./states";
import { stateFieldProblems } from "./asl-fields";

/**
 * The state machine definition file (STEPGATE_DEFINITION): read, parsed, validated as Amazon
 * States Language with asl-validator, and checked for what an Express workflow cannot run.
 */

export interface LoadedDefinition {
  /** The definition, compactly serialized; undefined when there are problems. */
  readonly definition?: string;
  /** Each problem, starting with ": " or " at <ASL path>: ", to follow the file's name. */
  readonly problems: readonly string[];
}

export interface LoadDefinitionOptions {
  /**
   * The state machine's type: a Standard one may run what an Express one cannot (.sync, callbacks, activities).
   * @default "EXPRESS"
   */
  readonly type?: "EXPRESS" | "STANDARD";
}

export function loadDefinition(file: string, { type = "EXPRESS" }: LoadDefinitionOptions = {}): LoadedDefinition {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return { problems: [`: cannot read the file (${(e as NodeJS.ErrnoException).code ?? e})`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { problems: [`: not JSON (${(e as Error).message})`] };
  }
  const compact = JSON.stringify(parsed);
  const fields = fieldProblems(parsed);
  // asl-validator's findings, but for those the field check says better ("/States/B is invalid. must match exactly one
  // schema in oneOf") or disproves (a known Type or QueryLanguage "must be equal to one of the allowed values").
  const vague = [...fields.flagged, ...[...fields.flagged, ...fields.visited].flatMap((state) => [`${state}/Type`, `${state}/QueryLanguage`])];
  const errors = aslErrors(compact).filter((error) => !vague.some((at) => error.startsWith(`${at} is invalid.`)));
  if (fields.problems.length > 0 || errors.length > 0) {
    return { problems: [...fields.problems.map((problem) => ` at ${problem}`), ...errors.map((error) => `: not valid Amazon States Language: ${error}`)] };
  }
  const unsupported = type === "EXPRESS" ? expressIncompatibilities(parsed) : [];
  if (unsupported.length > 0) return { problems: unsupported.map((problem) => ` at ${problem}`) };
  return { definition: compact, problems: [] };
}

const EXPRESS_ONLY =
  "Express workflows (which StartSyncExecution runs) support neither .sync nor .waitForTaskToken service integrations, activities or Distributed Map";

/**
 * What an Express workflow cannot run, each as "<ASL path>: <why>". Step Functions would refuse
 * the definition only when the state machine is created, or fail the execution.
 */
export function expressIncompatibilities(definition: unknown): string[] {
  const found: string[] = [];
  forEachState(definition, (state, _name, { aslPath: here }) => {
    const resource = typeof state.Resource === "string" ? state.Resource : "";
    if (state.Type === "Task" && /\.sync(:\d+)?$/.test(resource)) {
      found.push(`${here}.Resource: "${resource}" waits for a job to complete (.sync); ${EXPRESS_ONLY}`);
    } else if (state.Type === "Task" && resource.endsWith(".waitForTaskToken")) {
      found.push(`${here}.Resource: "${resource}" waits for a callback (.waitForTaskToken); ${EXPRESS_ONLY}`);
    } else if (state.Type === "Task" && /^arn:[\w-]+:states:[^:]*:[^:]*:activity:/.test(resource)) {
      found.push(`${here}.Resource: "${resource}" is an activity; ${EXPRESS_ONLY}`);
    }
    const processor = (state.ItemProcessor ?? state.Iterator) as { ProcessorConfig?: { Mode?: unknown } } | undefined;
    if (state.Type === "Map" && (processor?.ProcessorConfig?.Mode === "DISTRIBUTED" || state.ItemReader || state.ResultWriter)) {
      found.push(`${here}: a Distributed Map; ${EXPRESS_ONLY}`);
    }
  });
  return found;
}

/**
 * The validator's findings for a definition, remembered in memory and, across runs, in
 * node_modules/.cache, keyed by the definition and the validator's version: loading the validator
 * and compiling its schemas (once per process, see aslValidator) is the slowest step of synth.
 */
function aslErrors(definition: string): readonly string[] {
  const key = aslCacheKey(definition);
  let errors = aslErrorsByKey.get(key);
  if (errors !== undefined) return errors;
  const cacheFile = aslCacheFile(definition);
  try {
    errors = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as string[];
  } catch {
    // It adds defaults (QueryLanguage) to what it is given: give it a copy.
    errors = aslValidator()(JSON.parse(definition)).errors.map((e) => e.Message);
    writeAtomically(cacheFile, JSON.stringify(errors));
  }
  aslErrorsByKey.set(key, errors);
  return errors;
}

function aslCacheKey(definition: string): string {
  return createHash("sha256").update(`${ASL_VALIDATOR_VERSION}\0${definition}`).digest("hex");
}

/** Where the validator's findings for a definition (compactly serialized) are kept across runs: the bench empties it for cold runs. */
export function aslCacheFile(definition: string): string {
  return path.join(ASL_CACHE_DIR, `${aslCacheKey(definition)}.json`);
}

/** The part of asl-validator (which ships no types) that stepgate uses. */
export type AslValidator = (definition: unknown) => { isValid: boolean; errors: Array<{ Message: string }> };
type JsonSchemaErrors = (definition: unknown, options: { checkPaths: boolean; checkArn: boolean }) => unknown[];

let validator: AslValidator | undefined;

/**
 * asl-validator, its JSON schemas compiled once per process. asl-validator 4.0.0 builds an Ajv
 * with its 15 schemas on every call (0.1-0.4 s each) and offers no reusable validator; its
 * validator calls `jsonSchemaErrors` through that module's exports, so that one export is replaced
 * by `schemaErrors` below, which gives the same findings from one Ajv, built as asl-validator
 * builds it (its schemas, formats and options, from its own dependencies), on first use. Loaded only
 * when a definition is not in the cache.
 */
export function aslValidator(): AslValidator {
  if (validator !== undefined) return validator;
  const checks = require("asl-validator/dist/src/checks/json-schema-errors") as { jsonSchemaErrors: JsonSchemaErrors };
  const original = checks.jsonSchemaErrors;
  const compiled = compileAslSchemas();
  checks.jsonSchemaErrors = (definition, options) =>
    options.checkPaths && options.checkArn ? schemaErrors(compiled, definition) : original(definition, options);
  validator = require("asl-validator") as AslValidator;
  return validator;
}

/** What stepgate needs of Ajv (asl-validator's dependency, loaded the way asl-validator loads it). */
interface Ajv {
  validate(schema: string, data: unknown): boolean;
  errors?: Array<{ instancePath: string; schemaPath: string; keyword: string; message?: string }> | null;
  addFormat(name: string, format: (value: string) => boolean): unknown;
  getSchema(key: string): unknown;
}

const ASL_SCHEMAS = [
  "common",
  "paths",
  "jsonata",
  "choice",
  "fail",
  "parallel",
  "pass",
  "base-state-machine",
  "state-machine",
  "state",
  "succeed",
  "task",
  "wait",
  "map",
  "errors",
];

/** One Ajv with asl-validator's schemas and formats (default options: paths and ARNs checked), the state machine schema compiled. */
function compileAslSchemas(): Ajv {
  const fromValidator = createRequire(require.resolve("asl-validator"));
  const AjvClass = (fromValidator("ajv") as { default: new (options: object) => Ajv }).default;
  const addFormats = (fromValidator("ajv-formats") as { default: (ajv: Ajv) => void }).default;
  const jsonata = fromValidator("jsonata") as (expression: string) => unknown;
  const { registerAll } = fromValidator("asl-path-validator") as { registerAll: (ajv: Ajv) => void };
  const { isArnFormatValid } = fromValidator("./checks/formats") as { isArnFormatValid: (value: string) => boolean };
  const ajv = new AjvClass({ schemas: ASL_SCHEMAS.map((name) => fromValidator(`./schemas/${name}.json`)), allowUnionTypes: true });
  addFormats(ajv);
  const validJsonata = (value: string) => {
    const trimmed = value.trim();
    let expression = trimmed.startsWith("{%") ? trimmed.slice(2) : trimmed;
    expression = expression.endsWith("%}") ? expression.slice(0, -2) : expression;
    try {
      jsonata(expression);
      return true;
    } catch {
      return false;
    }
  };
  ajv.addFormat("jsonata_string", validJsonata);
  ajv.addFormat("maybe_jsonata_string", (value) => {
    const trimmed = value.trim();
    return trimmed.startsWith("{%") || trimmed.endsWith("%}") ? validJsonata(trimmed) : true;
  });
  registerAll(ajv);
  ajv.addFormat("asl_arn", isArnFormatValid);
  ajv.getSchema(STATE_MACHINE_SCHEMA);
  return ajv;
}

const STATE_MACHINE_SCHEMA = "http://asl-validator.cloud/state-machine.json#";

/** asl-validator's jsonSchemaErrors (4.0.0) on a compiled Ajv: the deepest errors, oneOf's first, without duplicates. */
function schemaErrors(ajv: Ajv, definition: unknown): unknown[] {
  ajv.validate(STATE_MACHINE_SCHEMA, definition);
  const all = ajv.errors ?? [];
  let selected: typeof all = [];
  let deepest = 0;
  for (const error of all) {
    const depth = error.instancePath.split("/").length;
    if (depth === deepest) selected.push(error);
    else if (depth > deepest) selected = [error];
    deepest = Math.max(deepest, depth);
  }
  const withOneOf = new Set(selected.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath));
  const errors = selected
    .filter((e) => e.keyword === "oneOf" || !withOneOf.has(e.instancePath))
    .map((e) => ({
      "Error code": "SCHEMA_VALIDATION_FAILED",
      Message: `${e.instancePath} is invalid. ${e.message ?? ""}`,
      schemaError: { instancePath: e.instancePath, schemaPath: decodeURIComponent(e.schemaPath) },
    }));
  return errors.filter(
    (v, i) => errors.findIndex((w) => w.schemaError.schemaPath === v.schemaError.schemaPath && w.schemaError.instancePath === v.schemaError.instancePath) === i,
  );
}

const ASL_CACHE_DIR = path.join(__dirname, "..", "..", "node_modules", ".cache", "stepgate", "asl");
const ASL_VALIDATOR_VERSION: string = require("asl-validator/package.json").version;
const aslErrorsByKey = new Map<string, readonly string[]>();

/** Best effort: a cache that cannot be written is only slower. */
function writeAtomically(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch {
    // ignored
  }
}

/**
 * Our own check of every state's fields (stateFieldProblems), and where it looked: the JSON
 * pointers of the states it flagged and of those whose Type and QueryLanguage it found known.
 */
function fieldProblems(definition: unknown): { problems: string[]; flagged: string[]; visited: string[] } {
  const problems: string[] = [];
  const flagged: string[] = [];
  const visited: string[] = [];
  const queryLanguage = (definition as { QueryLanguage?: unknown } | null)?.QueryLanguage ?? "JSONPath";
  forEachState(definition, (state, _name, at) => {
    const found = stateFieldProblems(state, at.aslPath, queryLanguage);
    problems.push(...found);
    const language = typeof state === "object" && state !== null && "QueryLanguage" in state ? state.QueryLanguage : queryLanguage;
    if (found.length > 0) flagged.push(at.pointer);
    else if (language === "JSONPath" || language === "JSONata") visited.push(at.pointer);
  });
  return { problems, flagged, visited };
}
