import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { AWS_PROVIDER_VERSION } from "../../stacks/stepgate-stack";
import type { Json } from "../../local/synthesized";
import { fakeS3Settings, type FakeS3 } from "./fake-s3";
import { PROJECT_DIR } from "./stacks";

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
    }
  | { readonly available: false; readonly reason: string };

const CACHE = path.join(PROJECT_DIR, "node_modules", ".cache", "stepgate-terraform");
const AWS = "registry.terraform.io/hashicorp/aws";
/** The review variable (the api stack's var.review_plan) only where a test sets it. */
const baseEnv = () => {
  const { TF_VAR_review_plan: _, ...env } = process.env;
  return { ...env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_INPUT: "0" };
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stepgate-tf-"));
  const cliConfig = path.join(dir, "terraform.rc");
  const mirror = process.env[MIRROR_VARIABLE];
  if (mirror) {
    const versions = fs.existsSync(path.join(mirror, AWS)) ? fs.readdirSync(path.join(mirror, AWS)).filter((v) => /^\d+\.\d+\.\d+$/.test(v)) : [];
    const newest = versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
    if (!newest) return { available: false, reason: `${MIRROR_VARIABLE}=${mirror} holds no ${AWS}` };
    fs.writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["${AWS}"]\n  }\n}\n`);
    return { available: true, terraformVersion, providerVersion: newest, source: "mirror", cliConfig };
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
  return { available: true, terraformVersion, providerVersion, source: "registry", cliConfig };
}

/** Whether `terraform` is on PATH. */
export const terraformOnPath = (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && fs.existsSync(path.join(dir, "terraform")));

/**
 * `describe` for tests that run Terraform. Where it is missing they are skipped with a warning;
 * under CI=true, where a skip would hide that nothing was proven, its absence fails instead.
 */
export function describeWithTerraform(name: string, tests: () => void): void {
  if (terraformOnPath) {
    describe(name, tests);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it("needs terraform on PATH (CI=true: not skipped)", () => {
        throw new Error(`no terraform on PATH: "${name}" cannot run, and CI must not skip it`);
      });
    });
  } else {
    console.warn(`skipped, no terraform on PATH: ${name}`);
    describe.skip(name, tests);
  }
}

const run = promisify(execFile);

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
  useFakes(aws?: FakeS3): void {
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
        endpoints: [{ sts: aws.url, sfn: aws.url, s3: aws.url, iam: aws.url, logs: aws.url, apigateway: aws.url, kms: aws.url }],
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
  apply(): Promise<{ applied: boolean; stdout: string; stderr: string }> {
    return run("terraform", ["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"], {
      cwd: this.dir,
      env: { ...baseEnv(), TF_CLI_CONFIG_FILE: this.setup.cliConfig },
      maxBuffer: 64 << 20,
    }).then(
      (r) => ({ applied: true, stdout: r.stdout, stderr: r.stderr }),
      (e: { stdout?: string; stderr?: string }) => ({ applied: false, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
    );
  }

  private run(args: string[], env: Record<string, string>): Promise<string> {
    return run("terraform", args, { cwd: this.dir, env: { ...baseEnv(), ...env, TF_CLI_CONFIG_FILE: this.setup.cliConfig }, maxBuffer: 64 << 20 }).then(
      (r) => r.stdout,
      (e: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`terraform ${args.join(" ")} in ${this.dir} failed:\n${e.stderr || e.stdout || e.message}`);
      },
    );
  }

  async init(backend = true): Promise<void> {
    if (this.setup.source === "registry") fs.copyFileSync(path.join(CACHE, "probe", ".terraform.lock.hcl"), path.join(this.dir, ".terraform.lock.hcl"));
    await this.terraform("init", "-input=false", "-no-color", ...(backend ? [] : ["-backend=false"]));
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
