import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformLocal } from "cdktf";
import { BAD_REQUEST_BODY_TEMPLATE, REST_METHOD_STATUS_CODES, RestApi, type RestApiProps } from "../../stacks/constructs/rest-api";
import { address, API_PROPS, only, RUNNER_PROPS, redeploymentTrigger, resources, synthScope } from "../support/stacks";

const synth = (props: Partial<RestApiProps> = {}) => synthScope((scope) => new RestApi(scope, "rest", { ...API_PROPS, ...props }));
const trigger = (synthesized: string) => redeploymentTrigger(synthesized, "aws_api_gateway_deployment");

describe("RestApi", () => {
  const synthesized = synth();
  const api = address(synthesized, "aws_api_gateway_rest_api");
  const method = address(synthesized, "aws_api_gateway_method");

  it("is a regional REST API", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayRestApi, {
      name: "test-api",
      endpoint_configuration: { types: ["REGIONAL"] },
    });
  });

  it("requires an API key and a JSON body on POST /", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayMethod, {
      rest_api_id: `\${${api}.id}`,
      resource_id: `\${${api}.root_resource_id}`,
      http_method: "POST",
      authorization: "NONE",
      api_key_required: true,
      request_validator_id: `\${${address(synthesized, "aws_api_gateway_request_validator")}.id}`,
      request_models: { "application/json": `\${${address(synthesized, "aws_api_gateway_model")}.name}` },
    });
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayRequestValidator, { validate_request_body: true });
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayModel, { content_type: "application/json" });
  });

  it("integrates with StartSyncExecution through the role, JSON only (passthrough NEVER)", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayIntegration, {
      http_method: `\${${method}.http_method}`,
      type: "AWS",
      integration_http_method: "POST",
      uri: API_PROPS.integrationUri,
      credentials: API_PROPS.credentialsArn,
      passthrough_behavior: "NEVER",
      timeout_milliseconds: 29000,
      request_templates: {
        "application/json": expect.stringContaining(`"stateMachineArn": "${API_PROPS.stateMachineArn}"`),
      },
    });
  });

  it("declares a JSON method response for every status a client can get", () => {
    const statuses = resources(synthesized, "aws_api_gateway_method_response").map((r) => r.props.status_code);
    expect(statuses).toEqual([...REST_METHOD_STATUS_CODES]);
    for (const { props } of resources(synthesized, "aws_api_gateway_method_response")) {
      expect(props.response_models).toEqual({ "application/json": "Empty" });
    }
  });

  it("maps Step Functions' 200, 4xx and 5xx to 200, 400 and 502, each through a JSON template", () => {
    const responses = resources(synthesized, "aws_api_gateway_integration_response").map((r) => r.props);
    expect(responses.map((r) => [r.selection_pattern, r.status_code])).toEqual([
      [undefined, "200"],
      ["4\\d{2}", "400"],
      ["5\\d{2}", "502"],
    ]);
    for (const r of responses) expect(Object.keys(r.response_templates)).toEqual(["application/json"]);
  });

  it("redeploys when anything that shapes the API changes, creating the new deployment first", () => {
    const shapers = [
      "aws_api_gateway_model",
      "aws_api_gateway_request_validator",
      "aws_api_gateway_method",
      "aws_api_gateway_integration",
      "aws_api_gateway_method_response",
      "aws_api_gateway_integration_response",
    ].flatMap((type) => resources(synthesized, type).map((r) => `${type}.${r.logicalId}`));
    expect(shapers).toHaveLength(4 + REST_METHOD_STATUS_CODES.length + 3);
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayDeployment, {
      rest_api_id: `\${${api}.id}`,
      lifecycle: { create_before_destroy: true },
      depends_on: shapers,
    });
    // The digest covers what is configured; Terraform hashes the values of what it references.
    expect(trigger(synthesized).references).toEqual([
      `${method}.http_method`,
      `${address(synthesized, "aws_api_gateway_model")}.name`,
      `${address(synthesized, "aws_api_gateway_request_validator")}.id`,
      `${api}.id`,
      `${api}.root_resource_id`,
    ]);
  });

  it("redeploys when one template changes, and not without a change of what shapes the API", () => {
    expect(trigger(synth())).toEqual(trigger(synthesized));
    // Only the request template differs.
    expect(trigger(synth({ sendApiKeyValue: true })).digest).not.toBe(trigger(synthesized).digest);
    // The stage and its throttling are no part of the deployment.
    expect(trigger(synth({ stageName: "v1", rateLimit: 100, accessLogGroupName: "/other" }))).toEqual(trigger(synthesized));
  });

  it("has Terraform hash the state machine's ARN when it is a reference, so a new ARN (placeholder, then the real one) redeploys", () => {
    const withReference = synthScope((scope) => {
      const arn = new TerraformLocal(scope, "state_machine_arn", API_PROPS.stateMachineArn);
      new RestApi(scope, "rest", { ...API_PROPS, stateMachineArn: arn.asString });
    });
    expect(trigger(withReference).references).toContain("local.state_machine_arn");
    expect(only(withReference, "aws_api_gateway_deployment").props.triggers.redeployment).not.toMatch(/\baws_\w+\.\w+(?![.\w])/);
  });

  it("redeploys when the authorization changes: Cognito's authorizer, and its user pools, are hashed too", () => {
    const pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";
    const cognito = synth({ auth: { mode: "COGNITO", userPoolArns: [pool] } });
    expect(trigger(cognito).references).toContain(`${address(cognito, "aws_api_gateway_authorizer")}.id`);
    expect(trigger(cognito).digest).not.toBe(trigger(synthesized).digest);
    expect(trigger(synth({ auth: { mode: "COGNITO", userPoolArns: [`${pool}2`] } })).digest).not.toBe(trigger(cognito).digest);
    expect(trigger(synth({ auth: { mode: "AWS_IAM" } })).digest).not.toBe(trigger(synthesized).digest);
  });

  it("serves a stage with X-Ray tracing and JSON access logs", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayStage, {
      stage_name: "api",
      deployment_id: `\${${address(synthesized, "aws_api_gateway_deployment")}.id}`,
      xray_tracing_enabled: true,
      access_log_settings: {
        destination_arn: `\${${address(synthesized, "aws_cloudwatch_log_group", (g) => g.name === API_PROPS.accessLogGroupName)}.arn}`,
        format: expect.stringContaining('"apiKeyId":"$context.identity.apiKeyId"'),
      },
    });
    const format = JSON.parse(resources(synthesized, "aws_api_gateway_stage")[0].props.access_log_settings.format);
    expect(Object.values(format).every((v) => typeof v === "string" && v.startsWith("$context."))).toBe(true);
  });

  it("throttles every method of the stage and keeps data trace off", () => {
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayMethodSettings, {
      stage_name: `\${${address(synthesized, "aws_api_gateway_stage")}.stage_name}`,
      method_path: "*/*",
      settings: {
        metrics_enabled: true,
        logging_level: "ERROR",
        data_trace_enabled: false,
        throttling_rate_limit: 10,
        throttling_burst_limit: 20,
      },
    });
  });

  it("creates the execution log group with retention, before the stage", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: `API-Gateway-Execution-Logs_\${${api}.id}/api`,
      retention_in_days: 30,
    });
    const executionLogs = address(synthesized, "aws_cloudwatch_log_group", (g) => g.name.startsWith("API-Gateway-Execution-Logs_"));
    expect(resources(synthesized, "aws_api_gateway_stage")[0].props.depends_on).toContain(executionLogs);
  });

  it("takes the stage name and throttling from its props", () => {
    const custom = synth({ stageName: "v1", rateLimit: 100, burstLimit: 200 });
    expect(custom).toHaveResourceWithProperties(ApiGatewayStage, { stage_name: "v1" });
    expect(custom).toHaveResourceWithProperties(ApiGatewayMethodSettings, {
      settings: expect.objectContaining({ throttling_rate_limit: 100, throttling_burst_limit: 200 }),
    });
    expect(custom).toHaveResourceWithProperties(CloudwatchLogGroup, { name: `API-Gateway-Execution-Logs_\${${api}.id}/v1` });
  });

  describe("with CORS", () => {
    const withCors = synth({ corsOrigins: ["https://app.example.com"] });
    const post = (props: Record<string, unknown>) => props.http_method === `\${${method}.http_method}`;

    it("declares Access-Control-Allow-Origin on every status of POST and maps the origin on every integration response", () => {
      const methodResponses = resources(withCors, "aws_api_gateway_method_response").filter((r) => post(r.props));
      expect(methodResponses.map((r) => r.props.status_code)).toEqual([...REST_METHOD_STATUS_CODES]);
      for (const { props } of methodResponses) expect(props.response_parameters).toEqual({ "method.response.header.Access-Control-Allow-Origin": true });
      const integrationResponses = resources(withCors, "aws_api_gateway_integration_response").filter((r) => post(r.props));
      expect(integrationResponses).toHaveLength(3);
      for (const { props } of integrationResponses) {
        expect(props.response_parameters).toEqual({ "method.response.header.Access-Control-Allow-Origin": "'https://app.example.com'" });
      }
    });

    it("adds the OPTIONS preflight on its resource, and redeploys with the preflight and the gateway responses", () => {
      expect(withCors).toHaveResourceWithProperties(ApiGatewayMethod, { http_method: "OPTIONS", resource_id: `\${${api}.root_resource_id}` });
      const deployment = resources(withCors, "aws_api_gateway_deployment")[0].props;
      const cors = [
        ...resources(withCors, "aws_api_gateway_gateway_response").map((r) => `aws_api_gateway_gateway_response.${r.logicalId}`),
        ...resources(withCors, "aws_api_gateway_method")
          .filter((m) => m.props.http_method === "OPTIONS")
          .map((r) => `aws_api_gateway_method.${r.logicalId}`),
      ];
      expect(cors).toHaveLength(3);
      for (const shaper of cors) expect(deployment.depends_on).toContain(shaper);
      expect(deployment.depends_on).toHaveLength(4 + REST_METHOD_STATUS_CODES.length + 3 + 2 + 4);
      const preflight = address(withCors, "aws_api_gateway_method", (m) => m.http_method === "OPTIONS");
      expect(trigger(withCors).references).toContain(`${preflight}.http_method`);
      expect(trigger(withCors).digest).not.toBe(trigger(synthesized).digest);
    });

    it("redeploys when the origins change", () => {
      expect(trigger(synth({ corsOrigins: ["https://app.example.com"] }))).toEqual(trigger(withCors));
      expect(trigger(synth({ corsOrigins: ["https://other.example.com"] })).digest).not.toBe(trigger(withCors).digest);
    });

    it("adds nothing of CORS without it", () => {
      expect(synthesized).not.toContain("Access-Control-");
      expect(resources(synthesized, "aws_api_gateway_gateway_response")).toEqual([]);
      expect(resources(synthesized, "aws_api_gateway_method")).toHaveLength(1);
    });
  });

  it("lets a browser send SigV4's headers in the CORS preflight when the method takes AWS_IAM", () => {
    const preflight = (props: Partial<RestApiProps>) =>
      resources(synth({ corsOrigins: ["*"], ...props }), "aws_api_gateway_integration_response").find(
        (r) => r.props.response_parameters?.["method.response.header.Access-Control-Allow-Headers"] !== undefined,
      )?.props.response_parameters["method.response.header.Access-Control-Allow-Headers"];
    expect(preflight({})).toBe("'Content-Type,X-Api-Key,Authorization'");
    expect(preflight({ auth: { mode: "AWS_IAM" } })).toBe("'Content-Type,X-Api-Key,Authorization,X-Amz-Date,X-Amz-Security-Token,X-Amz-Content-Sha256'");
  });

  describe("with workflows", () => {
    const workflows = [{ name: "orders", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-orders" }];
    const several = synth({ workflows });
    const resource = address(several, "aws_api_gateway_resource");

    it("keeps POST / as it is, and adds POST /<name> with the same validator, model, key and templates, to its state machine", () => {
      expect(address(several, "aws_api_gateway_method", (r) => r.resource_id !== `\${${resource}.id}`)).toBe(method);
      expect(several).toHaveResourceWithProperties(ApiGatewayMethod, {
        resource_id: `\${${resource}.id}`,
        http_method: "POST",
        api_key_required: true,
        request_validator_id: `\${${address(synthesized, "aws_api_gateway_request_validator")}.id}`,
        request_models: { "application/json": `\${${address(synthesized, "aws_api_gateway_model")}.name}` },
      });
      const [root, orders] = [`\${${api}.root_resource_id}`, `\${${resource}.id}`].map(
        (id) => resources(several, "aws_api_gateway_integration").find((r) => r.props.resource_id === id)?.props.request_templates["application/json"],
      );
      expect(orders).toBe(root.replace(API_PROPS.stateMachineArn, workflows[0].stateMachineArn));
      expect(resources(several, "aws_api_gateway_model")).toHaveLength(1);
      expect(resources(several, "aws_api_gateway_request_validator")).toHaveLength(1);
    });

    it("redeploys on a change of the new resource, method, integration and responses", () => {
      const dependsOn: string[] = resources(several, "aws_api_gateway_deployment")[0].props.depends_on;
      expect(dependsOn).toEqual(
        expect.arrayContaining([
          resource,
          ...resources(several, "aws_api_gateway_method_response").map((r) => `aws_api_gateway_method_response.${r.logicalId}`),
        ]),
      );
      expect(dependsOn.filter((d) => d.includes("workflow_orders"))).toHaveLength(1 + 1 + 1 + 6 + 3);
      const ordersMethod = address(several, "aws_api_gateway_method", (m) => m.resource_id === `\${${resource}.id}`);
      expect(trigger(several).references).toEqual(expect.arrayContaining([`${resource}.id`, `${ordersMethod}.http_method`]));
      expect(trigger(several).digest).not.toBe(trigger(synthesized).digest);
    });

    it("redeploys when a workflow's state machine changes", () => {
      const moved = synth({ workflows: [{ name: "orders", stateMachineArn: `${workflows[0].stateMachineArn}-v2` }] });
      expect(trigger(moved).digest).not.toBe(trigger(several).digest);
      expect(trigger(synth({ workflows })).digest).toBe(trigger(several).digest);
    });
  });

  describe("with async workflows", () => {
    const runner = RUNNER_PROPS;
    const workflows = [{ name: "orders", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-orders", async: true }];
    const withAsync = synth({ workflows, runner, timeoutMs: 120_000 });
    const ordersResource = address(withAsync, "aws_api_gateway_resource", (r) => r.path_part === "orders");
    const idResource = address(withAsync, "aws_api_gateway_resource", (r) => r.path_part === "{id}");
    const integrationOf = (resourceId: string) => only(withAsync, "aws_api_gateway_integration", (r) => r.resource_id === resourceId).props;

    it("starts the runner on POST /<name>, with the same key, validator and model; the synchronous POST / as it was but for its timeout", () => {
      expect(integrationOf(`\${${ordersResource}.id}`)).toMatchObject({
        uri: runner.startExecutionUri,
        credentials: API_PROPS.credentialsArn,
        timeout_milliseconds: 29000,
      });
      expect(integrationOf(`\${${ordersResource}.id}`).request_templates["application/json"]).toContain(`"stateMachineArn": "${runner.stateMachineArn}"`);
      expect(integrationOf(`\${${api}.root_resource_id}`)).toMatchObject({ uri: API_PROPS.integrationUri, timeout_milliseconds: 120000 });
      expect(withAsync).toHaveResourceWithProperties(ApiGatewayMethod, {
        resource_id: `\${${ordersResource}.id}`,
        http_method: "POST",
        api_key_required: true,
        request_validator_id: `\${${address(synthesized, "aws_api_gateway_request_validator")}.id}`,
      });
    });

    it("declares 202 with its Location header on the async POST, beside the synchronous POST's statuses", () => {
      const declared = resources(withAsync, "aws_api_gateway_method_response").filter((r) => r.logicalId.startsWith("rest_workflow_orders_"));
      expect(declared.map((r) => r.props.status_code).sort()).toEqual(["200", "202", "400", "429", "500", "502", "504"]);
      expect(declared.find((r) => r.props.status_code === "202")?.props.response_parameters).toEqual({ "method.response.header.Location": true });
    });

    it("reads executions on GET /executions/{id}: the POSTs' authorization and key, DescribeExecution through the same role", () => {
      expect(withAsync).toHaveResourceWithProperties(ApiGatewayMethod, {
        resource_id: `\${${idResource}.id}`,
        http_method: "GET",
        authorization: "NONE",
        api_key_required: true,
        request_parameters: { "method.request.path.id": true },
      });
      expect(only(withAsync, "aws_api_gateway_resource", (r) => r.path_part === "executions").props.parent_id).toBe(`\${${api}.root_resource_id}`);
      expect(integrationOf(`\${${idResource}.id}`)).toMatchObject({
        type: "AWS",
        integration_http_method: "POST",
        uri: runner.describeExecutionUri,
        credentials: API_PROPS.credentialsArn,
        passthrough_behavior: "WHEN_NO_TEMPLATES",
      });
    });

    it("redeploys when the executions' resources change", () => {
      const dependsOn: string[] = resources(withAsync, "aws_api_gateway_deployment")[0].props.depends_on;
      expect(dependsOn).toEqual(expect.arrayContaining([idResource, address(withAsync, "aws_api_gateway_method", (m) => m.http_method === "GET")]));
      expect(trigger(synth({ workflows, runner: { ...runner, stateMachineArn: `${runner.stateMachineArn}-v2` } })).digest).not.toBe(
        trigger(synth({ workflows, runner })).digest,
      );
    });

    it("has no GET /executions while no workflow is async, and refuses an async route without a runner", () => {
      expect(resources(synth({ workflows: [{ ...workflows[0], async: false }], runner }), "aws_api_gateway_resource").map((r) => r.props.path_part)).toEqual([
        "orders",
      ]);
      expect(() => synth({ workflows })).toThrow("orders is async, but the API has no runner");
    });

    it("answers the executions' preflight with GET, with CORS", () => {
      const cors = synth({ workflows, runner, corsOrigins: ["https://app.example.com"] });
      const preflight = resources(cors, "aws_api_gateway_integration_response").find((r) => r.logicalId.startsWith("rest_cors_executions_"));
      expect(preflight?.props.response_parameters["method.response.header.Access-Control-Allow-Methods"]).toBe("'OPTIONS,GET'");
    });
  });

  describe("with input contracts (schemas)", () => {
    const schema = JSON.stringify({
      type: "object",
      required: ["id"],
      properties: { id: { type: "integer" }, pattern: { type: "string", pattern: "^\\${x}" } },
    });
    const workflows = [
      { name: "orders-eu", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-orders-eu", schema },
      { name: "plain", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-plain" },
    ];
    const withSchemas = synth({ schema, workflows, runner: RUNNER_PROPS, async: true });
    const model = (name: string) => address(withSchemas, "aws_api_gateway_model", (m) => m.name === name);
    const methodOf = (resourceId: string) => only(withSchemas, "aws_api_gateway_method", (m) => m.resource_id === resourceId && m.http_method === "POST").props;

    it("gives each workflow with a schema a model of it, draft 4 named, Terraform's ${ escaped", () => {
      expect(withSchemas).toHaveResourceWithProperties(ApiGatewayModel, {
        name: "WorkflowInput",
        content_type: "application/json",
        schema: JSON.stringify({ $schema: "http://json-schema.org/draft-04/schema#", ...JSON.parse(schema) }).replace("${", () => "$${"),
      });
      expect(withSchemas).toHaveResourceWithProperties(ApiGatewayModel, { name: "OrdersEuInput" });
      expect(
        resources(withSchemas, "aws_api_gateway_model")
          .map((m) => m.props.name)
          .sort(),
      ).toEqual(["ExecutionData", "OrdersEuInput", "WorkflowInput"]);
    });

    it("validates each POST's body with the body validator against its workflow's model, the async POST / included; a workflow without keeps ExecutionData", () => {
      const validator = `\${${address(withSchemas, "aws_api_gateway_request_validator")}.id}`;
      const api = address(withSchemas, "aws_api_gateway_rest_api");
      const orders = address(withSchemas, "aws_api_gateway_resource", (r) => r.path_part === "orders-eu");
      const plain = address(withSchemas, "aws_api_gateway_resource", (r) => r.path_part === "plain");
      expect(methodOf(`\${${api}.root_resource_id}`)).toMatchObject({
        request_validator_id: validator,
        request_models: { "application/json": `\${${model("WorkflowInput")}.name}` },
      });
      expect(methodOf(`\${${orders}.id}`).request_models).toEqual({ "application/json": `\${${model("OrdersEuInput")}.name}` });
      expect(methodOf(`\${${plain}.id}`).request_models).toEqual({ "application/json": `\${${model("ExecutionData")}.name}` });
      const get = only(withSchemas, "aws_api_gateway_method", (m) => m.http_method === "GET").props;
      expect([get.request_models, get.request_validator_id]).toEqual([undefined, undefined]);
    });

    it("answers a body its model refuses with 400 JSON saying what is wrong (BAD_REQUEST_BODY), redeploying with it", () => {
      expect(withSchemas).toHaveResourceWithProperties(ApiGatewayGatewayResponse, {
        response_type: "BAD_REQUEST_BODY",
        status_code: "400",
        response_templates: { "application/json": BAD_REQUEST_BODY_TEMPLATE },
      });
      expect(BAD_REQUEST_BODY_TEMPLATE).toContain('"$context.error.validationErrorString"');
      const shapers = only(withSchemas, "aws_api_gateway_deployment").props.depends_on as string[];
      expect(shapers).toEqual(
        expect.arrayContaining([address(withSchemas, "aws_api_gateway_gateway_response"), model("WorkflowInput"), model("OrdersEuInput")]),
      );
    });

    it("carries the CORS header of the other gateway responses", () => {
      const cors = synth({ schema, corsOrigins: ["https://app.example.com"] });
      expect(cors).toHaveResourceWithProperties(ApiGatewayGatewayResponse, {
        response_type: "BAD_REQUEST_BODY",
        response_parameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'https://app.example.com'" },
      });
    });

    it("adds nothing and changes nothing without a schema: no model of a workflow, no gateway response", () => {
      expect(resources(synthesized, "aws_api_gateway_model")).toHaveLength(1);
      expect(resources(synthesized, "aws_api_gateway_gateway_response")).toEqual([]);
    });
  });
});
