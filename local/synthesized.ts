import * as fs from "node:fs";
import * as path from "node:path";
import { INTEGRATION_TIMEOUT_MS } from "../stacks/constructs/stage";
import type { ConnectAuth } from "../stacks/constructs/websocket-api";
import { STACK_IDS, type StackId } from "../stacks/stack-ids";
import { WORKFLOW_OUTPUTS } from "../stacks/workflow-stack";
import { workflowOutputLocal } from "../stacks/workflow-state";
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

/** What the local gateway needs of the two stacks. */
export interface SynthesizedApp {
  readonly region: string;
  readonly stateMachine: {
    readonly arn: string;
    readonly name: string;
    readonly definition: Record<string, unknown>;
  };
  readonly websocket: SynthesizedWebSocketApi;
  readonly rest: SynthesizedRestApi;
}

export interface SynthesizedWebSocketApi {
  readonly stage: string;
  /** The `$default` route's request template (`$default` template key). */
  readonly requestTemplate: string;
  /** The `$connect` route's mock integration template, when `$connect` requires authorization. */
  readonly connectTemplate?: string;
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
  /** Request templates by content type. */
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly integrationTimeoutMs: number;
  readonly responses: ReadonlyArray<IntegrationResponse>;
  /** The `OPTIONS` preflight of the resource, when CORS is on: its mock's answer. */
  readonly preflight?: IntegrationResponse;
  /** API Gateway's own errors, customized: headers by response type (DEFAULT_4XX, DEFAULT_5XX). */
  readonly gatewayResponseHeaders: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Stage-wide method throttling. */
  readonly throttle: Throttle;
  readonly usagePlan: { readonly throttle: Throttle; readonly quota: { readonly limit: number; readonly period: string } };
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
  const machine = workflow.only("aws_sfn_state_machine").props;
  const name = evaluateTerraformString(machine.name);
  const arn = `arn:aws:states:${region}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
  const api = SynthesizedStack.fromOutdir(outdir, STACK_IDS.api);
  return {
    region,
    stateMachine: { arn, name, definition: JSON.parse(evaluateTerraformString(machine.definition)) },
    ...synthesizedApis(api, arn),
  };
}

/**
 * The two APIs of a synthesized api stack, their templates evaluated as Terraform would hand them to
 * AWS, with `stateMachineArn` as the value the workflow stack's state holds.
 */
export function synthesizedApis(api: SynthesizedStack, stateMachineArn: string): Pick<SynthesizedApp, "websocket" | "rest"> {
  const evaluate = (text: string) => evaluateTerraformString(text, { [`local.${workflowOutputLocal(WORKFLOW_OUTPUTS.stateMachineArn)}`]: stateMachineArn });
  const evaluateAll = (templates: Record<string, string> = {}) => Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, evaluate(v)]));

  const wsIntegration = api.only("aws_apigatewayv2_integration", (r) => r.integration_type === "AWS").props;
  const connect = api.resources("aws_apigatewayv2_route", (r) => r.route_key === "$connect")[0]?.props;
  const connectIntegration = api.resources("aws_apigatewayv2_integration", (r) => r.integration_type === "MOCK")[0]?.props;
  const wsStage = api.only("aws_apigatewayv2_stage").props;
  const restIntegration = api.only("aws_api_gateway_integration", (r) => r.type !== "MOCK").props;
  const postMethod = api.only("aws_api_gateway_method", (r) => r.http_method === "POST");
  const optionsMethod = api.resources("aws_api_gateway_method", (r) => r.http_method === "OPTIONS")[0];
  const responsesOf = (method: SynthesizedResource) =>
    api
      .resources("aws_api_gateway_integration_response", (r) => r.http_method === `\${aws_api_gateway_method.${method.logicalId}.http_method}`)
      .map(({ props }) => ({
        selectionPattern: props.selection_pattern,
        statusCode: Number(props.status_code),
        templates: evaluateAll(props.response_templates),
        headers: fixedHeaders(props.response_parameters),
      }));
  const methodSettings = api.only("aws_api_gateway_method_settings").props.settings;
  const plan = api.only("aws_api_gateway_usage_plan").props;

  return {
    websocket: {
      stage: wsStage.name,
      requestTemplate: evaluate(wsIntegration.request_templates.$default),
      connectTemplate: connectIntegration && evaluate(connectIntegration.request_templates.$default),
      integrationTimeoutMs: wsIntegration.timeout_milliseconds ?? INTEGRATION_TIMEOUT_MS,
      connectAuth: !connect ? "NONE" : connect.authorization_type === "AWS_IAM" ? "AWS_IAM" : connect.api_key_required ? "API_KEY" : "NONE",
      throttle: { rateLimit: wsStage.default_route_settings.throttling_rate_limit, burstLimit: wsStage.default_route_settings.throttling_burst_limit },
    },
    rest: {
      stage: api.only("aws_api_gateway_stage").props.stage_name,
      apiKeyRequired: postMethod.props.api_key_required === true,
      auth: {
        authorization: postMethod.props.authorization ?? "NONE",
        userPoolArns:
          api.resources("aws_api_gateway_authorizer").find((r) => `\${aws_api_gateway_authorizer.${r.logicalId}.id}` === postMethod.props.authorizer_id)?.props
            .provider_arns ?? [],
        scopes: postMethod.props.authorization_scopes ?? [],
      },
      validateBody: api.only("aws_api_gateway_request_validator").props.validate_request_body === true,
      passthroughBehavior: restIntegration.passthrough_behavior ?? "WHEN_NO_MATCH",
      requestTemplates: evaluateAll(restIntegration.request_templates),
      integrationTimeoutMs: restIntegration.timeout_milliseconds ?? INTEGRATION_TIMEOUT_MS,
      responses: responsesOf(postMethod),
      preflight: optionsMethod && responsesOf(optionsMethod)[0],
      gatewayResponseHeaders: Object.fromEntries(
        api.resources("aws_api_gateway_gateway_response").map(({ props }) => [props.response_type, fixedHeaders(props.response_parameters, "gatewayresponse")]),
      ),
      throttle: { rateLimit: methodSettings.throttling_rate_limit, burstLimit: methodSettings.throttling_burst_limit },
      usagePlan: {
        throttle: { rateLimit: plan.throttle_settings.rate_limit, burstLimit: plan.throttle_settings.burst_limit },
        quota: { limit: plan.quota_settings.limit, period: plan.quota_settings.period },
      },
    },
  };
}
