import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_IDS } from "../../stacks/stack-ids";
import { type Applied, describeApplied, emulatorHolds } from "../support/apply";

const STATE_REGION = "eu-central-1";
const BUCKET = "acme-terraform-state";
const API_STATE = "teams/payments/api.tfstate";

/** The keys in the state bucket. */
async function stateObjects({ aws }: Applied): Promise<string[]> {
  const { Contents = [] } = await aws.call("s3", "list_objects_v2", { Bucket: BUCKET }, STATE_REGION);
  return Contents.map((o: { Key: string }) => o.Key).sort();
}
const held = emulatorHolds;

/**
 * The import id of a resource a plan would create, if it exists already (found by the name or
 * the parent it is planned with), as docs/when-a-deploy-goes-wrong.md finds it with the AWS CLI.
 */
async function existingId(aws: Applied["aws"], region: string, type: string, after: Record<string, string>): Promise<string | undefined> {
  const call = (service: string, operation: string, params: Record<string, unknown> = {}) => aws.call(service, operation, params, region);
  const lookup = async (): Promise<string | undefined> => {
    switch (type) {
      case "aws_api_gateway_rest_api":
        return (await call("apigateway", "get_rest_apis")).items.find((a: { name: string }) => a.name === after.name)?.id;
      case "aws_api_gateway_api_key":
        return (await call("apigateway", "get_api_keys")).items.find((k: { name: string }) => k.name === after.name)?.id;
      case "aws_apigatewayv2_api":
        return (await call("apigatewayv2", "get_apis")).Items.find((a: { Name: string }) => a.Name === after.name)?.ApiId;
      case "aws_iam_role":
        return (await call("iam", "get_role", { RoleName: after.name })).Role.RoleName;
      case "aws_iam_role_policy":
        return after.role && (await call("iam", "get_role_policy", { RoleName: after.role, PolicyName: after.name })) && `${after.role}:${after.name}`;
      case "aws_cloudwatch_log_group":
        return (await call("logs", "describe_log_groups", { logGroupNamePrefix: after.name })).logGroups.find(
          (g: { logGroupName: string }) => g.logGroupName === after.name,
        )?.logGroupName;
      case "aws_api_gateway_method":
        return (
          after.rest_api_id &&
          (await call("apigateway", "get_method", { restApiId: after.rest_api_id, resourceId: after.resource_id, httpMethod: after.http_method })) &&
          `${after.rest_api_id}/${after.resource_id}/${after.http_method}`
        );
      case "aws_api_gateway_model":
        return (
          after.rest_api_id &&
          (await call("apigateway", "get_model", { restApiId: after.rest_api_id, modelName: after.name })) &&
          `${after.rest_api_id}/${after.name}`
        );
      case "aws_api_gateway_request_validator": {
        if (!after.rest_api_id) return undefined;
        const found = (await call("apigateway", "get_request_validators", { restApiId: after.rest_api_id })).items.find(
          (v: { name: string }) => v.name === after.name,
        );
        return found && `${after.rest_api_id}/${found.id}`;
      }
      case "aws_apigatewayv2_integration": {
        if (!after.api_id) return undefined;
        const found = (await call("apigatewayv2", "get_integrations", { ApiId: after.api_id })).Items.find(
          (i: { IntegrationUri?: string; IntegrationType: string }) =>
            i.IntegrationUri === after.integration_uri && i.IntegrationType === after.integration_type,
        );
        return found && `${after.api_id}/${found.IntegrationId}`;
      }
      case "aws_apigatewayv2_route": {
        if (!after.api_id) return undefined;
        const found = (await call("apigatewayv2", "get_routes", { ApiId: after.api_id })).Items.find(
          (r: { RouteKey: string }) => r.RouteKey === after.route_key,
        );
        return found && `${after.api_id}/${found.RouteId}`;
      }
      case "aws_apigatewayv2_domain_name":
        return (await call("apigatewayv2", "get_domain_name", { DomainName: after.domain_name })).DomainName;
      case "aws_apigatewayv2_api_mapping": {
        if (!after.api_id) return undefined;
        const found = (await call("apigatewayv2", "get_api_mappings", { DomainName: after.domain_name })).Items.find(
          (m: { ApiId: string; Stage: string }) => m.ApiId === after.api_id && m.Stage === after.stage,
        );
        return found && `${found.ApiMappingId}/${after.domain_name}`;
      }
      case "aws_api_gateway_usage_plan":
        return (await call("apigateway", "get_usage_plans")).items.find((p: { name: string }) => p.name === after.name)?.id;
      case "aws_api_gateway_stage":
        return (
          after.rest_api_id &&
          (await call("apigateway", "get_stage", { restApiId: after.rest_api_id, stageName: after.stage_name })) &&
          `${after.rest_api_id}/${after.stage_name}`
        );
      case "aws_apigatewayv2_stage":
        return after.api_id && (await call("apigatewayv2", "get_stage", { ApiId: after.api_id, StageName: after.name })) && `${after.api_id}/${after.name}`;
      default:
        return undefined;
    }
  };
  // Not found, as the AWS CLI says it (NotFoundException, NoSuchEntity, ResourceNotFoundException).
  return lookup().catch((e: Error) => (/NotFound|NoSuchEntity/.test(e.message) ? undefined : Promise.reject(e)));
}

