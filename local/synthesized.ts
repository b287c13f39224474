import * as fs from "node:fs";
import * as path from "node:path";
import { INTEGRATION_TIMEOUT_MS } from "../stacks/constructs/stage";
import type { ConnectAuth } from "../stacks/constructs/websocket-api";
import { STACK_IDS, type StackId } from "../stacks/stack-ids";
import { WORKFLOW_OUTPUTS } from "../stacks/workflow-stack";
import { workflowArnLocal, workflowOutputLocal } from "../stacks/workflow-state";
import { DEFAULT_WORKFLOW } from "../stacks/config/names";
import { evaluateTerraformString } from "./terraform-string";

/**
 * The one reader of synthesized Terraform JSON (`cdk.tf.json`), shared by the local gateway and the
 * tests: what the two stacks hand to AWS, read from what synth wrote, never from a second copy of
 * the configuration.
 */

// biome-ignore lint/suspicious/noExplicitAny: synthesized JSON is untyped by nature.
export type Json = Record<string, any>;

/** A resource of a synthesized stack: its logical id and its properties. */
export interface SynthesizedResource {
  readonly logicalId: string;
  readonly props: Json;
}

/** One synthesized stack. */
export class SynthesizedStack {
  /** Reads `<outdir>/stacks/<stack>/cdk.tf.json`; throws a message that says to synthesize when it is missing. */
  static fromOutdir(outdir: string, stackId: StackId): SynthesizedStack {
    const file = path.join(outdir, "stacks", stackId, "cdk.tf.json");
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: synthesize first (npx cdktf synth)`);
    return new SynthesizedStack(fs.readFileSync(file, "utf8"));
  }

  readonly json: Json;

  constructor(text: string) {
    this.json = JSON.parse(text) as Json;
  }

  /** Every resource of a type (or data source, with `block` "data") that `where` accepts. */
  resources(type: string, where: (props: Json) => boolean = () => true, block: "resource" | "data" = "resource"): SynthesizedResource[] {
    return Object.entries((this.json[block]?.[type] ?? {}) as Record<string, Json>)
      .map(([logicalId, props]) => ({ logicalId, props }))
      .filter((r) => where(r.props));
  }

  /** The one resource of a type that `where` accepts; throws when there is none or several. */
  only(type: string, where?: (props: Json) => boolean): SynthesizedResource {
    const found = this.resources(type, where);
    if (found.length !== 1) throw new Error(`expected one ${type} in the synthesized stack, found ${found.length}`);
    return found[0];
  }

  /** The Terraform address (`type.logicalId`) of the one resource of a type that `where` accepts. */
  address(type: string, where?: (props: Json) => boolean): string {
    return `${type}.${this.only(type, where).logicalId}`;
  }
}

/** A state machine as Terraform would create it. */
export interface SynthesizedStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly definition: Record<string, unknown>;
  /** EXPRESS, or STANDARD (STEPGATE_STANDARD_WORKFLOWS, and the runner). */
  readonly type: "EXPRESS" | "STANDARD";
}

/** The Step Functions action an API Gateway integration calls (its URI's `states:action/<action>`). */
export type StepFunctionsAction = "StartSyncExecution" | "StartExecution" | "DescribeExecution";

/** What the local gateway needs of the two stacks. */
export interface SynthesizedApp {
  readonly region: string;
  /** The default workflow's state machine. */
  readonly stateMachine: SynthesizedStateMachine;
  /** Every workflow's state machine, by workflow name (the default one is `workflow`), in the workflow stack's order. */
  readonly stateMachines: Readonly<Record<string, SynthesizedStateMachine>>;
  /** The runner of async workflows (STEPGATE_ASYNC_WORKFLOWS), when any workflow is async. */
  readonly runner?: SynthesizedStateMachine;
  readonly websocket: SynthesizedWebSocketApi;
  readonly rest: SynthesizedRestApi;
}

export interface SynthesizedWebSocketApi {
  readonly stage: string;
  /** The `$default` route's request template (`$default` template key). */
  readonly requestTemplate: string;
  /** The request template of every other two-way route, by route key: the `action` a message names. */
  readonly actions: Readonly<Record<string, string>>;
  /** The `$connect` route's mock integration template, when `$connect` requires authorization. */
  readonly connectTemplate?: string;
  /** Every two-way route, by route key (`$default`, and each workflow's action): what its integration calls, and its templates. */
  readonly routes: Readonly<Record<string, SynthesizedWebSocketRoute>>;
  /** The API's endpoint as the templates hand it to the runner (`api_endpoint` without `wss://`). */
  readonly endpoint: string;
  readonly integrationTimeoutMs: number;
  readonly connectAuth: ConnectAuth;
  readonly throttle: Throttle;
}

export interface SynthesizedRestApi {
  readonly stage: string;
  readonly apiKeyRequired: boolean;
  /** The POST method's authorization: NONE, AWS_IAM, or COGNITO_USER_POOLS with its user pools and scopes. */
  readonly auth: {
    readonly authorization: string;
    readonly userPoolArns: readonly string[];
    readonly scopes: readonly string[];
  };
  readonly validateBody: boolean;
  readonly passthroughBehavior: string;
  /** `POST /`'s request templates by content type. */
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly integrationTimeoutMs: number;
  /** `POST /`'s integration responses. */
  readonly responses: ReadonlyArray<IntegrationResponse>;
  /** The `OPTIONS` preflight of the resource, when CORS is on: its mock's answer. */
  readonly preflight?: IntegrationResponse;
  /** API Gateway's own errors, customized: headers by response type (DEFAULT_4XX, DEFAULT_5XX, BAD_REQUEST_BODY). */
  readonly gatewayResponseHeaders: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** API Gateway's own errors, customized: the JSON template by response type (BAD_REQUEST_BODY, with input contracts). */
  readonly gatewayResponseTemplates: Readonly<Record<string, string>>;
  /** Every `POST` method, `/` first, by resource path (`/`, `/<name>`): its request templates and integration responses. */
  readonly methods: Readonly<Record<string, SynthesizedRestMethod>>;
  /** Every method as API Gateway routes it, by `<HTTP method> <resource path>` (`POST /`, `GET /executions/{id}`). */
  readonly routes: Readonly<Record<string, SynthesizedRestRoute>>;
  /** Each CORS preflight's answer, by resource path. */
  readonly preflights: Readonly<Record<string, IntegrationResponse>>;
  /** Stage-wide method throttling. */
  readonly throttle: Throttle;
  readonly usagePlan: { readonly throttle: Throttle; readonly quota: { readonly limit: number; readonly period: string } };
}

export interface SynthesizedRestMethod {
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly responses: ReadonlyArray<IntegrationResponse>;
}

/** A REST method with what its integration calls and how long API Gateway waits for it. */
export interface SynthesizedRestRoute extends SynthesizedRestMethod {
  readonly action: StepFunctionsAction;
  /** The JSON Schema of the method's request model (`application/json`), which the body validator checks; none on a GET. */
  readonly model?: string;
  readonly integrationTimeoutMs: number;
  readonly apiKeyRequired: boolean;
  readonly passthroughBehavior: string;
}

export interface SynthesizedWebSocketRoute {
  readonly action: StepFunctionsAction;
  /** The JSON Schema of the route's `$default` request model (its workflow's input contract); none: any message. */
  readonly model?: string;
  readonly requestTemplate: string;
  /** The integration response's template: an async route's acknowledgement; none sends Step Functions' answer as it is. */
  readonly responseTemplate?: string;
}

export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface IntegrationResponse {
  /** Regular expression matched against Step Functions' status code; none for the default response. */
  readonly selectionPattern?: string;
  readonly statusCode: number;
  readonly templates: Readonly<Record<string, string>>;
  /** Headers with a fixed value (`'...'`), by name. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The fixed headers of `response_parameters` (`<prefix>.header.<name>` = `'value'`); mappings from the request are not read. */
export function fixedHeaders(parameters: Readonly<Record<string, string>> = {}, prefix = "method.response"): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters)
      .filter(([key, value]) => key.startsWith(`${prefix}.header.`) && /^'.*'$/s.test(value))
      .map(([key, value]) => [key.slice(`${prefix}.header.`.length), value.slice(1, -1)]),
  );
}

