import { LOCAL_ACCOUNT, SynthesizedStack, synthesizedApis } from "../../local/synthesized";
import type { StepgateConfig } from "../../stacks/config/load";
import { configWith, synthApi } from "./stacks";

/** The settings of the async templates' tests: orders async, the default workflow synchronous. */
export const ASYNC_ENV = { STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json", STEPGATE_ASYNC_WORKFLOWS: "orders" };

const arn = (name: string) => `arn:aws:states:us-east-1:${LOCAL_ACCOUNT}:stateMachine:${name}`;
export const RUNNER_ARN = arn("stepgate_runner");
export const ORDERS_ARN = arn("stepgate-orders");
export const WORKFLOW_ARN = arn("stepgate-workflow");

/**
 * The async (and synchronous) routes' templates exactly as AWS receives them, read by the local
 * gateway's own reader: the synthesized api stack, each Terraform expression evaluated as a
 * deployment whose workflow state holds these ARNs would evaluate it.
 */
export function asyncTemplates(config: StepgateConfig = configWith(ASYNC_ENV)) {
  const { rest, websocket } = synthesizedApis(new SynthesizedStack(synthApi(config)), WORKFLOW_ARN, { orders: ORDERS_ARN }, RUNNER_ARN);
  const route = <T>(routes: Readonly<Record<string, T>>, key: string): T => {
    if (!(key in routes)) throw new Error(`no route ${key} in the synthesized api stack`);
    return routes[key];
  };
  return {
    rest: {
      /** POST / (the default workflow, synchronous). */
      sync: route(rest.routes, "POST /"),
      /** POST /orders (async). */
      async: route(rest.routes, "POST /orders"),
      /** GET /executions/{id}. */
      execution: route(rest.routes, "GET /executions/{id}"),
    },
    websocket: { endpoint: websocket.endpoint, sync: route(websocket.routes, "$default"), async: route(websocket.routes, "orders") },
  };
}