// State in S3 (the emulator's, the bucket in another region, keys under a prefix); no monitoring;
// the WebSocket custom domain alone, on a certificate of the user's.
describeApplied(
  "S3 backend (bucket in another region, key prefix), monitoring off, WebSocket domain (certificate ARN)",
  {
    env: {
      STEPGATE_BACKEND: "s3",
      STEPGATE_S3_BUCKET: "acme-terraform-state",
      STEPGATE_S3_REGION: STATE_REGION,
      STEPGATE_S3_KEY_PREFIX: "teams/payments",
      STEPGATE_MONITORING: "off",
      STEPGATE_WS_DOMAIN_NAME: "ws.example.com",
    },
    seed: async (aws) => {
      await aws.call("s3", "create_bucket", { Bucket: "acme-terraform-state", CreateBucketConfiguration: { LocationConstraint: STATE_REGION } }, STATE_REGION);
      const certificate = await aws.call("acm", "request_certificate", { DomainName: "ws.example.com", ValidationMethod: "DNS" });
      return { STEPGATE_CERTIFICATE_ARN: certificate.CertificateArn };
    },
  },
  (applied) => {
    it("keeps both states in the bucket, under the key prefix", async () => {
      const { Contents } = await applied().aws.call("s3", "list_objects_v2", { Bucket: "acme-terraform-state" }, STATE_REGION);
      expect(Contents.map((o: { Key: string }) => o.Key).sort()).toEqual(["teams/payments/api.tfstate", "teams/payments/workflow.tfstate"]);
    });

    it("two applies of api at once (use_lockfile): the second stops with Terraform's lock error and changes nothing; the first completes, its state whole", async () => {
      const { stacks } = applied();
      const api = stacks[STACK_IDS.api];
      const clean = await held(applied());
      await api.destroy();
      const first = api.apply();
      // The first holds the lock from its start: S3's lock file, written only if absent (If-None-Match: *).
      while (!(await stateObjects(applied())).includes(`${API_STATE}.tflock`)) await new Promise((r) => setTimeout(r, 200));
      const second = await api.terraform("apply", "-auto-approve", "-input=false", "-no-color").then(
        () => "applied",
        (e: Error) => e.message,
      );
      expect(second).toMatch(/Error acquiring the state lock/);
      await first;
      // Whole: every resource of the config in the state, the lock released, and no duplicate made by a second apply.
      const planned = JSON.parse(await api.terraform("show", "-json")).values.root_module.resources.filter((r: { mode: string }) => r.mode === "managed");
      expect(planned.length).toBe((await api.planChanges(true)).json?.resource_changes?.filter((c) => c.mode === "managed").length);
      expect((await api.planChanges()).exitCode).toBe(0);
      expect(await stateObjects(applied())).toEqual([API_STATE, "teams/payments/workflow.tfstate"]);
      expect(await held(applied())).toEqual(clean);
    });

    describe("an apply killed (SIGKILL, a runner that vanishes)", () => {
      let clean: Awaited<ReturnType<typeof held>>;
      let lockId: string;

      it("api killed once both APIs exist: the state is as Terraform last wrote it, the lock stays, and the next apply stops with Terraform's lock error, changing nothing", async () => {
        const api = applied().stacks[STACK_IDS.api];
        clean = await held(applied());
        await api.destroy();
        const created = (type: string) => new RegExp(`${type}\\.\\S+: Creation complete`);
        const run = await api.applyInterrupted("SIGKILL", (out) => created("aws_api_gateway_rest_api").test(out) && created("aws_apigatewayv2_api").test(out));
        expect(run.ended).toBe("exit SIGKILL");
        const killed = await held(applied());
        // What exists: the APIs at least, made after the state was last written.
        expect(killed.inventory).toEqual(
          expect.arrayContaining(["apigateway:restapi us-east-1 stepgate-rest", "apigatewayv2:api us-east-1 stepgate-websocket"]),
        );
        expect(await stateObjects(applied())).toContain(`${API_STATE}.tflock`);
        const next = await api.terraform("apply", "-auto-approve", "-input=false", "-no-color").then(
          () => "applied",
          (e: Error) => e.message,
        );
        expect(next).toMatch(/Error acquiring the state lock/);
        lockId = /Lock Info:\s+ID:\s+(\S+)/.exec(next)?.[1] ?? "";
        expect(await held(applied())).toEqual(killed);
      });

      it("recovered as docs/when-a-deploy-goes-wrong.md says (force-unlock, import what exists, apply): nothing orphaned, nothing duplicated", async () => {
        const { stacks, aws, regions } = applied();
        const api = stacks[STACK_IDS.api];
        await api.terraform("force-unlock", "-force", lockId);
        // An import block for each resource the plan would create but that exists, until nothing
        // more is found (an API imported gives its parts' plans the API's id); then one apply
        // imports them all and makes the rest.
        const imports = path.join(api.dir, "imports.tf.json");
        const found = new Map<string, { type: string; id: string }>();
        for (let more = true; more; ) {
          fs.writeFileSync(imports, JSON.stringify(found.size ? { import: [...found].map(([to, { id }]) => ({ to, id })) } : {}));
          const planned = (await api.planChanges(true)).json?.resource_changes ?? [];
          more = false;
          for (const c of planned.filter((c) => c.mode === "managed" && c.change.actions.join() === "create" && !found.has(c.address))) {
            const id = await existingId(aws, regions[0], c.type, c.change.after as Record<string, string>);
            if (id !== undefined) found.set(c.address, { type: c.type, id });
            more ||= id !== undefined;
          }
        }
        expect([...found.values()].map((f) => f.type)).toEqual(expect.arrayContaining(["aws_api_gateway_rest_api", "aws_apigatewayv2_api"]));
        await api.apply();
        fs.rmSync(imports);
        expect((await api.planChanges()).exitCode).toBe(0);
        expect(await stateObjects(applied())).toEqual([API_STATE, "teams/payments/workflow.tfstate"]);
        expect(await held(applied())).toEqual(clean);
      });
    });
  },
);
