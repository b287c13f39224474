import { evaluateTerraformString } from "../../local/terraform-string";
import { LOCAL_ACCOUNT, type SynthesizedResource, SynthesizedStack } from "../../local/synthesized";
import type { StepgateConfig } from "../../stacks/config/load";
import { terraformStringParts } from "../../stacks/constructs/template-file";
import { configWith, synthApi } from "./stacks";

/** The settings of the async templates' tests: orders async, the default workflow synchronous. */
export const ASYNC_ENV = { STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json", STEPGATE_ASYNC_WORKFLOWS: "orders" };

const arn = (name: string) => `arn:aws:states:us-east-1:${LOCAL_ACCOUNT}:stateMachine:${name}`;
export const RUNNER_ARN = arn("stepgate_runner");
export const ORDERS_ARN = arn("stepgate-orders");
export const WORKFLOW_ARN = arn("stepgate-workflow");
/** What the WebSocket API's id is in these tests, and so its host. */
export const WS_API_ID = "w5s0ck3t1d";
export const WS_ENDPOINT = `${WS_API_ID}.execute-api.us-east-1.amazonaws.com`;

/** The templates of one REST method or WebSocket route: request, and response by integration response id. */
export interface RouteTemplates {
  readonly request: string;
  readonly responses: Readonly<Record<string, { readonly template: string; readonly statusCode: number; readonly selectionPattern?: string }>>;
}

/**
 * The async (and synchronous) routes' templates exactly as AWS receives them: read from the
 * synthesized api stack, each Terraform expression evaluated as a deployment whose workflow state
 * holds these ARNs would evaluate it.
 */
export function asyncTemplates(config: StepgateConfig = configWith(ASYNC_ENV)) {
  const api = new SynthesizedStack(synthApi(config));
  const value = (expression: string): string => {
    const local = /^local\.workflow_(state_machine_arn|runner_arn|state_machine_arns_(.+))$/.exec(expression);
    if (local) return local[1] === "state_machine_arn" ? WORKFLOW_ARN : local[1] === "runner_arn" ? RUNNER_ARN : arn(`stepgate-${local[2]}`);
    if (expression === "local.runner_execution_arn_prefix") return `${RUNNER_ARN.replace(":stateMachine:", ":execution:")}:`;
    if (/^replace\(aws_apigatewayv2_api\.\w+\.api_endpoint, "wss:\/\/", ""\)$/.test(expression)) return WS_ENDPOINT;
    throw new Error(`no value for \${${expression}}`);
  };
  const evaluate = (text: string) => evaluateTerraformString(text, Object.fromEntries(expressions(text).map((e) => [e, value(e)])));

  const pathParts = new Map(api.resources("aws_api_gateway_resource").map((r) => [`\${aws_api_gateway_resource.${r.logicalId}.id}`, r.props.path_part]));
  const restRoute = (httpMethod: string, resourceId: string): RouteTemplates => {
    const method = api.only("aws_api_gateway_method", (m) => m.http_method === httpMethod && m.resource_id === resourceId);
    const integration = api.only("aws_api_gateway_integration", (i) => i.http_method === `\${aws_api_gateway_method.${method.logicalId}.http_method}`);
    const responses = api.resources(
      "aws_api_gateway_integration_response",
      (r) => r.http_method === `\${aws_api_gateway_method.${method.logicalId}.http_method}`,
    );
    return {
      request: evaluate(integration.props.request_templates["application/json"]),
      responses: Object.fromEntries(
        responses.map((r) => [
          responseId(r),
          {
            template: evaluate(r.props.response_templates["application/json"]),
            statusCode: Number(r.props.status_code),
            selectionPattern: r.props.selection_pattern,
          },
        ]),
      ),
    };
  };
  const resourceIdOf = (pathPart: string) => [...pathParts].find(([, part]) => part === pathPart)?.[0] ?? "";
  const wsRoute = (routeKey: string): RouteTemplates => {
    const route = api.only("aws_apigatewayv2_route", (r) => r.route_key === routeKey);
    const integration = only(
      api.resources("aws_apigatewayv2_integration").filter((i) => route.props.target === `integrations/\${aws_apigatewayv2_integration.${i.logicalId}.id}`),
    );
    const response = api.only(
      "aws_apigatewayv2_integration_response",
      (r) => r.integration_id === `\${aws_apigatewayv2_integration.${integration.logicalId}.id}`,
    );
    const template = response.props.response_templates?.$default;
    return {
      request: evaluate(integration.props.request_templates.$default),
      responses: template ? { $default: { template: evaluate(template), statusCode: 200 } } : {},
    };
  };
  return {
    api,
    rest: {
      /** POST / (the default workflow, synchronous). */
      sync: restRoute("POST", "${aws_api_gateway_rest_api.rest_api_857A4092.root_resource_id}"),
      /** POST /orders (async). */
      async: restRoute("POST", resourceIdOf("orders")),
      /** GET /executions/{id}. */
      execution: restRoute("GET", resourceIdOf("{id}")),
    },
    websocket: { sync: wsRoute("$default"), async: wsRoute("orders") },
  };
}

/** An integration response's id in its construct (`integration_response_<id>`). */
function only<T>(found: T[]): T {
  if (found.length !== 1) throw new Error(`expected one, found ${found.length}`);
  return found[0];
}

function responseId(r: SynthesizedResource): string {
  return /integration_response_([a-z]+)/.exec(r.logicalId)?.[1] ?? r.logicalId;
}

function expressions(text: string): string[] {
  return terraformStringParts(text).flatMap((part) => ("expression" in part ? [part.expression] : []));
}
