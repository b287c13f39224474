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
    });
  });

  it("reads the WebSocket API: template with the state machine's ARN filled in, $connect, throttling, timeout", () => {
    expect(app.websocket).toEqual({
      stage: "api",
      requestTemplate: expect.stringContaining(`"stateMachineArn": "${app.stateMachine.arn}"`),
      actions: {},
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
      orders: { arn: arn("orders"), name: "stepgate-orders", definition: orders },
      refunds: { arn: arn("refunds"), name: "stepgate-refunds", definition: refunds },
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

  it("says to synthesize first when there is nothing to read", () => {
    expect(() => readSynthesizedApp(temporaryFolder("empty"))).toThrow(/missing: synthesize first/);
  });
});
