import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Deployment } from "@cdktf/provider-aws/lib/apigatewayv2-deployment";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2IntegrationResponse } from "@cdktf/provider-aws/lib/apigatewayv2-integration-response";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2RouteResponse } from "@cdktf/provider-aws/lib/apigatewayv2-route-response";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { INTEGRATION_TIMEOUT_MS, redeployedOnChangeOf, type StartSyncExecutionApiProps, stageLogGroups, workflowRouteScopeId } from "./stage";
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
/** Where a client puts the API key when `$connect` requires one. */
export const WEBSOCKET_API_KEY_SELECTION_EXPRESSION = "$request.header.x-api-key";

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

    const shapers: TerraformResource[] = twoWayRoute(this, "default_", {
      apiId: this.api.id,
      routeKey: "$default",
      stateMachineArn: props.stateMachineArn,
      props,
    });
    for (const workflow of props.workflows ?? []) {
      const scope = new Construct(this, workflowRouteScopeId(workflow.name));
      shapers.push(...twoWayRoute(scope, "", { apiId: this.api.id, routeKey: workflow.name, stateMachineArn: workflow.stateMachineArn, props }));
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

/**
 * A two-way route whose messages each start a synchronous Express execution, the message as its
 * input, the StartSyncExecution result sent back on the connection: its integration, integration
 * response, route and route response, with ids `<idPrefix>integration`... in `scope`. Returns them,
 * for the deployment's trigger.
 */
function twoWayRoute(
  scope: Construct,
  idPrefix: string,
  { apiId, routeKey, stateMachineArn, props }: { apiId: string; routeKey: string; stateMachineArn: string; props: WebSocketApiProps },
): TerraformResource[] {
  const integration = new Apigatewayv2Integration(scope, `${idPrefix}integration`, {
    apiId,
    integrationType: "AWS",
    integrationMethod: "POST",
    integrationUri: props.integrationUri,
    credentialsArn: props.credentialsArn,
    timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
    // A literal "$default" key: unescaped, "$default" would be read as a selection expression.
    templateSelectionExpression: "\\$default",
    requestTemplates: {
      $default: templateFile("websocket-request.vtl", { STATE_MACHINE_ARN: stateMachineArn }),
    },
  });
  // No response template: the client receives the StartSyncExecution result as is.
  const integrationResponse = new Apigatewayv2IntegrationResponse(scope, `${idPrefix}integration_response`, {
    apiId,
    integrationId: integration.id,
    integrationResponseKey: "$default",
  });
  const route = new Apigatewayv2Route(scope, `${idPrefix}route`, {
    apiId,
    routeKey,
    authorizationType: "NONE",
    target: `integrations/${integration.id}`,
    // Two-way: without a route response API Gateway would not send the result back.
    routeResponseSelectionExpression: "$default",
  });
  const routeResponse = new Apigatewayv2RouteResponse(scope, `${idPrefix}route_response`, {
    apiId,
    routeId: route.id,
    routeResponseKey: "$default",
  });
  return [integration, integrationResponse, route, routeResponse];
}
