import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { inputValidator } from "../stacks/config/schema";
import { REST_ASYNC_METHOD_STATUS_CODES, REST_EXECUTION_STATUS_CODES, REST_METHOD_STATUS_CODES } from "../stacks/constructs/rest-api";
import { componentsOf, OPENAPI_FILE, openApiDocument } from "../stacks/openapi";
import { CONTRACT_CASES, schemaSettings } from "./support/input-contracts";
import { validateOpenApi } from "./support/openapi-validator";
import { configWith, synthesizeToFolder } from "./support/stacks";
import { temporaryFolder } from "./support/temporary-folders";

// biome-ignore lint/suspicious/noExplicitAny: a JSON document, read by its paths.
type Doc = Record<string, any>;
const POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example";

const folder = temporaryFolder("openapi");
const variants: Record<string, Record<string, string>> = {
  defaults: {},
  "schemas, an async workflow, Cognito with the key, a custom domain": {
    ...schemaSettings(folder),
    STEPGATE_ASYNC_WORKFLOWS: "orders",
    STEPGATE_REST_AUTH: "COGNITO",
    STEPGATE_COGNITO_USER_POOL_ARNS: POOL,
    STEPGATE_COGNITO_SCOPES: "stepgate/invoke",
    STEPGATE_REST_DOMAIN_NAME: "api.example.com",
    STEPGATE_CERTIFICATE_ARN: "arn:aws:acm:us-east-1:123456789012:certificate/0000",
  },
  "AWS_IAM without the key, the default workflow async": {
    STEPGATE_REST_AUTH: "AWS_IAM",
    STEPGATE_REST_API_KEY_REQUIRED: "false",
    STEPGATE_ASYNC_WORKFLOWS: "workflow",
  },
};
const documents: Record<string, Doc> = Object.fromEntries(Object.entries(variants).map(([name, env]) => [name, openApiDocument(configWith(env))]));

