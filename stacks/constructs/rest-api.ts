import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
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
import {
  type AsyncRunner,
  INTEGRATION_TIMEOUT_MS,
  inputModelName,
  modelSchema,
  redeployedOnChangeOf,
  runnerOf,
  type StartSyncExecutionApiProps,
  stageLogGroups,
  workflowRouteScopeId,
} from "./stage";
import { templateFile, templateText } from "./template-file";
import { DEFAULT_WORKFLOW } from "../config/names";

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
  /**
   * The integration timeout of the synchronous workflows, in milliseconds: above 29 000 only for a
   * Regional REST API whose quota AWS raised.
   * @default INTEGRATION_TIMEOUT_MS (29 000)
   */
  readonly timeoutMs?: number;
}

/** The request template of a synchronous workflow: the execution input, then StartSyncExecution. */
const REST_REQUEST = ["rest-execution-input.vtl", "rest-request.vtl"];
/** The request template of an async workflow: the same execution input, then StartExecution of the runner. */
const REST_ASYNC_REQUEST = ["rest-execution-input.vtl", "rest-async-request.vtl"];

/** Where REST callers read async executions: GET /executions/{id}. */
export const EXECUTIONS_PATH_PART = "executions";

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

/**
 * What a body its workflow's schema refuses gets (API Gateway's BAD_REQUEST_BODY, also a body that
 * is not JSON): its default message, and what the validator found. A gateway response template is
 * not run through VTL: the variable is substituted as it is.
 */
export const BAD_REQUEST_BODY_TEMPLATE = '{"message": "Invalid request body", "validationErrors": "$context.error.validationErrorString"}';

/** Every status a client can get from the integration, including the templates' overrides. */
export const REST_METHOD_STATUS_CODES = ["200", "400", "429", "500", "502", "504"] as const;

/**
 * An async workflow's POST: StartExecution of the runner answers 202, or refuses as StartSyncExecution
 * would. The ids and statuses are the synchronous POST's, 202 added: a workflow made async keeps the
 * addresses it had.
 */
const ASYNC_INTEGRATION_RESPONSES = [
  { id: "execution", selectionPattern: undefined, statusCode: "202", template: "rest-async-accepted.vtl" },
  INTEGRATION_RESPONSES[1],
  INTEGRATION_RESPONSES[2],
] as const;
/** Every status an async workflow's POST declares: the synchronous POST's, and 202. */
export const REST_ASYNC_METHOD_STATUS_CODES = ["202", ...REST_METHOD_STATUS_CODES] as const;

