import { integrationAnswer } from "../../local/gateway";
import { renderVtl } from "../../local/vtl";
import { asyncTemplates, ORDERS_ARN, RUNNER_ARN } from "../support/async-templates";
import { deployedApis } from "../support/deployed-templates";
import { PAYLOADS } from "../support/payloads";

const EXECUTIONS = `${RUNNER_ARN.replace(":stateMachine:", ":execution:")}:`;
const OWNER = "key:a1b2c3d4e5";
const CONTEXT = { httpMethod: "GET", resourcePath: "/executions/{id}", path: "/api/executions/r1", stage: "api", identity: { apiKeyId: "a1b2c3d4e5" } };
const notFound = (id: string) => ({ error: "ExecutionNotFound", cause: `No execution of yours has the id "${id}"` });

/** DescribeExecution's answer for the runner's execution r1, started by `owner`. */
function described(fields: Record<string, unknown>, owner = OWNER): string {
  return JSON.stringify({
    executionArn: `${EXECUTIONS}r1`,
    stateMachineArn: RUNNER_ARN,
    name: "r1",
    startDate: 1.7e9,
    input: JSON.stringify({ input: { data: {}, apiInfo: {} }, stateMachineArn: ORDERS_ARN, owner }),
    inputDetails: { included: true },
    ...fields,
  });
}

describe("templates/rest-execution-request.vtl, as deployed (GET /executions/{id} -> DescribeExecution)", () => {
  const { rest } = asyncTemplates();
  const executionArn = (id: string) =>
    JSON.parse(renderVtl(rest.execution.requestTemplates["application/json"], { body: "", context: CONTEXT, params: { path: { id } } }).output).executionArn;

  it.each([["cKpA3HtHIAMEXyw"], ["c6af9ac6-7b61-11e6-9a41-93e8deadbeef"], ["a_b"], ["Q".repeat(80)]])("describes the runner's execution %s", (id) => {
    expect(executionArn(id)).toBe(`${EXECUTIONS}${id}`);
  });

  it.each([
    ["", "empty"],
    ["Q".repeat(81), "over 80 characters"],
    ["a:b", "a colon: another state machine's execution"],
    ['x"y', "a quote"],
    ["a b", "a space"],
    ["é", "unicode"],
    ["%2F", "an encoded slash"],
  ])("sends an ARN Step Functions refuses for an id %j (%s), never another resource's", (id) => {
    expect(executionArn(id)).toBe("not-an-execution-id");
  });
});

