import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { Apigatewayv2ApiMapping } from "@cdktf/provider-aws/lib/apigatewayv2-api-mapping";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { Apigatewayv2RouteResponse } from "@cdktf/provider-aws/lib/apigatewayv2-route-response";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataTerraformRemoteStateLocal } from "cdktf";
import { address, configWith, only, parse, redeploymentTrigger, resources, synthApi } from "./support/stacks";

const WORKFLOW_ARN = "${local.workflow_state_machine_arn}";
const URI = "arn:${data.aws_partition.partition.partition}:apigateway:us-east-1:states:action/StartSyncExecution";

describe("ApiStack", () => {
  const synthesized = synthApi();

  it("reads the state machine from the workflow stack's state, by a relative path", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataTerraformRemoteStateLocal, {
      backend: "local",
      config: { path: "../../../terraform.workflow.tfstate" },
    });
  });

  it("neither creates nor looks up a state machine", () => {
    const { resource, data } = parse(synthesized);
    expect(Object.keys(resource).filter((t) => t.startsWith("aws_sfn"))).toEqual([]);
    expect(Object.keys(data).filter((t) => t.startsWith("aws_sfn"))).toEqual([]);
  });

  it("outputs the WebSocket URL, the REST URL and the API key, its value only as a sensitive output", () => {
    const outputs = parse(synthesized).output;
    expect(outputs).toEqual({
      websocket_url: expect.objectContaining({ value: `\${${address(synthesized, "aws_apigatewayv2_stage")}.invoke_url}` }),
      rest_invoke_url: expect.objectContaining({ value: `\${${address(synthesized, "aws_api_gateway_stage")}.invoke_url}` }),
      api_key_id: expect.objectContaining({ value: `\${${address(synthesized, "aws_api_gateway_api_key")}.id}` }),
      api_key_value: expect.objectContaining({ value: `\${${address(synthesized, "aws_api_gateway_api_key")}.value}`, sensitive: true }),
      dashboard_url: expect.objectContaining({ value: expect.stringContaining("#dashboards:name=") }),
    });
    for (const name of ["websocket_url", "rest_invoke_url", "api_key_id"]) expect(outputs[name].sensitive).toBeUndefined();
  });

  it("points both APIs at the workflow's state machine, through the stack's role", () => {
    const role = `\${${address(synthesized, "aws_iam_role")}.arn}`;
    expect(synthesized).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_uri: URI,
      credentials_arn: role,
      request_templates: { $default: expect.stringContaining(`"stateMachineArn": "${WORKFLOW_ARN}"`) },
    });
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayIntegration, {
      uri: URI,
      credentials: role,
      request_templates: { "application/json": expect.stringContaining(`"stateMachineArn": "${WORKFLOW_ARN}"`) },
    });
  });

  it("takes stages, throttling, quota and $connect authorization from the settings", () => {
    const custom = synthApi(
      configWith({
        STEPGATE_WS_STAGE: "live",
        STEPGATE_WS_RATE_LIMIT: "2.5",
        STEPGATE_WS_BURST_LIMIT: "5",
        STEPGATE_WS_CONNECT_AUTH: "AWS_IAM",
        STEPGATE_REST_STAGE: "v1",
        STEPGATE_REST_RATE_LIMIT: "100",
        STEPGATE_REST_BURST_LIMIT: "200",
        STEPGATE_QUOTA_LIMIT: "500",
        STEPGATE_QUOTA_PERIOD: "MONTH",
      }),
    );
    expect(custom).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: "live",
      default_route_settings: expect.objectContaining({ throttling_rate_limit: 2.5, throttling_burst_limit: 5 }),
    });
    expect(custom).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: "$connect", authorization_type: "AWS_IAM" });
    expect(custom).toHaveResourceWithProperties(ApiGatewayStage, { stage_name: "v1" });
    expect(custom).toHaveResourceWithProperties(ApiGatewayMethodSettings, {
      settings: expect.objectContaining({ throttling_rate_limit: 100, throttling_burst_limit: 200 }),
    });
    expect(custom).toHaveResourceWithProperties(ApiGatewayUsagePlan, {
      throttle_settings: { rate_limit: 100, burst_limit: 200 },
      quota_settings: { limit: 500, period: "MONTH" },
    });
  });

  it("binds the usage plan to the REST stage once it exists, and to the WebSocket stage when $connect takes the API key", () => {
    const restStage = {
      api_id: `\${${address(synthesized, "aws_api_gateway_rest_api")}.id}`,
      stage: `\${${address(synthesized, "aws_api_gateway_stage")}.stage_name}`,
    };
    expect(only(synthesized, "aws_api_gateway_usage_plan").props.api_stages).toEqual([restStage]);
    const custom = synthApi(configWith({ STEPGATE_WS_CONNECT_AUTH: "API_KEY" }));
    expect(only(custom, "aws_api_gateway_usage_plan").props.api_stages).toEqual([
      restStage,
      { api_id: `\${${address(custom, "aws_apigatewayv2_api")}.id}`, stage: `\${${address(custom, "aws_apigatewayv2_stage")}.name}` },
    ]);
  });

  it("makes both stages wait for the role's permission policy", () => {
    const policy = address(synthesized, "aws_iam_role_policy");
    for (const type of ["aws_apigatewayv2_stage", "aws_api_gateway_stage"]) {
      expect(resources(synthesized, type)[0].props.depends_on).toContain(policy);
    }
  });

  it("names everything from the prefix", () => {
    const { resource } = parse(synthApi(configWith({ STEPGATE_PREFIX: "team-b" })));
    const names = Object.values(resource)
      .flatMap((block) => Object.values(block))
      .map((r) => r.name)
      .filter((n): n is string => typeof n === "string");
    expect(names.filter((n) => n.includes("stepgate"))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining([
        "team-b-websocket",
        "team-b-rest",
        "team-b-start-sync-execution",
        "/aws/apigateway/team-b-websocket/access",
        "/aws/apigateway/team-b-rest/access",
      ]),
    );
  });

  it("adds CORS to the REST API with STEPGATE_CORS_ORIGINS, and only then", () => {
    const withCors = synthApi(configWith({ STEPGATE_CORS_ORIGINS: "https://app.example.com" }));
    expect(withCors).toHaveResourceWithProperties(ApiGatewayMethod, { http_method: "OPTIONS", authorization: "NONE", api_key_required: false });
    expect(withCors).toHaveResourceWithProperties(ApiGatewayGatewayResponse, {
      response_type: "DEFAULT_4XX",
      response_parameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'https://app.example.com'" },
    });
    expect(synthesized).not.toContain("Access-Control-");
  });

  describe("custom domains and WAF", () => {
    const ZONE = "Z0123456789ABC";
    const WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/0123abcd-0000-0000-0000-000000000000";
    const edges = synthApi(
      configWith({
        STEPGATE_REST_DOMAIN_NAME: "api.example.com",
        STEPGATE_WS_DOMAIN_NAME: "ws.example.com",
        STEPGATE_HOSTED_ZONE_ID: ZONE,
        STEPGATE_REST_WAF_ACL_ARN: WEB_ACL,
      }),
    );

    it("maps each API's stage at the root of its name", () => {
      expect(edges).toHaveResourceWithProperties(ApiGatewayBasePathMapping, {
        api_id: `\${${address(edges, "aws_api_gateway_rest_api")}.id}`,
        stage_name: `\${${address(edges, "aws_api_gateway_stage")}.stage_name}`,
      });
      expect(edges).toHaveResourceWithProperties(Apigatewayv2ApiMapping, {
        api_id: `\${${address(edges, "aws_apigatewayv2_api")}.id}`,
        stage: `\${${address(edges, "aws_apigatewayv2_stage")}.name}`,
      });
      expect(edges).toHaveResourceWithProperties(AcmCertificate, { domain_name: "api.example.com", subject_alternative_names: ["ws.example.com"] });
    });

    it("outputs the custom URLs and where each name points", () => {
      const outputs = parse(edges).output;
      const rest = address(edges, "aws_api_gateway_domain_name");
      const ws = address(edges, "aws_apigatewayv2_domain_name");
      expect(outputs.rest_custom_url.value).toBe(`https://\${${rest}.domain_name}`);
      expect(outputs.websocket_custom_url.value).toBe(`wss://\${${ws}.domain_name}`);
      expect(outputs.rest_custom_domain_target.value).toBe(`\${${rest}.regional_domain_name}`);
      expect(outputs.websocket_custom_domain_target.value).toBe(`\${${ws}.domain_name_configuration[0].target_domain_name}`);
      expect(Object.keys(parse(synthesized).output).sort()).toEqual(["api_key_id", "api_key_value", "dashboard_url", "rest_invoke_url", "websocket_url"]);
    });

    it("associates the web ACL with the REST stage, and with nothing of the WebSocket API", () => {
      expect(edges).toHaveResourceWithProperties(Wafv2WebAclAssociation, {
        resource_arn: `\${${address(edges, "aws_api_gateway_stage")}.arn}`,
        web_acl_arn: WEB_ACL,
      });
      expect(resources(edges, "aws_wafv2_web_acl_association")).toHaveLength(1);
      expect(resources(synthesized, "aws_wafv2_web_acl_association")).toEqual([]);
    });
  });

  it("takes the REST sign-in from the settings: a Cognito authorizer on POST, scopes, the key on top or not", () => {
    const pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";
    const cognito = synthApi(
      configWith({
        STEPGATE_REST_AUTH: "COGNITO",
        STEPGATE_COGNITO_USER_POOL_ARNS: pool,
        STEPGATE_COGNITO_SCOPES: "stepgate/invoke",
        STEPGATE_REST_API_KEY_REQUIRED: "false",
      }),
    );
    expect(cognito).toHaveResourceWithProperties(ApiGatewayAuthorizer, {
      rest_api_id: `\${${address(cognito, "aws_api_gateway_rest_api")}.id}`,
      name: "stepgate-rest",
      type: "COGNITO_USER_POOLS",
      provider_arns: [pool],
    });
    expect(cognito).toHaveResourceWithProperties(ApiGatewayMethod, {
      http_method: "POST",
      authorization: "COGNITO_USER_POOLS",
      authorizer_id: `\${${address(cognito, "aws_api_gateway_authorizer")}.id}`,
      authorization_scopes: ["stepgate/invoke"],
      api_key_required: false,
    });
    expect(resources(cognito, "aws_api_gateway_deployment")[0].props.depends_on).toContain(address(cognito, "aws_api_gateway_authorizer"));
    const iam = synthApi(configWith({ STEPGATE_REST_AUTH: "AWS_IAM" }));
    expect(iam).toHaveResourceWithProperties(ApiGatewayMethod, { http_method: "POST", authorization: "AWS_IAM", api_key_required: true });
  });

  describe("deployment triggers", () => {
    const REST = "aws_api_gateway_deployment";
    const WEBSOCKET = "aws_apigatewayv2_deployment";
    const triggers = (synthesized: string) => ({ rest: redeploymentTrigger(synthesized, REST), websocket: redeploymentTrigger(synthesized, WEBSOCKET) });

    it("are the same for the same settings", () => {
      expect(triggers(synthApi())).toEqual(triggers(synthesized));
    });

    it("move the REST API alone on a REST-only change (STEPGATE_REST_SEND_API_KEY_VALUE changes its request template)", () => {
      const changed = triggers(synthApi(configWith({ STEPGATE_REST_SEND_API_KEY_VALUE: "true" })));
      expect(changed.rest.digest).not.toBe(triggers(synthesized).rest.digest);
      expect(changed.rest.references).toEqual(triggers(synthesized).rest.references);
      expect(changed.websocket).toEqual(triggers(synthesized).websocket);
    });

    it("move the WebSocket API alone on a WebSocket-only change (STEPGATE_WS_CONNECT_AUTH adds $connect)", () => {
      const changed = triggers(synthApi(configWith({ STEPGATE_WS_CONNECT_AUTH: "AWS_IAM" })));
      expect(changed.websocket.digest).not.toBe(triggers(synthesized).websocket.digest);
      expect(changed.rest).toEqual(triggers(synthesized).rest);
    });

    it("stay on a change of the stages alone (throttling, log retention)", () => {
      expect(triggers(synthApi(configWith({ STEPGATE_REST_RATE_LIMIT: "7", STEPGATE_WS_RATE_LIMIT: "7", STEPGATE_LOG_RETENTION_DAYS: "90" })))).toEqual(
        triggers(synthesized),
      );
    });

    it("have Terraform hash the workflow's ARN, the role's and the ids, never a whole resource as read back", () => {
      const { rest, websocket } = triggers(synthesized);
      const role = `${address(synthesized, "aws_iam_role")}.arn`;
      expect(rest.references).toEqual(expect.arrayContaining(["local.workflow_state_machine_arn", role, "data.aws_partition.partition.partition"]));
      expect(websocket.references).toEqual(expect.arrayContaining(["local.workflow_state_machine_arn", role, "data.aws_partition.partition.partition"]));
      for (const reference of [...rest.references, ...websocket.references]) expect(reference).toMatch(/^(local\.[\w-]+|(data\.)?aws_\w+\.\w+\.\w+)$/);
    });
  });

  describe("with STEPGATE_WORKFLOWS", () => {
    const several = synthApi(configWith({ STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json,refunds-eu=templates/workflow.asl.json" }));
    const arnOf = (name: string) => `\${local.workflow_state_machine_arns_${name}}`;
    const referenced = (type: string, name: string) => `\${${type}.${only(several, type, (r) => JSON.stringify(r).includes(arnOf(name))).logicalId}`;

    it("reads each other workflow's ARN from state_machine_arns, its placeholder standing in for a state without it", () => {
      expect(parse(several).locals).toEqual({
        workflow_state_machine_arn: parse(synthesized).locals.workflow_state_machine_arn,
        workflow_state_machine_arns_orders:
          '${try(data.terraform_remote_state.workflow[0].outputs.state_machine_arns["orders"], "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-orders")}',
        "workflow_state_machine_arns_refunds-eu":
          '${try(data.terraform_remote_state.workflow[0].outputs.state_machine_arns["refunds-eu"], "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-refunds-eu")}',
        workflows_not_applied:
          '${[for w in [{ name = "workflow", arn = local.workflow_state_machine_arn }, { name = "orders", arn = local.workflow_state_machine_arns_orders }, { name = "refunds-eu", arn = local.workflow_state_machine_arns_refunds-eu }] : w.name if startswith(w.arn, "arn:aws:states:us-east-1:000000000000:stateMachine:")]}',
      });
    });

    it("lets the API Gateway role start exactly the three state machines, with one policy", () => {
      expect(several).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
        statement: [{ effect: "Allow", actions: ["states:StartSyncExecution"], resources: [WORKFLOW_ARN, arnOf("orders"), arnOf("refunds-eu")] }],
      });
      expect(resources(several, "aws_iam_role")).toHaveLength(1);
      expect(resources(several, "aws_iam_role_policy")).toHaveLength(1);
    });

    it.each(["orders", "refunds-eu"])("REST: POST /%s, with the key, validator and model of POST /, to its state machine", (name) => {
      const root = only(several, "aws_api_gateway_method", (r) => String(r.resource_id).endsWith(".root_resource_id}")).props;
      const resource = `\${aws_api_gateway_resource.${only(several, "aws_api_gateway_resource", (r) => r.path_part === name).logicalId}.id}`;
      expect(several).toHaveResourceWithProperties(ApiGatewayResource, { path_part: name, parent_id: root.resource_id, rest_api_id: root.rest_api_id });
      expect(several).toHaveResourceWithProperties(ApiGatewayMethod, {
        resource_id: resource,
        http_method: "POST",
        api_key_required: true,
        request_validator_id: root.request_validator_id,
        request_models: root.request_models,
      });
      const rootIntegration = only(several, "aws_api_gateway_integration", (r) => r.resource_id === root.resource_id).props;
      expect(several).toHaveResourceWithProperties(ApiGatewayIntegration, {
        resource_id: resource,
        uri: URI,
        credentials: rootIntegration.credentials,
        passthrough_behavior: "NEVER",
        request_templates: { "application/json": rootIntegration.request_templates["application/json"].replace(WORKFLOW_ARN, arnOf(name)) },
      });
      expect(resources(several, "aws_api_gateway_method_response").filter((r) => r.props.resource_id === resource)).toHaveLength(6);
      expect(resources(several, "aws_api_gateway_integration_response").filter((r) => r.props.resource_id === resource)).toHaveLength(3);
    });

    it.each(["orders", "refunds-eu"])("WebSocket: the two-way route %s, to its state machine", (name) => {
      const integration = referenced("aws_apigatewayv2_integration", name);
      const route = only(several, "aws_apigatewayv2_route", (r) => r.route_key === name);
      expect(several).toHaveResourceWithProperties(Apigatewayv2Route, {
        route_key: name,
        target: `integrations/${integration}.id}`,
        route_response_selection_expression: "$default",
      });
      expect(several).toHaveResourceWithProperties(Apigatewayv2RouteResponse, {
        route_id: `\${aws_apigatewayv2_route.${route.logicalId}.id}`,
        route_response_key: "$default",
      });
      expect(resources(several, "aws_apigatewayv2_integration_response").map((r) => r.props.integration_id)).toContain(`${integration}.id}`);
    });

    it("redeploys both APIs on a change of any new route, method or integration", () => {
      const rest = only(several, "aws_api_gateway_deployment").props;
      const websocket = only(several, "aws_apigatewayv2_deployment").props;
      const apiResources = (prefix: string) =>
        Object.entries(parse(several).resource)
          .filter(([type]) => type.startsWith(prefix) && !/(deployment|stage|api|usage_plan.*|api_key|method_settings)$/.test(type))
          .flatMap(([type, block]) => Object.keys(block).map((id) => `${type}.${id}`));
      expect([...rest.depends_on].sort()).toEqual(apiResources("aws_api_gateway_").sort());
      expect([...websocket.depends_on].sort()).toEqual(apiResources("aws_apigatewayv2_").sort());
      // Each workflow's ARN is hashed by Terraform, so the real one replacing its placeholder redeploys.
      for (const type of ["aws_api_gateway_deployment", "aws_apigatewayv2_deployment"]) {
        expect(redeploymentTrigger(several, type).references).toEqual(
          expect.arrayContaining([
            "local.workflow_state_machine_arn",
            "local.workflow_state_machine_arns_orders",
            "local.workflow_state_machine_arns_refunds-eu",
          ]),
        );
        expect(redeploymentTrigger(several, type).digest).not.toBe(redeploymentTrigger(synthesized, type).digest);
      }
    });
  });
});