describe("the OpenAPI document of the REST API", () => {
  it("is valid OpenAPI 3.1, by the specification's schemas (@seriousme/openapi-schema-validator), in every variant", () => {
    const results = validateOpenApi(Object.values(documents));
    expect(Object.fromEntries(Object.keys(documents).map((name, i) => [name, results[i]]))).toEqual(
      Object.fromEntries(Object.keys(documents).map((name) => [name, { valid: true }])),
    );
  });

  it("with the defaults: POST / with any JSON, the API key in x-api-key, the invoke URL with its API id to fill in", () => {
    const doc = documents.defaults;
    expect(Object.keys(doc.paths)).toEqual(["/"]);
    expect(doc.paths["/"].post.requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { description: "Any JSON value: it becomes the execution input's data" } } },
    });
    expect(doc.components.securitySchemes).toEqual({ apiKey: expect.objectContaining({ type: "apiKey", in: "header", name: "x-api-key" }) });
    expect(doc.security).toEqual([{ apiKey: [] }]);
    expect(doc.servers).toEqual([
      expect.objectContaining({
        url: "https://{restApiId}.execute-api.us-east-1.amazonaws.com/api",
        variables: { restApiId: expect.objectContaining({ default: "rest-api-id" }) },
      }),
    ]);
  });

  it("answers with each status of the answer table, and what API Gateway answers before the integration; a body of several shapes is anyOf them (InvalidRequestBody is a GatewayError too)", () => {
    const statuses = Object.keys(documents.defaults.paths["/"].post.responses);
    expect(statuses).toEqual([...new Set([...REST_METHOD_STATUS_CODES, "403", "413", "415"])].sort());
    expect(documents.defaults.paths["/"].post.responses["400"].content["application/json"].schema).toEqual({
      anyOf: [
        { $ref: "#/components/schemas/InvalidRequestBody" },
        { $ref: "#/components/schemas/GatewayError" },
        { $ref: "#/components/schemas/ExecutionError" },
      ],
    });
  });

  it("with schemas, async and Cognito: each body's schema, 202 with Location, GET /executions/{id}, the bearer token and the key, the custom domain first", () => {
    const doc = documents["schemas, an async workflow, Cognito with the key, a custom domain"];
    expect(Object.keys(doc.paths)).toEqual(["/", "/orders", "/executions/{id}"]);
    expect(doc.paths["/"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/WorkflowInput" });
    expect(doc.paths["/orders"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/OrdersInput" });
    expect(doc.components.schemas.WorkflowInput).toEqual(CONTRACT_CASES[0].schema);
    const orders = doc.paths["/orders"].post.responses;
    expect(Object.keys(orders)).toEqual([...new Set([...REST_ASYNC_METHOD_STATUS_CODES.filter((s) => s !== "200"), "401", "403", "413", "415"])].sort());
    expect(orders["202"].headers.Location).toBeDefined();
    const get = doc.paths["/executions/{id}"].get;
    expect(Object.keys(get.responses)).toEqual([...new Set([...REST_EXECUTION_STATUS_CODES, "401", "403"])].sort());
    expect(get.responses["202"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/ExecutionRunning" });
    expect(doc.security).toEqual([{ apiKey: [], cognito: [] }]);
    expect(doc.components.securitySchemes.cognito).toMatchObject({ type: "http", scheme: "bearer", description: expect.stringContaining("stepgate/invoke") });
    expect(doc.servers.map((s: { url: string }) => s.url)).toEqual(["https://api.example.com", "https://{restApiId}.execute-api.us-east-1.amazonaws.com/api"]);
  });

  it("with AWS_IAM and no key: SigV4 alone", () => {
    const doc = documents["AWS_IAM without the key, the default workflow async"];
    expect(doc.security).toEqual([{ sigv4: [] }]);
    expect(doc.components.securitySchemes.sigv4).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "Authorization",
      "x-amazon-apigateway-authtype": "awsSigv4",
    });
    expect(Object.keys(doc.paths)).toEqual(["/", "/executions/{id}"]);
  });

  it("is written by synth beside the stacks, the same bytes as the document", () => {
    const outdir = synthesizeToFolder(variants["schemas, an async workflow, Cognito with the key, a custom domain"]);
    const written = fs.readFileSync(path.join(outdir, OPENAPI_FILE), "utf8");
    expect(written).toBe(`${JSON.stringify(documents["schemas, an async workflow, Cognito with the key, a custom domain"], null, 2)}\n`);
  });
});

describe("a workflow's schema in the document (JSON Schema 2020-12): the same verdicts as its draft 4 model", () => {
  const rows = CONTRACT_CASES.flatMap((c) => [...c.valid, ...c.invalid].map((body) => [c.kind, JSON.stringify(body), c, body] as const));
  const validators = new Map(
    CONTRACT_CASES.map((c) => {
      const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
      ajv.addSchema({ $id: "https://stepgate.test/openapi.json", components: { schemas: componentsOf("Input", c.schema) } });
      return [c.kind, ajv.compile({ $ref: "https://stepgate.test/openapi.json#/components/schemas/Input" })];
    }),
  );

  it.each(rows)("%s: %s", (kind, _text, contract, body) => {
    expect((validators.get(kind) as (data: unknown) => boolean)(body)).toBe(inputValidator(contract.schema)(body));
  });

  it("writes draft 4's forms in 2020-12's words: bounds, tuples, definitions, dependencies; a $ref's siblings dropped as draft 4 ignores them", () => {
    expect(
      componentsOf("OrdersInput", {
        $schema: "http://json-schema.org/draft-04/schema#",
        definitions: { "a/b": { type: "string" } },
        properties: {
          n: { minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false },
          t: { items: [{ type: "string" }, { $ref: "#/definitions/a~1b", description: "ignored" }], additionalItems: false },
          r: { $ref: "#" },
        },
        dependencies: { a: ["b"], c: { required: ["d"] } },
      }),
    ).toEqual({
      OrdersInput: {
        properties: {
          n: { exclusiveMinimum: 0, maximum: 9 },
          t: { prefixItems: [{ type: "string" }, { $ref: "#/components/schemas/OrdersInput_a_b" }], items: false },
          r: { $ref: "#/components/schemas/OrdersInput" },
        },
        dependentRequired: { a: ["b"] },
        dependentSchemas: { c: { required: ["d"] } },
      },
      OrdersInput_a_b: { type: "string" },
    });
  });
});
