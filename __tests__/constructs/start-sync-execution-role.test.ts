import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { StartSyncExecutionRole, startSyncExecutionUri } from "../../stacks/constructs/start-sync-execution-role";
import { parse, synthScope } from "../support/stacks";

const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:test-workflow";

describe("StartSyncExecutionRole", () => {
  const synthesized = synthScope(
    (scope) => new StartSyncExecutionRole(scope, "start_sync_execution", { name: "test-start", stateMachineArns: [STATE_MACHINE_ARN] }),
  );
  const documents = parse(synthesized).data.aws_iam_policy_document;
  const byPrincipal = Object.entries(documents).find(([, d]) => JSON.stringify(d).includes("apigateway.amazonaws.com"));
  const byAction = Object.entries(documents).find(([, d]) => JSON.stringify(d).includes("states:StartSyncExecution"));

  it("is trusted by API Gateway, without source conditions (API Gateway sets none for integration roles)", () => {
    expect(byPrincipal?.[1].statement).toEqual([
      { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["apigateway.amazonaws.com"] }] },
    ]);
    expect(synthesized).toHaveResourceWithProperties(IamRole, {
      name: "test-start",
      assume_role_policy: `\${data.aws_iam_policy_document.${byPrincipal?.[0]}.json}`,
    });
  });

  it("may call only states:StartSyncExecution, on only the workflow's state machine", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          effect: "Allow",
          actions: ["states:StartSyncExecution"],
          resources: [STATE_MACHINE_ARN],
        },
      ],
    });
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, {
      policy: `\${data.aws_iam_policy_document.${byAction?.[0]}.json}`,
    });
    const allActions = Object.values(documents).flatMap((d) => (d.statement as Array<{ actions: string[] }>).flatMap((s) => s.actions));
    expect(allActions.sort()).toEqual(["states:StartSyncExecution", "sts:AssumeRole"]);
  });
});

describe("StartSyncExecutionRole of several state machines", () => {
  it("may call states:StartSyncExecution on exactly those, in their order", () => {
    const arns = [STATE_MACHINE_ARN, `${STATE_MACHINE_ARN}-orders`, `${STATE_MACHINE_ARN}-refunds`];
    const synthesized = synthScope((scope) => new StartSyncExecutionRole(scope, "start_sync_execution", { name: "test-start", stateMachineArns: arns }));
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [{ effect: "Allow", actions: ["states:StartSyncExecution"], resources: arns }],
    });
    expect(Object.keys(parse(synthesized).resource.aws_iam_role_policy)).toHaveLength(1);
  });
});

describe("startSyncExecutionUri", () => {
  it("names the Step Functions action in the partition and region", () => {
    expect(startSyncExecutionUri("aws-cn", "cn-north-1")).toBe("arn:aws-cn:apigateway:cn-north-1:states:action/StartSyncExecution");
  });
});
