import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Construct } from "constructs";
import type { StepgateConfig } from "./config/load";
import type { StackId } from "./stack-ids";
import { StepgateStack } from "./stepgate-stack";

/** Name of the role: one per account and region, shared by every copy of stepgate (so no prefix). */
export function apiGatewayCloudWatchRoleName(region: string): string {
  return `stepgate-apigateway-cloudwatch-${region}`;
}

export interface ApiGatewayAccountStackProps {
  readonly config: StepgateConfig;
}

/**
 * The region's API Gateway account setting (stack `apigw-account`, synthesized only when
 * STEPGATE_APIGW_ACCOUNT is `managed`): the role API Gateway uses to write access and
 * execution logs of every REST and WebSocket API in the region.
 *
 * It is a stack of its own, outside any prefixed copy, because the setting is one per account and
 * region: since AWS provider 6, destroying `aws_api_gateway_account` resets it for the whole
 * region, which must not happen when a copy of stepgate is destroyed (`cdktf destroy api workflow`
 * leaves this stack alone).
 */
export class ApiGatewayAccountStack extends StepgateStack {
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: StackId, { config }: ApiGatewayAccountStackProps) {
    super(scope, id, { config, tags: { ...config.tags }, hasLogGroups: false });
    const partition = new DataAwsPartition(this, "partition");
    const assumeRole = new DataAwsIamPolicyDocument(this, "assume_role", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["apigateway.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "role", {
      name: apiGatewayCloudWatchRoleName(config.region),
      assumeRolePolicy: assumeRole.json,
    });
    const policy = new IamRolePolicyAttachment(this, "role_policy", {
      role: role.name,
      policyArn: `arn:${partition.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
    });
    this.account = new ApiGatewayAccount(this, "account", {
      cloudwatchRoleArn: role.arn,
      dependsOn: [policy],
    });
  }
}
