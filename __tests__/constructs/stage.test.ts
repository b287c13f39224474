import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformStack, Testing } from "cdktf";
import { redeployedOnChangeOf, stageLogGroups } from "../../stacks/constructs/stage";
import { testApp } from "../support/stacks";

describe("redeployedOnChangeOf", () => {
  it("hashes every attribute of every shaping resource, depends on them and replaces new-before-old", () => {
    const stack = new TerraformStack(testApp(), "s");
    const a = new ApiGatewayRestApi(stack, "a", { name: "a" });
    const b = new ApiGatewayRestApi(stack, "b", { name: "b" });
    new ApiGatewayDeployment(stack, "deployment", { restApiId: a.id, ...redeployedOnChangeOf([a, b]) });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayDeployment, {
      triggers: { redeployment: "${sha1(jsonencode([aws_api_gateway_rest_api.a, aws_api_gateway_rest_api.b]))}" },
      lifecycle: { create_before_destroy: true },
      depends_on: ["aws_api_gateway_rest_api.a", "aws_api_gateway_rest_api.b"],
    });
  });
});

describe("stageLogGroups", () => {
  it("creates both groups with the retention", () => {
    const stack = new TerraformStack(testApp(), "s");
    stageLogGroups(stack, { accessLogGroupName: "access", executionLogGroupName: "execution", retentionInDays: 7 });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "access", retention_in_days: 7 });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "execution", retention_in_days: 7 });
  });
});
