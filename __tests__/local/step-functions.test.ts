import { LocalStepFunctions, MAX_INPUT_BYTES } from "../../local/step-functions";

const ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:sm";
const machine = (definition: object, waitScale = 0) =>
  new LocalStepFunctions({ region: "us-east-1", stateMachine: { arn: ARN, name: "sm", definition: definition as Record<string, unknown> }, waitScale });
const ECHO = { StartAt: "Wait", States: { Wait: { Type: "Wait", Seconds: 3, End: true } } };
const call = async (sfn: LocalStepFunctions, request: object | string) => {
  const { statusCode, body } = await sfn.startSyncExecution(typeof request === "string" ? request : JSON.stringify(request));
  return { statusCode, body: JSON.parse(body) };
};

describe("LocalStepFunctions.startSyncExecution", () => {
  it("answers 200 SUCCEEDED with the output and the shape of StartSyncExecution's result", async () => {
    const { statusCode, body } = await call(machine(ECHO), { stateMachineArn: ARN, input: '{"first_name" : "Jane"}' });
    expect(statusCode).toBe(200);
    expect(body).toEqual({
      executionArn: expect.stringMatching(/^arn:aws:states:us-east-1:123456789012:express:sm:[0-9a-f-]{36}:[0-9a-f-]{36}$/),
      stateMachineArn: ARN,
      name: expect.any(String),
      startDate: expect.any(Number),
      stopDate: expect.any(Number),
      status: "SUCCEEDED",
      input: '{"first_name" : "Jane"}',
      inputDetails: { included: true },
      output: '{"first_name":"Jane"}',
      outputDetails: { included: true },
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: expect.any(Number) },
    });
    expect(body.executionArn).toContain(`:${body.name}:`);
  });

  it("answers 200 FAILED with the Fail state's error and cause", async () => {
    const failing = machine({ StartAt: "F", States: { F: { Type: "Fail", Error: 'Bad"Thing', Cause: 'line 1\nit\'s {"json": true}' } } });
    const { statusCode, body } = await call(failing, { stateMachineArn: ARN, input: "{}" });
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ status: "FAILED", error: 'Bad"Thing', cause: 'line 1\nit\'s {"json": true}' });
    expect(body.output).toBeUndefined();
  });

  it("answers 200 TIMED_OUT when the definition's TimeoutSeconds runs out", async () => {
    const slow = machine({ TimeoutSeconds: 1, StartAt: "W", States: { W: { Type: "Wait", Seconds: 2, End: true } } }, 1);
    expect((await call(slow, { stateMachineArn: ARN, input: "{}" })).body).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
  });

  it("scales Wait states: 0 does not wait", async () => {
    const started = Date.now();
    await call(machine({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 30, End: true } } }, 0), { stateMachineArn: ARN });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each([
    ["an input that is not JSON", { stateMachineArn: ARN, input: "hello" }, "InvalidExecutionInput"],
    ["an input over 256 KB", { stateMachineArn: ARN, input: JSON.stringify({ x: "x".repeat(MAX_INPUT_BYTES) }) }, "ValidationException"],
    ["another state machine", { stateMachineArn: `${ARN}-other`, input: "{}" }, "StateMachineDoesNotExist"],
  ])("answers 400 for %s", async (_name, request, error) => {
    const { statusCode, body } = await call(machine(ECHO), request);
    expect(statusCode).toBe(400);
    expect(body.__type).toBe(`com.amazonaws.swf.service.v2.model#${error}`);
    expect(typeof body.message).toBe("string");
  });

  it("takes an input of exactly 256 KB", async () => {
    const input = JSON.stringify({ x: "x".repeat(MAX_INPUT_BYTES - 8) });
    expect(Buffer.byteLength(input)).toBe(MAX_INPUT_BYTES);
    expect((await call(machine(ECHO), { stateMachineArn: ARN, input })).body.status).toBe("SUCCEEDED");
  });

  it("answers 400 SerializationException to a request that is not JSON", async () => {
    const { statusCode, body } = await call(machine(ECHO), '{"input": "unterminated');
    expect(statusCode).toBe(400);
    expect(body.__type).toContain("SerializationException");
  });

  it("aborts, on close, the executions still running, and their Wait timers with them", async () => {
    // Before close() aborted them, a long Wait kept the test's worker alive ("failed to exit gracefully").
    const sfn = machine({ StartAt: "Wait", States: { Wait: { Type: "Wait", Seconds: 30, End: true } } }, 1);
    const running = call(sfn, { stateMachineArn: ARN, input: "{}" });
    await new Promise((resolve) => setImmediate(resolve));
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    sfn.close();
    expect((await running).body).toMatchObject({ status: "ABORTED" });
    expect(timers()).toBe(before - 1);
  });
});

describe("LocalStepFunctions: execution names, as Step Functions checks them", () => {
  it("names the execution as asked", async () => {
    const { statusCode, body } = await call(machine(ECHO), { stateMachineArn: ARN, input: "{}", name: "cKpA3HtHIAMEXyw" });
    expect(statusCode).toBe(200);
    expect(body.name).toBe("cKpA3HtHIAMEXyw");
    expect(body.executionArn).toContain(":express:sm:cKpA3HtHIAMEXyw:");
  });

  it.each([
    ["empty", "", "ValidationException"],
    ["over 80 characters", "x".repeat(81), "ValidationException"],
    ["with a space", "a b", "InvalidName"],
    ["with an equals sign's neighbours / and $", "a/b$", "InvalidName"],
    ["with a control character", "a\u0001", "InvalidName"],
  ])("refuses a name %s with 400 %s", async (_case, name, type) => {
    const { statusCode, body } = await call(machine(ECHO), { stateMachineArn: ARN, input: "{}", name });
    expect(statusCode).toBe(400);
    expect(body.__type).toMatch(new RegExp(`#${type}$`));
  });
});
