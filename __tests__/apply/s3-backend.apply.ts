import { STACK_IDS } from "../../stacks/stack-ids";
import { type Applied, describeApplied, emulatorHolds } from "../support/apply";
import { importWhatExists } from "../support/recover";

const STATE_REGION = "eu-central-1";
const BUCKET = "acme-terraform-state";
const API_STATE = "teams/payments/api.tfstate";

/** The keys in the state bucket. */
async function stateObjects({ aws }: Applied): Promise<string[]> {
  const { Contents = [] } = await aws.call("s3", "list_objects_v2", { Bucket: BUCKET }, STATE_REGION);
  return Contents.map((o: { Key: string }) => o.Key).sort();
}
const held = emulatorHolds;

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
        const api = applied().stacks[STACK_IDS.api];
        await api.terraform("force-unlock", "-force", lockId);
        const found = await importWhatExists(applied(), api);
        expect(found.map((f) => f.type)).toEqual(expect.arrayContaining(["aws_api_gateway_rest_api", "aws_apigatewayv2_api"]));
        expect((await api.planChanges()).exitCode).toBe(0);
        expect(await stateObjects(applied())).toEqual([API_STATE, "teams/payments/workflow.tfstate"]);
        expect(await held(applied())).toEqual(clean);
      });
    });
  },
);
