import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AWS_PROVIDER_VERSION } from "../../stacks/stepgate-stack";
import type { Json } from "../../local/synthesized";
import { fakeS3Settings } from "./fake-s3";
import { type ServerProcess, startServer } from "./server-process";
import { PROJECT_DIR } from "./stacks";
import { temporaryFolder } from "./temporary-folders";

/**
 * Terraform with the real AWS provider, for the tests. The provider comes from the filesystem
 * mirror named by TERRAFORM_TEST_PROVIDER_MIRROR (its newest hashicorp/aws, the stacks' version
 * constraint overridden in the test's copies only), else from the registry (the stacks' own
 * constraint, downloaded once into node_modules/.cache). Without terraform or a provider the
 * tests skip with a warning; under CI=true they fail.
 */
export const MIRROR_VARIABLE = "TERRAFORM_TEST_PROVIDER_MIRROR";

export type TerraformSetup =
  | {
      readonly available: true;
      readonly terraformVersion: string;
      readonly providerVersion: string;
      readonly source: "mirror" | "registry";
      readonly cliConfig: string;
      /** The provider's executable, which the tests keep running between commands (see ProviderPool). */
      readonly providerBinary: string;
    }
  | { readonly available: false; readonly reason: string };

const CACHE = path.join(PROJECT_DIR, "node_modules", ".cache", "stepgate-terraform");
const AWS = "registry.terraform.io/hashicorp/aws";
/**
 * Go's garbage collector less eager in terraform and the provider, unless GOGC is set (Go's
 * default is 100): the AWS provider's heap is large and the tests' commands allocate much, so at
 * the default a third of the provider's CPU went to collecting (an apply test file measured
 * alone: provider 53 s of CPU, terraform 19 s; with 400, 34 s and 15 s). The provider's peak RSS
 * grows to about 1.1 GB; the machines these run on have room for five at once.
 */
const GO_GC_PERCENT = "400";
/** The review variable (the api stack's var.review_plan) only where a test sets it. */
const baseEnv = (): NodeJS.ProcessEnv => {
  const { TF_VAR_review_plan: _, ...env } = process.env;
  return { GOGC: GO_GC_PERCENT, ...env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_INPUT: "0" };
};

