import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayIntegration, type ApiGatewayIntegrationConfig } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformLocal, TerraformStack, Testing } from "cdktf";
import { redeployedOnChangeOf, stageLogGroups } from "../../stacks/constructs/stage";
import { terraformLiteral } from "../../stacks/constructs/template-file";
import { only, redeploymentTrigger, testApp } from "../support/stacks";

describe("redeployedOnChangeOf", () => {
  type IntegrationArguments = Omit<ApiGatewayIntegrationConfig, "restApiId" | "resourceId">;
  const INTEGRATION: IntegrationArguments = {
    httpMethod: "POST",
    type: "AWS",
    uri: "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution",
    requestTemplates: { "application/json": '{"input": "$util.escapeJavaScript($input.body)"}', "text/plain": "{}" },
  };

  /**
   * A stack whose deployment follows an API and one integration on it (with these arguments; its
   * credentials a local value, as the workflow ARNs are); `after` runs once the deployment exists.
   */
  function synth(integration: IntegrationArguments = INTEGRATION, after: (shaper: ApiGatewayIntegration) => void = () => {}) {
    const stack = new TerraformStack(testApp(), "s");
    const api = new ApiGatewayRestApi(stack, "a", { name: "a" });
    const role = new TerraformLocal(stack, "role_arn", "arn:aws:iam::123456789012:role/r");
    const shaper = new ApiGatewayIntegration(stack, "integration", {
      restApiId: api.id,
      resourceId: api.rootResourceId,
      credentials: role.asString,
      ...integration,
    });
    new ApiGatewayDeployment(stack, "deployment", { restApiId: api.id, ...redeployedOnChangeOf([api, shaper]) });
    after(shaper);
    return Testing.synth(stack);
  }
  const trigger = (synthesized: string) => redeploymentTrigger(synthesized, "aws_api_gateway_deployment");

  it("hashes what is configured: the same arguments give the same trigger, whatever order they and their map keys were written in", () => {
    const reordered: IntegrationArguments = {
      requestTemplates: { "text/plain": "{}", "application/json": INTEGRATION.requestTemplates?.["application/json"] ?? "" },
      uri: INTEGRATION.uri,
      type: "AWS",
      httpMethod: "POST",
    };
    expect(trigger(synth(reordered))).toEqual(trigger(synth()));
    expect(trigger(synth())).toEqual(trigger(synth()));
  });

  it("changes the digest when one argument of one shaper changes, and only the digest", () => {
    const changed = trigger(synth({ ...INTEGRATION, requestTemplates: { ...INTEGRATION.requestTemplates, "text/plain": '{"changed": true}' } }));
    expect(changed.digest).not.toBe(trigger(synth()).digest);
    expect(changed.references).toEqual(trigger(synth()).references);
  });

  it("has Terraform hash each reference's value beside the digest: every distinct one, once, sorted, each an attribute, never a whole resource", () => {
    // The API's id is referenced twice: as rest_api_id, and inside a template.
    const { references } = trigger(synth({ ...INTEGRATION, requestTemplates: { "application/json": '{"api": "${aws_api_gateway_rest_api.a.id}"}' } }));
    expect(references).toEqual(["aws_api_gateway_rest_api.a.id", "aws_api_gateway_rest_api.a.root_resource_id", "local.role_arn"]);
    expect(only(synth(), "aws_api_gateway_deployment").props.triggers.redeployment).not.toMatch(/\baws_\w+\.\w+(?![.\w])/);
  });

  it("reads Terraform's escapes as text: a template's own ${...} is no reference", () => {
    const vtl = { "application/json": terraformLiteral('{"body": "${input.body}", "ids": "%{ids}"}') };
    const escaped = trigger(synth({ ...INTEGRATION, requestTemplates: vtl }));
    expect(escaped.references).toEqual(trigger(synth()).references);
  });

  it("reads the shapers at synth, so an override made after the deployment counts", () => {
    const overridden = trigger(synth(INTEGRATION, (shaper) => shaper.addOverride("timeout_milliseconds", 1000)));
    expect(overridden.digest).not.toBe(trigger(synth()).digest);
  });

  it("leaves out how Terraform manages a shaper (dependencies, lifecycle, construct metadata)", () => {
    const managed = trigger(
      synth(INTEGRATION, (shaper) => {
        shaper.addOverride("depends_on", ["aws_api_gateway_rest_api.a"]);
        shaper.addOverride("lifecycle", { create_before_destroy: true });
        shaper.addOverride("//", { metadata: { path: "elsewhere" } });
      }),
    );
    expect(managed).toEqual(trigger(synth()));
  });

  it("depends on every shaper and replaces new-before-old", () => {
    expect(synth()).toHaveResourceWithProperties(ApiGatewayDeployment, {
      lifecycle: { create_before_destroy: true },
      depends_on: ["aws_api_gateway_rest_api.a", "aws_api_gateway_integration.integration"],
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
