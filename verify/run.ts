import * as fs from "node:fs";
import * as path from "node:path";
import { OPENAPI_FILE } from "../stacks/openapi";
import { DEFAULT_WORKFLOW, workflowNameRefusal } from "../stacks/config/names";
import { API_GATEWAY_KEY } from "../stacks/config/parsers";
import { DEFAULT_TIMEOUT_MS } from "./clients";
import { apiStackDir, type Endpoints, readOutputs, readWorkflowNames } from "./outputs";
import { type RefusedInput, readOpenApiDocument, refusedInputs } from "./contracts";
import {
  ASYNC_ROWS,
  BAD_REQUESTS,
  contractProbes,
  type Observation,
  type Probe,
  type Target,
  WALKTHROUGHS,
  type Walkthrough,
  workflowWalkthroughs,
} from "./promises";

/**
 * `npm run verify`: checks a live stepgate from outside, as a client would. Every walkthrough and
 * every bad request a client can make without harm, each one row; a table, a summary line with
 * the walkthroughs' p50 and p95 latency; exit code 1 when a row fails or was throttled. Where the
 * API key appears whole in what it prints, `<api key>` stands instead.
 */

export const USAGE = `usage: npm run verify -- [--rest-url URL --ws-url URL --api-key KEY] [--workflows a,b] [--async-workflows a,b] [--second-api-key KEY]
                     [--openapi FILE] [--all] [--samples N] [--timeout MS]

Without the three flags, the URLs and the key come from the api stack's Terraform outputs
(terraform -chdir=<CDKTF_OUTDIR or cdktf.out>/stacks/api output -json).
  --workflows    the workflows besides the default one (STEPGATE_WORKFLOWS; workflow is always checked), each route checked once
                 (default: the workflow stack's output state_machine_arns, when the outputs are read)
  --async-workflows  the async workflows (STEPGATE_ASYNC_WORKFLOWS) whose async rows to check: the acknowledgement and the
                 result frame, 202 then GET to 200, 404 for an unknown or malformed id
  --second-api-key   another key of the usage plan: the async rows check that it cannot read the first key's execution (404)
  --openapi FILE the REST API's OpenAPI document, whose workflows with a schema get a body and a message each schema refuses
                 (default: <CDKTF_OUTDIR or cdktf.out>/openapi.json, when the outputs are read and synth wrote it)
  --all          also the rows that cost quota or time (the REST and WebSocket throttles)
  --samples N    requests per walkthrough, for the latency summary (default 5, 1 to 20)
  --timeout MS   how long to wait for an answer, a reply or a close (default ${DEFAULT_TIMEOUT_MS})`;

export interface Options {
  readonly endpoints: Partial<Endpoints>;
  readonly all: boolean;
  readonly samples: number;
  readonly timeoutMs: number;
  /** The workflows besides the default, from --workflows; undefined when not given. */
  readonly workflows?: readonly string[];
  /** The async workflows whose async rows run, from --async-workflows (`workflow` is the default one). */
  readonly asyncWorkflows?: readonly string[];
  /** Another API key, from --second-api-key. */
  readonly secondApiKey?: string;
  /** The OpenAPI document, from --openapi. */
  readonly openApi?: string;
}

export class UsageError extends Error {
  /** Whether the usage follows the message: not when the flags are right and one value is not. */
  readonly showUsage: boolean;
  constructor(message: string, { showUsage = true } = {}) {
    super(message);
    this.showUsage = showUsage;
  }
}