/** Finds terraform and an AWS provider; synchronous, so describe blocks can be named and skipped by it. */
export function terraformSetup(): TerraformSetup {
  let terraformVersion: string;
  try {
    terraformVersion = JSON.parse(
      execFileSync("terraform", ["version", "-json"], { env: baseEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
    ).terraform_version;
  } catch {
    return { available: false, reason: "no terraform on PATH" };
  }
  const dir = temporaryFolder("tf");
  const setup = providerSetup(terraformVersion, dir);
  // A skipped file runs no hooks, so the removal registered for its temporary folders never runs.
  if (!setup.available) fs.rmSync(dir, { recursive: true, force: true });
  return setup;
}

/** The CLI configuration (in `dir`) that finds an AWS provider, and that provider; or why there is none. */
function providerSetup(terraformVersion: string, dir: string): TerraformSetup {
  const cliConfig = path.join(dir, "terraform.rc");
  const mirror = process.env[MIRROR_VARIABLE];
  if (mirror) {
    const versions = fs.existsSync(path.join(mirror, AWS)) ? fs.readdirSync(path.join(mirror, AWS)).filter((v) => /^\d+\.\d+\.\d+$/.test(v)) : [];
    const newest = versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
    if (!newest) return { available: false, reason: `${MIRROR_VARIABLE}=${mirror} holds no ${AWS}` };
    const providerBinary = binaryIn(path.join(mirror, AWS, newest));
    if (!providerBinary) return { available: false, reason: `${MIRROR_VARIABLE}=${mirror} holds no ${AWS} ${newest} for ${PLATFORM}` };
    fs.writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["${AWS}"]\n  }\n}\n`);
    return { available: true, terraformVersion, providerVersion: newest, source: "mirror", cliConfig, providerBinary };
  }
  // The registry: downloaded once into a plugin cache that every test folder links to.
  fs.mkdirSync(path.join(CACHE, "plugins"), { recursive: true });
  fs.writeFileSync(cliConfig, `plugin_cache_dir = ${JSON.stringify(path.join(CACHE, "plugins"))}\n`);
  const probe = path.join(CACHE, "probe");
  fs.mkdirSync(probe, { recursive: true });
  fs.writeFileSync(
    path.join(probe, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { aws: { source: "aws", version: AWS_PROVIDER_VERSION } } } }),
  );
  try {
    execFileSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], {
      cwd: probe,
      env: { ...baseEnv(), TF_CLI_CONFIG_FILE: cliConfig },
      stdio: "ignore",
      timeout: 300_000,
    });
  } catch {
    return { available: false, reason: `no AWS provider: the registry is unreachable and ${MIRROR_VARIABLE} is not set` };
  }
  const providerVersion =
    /provider "registry.terraform.io\/hashicorp\/aws" \{\s*version\s*=\s*"([^"]+)"/.exec(
      fs.readFileSync(path.join(probe, ".terraform.lock.hcl"), "utf8"),
    )?.[1] ?? "?";
  const providerBinary = binaryIn(path.join(CACHE, "plugins", AWS, providerVersion));
  if (!providerBinary) return { available: false, reason: `no ${AWS} ${providerVersion} for ${PLATFORM} in ${path.join(CACHE, "plugins")}` };
  return { available: true, terraformVersion, providerVersion, source: "registry", cliConfig, providerBinary };
}

/** Terraform's name of this machine's platform, as provider packages are laid out by it. */
const PLATFORM = `${process.platform === "win32" ? "windows" : process.platform}_${({ x64: "amd64", ia32: "386" } as Record<string, string>)[process.arch] ?? process.arch}`;

/** The provider's executable in an unpacked package folder (<version>/<os>_<arch>/terraform-provider-aws_v...). */
function binaryIn(versionDir: string): string | undefined {
  const dir = path.join(versionDir, PLATFORM);
  const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith("terraform-provider-aws")) : undefined;
  return name && path.join(dir, name);
}

/** Whether `terraform` is on PATH. */
export const terraformOnPath = (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && fs.existsSync(path.join(dir, "terraform")));

/**
 * `describe` for tests that run Terraform. Where it is missing they are skipped with a warning;
 * under CI=true, where a skip would hide that nothing was proven, its absence fails instead.
 */
export function describeWithTerraform(name: string, tests: () => void): void {
  describeNeeding(terraformOnPath ? undefined : "no terraform on PATH", name, tests);
}

/**
 * Says on stderr what is skipped and why. Not console.warn: jest prints a test file's console only
 * with its results, and a file whose every test is skipped shows none, so the warning was lost.
 */
export function warnSkipped(what: string): void {
  process.stderr.write(`skipped, ${what}\n`);
}

/**
 * `describe` for tests that need a tool, `missing` saying why it cannot run here (undefined: it can):
 * skipped with a warning, or under CI=true failed, as describeWithTerraform does.
 */
export function describeNeeding(missing: string | undefined, name: string, tests: () => void): void {
  if (missing === undefined) {
    describe(name, tests);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it("has what it needs (CI=true: not skipped)", () => {
        throw new Error(`${missing}: "${name}" cannot run, and CI must not skip it`);
      });
    });
  } else {
    warnSkipped(`${missing}: ${name}`);
    describe.skip(name, tests);
  }
}

/** The terraform commands of this test file still running, each with how to stop it; none starts once stopped. */
const running = new Map<Promise<unknown>, () => void>();
let stopped = false;

/**
 * Runs terraform in its own process group, so that stopping it reaches its providers too: SIGINT,
 * as Ctrl-C sends it (Terraform stops its providers, which remove their sockets in the temporary
 * directory), then SIGKILL if it has not exited within a minute (a graceful stop took 35 s on a
 * busy machine).
 */
function runTerraform(args: string[], cwd: string, env: NodeJS.ProcessEnv, interrupt?: Interrupt): Promise<{ stdout: string }> {
  if (stopped) return Promise.reject(new Error("not run: the test file is done"));
  const child = spawn("terraform", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let interrupted = false;
  child.stdout.on("data", (d) => {
    stdout += d;
    if (interrupt && !interrupted && interrupt.when(stdout)) {
      interrupted = true;
      group(interrupt.signal);
    }
  });
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<{ stdout: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) =>
      code === 0 ? resolve({ stdout }) : reject(Object.assign(new Error(`exit ${code ?? signal}`), { stdout, stderr, code: code ?? undefined })),
    );
  });
  const group = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group has exited
    }
  };
  const stop = () => {
    group("SIGINT");
    setTimeout(() => group("SIGKILL"), 60_000).unref();
  };
  running.set(done, stop);
  void done.then(
    () => running.delete(done),
    () => running.delete(done),
  );
  return done;
}

/** A signal sent to a terraform command's process group (terraform and its providers) once `when` finds what it waits for in its output. */
interface Interrupt {
  readonly signal: NodeJS.Signals;
  when(stdout: string): boolean;
}

/**
 * Stops every terraform command of this test file still running (and refuses new ones), and
 * resolves once they have exited: a test file's afterAll awaits it, so a run past its timeout
 * leaves no terraform, nor its providers, behind.
 */
export async function stopTerraform(): Promise<void> {
  stopped = true;
  for (const stop of running.values()) stop();
  await Promise.allSettled([...running.keys()]);
  await Promise.allSettled([...pools.values()].map((pool) => pool.close()));
  pools.clear();
}

/**
 * AWS providers kept running between terraform commands, through Terraform's provider debugging
 * interface: a provider started with `-debug` prints its address, and a terraform command given
 * it in TF_REATTACH_PROVIDERS uses that process instead of starting its own. Starting the AWS
 * provider and reading its schema is much of what a command costs (a validate: about 5.4 s of CPU
 * with its own providers, about 2.8 s reattached: 2 in terraform, 0.8 in the provider); the plans
 * suite takes about a quarter less CPU, the apply tests about 15% less time.
 *
 * One command at a time uses a provider (each configures it: endpoints, credentials, region), and
 * only stacks with a single AWS provider configuration are run so: Terraform hands every
 * configuration of a reattached provider to the same process, where the last configured would win.
 * TERRAFORM_TEST_REATTACH=0 turns it off (every command starts its own provider, as for a user).
 */
class ProviderPool {
  private readonly idle: ReattachedProvider[] = [];
  private readonly all: ReattachedProvider[] = [];

  constructor(private readonly binary: string) {}

  /** Runs `task` with a provider of its own for its duration, given as TF_REATTACH_PROVIDERS's value. */
  async lease<T>(task: (reattach: string) => Promise<T>): Promise<T> {
    const provider = this.idle.pop() ?? (await this.start());
    try {
      return await task(provider.reattach);
    } finally {
      if (provider.server.alive) this.idle.push(provider);
    }
  }

  private async start(): Promise<ReattachedProvider> {
    if (stopped) throw new Error("not run: the test file is done");
    const provider = await startReattached(this.binary);
    this.all.push(provider);
    return provider;
  }

  async close(): Promise<void> {
    this.idle.length = 0;
    await Promise.allSettled(this.all.splice(0).map((p) => p.server.stop()));
  }
}

const pools = new Map<string, ProviderPool>();
const reattachOff = process.env.TERRAFORM_TEST_REATTACH === "0";

interface ReattachedProvider {
  /** TF_REATTACH_PROVIDERS's value for it. */
  readonly reattach: string;
  readonly server: ServerProcess;
}

/**
 * Starts `binary -debug` under a shell that stops it when its stdin closes (startServer's signal to
 * end), with its socket in a temporary folder of its own (removed with the test file's).
 */
async function startReattached(binary: string): Promise<ReattachedProvider> {
  const socketDir = temporaryFolder("provider");
  // Configured a second time in one process, the provider fails on a CA bundle ("unable to add
  // custom RootCAs HTTPClient, has no WithTransportOptions"); the tests' endpoints are plain HTTP.
  const { AWS_CA_BUNDLE: _, ...env } = baseEnv();
  // TEST_PROVIDER_LOG=<folder>: the provider's own log (TF_LOG, DEBUG unless set: every AWS request,
  // its answer and each retry's attempt number) also written there, a file per provider, to read
  // after a run however it ended. A reattached provider logs to its standard error, not to
  // Terraform's TF_LOG_PATH.
  const logFolder = process.env.TEST_PROVIDER_LOG;
  if (logFolder) fs.mkdirSync(logFolder, { recursive: true });
  const tee = logFolder ? ' 2> >(tee -a "$TEST_PROVIDER_LOG/provider-$$.log" >&2)' : "";
  const { ready: reattach, server } = await startServer(
    `${binary} -debug`,
    "bash",
    ["-c", `"$0" -debug${tee} & p=$!; trap "kill -INT $p 2>/dev/null; wait $p" EXIT; cat >/dev/null`, binary],
    {
      env: { ...env, ...(logFolder ? { TEST_PROVIDER_LOG: path.resolve(logFolder), TF_LOG: env.TF_LOG ?? "DEBUG" } : {}), TMPDIR: socketDir },
      awaited: "TF_REATTACH_PROVIDERS",
      ready: (stdout) => /TF_REATTACH_PROVIDERS='([^']+)'/.exec(stdout)?.[1],
    },
  );
  return { reattach, server };
}

/** Where Terraform finds every AWS service: a fake on loopback, or the emulator. */
export interface AwsEndpoint {
  readonly url: string;
}

/** The AWS provider's endpoints for every service stepgate's stacks call. */
const AWS_SERVICES = ["sts", "sfn", "s3", "iam", "logs", "kms", "apigateway", "apigatewayv2", "acm", "route53", "sns", "cloudwatch", "wafv2", "cognitoidp"];

/** One stack's working directory, as cdktf synth wrote it, with Terraform pointed at the fakes. */
export class TerraformStackDir {
  constructor(
    readonly dir: string,
    private readonly setup: Extract<TerraformSetup, { available: true }>,
  ) {}

  /** The synthesized JSON, as synth wrote it. */
  get json(): Json {
    return JSON.parse(fs.readFileSync(path.join(this.dir, "cdk.tf.json"), "utf8"));
  }

  /**
   * Writes override.tf.json beside cdk.tf.json (cdk.tf.json itself stays as synth wrote it): the
   * mirror's provider version, and for plans fake credentials and every AWS endpoint on `aws`.
   */
  useFakes(aws?: AwsEndpoint): void {
    const json = this.json;
    const override: Json = {};
    if (this.setup.source === "mirror") override.terraform = { required_providers: { aws: { version: this.setup.providerVersion } } };
    if (aws) {
      const fake = {
        access_key: "test",
        secret_key: "test",
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        s3_use_path_style: true,
        endpoints: [Object.fromEntries(AWS_SERVICES.map((service) => [service, aws.url]))],
      };
      override.provider = { aws: json.provider.aws.map((p: { alias?: string }) => (p.alias ? { alias: p.alias, ...fake } : fake)) };
      const s3 = fakeS3Settings(aws);
      if (json.terraform.backend?.s3) override.terraform = { ...override.terraform, backend: { s3: { ...json.terraform.backend.s3, ...s3 } } };
      const remote = json.data?.terraform_remote_state?.workflow;
      if (remote?.backend === "s3") override.data = { terraform_remote_state: { workflow: { config: { ...remote.config, ...s3 } } } };
    }
    fs.writeFileSync(path.join(this.dir, "override.tf.json"), JSON.stringify(override, null, 2));
  }

  terraform(...args: string[]): Promise<string> {
    return this.run(args, {});
  }

  /** `terraform apply -auto-approve` without a plan file, as `cdktf deploy` runs it: what Terraform said, and whether it applied. */
  tryApply(): Promise<{ applied: boolean; stdout: string; stderr: string }> {
    return this.runWithProvider(["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"], {}).then(
      (r) => ({ applied: true, stdout: r.stdout, stderr: "" }),
      (e: { stdout?: string; stderr?: string }) => ({ applied: false, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
    );
  }

  /**
   * `terraform apply`, sent `signal` once `when` finds what it waits for in its output: SIGINT as
   * Ctrl-C or a cancelled CI job sends it, SIGKILL as a runner that vanishes. It runs with its own
   * provider in its process group (not one kept running), as a user's does, so the signal reaches
   * the provider too. Resolves, however it ended, with what Terraform said and how it ended.
   */
  applyInterrupted(signal: NodeJS.Signals, when: (stdout: string) => boolean): Promise<{ stdout: string; stderr: string; ended: string }> {
    const env = { ...baseEnv(), TF_CLI_CONFIG_FILE: this.setup.cliConfig };
    return runTerraform(["apply", "-auto-approve", "-input=false", "-no-color"], this.dir, env, { signal, when }).then(
      (r) => ({ stdout: r.stdout, stderr: "", ended: "exit 0" }),
      (e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? "", stderr: e.stderr ?? "", ended: e.message }),
    );
  }

  /**
   * terraform with a provider kept running (ProviderPool), where the stack has one AWS provider
   * configuration and the command is not init (which installs the provider in the stack's folder).
   */
  private runWithProvider(args: string[], env: Record<string, string>): Promise<{ stdout: string }> {
    const base = { ...baseEnv(), ...env, TF_CLI_CONFIG_FILE: this.setup.cliConfig };
    if (reattachOff || args[0] === "init" || this.json.provider.aws.length !== 1) return runTerraform(args, this.dir, base);
    const pool = pools.get(this.setup.providerBinary) ?? new ProviderPool(this.setup.providerBinary);
    pools.set(this.setup.providerBinary, pool);
    return pool.lease((reattach) => runTerraform(args, this.dir, { ...base, TF_REATTACH_PROVIDERS: reattach }));
  }

  private run(args: string[], env: Record<string, string>): Promise<string> {
    return this.runWithProvider(args, env).then(
      (r) => r.stdout,
      (e: { code?: number; stdout?: string; stderr?: string; message: string }) => {
        const error = new Error(`terraform ${args.join(" ")} in ${this.dir} failed:\n${e.stderr || e.stdout || e.message}`);
        throw Object.assign(error, { exitCode: e.code, stdout: e.stdout });
      },
    );
  }

  async init(backend = true): Promise<void> {
    if (this.setup.source === "registry") fs.copyFileSync(path.join(CACHE, "probe", ".terraform.lock.hcl"), path.join(this.dir, ".terraform.lock.hcl"));
    await this.terraform("init", "-input=false", "-no-color", ...(backend ? [] : ["-backend=false"]));
  }

  /** `terraform apply`: Terraform's output. */
  apply(): Promise<string> {
    return this.terraform("apply", "-auto-approve", "-input=false", "-no-color");
  }

  /**
   * `terraform destroy`: Terraform's output. Without refreshing first (`-refresh=false`): the apply
   * tests destroy what a clean plan has just read back, and then list what the emulator still
   * holds, so a refresh would only read every resource once more (a third of the apply tests' CPU
   * went to destroys).
   */
  destroy(): Promise<string> {
    return this.terraform("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false");
  }

  /**
   * `terraform plan -detailed-exitcode`: exit code 0 when nothing would change, 2 when something
   * would; the plan as text and, if asked, as JSON. Any other exit throws.
   */
  async planChanges(json = false): Promise<{ exitCode: 0 | 2; text: string; json?: PlanJson }> {
    const file = path.join(this.dir, "tfplan");
    const args = ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", `-out=${file}`];
    const { exitCode, text } = await this.terraform(...args).then(
      (text) => ({ exitCode: 0 as const, text }),
      (e: Error & { exitCode?: number; stdout?: string }) => {
        if (e.exitCode !== 2) throw e;
        return { exitCode: 2 as const, text: e.stdout ?? "" };
      },
    );
    return { exitCode, text, json: json ? JSON.parse(await this.terraform("show", "-json", file)) : undefined };
  }

  /**
   * `terraform plan -out`: the plan as text (redacted, as a reviewer reads it) and, if asked, as JSON
   * (`terraform show -json`). A review plan sets TF_VAR_review_plan=true, as the pull requests' plans do.
   */
  async plan({ json = false, review = false } = {}): Promise<{ text: string; json?: PlanJson; file: string }> {
    const file = path.join(this.dir, "tfplan");
    const text = await this.run(["plan", "-input=false", "-no-color", "-lock=false", `-out=${file}`], review ? { TF_VAR_review_plan: "true" } : {});
    return { text, json: json ? JSON.parse(await this.terraform("show", "-json", file)) : undefined, file };
  }
}

/** What these tests read of `terraform show -json PLANFILE`. */
export interface PlanJson {
  resource_changes?: Array<{ address: string; type: string; mode: string; change: { actions: string[]; after?: unknown } }>;
  output_changes?: Record<string, { actions: string[] }>;
  configuration?: Json;
  [key: string]: unknown;
}

/** A workflow state as `terraform apply` would leave it, holding only outputs (v4 state format). */
export function workflowStateWith(outputs: Record<string, string | Record<string, string>>, terraformVersion: string): string {
  return JSON.stringify({
    version: 4,
    terraform_version: terraformVersion,
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000001",
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value, type: typeof value === "string" ? "string" : ["map", "string"] }])),
    resources: [],
    check_results: null,
  });
}

/** Runs the tasks at most `limit` at a time (terraform is CPU-bound; on 2 cores a few at once keep both busy). */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
