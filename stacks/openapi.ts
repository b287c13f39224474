import * as fs from "node:fs";
import * as path from "node:path";
import type { StepgateConfig, Workflow } from "./config/load";
import { DEFAULT_WORKFLOW } from "./config/names";
import { REST_ASYNC_METHOD_STATUS_CODES, REST_EXECUTION_STATUS_CODES, REST_METHOD_STATUS_CODES, EXECUTIONS_PATH_PART } from "./constructs/rest-api";
import { COGNITO_IDENTITY_SOURCE, DEFAULT_REST_API_KEY_REQUIRED } from "./constructs/rest-auth";
import { inputModelName } from "./constructs/stage";

/**
 * The OpenAPI 3.1 document of the REST API, for its clients (client generators, API portals,
 * Postman): every path and method, the security scheme configured, each request body's schema (the
 * workflow's input contract), each status a client can get with its body's shape, and the server.
 * Synth writes it beside the stacks (`cdktf.out/openapi.json`); `npm run local` serves it.
 *
 * OpenAPI 3.1's schemas are JSON Schema 2020-12: each workflow's draft 4 schema is written in that
 * dialect, its verdicts kept (`exclusiveMinimum: true` becomes the bound, `items` as an array
 * `prefixItems`, `definitions` schemas of `components`, `dependencies` `dependentRequired` or
 * `dependentSchemas`).
 */

/** Where synth writes the document, in its output folder. */
export const OPENAPI_FILE = "openapi.json";

type Schema = Record<string, unknown>;

