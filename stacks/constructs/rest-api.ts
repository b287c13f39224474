import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { CORS_ALLOWED_HEADERS, RestCors, SIGV4_HEADERS } from "./cors";
import { RestAuth, type RestAuthProps } from "./rest-auth";
import { INTEGRATION_TIMEOUT_MS, redeployedOnChangeOf, type StartSyncExecutionApiProps, stageLogGroups, workflowRouteScopeId } from "./stage";
import { templateFile } from "./template-file";

/** The seed sent the API key's value; stepgate sends its id (see docs/security.md). */
export const DEFAULT_SEND_API_KEY_VALUE = false;

export interface RestApiProps extends StartSyncExecutionApiProps {
  /**
   * Send the API key's value in the execution input, as the seed does, instead of its id.
   * @default DEFAULT_SEND_API_KEY_VALUE (false)
   */
  readonly sendApiKeyValue?: boolean;
  /**
   * Origins browser apps may call from (`https://app.example.com`), or `["*"]`: adds the CORS
   * preflight and headers (see `RestCors`).
   * @default no CORS: browsers on other origins cannot read the answers
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Who may call: API key (and usage plan), Cognito users or SigV4 signers (see `RestAuth`).
   * @default the API key only
   */
  readonly auth?: Omit<RestAuthProps, "restApiId" | "name">;
}

/**
 * How each Step Functions answer becomes the HTTP answer. StartSyncExecution answers 200 when the
 * execution ran (its status says how it ended) and 4xx/5xx when it refused the call; the templates
 * refine the status further (see their comments).
 */
const INTEGRATION_RESPONSES = [
  { id: "execution", selectionPattern: undefined, statusCode: "200", template: "rest-response.vtl" },
  { id: "refused", selectionPattern: "4\\d{2}", statusCode: "400", template: "rest-error-response.vtl" },
  { id: "unavailable", selectionPattern: "5\\d{2}", statusCode: "502", template: "rest-error-response.vtl" },
] as const;

/** Every status a client can get from the integration, including the templates' overrides. */
export const REST_METHOD_STATUS_CODES = ["200", "400", "429", "500", "502", "504"] as const;

/**
 * A regional REST API whose `POST /` (API key required) starts a synchronous Express execution
 * with `{"data": <body>, "apiInfo": {...}}` and answers with its output, or with a JSON error;
 * `POST /<name>` does the same for each of `workflows`, with the same templates, model, validator
 * and API key.
 */
