import * as fs from "node:fs";
import * as path from "node:path";
import { type StateConfig, stateConfig } from "./backend";
import { loadDefinition } from "./definition";
import { actionProblems, loadSchema, schemaPathOf } from "./schema";
import { edgeProblems } from "./edges";
import {
  DEFAULT_WORKFLOW,
  MAX_PREFIX_LENGTH,
  maxWorkflowNameLength,
  type ResourceNames,
  resourceNames,
  type WorkflowNames,
  workflowNameRefusal,
  workflowNames,
} from "./names";
import { type Setting, SETTINGS, type Settings, type SettingsTable, type SettingValues } from "./settings";

/**
 * Reads the settings: each from the environment variable of its name, else the `context` object
 * of `cdktf.json` (same name as key), else its default. An empty value counts as not set, as CI
 * systems pass unset variables.
 */

/** What synth builds from: the settings, and what derives from them. */
export interface StepgateConfig extends Settings {
  /** The definition at `definitionPath`, validated and serialized compactly. */
  readonly definition: string;
  readonly state: StateConfig;
  /** Every resource name derived from the prefix. */
  readonly names: ResourceNames;
  /** Every workflow: the default one (STEPGATE_DEFINITION) first, then STEPGATE_WORKFLOWS in their order. */
  readonly workflows: readonly Workflow[];
}

/** One workflow: an Express state machine, started by its own REST path and WebSocket action. */
export interface Workflow {
  /** `workflow` for the default one. */
  readonly name: string;
  /** The definition's path as set (relative to the project folder). */
  readonly definitionPath: string;
  /** The definition, validated and serialized compactly. */
  readonly definition: string;
  /**
   * The input contract: the JSON Schema (draft 4) beside the definition (`<name>.schema.json`),
   * checked and serialized compactly; none when there is no such file.
   */
  readonly schema?: string;
  readonly names: WorkflowNames;
  /**
   * Answered asynchronously (STEPGATE_ASYNC_WORKFLOWS): started through the runner, its result
   * pushed over the WebSocket and polled over REST; else StartSyncExecution, as always.
   */
  readonly async: boolean;
  /** The state machine's type: STANDARD only for an async workflow in STEPGATE_STANDARD_WORKFLOWS. */
  readonly type: "EXPRESS" | "STANDARD";
}

/**
 * API Gateway's quotas that bound the number of workflows: routes per WebSocket API (`$default`
 * and `$connect` included) and resources per REST API (the root included); and IAM's size of a
 * role's inline policies (whitespace aside), which the API Gateway role's policy, listing every
 * state machine, must fit.
 */
export const MAX_WEBSOCKET_ROUTES = 300;
export const MAX_REST_RESOURCES = 300;
export const MAX_ROLE_POLICY_CHARACTERS = 10240;

/** Raised when settings are wrong; its message lists every problem, one a line. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    consequence = "nothing was synthesized",
  ) {
    super(`stepgate: invalid settings, ${consequence}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface ConfigSources {
  /** Environment variables. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * `cdktf.json` context values.
   * @default the context the cdktf CLI passes in CDKTF_CONTEXT_JSON or, when the app runs without
   * the CLI, the `context` of `<projectDir>/cdktf.json`
   */
  readonly context?: (key: string) => unknown;
  /** Folder of `cdktf.json`, against which relative paths are resolved. @default the current directory */
  readonly projectDir?: string;
  /** Whether a command is on PATH. @default looking through the PATH of `env` */
  readonly onPath?: (command: string) => boolean;
}

/** The settings of a table as read from the sources, and every problem with them. */
export interface ReadSettings<S extends SettingsTable> {
  readonly values: SettingValues<S>;
  readonly problems: string[];
  /** Names of the settings whose value was refused (their default stands in). */
  readonly invalid: ReadonlySet<string>;
  /** Where a setting's value came from: "environment", "cdktf.json context" or "default". */
  readonly sourceOf: (name: string) => string;
}

