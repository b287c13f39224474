import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

/**
 * The URI of an API Gateway AWS-service integration with Step Functions' StartSyncExecution action.
 * @param partition the AWS partition (`aws`, `aws-cn`, ...)
 */
export function startSyncExecutionUri(partition: string, region: string): string {
  return `arn:${partition}:apigateway:${region}:states:action/StartSyncExecution`;
}

/** The URI of an API Gateway AWS-service integration with a Step Functions action (StartExecution, DescribeExecution). */
export function stepFunctionsActionUri(partition: string, region: string, action: "StartExecution" | "DescribeExecution"): string {
  return `arn:${partition}:apigateway:${region}:states:action/${action}`;
}

export interface StartSyncExecutionRoleProps {
  /** Name of the IAM role. */
  readonly name: string;
  /** ARNs of the state machines the role may start synchronously, and no other. */
  readonly stateMachineArns: readonly string[];
  /**
   * The runner of async workflows: the role may start it, and read its executions, too.
   * @default none: no workflow is async
   */
  readonly runner?: { readonly stateMachineArn: string; readonly executionArnPrefix: string };
}

/**
 * The role API Gateway assumes to call StartSyncExecution on these state machines, and nothing else.
 *
 * Its trust policy has no aws:SourceArn / aws:SourceAccount condition: API Gateway does not set
 * those keys when it assumes an integration's credentials role, so every call would fail. The role
 * relies on its narrow permission policy instead.
 */
export class StartSyncExecutionRole extends Construct {
  readonly role: IamRole;
  /** The permission policy: a stage should wait for it, or its first calls may be refused. */
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: StartSyncExecutionRoleProps) {
    super(scope, id);
    const assumeRole = new DataAwsIamPolicyDocument(this, "assume_role", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["apigateway.amazonaws.com"] }],
        },
      ],
    });
    this.role = new IamRole(this, "role", { name: props.name, assumeRolePolicy: assumeRole.json });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        // None when every workflow is async: IAM refuses a statement without a resource.
        ...(props.stateMachineArns.length === 0 ? [] : [{ effect: "Allow", actions: ["states:StartSyncExecution"], resources: [...props.stateMachineArns] }]),
        ...(props.runner === undefined
          ? []
          : [
              { effect: "Allow", actions: ["states:StartExecution"], resources: [props.runner.stateMachineArn] },
              { effect: "Allow", actions: ["states:DescribeExecution"], resources: [`${props.runner.executionArnPrefix}*`] },
            ]),
      ],
    });
    this.policy = new IamRolePolicy(this, "policy", {
      name: "start-sync-execution",
      role: this.role.id,
      policy: permissions.json,
    });
  }
}
