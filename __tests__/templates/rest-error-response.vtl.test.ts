import { integrationAnswer } from "../../local/gateway";
import { NOT_STARTED } from "../../verify/promises";
import { deployedApis } from "../support/deployed-templates";

const NAMESPACE = "com.amazonaws.swf.service.v2.model#";
/** Step Functions' refusals that come from stepgate's configuration (the role, the state machine). */
const CONFIGURATION_ERRORS = ["AccessDeniedException", "StateMachineDoesNotExist", "StateMachineDeleting", "InvalidArn", "StateMachineTypeNotSupported"];

describe("templates/rest-error-response.vtl, as deployed (Step Functions refused the call)", () => {
  const { responses } = deployedApis().rest;
  /** What the client gets when Step Functions answers `httpStatus` with this error body. */
  const answer = (httpStatus: number, body: unknown) => {
    const answered = integrationAnswer(responses, { statusCode: httpStatus, body: JSON.stringify(body) });
    if (answered === undefined) throw new Error(`no integration response selects ${httpStatus}`);
    return { status: answered.statusCode, body: JSON.parse(answered.body) };
  };

  it("returns 400 for an input Step Functions refuses, such as one over 256 KB", () => {
    const cause = "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144";
    expect(answer(400, { __type: `${NAMESPACE}ValidationException`, message: cause })).toEqual({
      status: 400,
      body: { error: "ValidationException", cause },
    });
    expect(answer(400, { __type: `${NAMESPACE}InvalidExecutionInput`, message: "Invalid 'input': \"x\"" }).body).toEqual({
      error: "InvalidExecutionInput",
      cause: "Invalid 'input': \"x\"",
    });
  });

  it("returns 429 when Step Functions throttles", () => {
    expect(answer(400, { __type: `${NAMESPACE}ThrottlingException`, message: "Rate exceeded" }).status).toBe(429);
  });

  it.each(CONFIGURATION_ERRORS)("returns 500 for %s: stepgate's configuration is wrong, not the request", (error) => {
    expect(answer(400, { __type: error, Message: "nope" })).toEqual({ status: 500, body: { error, cause: "nope" } });
  });

  it("answers 500 for exactly the errors npm run verify reads as 'Step Functions did not start the workflow'", () => {
    expect([...NOT_STARTED].sort()).toEqual([...CONFIGURATION_ERRORS].sort());
  });

  it("returns 502 when Step Functions fails", () => {
    expect(answer(500, { __type: `${NAMESPACE}InternalFailure`, message: "" })).toEqual({
      status: 502,
      body: { error: "InternalFailure", cause: "" },
    });
    expect(answer(503, { __type: "ServiceUnavailable" }).status).toBe(502);
  });
});