describe("ApiStack monitoring (STEPGATE_MONITORING)", () => {
  const MONITORING_TYPES = [
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_metric_alarm",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_sns_topic_subscription",
    "aws_kms_key",
  ];
  const count = (synthesized: string) => Object.fromEntries(MONITORING_TYPES.map((t) => [t, resources(synthesized, t).length]));

  it("is on by default: a dashboard of this deployment's APIs and workflow, alarms to a topic of its own, and the dashboard's URL", () => {
    const synthesized = synthApi();
    expect(count(synthesized)).toEqual({
      aws_cloudwatch_dashboard: 1,
      aws_cloudwatch_metric_alarm: 7,
      aws_sns_topic: 1,
      aws_sns_topic_policy: 1,
      aws_sns_topic_subscription: 0,
      aws_kms_key: 1,
    });
    const body = JSON.parse(only(synthesized, "aws_cloudwatch_dashboard").props.dashboard_body);
    const dimensionValues = JSON.stringify(body.widgets.flatMap((w: { properties: { metrics?: unknown[] } }) => w.properties.metrics ?? []));
    expect(dimensionValues).toContain('"ApiName","stepgate-rest","Stage","api"');
    expect(dimensionValues).toContain(`"ApiId","\${${address(synthesized, "aws_apigatewayv2_api")}.id}","Stage","api"`);
    expect(dimensionValues).toContain(`"StateMachineArn","${WORKFLOW_ARN}"`);
    const topic = `\${${address(synthesized, "aws_sns_topic")}.arn}`;
    for (const alarm of resources(synthesized, "aws_cloudwatch_metric_alarm")) expect(alarm.props.alarm_actions).toEqual([topic]);
    expect(parse(synthesized).output.dashboard_url.value).toBe(
      `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=\${${address(synthesized, "aws_cloudwatch_dashboard")}.dashboard_name}`,
    );
  });

  it("takes the thresholds, the e-mail subscriptions, or an existing topic from the settings", () => {
    const custom = synthApi(configWith({ STEPGATE_ALARM_REST_5XX: "50", STEPGATE_ALARM_EMAILS: "ops@example.com,oncall@example.com" }));
    expect(resources(custom, "aws_cloudwatch_metric_alarm").find((a) => a.props.metric_name === "5XXError")?.props.threshold).toBe(50);
    expect(
      resources(custom, "aws_sns_topic_subscription")
        .map((s) => s.props.endpoint)
        .sort(),
    ).toEqual(["oncall@example.com", "ops@example.com"]);
    const existing = "arn:aws:sns:us-east-1:123456789012:team-alarms";
    const withTopic = synthApi(configWith({ STEPGATE_ALARM_TOPIC_ARN: existing }));
    expect(count(withTopic)).toMatchObject({ aws_sns_topic: 0, aws_sns_topic_policy: 0, aws_kms_key: 0 });
    for (const alarm of resources(withTopic, "aws_cloudwatch_metric_alarm")) expect(alarm.props.ok_actions).toEqual([existing]);
  });

  it("off: synthesizes no monitoring resource and no dashboard URL", () => {
    const off = synthApi(configWith({ STEPGATE_MONITORING: "off" }));
    expect(Object.values(count(off)).every((n) => n === 0)).toBe(true);
    expect(parse(off).output.dashboard_url).toBeUndefined();
  });
});
