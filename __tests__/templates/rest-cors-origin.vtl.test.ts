import { integrationAnswer } from "../../local/gateway";
import { deployedApis } from "../support/deployed-templates";
import { configWith } from "../support/stacks";

/** A Step Functions answer for each status a client can get from the method. */
const ANSWERS: ReadonlyArray<readonly [status: number, statusCode: number, body: object]> = [
  [200, 200, { status: "SUCCEEDED", output: '{"ok":true}' }],
  [500, 200, { status: "FAILED", error: "E", cause: "c" }],
  [504, 200, { status: "TIMED_OUT" }],
  [400, 400, { __type: "com.amazonaws.swf.service.v2.model#ValidationException", message: "too big" }],
  [429, 400, { __type: "com.amazonaws.swf.service.v2.model#ThrottlingException", message: "slow down" }],
  [502, 503, { __type: "com.amazonaws.swf.service.v2.model#ServiceUnavailable", message: "down" }],
];
const LISTED = "http://localhost:3000";

describe("templates/rest-cors-origin.vtl, as deployed with several origins (STEPGATE_CORS_ORIGINS)", () => {
  const { responses, preflight } = deployedApis(configWith({ STEPGATE_CORS_ORIGINS: `https://app.example.com,${LISTED}` })).rest;
  const plain = deployedApis().rest.responses;
  const answer = (statusCode: number, body: object, headers: Record<string, string>) =>
    integrationAnswer(responses, { statusCode, body: JSON.stringify(body) }, headers);

  it.each(ANSWERS)("%s: echoes a listed Origin, whatever its case in the header name, with Vary: Origin, the body unchanged", (status, statusCode, body) => {
    for (const name of ["Origin", "origin"]) {
      const answered = answer(statusCode, body, { [name]: LISTED });
      expect(answered?.statusCode).toBe(status);
      expect(answered?.headers).toEqual({ "Access-Control-Allow-Origin": LISTED, Vary: "Origin" });
      const without = integrationAnswer(plain, { statusCode, body: JSON.stringify(body) });
      expect(JSON.parse(answered?.body ?? "")).toEqual(JSON.parse(without?.body ?? ""));
    }
  });

  it.each(ANSWERS)("%s: gives no Access-Control-Allow-Origin to an Origin not listed, or to none", (_status, statusCode, body) => {
    for (const origin of ["https://evil.example.com", "https://app.example.com.evil.example", "null", ""]) {
      expect(answer(statusCode, body, { origin })?.headers).toEqual({ Vary: "Origin" });
    }
    expect(answer(statusCode, body, {})?.headers).toEqual({ Vary: "Origin" });
  });

  it("answers the preflight with the methods and headers, and the listed origin only", () => {
    const answered = integrationAnswer(preflight ? [preflight] : [], { statusCode: 200, body: "" }, { origin: LISTED });
    expect(answered?.headers).toEqual({
      "Access-Control-Allow-Headers": "Content-Type,X-Api-Key,Authorization",
      "Access-Control-Allow-Methods": "OPTIONS,POST",
      "Access-Control-Allow-Origin": LISTED,
      Vary: "Origin",
    });
    expect(integrationAnswer(preflight ? [preflight] : [], { statusCode: 200, body: "" }, { origin: "https://evil.example.com" })?.headers).not.toHaveProperty(
      "Access-Control-Allow-Origin",
    );
  });
});

describe("CORS with one origin, as deployed: a fixed header on every answer", () => {
  it.each(ANSWERS)("%s", (status, statusCode, body) => {
    const { responses, gatewayResponseHeaders } = deployedApis(configWith({ STEPGATE_CORS_ORIGINS: "https://app.example.com" })).rest;
    const answered = integrationAnswer(responses, { statusCode, body: JSON.stringify(body) }, { origin: "https://other.example.com" });
    expect(answered?.statusCode).toBe(status);
    expect(answered?.headers).toEqual({ "Access-Control-Allow-Origin": "https://app.example.com" });
    expect(gatewayResponseHeaders).toEqual({
      DEFAULT_4XX: { "Access-Control-Allow-Origin": "https://app.example.com" },
      DEFAULT_5XX: { "Access-Control-Allow-Origin": "https://app.example.com" },
    });
  });
});
