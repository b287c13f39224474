import { Testing } from "cdktf";
import { ApiGatewayAccountStack } from "../stacks/api-gateway-account-stack";
import { LOG_RETENTION_DAYS } from "../stacks/config/settings";
import { schemaSettings } from "./support/input-contracts";
import { configWith, parse, resources, synthApi, synthWorkflow, testApp } from "./support/stacks";
import { temporaryFolder } from "./support/temporary-folders";

/**
 * The security defaults, proven over the synthesized JSON of every stack, for the default settings
 * and for each setting that changes what is created.
 */
const VARIANTS: Record<string, Record<string, string>> = {
  defaults: {},
  "$connect with IAM": { STEPGATE_WS_CONNECT_AUTH: "AWS_IAM" },
  "$connect with an API key": { STEPGATE_WS_CONNECT_AUTH: "API_KEY" },
  "a KMS key per stack": { STEPGATE_LOG_KMS_KEY: "create" },
  "S3 state": { STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-state" },
  "Terraform Cloud state": { STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme" },
  "alarm e-mails": { STEPGATE_ALARM_EMAILS: "ops@example.com" },
  "monitoring off": { STEPGATE_MONITORING: "off" },
  "CORS, any origin": { STEPGATE_CORS_ORIGINS: "*" },
  "CORS, several origins": { STEPGATE_CORS_ORIGINS: "https://app.example.com,http://localhost:3000" },
  "Cognito sign-in with scopes, the key on top": {
    STEPGATE_REST_AUTH: "COGNITO",
    STEPGATE_COGNITO_USER_POOL_ARNS: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123",
    STEPGATE_COGNITO_SCOPES: "stepgate/invoke",
  },
  "IAM (SigV4) without the key": { STEPGATE_REST_AUTH: "AWS_IAM", STEPGATE_REST_API_KEY_REQUIRED: "false" },
  "custom domains in a zone, and a web ACL": {
    STEPGATE_REST_DOMAIN_NAME: "api.example.com",
    STEPGATE_WS_DOMAIN_NAME: "ws.example.com",
    STEPGATE_HOSTED_ZONE_ID: "Z0123456789ABC",
    STEPGATE_REST_WAF_ACL_ARN: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl/0123abcd-0000-0000-0000-000000000000",
  },
  "more workflows": { STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json,refunds-eu=templates/workflow.asl.json" },
  "async workflows, one Standard": {
    STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json,refunds-eu=templates/workflow.asl.json",
    STEPGATE_ASYNC_WORKFLOWS: "workflow,orders",
    STEPGATE_STANDARD_WORKFLOWS: "orders",
  },
  "every workflow async": { STEPGATE_ASYNC_WORKFLOWS: "workflow" },
  "input contracts (schemas), one workflow async, CORS": {
    ...schemaSettings(temporaryFolder("security")),
    STEPGATE_ASYNC_WORKFLOWS: "orders",
    STEPGATE_CORS_ORIGINS: "https://app.example.com",
  },
};

interface Statement {
  sid?: string;
  actions: string[];
  resources?: string[];
  principals?: Array<{ type: string; identifiers: string[] }>;
  condition?: unknown[];
}

describe.each(Object.entries(VARIANTS))("security, with %s", (_name, env) => {
  const config = configWith(env);
  const stacks = {
    workflow: synthWorkflow(config),
    api: synthApi(config),
    "apigw-account": Testing.synth(new ApiGatewayAccountStack(testApp(), "apigw-account", { config })),
  };
  const all = Object.values(stacks);
  const documents = all.flatMap((s) =>
    Object.entries(parse(s).data?.aws_iam_policy_document ?? {}).map(([id, d]) => ({ id, stack: s, statements: d.statement as Statement[] })),
  );
  /** Key policies: every statement's resource is "*", which means the key itself. */
  const keyPolicies = new Set(all.flatMap((s) => resources(s, "aws_kms_key").map((k) => String(k.props.policy))));
  const isKeyPolicy = (id: string) => keyPolicies.has(`\${data.aws_iam_policy_document.${id}.json}`);

  it("grants no wildcard action, but for the account statement of a KMS key policy (AWS's default, which leaves access to IAM)", () => {
    for (const { id, statements } of documents) {
      for (const statement of statements) {
        const wildcards = statement.actions.filter((a) => a.includes("*"));
        if (isKeyPolicy(id) && statement.sid === "Account") {
          expect(statement.principals).toEqual([{ type: "AWS", identifiers: [expect.stringMatching(/:root$/)] }]);
        } else {
          expect(wildcards).toEqual([]);
        }
      }
    }
  });

  it('names its resource in every IAM statement, but log delivery and X-Ray, which AWS only allows on "*"', () => {
    for (const { id, statements } of documents.filter((d) => !isKeyPolicy(d.id))) {
      for (const statement of statements.filter((s) => s.resources?.includes("*"))) {
        // PutMetricData has no resource either: the runner's is held to stepgate's namespace by a condition.
        const inNamespace = (statement.condition as Array<{ variable: string }> | undefined)?.some((c) => c.variable === "cloudwatch:namespace");
        const unnamed = statement.actions.filter((a) => !/^(logs|xray):/.test(a) && !(a === "cloudwatch:PutMetricData" && inNamespace));
        expect({ id, actions: unnamed }).toEqual({ id, actions: [] });
      }
    }
  });

  it("keeps the alarm topic private and encrypted: only CloudWatch alarms of this account publish to it", () => {
    const topics = all.flatMap((s) => resources(s, "aws_sns_topic"));
    expect(topics).toHaveLength(env.STEPGATE_MONITORING === "off" ? 0 : 1);
    for (const topic of topics) expect(topic.props.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.\w+\.arn\}$/);
    const topicStatements = documents.filter((d) => d.statements.some((s) => s.actions.some((a) => a.startsWith("sns:")))).flatMap((d) => d.statements);
    for (const statement of topicStatements) {
      // Never public: every principal is this account or CloudWatch, never "*".
      expect(statement.principals?.flatMap((p) => p.identifiers)).not.toContain("*");
      if (statement.actions.includes("sns:Publish")) {
        expect(statement).toMatchObject({
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          condition: expect.arrayContaining([
            expect.objectContaining({ variable: "aws:SourceAccount" }),
            expect.objectContaining({ variable: "aws:SourceArn" }),
          ]),
        });
      }
    }
  });

  it("lets API Gateway start only the workflows' state machines (async ones through the runner, whose executions it reads), and nothing else", () => {
    const startSync = documents
      .filter((d) => d.stack === stacks.api)
      .flatMap((d) => d.statements)
      .filter((s) => s.actions.some((a) => a.startsWith("states:")));
    const arns = config.workflows
      .filter((w) => !w.async)
      .map((w) => (w.name === "workflow" ? "${local.workflow_state_machine_arn}" : `\${local.workflow_state_machine_arns_${w.name}}`));
    const runner = config.workflows.some((w) => w.async)
      ? [
          expect.objectContaining({ actions: ["states:StartExecution"], resources: ["${local.workflow_runner_arn}"] }),
          expect.objectContaining({ actions: ["states:DescribeExecution"], resources: ["${local.runner_execution_arn_prefix}*"] }),
        ]
      : [];
    const sync = arns.length === 0 ? [] : [expect.objectContaining({ actions: ["states:StartSyncExecution"], resources: arns })];
    expect(startSync).toEqual([...sync, ...runner]);
  });

  it("lets Step Functions assume each state machine's role only for that state machine of this account", () => {
    const machines = resources(stacks.workflow, "aws_sfn_state_machine");
    // Each workflow's, and the runner's when any workflow is async.
    const runners = config.workflows.some((w) => w.async) ? 1 : 0;
    expect(machines).toHaveLength(config.workflows.length + runners);
    for (const machine of machines) {
      const role = resources(stacks.workflow, "aws_iam_role").find((r) => machine.props.role_arn === `\${aws_iam_role.${r.logicalId}.arn}`);
      const trust = documents.find((d) => d.stack === stacks.workflow && role?.props.assume_role_policy === `\${data.aws_iam_policy_document.${d.id}.json}`);
      expect(trust?.statements).toEqual([
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: ["states.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["${data.aws_caller_identity.account.account_id}"] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [expect.stringMatching(new RegExp(`:stateMachine:${machine.props.name}$`))] },
          ],
        }),
      ]);
    }
  });

  it("keeps every log group for a limited time", () => {
    const groups = all.flatMap((s) => resources(s, "aws_cloudwatch_log_group"));
    expect(groups).toHaveLength(4 + config.workflows.length + (config.workflows.some((w) => w.async) ? 1 : 0));
    for (const group of groups) expect(LOG_RETENTION_DAYS).toContain(group.props.retention_in_days);
  });

  it("logs and traces: the state machine, both stages' access and execution logs, X-Ray on the REST stage", () => {
    for (const { props: machine } of resources(stacks.workflow, "aws_sfn_state_machine")) {
      expect(machine.tracing_configuration).toEqual({ enabled: true });
      expect(machine.logging_configuration.level).not.toBe("OFF");
    }
    const [rest] = resources(stacks.api, "aws_api_gateway_stage");
    const [ws] = resources(stacks.api, "aws_apigatewayv2_stage");
    expect(rest.props.xray_tracing_enabled).toBe(true);
    for (const stage of [rest, ws]) {
      expect(stage.props.access_log_settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\..*\.arn\}$/);
      expect(stage.props.depends_on.some((d: string) => d.includes("execution_logs"))).toBe(true);
    }
    expect(ws.props.default_route_settings.logging_level).toBe("ERROR");
    expect(resources(stacks.api, "aws_api_gateway_method_settings")[0].props.settings.logging_level).toBe("ERROR");
  });

  it("logs no payload: data trace off on both APIs, no execution data in the state machine's logs", () => {
    expect(resources(stacks.api, "aws_api_gateway_method_settings")[0].props.settings.data_trace_enabled).toBe(false);
    expect(resources(stacks.api, "aws_apigatewayv2_stage")[0].props.default_route_settings.data_trace_enabled).toBe(false);
    for (const machine of resources(stacks.workflow, "aws_sfn_state_machine")) expect(machine.props.logging_configuration.include_execution_data).toBe(false);
  });

  it("requires the API key, with quota and throttling per key, and throttles both stages", () => {
    const methods = resources(stacks.api, "aws_api_gateway_method").map((m) => m.props);
    const post = methods.filter((m) => m.http_method === "POST");
    // One POST per workflow, each guarded alike.
    expect(post).toHaveLength(config.workflows.length);
    expect(post.map((m) => m.api_key_required)).toEqual(post.map(() => env.STEPGATE_REST_API_KEY_REQUIRED !== "false"));
    // Never open: the key, a signature or a token, and the key unless an authorization replaces it.
    expect(post.map((m) => m.authorization)).toEqual(
      post.map(() => ({ COGNITO: "COGNITO_USER_POOLS", AWS_IAM: "AWS_IAM" })[env.STEPGATE_REST_AUTH ?? ""] ?? "NONE"),
    );
    for (const m of post) expect(m.api_key_required === true || m.authorization !== "NONE").toBe(true);
    // Only the CORS preflights (one a resource) are open: mocks, which start nothing.
    const open = methods.filter((m) => m.api_key_required !== true && m.authorization === "NONE");
    expect([...new Set(open.map((m) => m.http_method))]).toEqual(env.STEPGATE_CORS_ORIGINS ? ["OPTIONS"] : []);
    for (const integration of resources(stacks.api, "aws_api_gateway_integration")) {
      if (integration.props.type !== "AWS") expect(integration.props.type).toBe("MOCK");
    }
    const plan = resources(stacks.api, "aws_api_gateway_usage_plan")[0].props;
    expect(plan.quota_settings.limit).toBeGreaterThan(0);
    expect(plan.throttle_settings.rate_limit).toBeGreaterThan(0);
    expect(resources(stacks.api, "aws_api_gateway_method_settings")[0].props.settings.throttling_rate_limit).toBeGreaterThan(0);
    expect(resources(stacks.api, "aws_apigatewayv2_stage")[0].props.default_route_settings.throttling_rate_limit).toBeGreaterThan(0);
  });

  it("shows the API key's value only in a sensitive output, never in logs or execution input", () => {
    const json = parse(stacks.api);
    const uses = JSON.stringify(json).match(/aws_api_gateway_api_key\.\w+\.value/g) ?? [];
    expect(uses).toHaveLength(1);
    expect(json.output.api_key_value).toMatchObject({ sensitive: true });
    for (const type of ["aws_api_gateway_stage", "aws_apigatewayv2_stage"]) {
      expect(resources(stacks.api, type)[0].props.access_log_settings.format).not.toMatch(/\$context\.identity\.apiKey(?!Id)/);
    }
    // Every integration that starts an execution: not a CORS preflight (a mock), nor GET /executions/{id} (it reads one).
    const starting = resources(stacks.api, "aws_api_gateway_integration").filter(
      (i) => i.props.type === "AWS" && !String(i.props.uri).endsWith("/DescribeExecution"),
    );
    const [template] = starting.map((i) => i.props.request_templates["application/json"]);
    expect(template).toContain("#set($sendApiKeyValue = false)");
    for (const integration of starting) {
      expect(integration.props.request_templates["application/json"]).toContain("#set($sendApiKeyValue = false)");
    }
  });

  it("sends CORS headers only when STEPGATE_CORS_ORIGINS is set, and never allows credentials (so never with *)", () => {
    if (env.STEPGATE_CORS_ORIGINS === undefined) expect(stacks.api).not.toMatch(/Access-Control-/i);
    else expect(stacks.api).toContain("Access-Control-Allow-Origin");
    for (const synthesized of all) expect(synthesized).not.toMatch(/Access-Control-Allow-Credentials/i);
    if (env.STEPGATE_CORS_ORIGINS?.includes(",")) {
      // Several origins: a listed one is echoed, never any; API Gateway's own errors get none.
      expect(resources(stacks.api, "aws_api_gateway_gateway_response")).toEqual([]);
      expect(stacks.api).not.toContain("method.request.header.Origin");
    }
  });

  it("serves custom domains over TLS 1.2 or newer only, regional", () => {
    for (const { props } of resources(stacks.api, "aws_api_gateway_domain_name")) {
      expect([props.security_policy, props.endpoint_configuration]).toEqual(["TLS_1_2", { types: ["REGIONAL"] }]);
    }
    for (const { props } of resources(stacks.api, "aws_apigatewayv2_domain_name")) {
      expect(props.domain_name_configuration).toMatchObject({ security_policy: "TLS_1_2", endpoint_type: "REGIONAL" });
    }
    const domains = resources(stacks.api, "aws_api_gateway_domain_name").length + resources(stacks.api, "aws_apigatewayv2_domain_name").length;
    expect(domains).toBe(env.STEPGATE_REST_DOMAIN_NAME ? 2 : 0);
  });

  it("holds no secret or token", () => {
    for (const synthesized of all) {
      const keys = JSON.stringify(parse(synthesized)).match(/"(\w*(token|secret|password|access_key)\w*)":/gi) ?? [];
      expect(keys).toEqual([]);
      expect(synthesized).not.toMatch(/AKIA[0-9A-Z]{16}/);
    }
  });
});