export function parseArgs(argv: readonly string[]): Options {
  const endpoints: { websocketUrl?: string; restUrl?: string; apiKey?: string } = {};
  let all = false;
  let samples = 5;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let workflows: string[] | undefined;
  let asyncWorkflows: string[] | undefined;
  let secondApiKey: string | undefined;
  let openApi: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const whole = (name: string, min: number, max: number) => {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`${name} takes a whole number from ${min} to ${max}`);
      return n;
    };
    if (flag === "--rest-url") endpoints.restUrl = value();
    else if (flag === "--ws-url") endpoints.websocketUrl = value();
    else if (flag === "--api-key" || flag === "--second-api-key") {
      const key = value();
      // Its value is never repeated: it may be a real key, cut short.
      if (API_GATEWAY_KEY.parse(key) === undefined)
        throw new UsageError(`${flag} takes ${API_GATEWAY_KEY.accepts}: API Gateway could not have issued this one`, { showUsage: false });
      if (flag === "--api-key") endpoints.apiKey = key;
      else secondApiKey = key;
    } else if (flag === "--async-workflows") {
      asyncWorkflows = value()
        .split(",")
        .map((w) => w.trim());
      // The default workflow may be async too: its name is `workflow`, as in STEPGATE_ASYNC_WORKFLOWS.
      const refusal = asyncWorkflows
        .filter((w) => w !== DEFAULT_WORKFLOW)
        .map(workflowNameRefusal)
        .find((r) => r !== undefined);
      if (refusal !== undefined) throw new UsageError(`--async-workflows takes workflow names separated by commas: ${refusal}`);
    } else if (flag === "--all") all = true;
    else if (flag === "--openapi") openApi = value();
    else if (flag === "--workflows") {
      workflows = value()
        .split(",")
        .map((w) => w.trim());
      // The settings' rule and words; a name that is not one is not repeated (it may be the key).
      if (workflows.includes(DEFAULT_WORKFLOW)) {
        throw new UsageError(`--workflows: ${workflowNameRefusal(DEFAULT_WORKFLOW)}, which verify always checks; name only the others`);
      }
      const refusal = workflows.map(workflowNameRefusal).find((r) => r !== undefined);
      if (refusal !== undefined) throw new UsageError(`--workflows takes workflow names separated by commas: ${refusal}`);
    } else if (flag === "--samples") samples = whole("--samples", 1, 20);
    else if (flag === "--timeout") timeoutMs = whole("--timeout", 100, 600_000);
    // Only a flag's name is ever repeated: a mistyped flag may hold the key (--api-key=KEY, or the key alone).
    else throw new UsageError(flag.startsWith("--") ? `unknown flag ${flag.split("=")[0]}` : "an argument that is not a flag");
  }
  for (const [name, url] of [
    ["--rest-url", endpoints.restUrl],
    ["--ws-url", endpoints.websocketUrl],
  ] as const) {
    if (url !== undefined && !URL.canParse(url)) throw new UsageError(`${name} is not a URL`);
  }
  if (secondApiKey !== undefined && secondApiKey === endpoints.apiKey) throw new UsageError("--second-api-key is the same key as --api-key");
  return {
    endpoints,
    all,
    samples,
    timeoutMs,
    workflows,
    ...(asyncWorkflows === undefined ? {} : { asyncWorkflows }),
    ...(secondApiKey === undefined ? {} : { secondApiKey }),
    ...(openApi === undefined ? {} : { openApi }),
  };
}

export interface Row {
  readonly name: string;
  readonly expected: string;
  readonly observation: Observation;
  /** Walkthrough rows feed the latency summary. */
  readonly walkthrough: boolean;
}

/** The p-th percentile (nearest rank) of the values; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** How many Express executions a run starts, about: each one is paid. */
export function executionsPerRun(options: Pick<Options, "all" | "samples" | "workflows" | "asyncWorkflows">): number {
  const asyncOnes = (options.asyncWorkflows ?? []).flatMap(asyncProbes).reduce((sum, row) => sum + row.probe.executions, 0);
  // With the default workflow async, only the async rows run.
  if (options.asyncWorkflows?.includes(DEFAULT_WORKFLOW)) return asyncOnes;
  const probes: Probe[] = BAD_REQUESTS.flatMap((r) => (r.probe && (r.probe.when === "default" || options.all) ? [r.probe] : []));
  // Each other synchronous workflow's two routes run once each.
  return WALKTHROUGHS.length * options.samples + 2 * synchronous(options).length + probes.reduce((sum, p) => sum + p.executions, 0) + asyncOnes;
}

/** The other workflows answered synchronously: an async one's routes are checked by the async rows instead. */
function synchronous(options: Pick<Options, "workflows" | "asyncWorkflows">): readonly string[] {
  return (options.workflows ?? []).filter((name) => !options.asyncWorkflows?.includes(name));
}

/** The async rows verify runs on an async workflow, each named after it. */
function asyncProbes(workflow: string): Array<{ name: string; probe: Probe }> {
  return ASYNC_ROWS.flatMap((row) => (row.probe ? [{ name: `${row.name} (${workflow})`, probe: row.probe(workflow) }] : []));
}

