import { LocalRunner, MAX_FRAME_BYTES, type Reply } from "../../local/runner";
import { LocalStepFunctions } from "../../local/step-functions";
import { readSynthesizedApp, type SynthesizedStateMachine } from "../../local/synthesized";
import { FAILING_DEFINITION } from "../../verify/promises";
import { synthesizeToFolder } from "../support/stacks";

/**
 * The runner's own definition (templates/runner.asl.json, as the workflow stack synthesized it), run
 * locally with Step Functions' integrations served by local/runner.ts: what it does on each end of
 * a workflow, and with each answer of the connection it delivers to.
 */
jest.setTimeout(30_000);
const REGION = "us-east-1";
const WORKFLOW_ARN = `arn:aws:states:${REGION}:123456789012:stateMachine:stepgate-slow`;
const REPLY: Reply = { endpoint: "abc.execute-api.localhost", stage: "ws", connectionId: "conn-1=" };
const ECHO = { StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } };

let runnerMachine: SynthesizedStateMachine;
beforeAll(() => {
  const app = readSynthesizedApp(synthesizeToFolder({ STEPGATE_ASYNC_WORKFLOWS: "workflow" }));
  if (app.runner === undefined) throw new Error("no runner synthesized");
  runnerMachine = app.runner;
});

interface Setup {
  definition?: object;
  type?: "EXPRESS" | "STANDARD";
  waitScale?: number;
  /** The connection's answers, one per delivery, the last repeated. */
  deliveries?: Array<"sent" | "gone" | "forbidden">;
}

/** A runner whose one workflow has `definition`; what it delivered, frame by frame. */
function setup({ definition = ECHO, type = "EXPRESS", waitScale = 0, deliveries = ["sent"] }: Setup = {}) {
  const workflow = new LocalStepFunctions({
    region: REGION,
    stateMachine: { arn: WORKFLOW_ARN, name: "stepgate-slow", definition: definition as never, type },
    waitScale,
  });
  const frames: Array<{ reply: Reply; frame: string }> = [];
  const runner = new LocalRunner({
    region: REGION,
    runner: runnerMachine,
    workflow: (arn) => (arn === WORKFLOW_ARN ? workflow : undefined),
    deliver: (reply, frame) => {
      frames.push({ reply, frame });
      return deliveries[Math.min(frames.length - 1, deliveries.length - 1)];
    },
  });
  /** Starts the runner as the API templates do (the workflow's input as its text: a string is that text), and waits for its end. */
  const run = async (input: unknown, options: { reply?: Reply; stateMachineArn?: string; name?: string } = {}) => {
    const runnerInput = {
      input: typeof input === "string" ? input : JSON.stringify(input),
      stateMachineArn: options.stateMachineArn ?? WORKFLOW_ARN,
      owner: "key:abc",
      ...(options.reply ? { reply: options.reply } : {}),
    };
    const name = options.name ?? `req-${Math.random().toString(36).slice(2)}`;
    const started = runner.startExecution(JSON.stringify({ input: JSON.stringify(runnerInput), name, stateMachineArn: runnerMachine.arn }));
    expect(started.statusCode).toBe(200);
    const execution = runner.executions.get(name);
    if (execution === undefined) throw new Error("not kept");
    await execution.ended;
    const described = JSON.parse(runner.describeExecution(JSON.stringify({ executionArn: execution.executionArn })).body);
    return { name, described, outcome: described.output === undefined ? undefined : JSON.parse(described.output) };
  };
  return { runner, frames, run };
}

