import { execFile } from "node:child_process";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { StateConfig } from "../stacks/config/backend";
import type { StackId } from "../stacks/stack-ids";
import { localStatePath, readStackState, useStateBackend } from "../stacks/state";
import { fakeS3Settings as fakeEndpoint, startFakeS3, type FakeS3 } from "./support/fake-s3";
import { testApp } from "./support/stacks";
import { describeWithTerraform } from "./support/terraform";
import { temporaryFolder } from "./support/temporary-folders";

/**
 * The docs' way of moving local state to S3 (docs/state.md), run for real: Terraform against an
 * S3 endpoint on loopback, with stacks that hold only what matters here (the backend, an output, the remote state
 * that reads it), so no provider is downloaded.
 */

const ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:stepgate-workflow";
const run = promisify(execFile);

/** Runs terraform in a stack's working directory. */
const terraform = (cwd: string, ...args: string[]) =>
  run("terraform", [...args], { cwd, env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } }).then((r) => r.stdout);

/** Writes `<project>/cdktf.out/stacks/<id>/cdk.tf.json` as cdktf synth would, and returns its folder. */
function writeStack(project: string, stackId: StackId, build: (stack: TerraformStack) => void, s3?: FakeS3): string {
  const stack = new TerraformStack(testApp(), stackId);
  build(stack);
  const json = JSON.parse(Testing.synth(stack));
  if (s3 && json.terraform.backend?.s3) Object.assign(json.terraform.backend.s3, fakeEndpoint(s3));
  for (const remote of Object.values(json.data?.terraform_remote_state ?? {}) as Array<{ config: object }>) {
    if (s3) Object.assign(remote.config, fakeEndpoint(s3));
  }
  const dir = path.join(project, "cdktf.out", "stacks", stackId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  return dir;
}

const workflowWith = (state: StateConfig) => (stack: TerraformStack) => {
  useStateBackend(stack, "workflow", state);
  new TerraformOutput(stack, "state_machine_arn", { value: ARN });
};

describeWithTerraform("moving local state to S3 (docs/state.md)", () => {
  jest.setTimeout(60_000);
  let s3: FakeS3;
  let project: string;
  const LOCAL: StateConfig = { backend: "local" };
  const S3 = (keyPrefix: string): StateConfig => ({ backend: "s3", bucket: "acme-state", region: "us-east-1", keyPrefix });

  beforeAll(async () => {
    s3 = await startFakeS3();
    project = temporaryFolder("migration");
    const dir = writeStack(project, "workflow", workflowWith(LOCAL));
    await terraform(dir, "init", "-input=false", "-no-color");
    await terraform(dir, "apply", "-auto-approve", "-input=false", "-no-color");
  });
  afterAll(() => s3?.close());

  it("starts from a local state file beside the output folder", () => {
    const local = JSON.parse(fs.readFileSync(path.join(project, "terraform.workflow.tfstate"), "utf8"));
    expect(local.outputs.state_machine_arn.value).toBe(ARN);
  });

  it("copies it with terraform init -migrate-state in the folder the last deploy ran in", async () => {
    const dir = writeStack(project, "workflow", workflowWith(S3("stepgate")), s3);
    await terraform(dir, "init", "-migrate-state", "-force-copy", "-input=false", "-no-color");
    const moved = JSON.parse(s3.objects.get("acme-state/stepgate/workflow.tfstate")?.toString() ?? "{}");
    expect(moved.outputs.state_machine_arn.value).toBe(ARN);
    expect((await terraform(dir, "output", "-raw", "state_machine_arn")).trim()).toBe(ARN);
    // Locked with S3's own lock file (use_lockfile), which is gone again once Terraform is done.
    expect(s3.requests).toContain("PUT acme-state/stepgate/workflow.tfstate.tflock if-none-match");
    expect([...s3.objects.keys()].filter((k) => k.endsWith(".tflock"))).toEqual([]);
  });

  it("on a fresh clone (no .terraform), pushes it with terraform state push", async () => {
    const clone = temporaryFolder("clone");
    fs.copyFileSync(path.join(project, "terraform.workflow.tfstate"), path.join(clone, "terraform.workflow.tfstate"));
    const dir = writeStack(clone, "workflow", workflowWith(S3("clone")), s3);
    await terraform(dir, "init", "-input=false", "-no-color");
    await terraform(dir, "state", "push", localStatePath("workflow"));
    const pushed = JSON.parse(s3.objects.get("acme-state/clone/workflow.tfstate")?.toString() ?? "{}");
    expect(pushed.outputs.state_machine_arn.value).toBe(ARN);
  });

  it("lets the api stack read the workflow's outputs from the moved state", async () => {
    const dir = writeStack(
      project,
      "api",
      (stack) => {
        useStateBackend(stack, "api", S3("stepgate"));
        const workflow = readStackState(stack, "workflow", S3("stepgate"), { state_machine_arn: "placeholder" });
        new TerraformOutput(stack, "read", { value: workflow.getString("state_machine_arn") });
      },
      s3,
    );
    await terraform(dir, "init", "-input=false", "-no-color");
    await terraform(dir, "apply", "-auto-approve", "-input=false", "-no-color");
    expect((await terraform(dir, "output", "-raw", "read")).trim()).toBe(ARN);
  });
});
