import * as fs from "fs";
import * as path from "path";
import { loadDefinition } from "./definition";

/**
 * stepgate's settings: the one place that knows their names, defaults, where
 * they come from and what they accept. Nothing else reads `process.env`.
 *
 * Each setting is read from, in order of precedence:
 * 1. the environment variable of the same name, unless it is empty;
 * 2. the `context` object of `cdktf.json` (same name as key);
 * 3. the built-in default.
 */

export const LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

/** How a client must authorize the WebSocket `$connect` request. */
export const CONNECT_AUTHS = ["NONE", "AWS_IAM", "API_KEY"] as const;
export type ConnectAuth = (typeof CONNECT_AUTHS)[number];

/** Who manages the region's API Gateway CloudWatch Logs role. */
export const APIGW_ACCOUNT_MODES = ["external", "managed"] as const;
export type ApiGatewayAccountMode = (typeof APIGW_ACCOUNT_MODES)[number];

/** Ids of the stacks, as `cdktf deploy <id>` and the state keys and workspaces name them. */
export const STACK_IDS = { workflow: "workflow", api: "api", apiGatewayAccount: "apigw-account" } as const;
export type StackId = (typeof STACK_IDS)[keyof typeof STACK_IDS];

/** Names of the workflow stack's outputs, which the api stack (and the local gateway) read. */
export const WORKFLOW_OUTPUTS = {
  stateMachineArn: "state_machine_arn",
  stateMachineName: "state_machine_name",
  stateMachineRoleArn: "state_machine_role_arn",
  logGroupName: "log_group_name",
} as const;

/** Where the stacks keep their Terraform state. */
export const BACKENDS = ["local", "s3", "cloud"] as const;

export type StateConfig =
  | { readonly backend: "local" }
  | {
      readonly backend: "s3";
      readonly bucket: string;
      readonly region: string;
      /** Each stack's state is `<keyPrefix>/<stack id>.tfstate`. */
      readonly keyPrefix: string;
    }
  | {
      readonly backend: "cloud";
      readonly organization: string;
      readonly hostname: string;
      readonly project?: string;
      readonly workspaces: Readonly<Record<StackId, string>>;
    };

/** The retention periods CloudWatch Logs accepts (0, "never expire", is refused on purpose). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

export interface StepgateConfig {
  /** Prefix of every resource name, so several copies can share an account. */
  readonly prefix: string;
  /** AWS region both stacks deploy to. */
  readonly region: string;
  /** Path of the state machine definition, as given (relative to the project folder). */
  readonly definitionPath: string;
  /** The definition, validated and serialized compactly. */
  readonly definition: string;
  readonly logLevel: LogLevel;
  /** Whether the state machine's log events include execution input and output. */
  readonly logExecutionData: boolean;
  readonly logRetentionDays: number;
  /** KMS key of every log group: "" for CloudWatch Logs' own encryption, "create" for a key per stack, or a key's ARN. */
  readonly logKmsKey: string;
  readonly websocket: {
    readonly stageName: string;
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly connectAuth: ConnectAuth;
  };
  readonly rest: {
    readonly stageName: string;
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly quotaLimit: number;
    readonly quotaPeriod: QuotaPeriod;
    /** Send the API key's value (the seed's behaviour) instead of its id in the execution input. */
    readonly sendApiKeyValue: boolean;
  };
  readonly apiGatewayAccount: ApiGatewayAccountMode;
  /** Tags applied to every resource through the provider's `default_tags`. */
  readonly tags: Readonly<Record<string, string>>;
  readonly state: StateConfig;
  /** `npm run local`: the local gateway's settings. */
  readonly local: {
    readonly wsPort: number;
    readonly httpPort: number;
    /** The API key it accepts; "" to generate one. */
    readonly apiKey: string;
    readonly waitScale: number;
  };
  /** Every resource name derived from the prefix. */
  readonly names: ResourceNames;
}

