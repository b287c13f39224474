import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { type PlanJson, summarize } from "../.ci/plan-summary";
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
  env?: Record<string, string>;
}
interface Concurrency {
  group: string;
  "cancel-in-progress": boolean | string;
}
interface Job {
  concurrency?: Concurrency;
  needs?: string;
  outputs?: Record<string, string>;
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, string[]> };
  env?: Record<string, string>;
  steps: Step[];
}

const text = fs.readFileSync(path.join(PROJECT_DIR, ".github/workflows/stepgate.yml"), "utf8");
const workflow = parse(text) as {
  on: Record<string, unknown>;
  concurrency: Concurrency;
  env: Record<string, string>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const { test, plan, deploy } = workflow.jobs;
const deployPlan = workflow.jobs["deploy-plan"];
const planStack = fs.readFileSync(path.join(PROJECT_DIR, ".ci/plan-stack"), "utf8");
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run.trim()] : [])).join("\n");
const uses = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));

describe(".github/workflows/stepgate.yml", () => {
  it("runs on pull requests and on pushes to main, reading the repository only by default", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
    expect(workflow.on.push).toEqual({ branches: ["main"] });
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  it("never cancels a deploy part-way: a newer push to main waits for the running one (only pull requests' runs are cancelled)", () => {
    // A cancelled apply is sent SIGINT, then killed seconds later: resources made since Terraform
    // last wrote its state are unknown to it (docs/when-a-deploy-goes-wrong.md).
    expect(workflow.concurrency).toEqual({ group: "stepgate-${{ github.ref }}", "cancel-in-progress": "${{ github.event_name == 'pull_request' }}" });
    for (const job of [deployPlan, deploy]) expect(job.concurrency).toEqual({ group: "stepgate-deploy", "cancel-in-progress": false });
  });

  it("installs, tests, checks the move to CDK Terrain and synthesizes with the project's own commands", () => {
    expect(runs(test).split("\n")).toEqual(["npm ci", "npm test", "npm run test:terraform", "npm run check:cdktn", "npm run synth"]);
  });

  it("runs only npm scripts that exist: the Terraform tests, the CDK Terrain check, synth, the plan summary (through .ci/plan-stack) and verify", () => {
    const used = [...`${text}\n${planStack}`.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    expect([...new Set(used)].sort()).toEqual(["check:cdktn", "plan:summary", "synth", "test:terraform", "verify"]);
    for (const name of used) expect(Object.keys(scripts)).toContain(name);
  });

  it("plans each stack in its own job, to a file, its summary at the top of the job", () => {
    expect(plan.strategy?.matrix.stack).toEqual([STACK_IDS.workflow, STACK_IDS.api]);
    expect(runs(plan)).toContain('.ci/plan-stack "${{ matrix.stack }}"');
    expect(planStack).toContain("terraform plan -input=false -no-color -lock-timeout=5m -out=tfplan");
    expect(runs(plan)).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it("never lets plan JSON or a plan file leave the runner: the comment holds the summary and Terraform's redacted text", () => {
    expect(planStack).toContain(`trap 'rm -f "$dir/plan.json"' EXIT`);
    expect(planStack).toContain("terraform show -no-color tfplan >show.txt");
    expect(text).not.toMatch(/upload-artifact|plan\.json/);
  });

  it("reports an api plan before workflow exists (Terraform Cloud) as information, not failure", () => {
    expect(planStack).toMatch(
      /if \[ "\$stack" = api \] && grep -q "No stored state was found" plan.log; then[\s\S]*?::notice::api: apply workflow first[\s\S]*?exit 0/,
    );
  });

  it("plans for review in pull requests and for the approver (TF_VAR_review_plan=true), never in the deploy, which plans again", () => {
    for (const job of [plan, deployPlan]) {
      const steps = job.steps.filter((s) => s.run?.includes(".ci/plan-stack"));
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) expect(step.env?.TF_VAR_review_plan).toBe("true");
    }
    expect(JSON.stringify(deploy)).not.toContain("review_plan");
    expect(JSON.stringify(workflow.env)).not.toContain("review_plan");
    // .ci/plan-stack serves both: only its callers set the variable (its comment names it).
    expect(planStack).not.toMatch(/^[^#]*review_plan/m);
    // The deploy applies only the plan file it has just made.
    expect(runs(deploy)).toMatch(/\.ci\/plan-stack "\$stack" \$flag\n[\s\S]*terraform -chdir="\$dir" apply -input=false -no-color tfplan/);
  });

  it("compares what changes with the approved summary, leaving out its failed checks (api planned for review before workflow was applied)", () => {
    const apply = runs(deploy);
    const strip = [...apply.matchAll(/printf '%s\\n' "\$APPROVED_(\w+)" \| sed '([^']+)' > approved\/(\w+)\.md/g)];
    expect(strip.map(([, approved, , file]) => [approved, file])).toEqual([
      ["WORKFLOW", "workflow"],
      ["API", "api"],
    ]);
    const changes: PlanJson = {
      resource_changes: [{ address: "aws_iam_role.role", type: "aws_iam_role", mode: "managed", change: { actions: ["create"] } }],
    };
    const beforeWorkflow: PlanJson = {
      ...changes,
      checks: [{ instances: [{ address: { to_display: "check.workflow_applied" }, status: "fail", problems: [{ message: "for review only" }] }] }],
    };
    const approved = summarize(beforeWorkflow, "api").markdown;
    expect(approved).toContain("> [!CAUTION]");
    for (const [, , expression] of strip) {
      expect(execFileSync("sed", [expression], { input: approved, encoding: "utf8" })).toBe(summarize(changes, "api").markdown);
      expect(execFileSync("sed", [expression], { input: summarize(changes, "api").markdown, encoding: "utf8" })).toBe(summarize(changes, "api").markdown);
    }
  });

  it("plans and deploys only against S3 or Terraform Cloud state", () => {
    for (const job of [plan, deployPlan, deploy]) {
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
    for (const job of [plan, deployPlan, deploy]) expect(job.env?.TF_TOKEN_app_terraform_io).toBe("${{ secrets.TF_API_TOKEN }}");
  });

  it("skips plans for pull requests from forks, which get no secrets", () => {
    expect(plan.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(plan.needs).toBe("test");
  });

  it("keeps one comment per stack on the pull request, updated in place on each push, even for a failed plan", () => {
    const post = plan.steps.find((s) => s.run?.includes("/comments"));
    expect(post?.if).toBe("always()");
    expect(post?.run).toContain('marker="<!-- stepgate-plan:$STACK -->"');
    expect(post?.run).toContain('gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id"');
    expect(post?.run).not.toContain("gh pr comment");
    expect(plan.permissions?.["pull-requests"]).toBe("write");
  });

  it("deploys main only: plans without approval, then applies behind the production environment's approval what was approved, workflow first", () => {
    for (const job of [deployPlan, deploy]) expect(job.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(deployPlan.environment).toBeUndefined();
    expect(deploy.environment).toBe("production");
    expect(deploy.needs).toBe("deploy-plan");
    const apply = runs(deploy);
    expect(apply).toContain("for stack in workflow api; do");
    expect(apply).toContain('cmp -s "$dir/summary.md" "approved/$stack.md"');
    expect(apply).toContain('terraform -chdir="$dir" apply -input=false -no-color tfplan');
    expect(apply).not.toMatch(/auto-approve|cdktf deploy|npm run deploy/);
  });

  it("checks the live APIs after the apply with npm run verify, the key masked first, a failed row failing the run", () => {
    const apply = deploy.steps.findIndex((s) => s.run?.includes('terraform -chdir="$dir" apply'));
    const verify = deploy.steps.findIndex((s) => s.run?.includes("npm run verify"));
    expect(apply).toBeGreaterThanOrEqual(0);
    expect(verify).toBe(deploy.steps.length - 1);
    expect(verify).toBeGreaterThan(apply);
    const step = deploy.steps[verify] as Step & Record<string, unknown>;
    const lines = (step.run ?? "").trim().split("\n");
    // The key is read (never echoed) and masked before anything runs that could print it.
    expect(lines).toEqual(['key="$(terraform -chdir=cdktf.out/stacks/api output -raw api_key_value)"', 'echo "::add-mask::$key"', "npm run verify"]);
    // verify's exit code is the step's: nothing swallows it.
    expect(step["continue-on-error"]).toBeUndefined();
    expect(step.if).toBeUndefined();
    expect(step.run).not.toMatch(/\|\||; *true|set \+e/);
    expect(text.match(/api_key_value/g)).toHaveLength(1);
  });

  it("stops on a destroy or replacement of what clients use unless the pull request's label allows it", () => {
    for (const job of [deployPlan, deploy]) {
      expect(runs(job)).toContain("allow-client-facing-changes");
      expect(runs(job)).toContain("--refuse-client-facing");
    }
  });

  it("pins every action to a full commit SHA, with its version in a comment, using only inputs the pinned version has", () => {
    const pins = [...text.matchAll(/uses: (\S+)@(\S+)(.*)/g)].map(([, action, ref, comment]) => ({ action, ref, comment: comment.trim() }));
    expect(pins.length).toBeGreaterThan(0);
    for (const pin of pins) {
      expect(pin.ref).toMatch(/^[0-9a-f]{40}$/);
      expect(pin.comment).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
    // Inputs of each action.yml at the pinned commit (checked when pinning).
    const inputs: Record<string, string[]> = {
      "actions/checkout": [],
      "actions/setup-node": ["node-version", "cache"],
      "hashicorp/setup-terraform": ["terraform_version", "terraform_wrapper"],
      "aws-actions/configure-aws-credentials": ["role-to-assume", "aws-region"],
    };
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.uses)) {
        const action = step.uses?.split("@")[0] ?? "";
        expect(inputs[action]).toBeDefined();
        for (const input of Object.keys(step.with ?? {})) expect([action, inputs[action]]).toEqual([action, expect.arrayContaining([input])]);
      }
    }
  });

  it("uses a Terraform that S3's use_lockfile works with", () => {
    const [major, minor] = workflow.env.TERRAFORM_VERSION.split(".").map(Number);
    expect(major === 1 && minor >= 11).toBe(true);
    for (const job of [test, plan, deployPlan, deploy]) {
      expect(uses(job, "hashicorp/setup-terraform")?.with).toEqual({ terraform_version: "${{ env.TERRAFORM_VERSION }}", terraform_wrapper: false });
    }
  });

  it("passes only settings that exist", () => {
    const names = Object.values(SETTINGS).map((s) => s.name);
    for (const name of Object.keys(workflow.env).filter((n) => n.startsWith("STEPGATE_"))) expect(names).toContain(name);
  });
});
