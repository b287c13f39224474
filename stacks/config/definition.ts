import { createHash } from "node:crypto";
import * as fs from "node:fs";
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

export function loadDefinition(file: string): LoadedDefinition {
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
  const unsupported = expressIncompatibilities(parsed);
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
 * The validator's findings for a definition. The validator compiles its JSON schemas anew on every
 * call (0.1-0.4 s, the slowest step of synth), so findings are remembered in memory and, across
 * runs, in node_modules/.cache, keyed by the definition and the validator's version.
 */
function aslErrors(definition: string): readonly string[] {
  const key = createHash("sha256").update(`${ASL_VALIDATOR_VERSION}\0${definition}`).digest("hex");
  let errors = aslErrorsByKey.get(key);
  if (errors !== undefined) return errors;
  const cacheFile = path.join(ASL_CACHE_DIR, `${key}.json`);
  try {
    errors = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as string[];
  } catch {
    // Loaded only when needed. It adds defaults (QueryLanguage) to what it is given: give it a copy.
    const validateAsl = require("asl-validator") as AslValidator;
    errors = validateAsl(JSON.parse(definition)).errors.map((e) => e.Message);
    writeAtomically(cacheFile, JSON.stringify(errors));
  }
  aslErrorsByKey.set(key, errors);
  return errors;
}

/** The part of asl-validator (which ships no types) that stepgate uses. */
type AslValidator = (definition: unknown) => { isValid: boolean; errors: Array<{ Message: string }> };

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
