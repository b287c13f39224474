import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { address, configWith, only, synthApi } from "../support/stacks";

describe("UsagePlan", () => {
  const synthesized = synthApi();

  it("throttles and limits each key, bound to the REST stage once it exists", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayUsagePlan, {
      name: "stepgate-rest",
      api_stages: [
        {
          api_id: `\${${address(synthesized, "aws_api_gateway_rest_api")}.id}`,
          // A reference to the stage, not its name as text: the plan is created after the stage.
          stage: `\${${address(synthesized, "aws_api_gateway_stage")}.stage_name}`,
        },
      ],
      throttle_settings: { rate_limit: 10, burst_limit: 20 },
      quota_settings: { limit: 10000, period: "DAY" },
    });
  });

  it("binds one API key, whose value AWS generates", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayApiKey, { name: "stepgate-rest", enabled: true });
    expect(only(synthesized, "aws_api_gateway_api_key").props.value).toBeUndefined();
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayUsagePlanKey, {
      key_id: `\${${address(synthesized, "aws_api_gateway_api_key")}.id}`,
      usage_plan_id: `\${${address(synthesized, "aws_api_gateway_usage_plan")}.id}`,
      key_type: "API_KEY",
    });
  });

  it("takes throttling and quota from the settings", () => {
    const custom = synthApi(
      configWith({
        STEPGATE_REST_RATE_LIMIT: "0.5",
        STEPGATE_REST_BURST_LIMIT: "1",
        STEPGATE_QUOTA_LIMIT: "500",
        STEPGATE_QUOTA_PERIOD: "MONTH",
      }),
    );
    expect(custom).toHaveResourceWithProperties(ApiGatewayUsagePlan, {
      throttle_settings: { rate_limit: 0.5, burst_limit: 1 },
      quota_settings: { limit: 500, period: "MONTH" },
    });
  });

  it("covers the WebSocket stage too when $connect requires an API key", () => {
    const custom = synthApi(configWith({ STEPGATE_WS_CONNECT_AUTH: "API_KEY" }));
    expect(only(custom, "aws_api_gateway_usage_plan").props.api_stages).toEqual([
      expect.objectContaining({ api_id: `\${${address(custom, "aws_api_gateway_rest_api")}.id}` }),
      {
        api_id: `\${${address(custom, "aws_apigatewayv2_api")}.id}`,
        stage: `\${${address(custom, "aws_apigatewayv2_stage")}.name}`,
      },
    ]);
  });
});
