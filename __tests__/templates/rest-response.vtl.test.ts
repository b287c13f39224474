import { integrationAnswer } from "../../local/gateway";
import { deployedApis } from "../support/deployed-templates";

/** A StartSyncExecution result (HTTP 200), as Step Functions sends it. */
function result(fields: Record<string, unknown>): string {
  return JSON.stringify({
    executionArn: "arn:aws:states:us-east-1:123456789012:express:stepgate-workflow:0b1c:2d3e",
    stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:stepgate-workflow",
    name: "0b1c",
    startDate: 1.652472014974e9,
    stopDate: 1.652472019978e9,
    input: "{}",
    inputDetails: { included: true },
    billingDetails: { billedDurationInMilliseconds: 3100, billedMemoryUsedInMB: 64 },
    ...fields,
  });
}

describe("templates/rest-response.vtl, as deployed (StartSyncExecution answered 200)", () => {
  const { responses } = deployedApis().rest;
  const answer = (fields: Record<string, unknown>) => {
    const answered = integrationAnswer(responses, { statusCode: 200, body: result(fields) });
    return { status: answered?.statusCode, body: JSON.parse(answered?.body ?? "") };
  };

  it.each([
    ["an object", { first_name: "Jane", last_name: "Doe" }],
    ["an array", [1, "two", { three: 3 }]],
    ["a string with quotes and an apostrophe", `say "it's"`],
    ["a number", 42],
    ["null", null],
  ])("returns 200 with the output of a SUCCEEDED execution: %s", (_name, output) => {
    expect(answer({ status: "SUCCEEDED", output: JSON.stringify(output) })).toEqual({ status: 200, body: output });
  });

  it.each([
    ["plain text", "States.TaskFailed", "The task failed"],
    ["quotes and an apostrophe", 'My"Error', `it's "bad"`],
    ["backslashes and newlines", "C:\\err", "line 1\nline 2\\n\r\t"],
    ["JSON", "Custom.Json", '{"errorMessage":"boom","trace":["a","b"]}'],
    ["unicode", "Fehler", "Größe überschritten 😀 \u2028"],
  ])("returns 500 with {error, cause} of a FAILED execution whose error and cause hold %s", (_name, error, cause) => {
    expect(answer({ status: "FAILED", error, cause })).toEqual({ status: 500, body: { error, cause } });
  });

  it("returns 500 with empty strings when a FAILED execution has no error or cause", () => {
    expect(answer({ status: "FAILED" })).toEqual({ status: 500, body: { error: "", cause: "" } });
  });

  it("returns 504 with a JSON error when the execution TIMED_OUT", () => {
    expect(answer({ status: "TIMED_OUT", cause: "The execution timed out" })).toEqual({
      status: 504,
      body: { error: "States.Timeout", cause: "The execution timed out" },
    });
    expect(answer({ status: "TIMED_OUT", error: "States.Timeout" }).body.error).toBe("States.Timeout");
  });
});