/** Reads every setting of a table; a refused value is reported and its default stands in, so every problem is found. */
export function readSettings<S extends SettingsTable>(table: S, sources: ConfigSources = {}): ReadSettings<S> {
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  const context = sources.context ?? cdktfContext(env, sources.projectDir ?? process.cwd(), problems);
  const invalid = new Set<string>();
  const from = new Map<string, string>();
  const read = (s: Setting): unknown => {
    const fromEnv = env[s.name];
    const fromContext = context(s.name);
    let raw: string;
    if (fromEnv !== undefined && fromEnv !== "") {
      raw = fromEnv;
      from.set(s.name, "environment");
    } else if (fromContext !== undefined && fromContext !== null && fromContext !== "") {
      raw = typeof fromContext === "string" ? fromContext : JSON.stringify(fromContext);
      from.set(s.name, "cdktf.json context");
    } else {
      return s.default;
    }
    const value = s.parse(raw);
    if (value !== undefined) return value;
    invalid.add(s.name);
    problems.push(`${s.name}=${JSON.stringify(raw)} (from ${from.get(s.name)}): expected ${s.accepts}`);
    return s.default;
  };
  const values = Object.fromEntries(Object.entries(table).map(([key, s]) => [key, read(s)])) as SettingValues<S>;
  return { values, problems, invalid, sourceOf: (name) => from.get(name) ?? "default" };
}

/** Reads, checks and returns the settings of synth; throws `ConfigError` listing every problem. */
export function loadConfig(sources: ConfigSources = {}): StepgateConfig {
  const env = sources.env ?? process.env;
  const projectDir = sources.projectDir ?? process.cwd();
  const { values, problems, invalid, sourceOf } = readSettings(SETTINGS, sources);

  if (values.prefix.length > MAX_PREFIX_LENGTH) {
    const { name } = SETTINGS.prefix;
    problems.push(
      `${name}=${JSON.stringify(values.prefix)} (from ${sourceOf(name)}): at most ${MAX_PREFIX_LENGTH} characters, so that every derived name fits its AWS limit`,
    );
  }
  const definitionFile = path.resolve(projectDir, values.definitionPath);
  const loaded = loadDefinition(definitionFile, { type: values.standardWorkflows.includes(DEFAULT_WORKFLOW) ? "STANDARD" : "EXPRESS" });
  problems.push(...loaded.problems.map((problem) => `${SETTINGS.definitionPath.name} (${definitionFile})${problem}`));
  const mainSchema = workflowSchema(definitionFile, DEFAULT_WORKFLOW, `${SETTINGS.definitionPath.name} (${DEFAULT_WORKFLOW}: schema`, problems);
  if (values.alarmEmails !== undefined && values.alarmTopicArn !== undefined) {
    problems.push(
      `${SETTINGS.alarmEmails.name}: has no effect with ${SETTINGS.alarmTopicArn.name} (subscriptions are made only to the topic stepgate creates): subscribe the addresses to your topic, or leave ${SETTINGS.alarmTopicArn.name} unset`,
    );
  }
  const extras = extraWorkflows(values, projectDir, invalid.has(SETTINGS.prefix.name), sourceOf(SETTINGS.extraWorkflows.name), problems);
  const backend = stateConfig(values, { invalid, onPath: sources.onPath ?? ((command) => executableOnPath(command, env)) });
  problems.push(...backend.problems);
  problems.push(...edgeProblems(values, sourceOf, invalid));

  const modes = workflowModes(values, [DEFAULT_WORKFLOW, ...extras.map((w) => w.name)], sourceOf, problems);

  if (problems.length > 0) throw new ConfigError(inTableOrder(problems));
  const names = resourceNames(values.prefix);
  const definition = loaded.definition ?? "";
  const main = {
    name: DEFAULT_WORKFLOW,
    definitionPath: values.definitionPath,
    definition,
    ...(mainSchema === undefined ? {} : { schema: mainSchema }),
    names: workflowNames(values.prefix, DEFAULT_WORKFLOW),
  };
  const workflows = [main, ...extras].map((w): Workflow => ({ ...w, ...modes(w.name) }));
  return { ...values, definition, state: backend.state, names, workflows };
}

