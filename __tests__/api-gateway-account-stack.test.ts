import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { ApiGatewayAccountStack } from "../stacks/api-gateway-account-stack";
import { address, configWith, parse, testApp } from "./support/stacks";

describe("ApiGatewayAccountStack", () => {
  const synth = (env: Record<string, string> = {}) => Testing.synth(new ApiGatewayAccountStack(testApp(), "apigw-account", { config: configWith(env) }));
  const synthesized = synth();

  it("sets the region's CloudWatch Logs role for API Gateway, after the role may push logs", () => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: "stepgate-apigateway-cloudwatch-us-east-1" });
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: "arn:${data.aws_partition.partition.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    });
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayAccount, {
      cloudwatch_role_arn: `\${${address(synthesized, "aws_iam_role")}.arn}`,
      depends_on: [address(synthesized, "aws_iam_role_policy_attachment")],
    });
  });

  it("is shared by every copy in the account and region: nothing in it depends on the prefix", () => {
    const a = synth({ STEPGATE_PREFIX: "copy-a" });
    expect(synth({ STEPGATE_PREFIX: "copy-b" })).toBe(a);
    expect(a).not.toContain("copy-a");
    expect(synth({ STEPGATE_REGION: "eu-west-1" })).toHaveResourceWithProperties(IamRole, {
      name: "stepgate-apigateway-cloudwatch-eu-west-1",
    });
  });

  it("keeps its own state", () => {
    expect(parse(synthesized).terraform.backend).toEqual({ local: { path: "../../../terraform.apigw-account.tfstate" } });
    expect(synthesized).toHaveProviderWithProperties(AwsProvider, { default_tags: [{ tags: {} }] });
  });
});
