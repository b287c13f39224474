import * as fs from "node:fs";
import * as path from "node:path";
import { BAD_REQUEST_BODY_TEMPLATE } from "../../stacks/constructs/rest-api";
import { STACK_IDS } from "../../stacks/stack-ids";
import { describeApplied } from "../support/apply";
import { schemaSettings } from "../support/input-contracts";
import { address, synthesizeToFolder } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

const CORS = { STEPGATE_CORS_ORIGINS: "https://app.example.com" };
let settings: Record<string, string> = {};

// Input contracts: the default workflow and orders each with a schema, plain without; one CORS
// origin, so the BAD_REQUEST_BODY gateway response carries its header.
describeApplied(
  "input contracts: schemas on two workflows of three, with CORS",
  {
    env: CORS,
    seed: async (_aws, root) => {
      settings = schemaSettings(root);
      const plain = path.join(root, "plain.asl.json");
      fs.copyFileSync(settings.STEPGATE_DEFINITION, plain);
      settings = { ...settings, STEPGATE_WORKFLOWS: `${settings.STEPGATE_WORKFLOWS},plain=${plain}` };
      return settings;
    },
  },
  (applied) => {
    const restApi = async () => (await applied().aws.call("apigateway", "get_rest_apis")).items[0].id as string;

    it("makes each schema a REST model, and each workflow's POST validate its body against its own", async () => {
      const { aws } = applied();
      const id = await restApi();
      const { items: models } = await aws.call("apigateway", "get_models", { restApiId: id });
      expect(models.map((m: { name: string }) => m.name).sort()).toEqual(["ExecutionData", "OrdersInput", "WorkflowInput"]);
      const orders = JSON.parse(models.find((m: { name: string }) => m.name === "OrdersInput").schema);
      expect(orders).toMatchObject({ $schema: "http://json-schema.org/draft-04/schema#", required: ["id"] });
      const { items: resources } = await aws.call("apigateway", "get_resources", { restApiId: id });
      const { items: validators } = await aws.call("apigateway", "get_request_validators", { restApiId: id });
      const requestModels: Record<string, unknown> = {};
      for (const resource of resources as Array<{ id: string; path: string }>) {
        const method = await aws.call("apigateway", "get_method", { restApiId: id, resourceId: resource.id, httpMethod: "POST" });
        expect(method.requestValidatorId).toBe(validators[0].id);
        requestModels[resource.path] = method.requestModels;
      }
      expect(requestModels).toEqual({
        "/": { "application/json": "WorkflowInput" },
        "/orders": { "application/json": "OrdersInput" },
        "/plain": { "application/json": "ExecutionData" },
      });
      // The one validator, "body", checks bodies only (an absent flag is false).
      expect(
        validators.map((v: { name: string; validateRequestBody?: boolean; validateRequestParameters?: boolean }) => [
          v.name,
          v.validateRequestBody === true,
          v.validateRequestParameters === true,
        ]),
      ).toEqual([["body", true, false]]);
    });

    it("answers a body a model refuses with the BAD_REQUEST_BODY gateway response: 400, the validator's findings, the CORS header", async () => {
      const response = await applied().aws.call("apigateway", "get_gateway_response", { restApiId: await restApi(), responseType: "BAD_REQUEST_BODY" });
      expect(response).toMatchObject({
        statusCode: "400",
        responseTemplates: { "application/json": BAD_REQUEST_BODY_TEMPLATE },
        responseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'https://app.example.com'" },
      });
    });

    it("makes each schema a WebSocket model, the $default model of its route", async () => {
      const { aws } = applied();
      const { Items: apis } = await aws.call("apigatewayv2", "get_apis");
      const { Items: models } = await aws.call("apigatewayv2", "get_models", { ApiId: apis[0].ApiId });
      expect(models.map((m: { Name: string }) => m.Name).sort()).toEqual(["OrdersInput", "WorkflowInput"]);
      const { Items: routes } = await aws.call("apigatewayv2", "get_routes", { ApiId: apis[0].ApiId });
      const byKey = Object.fromEntries(
        (routes as Array<{ RouteKey: string; RequestModels?: unknown; ModelSelectionExpression?: string }>).map((r) => [
          r.RouteKey,
          [r.ModelSelectionExpression, r.RequestModels],
        ]),
      );
      expect(byKey).toEqual({
        $default: ["$request.body.action", { $default: "WorkflowInput" }],
        orders: ["$request.body.action", { $default: "OrdersInput" }],
        plain: [undefined, undefined],
      });
    });

    it("without the schema files, updates the methods and routes in place (nothing replaced) and deletes the models and the gateway response", async () => {
      const api = applied().stacks[STACK_IDS.api];
      const file = path.join(api.dir, "cdk.tf.json");
      const deployed = fs.readFileSync(file, "utf8");
      const schemas = [settings.STEPGATE_DEFINITION, ...settings.STEPGATE_WORKFLOWS.split(",").map((pair) => pair.split("=")[1])].map((definition) =>
        definition.replace(/\.asl\.json$/, ".schema.json"),
      );
      const kept = schemas.filter((schema) => fs.existsSync(schema)).map((schema) => [schema, fs.readFileSync(schema)] as const);
      const root = temporaryFolder("no-schemas");
      try {
        for (const [schema] of kept) fs.rmSync(schema);
        fs.writeFileSync(file, fs.readFileSync(path.join(synthesizeToFolder({ ...CORS, ...settings }, root), "stacks", STACK_IDS.api, "cdk.tf.json")));
        const { json } = await api.planChanges(true);
        const actions = new Map((json?.resource_changes ?? []).map((c) => [c.address, c.change.actions.join(",")]));
        const of = (type: string, where?: (props: Record<string, unknown>) => boolean) => actions.get(address(deployed, type, where));
        expect({
          "POST /": of("aws_api_gateway_method", (m) => m.http_method === "POST" && String(m.resource_id).endsWith(".root_resource_id}")),
          "WebSocket $default route": of("aws_apigatewayv2_route", (r) => r.route_key === "$default"),
          "REST model WorkflowInput": of("aws_api_gateway_model", (m) => m.name === "WorkflowInput"),
          "WebSocket model WorkflowInput": of("aws_apigatewayv2_model", (m) => m.name === "WorkflowInput"),
          BAD_REQUEST_BODY: of("aws_api_gateway_gateway_response", (r) => r.response_type === "BAD_REQUEST_BODY"),
          "REST deployment": of("aws_api_gateway_deployment"),
        }).toEqual({
          "POST /": "update",
          "WebSocket $default route": "update",
          "REST model WorkflowInput": "delete",
          "WebSocket model WorkflowInput": "delete",
          BAD_REQUEST_BODY: "delete",
          "REST deployment": "create,delete",
        });
      } finally {
        for (const [schema, text] of kept) fs.writeFileSync(schema, text);
        fs.writeFileSync(file, deployed);
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  },
);