/** The path under which REST callers read async executions: no workflow may take it as its own. */
export const EXECUTIONS_PATH = "executions";

/**
 * How each workflow is answered (STEPGATE_ASYNC_WORKFLOWS) and its state machine's type
 * (STEPGATE_STANDARD_WORKFLOWS); every problem with them goes to `problems`, one a line.
 */
function workflowModes(
  values: Settings,
  known: readonly string[],
  sourceOf: (name: string) => string,
  problems: string[],
): (workflow: string) => Pick<Workflow, "async" | "type"> {
  const { asyncWorkflows: asyncSetting, standardWorkflows: standardSetting, extraWorkflows } = SETTINGS;
  const at = (setting: string, name: string) => `${setting} (${name}, from ${sourceOf(setting)})`;
  for (const [setting, list] of [
    [asyncSetting.name, values.asyncWorkflows],
    [standardSetting.name, values.standardWorkflows],
  ] as const) {
    for (const name of list.filter((n) => !known.includes(n))) {
      problems.push(`${at(setting, name)}: no such workflow; the workflows are ${known.join(", ")} (${extraWorkflows.name} adds others)`);
    }
  }
  for (const name of values.standardWorkflows.filter((n) => known.includes(n) && !values.asyncWorkflows.includes(n))) {
    problems.push(
      `${at(standardSetting.name, name)}: a Standard workflow must be async too, as StartSyncExecution starts Express workflows only: add it to ${asyncSetting.name}`,
    );
  }
  if (values.asyncWorkflows.length > 0 && known.includes(EXECUTIONS_PATH)) {
    problems.push(
      `${at(extraWorkflows.name, EXECUTIONS_PATH)}: with ${asyncSetting.name}, GET /${EXECUTIONS_PATH}/<id> reads async executions: choose another name`,
    );
  }
  return (workflow) => ({
    async: values.asyncWorkflows.includes(workflow),
    type: values.standardWorkflows.includes(workflow) ? "STANDARD" : "EXPRESS",
  });
}

/** STEPGATE_WORKFLOWS' workflows, each definition loaded; every problem with them goes to `problems`, one a line. */
function extraWorkflows(values: Settings, projectDir: string, prefixInvalid: boolean, source: string, problems: string[]): Omit<Workflow, "async" | "type">[] {
  const { name: setting } = SETTINGS.extraWorkflows;
  const pairs = values.extraWorkflows;
  const at = (name: string) => `${setting} (${name}, from ${source})`;
  const maxLength = maxWorkflowNameLength(values.prefix);
  const seen = new Set<string>();
  const workflows: Omit<Workflow, "async" | "type">[] = [];
  for (const [name, definitionPath] of pairs) {
    const refusal = workflowNameRefusal(name);
    if (refusal !== undefined && name === DEFAULT_WORKFLOW) {
      problems.push(`${at(name)}: ${refusal}; choose another name`);
    } else if (refusal !== undefined) {
      problems.push(`${at(JSON.stringify(name))}: ${refusal}`);
    } else if (seen.has(name)) {
      problems.push(`${at(name)}: named twice; each workflow needs a name of its own`);
    } else if (!prefixInvalid && name.length > maxLength) {
      problems.push(
        `${at(name)}: at most ${maxLength} characters with the prefix "${values.prefix}", so that its role <prefix>-<name> fits IAM's 64 (state machine: 80)`,
      );
    }
    if (seen.has(name)) continue;
    seen.add(name);
    const file = path.resolve(projectDir, definitionPath);
    const loaded = loadDefinition(file, { type: values.standardWorkflows.includes(name) ? "STANDARD" : "EXPRESS" });
    problems.push(...loaded.problems.map((problem) => `${setting} (${name}: ${file})${problem}`));
    const schema = workflowSchema(file, name, `${setting} (${name}: schema`, problems);
    workflows.push({
      name,
      definitionPath,
      definition: loaded.definition ?? "",
      ...(schema === undefined ? {} : { schema }),
      names: workflowNames(values.prefix, name),
    });
  }
  const maxWebSocket = MAX_WEBSOCKET_ROUTES - 2;
  const maxRest = MAX_REST_RESOURCES - 1;
  if (pairs.length > maxWebSocket) {
    problems.push(
      `${setting}: ${pairs.length} workflows, at most ${maxWebSocket}: a WebSocket API has at most ${MAX_WEBSOCKET_ROUTES} routes, $default and $connect included`,
    );
  }
  if (pairs.length > maxRest) {
    problems.push(`${setting}: ${pairs.length} workflows, at most ${maxRest}: a REST API has at most ${MAX_REST_RESOURCES} resources, the root included`);
  }
  const policy = startSyncExecutionPolicySize(values.prefix, values.region, [DEFAULT_WORKFLOW, ...pairs.map(([name]) => name)]);
  if (policy > MAX_ROLE_POLICY_CHARACTERS) {
    problems.push(
      `${setting}: ${pairs.length} workflows are too many for the API Gateway role's policy, which lists every state machine: ${policy} characters, IAM allows ${MAX_ROLE_POLICY_CHARACTERS}`,
    );
  }
  return workflows;
}

