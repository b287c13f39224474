import { DataTerraformRemoteStateS3 } from "cdktf";
import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
import { configWith, parse, synthApi } from "./support/stacks";

const PLACEHOLDER = "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-workflow";
const S3 = { STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-terraform-state", STEPGATE_S3_REGION: "eu-west-1" };

describe("readWorkflowState (the api stack's view of the workflow's outputs)", () => {
  it("local: reads the state only when its file exists, else the visible placeholder", () => {
    const api = parse(synthApi());
    expect(api.data.terraform_remote_state.workflow.count).toBe('${fileexists("../../../terraform.workflow.tfstate") ? 1 : 0}');
    expect((api as unknown as { locals: Record<string, string> }).locals).toEqual({
      workflow_state_machine_arn: `\${try(data.terraform_remote_state.workflow[0].outputs.state_machine_arn, "${PLACEHOLDER}")}`,
    });
  });

  it("s3: lists the state's key in the bucket's own region, and reads the state only when the key is there", () => {
    const synthesized = synthApi(configWith(S3));
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsS3Objects, {
      bucket: "acme-terraform-state",
      prefix: "stepgate/workflow.tfstate",
      provider: "aws.workflow_state",
    });
    expect(parse(synthesized).provider.aws).toContainEqual({ alias: "workflow_state", region: "eu-west-1" });
    expect(synthesized).toHaveDataSourceWithProperties(DataTerraformRemoteStateS3, {
      count: '${contains(data.aws_s3_objects.workflow_state.keys, "stepgate/workflow.tfstate") ? 1 : 0}',
    });
  });

  it("cloud: cannot probe the workspace, so reads it always (the first api plan stops until workflow is applied)", () => {
    const api = parse(synthApi(configWith({ STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme" })));
    expect(api.data.terraform_remote_state.workflow.count).toBeUndefined();
    expect((api as unknown as { locals: Record<string, string> }).locals.workflow_state_machine_arn).toBe(
      `\${try(data.terraform_remote_state.workflow.outputs.state_machine_arn, "${PLACEHOLDER}")}`,
    );
  });

  it("keeps the data source's address whatever the backend", () => {
    for (const env of [{}, S3, { STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme" }] as Record<string, string>[]) {
      expect(Object.keys(parse(synthApi(configWith(env))).data.terraform_remote_state)).toEqual(["workflow"]);
    }
  });
});
