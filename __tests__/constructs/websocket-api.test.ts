import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Deployment } from "@cdktf/provider-aws/lib/apigatewayv2-deployment";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2IntegrationResponse } from "@cdktf/provider-aws/lib/apigatewayv2-integration-response";
import { Apigatewayv2Model } from "@cdktf/provider-aws/lib/apigatewayv2-model";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2RouteResponse } from "@cdktf/provider-aws/lib/apigatewayv2-route-response";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformLocal } from "cdktf";
import { MODEL_SELECTION_EXPRESSION, WebSocketApi, type WebSocketApiProps } from "../../stacks/constructs/websocket-api";
import { address, API_PROPS, only, RUNNER_PROPS, redeploymentTrigger, resources, synthScope } from "../support/stacks";

const synth = (props: Partial<WebSocketApiProps> = {}) => synthScope((scope) => new WebSocketApi(scope, "websocket", { ...API_PROPS, ...props }));
const trigger = (synthesized: string) => redeploymentTrigger(synthesized, "aws_apigatewayv2_deployment");

/** Terraform addresses of every resource of these types. */
function websocketAddresses(synthesized: string, types: string[]): string[] {
  return types.flatMap((type) => resources(synthesized, type).map((r) => `${type}.${r.logicalId}`));
}

describe("WebSocketApi", () => {
  const synthesized = synth();
  const api = address(synthesized, "aws_apigatewayv2_api");

  it("selects routes by $request.body.action, so every message without one takes $default", () => {
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2Api, {
      name: "test-api",
      protocol_type: "WEBSOCKET",
      route_selection_expression: "$request.body.action",
    });
  });

  it("integrates $default with StartSyncExecution through the role, within API Gateway's 29 s", () => {
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2Integration, {
      api_id: `\${${api}.id}`,
      integration_type: "AWS",
      integration_method: "POST",
      integration_uri: API_PROPS.integrationUri,
      credentials_arn: API_PROPS.credentialsArn,
      timeout_milliseconds: 29000,
      template_selection_expression: "\\$default",
      request_templates: { $default: expect.stringContaining(`"stateMachineArn": "${API_PROPS.stateMachineArn}"`) },
    });
  });

  it("makes $default two-way: route response selection, a $default route response and an integration response", () => {
    const integration = address(synthesized, "aws_apigatewayv2_integration");
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2Route, {
      route_key: "$default",
      authorization_type: "NONE",
      target: `integrations/\${${integration}.id}`,
      route_response_selection_expression: "$default",
    });
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2RouteResponse, {
      route_id: `\${${address(synthesized, "aws_apigatewayv2_route")}.id}`,
      route_response_key: "$default",
    });
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2IntegrationResponse, {
      integration_id: `\${${integration}.id}`,
      integration_response_key: "$default",
    });
    // No response template: the client gets the StartSyncExecution result as the seed shows it.
    expect(resources(synthesized, "aws_apigatewayv2_integration_response")[0].props.response_templates).toBeUndefined();
  });

  it("leaves $connect open by default, as the seed does", () => {
    expect(resources(synthesized, "aws_apigatewayv2_route").map((r) => r.props.route_key)).toEqual(["$default"]);
  });

  it("redeploys when any route, integration or response changes, creating the new deployment first", () => {
    const shapers = websocketAddresses(synthesized, [
      "aws_apigatewayv2_integration",
      "aws_apigatewayv2_integration_response",
      "aws_apigatewayv2_route",
      "aws_apigatewayv2_route_response",
    ]);
    expect(shapers).toHaveLength(4);
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2Deployment, {
      lifecycle: { create_before_destroy: true },
      depends_on: shapers,
    });
    // The digest covers what is configured; Terraform hashes the values of what it references.
    expect(trigger(synthesized).references).toEqual([
      `${api}.id`,
      `${address(synthesized, "aws_apigatewayv2_integration")}.id`,
      `${address(synthesized, "aws_apigatewayv2_route")}.id`,
    ]);
  });

  it("redeploys when a template changes, and not without a change of a route, integration or response", () => {
    expect(trigger(synth())).toEqual(trigger(synthesized));
    const otherStateMachine = synth({ stateMachineArn: `${API_PROPS.stateMachineArn}-v2` });
    expect(trigger(otherStateMachine).digest).not.toBe(trigger(synthesized).digest);
    // The stage and its throttling are no part of the deployment.
    expect(trigger(synth({ stageName: "live", rateLimit: 2.5, burstLimit: 5 }))).toEqual(trigger(synthesized));
  });

  it("has Terraform hash the state machine's ARN when it is a reference, so a new ARN (placeholder, then the real one) redeploys", () => {
    const withReference = synthScope((scope) => {
      const arn = new TerraformLocal(scope, "state_machine_arn", API_PROPS.stateMachineArn);
      new WebSocketApi(scope, "websocket", { ...API_PROPS, stateMachineArn: arn.asString });
    });
    expect(trigger(withReference).references).toContain("local.state_machine_arn");
    expect(only(withReference, "aws_apigatewayv2_deployment").props.triggers.redeployment).not.toMatch(/\baws_\w+\.\w+(?![.\w])/);
  });

  it("serves a stage named as the seed's, throttled, with access logs and no data trace", () => {
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: "api",
      deployment_id: `\${${address(synthesized, "aws_apigatewayv2_deployment")}.id}`,
      default_route_settings: {
        throttling_rate_limit: 10,
        throttling_burst_limit: 20,
        logging_level: "ERROR",
        data_trace_enabled: false,
        detailed_metrics_enabled: true,
      },
      access_log_settings: {
        destination_arn: `\${${address(synthesized, "aws_cloudwatch_log_group", (g) => g.name === API_PROPS.accessLogGroupName)}.arn}`,
        format: expect.stringContaining('"connectionId":"$context.connectionId"'),
      },
    });
  });

  it("creates the execution log group with retention before API Gateway would create it without", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: `/aws/apigateway/\${${api}.id}/api`,
      retention_in_days: 30,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: API_PROPS.accessLogGroupName, retention_in_days: 30 });
    const [stage] = resources(synthesized, "aws_apigatewayv2_stage");
    expect(stage.props.depends_on).toContain(address(synthesized, "aws_cloudwatch_log_group", (g) => g.name === `/aws/apigateway/\${${api}.id}/api`));
  });

  it("takes the stage name and throttling from its props", () => {
    const custom = synth({ stageName: "live", rateLimit: 2.5, burstLimit: 5 });
    expect(custom).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: "live",
      default_route_settings: expect.objectContaining({ throttling_rate_limit: 2.5, throttling_burst_limit: 5 }),
    });
  });

  describe.each([
    ["AWS_IAM", { authorization_type: "AWS_IAM", api_key_required: false }],
    ["API_KEY", { authorization_type: "NONE", api_key_required: true }],
  ] as const)("with connectAuth %s", (connectAuth, routeProps) => {
    const custom = synth({ connectAuth });

    it("authorizes $connect, accepting the connection with a mock integration", () => {
      const mock = resources(custom, "aws_apigatewayv2_integration").find((i) => i.props.integration_type === "MOCK");
      expect(mock?.props.request_templates.$default).toContain('{"statusCode": 200}');
      expect(custom).toHaveResourceWithProperties(Apigatewayv2Route, {
        route_key: "$connect",
        target: `integrations/\${aws_apigatewayv2_integration.${mock?.logicalId}.id}`,
        ...routeProps,
      });
    });

    it("redeploys when $connect changes too", () => {
      const shapers = websocketAddresses(custom, ["aws_apigatewayv2_integration", "aws_apigatewayv2_route"]);
      expect(shapers).toHaveLength(4);
      const [deployment] = resources(custom, "aws_apigatewayv2_deployment");
      expect(deployment.props.depends_on).toEqual(expect.arrayContaining(shapers));
      const mock = address(custom, "aws_apigatewayv2_integration", (i) => i.integration_type === "MOCK");
      expect(trigger(custom).references).toContain(`${mock}.id`);
      expect(trigger(custom).digest).not.toBe(trigger(synthesized).digest);
    });
  });

  it("reads the API key from the x-api-key header when $connect requires one", () => {
    expect(synth({ connectAuth: "API_KEY" })).toHaveResourceWithProperties(Apigatewayv2Api, {
      api_key_selection_expression: "$request.header.x-api-key",
    });
  });

  describe("with workflows", () => {
    const workflows = [
      { name: "orders", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-orders" },
      { name: "refunds", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-refunds" },
    ];
    const several = synth({ workflows });
    const defaultIntegration = address(synthesized, "aws_apigatewayv2_integration");

    it("adds a two-way route per workflow, its key the action, to an integration that starts its state machine", () => {
      const template = resources(synthesized, "aws_apigatewayv2_integration")[0].props.request_templates.$default;
      for (const { name, stateMachineArn } of workflows) {
        const integration = resources(several, "aws_apigatewayv2_integration").find((r) => r.props.request_templates.$default.includes(stateMachineArn));
        expect(integration?.props).toMatchObject({
          integration_type: "AWS",
          integration_uri: API_PROPS.integrationUri,
          credentials_arn: API_PROPS.credentialsArn,
          request_templates: { $default: template.replace(API_PROPS.stateMachineArn, stateMachineArn) },
        });
        const target = `integrations/\${aws_apigatewayv2_integration.${integration?.logicalId}.id}`;
        expect(several).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: name, target, route_response_selection_expression: "$default" });
        const route = resources(several, "aws_apigatewayv2_route").find((r) => r.props.route_key === name);
        expect(several).toHaveResourceWithProperties(Apigatewayv2RouteResponse, {
          route_id: `\${aws_apigatewayv2_route.${route?.logicalId}.id}`,
          route_response_key: "$default",
        });
        expect(several).toHaveResourceWithProperties(Apigatewayv2IntegrationResponse, {
          integration_id: `\${aws_apigatewayv2_integration.${integration?.logicalId}.id}`,
          integration_response_key: "$default",
        });
      }
      expect(resources(several, "aws_apigatewayv2_integration").map((r) => `aws_apigatewayv2_integration.${r.logicalId}`)).toContain(defaultIntegration);
      expect(resources(several, "aws_apigatewayv2_route").map((r) => r.props.route_key)).toEqual(["$default", "orders", "refunds"]);
    });

    it("redeploys on a change of any new route, integration or response", () => {
      const types = ["aws_apigatewayv2_integration", "aws_apigatewayv2_integration_response", "aws_apigatewayv2_route", "aws_apigatewayv2_route_response"];
      expect([...resources(several, "aws_apigatewayv2_deployment")[0].props.depends_on].sort()).toEqual(websocketAddresses(several, types).sort());
      expect(websocketAddresses(several, types)).toHaveLength(12);
      // Each route's integration is referenced by the route, and each route by its response.
      expect(trigger(several).references).toEqual(
        [api, ...websocketAddresses(several, ["aws_apigatewayv2_integration", "aws_apigatewayv2_route"])].map((a) => `${a}.id`).sort(),
      );
      expect(trigger(several).digest).not.toBe(trigger(synthesized).digest);
    });
  });

  describe("with async workflows", () => {
    const runner = RUNNER_PROPS;
    const workflows = [
      { name: "orders", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-orders", async: true },
      { name: "quick", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-quick" },
    ];
    const withAsync = synth({ workflows, runner });
    const integrationFor = (routeKey: string) => {
      const route = resources(withAsync, "aws_apigatewayv2_route").find((r) => r.props.route_key === routeKey);
      return resources(withAsync, "aws_apigatewayv2_integration").find(
        (i) => route?.props.target === `integrations/\${aws_apigatewayv2_integration.${i.logicalId}.id}`,
      );
    };

    it("starts the runner for an async workflow's action, and answers with the acknowledgement template", () => {
      const integration = integrationFor("orders");
      expect(integration?.props).toMatchObject({
        integration_type: "AWS",
        integration_uri: runner.startExecutionUri,
        credentials_arn: API_PROPS.credentialsArn,
      });
      expect(integration?.props.request_templates.$default).toContain(`"stateMachineArn": "${runner.stateMachineArn}"`);
      expect(integration?.props.request_templates.$default).toContain(`,"stateMachineArn":"${workflows[0].stateMachineArn}","owner":`);
      expect(withAsync).toHaveResourceWithProperties(Apigatewayv2IntegrationResponse, {
        integration_id: `\${aws_apigatewayv2_integration.${integration?.logicalId}.id}`,
        integration_response_key: "$default",
        template_selection_expression: "\\$default",
        response_templates: { $default: expect.stringContaining('"status":"RUNNING"') },
      });
    });

    it("replies to the API's own host: its endpoint without wss://", () => {
      const api = address(withAsync, "aws_apigatewayv2_api");
      expect(integrationFor("orders")?.props.request_templates.$default).toContain(`"endpoint":"\${replace(${api}.api_endpoint, "wss://", "")}"`);
    });

    it("leaves the synchronous routes as they were: StartSyncExecution, no response template", () => {
      for (const key of ["$default", "quick"]) {
        expect(integrationFor(key)?.props.integration_uri).toBe(API_PROPS.integrationUri);
        const response = resources(withAsync, "aws_apigatewayv2_integration_response").find(
          (r) => r.props.integration_id === `\${aws_apigatewayv2_integration.${integrationFor(key)?.logicalId}.id}`,
        );
        expect(response?.props.response_templates).toBeUndefined();
      }
    });
  });

  describe("with input contracts (schemas)", () => {
    const schema = JSON.stringify({ type: "object", required: ["id"], properties: { id: { type: "integer" } } });
    const workflows = [
      { name: "orders", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-orders", schema },
      { name: "plain", stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:test-plain" },
    ];
    const withSchemas = synth({ schema, workflows });
    const routeOf = (key: string) => only(withSchemas, "aws_apigatewayv2_route", (r) => r.route_key === key).props;
    const model = (name: string) => address(withSchemas, "aws_apigatewayv2_model", (m) => m.name === name);

    it("gives each workflow with a schema a model of it, draft 4 named", () => {
      expect(withSchemas).toHaveResourceWithProperties(Apigatewayv2Model, {
        name: "WorkflowInput",
        content_type: "application/json",
        schema: JSON.stringify({ $schema: "http://json-schema.org/draft-04/schema#", ...JSON.parse(schema) }),
      });
      expect(resources(withSchemas, "aws_apigatewayv2_model").map((m) => m.props.name)).toEqual(["WorkflowInput", "OrdersInput"]);
    });

    it("checks every message of its route ($default, or its action) against it: the $default model, whatever the action", () => {
      expect(withSchemas).toHaveResourceWithProperties(Apigatewayv2Route, {
        route_key: "$default",
        model_selection_expression: MODEL_SELECTION_EXPRESSION,
        request_models: { $default: `\${${model("WorkflowInput")}.name}` },
      });
      expect(routeOf("orders")).toMatchObject({
        model_selection_expression: "$request.body.action",
        request_models: { $default: `\${${model("OrdersInput")}.name}` },
      });
      expect([routeOf("plain").request_models, routeOf("plain").model_selection_expression]).toEqual([undefined, undefined]);
    });

    it("redeploys with the models", () => {
      expect(only(withSchemas, "aws_apigatewayv2_deployment").props.depends_on).toEqual(expect.arrayContaining([model("WorkflowInput"), model("OrdersInput")]));
    });

    it("adds nothing without a schema", () => {
      expect(resources(synthesized, "aws_apigatewayv2_model")).toEqual([]);
      for (const route of resources(synthesized, "aws_apigatewayv2_route")) expect(route.props.request_models).toBeUndefined();
    });
  });
});