/** Runs the rows: the walkthroughs (WebSocket and REST side by side, each request after the other), then the bad requests, at once. */
export async function verify(
  target: Target,
  options: Pick<Options, "all" | "samples" | "workflows" | "asyncWorkflows"> & { readonly contracts?: readonly RefusedInput[] },
): Promise<Row[]> {
  const skipped = (reason: string): Observation => ({ result: "skip", got: `not run: ${reason}`, problems: [], latenciesMs: [] });
  // Every walkthrough and bad request expects the default workflow to answer in the request.
  if (options.asyncWorkflows?.includes(DEFAULT_WORKFLOW)) {
    const reason = skipped(DEFAULT_ASYNC);
    return [
      ...WALKTHROUGHS.map((w): Row => ({ name: w.name, expected: w.probe.expected, observation: reason, walkthrough: true })),
      ...BAD_REQUESTS.map((r): Row => ({ name: r.name, expected: r.probe?.expected ?? clip(stripTicks(r.answer)), observation: reason, walkthrough: false })),
      ...(await contractRows(target, options)),
      ...(await asyncRows(target, options)),
    ];
  }
  const walk = (w: Walkthrough, samples: number) => ({ w, samples });
  const all = [
    ...WALKTHROUGHS.map((w) => walk(w, options.samples)),
    ...synchronous(options).flatMap((name) => workflowWalkthroughs(name).map((w) => walk(w, 1))),
  ];
  const walkthroughs = await Promise.all(
    all.map(async ({ w, samples }): Promise<Row> => {
      const runs: Observation[] = [];
      for (let i = 0; i < samples; i++) runs.push(await w.probe.run(target));
      // A wrong answer tells more than a throttled request.
      const failed = runs.find((o) => o.result === "fail") ?? runs.find((o) => o.result === "throttled");
      const latenciesMs = runs.flatMap((o) => o.latenciesMs);
      const observation: Observation = failed
        ? { ...failed, latenciesMs }
        : { result: "pass", got: `${runs[0].got} (x${runs.length})`, problems: [], latenciesMs };
      return { name: w.name, expected: w.probe.expected, observation, walkthrough: true };
    }),
  );
  const costly = new Set(BAD_REQUESTS.filter((r) => r.probe?.when === "all").map((r) => r.name));
  const run = (names: Set<string>) =>
    Promise.all(
      BAD_REQUESTS.filter((r) => names.has(r.name)).map(async (r): Promise<Row> => {
        const observation = r.probe ? await r.probe.run(target) : skipped(r.notVerified ?? "no probe");
        return { name: r.name, expected: r.probe?.expected ?? clip(stripTicks(r.answer)), observation, walkthrough: false };
      }),
    );
  // The throttles last, one after the other: they would throttle the other rows.
  const cheap = await run(new Set(BAD_REQUESTS.filter((r) => !costly.has(r.name)).map((r) => r.name)));
  const expensive: Row[] = [];
  for (const name of costly) {
    if (options.all) expensive.push(...(await run(new Set([name]))));
    else {
      const r = BAD_REQUESTS.find((b) => b.name === name);
      expensive.push({ name, expected: r?.probe?.expected ?? "", observation: skipped("costs quota (--all)"), walkthrough: false });
    }
  }
  const order = BAD_REQUESTS.map((r) => r.name);
  const bad = [...cheap, ...expensive].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return [...walkthroughs, ...bad, ...(await contractRows(target, options)), ...(await asyncRows(target, options))];
}

/** The input contracts' rows: each workflow with a schema, a body and a message it refuses; no execution starts. */
async function contractRows(target: Target, options: { readonly contracts?: readonly RefusedInput[] }): Promise<Row[]> {
  const probes = (options.contracts ?? []).flatMap((c) => contractProbes(c.workflow, c));
  return Promise.all(
    probes.map(async ({ name, probe }): Promise<Row> => ({ name, expected: probe.expected, observation: await probe.run(target), walkthrough: false })),
  );
}

/** Why the synchronous rows are not run when the default workflow is async. */
const DEFAULT_ASYNC = "the default workflow is async (its async rows check it)";

/** The async rows, each workflow's one after the other: a run's requests stay few at once. */
async function asyncRows(target: Target, options: Pick<Options, "asyncWorkflows">): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { name, probe } of (options.asyncWorkflows ?? []).flatMap(asyncProbes)) {
    rows.push({ name, expected: probe.expected, observation: await probe.run(target), walkthrough: false });
  }
  return rows;
}

