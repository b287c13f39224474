import * as fs from "fs";
import * as path from "path";
import { STACK_IDS, WORKFLOW_OUTPUTS } from "../config";
import { evaluateTerraformString } from "./terraform-string";

/**
 * What the local gateway needs of the two stacks, read from what synth wrote (`cdktf.out`), not from
 * a second copy of the configuration: templates, routes, throttling and the state machine exactly
 * as Terraform would hand them to AWS.
 */
export interface SynthesizedApp {
  readonly region: string;
  readonly stateMachine: {
    readonly arn: string;
    readonly name: string;
    readonly definition: Record<string, unknown>;
  };
  readonly websocket: {
    readonly stage: string;
    /** The `$default` route's request template (`$default` template key). */
    readonly requestTemplate: string;
    readonly integrationTimeoutMs: number;
    readonly connectAuth: "NONE" | "AWS_IAM" | "API_KEY";
    readonly throttle: Throttle;
  };
  readonly rest: {
    readonly stage: string;
    readonly apiKeyRequired: boolean;
    readonly validateBody: boolean;
    readonly passthroughBehavior: string;
    /** Request templates by content type. */
    readonly requestTemplates: Readonly<Record<string, string>>;
    readonly integrationTimeoutMs: number;
    readonly responses: ReadonlyArray<IntegrationResponse>;
    /** Stage-wide method throttling. */
    readonly throttle: Throttle;
    readonly usagePlan: { readonly throttle: Throttle; readonly quota: { readonly limit: number; readonly period: string } };
  };
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
}

/** The account the local gateway pretends to be in. */
export const LOCAL_ACCOUNT = "123456789012";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Reads `<outdir>/stacks/{workflow,api}/cdk.tf.json`; throws a message that says to synthesize when they are missing. */
export function readSynthesizedApp(outdir: string): SynthesizedApp {
  const read = (stack: string): Json => {
    const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: synthesize first (npx cdktf synth)`);
    return JSON.parse(fs.readFileSync(file, "utf8"));
  };
  const workflow = read(STACK_IDS.workflow);
  const api = read(STACK_IDS.api);
  const only = (stack: Json, type: string, where: (r: Json) => boolean = () => true): Json => {
    const found = Object.values(stack.resource?.[type] ?? {}).filter((r) => where(r as Json)) as Json[];
    if (found.length !== 1) throw new Error(`expected one ${type} in the synthesized stack, found ${found.length}`);
    return found[0];
  };

  const region: string = workflow.provider.aws[0].region;
  const machine = only(workflow, "aws_sfn_state_machine");
  const name = evaluateTerraformString(machine.name);
  const arn = `arn:aws:states:${region}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
  const evaluate = (text: string) =>
    evaluateTerraformString(text, { [`local.workflow_${WORKFLOW_OUTPUTS.stateMachineArn}`]: arn });

  const wsIntegration = only(api, "aws_apigatewayv2_integration", (r) => r.integration_type === "AWS");
  const connect = Object.values(api.resource.aws_apigatewayv2_route as Json).find((r: Json) => r.route_key === "$connect") as Json | undefined;
  const wsStage = only(api, "aws_apigatewayv2_stage");
  const restIntegration = only(api, "aws_api_gateway_integration");
  const method = only(api, "aws_api_gateway_method");
  const methodSettings = only(api, "aws_api_gateway_method_settings").settings;
  const plan = only(api, "aws_api_gateway_usage_plan");

  return {
    region,
    stateMachine: { arn, name, definition: JSON.parse(evaluateTerraformString(machine.definition)) },
    websocket: {
      stage: wsStage.name,
      requestTemplate: evaluate(wsIntegration.request_templates.$default),
      integrationTimeoutMs: wsIntegration.timeout_milliseconds ?? 29000,
      connectAuth: !connect ? "NONE" : connect.authorization_type === "AWS_IAM" ? "AWS_IAM" : connect.api_key_required ? "API_KEY" : "NONE",
      throttle: { rateLimit: wsStage.default_route_settings.throttling_rate_limit, burstLimit: wsStage.default_route_settings.throttling_burst_limit },
    },
    rest: {
      stage: only(api, "aws_api_gateway_stage").stage_name,
      apiKeyRequired: method.api_key_required === true,
      validateBody: only(api, "aws_api_gateway_request_validator").validate_request_body === true,
      passthroughBehavior: restIntegration.passthrough_behavior ?? "WHEN_NO_MATCH",
      requestTemplates: Object.fromEntries(Object.entries(restIntegration.request_templates as Record<string, string>).map(([k, v]) => [k, evaluate(v)])),
      integrationTimeoutMs: restIntegration.timeout_milliseconds ?? 29000,
      responses: Object.values(api.resource.aws_api_gateway_integration_response as Json).map((r: Json) => ({
        selectionPattern: r.selection_pattern,
        statusCode: Number(r.status_code),
        templates: Object.fromEntries(Object.entries((r.response_templates ?? {}) as Record<string, string>).map(([k, v]) => [k, evaluate(v)])),
      })),
      throttle: { rateLimit: methodSettings.throttling_rate_limit, burstLimit: methodSettings.throttling_burst_limit },
      usagePlan: {
        throttle: { rateLimit: plan.throttle_settings.rate_limit, burstLimit: plan.throttle_settings.burst_limit },
        quota: { limit: plan.quota_settings.limit, period: plan.quota_settings.period },
      },
    },
  };
}