/** The account the local gateway and the tests pretend to be in. */
export const LOCAL_ACCOUNT = "123456789012";

/** Reads both stacks from `<outdir>/stacks`. */
export function readSynthesizedApp(outdir: string): SynthesizedApp {
  const workflow = SynthesizedStack.fromOutdir(outdir, STACK_IDS.workflow);
  const region: string = workflow.json.provider.aws[0].region;
  // The output state_machine_arns names each machine's workflow; a workflow stack synthesized
  // before it existed has one machine, the default.
  const byReference = new Map(
    Object.entries((workflow.json.output?.[WORKFLOW_OUTPUTS.stateMachineArns]?.value ?? {}) as Record<string, string>).map(([name, arn]) => [arn, name]),
  );
  const runnerReference: unknown = workflow.json.output?.[WORKFLOW_OUTPUTS.runnerArn]?.value;
  const stateMachines: Record<string, SynthesizedStateMachine> = {};
  let runner: SynthesizedStateMachine | undefined;
  for (const { logicalId, props } of workflow.resources("aws_sfn_state_machine")) {
    const name = evaluateTerraformString(props.name);
    const reference = `\${aws_sfn_state_machine.${logicalId}.arn}`;
    const machine: SynthesizedStateMachine = {
      arn: `arn:aws:states:${region}:${LOCAL_ACCOUNT}:stateMachine:${name}`,
      name,
      definition: JSON.parse(evaluateTerraformString(props.definition)),
      type: props.type === "STANDARD" ? "STANDARD" : "EXPRESS",
    };
    if (reference === runnerReference) runner = machine;
    else stateMachines[byReference.get(reference) ?? DEFAULT_WORKFLOW] = machine;
  }
  const stateMachine = stateMachines[DEFAULT_WORKFLOW];
  if (stateMachine === undefined) throw new Error(`no state machine of the default workflow in ${outdir}: synthesize again (npx cdktf synth)`);
  const api = SynthesizedStack.fromOutdir(outdir, STACK_IDS.api);
  const others = Object.fromEntries(Object.entries(stateMachines).map(([name, machine]) => [name, machine.arn]));
  return { region, stateMachine, stateMachines, runner, ...synthesizedApis(api, stateMachine.arn, others, runner?.arn) };
}

