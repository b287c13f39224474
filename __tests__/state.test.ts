import { TerraformStack, Testing } from "cdktf";
import * as path from "path";
import { localStatePath, readStackState, useStateBackend } from "../stacks/state";
import { parse, testApp } from "./support/stacks";

describe("state", () => {
  it("keeps local state beside the output folder, where Terraform's working directory <output>/stacks/<id> finds it", () => {
    const workingDirectory = path.join("/project", "cdktf.out", "stacks", "workflow");
    expect(path.resolve(workingDirectory, localStatePath("workflow"))).toBe(path.join("/project", "terraform.workflow.tfstate"));
  });

  it("reads a stack's outputs from the same file its backend writes", () => {
    const app = testApp();
    const workflow = new TerraformStack(app, "workflow");
    useStateBackend(workflow, "workflow");
    const api = new TerraformStack(app, "api");
    readStackState(api, "workflow");
    const backendPath = (parse(Testing.synth(workflow)).terraform.backend as { local: { path: string } }).local.path;
    expect(parse(Testing.synth(api)).data.terraform_remote_state.workflow).toEqual({
      backend: "local",
      config: { path: backendPath },
    });
  });
});
