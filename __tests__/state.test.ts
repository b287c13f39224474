import * as path from "node:path";
import { localStatePath } from "../stacks/state";
import { configWith, parse, synthApi, synthWorkflow } from "./support/stacks";

/** The backend block, required_version and remote state of both stacks, for these settings. */
function stateOf(env: Record<string, string>) {
  const config = configWith(env);
  const workflow = parse(synthWorkflow(config));
  const api = parse(synthApi(config));
  return {
    workflowBackend: workflow.terraform.backend ?? { cloud: workflow.terraform.cloud },
    apiBackend: api.terraform.backend ?? { cloud: api.terraform.cloud },
    requiredVersions: [workflow.terraform.required_version, api.terraform.required_version],
    remoteState: api.data.terraform_remote_state.workflow,
    json: JSON.stringify([workflow, api]),
  };
}

const PLACEHOLDER = { state_machine_arn: "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-workflow" };

describe("state", () => {
  describe("local (the default)", () => {
    const state = stateOf({});

    it("keeps each stack's state in a file beside the output folder, by a relative path", () => {
      expect(state.workflowBackend).toEqual({ local: { path: "../../../terraform.workflow.tfstate" } });
      expect(state.apiBackend).toEqual({ local: { path: "../../../terraform.api.tfstate" } });
      const workingDirectory = path.join("/project", "cdktf.out", "stacks", "workflow");
      expect(path.resolve(workingDirectory, localStatePath("workflow"))).toBe(path.join("/project", "terraform.workflow.tfstate"));
    });

    it("reads the workflow's outputs from the file its backend writes, with a visible placeholder until it is applied", () => {
      expect(state.remoteState).toEqual({
        backend: "local",
        config: state.workflowBackend.local,
        defaults: PLACEHOLDER,
        count: '${fileexists("../../../terraform.workflow.tfstate") ? 1 : 0}',
      });
      expect(state.requiredVersions).toEqual([">= 1.5.0, < 2.0.0", ">= 1.5.0, < 2.0.0"]);
    });
  });

  describe("s3", () => {
    const state = stateOf({ STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-terraform-state" });

    it("keeps one encrypted, lock-filed state key per stack, named from the prefix", () => {
      const s3 = (stack: string) => ({
        bucket: "acme-terraform-state",
        key: `stepgate/${stack}.tfstate`,
        region: "us-east-1",
        encrypt: true,
        use_lockfile: true,
      });
      expect(state.workflowBackend).toEqual({ s3: s3("workflow") });
      expect(state.apiBackend).toEqual({ s3: s3("api") });
    });

    it("requires Terraform 1.11, which made use_lockfile generally available", () => {
      expect(state.requiredVersions).toEqual([">= 1.11.0, < 2.0.0", ">= 1.11.0, < 2.0.0"]);
    });

    it("reads the workflow's outputs from the same bucket, region and key", () => {
      expect(state.remoteState).toEqual({
        backend: "s3",
        config: { bucket: "acme-terraform-state", key: "stepgate/workflow.tfstate", region: "us-east-1" },
        defaults: PLACEHOLDER,
        count: '${contains(data.aws_s3_objects.workflow_state.keys, "stepgate/workflow.tfstate") ? 1 : 0}',
      });
    });

    it("takes the bucket's region and the key prefix from the settings", () => {
      const custom = stateOf({
        STEPGATE_BACKEND: "s3",
        STEPGATE_S3_BUCKET: "b.example",
        STEPGATE_S3_REGION: "eu-west-1",
        STEPGATE_S3_KEY_PREFIX: "teams/payments",
        STEPGATE_PREFIX: "pay",
      });
      expect(custom.apiBackend.s3).toMatchObject({ bucket: "b.example", key: "teams/payments/api.tfstate", region: "eu-west-1" });
      expect(custom.remoteState.config).toEqual({ bucket: "b.example", key: "teams/payments/workflow.tfstate", region: "eu-west-1" });
      expect(stateOf({ STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "b12", STEPGATE_PREFIX: "pay" }).apiBackend.s3.key).toBe("pay/api.tfstate");
    });
  });

  describe("cloud", () => {
    const env = { STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme" };
    const state = stateOf(env);

    it("uses one workspace per stack, named from the prefix", () => {
      expect(state.workflowBackend).toEqual({
        cloud: { hostname: "app.terraform.io", organization: "acme", workspaces: { name: "stepgate-workflow" } },
      });
      expect(state.apiBackend.cloud.workspaces).toEqual({ name: "stepgate-api" });
    });

    it("reads the workflow workspace's outputs through the remote backend data source", () => {
      expect(state.remoteState).toEqual({
        backend: "remote",
        config: { hostname: "app.terraform.io", organization: "acme", workspaces: { name: "stepgate-workflow" } },
        defaults: PLACEHOLDER,
      });
    });

    it("takes host, project and workspace names from the settings", () => {
      const custom = stateOf({
        ...env,
        STEPGATE_TFC_HOSTNAME: "tfe.example.com",
        STEPGATE_TFC_PROJECT: "payments",
        STEPGATE_TFC_WORKSPACE_WORKFLOW: "pay-sfn",
        STEPGATE_TFC_WORKSPACE_API: "pay-apis",
      });
      expect(custom.workflowBackend.cloud).toEqual({
        hostname: "tfe.example.com",
        organization: "acme",
        workspaces: { name: "pay-sfn", project: "payments" },
      });
      expect(custom.apiBackend.cloud.workspaces).toEqual({ name: "pay-apis", project: "payments" });
      expect(custom.remoteState.config).toEqual({ hostname: "tfe.example.com", organization: "acme", workspaces: { name: "pay-sfn" } });
      // workspaces.project is accepted since Terraform 1.6; without a project, 1.5 will do.
      expect(custom.requiredVersions).toEqual([">= 1.6.0, < 2.0.0", ">= 1.6.0, < 2.0.0"]);
      expect(state.requiredVersions).toEqual([">= 1.5.0, < 2.0.0", ">= 1.5.0, < 2.0.0"]);
    });

    it("never puts a token into the synthesized JSON", () => {
      expect(state.json).not.toMatch(/token/i);
    });
  });
});