const stripTicks = (text: string) => text.replaceAll("`", "");
const clip = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** The table: row, expected, got, result, latency; then every problem of a failed row, and why each throttled row was. */
export function formatTable(rows: readonly Row[]): string[] {
  const cells = rows.map((r) => [
    r.name,
    r.expected,
    r.observation.got,
    r.observation.result,
    r.observation.latenciesMs.length ? `${percentile(r.observation.latenciesMs, 50)} ms` : "-",
  ]);
  const header = ["row", "expected", "got", "result", "latency"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((cell, i) => (i === c.length - 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ");
  const listed = (result: string, heading: string) => {
    const lines = rows.filter((r) => r.observation.result === result).flatMap((r) => r.observation.problems.map((p) => `  ${r.name}: ${p}`));
    return lines.length ? ["", heading, ...lines] : [];
  };
  return [line(header), ...cells.map(line), ...listed("fail", "what differs:"), ...listed("throttled", "not checked, a request was throttled:")];
}

export function summaryLine(rows: readonly Row[]): string {
  const count = (result: string) => rows.filter((r) => r.observation.result === result).length;
  const latencies = rows.filter((r) => r.walkthrough).flatMap((r) => r.observation.latenciesMs);
  const p = (n: number) => (latencies.length ? `${percentile(latencies, n)} ms` : "-");
  const verdict = count("fail") > 0 ? "FAILED" : count("throttled") > 0 ? "THROTTLED" : "OK";
  const throttled = count("throttled") > 0 ? ` ${count("throttled")} throttled,` : "";
  return `${verdict}: ${count("pass")} passed, ${count("fail")} failed,${throttled} ${count("skip")} not run; walkthrough latency p50 ${p(50)}, p95 ${p(95)} (${latencies.length} requests)`;
}

/**
 * The line with the key replaced by `<api key>` where it appears whole: not as the start, end or
 * middle of a longer run of letters and digits (a word that only contains it is another word).
 */
export function redact(line: string, key: string, stand = "<api key>"): string {
  if (key === "") return line;
  const alnum = /[A-Za-z0-9]/;
  const before = alnum.test(key[0]) ? "(?<![A-Za-z0-9])" : "";
  const after = alnum.test(key[key.length - 1]) ? "(?![A-Za-z0-9])" : "";
  const escaped = key.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
  return line.replace(new RegExp(`${before}${escaped}${after}`, "g"), stand);
}

/** The CLI; returns the exit code: 0 every row passed, 1 a row failed or was throttled, 2 it could not run. */
export async function main(argv: readonly string[], out: (line: string) => void = console.log, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Known before anything is parsed, so that even a usage error cannot print it.
  const at = argv.indexOf("--api-key");
  // A value API Gateway could not have issued is refused, and no message repeats a flag's value.
  let key = API_GATEWAY_KEY.parse(at >= 0 ? (argv[at + 1] ?? "") : "") ?? "";
  const atSecond = argv.indexOf("--second-api-key");
  const secondKey = API_GATEWAY_KEY.parse(atSecond >= 0 ? (argv[atSecond + 1] ?? "") : "") ?? "";
  // Every line goes through here: nothing printed holds either key's value.
  const print = (line: string) => out(redact(redact(line, key), secondKey, "<second api key>"));
  try {
    const options = parseArgs(argv);
    const given = options.endpoints;
    let endpoints: Endpoints;
    let workflows = options.workflows;
    if (given.restUrl && given.websocketUrl && given.apiKey) endpoints = given as Endpoints;
    else {
      const dir = apiStackDir(env);
      const outputs = readOutputs(dir);
      endpoints = { ...outputs, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
      print(`reading the api stack's outputs in ${dir}`);
      if (workflows === undefined) {
        const workflowDir = path.join(path.dirname(dir), "workflow");
        try {
          workflows = readWorkflowNames(workflowDir);
        } catch (e) {
          print(`the default routes only: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    key = endpoints.apiKey;
    // The workflows with a schema: from the OpenAPI document given, else the one synth wrote beside the stacks.
    const synthesized = given.restUrl && given.websocketUrl && given.apiKey ? undefined : path.join(path.dirname(path.dirname(apiStackDir(env))), OPENAPI_FILE);
    const openApi = options.openApi ?? (synthesized !== undefined && fs.existsSync(synthesized) ? synthesized : undefined);
    const contracts = openApi === undefined ? [] : refusedInputs(readOpenApiDocument(openApi));
    const target: Target = { ...endpoints, timeoutMs: options.timeoutMs, ...(options.secondApiKey ? { secondApiKey: options.secondApiKey } : {}) };
    const run = { ...options, workflows, contracts };
    const asyncOnes = options.asyncWorkflows?.length ? `; async ${options.asyncWorkflows.join(", ")}` : "";
    const schemas = contracts.length ? `; schemas ${contracts.map((c) => c.workflow).join(", ")}` : "";
    const others = `${workflows?.length ? `; workflows ${workflows.join(", ")}` : ""}${asyncOnes}${schemas}`;
    print(`verifying REST ${target.restUrl} and WebSocket ${target.websocketUrl}${others} (about ${executionsPerRun(run)} Express executions)`);
    const rows = await verify(target, run);
    for (const line of formatTable(rows)) print(line);
    print(summaryLine(rows));
    return rows.some((r) => r.observation.result === "fail" || r.observation.result === "throttled") ? 1 : 0;
  } catch (e) {
    print(`npm run verify: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof UsageError && e.showUsage) print(USAGE);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