export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);

    this.api = new ApiGatewayRestApi(this, "api", {
      name: props.name,
      endpointConfiguration: { types: ["REGIONAL"] },
    });

    const cors =
      props.corsOrigins === undefined
        ? undefined
        : new RestCors(this, "cors", {
            restApiId: this.api.id,
            origins: props.corsOrigins,
            // A browser's SigV4 signer sends its own headers.
            allowedHeaders: props.auth?.mode === "AWS_IAM" ? [...CORS_ALLOWED_HEADERS, ...SIGV4_HEADERS] : undefined,
          });

    const auth = new RestAuth(this, "auth", { ...props.auth, restApiId: this.api.id, name: props.name });

    // Any JSON value is accepted; a body that is not JSON gets API Gateway's JSON 400.
    const model = new ApiGatewayModel(this, "model", {
      restApiId: this.api.id,
      name: "ExecutionData",
      contentType: "application/json",
      schema: JSON.stringify({
        $schema: "http://json-schema.org/draft-04/schema#",
        title: "ExecutionData",
        description: "Any JSON value: it becomes the execution input's data",
      }),
    });
    const validator = new ApiGatewayRequestValidator(this, "validator", {
      restApiId: this.api.id,
      name: "body",
      validateRequestBody: true,
      validateRequestParameters: false,
    });

    const shared = { api: this.api, model, validator, props, auth, cors };
    const shapers: TerraformResource[] = [model, validator, ...startExecutionMethod(this, "root", this.api.rootResourceId, props.stateMachineArn, shared)];
    for (const workflow of props.workflows ?? []) {
      const scope = new Construct(this, workflowRouteScopeId(workflow.name));
      const resource = new ApiGatewayResource(scope, "resource", { restApiId: this.api.id, parentId: this.api.rootResourceId, pathPart: workflow.name });
      shapers.push(resource, ...startExecutionMethod(scope, workflow.name, resource.id, workflow.stateMachineArn, shared));
    }
    // The authorizer and the CORS resources (every preflight included), once the methods exist.
    shapers.push(...auth.resources, ...(cors?.resources ?? []));

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.api.id,
      description: "stepgate",
      ...redeployedOnChangeOf(shapers),
    });
    const { accessLogs, executionLogs } = stageLogGroups(this, {
      accessLogGroupName: props.accessLogGroupName,
      executionLogGroupName: `API-Gateway-Execution-Logs_${this.api.id}/${props.stageName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKmsKeyId,
    });

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.api.id,
      stageName: props.stageName,
      deploymentId: deployment.id,
      xrayTracingEnabled: true,
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
          requestId: "$context.requestId",
          extendedRequestId: "$context.extendedRequestId",
          requestTime: "$context.requestTimeEpoch",
          httpMethod: "$context.httpMethod",
          resourcePath: "$context.resourcePath",
          sourceIp: "$context.identity.sourceIp",
          apiKeyId: "$context.identity.apiKeyId",
          status: "$context.status",
          responseLength: "$context.responseLength",
          integrationStatus: "$context.integration.status",
          integrationLatency: "$context.integration.latency",
          error: "$context.error.message",
          integrationError: "$context.integration.error",
        }),
      },
      dependsOn: [executionLogs, ...(props.stageDependsOn ?? [])],
    });

    new ApiGatewayMethodSettings(this, "method_settings", {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: {
        metricsEnabled: true,
        loggingLevel: "ERROR",
        // Data trace would log full request and response payloads.
        dataTraceEnabled: false,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
      },
    });
  }
}

/**
 * `POST` on one resource, starting one state machine: the method (with the API's authorization),
 * its integration with StartSyncExecution, and the responses; the preflight too, with CORS.
 * `POST /` is created in the RestApi itself, so its resources keep their addresses.
 */
function startExecutionMethod(
  scope: Construct,
  preflightId: string,
  resourceId: string,
  stateMachineArn: string,
  {
    api,
    model,
    validator,
    props,
    auth,
    cors,
  }: { api: ApiGatewayRestApi; model: ApiGatewayModel; validator: ApiGatewayRequestValidator; props: RestApiProps; auth: RestAuth; cors?: RestCors },
): TerraformResource[] {
  const method = new ApiGatewayMethod(scope, "method", {
    restApiId: api.id,
    resourceId,
    httpMethod: "POST",
    ...auth.methodProps,
    requestValidatorId: validator.id,
    requestModels: { "application/json": model.name },
  });
  const integration = new ApiGatewayIntegration(scope, "integration", {
    restApiId: api.id,
    resourceId,
    httpMethod: method.httpMethod,
    type: "AWS",
    integrationHttpMethod: "POST",
    uri: props.integrationUri,
    credentials: props.credentialsArn,
    timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
    // Only JSON reaches Step Functions: any other content type gets 415.
    passthroughBehavior: "NEVER",
    requestTemplates: {
      "application/json": templateFile("rest-request.vtl", {
        STATE_MACHINE_ARN: stateMachineArn,
        SEND_API_KEY_VALUE: String(props.sendApiKeyValue ?? DEFAULT_SEND_API_KEY_VALUE),
        ...auth.templateValues,
      }),
    },
  });

  const methodResponses = REST_METHOD_STATUS_CODES.map(
    (statusCode) =>
      new ApiGatewayMethodResponse(scope, `method_response_${statusCode}`, {
        restApiId: api.id,
        resourceId,
        httpMethod: method.httpMethod,
        statusCode,
        responseModels: { "application/json": "Empty" },
        responseParameters: cors?.methodResponseParameters,
      }),
  );
  const integrationResponses = INTEGRATION_RESPONSES.map(
    (r) =>
      new ApiGatewayIntegrationResponse(scope, `integration_response_${r.id}`, {
        restApiId: api.id,
        resourceId,
        httpMethod: method.httpMethod,
        statusCode: r.statusCode,
        selectionPattern: r.selectionPattern,
        responseParameters: cors?.integrationResponseParameters,
        responseTemplates: { "application/json": cors ? cors.responseTemplate(templateFile(r.template)) : templateFile(r.template) },
        dependsOn: [integration, ...methodResponses],
      }),
  );
  cors?.preflight(preflightId, resourceId, ["POST"]);
  return [method, integration, ...methodResponses, ...integrationResponses];
}