describe("the runner, run locally", () => {
  it("on success: outputs the outcome, {executionId, status, output as JSON text}, sends it as the result frame, and succeeds", async () => {
    const { run, frames, runner } = setup();
    const { name, described, outcome } = await run({ data: { "it's": "ünï\n" }, n: 1.5 }, { reply: REPLY });
    expect(described.status).toBe("SUCCEEDED");
    expect(outcome).toEqual({ executionId: name, status: "SUCCEEDED", output: JSON.stringify({ data: { "it's": "ünï\n" }, n: 1.5 }) });
    expect(frames).toEqual([{ reply: REPLY, frame: described.output }]);
    expect(runner.metrics).toEqual([]);
  });

  it("without a reply (REST), sends nothing and keeps the outcome", async () => {
    const { run, frames } = setup();
    const { name, outcome } = await run([1, "two"]);
    expect(outcome).toEqual({ executionId: name, status: "SUCCEEDED", output: '[1,"two"]' });
    expect(frames).toEqual([]);
  });

  it("on the workflow's failure: the outcome FAILED with its error and cause, delivered; the runner itself succeeds", async () => {
    const { run, frames } = setup({ definition: FAILING_DEFINITION });
    const { name, described, outcome } = await run({}, { reply: REPLY });
    expect(described.status).toBe("SUCCEEDED");
    const { Error: error, Cause: cause } = FAILING_DEFINITION.States.Charge;
    expect(outcome).toEqual({ executionId: name, status: "FAILED", error, cause });
    expect(frames.map((f) => JSON.parse(f.frame))).toEqual([outcome]);
  });

  it("on the workflow's timeout (its TimeoutSeconds): the outcome TIMED_OUT with States.Timeout", async () => {
    const { run, frames } = setup({ definition: { TimeoutSeconds: 1, StartAt: "W", States: { W: { Type: "Wait", Seconds: 3, End: true } } }, waitScale: 1 });
    const { name, described, outcome } = await run({}, { reply: REPLY });
    expect(described.status).toBe("SUCCEEDED");
    expect(outcome).toEqual({ executionId: name, status: "TIMED_OUT", error: "States.Timeout", cause: expect.any(String) });
    expect(frames).toHaveLength(1);
  });

  it("starts the workflow's execution under its own name: a Standard workflow's is describable as execution:<state machine>:<name>", async () => {
    const whoAmI = { StartAt: "Who", States: { Who: { Type: "Pass", Parameters: { "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name" }, End: true } } };
    const { run } = setup({ type: "STANDARD", definition: whoAmI });
    const { name, outcome } = await run({});
    expect(JSON.parse(outcome.output)).toEqual({ id: `arn:aws:states:${REGION}:123456789012:execution:stepgate-slow:${name}`, name });
  });

  it("with a gone connection (410): tries once, counts nothing, ends cleanly with the outcome kept", async () => {
    const { run, frames, runner } = setup({ deliveries: ["gone"] });
    const { name, described, outcome } = await run({ a: 1 }, { reply: REPLY });
    expect(described.status).toBe("SUCCEEDED");
    expect(outcome).toEqual({ executionId: name, status: "SUCCEEDED", output: '{"a":1}' });
    expect(frames).toHaveLength(1);
    expect(runner.metrics).toEqual([]);
  });

  it("with another failed delivery: counts DeliveriesFailed for this runner, keeps the outcome and succeeds", async () => {
    const { run, runner } = setup({ deliveries: ["forbidden"] });
    const { described, outcome } = await run({}, { reply: REPLY });
    expect([described.status, outcome.status]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(runner.metrics).toEqual([
      { namespace: "stepgate", metricName: "DeliveriesFailed", dimensions: [{ Name: "Runner", Value: runnerMachine.name }], value: 1 },
    ]);
  });

  it("with a result over a frame's 128 KB: sends a small frame saying so, with the executionId; the outcome stays whole", async () => {
    // The output is the input twice: over 128 KB, while the input and the output fit the task's 256 KB.
    const { run, frames } = setup({ definition: { StartAt: "Twice", States: { Twice: { Type: "Pass", Parameters: { "a.$": "$", "b.$": "$" }, End: true } } } });
    const half = { pad: "x".repeat(MAX_FRAME_BYTES / 2) };
    const { name, outcome } = await run(half, { reply: REPLY });
    expect(outcome.output).toBe(JSON.stringify({ a: half, b: half }));
    // The frame of the result is refused (413); the one that says so is sent.
    expect(frames).toHaveLength(1);
    expect(JSON.parse(frames[0].frame)).toEqual({
      executionId: name,
      status: "SUCCEEDED",
      error: "stepgate.ResultTooLarge",
      cause: expect.stringContaining("128 KB"),
    });
  });

  it("on a fault of its own (a state machine it cannot start): delivers FAILED with that error, then fails, so its alarm fires", async () => {
    const { run, frames } = setup();
    const other = `${WORKFLOW_ARN}-missing`;
    const { name, described } = await run({}, { reply: REPLY, stateMachineArn: other });
    expect(described).toMatchObject({ status: "FAILED", error: "StepFunctions.StateMachineDoesNotExistException" });
    expect(described.cause).toContain(other);
    expect(JSON.parse(frames[0].frame)).toEqual({ executionId: name, status: "FAILED", error: described.error, cause: described.cause });
  });
});

describe("the runner, given text that is not JSON (a WebSocket message)", () => {
  it("outputs FAILED with Step Functions' InvalidExecutionInput, sends it as the result frame, and succeeds: the caller's fault, not its own", async () => {
    const { run, frames, runner } = setup();
    const { name, described, outcome } = await run("hello, it's me", { reply: REPLY });
    expect(described.status).toBe("SUCCEEDED");
    expect(outcome).toEqual({
      executionId: name,
      status: "FAILED",
      error: expect.stringMatching(/InvalidExecutionInput/),
      cause: expect.stringContaining("Invalid State Machine Execution Input"),
    });
    expect(frames).toEqual([{ reply: REPLY, frame: described.output }]);
    expect(runner.metrics).toEqual([]);
  });
});

describe("the runner's executions, as StartExecution and DescribeExecution answer", () => {
  const error = (response: { statusCode: number; body: string }) => [response.statusCode, JSON.parse(response.body).__type.replace(/^.*#/, "")];

  it("refuses an ARN that names no execution (InvalidArn) and an unknown execution (ExecutionDoesNotExist), with 400", () => {
    const { runner } = setup();
    expect(error(runner.describeExecution(JSON.stringify({ executionArn: "not-an-execution-id" })))).toEqual([400, "InvalidArn"]);
    const unknown = `${runnerMachine.arn.replace(":stateMachine:", ":execution:")}:nope`;
    const answer = runner.describeExecution(JSON.stringify({ executionArn: unknown }));
    expect(error(answer)).toEqual([400, "ExecutionDoesNotExist"]);
    expect(JSON.parse(answer.body).message).toBe(`Execution Does Not Exist: '${unknown}'`);
  });

  it("describes a running execution as RUNNING, without output, and refuses its name for another input", async () => {
    const { runner } = setup({ definition: { StartAt: "W", States: { W: { Type: "Wait", Seconds: 1, End: true } } }, waitScale: 1 });
    const input = JSON.stringify({ input: {}, stateMachineArn: WORKFLOW_ARN, owner: "key:abc" });
    const started = JSON.parse(runner.startExecution(JSON.stringify({ input, name: "same", stateMachineArn: runnerMachine.arn })).body);
    const running = JSON.parse(runner.describeExecution(JSON.stringify({ executionArn: started.executionArn })).body);
    expect(running).toMatchObject({ status: "RUNNING", name: "same", input });
    expect(running.output).toBeUndefined();
    expect(error(runner.startExecution(JSON.stringify({ input: "{}", name: "same", stateMachineArn: runnerMachine.arn })))).toEqual([
      400,
      "ExecutionAlreadyExists",
    ]);
    await runner.executions.get("same")?.ended;
    expect(JSON.parse(runner.describeExecution(JSON.stringify({ executionArn: started.executionArn })).body).status).toBe("SUCCEEDED");
  });

  it("refuses an input that is not JSON as Step Functions does (InvalidExecutionInput)", () => {
    const { runner } = setup();
    expect(error(runner.startExecution(JSON.stringify({ input: '{"input":hello}', stateMachineArn: runnerMachine.arn })))).toEqual([
      400,
      "InvalidExecutionInput",
    ]);
  });
});
