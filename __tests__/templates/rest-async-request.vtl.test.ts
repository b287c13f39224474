import { renderVtl } from "../../local/vtl";
import { asyncTemplates, ORDERS_ARN, RUNNER_ARN } from "../support/async-templates";
import { PAYLOADS } from "../support/payloads";
import { configWith } from "../support/stacks";

const CONTEXT = {
  httpMethod: "POST",
  resourcePath: "/orders",
  path: "/api/orders",
  stage: "api",
  requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  extendedRequestId: "cKpA3HtHIAMEXyw=",
  identity: { apiKeyId: "a1b2c3d4e5", apiKey: "s3cr3t-key-value-0123456789abcdef", sourceIp: "198.51.100.7", userArn: "arn:aws:iam::123456789012:user/jane" },
  authorizer: { claims: { sub: "7d8e9f00-1111-2222-3333-444455556666" } },
};

describe("templates/rest-execution-input.vtl + rest-async-request.vtl, as deployed (POST on an async workflow)", () => {
  const { rest } = asyncTemplates();
  const render = (template: string, body: string) => JSON.parse(renderVtl(template, { body, context: CONTEXT }).output);

  it.each(PAYLOADS)(
    "starts the runner with a body with %s: the workflow's input, the very text a synchronous POST sends, its state machine, the owner",
    (_name, body) => {
      const start = render(rest.async.requestTemplates["application/json"], body);
      expect(Object.keys(start).sort()).toEqual(["input", "name", "stateMachineArn"]);
      expect(start.stateMachineArn).toBe(RUNNER_ARN);
      expect(start.name).toBe("cKpA3HtHIAMEXyw");
      // The synchronous template, rendered for the same request, on the async workflow's state machine.
      const sync = render(rest.sync.requestTemplates["application/json"], body);
      expect(JSON.parse(start.input)).toEqual({ input: sync.input, stateMachineArn: ORDERS_ARN, owner: "key:a1b2c3d4e5" });
    },
  );

  it("keeps the caller's body inside the input's text: a body naming stepgate's fields changes none of them", () => {
    const runnerInput = JSON.parse(render(rest.async.requestTemplates["application/json"], '{"owner":"key:victim","stateMachineArn":"x"}').input);
    expect([runnerInput.owner, runnerInput.stateMachineArn]).toEqual(["key:a1b2c3d4e5", ORDERS_ARN]);
    expect(JSON.parse(runnerInput.input).data).toEqual({ owner: "key:victim", stateMachineArn: "x" });
  });

  it.each([
    ["the API key's id, while the key is required (the default)", {}, "key:a1b2c3d4e5"],
    [
      "the API key's id, with COGNITO and the key on top",
      { STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123" },
      "key:a1b2c3d4e5",
    ],
    [
      "the Cognito user, without the key",
      {
        STEPGATE_REST_AUTH: "COGNITO",
        STEPGATE_COGNITO_USER_POOL_ARNS: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123",
        STEPGATE_REST_API_KEY_REQUIRED: "false",
      },
      "cognito:7d8e9f00-1111-2222-3333-444455556666",
    ],
    [
      "the IAM principal, without the key",
      { STEPGATE_REST_AUTH: "AWS_IAM", STEPGATE_REST_API_KEY_REQUIRED: "false" },
      "iam:arn:aws:iam::123456789012:user/jane",
    ],
  ])("names as the execution's owner %s", (_name, env: Record<string, string>, owner) => {
    const templates = asyncTemplates(configWith({ STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json", STEPGATE_ASYNC_WORKFLOWS: "orders", ...env }));
    expect(JSON.parse(render(templates.rest.async.requestTemplates["application/json"], "{}").input).owner).toBe(owner);
  });
});

/** The integration response API Gateway selects for Step Functions' 200: the one without a selection pattern. */
const accepting = <R extends { selectionPattern?: string }>(responses: readonly R[]): R => {
  const [found] = responses.filter((r) => r.selectionPattern === undefined);
  if (!found) throw new Error("no default integration response");
  return found;
};

describe("templates/rest-async-accepted.vtl, as deployed (StartExecution of the runner answered 200)", () => {
  const { rest } = asyncTemplates();
  const accepted = (context: Record<string, unknown>) =>
    renderVtl(accepting(rest.async.responses).templates["application/json"], {
      body: JSON.stringify({ executionArn: `${RUNNER_ARN.replace(":stateMachine:", ":execution:")}:cKpA3HtHIAMEXyw`, startDate: 1.7e9 }),
      context,
    });

  it("answers 202 with the execution's id, and where to read it on the same stage", () => {
    const answer = accepted({ path: "/api/orders", resourcePath: "/orders" });
    expect({ status: answer.status, headers: answer.headers, body: JSON.parse(answer.output) }).toEqual({
      status: 202,
      headers: { Location: "/api/executions/cKpA3HtHIAMEXyw" },
      body: { executionId: "cKpA3HtHIAMEXyw" },
    });
  });

  it.each([
    ["POST / on the stage", "/api/", "/", "/api/executions/cKpA3HtHIAMEXyw"],
    ["POST / on the stage, no final slash", "/api", "/", "/api/executions/cKpA3HtHIAMEXyw"],
    ["POST /orders on a custom domain (no stage in the path)", "/orders", "/orders", "/executions/cKpA3HtHIAMEXyw"],
    ["POST /orders/, a final slash", "/api/orders/", "/orders", "/api/executions/cKpA3HtHIAMEXyw"],
    ["POST / on a custom domain", "/", "/", "/executions/cKpA3HtHIAMEXyw"],
    ["a stage named like a workflow", "/orders/orders", "/orders", "/orders/executions/cKpA3HtHIAMEXyw"],
  ])("points Location at GET /executions/<id>: %s", (_name, path, resourcePath, location) => {
    expect(accepted({ path, resourcePath }).headers.Location).toBe(location);
  });

  it("refuses as the synchronous POST does: the same error templates for 4xx and 5xx", () => {
    const refusals = (responses: typeof rest.sync.responses) => responses.filter((r) => r.selectionPattern !== undefined);
    expect(refusals(rest.async.responses)).toEqual(refusals(rest.sync.responses));
    expect(refusals(rest.sync.responses).map((r) => r.selectionPattern)).toEqual(["4\\d{2}", "5\\d{2}"]);
  });
});
