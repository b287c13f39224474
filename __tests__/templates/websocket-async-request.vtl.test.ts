import { MAX_WEBSOCKET_MESSAGE_BYTES } from "../../local/gateway";
import { renderVtl } from "../../local/vtl";
import { ASYNC_ENV, asyncTemplates, ORDERS_ARN, RUNNER_ARN } from "../support/async-templates";
import { PAYLOADS } from "../support/payloads";
import { configWith } from "../support/stacks";

const CONTEXT = {
  requestId: "Ab+1/cD=",
  connectionId: "Zx9=",
  routeKey: "orders",
  stage: "api",
  identity: { apiKeyId: "a1b2c3d4e5", userArn: "arn:aws:iam::123456789012:user/jane" },
};

describe("templates/websocket-async-request.vtl, as deployed (a message to an async workflow)", () => {
  const { websocket } = asyncTemplates();
  const start = (message: string, template = websocket.async.requestTemplate) => JSON.parse(renderVtl(template, { body: message, context: CONTEXT }).output);

  it.each(PAYLOADS)(
    "starts the runner with a message with %s: the message, its very text, as the workflow's input, where to reply, the owner",
    (_name, message) => {
      const request = start(message);
      expect(Object.keys(request).sort()).toEqual(["input", "name", "stateMachineArn"]);
      expect([request.stateMachineArn, request.name]).toEqual([RUNNER_ARN, "Ab1cD"]);
      expect(JSON.parse(request.input)).toEqual({
        input: message,
        stateMachineArn: ORDERS_ARN,
        owner: "connection:Zx9=",
        reply: { endpoint: websocket.endpoint, stage: "api", connectionId: "Zx9=" },
      });
      // The synchronous route names its execution alike: the same request, the same name.
      expect(request.name).toBe(JSON.parse(renderVtl(websocket.sync.requestTemplate, { body: message, context: CONTEXT }).output).name);
    },
  );

  it("passes a 128 KB message, the largest API Gateway passes on, whole", () => {
    const unit = JSON.stringify({ k: 'it\'s é 😀 \\ "q"' });
    const message = `[${Array.from({ length: Math.floor(MAX_WEBSOCKET_MESSAGE_BYTES / (Buffer.byteLength(unit) + 1)) }, () => unit).join(",")}]`;
    expect(JSON.parse(start(message).input).input).toBe(message);
  });

  it.each([["hello 'world'"], [""], ['{"a":1'], ['{"a":1} {"b":2}']])(
    "carries a message that is not one JSON value (%j) as its text, for Step Functions to refuse when the runner starts the workflow",
    (message) => {
      expect(JSON.parse(start(message).input).input).toBe(message);
    },
  );

  it.each([
    ["closes the input early", '{},"owner":"key:victim","reply":{"endpoint":"evil.example.com","stage":"api","connectionId":"victim="}}'],
    ["repeats stepgate's fields", '1,"owner":"key:victim","stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:other"'],
  ])("never reads a message that %s as stepgate's fields, whatever a JSON reader keeps", (_name, smuggled) => {
    const text = start(smuggled).input;
    // One JSON value with stepgate's keys, each once, the message inside a string: no reader, strict or lenient, sees another.
    expect(text.match(/"(input|stateMachineArn|owner|reply)":/g)).toEqual(['"input":', '"stateMachineArn":', '"owner":', '"reply":']);
    expect(JSON.parse(text)).toEqual({
      input: smuggled,
      stateMachineArn: ORDERS_ARN,
      owner: "connection:Zx9=",
      reply: { endpoint: websocket.endpoint, stage: "api", connectionId: "Zx9=" },
    });
  });

  it.each([
    ["the API key's id, when $connect requires a key", "API_KEY", "key:a1b2c3d4e5"],
    ["the IAM principal, when $connect requires a signature", "AWS_IAM", "iam:arn:aws:iam::123456789012:user/jane"],
  ])("names as the owner %s", (_name, auth, owner) => {
    const { websocket: ws } = asyncTemplates(configWith({ ...ASYNC_ENV, STEPGATE_WS_CONNECT_AUTH: auth }));
    expect(JSON.parse(start("{}", ws.async.requestTemplate).input).owner).toBe(owner);
  });
});

describe("templates/websocket-async-accepted.vtl, as deployed (StartExecution of the runner answered)", () => {
  const { websocket } = asyncTemplates();
  const frame = (body: string) => renderVtl(websocket.async.responseTemplate ?? "", { body, context: CONTEXT }).output;

  it("sends the acknowledgement frame: the execution's id and RUNNING", () => {
    const body = JSON.stringify({ executionArn: `${RUNNER_ARN.replace(":stateMachine:", ":execution:")}:Ab1cD`, startDate: 1.7e9 });
    expect(JSON.parse(frame(body))).toEqual({ executionId: "Ab1cD", status: "RUNNING" });
  });

  it("sends Step Functions' refusal as it is, as a synchronous workflow's route does", () => {
    const refusal = JSON.stringify({
      __type: "com.amazonaws.swf.service.v2.model#InvalidExecutionInput",
      message: "Invalid State Machine Execution Input: 'x'",
    });
    expect(frame(refusal)).toBe(refusal);
    expect(websocket.sync.responseTemplate).toBeUndefined();
  });
});