/**
 * The schema beside a workflow's definition, checked, or undefined when it has none; each problem
 * goes to `problems` as "<at> <file>)<problem>".
 */
function workflowSchema(definitionFile: string, name: string, at: string, problems: string[]): string | undefined {
  const file = schemaPathOf(definitionFile);
  const loaded = loadSchema(file);
  const found = [...loaded.problems, ...(loaded.schema === undefined ? [] : actionProblems(JSON.parse(loaded.schema), name))];
  problems.push(...found.map((problem) => `${at} ${file})${problem}`));
  return found.length > 0 ? undefined : loaded.schema;
}

/** The largest the API Gateway role's policy can be, whitespace aside (as IAM counts), for these state machines. */
function startSyncExecutionPolicySize(prefix: string, region: string, workflows: readonly string[]): number {
  const arns = workflows.map((name) => `arn:aws-us-gov:states:${region}:123456789012:stateMachine:${workflowNames(prefix, name).stateMachine}`);
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "states:StartSyncExecution", Resource: arns }] }).length;
}

/** Problems in the order of the settings they name, as `help` lists them; others first. */
function inTableOrder(problems: string[]): string[] {
  const names = Object.values(SETTINGS).map((s) => s.name);
  const rank = (problem: string) => names.findIndex((name) => problem.startsWith(name) && /^[=:( ]/.test(problem.slice(name.length)));
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

function executableOnPath(command: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const extensions = process.platform === "win32" ? (env.PATHEXT ?? ".EXE").split(";") : [""];
  return (env.PATH ?? "")
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) =>
      extensions.some((ext) => {
        try {
          fs.accessSync(path.join(dir, command + ext), fs.constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
    );
}

/** The `cdktf.json` context, as the cdktf CLI passes it or, without the CLI, from the file. */
function cdktfContext(env: Readonly<Record<string, string | undefined>>, projectDir: string, problems: string[]): (key: string) => unknown {
  let context: Record<string, unknown> = {};
  const [where, read] = env.CDKTF_CONTEXT_JSON
    ? ["CDKTF_CONTEXT_JSON", () => JSON.parse(env.CDKTF_CONTEXT_JSON as string)]
    : ["cdktf.json", () => JSON.parse(fs.readFileSync(path.join(projectDir, "cdktf.json"), "utf8")).context];
  try {
    context = read() ?? {};
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") problems.push(`${where}: cannot read its context (${(e as Error).message})`);
  }
  return (key) => context[key];
}
