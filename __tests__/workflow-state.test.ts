import { DataTerraformRemoteStateS3 } from "cdktf";
import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { configWith, parse, synthApi } from "./support/stacks";

const PLACEHOLDER_PREFIX = "arn:aws:states:us-east-1:000000000000:stateMachine:";
const PLACEHOLDER = `${PLACEHOLDER_PREFIX}stepgate-workflow`;
const S3 = { STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-terraform-state", STEPGATE_S3_REGION: "eu-west-1" };

describe("readWorkflowState (the api stack's view of the workflow's outputs)", () => {
  it("local: reads the state only when its file exists, else the visible placeholder", () => {
    const api = parse(synthApi());
    expect(api.data.terraform_remote_state.workflow.count).toBe('${fileexists("../../../terraform.workflow.tfstate") ? 1 : 0}');
    expect((api as unknown as { locals: Record<string, string> }).locals).toEqual({
      workflow_state_machine_arn: `\${try(data.terraform_remote_state.workflow[0].outputs.state_machine_arn, "${PLACEHOLDER}")}`,
      workflows_not_applied: `\${[for w in [{ name = "workflow", arn = local.workflow_state_machine_arn }] : w.name if startswith(w.arn, "${PLACEHOLDER_PREFIX}")]}`,
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

describe("refuseApplyBeforeWorkflow (the api stack, planned before workflow is applied: a review may, an apply may not)", () => {
  type Guarded = { variable: Record<string, unknown>; check: Record<string, unknown> };
  const guard = (env: Record<string, string> = {}) => parse(synthApi(configWith(env))) as unknown as Guarded;
  const names = '${join(", ", local.workflows_not_applied)}';

  it("declares var.review_plan: a bool, false unless a plan for review sets it, never null", () => {
    expect(guard().variable).toEqual({
      review_plan: {
        type: "bool",
        default: false,
        nullable: false,
        description:
          "true only in a plan for review, never to apply: lets the plan go on while the workflow stack has no state machine yet for a workflow (a placeholder in account 000000000000 stands in), with a warning",
      },
    });
  });

  it("warns in a check block, whatever the backend, while a workflow has no state machine yet, naming each", () => {
    for (const env of [{}, S3, { STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme" }] as Record<string, string>[]) {
      expect(guard(env).check).toEqual({
        workflow_applied: {
          assert: [
            {
              condition: "${length(local.workflows_not_applied) == 0}",
              error_message: `for review only: the workflow stack's state has no state machine for ${names} yet, so this plan shows placeholders in account 000000000000, and applying api is refused until workflow is applied (npx cdktf deploy workflow)`,
            },
          ],
        },
      });
    }
  });

  it("stops every plan but a review's on the role policy, which names every state machine: one line, naming the workflow stack", () => {
    expect(synthApi()).toHaveResourceWithProperties(IamRolePolicy, {
      name: "start-sync-execution",
      lifecycle: {
        precondition: [
          {
            condition: "${var.review_plan || length(local.workflows_not_applied) == 0}",
            error_message: `apply the workflow stack first: its state has no state machine for ${names} yet, so this api would call placeholders in account 000000000000 (npx cdktf deploy workflow)`,
          },
        ],
      },
    });
  });

  it("lists every workflow, in the settings' order, by its placeholder in the stack's region", () => {
    const locals = parse(synthApi(configWith({ STEPGATE_REGION: "eu-west-1", STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json" }))).locals;
    expect(locals.workflows_not_applied).toBe(
      '${[for w in [{ name = "workflow", arn = local.workflow_state_machine_arn }, { name = "orders", arn = local.workflow_state_machine_arns_orders }] : w.name if startswith(w.arn, "arn:aws:states:eu-west-1:000000000000:stateMachine:")]}',
    );
    expect(locals.workflow_state_machine_arns_orders).toContain('"arn:aws:states:eu-west-1:000000000000:stateMachine:stepgate-orders"');
  });
});
