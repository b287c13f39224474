import * as fs from "node:fs";
import * as path from "node:path";
import { type StateConfig, stateConfig } from "./backend";
import { loadDefinition } from "./definition";
import { edgeProblems } from "./edges";
import { MAX_PREFIX_LENGTH, type ResourceNames, resourceNames } from "./names";
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
}

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
  const loaded = loadDefinition(definitionFile);
  problems.push(...loaded.problems.map((problem) => `${SETTINGS.definitionPath.name} (${definitionFile})${problem}`));
  if (values.alarmEmails !== undefined && values.alarmTopicArn !== undefined) {
    problems.push(
      `${SETTINGS.alarmEmails.name}: has no effect with ${SETTINGS.alarmTopicArn.name} (subscriptions are made only to the topic stepgate creates): subscribe the addresses to your topic, or leave ${SETTINGS.alarmTopicArn.name} unset`,
    );
  }
  const backend = stateConfig(values, { invalid, onPath: sources.onPath ?? ((command) => executableOnPath(command, env)) });
  problems.push(...backend.problems);
  problems.push(...edgeProblems(values, sourceOf, invalid));

  if (problems.length > 0) throw new ConfigError(inTableOrder(problems));
  return { ...values, definition: loaded.definition ?? "", state: backend.state, names: resourceNames(values.prefix) };
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