describe("templates/rest-execution-response.vtl, as deployed (DescribeExecution answered 200)", () => {
  const { rest } = asyncTemplates();
  const get = (body: string, identity: Record<string, unknown> = CONTEXT.identity, id = "r1") => {
    const answer = integrationAnswer(rest.execution.responses, { statusCode: 200, body }, {}, { context: { ...CONTEXT, identity }, pathParameters: { id } });
    return { status: answer?.statusCode, body: JSON.parse(answer?.body ?? "") };
  };
  /** What the synchronous POST answers for a StartSyncExecution result with these fields. */
  const syncAnswer = (fields: Record<string, unknown>) => {
    const answered = integrationAnswer(deployedApis().rest.responses, { statusCode: 200, body: JSON.stringify({ executionArn: "x", ...fields }) });
    return { status: answered?.statusCode, body: JSON.parse(answered?.body ?? "") };
  };

  it("answers 202 RUNNING while the runner runs", () => {
    expect(get(described({ status: "RUNNING" }))).toEqual({ status: 202, body: { executionId: "r1", status: "RUNNING" } });
  });

  it.each(PAYLOADS)("answers a SUCCEEDED workflow whose output has %s exactly as the synchronous POST does", (_name, output) => {
    const outcome = { executionId: "r1", status: "SUCCEEDED", output: JSON.stringify(JSON.parse(output)) };
    expect(get(described({ status: "SUCCEEDED", output: JSON.stringify(outcome) }))).toEqual(syncAnswer({ status: "SUCCEEDED", output: outcome.output }));
    expect(get(described({ status: "SUCCEEDED", output: JSON.stringify(outcome) })).status).toBe(200);
  });

  it.each([
    ["FAILED", "States.TaskFailed", `it's "bad"\n\\`, 500],
    ["TIMED_OUT", "States.Timeout", "The execution timed out", 504],
    ["TIMED_OUT", "", "", 504],
    ["ABORTED", "", "", 500],
  ])("answers a workflow that ended %s (error %j) exactly as the synchronous POST does", (status, error, cause, code) => {
    const outcome = { executionId: "r1", status, error, cause };
    const answer = get(described({ status: "SUCCEEDED", output: JSON.stringify(outcome) }));
    expect(answer).toEqual(syncAnswer({ status, error, cause }));
    expect(answer.status).toBe(code);
  });

  it("answers a runner that failed (its own fault) as a failed execution, with its error and cause", () => {
    expect(get(described({ status: "FAILED", error: "StepFunctions.AccessDeniedException", cause: "not allowed" }))).toEqual({
      status: 500,
      body: { error: "StepFunctions.AccessDeniedException", cause: "not allowed" },
    });
  });

  it("answers the same a second time: reading an outcome changes nothing", () => {
    const body = described({ status: "SUCCEEDED", output: JSON.stringify({ executionId: "r1", status: "SUCCEEDED", output: '{"a":1}' }) });
    expect(get(body)).toEqual(get(body));
  });

  it.each([
    ["another API key", { apiKeyId: "f6g7h8i9j0" }],
    ["no API key", {}],
  ])("answers %s the 404 of an unknown id, word for word, whatever the execution's state", (_name, identity) => {
    for (const fields of [{ status: "RUNNING" }, { status: "SUCCEEDED", output: JSON.stringify({ executionId: "r1", status: "SUCCEEDED", output: "{}" }) }]) {
      expect(get(described(fields), identity)).toEqual({ status: 404, body: notFound("r1") });
    }
  });

  it("answers the 404 to an execution that names no owner (not one the API started)", () => {
    expect(get(JSON.stringify({ name: "r1", status: "RUNNING", input: "{}" }))).toEqual({ status: 404, body: notFound("r1") });
  });
});

describe("templates/rest-execution-error-response.vtl, as deployed (DescribeExecution refused)", () => {
  const { rest } = asyncTemplates();
  const refused = (statusCode: number, type: string, message: string, id = "r1") => {
    const body = JSON.stringify({ __type: `com.amazonaws.swf.service.v2.model#${type}`, message });
    const answer = integrationAnswer(rest.execution.responses, { statusCode, body }, {}, { context: CONTEXT, pathParameters: { id } });
    return { status: answer?.statusCode, body: JSON.parse(answer?.body ?? "") };
  };

  it.each([
    ["an unknown id", "ExecutionDoesNotExist", "r1"],
    ["a malformed id", "InvalidArn", 'a "b" \\ é'],
  ])("answers %s 404, with the body of another caller's execution", (_name, type, id) => {
    expect(refused(400, type, "whatever Step Functions says", id)).toEqual({ status: 404, body: notFound(id) });
  });

  it("answers throttling 429, and stepgate's own misconfiguration 500, as the POST does", () => {
    expect(refused(400, "ThrottlingException", "Rate exceeded")).toEqual({ status: 429, body: { error: "ThrottlingException", cause: "Rate exceeded" } });
    expect(refused(400, "AccessDeniedException", "not allowed")).toEqual({ status: 500, body: { error: "AccessDeniedException", cause: "not allowed" } });
  });

  it("answers a Step Functions outage 502", () => {
    expect(refused(503, "ServiceUnavailable", "down")).toEqual({ status: 502, body: { error: "ServiceUnavailable", cause: "down" } });
  });
});