/** One setting: its name, default and what it accepts. */
export interface Setting {
  readonly name: string;
  readonly default: string;
  /** The default as the docs show it, where it derives from other settings. */
  readonly shownDefault?: string;
  /** What the setting accepts, as shown in errors, `help` and the README. */
  readonly accepts: string;
  readonly description: string;
}

type Parser<T> = (raw: string) => T | undefined;

interface SettingSpec<T> extends Setting {
  readonly parse: Parser<T>;
}

const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (raw) =>
    values.find((v) => v === raw);

const positiveNumber: Parser<number> = (raw) => {
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) && n > 0 ? n : undefined;
};

const wholeNumberAtLeastOne: Parser<number> = (raw) => {
  const n = Number(raw);
  return /^\s*\d+\s*$/.test(raw) && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
};

const boolean: Parser<boolean> = (raw) => (raw === "true" ? true : raw === "false" ? false : undefined);

const matching =
  (pattern: RegExp): Parser<string> =>
  (raw) =>
    pattern.test(raw) ? raw : undefined;

const port: Parser<number> = (raw) => {
  const n = Number(raw);
  return /^\s*\d+\s*$/.test(raw) && n <= 65535 ? n : undefined;
};

const atLeastZero: Parser<number> = (raw) => {
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** Accepts "" (not set) as well as what `parse` accepts. */
const optional =
  <T>(parse: Parser<T>): Parser<T | ""> =>
  (raw) =>
    raw === "" ? "" : parse(raw);

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const WORKSPACE = /^[A-Za-z0-9_-]{1,90}$/;

/** `key=value,key=value`, or a JSON object of strings (as `cdktf.json` context naturally holds it). */
const tags: Parser<Record<string, string>> = (raw) => {
  let entries: [string, unknown][];
  if (raw.trim().startsWith("{")) {
    try {
      entries = Object.entries(JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  } else {
    entries = raw
      .split(",")
      .filter((pair) => pair.trim() !== "")
      .map((pair) => {
        const eq = pair.indexOf("=");
        return eq < 0 ? ["", undefined] : [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      });
  }
  const valid = entries.every(
    ([k, v]) => /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(k) && !k.startsWith("aws:") && typeof v === "string" && v.length <= 256,
  );
  return valid ? Object.fromEntries(entries as [string, string][]) : undefined;
};

function spec<T>(s: SettingSpec<T>): SettingSpec<T> {
  return s;
}

const SPECS = {
  prefix: spec({
    name: "STEPGATE_PREFIX",
    default: "stepgate",
    accepts: "lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen",
    description: "Prefix of every resource name, so two copies can live in one account",
    parse: matching(/^[a-z](?:[a-z0-9-]*[a-z0-9])?$/),
  }),
  region: spec({
    name: "STEPGATE_REGION",
    default: "us-east-1",
    accepts: "an AWS region such as us-east-1 or eu-central-1",
    description: "AWS region of both stacks",
    parse: matching(REGION),
  }),
  definition: spec({
    name: "STEPGATE_DEFINITION",
    default: "templates/workflow.asl.json",
    accepts: "the path of an Amazon States Language JSON file, relative to the project folder",
    description: "State machine definition",
    parse: matching(/\S/),
  }),
  logLevel: spec({
    name: "STEPGATE_LOG_LEVEL",
    default: "ERROR",
    accepts: LOG_LEVELS.join("|"),
    description: "State machine log level",
    parse: oneOf(LOG_LEVELS),
  }),
  logExecutionData: spec({
    name: "STEPGATE_LOG_EXECUTION_DATA",
    default: "false",
    accepts: "true|false",
    description: "Include execution input and output in state machine logs (they hold request payloads)",
    parse: boolean,
  }),
  logRetentionDays: spec({
    name: "STEPGATE_LOG_RETENTION_DAYS",
    default: "30",
    accepts: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
    description: "Retention of every log group, in days",
    parse: (raw) => LOG_RETENTION_DAYS.find((d) => String(d) === raw.trim()),
  }),
  logKmsKey: spec({
    name: "STEPGATE_LOG_KMS_KEY",
    default: "",
    shownDefault: "(none: CloudWatch Logs' own encryption)",
    accepts: "create (a customer-managed key per stack), or the ARN of a KMS key whose policy lets CloudWatch Logs use it",
    description: "KMS key of every log group",
    parse: optional(matching(/^(create|arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+)$/)),
  }),
  wsStage: spec({
    name: "STEPGATE_WS_STAGE",
    default: "api",
    accepts: "1 to 128 letters, digits, hyphens or underscores",
    description: "WebSocket API stage name",
    parse: matching(STAGE_NAME),
  }),
  wsRateLimit: spec({
    name: "STEPGATE_WS_RATE_LIMIT",
    default: "10",
    accepts: "a number greater than 0 (requests per second)",
    description: "WebSocket route throttling: steady-state messages per second",
    parse: positiveNumber,
  }),
  wsBurstLimit: spec({
    name: "STEPGATE_WS_BURST_LIMIT",
    default: "20",
    accepts: "a whole number of at least 1",
    description: "WebSocket route throttling: burst",
    parse: wholeNumberAtLeastOne,
  }),
  wsConnectAuth: spec({
    name: "STEPGATE_WS_CONNECT_AUTH",
    default: "NONE",
    accepts: CONNECT_AUTHS.join("|"),
    description: "Authorization of the WebSocket $connect request (NONE: anyone with the URL)",
    parse: oneOf(CONNECT_AUTHS),
  }),
  restStage: spec({
    name: "STEPGATE_REST_STAGE",
    default: "api",
    accepts: "1 to 128 letters, digits, hyphens or underscores",
    description: "REST API stage name",
    parse: matching(STAGE_NAME),
  }),
  restRateLimit: spec({
    name: "STEPGATE_REST_RATE_LIMIT",
    default: "10",
    accepts: "a number greater than 0 (requests per second)",
    description: "REST throttling (stage and usage plan): steady-state requests per second",
    parse: positiveNumber,
  }),
  restBurstLimit: spec({
    name: "STEPGATE_REST_BURST_LIMIT",
    default: "20",
    accepts: "a whole number of at least 1",
    description: "REST throttling (stage and usage plan): burst",
    parse: wholeNumberAtLeastOne,
  }),
  quotaLimit: spec({
    name: "STEPGATE_QUOTA_LIMIT",
    default: "10000",
    accepts: "a whole number of at least 1",
    description: "Usage plan quota: requests per API key per period",
    parse: wholeNumberAtLeastOne,
  }),
  quotaPeriod: spec({
    name: "STEPGATE_QUOTA_PERIOD",
    default: "DAY",
    accepts: QUOTA_PERIODS.join("|"),
    description: "Usage plan quota period",
    parse: oneOf(QUOTA_PERIODS),
  }),
  sendApiKeyValue: spec({
    name: "STEPGATE_REST_SEND_API_KEY_VALUE",
    default: "false",
    accepts: "true|false",
    description: "Put the API key's value (as the seed does) instead of its id into the execution input",
    parse: boolean,
  }),
  apiGatewayAccount: spec({
    name: "STEPGATE_APIGW_ACCOUNT",
    default: "external",
    accepts: APIGW_ACCOUNT_MODES.join("|"),
    description: "Who sets the region's API Gateway CloudWatch Logs role: external (done once by hand) or managed (the apigw-account stack)",
    parse: oneOf(APIGW_ACCOUNT_MODES),
  }),
  tags: spec({
    name: "STEPGATE_TAGS",
    default: "",
    accepts: "key=value pairs separated by commas, or a JSON object of strings",
    description: "Tags for every resource, besides stepgate:prefix",
    parse: tags,
  }),
  backend: spec({
    name: "STEPGATE_BACKEND",
    default: "local",
    accepts: BACKENDS.join("|"),
    description: "Where both stacks keep their state: local files, an S3 bucket, or Terraform Cloud workspaces",
    parse: oneOf(BACKENDS),
  }),
  s3Bucket: spec({
    name: "STEPGATE_S3_BUCKET",
    default: "",
    shownDefault: "(none; required for s3)",
    accepts: "an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)",
    description: "s3 backend: the bucket that keeps the state",
    parse: optional(matching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)),
  }),
  s3Region: spec({
    name: "STEPGATE_S3_REGION",
    default: "",
    shownDefault: "STEPGATE_REGION",
    accepts: "an AWS region such as us-east-1",
    description: "s3 backend: the bucket's region",
    parse: optional(matching(REGION)),
  }),
  s3KeyPrefix: spec({
    name: "STEPGATE_S3_KEY_PREFIX",
    default: "",
    shownDefault: "<prefix>",
    accepts: "an S3 key prefix without leading or trailing slash",
    description: "s3 backend: state keys are <key prefix>/<stack>.tfstate",
    parse: optional(matching(/^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/)),
  }),
  tfcOrganization: spec({
    name: "STEPGATE_TFC_ORGANIZATION",
    default: "",
    shownDefault: "(none; required for cloud)",
    accepts: "a Terraform Cloud organization name (letters, digits, _ and -)",
    description: "cloud backend: the organization",
    parse: optional(matching(/^[A-Za-z0-9_-]+$/)),
  }),
  tfcHostname: spec({
    name: "STEPGATE_TFC_HOSTNAME",
    default: "app.terraform.io",
    accepts: "a host name",
    description: "cloud backend: Terraform Cloud or Enterprise host",
    parse: matching(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/),
  }),
  tfcProject: spec({
    name: "STEPGATE_TFC_PROJECT",
    default: "",
    shownDefault: "(the organization's default)",
    accepts: "a project name",
    description: "cloud backend: project of the workspaces",
    parse: optional(matching(/^[A-Za-z0-9 _-]{1,40}$/)),
  }),
  tfcWorkspaceWorkflow: spec({
    name: "STEPGATE_TFC_WORKSPACE_WORKFLOW",
    default: "",
    shownDefault: "<prefix>-workflow",
    accepts: "a workspace name (up to 90 letters, digits, _ and -)",
    description: "cloud backend: workspace of the workflow stack",
    parse: optional(matching(WORKSPACE)),
  }),
  tfcWorkspaceApi: spec({
    name: "STEPGATE_TFC_WORKSPACE_API",
    default: "",
    shownDefault: "<prefix>-api",
    accepts: "a workspace name (up to 90 letters, digits, _ and -)",
    description: "cloud backend: workspace of the api stack",
    parse: optional(matching(WORKSPACE)),
  }),
  localWsPort: spec({
    name: "STEPGATE_LOCAL_WS_PORT",
    default: "8080",
    accepts: "a port, 0 to 65535 (0 picks a free one)",
    description: "npm run local: port of the WebSocket API on 127.0.0.1",
    parse: port,
  }),
  localHttpPort: spec({
    name: "STEPGATE_LOCAL_HTTP_PORT",
    default: "8081",
    accepts: "a port, 0 to 65535 (0 picks a free one)",
    description: "npm run local: port of the REST API on 127.0.0.1",
    parse: port,
  }),
  localApiKey: spec({
    name: "STEPGATE_LOCAL_API_KEY",
    default: "",
    shownDefault: "(generated and printed)",
    accepts: "20 to 128 printable ASCII characters, as API Gateway's keys",
    description: "npm run local: the API key the local REST API accepts",
    parse: optional(matching(/^[\x21-\x7e]{20,128}$/)),
  }),
  localWaitScale: spec({
    name: "STEPGATE_LOCAL_WAIT_SCALE",
    default: "1",
    accepts: "a number of at least 0",
    description: "npm run local: multiplies Wait states' durations (0: no waiting)",
    parse: atLeastZero,
  }),
};

/** Every setting, in the order `help` and the README list them. */
export const SETTINGS: readonly Setting[] = Object.values(SPECS).map(({ parse: _parse, ...setting }) => setting);

/** Names derived from the prefix, each with the longest name AWS accepts. */
export interface ResourceNames {
  readonly stateMachine: string;
  readonly stateMachineRole: string;
  readonly stateMachineLogGroup: string;
  readonly startSyncExecutionRole: string;
  readonly websocketApi: string;
  readonly restApi: string;
  readonly usagePlan: string;
  readonly apiKey: string;
  readonly websocketAccessLogGroup: string;
  readonly restAccessLogGroup: string;
}

export function resourceNames(prefix: string): ResourceNames {
  return {
    stateMachine: `${prefix}-workflow`,
    stateMachineRole: `${prefix}-workflow`,
    stateMachineLogGroup: `/aws/vendedlogs/states/${prefix}-workflow`,
    startSyncExecutionRole: `${prefix}-start-sync-execution`,
    websocketApi: `${prefix}-websocket`,
    restApi: `${prefix}-rest`,
    usagePlan: `${prefix}-rest`,
    apiKey: `${prefix}-rest`,
    websocketAccessLogGroup: `/aws/apigateway/${prefix}-websocket/access`,
    restAccessLogGroup: `/aws/apigateway/${prefix}-rest/access`,
  };
}

const NAME_LIMITS: Record<keyof ResourceNames, number> = {
  stateMachine: 80,
  stateMachineRole: 64,
  stateMachineLogGroup: 512,
  startSyncExecutionRole: 64,
  websocketApi: 128,
  restApi: 1024,
  usagePlan: 1024,
  apiKey: 1024,
  websocketAccessLogGroup: 512,
  restAccessLogGroup: 512,
};

/** The longest prefix whose every derived name fits its AWS limit. */
export const MAX_PREFIX_LENGTH = Math.min(
  ...Object.entries(resourceNames("")).map(([key, name]) => NAME_LIMITS[key as keyof ResourceNames] - name.length),
);

/** Raised when settings are wrong; its message lists every problem, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`stepgate: invalid settings, nothing was synthesized:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface ConfigSources {
  /** Environment variables; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * `cdktf.json` context values.
   * @default the context the cdktf CLI passes in CDKTF_CONTEXT_JSON or, when the app runs without
   * the CLI, the `context` of `<projectDir>/cdktf.json`
   */
  readonly context?: (key: string) => unknown;
  /** Folder of `cdktf.json`, against which relative paths are resolved; defaults to the current directory. */
  readonly projectDir?: string;
  /** Whether a command is on PATH; defaults to looking through the PATH of `env`. */
  readonly onPath?: (command: string) => boolean;
}

/** Reads, checks and returns the settings; throws `ConfigError` listing every problem. */
export function loadConfig(sources: ConfigSources = {}): StepgateConfig {
  const env = sources.env ?? process.env;
  const projectDir = sources.projectDir ?? process.cwd();
  const problems: string[] = [];
  const invalid = new Set<string>();
  const context = sources.context ?? cdktfContext(env, projectDir, problems);

  function read<T>(s: SettingSpec<T>): T {
    let raw: string = s.default;
    let from = "default";
    const fromEnv = env[s.name];
    const fromContext = context(s.name);
    // An empty variable counts as not set, as CI systems pass unset variables.
    if (fromEnv !== undefined && fromEnv !== "") {
      raw = fromEnv;
      from = "environment";
    } else if (fromContext !== undefined && fromContext !== null) {
      raw = typeof fromContext === "string" ? fromContext : JSON.stringify(fromContext);
      from = "cdktf.json context";
    }
    const value = s.parse(raw);
    if (value === undefined) {
      invalid.add(s.name);
      problems.push(`${s.name}=${JSON.stringify(raw)} (from ${from}): expected ${s.accepts}`);
      // Keep going with the default so that every other problem is reported too.
      return s.parse(s.default) as T;
    }
    return value;
  }

  const prefix = read(SPECS.prefix);
  if (prefix.length > MAX_PREFIX_LENGTH) {
    problems.push(
      `STEPGATE_PREFIX=${JSON.stringify(prefix)}: at most ${MAX_PREFIX_LENGTH} characters, so that every derived name fits its AWS limit`,
    );
  }
  function readState(): StateConfig {
    const backend = read(SPECS.backend);
    const s3 = { bucket: read(SPECS.s3Bucket), region: read(SPECS.s3Region), keyPrefix: read(SPECS.s3KeyPrefix) };
    const cloud = {
      organization: read(SPECS.tfcOrganization),
      hostname: read(SPECS.tfcHostname),
      project: read(SPECS.tfcProject),
      workflow: read(SPECS.tfcWorkspaceWorkflow),
      api: read(SPECS.tfcWorkspaceApi),
    };
    const required = (setting: Setting, value: string) => {
      if (value === "" && !invalid.has(setting.name)) problems.push(`${setting.name}: required when STEPGATE_BACKEND=${backend} (${setting.description})`);
    };
    switch (backend) {
      case "local":
        return { backend };
      case "s3":
        required(SPECS.s3Bucket, s3.bucket);
        return { backend, bucket: s3.bucket, region: s3.region || region, keyPrefix: s3.keyPrefix || prefix };
      case "cloud":
        required(SPECS.tfcOrganization, cloud.organization);
        if (!onPath("terraform")) {
          problems.push(
            "STEPGATE_BACKEND=cloud: cdktf checks Terraform's version when it synthesizes a cloud backend, and no terraform is on PATH; install Terraform >= 1.5, or synthesize with STEPGATE_BACKEND=local",
          );
        }
        return {
          backend,
          organization: cloud.organization,
          hostname: cloud.hostname,
          project: cloud.project || undefined,
          workspaces: {
            workflow: cloud.workflow || `${prefix}-${STACK_IDS.workflow}`,
            api: cloud.api || `${prefix}-${STACK_IDS.api}`,
            "apigw-account": `${prefix}-${STACK_IDS.apiGatewayAccount}`,
          },
        };
    }
  }

  const onPath = sources.onPath ?? ((command: string) => executableOnPath(command, env));
  const region = read(SPECS.region);
  const definitionPath = read(SPECS.definition);
  const definitionFile = path.resolve(projectDir, definitionPath);
  const loaded = loadDefinition(definitionFile);
  problems.push(...loaded.problems.map((problem) => `STEPGATE_DEFINITION (${definitionFile})${problem}`));
  const definition = loaded.definition ?? "";

  const config: StepgateConfig = {
    prefix,
    region,
    definitionPath,
    definition,
    logLevel: read(SPECS.logLevel),
    logExecutionData: read(SPECS.logExecutionData),
    logRetentionDays: read(SPECS.logRetentionDays),
    logKmsKey: read(SPECS.logKmsKey),
    websocket: {
      stageName: read(SPECS.wsStage),
      rateLimit: read(SPECS.wsRateLimit),
      burstLimit: read(SPECS.wsBurstLimit),
      connectAuth: read(SPECS.wsConnectAuth),
    },
    rest: {
      stageName: read(SPECS.restStage),
      rateLimit: read(SPECS.restRateLimit),
      burstLimit: read(SPECS.restBurstLimit),
      quotaLimit: read(SPECS.quotaLimit),
      quotaPeriod: read(SPECS.quotaPeriod),
      sendApiKeyValue: read(SPECS.sendApiKeyValue),
    },
    apiGatewayAccount: read(SPECS.apiGatewayAccount),
    tags: read(SPECS.tags),
    state: readState(),
    local: {
      wsPort: read(SPECS.localWsPort),
      httpPort: read(SPECS.localHttpPort),
      apiKey: read(SPECS.localApiKey),
      waitScale: read(SPECS.localWaitScale),
    },
    names: resourceNames(prefix),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
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
function cdktfContext(env: ConfigSources["env"] & object, projectDir: string, problems: string[]): (key: string) => unknown {
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