/** Writes the document into synth's output folder, as synth writes the stacks: the same bytes on every machine. */
export function writeOpenApiDocument(outdir: string, config: StepgateConfig): void {
  fs.writeFileSync(path.join(outdir, OPENAPI_FILE), `${JSON.stringify(openApiDocument(config), null, 2)}\n`);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The shapes of the bodies a client gets besides an execution's output. */
const ANSWER_SCHEMAS: Readonly<Record<string, Schema>> = {
  ExecutionError: {
    type: "object",
    description: "The execution failed, timed out, or Step Functions refused to start it: the error's name and its cause",
    required: ["error", "cause"],
    properties: { error: { type: "string" }, cause: { type: "string" } },
  },
  GatewayError: {
    type: "object",
    description: "API Gateway's own answer (no API key, throttled, a body that is not JSON, a timeout...)",
    required: ["message"],
    properties: { message: { type: "string" } },
  },
  InvalidRequestBody: {
    type: "object",
    description: "The body does not match the workflow's schema (or is not JSON): what API Gateway's validator found",
    required: ["message", "validationErrors"],
    properties: { message: { const: "Invalid request body" }, validationErrors: { type: "string" } },
  },
  ExecutionAccepted: {
    type: "object",
    description: "An async workflow's execution started: GET the Location to read it",
    required: ["executionId"],
    properties: { executionId: { type: "string", pattern: "^[A-Za-z0-9_-]{1,80}$" } },
  },
  ExecutionRunning: {
    type: "object",
    description: "The execution is still running: GET again later",
    required: ["executionId", "status"],
    properties: { executionId: { type: "string" }, status: { const: "RUNNING" } },
  },
};

/** What each status means, and the shapes its body can have. */
const ANSWERS: Readonly<Record<string, { description: string; schema: Schema }>> = {
  "200": { description: "The execution succeeded: its output, as the workflow wrote it", schema: { description: "The execution's output (any JSON)" } },
  "202": { description: "Accepted: the execution runs; GET the Location (/executions/{id}) for its result", schema: ref("ExecutionAccepted") },
  "400": {
    description: "A bad request: a body the workflow's schema refuses or that is not JSON, or an input Step Functions refuses (over 256 KB)",
    schema: { anyOf: [ref("InvalidRequestBody"), ref("GatewayError"), ref("ExecutionError")] },
  },
  "401": { description: "No token, an expired one, or one not of the user pools", schema: ref("GatewayError") },
  "403": { description: "No API key, a wrong one, or (AWS_IAM) an unsigned request", schema: ref("GatewayError") },
  "404": { description: "No execution of yours has this id (unknown, malformed, or another caller's)", schema: ref("ExecutionError") },
  "413": { description: "The request is over API Gateway's 10 MB", schema: ref("GatewayError") },
  "415": { description: "A content type other than application/json", schema: ref("GatewayError") },
  "429": {
    description: "Throttled (the stage, the API key's usage plan, or Step Functions), or over the key's quota",
    schema: { anyOf: [ref("GatewayError"), ref("ExecutionError")] },
  },
  "500": {
    description: "The execution failed (its error and cause), or stepgate's configuration is wrong",
    schema: { anyOf: [ref("ExecutionError"), ref("GatewayError")] },
  },
  "502": { description: "Step Functions is unavailable", schema: ref("ExecutionError") },
  "504": {
    description: "The execution timed out (States.Timeout), or ran past the integration timeout (it runs on)",
    schema: { anyOf: [ref("ExecutionError"), ref("GatewayError")] },
  },
};

/** What API Gateway itself may answer before the integration, by the API's authorization. */
function gatewayStatuses(config: StepgateConfig): string[] {
  return [...(config.restAuth === "COGNITO" ? ["401"] : []), "403", "413", "415", "429"];
}

/** The responses of these statuses, each as ANSWERS says but where `overrides` says otherwise (a header, another body). */
function responses(
  statuses: readonly string[],
  overrides: Readonly<Record<string, { description?: string; schema?: Schema; headers?: Schema }>> = {},
): Record<string, Schema> {
  return Object.fromEntries(
    [...new Set(statuses)].sort().map((status) => {
      const { description, schema, headers } = { ...ANSWERS[status], ...overrides[status] };
      return [status, { description, ...(headers ? { headers } : {}), content: { "application/json": { schema } } }];
    }),
  );
}

export function openApiDocument(config: StepgateConfig): Schema {
  const schemas: Record<string, Schema> = { ...ANSWER_SCHEMAS };
  const paths: Record<string, Schema> = {};
  const gateway = gatewayStatuses(config);
  for (const workflow of config.workflows) {
    const route = workflow.name === DEFAULT_WORKFLOW ? "/" : `/${workflow.name}`;
    let body: Schema = { description: "Any JSON value: it becomes the execution input's data" };
    if (workflow.schema !== undefined) {
      const model = inputModelName(workflow.name);
      Object.assign(schemas, componentsOf(model, JSON.parse(workflow.schema)));
      body = ref(model);
    }
    const statuses = workflow.async ? REST_ASYNC_METHOD_STATUS_CODES.filter((s) => s !== "200") : REST_METHOD_STATUS_CODES;
    paths[route] = {
      post: {
        operationId: `start${inputModelName(workflow.name).replace(/Input$/, "")}`,
        summary: `Start the ${workflow.name} workflow${workflow.async ? " (async: 202, then GET /executions/{id})" : ""}`,
        description: describeWorkflow(workflow),
        requestBody: { required: true, content: { "application/json": { schema: body } } },
        responses: responses([...statuses, ...gateway], {
          "202": { headers: { Location: { description: "Where to read the execution: /<stage>/executions/{id}", schema: { type: "string" } } } },
        }),
      },
    };
  }
  if (config.workflows.some((w) => w.async)) {
    paths[`/${EXECUTIONS_PATH_PART}/{id}`] = {
      get: {
        operationId: "readExecution",
        summary: "Read an async execution, with the credentials that started it",
        parameters: [{ name: "id", in: "path", required: true, description: "The executionId of the 202 that started it", schema: { type: "string" } }],
        // No body: no 413 or 415. RUNNING's 202 is not the POST's.
        responses: responses([...REST_EXECUTION_STATUS_CODES, ...gateway.filter((s) => s !== "413" && s !== "415")], {
          "202": { description: "The execution is still running: GET again later", schema: ref("ExecutionRunning") },
        }),
      },
    };
  }
  const { schemes, requirement } = security(config);
  return {
    openapi: "3.1.0",
    info: {
      title: config.names.restApi,
      version: "1",
      description:
        "Each POST starts a Step Functions workflow with its JSON body; the answer is the execution's output, or an error with a status that says what went wrong (docs/bad-requests.md).",
    },
    servers: servers(config),
    security: [requirement],
    paths,
    components: { schemas, securitySchemes: schemes },
  };
}

function describeWorkflow(workflow: Workflow): string {
  const contract =
    workflow.schema === undefined
      ? "Any JSON body is accepted."
      : "API Gateway checks the body against the workflow's schema first: a body it refuses gets 400, and no execution starts.";
  return workflow.async
    ? `Starts the execution and answers 202 at once, with its id and Location. ${contract}`
    : `Runs the execution and answers with its output (synchronous, up to the integration timeout). ${contract}`;
}

/** The server: the custom domain when set (the stage at its root), and the invoke URL, whose API id is known after apply. */
function servers(config: StepgateConfig): Schema[] {
  const invoke = {
    url: `https://{restApiId}.execute-api.${config.region}.amazonaws.com/${config.restStage}`,
    description: "The stage's invoke URL: terraform -chdir=cdktf.out/stacks/api output -raw rest_invoke_url",
    variables: { restApiId: { default: "rest-api-id", description: "The REST API's id, known once the api stack is applied" } },
  };
  return config.restDomainName === undefined ? [invoke] : [{ url: `https://${config.restDomainName}`, description: "The custom domain" }, invoke];
}

/** The security schemes configured, and the one requirement every method has (all of them together). */
function security(config: StepgateConfig): { schemes: Record<string, Schema>; requirement: Record<string, string[]> } {
  const schemes: Record<string, Schema> = {};
  const requirement: Record<string, string[]> = {};
  const keyRequired = config.restAuth === "API_KEY" || (config.restApiKeyRequired ?? DEFAULT_REST_API_KEY_REQUIRED);
  if (keyRequired) {
    schemes.apiKey = { type: "apiKey", in: "header", name: "x-api-key", description: "The API key of the usage plan (throttle and quota per key)" };
    requirement.apiKey = [];
  }
  if (config.restAuth === "COGNITO") {
    const scopes = config.cognitoScopes ?? [];
    schemes.cognito = {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description: `A token of a Cognito user pool (${(config.cognitoUserPoolArns ?? []).join(", ")}) in the ${COGNITO_IDENTITY_SOURCE.replace("method.request.header.", "")} header: ${
        scopes.length > 0 ? `an access token with one of the scopes ${scopes.join(", ")}` : "an ID token"
      }`,
    };
    requirement.cognito = [];
  }
  if (config.restAuth === "AWS_IAM") {
    schemes.sigv4 = {
      type: "apiKey",
      in: "header",
      name: "Authorization",
      description: "AWS Signature Version 4 (service execute-api) by an IAM principal allowed to invoke the API",
      "x-amazon-apigateway-authtype": "awsSigv4",
    };
    requirement.sigv4 = [];
  }
  return { schemes, requirement };
}

/** A component's name for a definition of a model: letters, digits, dots, hyphens and underscores. */
const componentName = (model: string, definition: string) => `${model}_${definition.replace(/[^A-Za-z0-9.\-_]/g, "_")}`;

/** The workflow's model and each of its definitions as components of the document, in JSON Schema 2020-12. */
export function componentsOf(model: string, schema: Schema): Record<string, Schema> {
  const definitions = (schema.definitions ?? {}) as Record<string, unknown>;
  const rewrite = (reference: string) => {
    if (reference === "#") return `#/components/schemas/${model}`;
    const name = decodeURIComponent(reference.slice("#/definitions/".length)).replaceAll("~1", "/").replaceAll("~0", "~");
    return `#/components/schemas/${componentName(model, name)}`;
  };
  const components: Record<string, Schema> = { [model]: toDraft2020(schema, rewrite) as Schema };
  for (const [name, definition] of Object.entries(definitions)) components[componentName(model, name)] = toDraft2020(definition, rewrite) as Schema;
  return components;
}

/** Keywords whose value is a map of subschemas, a subschema, or a list of them (draft 4). */
const MAP_KEYWORDS = new Set(["properties", "patternProperties"]);
const SCHEMA_KEYWORDS = new Set(["additionalProperties", "not", "additionalItems"]);
const LIST_KEYWORDS = new Set(["allOf", "anyOf", "oneOf"]);

/** A draft 4 schema in JSON Schema 2020-12's words, each verdict kept; `$ref`s rewritten by `rewrite`. */
function toDraft2020(node: unknown, rewrite: (reference: string) => string): unknown {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
  const schema = node as Schema;
  // Draft 4 ignores a $ref's siblings; 2020-12 would apply them.
  if (typeof schema.$ref === "string") return { $ref: rewrite(schema.$ref) };
  const out: Schema = {};
  const sub = (value: unknown) => toDraft2020(value, rewrite);
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === "$schema" || keyword === "id" || keyword === "definitions") continue;
    if (keyword === "exclusiveMinimum" || keyword === "exclusiveMaximum") continue;
    if (keyword === "minimum" || keyword === "maximum") {
      const exclusive = schema[keyword === "minimum" ? "exclusiveMinimum" : "exclusiveMaximum"] === true;
      out[exclusive ? (keyword === "minimum" ? "exclusiveMinimum" : "exclusiveMaximum") : keyword] = value;
    } else if (keyword === "items") {
      if (Array.isArray(value)) {
        out.prefixItems = value.map(sub);
        if (schema.additionalItems !== undefined) out.items = sub(schema.additionalItems);
      } else out.items = sub(value);
    } else if (keyword === "additionalItems") {
      // Only meaningful beside items as an array (handled there).
    } else if (keyword === "dependencies" && typeof value === "object" && value !== null) {
      for (const [property, dependency] of Object.entries(value)) {
        const into = Array.isArray(dependency) ? "dependentRequired" : "dependentSchemas";
        out[into] = { ...(out[into] as Schema | undefined), [property]: Array.isArray(dependency) ? dependency : sub(dependency) };
      }
    } else if (MAP_KEYWORDS.has(keyword) && typeof value === "object" && value !== null) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sub(v)]));
    } else if (SCHEMA_KEYWORDS.has(keyword)) out[keyword] = sub(value);
    else if (LIST_KEYWORDS.has(keyword) && Array.isArray(value)) out[keyword] = value.map(sub);
    else out[keyword] = value;
  }
  return out;
}
