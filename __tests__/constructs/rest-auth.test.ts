import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import type { Construct } from "constructs";
import { RestAuth, type RestAuthProps } from "../../stacks/constructs/rest-auth";
import { address, resources, synthScope } from "../support/stacks";

const POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";
function build(props: Partial<RestAuthProps> = {}) {
  let auth: RestAuth | undefined;
  const synthesized = synthScope((scope) => {
    auth = new RestAuth(scope as Construct, "auth", { restApiId: "rest-id", name: "test-rest", ...props });
  });
  return { synthesized, auth: auth as RestAuth };
}

describe("RestAuth", () => {
  it("API_KEY (the default): no authorization but the key, nothing created, the template as before", () => {
    const { synthesized, auth } = build();
    expect(auth.methodProps).toEqual({ authorization: "NONE", apiKeyRequired: true });
    expect(auth.templateValues).toEqual({ API_KEY_ID: "$context.identity.apiKeyId", CALLER: "" });
    expect(resources(synthesized, "aws_api_gateway_authorizer")).toEqual([]);
    expect(build({ mode: "API_KEY", apiKeyRequired: false }).auth.methodProps.apiKeyRequired).toBe(true);
  });

  it("COGNITO: a user pool authorizer on the Authorization header, ID tokens without scopes", () => {
    const { synthesized, auth } = build({ mode: "COGNITO", userPoolArns: [POOL] });
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayAuthorizer, {
      rest_api_id: "rest-id",
      name: "test-rest",
      type: "COGNITO_USER_POOLS",
      provider_arns: [POOL],
      identity_source: "method.request.header.Authorization",
    });
    expect(auth.methodProps.authorization).toBe("COGNITO_USER_POOLS");
    expect(auth.methodProps.authorizationScopes).toBeUndefined();
    expect(auth.methodProps.apiKeyRequired).toBe(true);
    expect(auth.resources.map((r) => r.friendlyUniqueId)).toEqual([address(synthesized, "aws_api_gateway_authorizer").split(".")[1]]);
    expect(auth.templateValues.CALLER).toContain("$!context.authorizer.claims.sub");
  });

  it("COGNITO with scopes: access tokens carrying one of them; the key can be dropped", () => {
    const { auth } = build({ mode: "COGNITO", userPoolArns: [POOL], scopes: ["stepgate/invoke"], apiKeyRequired: false });
    expect(auth.methodProps).toMatchObject({ authorizationScopes: ["stepgate/invoke"], apiKeyRequired: false });
    expect(auth.templateValues.API_KEY_ID).toBe('"$!context.identity.apiKeyId"');
  });

  it("AWS_IAM: SigV4, the signer's ARN in apiInfo", () => {
    const { synthesized, auth } = build({ mode: "AWS_IAM" });
    expect(auth.methodProps).toEqual({ authorization: "AWS_IAM", apiKeyRequired: true });
    expect(auth.templateValues.CALLER).toContain("$!context.identity.userArn");
    expect(resources(synthesized, "aws_api_gateway_authorizer")).toEqual([]);
  });

  it("refuses COGNITO without a user pool", () => {
    expect(() => build({ mode: "COGNITO" })).toThrow("at least one user pool");
  });
});