/** The WebSocket API's endpoint, as the local gateway gives it to the templates (the runner posts result frames there). */
export const LOCAL_WEBSOCKET_ENDPOINT = "wss://local.execute-api.localhost";

/**
 * The two APIs of a synthesized api stack, their templates evaluated as Terraform would hand them to
 * AWS, with `stateMachineArn` as the default workflow's ARN the workflow stack's state holds,
 * `workflowArns` the others', by workflow name, and `runnerArn` the runner's (by default, the name
 * the api stack's placeholder gives it, in the state machine's region and account).
 */
export function synthesizedApis(
  api: SynthesizedStack,
  stateMachineArn: string,
  workflowArns: Readonly<Record<string, string>> = {},
  runnerArn?: string,
): Pick<SynthesizedApp, "websocket" | "rest"> {
  const runnerLocal = workflowOutputLocal(WORKFLOW_OUTPUTS.runnerArn);
  const runnerPlaceholder = /:stateMachine:([^"]+)"\)\}$/.exec(String(api.json.locals?.[runnerLocal] ?? ""))?.[1];
  const runner = runnerArn ?? (runnerPlaceholder === undefined ? undefined : stateMachineArn.replace(/[^:]+$/, runnerPlaceholder));
  const wsApi = api.resources("aws_apigatewayv2_api")[0];
  const values: Record<string, string> = {
    [`local.${workflowOutputLocal(WORKFLOW_OUTPUTS.stateMachineArn)}`]: stateMachineArn,
    ...Object.fromEntries(Object.entries(workflowArns).map(([name, arn]) => [`local.${workflowArnLocal(name)}`, arn])),
    ...(runner === undefined ? {} : { [`local.${runnerLocal}`]: runner }),
    ...(wsApi === undefined ? {} : { [`aws_apigatewayv2_api.${wsApi.logicalId}.api_endpoint`]: LOCAL_WEBSOCKET_ENDPOINT }),
  };
  // The api stack's own locals built from those (the runner's execution ARN prefix), as Terraform evaluates them.
  for (let added = true; added; ) {
    added = false;
    for (const [name, expression] of Object.entries((api.json.locals ?? {}) as Record<string, string>)) {
      if (`local.${name}` in values) continue;
      try {
        values[`local.${name}`] = evaluateTerraformString(expression, values);
        added = true;
      } catch {
        // Not evaluable locally (a remote state, a for expression), or not yet: its parts come first.
      }
    }
  }
  const evaluate = (text: string) => evaluateTerraformString(text, values);
  const evaluateAll = (templates: Record<string, string> = {}) => Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, evaluate(v)]));
  const actionOf = (uri: string): StepFunctionsAction => {
    const action = /:states:action\/(\w+)$/.exec(uri)?.[1];
    if (action !== "StartSyncExecution" && action !== "StartExecution" && action !== "DescribeExecution") {
      throw new Error(`an integration with a Step Functions action the local gateway does not serve: ${uri}`);
    }
    return action;
  };

  // WebSocket: each two-way route (an AWS integration), by route key.
  const wsIntegrations = new Map(
    api
      .resources("aws_apigatewayv2_integration", (r) => r.integration_type === "AWS")
      .map((r) => [`integrations/\${aws_apigatewayv2_integration.${r.logicalId}.id}`, { ...r.props, logicalId: r.logicalId }]),
  );
  const wsRoutes = new Map(
    api
      .resources("aws_apigatewayv2_route", (r) => wsIntegrations.has(r.target))
      .map(({ props }) => [props.route_key as string, wsIntegrations.get(props.target) as Json]),
  );
  // Each route's request model (`$default`), by route key: a reference to the model, whose schema it holds.
  const modelSchemaOf = (type: string, reference: string | undefined): string | undefined => {
    const model = reference === undefined ? undefined : api.resources(type).find((m) => reference === `\${${type}.${m.logicalId}.name}`);
    return model === undefined ? undefined : evaluate(model.props.schema);
  };
  const wsModels = new Map(
    api
      .resources("aws_apigatewayv2_route", (r) => wsIntegrations.has(r.target))
      .map(({ props }) => [props.route_key as string, modelSchemaOf("aws_apigatewayv2_model", props.request_models?.$default)]),
  );
  const wsIntegration = wsRoutes.get("$default");
  if (wsIntegration === undefined) throw new Error("no WebSocket $default route in the synthesized api stack");
  const wsResponseTemplate = (integration: Json): string | undefined => {
    const response = api.resources(
      "aws_apigatewayv2_integration_response",
      (r) => r.integration_id === `\${aws_apigatewayv2_integration.${integration.logicalId}.id}`,
    )[0];
    const template = response?.props.response_templates?.$default;
    return template === undefined ? undefined : evaluate(template);
  };
  const connect = api.resources("aws_apigatewayv2_route", (r) => r.route_key === "$connect")[0]?.props;
  const connectIntegration = api.resources("aws_apigatewayv2_integration", (r) => r.integration_type === "MOCK")[0]?.props;
  const wsStage = api.only("aws_apigatewayv2_stage").props;
  const responsesOf = (method: SynthesizedResource) =>
    api
      .resources("aws_api_gateway_integration_response", (r) => r.http_method === `\${aws_api_gateway_method.${method.logicalId}.http_method}`)
      .map(({ props }) => ({
        selectionPattern: props.selection_pattern,
        statusCode: Number(props.status_code),
        templates: evaluateAll(props.response_templates),
        headers: fixedHeaders(props.response_parameters),
      }));

  // REST: each method, by HTTP method and resource path, with its integration and integration responses.
  const resources = new Map(api.resources("aws_api_gateway_resource").map((r) => [`\${aws_api_gateway_resource.${r.logicalId}.id}`, r.props]));
  const pathOf = (resourceId: string): string => {
    const resource = resources.get(resourceId);
    if (resource === undefined) return "/";
    const parent = pathOf(resource.parent_id);
    return `${parent === "/" ? "" : parent}/${resource.path_part}`;
  };
  const routes: Record<string, SynthesizedRestRoute & { method: Json }> = {};
  const preflights: Record<string, IntegrationResponse> = {};
  for (const method of api.resources("aws_api_gateway_method")) {
    const resourceId: string = method.props.resource_id;
    const resourcePath = pathOf(resourceId);
    if (method.props.http_method === "OPTIONS") {
      preflights[resourcePath] = responsesOf(method)[0];
      continue;
    }
    const integration = api.only("aws_api_gateway_integration", (r) => r.resource_id === resourceId && r.type !== "MOCK").props;
    const model = modelSchemaOf("aws_api_gateway_model", method.props.request_models?.["application/json"]);
    routes[`${method.props.http_method} ${resourcePath}`] = {
      method: method.props,
      ...(model === undefined ? {} : { model }),
      action: actionOf(integration.uri),
      integrationTimeoutMs: integration.timeout_milliseconds ?? INTEGRATION_TIMEOUT_MS,
      apiKeyRequired: method.props.api_key_required === true,
      passthroughBehavior: integration.passthrough_behavior ?? "WHEN_NO_MATCH",
      requestTemplates: evaluateAll(integration.request_templates),
      responses: responsesOf(method),
    };
  }
  const root = routes["POST /"];
  if (root === undefined) throw new Error("no REST POST / in the synthesized api stack");
  const posts = Object.entries(routes)
    .filter(([key]) => key.startsWith("POST "))
    .map(([key, route]) => [key.slice("POST ".length), route] as const)
    .sort(([a], [b]) => (a === "/" ? -1 : b === "/" ? 1 : 0));
  const methodSettings = api.only("aws_api_gateway_method_settings").props.settings;
  const plan = api.only("aws_api_gateway_usage_plan").props;
  const routeOf = (integration: Json, model: string | undefined): SynthesizedWebSocketRoute => ({
    action: actionOf(integration.integration_uri),
    ...(model === undefined ? {} : { model }),
    requestTemplate: evaluate(integration.request_templates.$default),
    responseTemplate: wsResponseTemplate(integration),
  });

  return {
    websocket: {
      stage: wsStage.name,
      requestTemplate: evaluate(wsIntegration.request_templates.$default),
      actions: Object.fromEntries(
        [...wsRoutes].filter(([key]) => key !== "$default").map(([key, integration]) => [key, evaluate(integration.request_templates.$default)]),
      ),
      routes: Object.fromEntries([...wsRoutes].map(([key, integration]) => [key, routeOf(integration, wsModels.get(key))])),
      endpoint: LOCAL_WEBSOCKET_ENDPOINT.replace(/^wss:\/\//, ""),
      connectTemplate: connectIntegration && evaluate(connectIntegration.request_templates.$default),
      integrationTimeoutMs: wsIntegration.timeout_milliseconds ?? INTEGRATION_TIMEOUT_MS,
      connectAuth: !connect ? "NONE" : connect.authorization_type === "AWS_IAM" ? "AWS_IAM" : connect.api_key_required ? "API_KEY" : "NONE",
      throttle: { rateLimit: wsStage.default_route_settings.throttling_rate_limit, burstLimit: wsStage.default_route_settings.throttling_burst_limit },
    },
    rest: {
      stage: api.only("aws_api_gateway_stage").props.stage_name,
      apiKeyRequired: root.apiKeyRequired,
      auth: {
        authorization: root.method.authorization ?? "NONE",
        userPoolArns:
          api.resources("aws_api_gateway_authorizer").find((r) => `\${aws_api_gateway_authorizer.${r.logicalId}.id}` === root.method.authorizer_id)?.props
            .provider_arns ?? [],
        scopes: root.method.authorization_scopes ?? [],
      },
      validateBody: api.only("aws_api_gateway_request_validator").props.validate_request_body === true,
      passthroughBehavior: root.passthroughBehavior,
      requestTemplates: root.requestTemplates,
      integrationTimeoutMs: root.integrationTimeoutMs,
      responses: root.responses,
      preflight: preflights["/"],
      preflights,
      gatewayResponseHeaders: Object.fromEntries(
        api.resources("aws_api_gateway_gateway_response").map(({ props }) => [props.response_type, fixedHeaders(props.response_parameters, "gatewayresponse")]),
      ),
      gatewayResponseTemplates: Object.fromEntries(
        api
          .resources("aws_api_gateway_gateway_response", (r) => r.response_templates?.["application/json"] !== undefined)
          .map(({ props }) => [props.response_type, evaluate(props.response_templates["application/json"])]),
      ),
      methods: Object.fromEntries(posts.map(([resourcePath, { requestTemplates, responses }]) => [resourcePath, { requestTemplates, responses }])),
      routes: Object.fromEntries(Object.entries(routes).map(([key, { method: _method, ...route }]) => [key, route])),
      throttle: { rateLimit: methodSettings.throttling_rate_limit, burstLimit: methodSettings.throttling_burst_limit },
      usagePlan: {
        throttle: { rateLimit: plan.throttle_settings.rate_limit, burstLimit: plan.throttle_settings.burst_limit },
        quota: { limit: plan.quota_settings.limit, period: plan.quota_settings.period },
      },
    },
  };
}
