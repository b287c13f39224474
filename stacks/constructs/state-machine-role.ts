import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";

export interface StateMachineRoleProps {
  /** Name of the IAM role. */
  readonly name: string;
  /** Name of the one state machine that may assume it. */
  readonly stateMachineName: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}

/**
 * A state machine's role (`role`), with its trust policy (`assume_role`) in `scope`. Confused-deputy
 * protection: Step Functions may assume it only for this account's state machine of this name.
 */
export function stateMachineRole(scope: Construct, props: StateMachineRoleProps): IamRole {
  const assumeRole = new DataAwsIamPolicyDocument(scope, "assume_role", {
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["states.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
          {
            test: "ArnLike",
            variable: "aws:SourceArn",
            values: [`arn:${props.partition}:states:${props.region}:${props.accountId}:stateMachine:${props.stateMachineName}`],
          },
        ],
      },
    ],
  });
  return new IamRole(scope, "role", { name: props.name, assumeRolePolicy: assumeRole.json });
}
