import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { SETTINGS } from "../stacks/config/settings";
import { STACK_IDS } from "../stacks/stack-ids";
import { PROJECT_DIR } from "./support/stacks";

/**
 * The pull-request workflow cannot run here: its shape, and every command it runs, are checked
 * against the project instead.
 */
interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string;
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, string[]> };
  env?: Record<string, string>;
  steps: Step[];
}

const text = fs.readFileSync(path.join(PROJECT_DIR, ".github/workflows/stepgate.yml"), "utf8");
const workflow = parse(text) as { on: Record<string, unknown>; env: Record<string, string>; permissions: Record<string, string>; jobs: Record<string, Job> };
const { test, plan, deploy } = workflow.jobs;
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run.trim()] : [])).join("\n");
const uses = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));

describe(".github/workflows/stepgate.yml", () => {
  it("runs on pull requests and on pushes to main, reading the repository only by default", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
    expect(workflow.on.push).toEqual({ branches: ["main"] });
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  it("installs, tests and synthesizes with the project's own commands", () => {
    expect(runs(test).split("\n")).toEqual(["npm ci", "npm test", "npm run synth"]);
  });

  it("runs only npm scripts that exist, and each stack's diff script diffs that stack", () => {
    const used = [...text.matchAll(/npm run (?:--silent )?((?:[\w:-]|\$\{\{ matrix\.stack \}\})+)/g)].map((m) => m[1]);
    expect(used).toEqual(["synth", "diff:${{ matrix.stack }}", "deploy"]);
    const stacks = plan.strategy?.matrix.stack ?? [];
    const expanded = used.flatMap((name) => (name.includes("${{ matrix.stack }}") ? stacks.map((s) => name.replace("${{ matrix.stack }}", s)) : [name]));
    for (const name of expanded) expect(Object.keys(scripts)).toContain(name);
    for (const stack of stacks) expect(scripts[`diff:${stack}`]).toBe(`cdktf diff ${stack}`);
  });

  it("plans each stack in its own job, as cdktf diff takes one stack", () => {
    expect(plan.strategy?.matrix.stack).toEqual([STACK_IDS.workflow, STACK_IDS.api]);
    expect(runs(plan)).toContain("npm run --silent diff:${{ matrix.stack }} -- --no-color");
  });

  it("plans and deploys only against S3 or Terraform Cloud state", () => {
    for (const job of [plan, deploy]) {
      const guard = job.steps.findIndex((s) => s.run?.includes('case "$backend" in'));
      expect(guard).toBeGreaterThanOrEqual(0);
      expect(job.steps[guard].run).toContain("s3|cloud) ;;");
      expect(job.steps.findIndex((s) => s.run?.startsWith("npm ci"))).toBeGreaterThan(guard);
    }
  });

  it("reaches AWS by OIDC role assumption, never by stored keys", () => {
    for (const [job, role] of [
      [plan, "${{ vars.AWS_PLAN_ROLE_ARN }}"],
      [deploy, "${{ vars.AWS_DEPLOY_ROLE_ARN }}"],
    ] as const) {
      expect(job.permissions?.["id-token"]).toBe("write");
      expect(uses(job, "aws-actions/configure-aws-credentials")?.with?.["role-to-assume"]).toBe(role);
    }
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  it("takes the Terraform Cloud token from a secret, in the variable Terraform reads for app.terraform.io", () => {
    for (const job of [plan, deploy]) expect(job.env?.TF_TOKEN_app_terraform_io).toBe("${{ secrets.TF_API_TOKEN }}");
  });

  it("skips plans for pull requests from forks, which get no secrets", () => {
    expect(plan.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(plan.needs).toBe("test");
  });

  it("posts each plan back to the pull request, even a failed one", () => {
    const post = plan.steps.find((s) => s.run?.includes("gh pr comment"));
    expect(post?.if).toBe("always()");
    expect(plan.permissions?.["pull-requests"]).toBe("write");
  });

  it("deploys main only, behind the production environment's approval", () => {
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(deploy.environment).toBe("production");
    expect(runs(deploy)).toContain("npm run deploy -- --auto-approve");
  });

  it("uses a Terraform that S3's use_lockfile works with", () => {
    const [major, minor] = workflow.env.TERRAFORM_VERSION.split(".").map(Number);
    expect(major === 1 && minor >= 11).toBe(true);
    for (const job of [test, plan, deploy]) {
      expect(uses(job, "hashicorp/setup-terraform")?.with).toEqual({ terraform_version: "${{ env.TERRAFORM_VERSION }}", terraform_wrapper: false });
    }
  });

  it("passes only settings that exist", () => {
    const names = Object.values(SETTINGS).map((s) => s.name);
    for (const name of Object.keys(workflow.env).filter((n) => n.startsWith("STEPGATE_"))) expect(names).toContain(name);
  });
});
