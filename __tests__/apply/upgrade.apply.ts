import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_IDS } from "../../stacks/stack-ids";
import { applySetup, type Emulator, startEmulator } from "../support/emulator";
import { synthesizeToFolder } from "../support/stacks";
import { describeNeeding, type PlanJson, stopTerraform, TerraformStackDir } from "../support/terraform";
import { temporaryFolder } from "../support/temporary-folders";

/**
 * The upgrade promise, proven: the first release's stacks (as synthesized then, kept in
 * fixtures/first-release) applied on the emulator, then the current synth (default settings)
 * planned and applied on that state. Nothing a client depends on is replaced or destroyed; the
 * deployments may be (a new snapshot of the same API: the URL stays).
 */
const FIRST_RELEASE = path.join(__dirname, "..", "fixtures", "first-release");
/** What a client's URL, key or workflow rests on. */
const KEPT_TYPES = [
  "aws_api_gateway_rest_api",
  "aws_api_gateway_stage",
  "aws_api_gateway_api_key",
  "aws_api_gateway_usage_plan",
  "aws_api_gateway_usage_plan_key",
  "aws_api_gateway_domain_name",
  "aws_apigatewayv2_api",
  "aws_apigatewayv2_stage",
  "aws_apigatewayv2_domain_name",
  "aws_sfn_state_machine",
  "aws_cloudwatch_log_group",
];
const DEPLOYMENT_TYPES = ["aws_api_gateway_deployment", "aws_apigatewayv2_deployment"];
const STACKS = [STACK_IDS.workflow, STACK_IDS.api];

const { setup, missing } = applySetup();

describeNeeding(missing, "upgrade from the first release, applied on moto", () => {
  jest.setTimeout(600_000);
  let aws: Emulator;
  let root: string;
  const stacks: Record<string, TerraformStackDir> = {};
  const plans: Record<string, PlanJson> = {};

  /** Points the stacks now in root/cdktf.out at the emulator and initializes them. */
  async function prepare(): Promise<void> {
    if (!setup.available) return;
    for (const id of STACKS) {
      stacks[id] = new TerraformStackDir(path.join(root, "cdktf.out", "stacks", id), setup);
      stacks[id].useFakes(aws);
      await stacks[id].init();
    }
  }

  beforeAll(async () => {
    if (!setup.available) return;
    aws = await startEmulator();
    // Each stack three levels below root, as the fixture's local state paths (../../../) expect.
    root = temporaryFolder("upgrade");
    for (const id of STACKS) {
      fs.mkdirSync(path.join(root, "cdktf.out", "stacks", id), { recursive: true });
      fs.copyFileSync(path.join(FIRST_RELEASE, id, "cdk.tf.json"), path.join(root, "cdktf.out", "stacks", id, "cdk.tf.json"));
    }
    await prepare();
  });
  afterAll(async () => {
    await stopTerraform();
    await aws?.stop();
  });

  it("applies the first release: workflow, then api", async () => {
    for (const id of STACKS) await stacks[id].apply();
    expect(Object.keys(JSON.parse(await stacks[STACK_IDS.api].terraform("output", "-json")))).toContain("rest_invoke_url");
  });

  it("plans the current synth on that state: nothing a client depends on is replaced or destroyed", async () => {
    synthesizeToFolder({}, root);
    await prepare();
    for (const id of STACKS) plans[id] = (await stacks[id].planChanges(true)).json as PlanJson;
    const changes = STACKS.flatMap((id) => plans[id].resource_changes ?? []);
    const removed = changes.filter((c) => c.change.actions.includes("delete")).map((c) => c.address);
    // Only the deployments: each is replaced once (the new trigger), the new one first.
    expect(removed.map((a) => a.split(".")[0]).sort()).toEqual([...DEPLOYMENT_TYPES].sort());
    for (const c of changes.filter((c) => DEPLOYMENT_TYPES.includes(c.type))) expect(c.change.actions).toEqual(["create", "delete"]);
    // Every kept resource of the first release is still there, updated in place at most.
    const kept = changes.filter((c) => KEPT_TYPES.includes(c.type) && c.mode === "managed");
    expect(kept.length).toBeGreaterThanOrEqual(10);
    for (const c of kept) expect({ [c.address]: c.change.actions }).toEqual({ [c.address]: expect.not.arrayContaining(["delete"]) });
  });

  it("plans what docs/upgrading.md says: workflow, a new output only; api, 14 to add, 4 to change, 2 to destroy", () => {
    const count = (id: string) => {
      const actions = (plans[id].resource_changes ?? []).flatMap((c) => c.change.actions);
      return {
        add: actions.filter((a) => a === "create").length,
        change: actions.filter((a) => a === "update").length,
        destroy: actions.filter((a) => a === "delete").length,
      };
    };
    expect(count(STACK_IDS.workflow)).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(
      Object.keys(plans[STACK_IDS.workflow].output_changes ?? {}).filter((o) => !plans[STACK_IDS.workflow].output_changes?.[o].actions.includes("no-op")),
    ).toEqual(["state_machine_arns"]);
    // The monitoring (12), the two deployments anew; the two integrations' templates (execution names) and the two stages.
    expect(count(STACK_IDS.api)).toEqual({ add: 14, change: 4, destroy: 2 });
    const updated = (plans[STACK_IDS.api].resource_changes ?? []).filter((c) => c.change.actions.includes("update")).map((c) => c.type);
    expect(updated.sort()).toEqual(["aws_api_gateway_integration", "aws_api_gateway_stage", "aws_apigatewayv2_integration", "aws_apigatewayv2_stage"]);
  });

  it("applies the current synth; planned again, nothing changes", async () => {
    for (const id of STACKS) await stacks[id].apply();
    for (const id of STACKS) expect({ [id]: (await stacks[id].planChanges()).exitCode }).toEqual({ [id]: 0 });
  });
});
