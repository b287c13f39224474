import { ConfigError, loadConfig } from "../../stacks/config/load";
import { PROJECT_DIR } from "../support/stacks";

/** The problems `loadConfig` reports for these settings (none: an empty list). */
function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ env, context: () => undefined, projectDir: PROJECT_DIR, onPath: () => true });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}
const ZONE = "Z0123456789ABC";
const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
const WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/0123abcd-0000-0000-0000-000000000000";

describe("edgeProblems: the edge settings taken together", () => {
  it.each([
    ["a REST name and a zone", { STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_HOSTED_ZONE_ID: ZONE }],
    [
      "both names and a certificate",
      { STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_WS_DOMAIN_NAME: "ws.example.com", STEPGATE_CERTIFICATE_ARN: CERTIFICATE },
    ],
    ["a web ACL in the region", { STEPGATE_REST_WAF_ACL_ARN: WEB_ACL }],
  ])("accept %s", (_name, env) => {
    expect(problems(env)).toEqual([]);
  });

  it("refuse a name without a zone or a certificate, one line per name, all at once", () => {
    expect(problems({ STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_WS_DOMAIN_NAME: "ws.example.com", STEPGATE_LOG_LEVEL: "x" })).toEqual([
      expect.stringMatching(/^STEPGATE_LOG_LEVEL=/),
      'STEPGATE_REST_DOMAIN_NAME="api.example.com" (from environment): needs STEPGATE_HOSTED_ZONE_ID (stepgate then creates and validates the certificate) or STEPGATE_CERTIFICATE_ARN',
      'STEPGATE_WS_DOMAIN_NAME="ws.example.com" (from environment): needs STEPGATE_HOSTED_ZONE_ID (stepgate then creates and validates the certificate) or STEPGATE_CERTIFICATE_ARN',
    ]);
  });

  it.each([["https://api.example.com"], ["api.example.com/"], ["API.example.com"], ["localhost"], ["api_1.example.com"]])(
    "refuse a name that is not a host name: %s",
    (name) => {
      expect(problems({ STEPGATE_REST_DOMAIN_NAME: name, STEPGATE_HOSTED_ZONE_ID: ZONE })).toEqual([
        `STEPGATE_REST_DOMAIN_NAME=${JSON.stringify(name)} (from environment): expected a host name such as api.example.com, not the WebSocket API's`,
      ]);
    },
  );

  it("refuse one name for both APIs: API Gateway cannot serve them on one custom domain", () => {
    expect(problems({ STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_WS_DOMAIN_NAME: "api.example.com", STEPGATE_HOSTED_ZONE_ID: ZONE })).toEqual([
      'STEPGATE_WS_DOMAIN_NAME="api.example.com" (from environment): must differ from STEPGATE_REST_DOMAIN_NAME: API Gateway cannot serve a WebSocket and a REST API on one custom domain',
    ]);
  });

  it("refuse both a zone and a certificate, and either without a name", () => {
    expect(problems({ STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_HOSTED_ZONE_ID: ZONE, STEPGATE_CERTIFICATE_ARN: CERTIFICATE })).toEqual([
      `STEPGATE_HOSTED_ZONE_ID="${ZONE}" (from environment): set it or STEPGATE_CERTIFICATE_ARN, not both`,
    ]);
    expect(problems({ STEPGATE_HOSTED_ZONE_ID: ZONE })).toEqual([
      `STEPGATE_HOSTED_ZONE_ID="${ZONE}" (from environment): used only with STEPGATE_REST_DOMAIN_NAME or STEPGATE_WS_DOMAIN_NAME`,
    ]);
    expect(problems({ STEPGATE_CERTIFICATE_ARN: CERTIFICATE })).toEqual([
      `STEPGATE_CERTIFICATE_ARN="${CERTIFICATE}" (from environment): used only with STEPGATE_REST_DOMAIN_NAME or STEPGATE_WS_DOMAIN_NAME`,
    ]);
  });

  it("refuse a certificate or a web ACL of another region", () => {
    const certificate = CERTIFICATE.replace("us-east-1", "eu-west-1");
    const webAcl = WEB_ACL.replace("us-east-1", "eu-west-1");
    expect(problems({ STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_CERTIFICATE_ARN: certificate, STEPGATE_REST_WAF_ACL_ARN: webAcl })).toEqual([
      `STEPGATE_CERTIFICATE_ARN="${certificate}" (from environment): a regional custom domain's certificate must be in STEPGATE_REGION (us-east-1), not eu-west-1`,
      `STEPGATE_REST_WAF_ACL_ARN="${webAcl}" (from environment): the web ACL must be in STEPGATE_REGION (us-east-1), not eu-west-1`,
    ]);
    expect(
      problems({
        STEPGATE_REGION: "eu-west-1",
        STEPGATE_REST_DOMAIN_NAME: "api.example.com",
        STEPGATE_CERTIFICATE_ARN: certificate,
        STEPGATE_REST_WAF_ACL_ARN: webAcl,
      }),
    ).toEqual([]);
  });

  it.each([
    ["STEPGATE_HOSTED_ZONE_ID", "zone-1"],
    ["STEPGATE_CERTIFICATE_ARN", "arn:aws:iam::123456789012:role/x"],
    ["STEPGATE_REST_WAF_ACL_ARN", "arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/0000"],
  ])("refuse %s=%j, saying what it accepts", (name, value) => {
    // Refused values stand in as not set: no second line about the name's zone or certificate.
    const found = problems({ STEPGATE_REST_DOMAIN_NAME: "api.example.com", STEPGATE_HOSTED_ZONE_ID: ZONE, [name]: value });
    expect(found.filter((p) => !p.startsWith('STEPGATE_HOSTED_ZONE_ID="Z'))).toEqual([expect.stringMatching(new RegExp(`^${name}=.*: expected `))]);
  });

  describe("REST sign-in", () => {
    const POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";

    it.each([
      ["COGNITO with a user pool", { STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: POOL }],
      [
        "COGNITO with scopes, without the key",
        {
          STEPGATE_REST_AUTH: "COGNITO",
          STEPGATE_COGNITO_USER_POOL_ARNS: POOL,
          STEPGATE_COGNITO_SCOPES: "stepgate/invoke,openid",
          STEPGATE_REST_API_KEY_REQUIRED: "false",
        },
      ],
      ["AWS_IAM without the key", { STEPGATE_REST_AUTH: "AWS_IAM", STEPGATE_REST_API_KEY_REQUIRED: "false" }],
    ])("accept %s", (_name, env) => {
      expect(problems(env)).toEqual([]);
    });

    it("refuse COGNITO without a user pool, pools or scopes without COGNITO, and an API that needs no credential at all", () => {
      expect(problems({ STEPGATE_REST_AUTH: "COGNITO" })).toEqual(['STEPGATE_REST_AUTH="COGNITO" (from environment): needs STEPGATE_COGNITO_USER_POOL_ARNS']);
      expect(problems({ STEPGATE_COGNITO_USER_POOL_ARNS: POOL, STEPGATE_COGNITO_SCOPES: "a/b" })).toEqual([
        `STEPGATE_COGNITO_USER_POOL_ARNS="${POOL}" (from environment): used only with STEPGATE_REST_AUTH=COGNITO`,
        'STEPGATE_COGNITO_SCOPES="a/b" (from environment): used only with STEPGATE_REST_AUTH=COGNITO',
      ]);
      expect(problems({ STEPGATE_REST_API_KEY_REQUIRED: "false", STEPGATE_REST_SEND_API_KEY_VALUE: "true" })).toEqual([
        'STEPGATE_REST_SEND_API_KEY_VALUE="true" (from environment): needs the API key (STEPGATE_REST_API_KEY_REQUIRED=true)',
        'STEPGATE_REST_API_KEY_REQUIRED="false" (from environment): with STEPGATE_REST_AUTH=API_KEY the key is the only credential, so the REST API would be open to anyone',
      ]);
    });

    it.each([
      ["STEPGATE_REST_AUTH", "LAMBDA"],
      ["STEPGATE_COGNITO_USER_POOL_ARNS", "us-east-1_AbC123"],
      ["STEPGATE_COGNITO_USER_POOL_ARNS", `${POOL},${POOL}`],
      ["STEPGATE_COGNITO_SCOPES", "has space"],
      ["STEPGATE_REST_API_KEY_REQUIRED", "no"],
    ])("refuse %s=%j, saying what it accepts", (name, value) => {
      const found = problems({ STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: POOL, [name]: value });
      expect(found.filter((p) => p.startsWith(`${name}=`))).toEqual([expect.stringMatching(new RegExp(`^${name}=.*: expected `))]);
    });
  });
});
