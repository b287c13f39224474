import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { UsagePlan, type UsagePlanProps } from "../../stacks/constructs/usage-plan";
import { address, only, synthScope } from "../support/stacks";

const PROPS: UsagePlanProps = {
  name: "test-plan",
  stages: [{ apiId: "rest-id", stage: "api" }],
  rateLimit: 10,
  burstLimit: 20,
  quotaLimit: 10000,
  quotaPeriod: "DAY",
};
const synth = (props: Partial<UsagePlanProps> = {}) => synthScope((scope) => new UsagePlan(scope, "usage_plan", { ...PROPS, ...props }));

describe("UsagePlan", () => {
  const synthesized = synth();

  it("throttles and limits each key, on the stages it is given", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayUsagePlan, {
      name: "test-plan",
      api_stages: [{ api_id: "rest-id", stage: "api" }],
      throttle_settings: { rate_limit: 10, burst_limit: 20 },
      quota_settings: { limit: 10000, period: "DAY" },
    });
  });

  it("binds one API key, whose value AWS generates", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayApiKey, { name: "test-plan", enabled: true });
    expect(only(synthesized, "aws_api_gateway_api_key").props.value).toBeUndefined();
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayUsagePlanKey, {
      key_id: `\${${address(synthesized, "aws_api_gateway_api_key")}.id}`,
      usage_plan_id: `\${${address(synthesized, "aws_api_gateway_usage_plan")}.id}`,
      key_type: "API_KEY",
    });
  });

  it("takes several stages, throttling and quota from its props", () => {
    const custom = synth({
      stages: [
        { apiId: "rest-id", stage: "api" },
        { apiId: "ws-id", stage: "live" },
      ],
      rateLimit: 0.5,
      burstLimit: 1,
      quotaLimit: 500,
      quotaPeriod: "MONTH",
    });
    expect(custom).toHaveResourceWithProperties(ApiGatewayUsagePlan, {
      api_stages: [
        { api_id: "rest-id", stage: "api" },
        { api_id: "ws-id", stage: "live" },
      ],
      throttle_settings: { rate_limit: 0.5, burst_limit: 1 },
      quota_settings: { limit: 500, period: "MONTH" },
    });
  });
});