/** GET /executions/{id}: DescribeExecution of the runner's execution. */
const EXECUTION_INTEGRATION_RESPONSES = [
  { id: "described", selectionPattern: undefined, statusCode: "200", template: "rest-execution-response.vtl" },
  { id: "refused", selectionPattern: "4\\d{2}", statusCode: "404", template: "rest-execution-error-response.vtl" },
  { id: "unavailable", selectionPattern: "5\\d{2}", statusCode: "502", template: "rest-error-response.vtl" },
] as const;
/** Every status GET /executions/{id} answers: the outcome's (as the synchronous POST's), RUNNING's 202, an unknown id's 404. */
export const REST_EXECUTION_STATUS_CODES = ["200", "202", "404", "429", "500", "502", "504"] as const;

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
    const shapers: TerraformResource[] = [
      model,
      validator,
      ...startExecutionMethod(
        this,
        "root",
        this.api.rootResourceId,
        { name: "/", stateMachineArn: props.stateMachineArn, async: props.async, schema: props.schema, modelName: inputModelName(DEFAULT_WORKFLOW) },
        shared,
      ),
    ];
    for (const workflow of props.workflows ?? []) {
      const scope = new Construct(this, workflowRouteScopeId(workflow.name));
      const resource = new ApiGatewayResource(scope, "resource", { restApiId: this.api.id, parentId: this.api.rootResourceId, pathPart: workflow.name });
      shapers.push(resource, ...startExecutionMethod(scope, workflow.name, resource.id, { ...workflow, modelName: inputModelName(workflow.name) }, shared));
    }
    if (props.schema !== undefined || props.workflows?.some((w) => w.schema !== undefined)) {
      // Only with a schema: without one, the API keeps API Gateway's own answer (and its bytes).
      shapers.push(
        new ApiGatewayGatewayResponse(this, "gateway_response_bad_request_body", {
          restApiId: this.api.id,
          responseType: "BAD_REQUEST_BODY",
          statusCode: "400",
          // A specific response type replaces DEFAULT_4XX's, CORS header included: so it carries its own.
          responseParameters: cors?.gatewayResponseParameters,
          responseTemplates: { "application/json": BAD_REQUEST_BODY_TEMPLATE },
        }),
      );
    }
    if (props.async || props.workflows?.some((w) => w.async)) {
      shapers.push(...executionsResource(new Construct(this, "executions"), runnerOf(props, `/${EXECUTIONS_PATH_PART}`), shared));
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
interface Shared {
  readonly api: ApiGatewayRestApi;
  readonly model: ApiGatewayModel;
  readonly validator: ApiGatewayRequestValidator;
  readonly props: RestApiProps;
  readonly auth: RestAuth;
  readonly cors?: RestCors;
}

function startExecutionMethod(
  scope: Construct,
  preflightId: string,
  resourceId: string,
  workflow: { readonly name: string; readonly stateMachineArn: string; readonly async?: boolean; readonly schema?: string; readonly modelName: string },
  { api, model, validator, props, auth, cors }: Shared,
): TerraformResource[] {
  const { stateMachineArn } = workflow;
  const runner = workflow.async ? runnerOf(props, workflow.name) : undefined;
  // The workflow's input contract, when it has one: the body validator checks it instead of "any JSON".
  const inputModel =
    workflow.schema === undefined
      ? undefined
      : new ApiGatewayModel(scope, "input_model", {
          restApiId: api.id,
          name: workflow.modelName,
          contentType: "application/json",
          description: `The input of ${workflow.name === "/" ? DEFAULT_WORKFLOW : workflow.name}: its schema, which API Gateway checks every request body against`,
          schema: modelSchema(workflow.schema),
        });
  const method = new ApiGatewayMethod(scope, "method", {
    restApiId: api.id,
    resourceId,
    httpMethod: "POST",
    ...auth.methodProps,
    requestValidatorId: validator.id,
    requestModels: { "application/json": (inputModel ?? model).name },
  });
  const integration = new ApiGatewayIntegration(scope, "integration", {
    restApiId: api.id,
    resourceId,
    httpMethod: method.httpMethod,
    type: "AWS",
    integrationHttpMethod: "POST",
    uri: runner?.startExecutionUri ?? props.integrationUri,
    credentials: props.credentialsArn,
    // Starting the runner takes milliseconds: only a synchronous workflow waits longer.
    timeoutMilliseconds: runner ? INTEGRATION_TIMEOUT_MS : (props.timeoutMs ?? INTEGRATION_TIMEOUT_MS),
    // Only JSON reaches Step Functions: any other content type gets 415.
    passthroughBehavior: "NEVER",
    requestTemplates: {
      "application/json": templateFile(runner ? REST_ASYNC_REQUEST : REST_REQUEST, {
        STATE_MACHINE_ARN: stateMachineArn,
        SEND_API_KEY_VALUE: String(props.sendApiKeyValue ?? DEFAULT_SEND_API_KEY_VALUE),
        ...auth.templateValues,
        ...(runner ? { OWNER: auth.owner, RUNNER_ARN: runner.stateMachineArn } : {}),
      }),
    },
  });
  const responses = runner
    ? { statusCodes: REST_ASYNC_METHOD_STATUS_CODES, integration: ASYNC_INTEGRATION_RESPONSES }
    : { statusCodes: REST_METHOD_STATUS_CODES, integration: INTEGRATION_RESPONSES };
  const answers = methodAnswers(scope, resourceId, method, integration, responses, { api, cors });
  cors?.preflight(preflightId, resourceId, ["POST"]);
  return [...(inputModel ? [inputModel] : []), method, integration, ...answers];
}

/**
 * GET /executions/{id}: DescribeExecution of the runner's execution of that name, answered as the
 * synchronous POST answers its outcome, to the credentials that started it only; with the POSTs'
 * authorization, API key and usage plan. Its resources go in `scope`.
 */
function executionsResource(scope: Construct, runner: AsyncRunner, { api, props, auth, cors }: Shared): TerraformResource[] {
  const parent = new ApiGatewayResource(scope, "resource", { restApiId: api.id, parentId: api.rootResourceId, pathPart: EXECUTIONS_PATH_PART });
  const resource = new ApiGatewayResource(scope, "id_resource", { restApiId: api.id, parentId: parent.id, pathPart: "{id}" });
  const method = new ApiGatewayMethod(scope, "method", {
    restApiId: api.id,
    resourceId: resource.id,
    httpMethod: "GET",
    ...auth.methodProps,
    requestParameters: { "method.request.path.id": true },
  });
  const integration = new ApiGatewayIntegration(scope, "integration", {
    restApiId: api.id,
    resourceId: resource.id,
    httpMethod: method.httpMethod,
    type: "AWS",
    integrationHttpMethod: "POST",
    uri: runner.describeExecutionUri,
    credentials: props.credentialsArn,
    timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
    // A GET has no body: the template is chosen as for application/json, whatever the request says.
    passthroughBehavior: "WHEN_NO_TEMPLATES",
    requestTemplates: { "application/json": templateFile("rest-execution-request.vtl", { EXECUTION_ARN_PREFIX: runner.executionArnPrefix }) },
  });
  const answers = methodAnswers(
    scope,
    resource.id,
    method,
    integration,
    { statusCodes: REST_EXECUTION_STATUS_CODES, integration: EXECUTION_INTEGRATION_RESPONSES, values: { OWNER: auth.owner } },
    { api, cors },
  );
  cors?.preflight("executions", resource.id, ["GET"]);
  return [parent, resource, method, integration, ...answers];
}

/** A method's responses (`method_response_<status>`) and integration responses (`integration_response_<id>`), CORS headers included. */
function methodAnswers(
  scope: Construct,
  resourceId: string,
  method: ApiGatewayMethod,
  integration: ApiGatewayIntegration,
  responses: {
    readonly statusCodes: readonly string[];
    readonly integration: ReadonlyArray<{ readonly id: string; readonly selectionPattern?: string; readonly statusCode: string; readonly template: string }>;
    /** Values of the templates' placeholders (each template takes those it names). */
    readonly values?: Readonly<Record<string, string>>;
  },
  { api, cors }: { api: ApiGatewayRestApi; cors?: RestCors },
): TerraformResource[] {
  const methodResponses = responses.statusCodes.map(
    (statusCode) =>
      new ApiGatewayMethodResponse(scope, `method_response_${statusCode}`, {
        restApiId: api.id,
        resourceId,
        httpMethod: method.httpMethod,
        statusCode,
        responseModels: { "application/json": "Empty" },
        // 202's Location is set by its template (rest-async-accepted.vtl).
        responseParameters:
          statusCode === "202" && responses.integration.some((r) => r.statusCode === "202")
            ? { ...cors?.methodResponseParameters, "method.response.header.Location": true }
            : cors?.methodResponseParameters,
      }),
  );
  const integrationResponses = responses.integration.map((r) => {
    const template = templateFile(r.template, placeholdersOf(r.template, responses.values ?? {}));
    return new ApiGatewayIntegrationResponse(scope, `integration_response_${r.id}`, {
      restApiId: api.id,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: r.statusCode,
      selectionPattern: r.selectionPattern,
      responseParameters: cors?.integrationResponseParameters,
      responseTemplates: { "application/json": cors ? cors.responseTemplate(template) : template },
      dependsOn: [integration, ...methodResponses],
    });
  });
  return [...methodResponses, ...integrationResponses];
}

/** The values a template's placeholders take, of those given. */
function placeholdersOf(template: string, values: Readonly<Record<string, string>>): Record<string, string> {
  const text = templateText(template);
  return Object.fromEntries(Object.entries(values).filter(([name]) => text.includes(`%${name}%`)));
}
