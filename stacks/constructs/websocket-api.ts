import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Deployment } from "@cdktf/provider-aws/lib/apigatewayv2-deployment";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2IntegrationResponse } from "@cdktf/provider-aws/lib/apigatewayv2-integration-response";
import { Apigatewayv2Model } from "@cdktf/provider-aws/lib/apigatewayv2-model";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2RouteResponse } from "@cdktf/provider-aws/lib/apigatewayv2-route-response";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { Fn } from "cdktf";
import {
  INTEGRATION_TIMEOUT_MS,
  inputModelName,
  modelSchema,
  redeployedOnChangeOf,
  runnerOf,
  type StartSyncExecutionApiProps,
  stageLogGroups,
  workflowRouteScopeId,
} from "./stage";
import { DEFAULT_WORKFLOW } from "../config/names";
import { templateFile } from "./template-file";

/** How a client must authorize the WebSocket `$connect` request. */
export const CONNECT_AUTHS = ["NONE", "AWS_IAM", "API_KEY"] as const;
export type ConnectAuth = (typeof CONNECT_AUTHS)[number];
/** No `$connect` route: anyone with the URL can connect, as in the seed. */
export const DEFAULT_CONNECT_AUTH: ConnectAuth = "NONE";

export interface WebSocketApiProps extends StartSyncExecutionApiProps {
  /**
   * Authorization of the `$connect` request.
   * @default DEFAULT_CONNECT_AUTH ("NONE")
   */
  readonly connectAuth?: ConnectAuth;
}

/** Route selection: a message whose JSON `action` names a workflow goes to its route; every other one to `$default`. */
const ROUTE_SELECTION_EXPRESSION = "$request.body.action";
/**
 * Model selection of a route with an input contract: the `action` a message names is never a key of
 * the route's models, so API Gateway falls back to the `$default` model, the workflow's schema.
 */
export const MODEL_SELECTION_EXPRESSION = "$request.body.action";
/** Where a client puts the API key when `$connect` requires one. */
export const WEBSOCKET_API_KEY_SELECTION_EXPRESSION = "$request.header.x-api-key";

/**
 * Who owns an async execution started over the WebSocket (a VTL string): the API key or the IAM
 * principal that $connect checked, which REST's GET /executions/<id> also knows a caller by; with
 * no $connect authorization, the connection alone, which no REST caller is.
 */
const OWNERS: Readonly<Record<ConnectAuth, string>> = {
  NONE: '"connection:$!context.connectionId"',
  API_KEY: '"key:$!context.identity.apiKeyId"',
  AWS_IAM: '"iam:$!context.identity.userArn"',
};

/**
 * A WebSocket API whose `$default` route starts a synchronous Express execution with each message
 * and sends the StartSyncExecution result back on the same connection (a two-way route); a message
 * whose JSON has `"action": "<name>"` goes to the route of that name among `workflows`, alike.
 */
