import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { GATEWAY_RESPONSE_TEMPLATE, RestCors } from "../../stacks/constructs/cors";
import { resources, synthScope } from "../support/stacks";

const REST_API_ID = "abc123";
const ROOT = "root-id";
const synth = (origins: string[]) =>
  synthScope((scope) => {
    const cors = new RestCors(scope, "cors", { restApiId: REST_API_ID, origins });
    cors.preflight("root", ROOT, ["POST"]);
  });

describe("RestCors", () => {
  describe.each([["https://app.example.com"], ["*"]])("with the one origin %s", (origin) => {
    const synthesized = synth([origin]);

    it("adds an OPTIONS preflight: a mock, with neither API key nor authorization", () => {
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayMethod, {
        rest_api_id: REST_API_ID,
        resource_id: ROOT,
        http_method: "OPTIONS",
        authorization: "NONE",
        api_key_required: false,
      });
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayIntegration, {
        type: "MOCK",
        request_templates: { "application/json": '{"statusCode": 200}' },
      });
    });

    it("answers the preflight with the allowed methods, headers and the origin", () => {
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayMethodResponse, {
        status_code: "200",
        response_parameters: {
          "method.response.header.Access-Control-Allow-Headers": true,
          "method.response.header.Access-Control-Allow-Methods": true,
          "method.response.header.Access-Control-Allow-Origin": true,
        },
      });
      expect(synthesized).toHaveResourceWithProperties(ApiGatewayIntegrationResponse, {
        status_code: "200",
        response_parameters: {
          "method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Api-Key,Authorization'",
          "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,POST'",
          "method.response.header.Access-Control-Allow-Origin": `'${origin}'`,
        },
      });
    });

    it("adds the origin to API Gateway's own errors (4xx and 5xx), their default body kept", () => {
      for (const responseType of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
        expect(synthesized).toHaveResourceWithProperties(ApiGatewayGatewayResponse, {
          rest_api_id: REST_API_ID,
          response_type: responseType,
          response_parameters: { "gatewayresponse.header.Access-Control-Allow-Origin": `'${origin}'` },
          response_templates: { "application/json": GATEWAY_RESPONSE_TEMPLATE },
        });
      }
      expect(resources(synthesized, "aws_api_gateway_gateway_response")).toHaveLength(2);
    });

    it("never allows credentials", () => {
      expect(synthesized).not.toContain("Access-Control-Allow-Credentials");
    });
  });

  describe("with several origins", () => {
    const synthesized = synth(["https://app.example.com", "http://localhost:3000"]);

    it("echoes a listed Origin from the preflight's template, with Vary: Origin, and no fixed origin", () => {
      const [response] = resources(synthesized, "aws_api_gateway_integration_response");
      expect(response.props.response_parameters["method.response.header.Access-Control-Allow-Origin"]).toBeUndefined();
      const template = response.props.response_templates["application/json"];
      expect(template).toContain('#if($corsOrigin == "https://app.example.com" || $corsOrigin == "http://localhost:3000")');
      expect(template).toContain('#set($context.responseOverride.header.Vary = "Origin")');
    });

    it("adds no gateway responses: they cannot choose an origin, and echoing any would allow every site", () => {
      expect(resources(synthesized, "aws_api_gateway_gateway_response")).toEqual([]);
    });
  });

  it("refuses an empty list of origins", () => {
    expect(() => synth([])).toThrow("at least one origin");
  });
});
