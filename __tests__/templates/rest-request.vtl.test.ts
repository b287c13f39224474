import { configWith } from "../support/stacks";
import { deployedApis, STATE_MACHINE_ARN } from "../support/deployed-templates";
import { MAX_INPUT_BYTES } from "../../local/step-functions";
import { PAYLOADS } from "../support/payloads";
import { renderVtl } from "../../local/vtl";

const CONTEXT = {
  httpMethod: "POST",
  resourcePath: "/",
  stage: "api",
  requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  extendedRequestId: "cKpA3HtHIAMEXyw=",
  identity: { apiKeyId: "a1b2c3d4e5", apiKey: "s3cr3t-key-value-0123456789abcdef", sourceIp: "198.51.100.7" },
};

describe("templates/rest-request.vtl, as deployed", () => {
  const template = deployedApis().rest.requestTemplates["application/json"];
  const startSyncExecution = (body: string, tpl = template, context: Record<string, unknown> = CONTEXT) => JSON.parse(renderVtl(tpl, { body, context }).output);

  it.each(PAYLOADS)('sends a body with %s as {"data": <body>, "apiInfo": {...}}, the execution named after the request', (_name, body) => {
    const request = startSyncExecution(body);
    expect(request.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(request.name).toBe("cKpA3HtHIAMEXyw");
    expect(JSON.parse(request.input)).toEqual({
      data: JSON.parse(body),
      apiInfo: { httpMethod: "POST", resourcePath: "/", stage: "api", requestId: CONTEXT.requestId, apiKeyId: "a1b2c3d4e5" },
    });
  });

  it.each([
    ["just under", -1],
    ["just over", 1],
  ])("sends a body that makes the input %s Step Functions' 256 KB whole (Step Functions judges its size)", (_name, offset) => {
    const overhead = Buffer.byteLength(startSyncExecution('{"pad":""}').input) - Buffer.byteLength('{"pad":""}');
    const body = JSON.stringify({
      pad: "é".repeat(Math.floor((MAX_INPUT_BYTES - overhead - 10 + offset) / 2)) + "x".repeat((((MAX_INPUT_BYTES - overhead - 10 + offset) % 2) + 2) % 2),
    });
    const request = startSyncExecution(body);
    expect(Buffer.byteLength(request.input) - MAX_INPUT_BYTES).toBe(offset);
    expect(JSON.parse(request.input).data).toEqual(JSON.parse(body));
  });

  it("keeps the API key's value out of the execution input by default", () => {
    expect(startSyncExecution("{}").input).not.toContain(CONTEXT.identity.apiKey);
  });

  it("sends the API key's value, as the seed does, only when STEPGATE_REST_SEND_API_KEY_VALUE is true", () => {
    const withValue = deployedApis(configWith({ STEPGATE_REST_SEND_API_KEY_VALUE: "true" })).rest.requestTemplates["application/json"];
    expect(JSON.parse(startSyncExecution(`{"it's":1}`, withValue).input).apiInfo).toEqual(
      expect.objectContaining({ apiKeyId: "a1b2c3d4e5", apiKey: CONTEXT.identity.apiKey }),
    );
  });

  describe("names the execution after $context.extendedRequestId, never $context.requestId (a client can set it)", () => {
    const named = (extendedRequestId: unknown) => startSyncExecution('{"a":1}', template, { ...CONTEXT, extendedRequestId });

    it.each([
      ["API Gateway's form, base64 with padding", "cKpA3HtHIAMEXyw=", "cKpA3HtHIAMEXyw"],
      ["with + and /", "a+b/c=d==", "abcd"],
      ["with spaces, quotes, unicode and VTL", " x\"y'z é $input.body ", "xyzinputbody"],
      ["hyphens and underscores, kept", "A-b_C-9", "A-b_C-9"],
      ["exactly 80 characters", "x".repeat(80), "x".repeat(80)],
      ["over 80 characters, cut to 80", `${"y".repeat(79)}=${"z".repeat(30)}`, `${"y".repeat(79)}${"z"}`],
    ])("%s", (_case, id, name) => {
      const request = named(id);
      expect(request.name).toBe(name);
      expect(request.name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      expect(request.name).not.toContain(CONTEXT.requestId);
    });

    it.each([
      ["missing", undefined],
      ["empty", ""],
      ["nothing but characters Step Functions refuses", "+/= ==="],
    ])("leaves the name out when the id is %s: never an empty or invalid name", (_case, id) => {
      const request = named(id);
      expect(Object.keys(request).sort()).toEqual(["input", "stateMachineArn"]);
      expect(JSON.parse(request.input).data).toEqual({ a: 1 });
    });
  });

  describe("puts the caller's identity into apiInfo, never a token", () => {
    const POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";
    const apiInfo = (env: Record<string, string>, context: Record<string, unknown>) =>
      JSON.parse(startSyncExecution('{"a":1}', deployedApis(configWith(env)).rest.requestTemplates["application/json"], context).input).apiInfo;

    it("COGNITO: the token's sub, escaped whatever it holds", () => {
      const claims = { sub: `8f0c'"\\é`, email: "jane@example.com" };
      const info = apiInfo({ STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: POOL }, { ...CONTEXT, authorizer: { claims } });
      expect(info).toEqual({ ...apiInfo({}, CONTEXT), sub: claims.sub });
    });

    it("AWS_IAM: the signer's IAM ARN", () => {
      const userArn = "arn:aws:sts::123456789012:assumed-role/app/session@example.com";
      const info = apiInfo({ STEPGATE_REST_AUTH: "AWS_IAM" }, { ...CONTEXT, identity: { ...CONTEXT.identity, userArn } });
      expect(info).toEqual({ ...apiInfo({}, CONTEXT), userArn });
    });

    it("without the API key, an empty apiKeyId, even when API Gateway gives none", () => {
      const identity = { sourceIp: "198.51.100.7", userArn: "arn:aws:iam::123456789012:user/u" };
      const info = apiInfo({ STEPGATE_REST_AUTH: "AWS_IAM", STEPGATE_REST_API_KEY_REQUIRED: "false" }, { ...CONTEXT, identity });
      expect(info).toMatchObject({ apiKeyId: "", userArn: identity.userArn });
    });

    it("reads no header and no claim but sub: a token never reaches the execution", () => {
      const envs: Record<string, string>[] = [{}, { STEPGATE_REST_AUTH: "AWS_IAM" }, { STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: POOL }];
      for (const env of envs) {
        const tpl = deployedApis(configWith(env)).rest.requestTemplates["application/json"];
        expect(tpl).not.toMatch(/\$input\.params|\$util\.parseJson|Authorization/i);
        expect(tpl.match(/\$!?context\.authorizer\.[\w.]+/g) ?? []).toEqual(env.STEPGATE_REST_AUTH === "COGNITO" ? ["$!context.authorizer.claims.sub"] : []);
      }
    });
  });
});