export class WebSocketApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;

  constructor(scope: Construct, id: string, props: WebSocketApiProps) {
    super(scope, id);
    const connectAuth = props.connectAuth ?? DEFAULT_CONNECT_AUTH;

    this.api = new Apigatewayv2Api(this, "api", {
      name: props.name,
      protocolType: "WEBSOCKET",
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
      apiKeySelectionExpression: connectAuth === "API_KEY" ? WEBSOCKET_API_KEY_SELECTION_EXPRESSION : undefined,
    });

    const route = { apiId: this.api.id, props, endpoint: Fn.replace(this.api.apiEndpoint, "wss://", ""), owner: OWNERS[connectAuth] };
    const shapers: TerraformResource[] = twoWayRoute(this, "default_", {
      ...route,
      routeKey: "$default",
      stateMachineArn: props.stateMachineArn,
      async: props.async ?? false,
      schema: props.schema,
      modelName: inputModelName(DEFAULT_WORKFLOW),
    });
    for (const workflow of props.workflows ?? []) {
      const scope = new Construct(this, workflowRouteScopeId(workflow.name));
      shapers.push(
        ...twoWayRoute(scope, "", {
          ...route,
          routeKey: workflow.name,
          stateMachineArn: workflow.stateMachineArn,
          async: workflow.async ?? false,
          schema: workflow.schema,
          modelName: inputModelName(workflow.name),
        }),
      );
    }

    if (connectAuth !== "NONE") {
      const connectIntegration = new Apigatewayv2Integration(this, "connect_integration", {
        apiId: this.api.id,
        integrationType: "MOCK",
        templateSelectionExpression: "\\$default",
        requestTemplates: { $default: templateFile("websocket-connect.vtl") },
      });
      const connectRoute = new Apigatewayv2Route(this, "connect_route", {
        apiId: this.api.id,
        routeKey: "$connect",
        authorizationType: connectAuth === "AWS_IAM" ? "AWS_IAM" : "NONE",
        apiKeyRequired: connectAuth === "API_KEY",
        target: `integrations/${connectIntegration.id}`,
      });
      shapers.push(connectIntegration, connectRoute);
    }

    const deployment = new Apigatewayv2Deployment(this, "deployment", {
      apiId: this.api.id,
      description: "stepgate",
      ...redeployedOnChangeOf(shapers),
    });
    const { accessLogs, executionLogs } = stageLogGroups(this, {
      accessLogGroupName: props.accessLogGroupName,
      executionLogGroupName: `/aws/apigateway/${this.api.id}/${props.stageName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKmsKeyId,
    });

    this.stage = new Apigatewayv2Stage(this, "stage", {
      apiId: this.api.id,
      name: props.stageName,
      deploymentId: deployment.id,
      defaultRouteSettings: {
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        loggingLevel: "ERROR",
        dataTraceEnabled: false,
        detailedMetricsEnabled: true,
      },
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
          requestId: "$context.requestId",
          connectionId: "$context.connectionId",
          eventType: "$context.eventType",
          routeKey: "$context.routeKey",
          requestTime: "$context.requestTimeEpoch",
          sourceIp: "$context.identity.sourceIp",
          status: "$context.status",
          integrationStatus: "$context.integrationStatus",
          integrationLatency: "$context.integrationLatency",
          error: "$context.error.message",
          integrationError: "$context.integrationErrorMessage",
        }),
      },
      dependsOn: [executionLogs, ...(props.stageDependsOn ?? [])],
    });
  }
}

interface TwoWayRoute {
  readonly apiId: string;
  readonly routeKey: string;
  readonly stateMachineArn: string;
  /** Started through the runner: an acknowledgement frame now, the result frame from the runner. */
  readonly async: boolean;
  /** The API's host, where the runner posts result frames. */
  readonly endpoint: string;
  /** Who owns an async execution (see OWNERS). */
  readonly owner: string;
  /** The workflow's input contract (JSON Schema draft 4), which API Gateway checks each message against; none: any message. */
  readonly schema?: string;
  /** Name of its model, when it has a schema. */
  readonly modelName: string;
  readonly props: WebSocketApiProps;
}

/**
 * A two-way route whose messages each start an execution, the message as its input: a synchronous
 * Express execution whose StartSyncExecution result is sent back on the connection, or, async, the
 * runner's, whose acknowledgement is sent back and which sends the result itself. Its integration,
 * integration response, route and route response, with ids `<idPrefix>integration`... in `scope`.
 * Returns them, for the deployment's trigger.
 */
function twoWayRoute(
  scope: Construct,
  idPrefix: string,
  { apiId, routeKey, stateMachineArn, async, endpoint, owner, schema, modelName, props }: TwoWayRoute,
): TerraformResource[] {
  const runner = async ? runnerOf(props, routeKey) : undefined;
  // A literal "$default" key: unescaped, "$default" would be read as a selection expression.
  const templateSelectionExpression = "\\$default";
  const integration = new Apigatewayv2Integration(scope, `${idPrefix}integration`, {
    apiId,
    integrationType: "AWS",
    integrationMethod: "POST",
    integrationUri: runner?.startExecutionUri ?? props.integrationUri,
    credentialsArn: props.credentialsArn,
    timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
    templateSelectionExpression,
    requestTemplates: {
      $default: runner
        ? templateFile("websocket-async-request.vtl", {
            STATE_MACHINE_ARN: stateMachineArn,
            OWNER: owner,
            ENDPOINT: endpoint,
            RUNNER_ARN: runner.stateMachineArn,
          })
        : templateFile("websocket-request.vtl", { STATE_MACHINE_ARN: stateMachineArn }),
    },
  });
  // Synchronous: no response template, the client receives the StartSyncExecution result as is.
  const integrationResponse = new Apigatewayv2IntegrationResponse(scope, `${idPrefix}integration_response`, {
    apiId,
    integrationId: integration.id,
    integrationResponseKey: "$default",
    ...(runner ? { templateSelectionExpression, responseTemplates: { $default: templateFile("websocket-async-accepted.vtl") } } : {}),
  });
  const model =
    schema === undefined
      ? undefined
      : new Apigatewayv2Model(scope, `${idPrefix}input_model`, {
          apiId,
          name: modelName,
          contentType: "application/json",
          description: `The input of ${routeKey === "$default" ? DEFAULT_WORKFLOW : routeKey}: its schema, which API Gateway checks every message against`,
          schema: modelSchema(schema),
        });
  const route = new Apigatewayv2Route(scope, `${idPrefix}route`, {
    apiId,
    routeKey,
    authorizationType: "NONE",
    target: `integrations/${integration.id}`,
    // Two-way: without a route response API Gateway would not send the result back.
    routeResponseSelectionExpression: "$default",
    ...(model ? { modelSelectionExpression: MODEL_SELECTION_EXPRESSION, requestModels: { $default: model.name } } : {}),
  });
  const routeResponse = new Apigatewayv2RouteResponse(scope, `${idPrefix}route_response`, {
    apiId,
    routeId: route.id,
    routeResponseKey: "$default",
  });
  return [...(model ? [model] : []), integration, integrationResponse, route, routeResponse];
}
