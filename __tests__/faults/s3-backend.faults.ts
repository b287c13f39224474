import { STACK_IDS } from "../../stacks/stack-ids";
import { type Applied, describeApplied, emulatorHolds } from "../support/apply";
import { importWhatExists } from "../support/recover";

const STATE_REGION = "eu-central-1";
const BUCKET = "acme-terraform-state";
const API_STATE = "teams/payments/api.tfstate";
const LOCK = `${API_STATE}.tflock`;

/** The keys in the state bucket. */
async function stateObjects({ aws }: Applied): Promise<string[]> {
  const { Contents = [] } = await aws.call("s3", "list_objects_v2", { Bucket: BUCKET }, STATE_REGION);
  return Contents.map((o: { Key: string }) => o.Key).sort();
}

/**
 * Resolves once api's lock file is in the bucket (S3's lock file, written only if absent:
 * If-None-Match: *), or throws once `holder` ended without it ever showing.
 */
async function locked(applied: Applied, holder: Promise<unknown>): Promise<void> {
  let ended = false;
  void holder.then(
    () => (ended = true),
    () => (ended = true),
  );
  while (!(await stateObjects(applied)).includes(LOCK)) {
    if (ended) throw new Error(`the apply ended without ${LOCK} ever in the bucket`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A second `terraform apply` of api: what Terraform said when it stopped, or "applied". */
const anotherApply = (applied: Applied) =>
  applied.stacks[STACK_IDS.api].terraform("apply", "-auto-approve", "-input=false", "-no-color").then(
    () => "applied",
    (e: Error) => e.message,
  );
const held = emulatorHolds;

// State in S3 (the emulator's, the bucket in another region, keys under a prefix); no monitoring;
// the WebSocket custom domain alone, on a certificate of the user's. Besides the apply tests'
// lifecycle, an api apply killed (a runner that vanishes), recovered as the docs say, and two
// applies at once: the recovery's apply, and another started while it holds the lock.
describeApplied(
  "S3 backend (bucket in another region, key prefix), monitoring off, WebSocket domain (certificate ARN), through a killed apply and two at once",
  {
    env: {
      STEPGATE_BACKEND: "s3",
      STEPGATE_S3_BUCKET: BUCKET,
      STEPGATE_S3_REGION: STATE_REGION,
      STEPGATE_S3_KEY_PREFIX: "teams/payments",
      STEPGATE_MONITORING: "off",
      STEPGATE_WS_DOMAIN_NAME: "ws.example.com",
    },
    seed: async (aws) => {
      await aws.call("s3", "create_bucket", { Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: STATE_REGION } }, STATE_REGION);
      const certificate = await aws.call("acm", "request_certificate", { DomainName: "ws.example.com", ValidationMethod: "DNS" });
      return { STEPGATE_CERTIFICATE_ARN: certificate.CertificateArn };
    },
  },
  (applied) => {
    it("keeps both states in the bucket, under the key prefix", async () => {
      expect(await stateObjects(applied())).toEqual([API_STATE, "teams/payments/workflow.tfstate"]);
    });

    describe("an apply killed (SIGKILL, a runner that vanishes), then two at once", () => {
      /** What the clean apply left. */
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
        expect(await stateObjects(applied())).toContain(LOCK);
        const next = await anotherApply(applied());
        expect(next).toMatch(/Error acquiring the state lock/);
        lockId = /Lock Info:\s+ID:\s+(\S+)/.exec(next)?.[1] ?? "";
        expect(await held(applied())).toEqual(killed);
      });

      it("recovered as docs/when-a-deploy-goes-wrong.md says (force-unlock, import what exists, apply), while a second apply starts: that one stops with Terraform's lock error and changes nothing; the first completes, its state whole, nothing orphaned, nothing duplicated", async () => {
        const api = applied().stacks[STACK_IDS.api];
        await api.terraform("force-unlock", "-force", lockId);
        expect(await stateObjects(applied())).not.toContain(LOCK);
        // The recovery plans without the lock (as `terraform plan -lock=false` would), then applies, holding it.
        const recovery = importWhatExists(applied(), api);
        await locked(applied(), recovery);
        const second = await anotherApply(applied());
        expect(second).toMatch(/Error acquiring the state lock/);
        const found = await recovery;
        expect(found.map((f) => f.type)).toEqual(expect.arrayContaining(["aws_api_gateway_rest_api", "aws_apigatewayv2_api"]));
        // Whole: every resource of the config in the state, and the lock released.
        const inState = JSON.parse(await api.terraform("show", "-json")).values.root_module.resources.filter((r: { mode: string }) => r.mode === "managed");
        const planned = await api.planChanges(true);
        expect(planned.exitCode).toBe(0);
        expect(inState.length).toBe(planned.json?.resource_changes?.filter((c) => c.mode === "managed").length);
        expect(await stateObjects(applied())).toEqual([API_STATE, "teams/payments/workflow.tfstate"]);
        expect(await held(applied())).toEqual(clean);
      });
    });
  },
);
