import * as fs from "node:fs";
import * as path from "node:path";
import { readSynthesizedApp } from "../../local/synthesized";
import { definitionFile, PROJECT_DIR, synthesizeToFolder } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

describe("readSynthesizedApp", () => {
  const app = readSynthesizedApp(synthesizeToFolder({ STEPGATE_WS_CONNECT_AUTH: "API_KEY", STEPGATE_QUOTA_PERIOD: "WEEK" }));

  it("reads the state machine as Terraform would create it", () => {
    const seed = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "templates/workflow.asl.json"), "utf8"));
    expect(app.region).toBe("us-east-1");
    expect(app.stateMachine).toEqual({
      arn: "arn:aws:states:us-east-1:123456789012:stateMachine:stepgate-workflow",
      name: "stepgate-workflow",
      definition: seed,
      type: "EXPRESS",
    });
    expect(app.runner).toBeUndefined();
  });

  it("reads the WebSocket API: template with the state machine's ARN filled in, $connect, throttling, timeout", () => {
    expect(app.websocket).toEqual({
      stage: "api",
      requestTemplate: expect.stringContaining(`"stateMachineArn": "${app.stateMachine.arn}"`),
      actions: {},
      routes: { $default: { action: "StartSyncExecution", requestTemplate: app.websocket.requestTemplate, responseTemplate: undefined } },
      endpoint: "local.execute-api.localhost",
      connectTemplate: expect.stringContaining('{"statusCode": 200}'),
      integrationTimeoutMs: 29000,
      connectAuth: "API_KEY",
      throttle: { rateLimit: 10, burstLimit: 20 },
    });
    expect(app.websocket.requestTemplate).not.toContain("${");
  });

  it("reads the REST API: key, validation, passthrough, templates, responses, throttling and quota", () => {
    expect(app.rest).toMatchObject({
      stage: "api",
      apiKeyRequired: true,
      validateBody: true,
      passthroughBehavior: "NEVER",
      integrationTimeoutMs: 29000,
      throttle: { rateLimit: 10, burstLimit: 20 },
      usagePlan: { throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 10000, period: "WEEK" } },
    });
    expect(Object.keys(app.rest.requestTemplates)).toEqual(["application/json"]);
    expect(app.rest.responses.map((r) => [r.selectionPattern, r.statusCode])).toEqual([
      [undefined, 200],
      ["4\\d{2}", 400],
      ["5\\d{2}", 502],
    ]);
  });

  it("reads every workflow's state machine, and the REST path and WebSocket action that start each, its ARN in the templates", () => {
    const orders = { StartAt: "A", States: { A: { Type: "Pass", Result: "orders", End: true } } };
    const refunds = { StartAt: "B", States: { B: { Type: "Pass", Result: "refunds", End: true } } };
    const several = readSynthesizedApp(synthesizeToFolder({ STEPGATE_WORKFLOWS: `orders=${definitionFile(orders)},refunds=${definitionFile(refunds)}` }));
    const arn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:stepgate-${name}`;
    expect(several.stateMachine.arn).toBe(arn("workflow"));
    expect(several.stateMachines).toEqual({
      workflow: several.stateMachine,
      orders: { arn: arn("orders"), name: "stepgate-orders", definition: orders, type: "EXPRESS" },
      refunds: { arn: arn("refunds"), name: "stepgate-refunds", definition: refunds, type: "EXPRESS" },
    });
    expect(Object.keys(several.rest.methods)).toEqual(["/", "/orders", "/refunds"]);
    expect(Object.keys(several.websocket.actions).sort()).toEqual(["orders", "refunds"]);
    for (const name of ["orders", "refunds"]) {
      const { requestTemplates, responses } = several.rest.methods[`/${name}`];
      expect(requestTemplates["application/json"]).toBe(several.rest.requestTemplates["application/json"].replace(arn("workflow"), arn(name)));
      expect(responses).toEqual(several.rest.responses);
      expect(several.websocket.actions[name]).toBe(several.websocket.requestTemplate.replace(arn("workflow"), arn(name)));
    }
    expect(several.rest.methods["/"]).toEqual({ requestTemplates: several.rest.requestTemplates, responses: several.rest.responses });
  });

  it("reads the runner and the async routes: StartExecution of the runner, the acknowledgement, GET /executions/{id}", () => {
    const slow = { StartAt: "W", States: { W: { Type: "Wait", Seconds: 40, End: true } } };
    const env = {
      STEPGATE_WORKFLOWS: `slow=${definitionFile(slow)}`,
      STEPGATE_ASYNC_WORKFLOWS: "slow",
      STEPGATE_STANDARD_WORKFLOWS: "slow",
      STEPGATE_REST_TIMEOUT_MS: "1000",
    };
    const async = readSynthesizedApp(synthesizeToFolder(env));
    const runner = "arn:aws:states:us-east-1:123456789012:stateMachine:stepgate_runner";
    expect(async.runner).toMatchObject({ arn: runner, name: "stepgate_runner", type: "STANDARD" });
    expect(async.runner?.definition).toEqual(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "templates/runner.asl.json"), "utf8")));
    // The runner is no workflow: the workflows are the default one and slow.
    expect(Object.keys(async.stateMachines)).toEqual(["workflow", "slow"]);
    expect(async.stateMachines.slow).toMatchObject({ type: "STANDARD", definition: slow });
    expect(async.websocket.routes.slow).toEqual({ action: "StartExecution", requestTemplate: expect.any(String), responseTemplate: expect.any(String) });
    expect(async.websocket.routes.slow.requestTemplate).toContain(`"stateMachineArn": "${runner}"`);
    expect(async.websocket.routes.slow.requestTemplate).toContain('"endpoint":"local.execute-api.localhost"');
    expect(async.websocket.routes.$default.action).toBe("StartSyncExecution");
    expect(Object.keys(async.rest.routes).sort()).toEqual(["GET /executions/{id}", "POST /", "POST /slow"]);
    expect(async.rest.routes["POST /slow"]).toMatchObject({ action: "StartExecution", integrationTimeoutMs: 29000, apiKeyRequired: true });
    // STEPGATE_REST_TIMEOUT_MS: the synchronous workflows' integration waits that long.
    expect(async.rest.routes["POST /"]).toMatchObject({ action: "StartSyncExecution", integrationTimeoutMs: 1000 });
    const get = async.rest.routes["GET /executions/{id}"];
    expect(get).toMatchObject({ action: "DescribeExecution", apiKeyRequired: true, passthroughBehavior: "WHEN_NO_TEMPLATES" });
    expect(get.requestTemplates["application/json"]).toContain(`${runner.replace(":stateMachine:", ":execution:")}:$id`);
    expect(get.responses.map((r) => [r.selectionPattern, r.statusCode])).toEqual([
      [undefined, 200],
      ["4\\d{2}", 404],
      ["5\\d{2}", 502],
    ]);
    for (const template of [...Object.values(async.websocket.routes).map((r) => r.requestTemplate), ...Object.values(get.requestTemplates)]) {
      expect(template).not.toContain("${");
    }
  });

  it("says to synthesize first when there is nothing to read", () => {
    expect(() => readSynthesizedApp(temporaryFolder("empty"))).toThrow(/missing: synthesize first/);
  });
});
