import { STACK_IDS } from "../../stacks/stack-ids";
import { applySetup, type EmulatedStacks, type Emulator, startEmulator, suspiciousRequests, synthesizeForEmulator } from "./emulator";
import { SETTINGS } from "../../stacks/config/settings";
import { describeNeeding, stopTerraform } from "./terraform";
import { temporaryFolder } from "./temporary-folders";

/** One variant of the settings, applied on an emulator of its own. */
export interface AppliedVariant {
  /** Settings, besides those `seed` returns. */
  readonly env: Record<string, string>;
  /**
   * Creates in the emulator, before synth, what the settings name but stepgate does not make (a
   * zone, a user pool, a bucket...), and returns those settings. `root` is the variant's temporary
   * folder, removed after.
   */
  readonly seed?: (aws: Emulator, root: string) => Promise<Record<string, string>>;
}

/** What a variant's own checks read once it is applied. */
export interface Applied {
  readonly aws: Emulator;
  readonly stacks: EmulatedStacks["stacks"];
  /** The regions the variant uses: its stacks' region first. */
  readonly regions: readonly string[];
  /** A stack's outputs, as `terraform output -json` gives their values. */
  outputs(stackId: string): Promise<Record<string, unknown>>;
}

/**
 * What the emulator holds of the applied variant, listed through its API: every resource
 * (Emulator.inventory) and its parts (Emulator.parts), with the ids AWS made for the APIs and the
 * KMS keys put as placeholders, so two applies of the same synth list the same lines. An orphan
 * or a duplicate an interrupted apply left still shows: as a line more.
 */
export async function emulatorHolds({ aws, regions }: Applied): Promise<{ inventory: string[]; parts: string[] }> {
  const ids: Array<[string, string]> = [];
  for (const region of regions) {
    for (const api of (await aws.call("apigateway", "get_rest_apis", {}, region)).items) ids.push([api.id, `<id of ${api.name}>`]);
    for (const api of (await aws.call("apigatewayv2", "get_apis", {}, region)).Items) ids.push([api.ApiId, `<id of ${api.Name}>`]);
  }
  const placed = (lines: string[]) =>
    lines.map((line) => ids.reduce((l, [id, name]) => l.split(id).join(name), line).replace(/:key\/[0-9a-f-]{36}/, ":key/<id>")).sort();
  return { inventory: placed(await aws.inventory(regions)), parts: placed(await aws.parts(regions)) };
}

/**
 * The apply test of a variant: workflow (and apigw-account) applied, then api; every stack planned
 * again, with nothing to change; api destroyed, then the others; and the emulator then holds, by
 * its own API, what it held before the apply. `checks` adds tests that read the applied state.
 * Without terraform or moto the tests skip with a warning (under CI=true they fail).
 */
export function describeApplied(name: string, variant: AppliedVariant, checks?: (applied: () => Applied) => void): void {
  const { setup, missing } = applySetup();
  // The settings the lifecycle needs, read before `seed` completes them (so not validated here).
  const region = variant.env[SETTINGS.region.name] ?? SETTINGS.region.default;
  const prefix = variant.env[SETTINGS.prefix.name] ?? SETTINGS.prefix.default;
  const managedAccount = variant.env[SETTINGS.apiGatewayAccount.name] === "managed";
  const applyOrder = [STACK_IDS.workflow, ...(managedAccount ? [STACK_IDS.apiGatewayAccount] : []), STACK_IDS.api];
  const destroyOrder = [STACK_IDS.api, STACK_IDS.workflow, ...(managedAccount ? [STACK_IDS.apiGatewayAccount] : [])];

  describeNeeding(missing, `applied on moto: ${name}`, () => {
    // Generous: a step takes seconds on an idle machine, many minutes on a crowded one.
    jest.setTimeout(1_200_000);
    let aws: Emulator;
    let deployed: EmulatedStacks;
    let before: string[];
    const applied = (): Applied => ({
      aws,
      stacks: deployed.stacks,
      regions: [region],
      outputs: async (id) => {
        const outputs = JSON.parse(await deployed.stacks[id].terraform("output", "-json")) as Record<string, { value: unknown }>;
        return Object.fromEntries(Object.entries(outputs).map(([key, o]) => [key, o.value]));
      },
    });
    /** Runs a Terraform step; a failure's message ends with moto's tracebacks, where the gap usually shows. */
    const step = <T>(run: () => Promise<T>): Promise<T> =>
      run().catch(async (e: Error) => {
        const tracebacks = aws
          .log()
          .split("\n")
          .filter((line) => /Error|Exception/.test(line));
        // A write sent twice is how a create fails with "already exists" in an apply of its own.
        const requests = await aws.requests().then(suspiciousRequests, (why: Error) => [`(not read: ${why.message})`]);
        throw new Error(
          `${e.message}\nmoto's errors:\n${tracebacks.slice(-20).join("\n") || "(none)"}\n` +
            `the emulator's suspicious requests:\n${requests.slice(-20).join("\n") || "(none)"}`,
        );
      });

    beforeAll(async () => {
      if (!setup.available) return;
      aws = await startEmulator();
      const root = temporaryFolder("apply");
      const seeded = (await variant.seed?.(aws, root)) ?? {};
      deployed = await synthesizeForEmulator(aws, setup, { ...variant.env, ...seeded }, root);
      before = await aws.inventory([region]);
    });
    afterAll(async () => {
      await stopTerraform();
      await aws?.stop();
    });

    it(`applies ${applyOrder.join(", then ")}`, async () => {
      expect(Object.keys(deployed.stacks).sort()).toEqual([...applyOrder].sort());
      for (const id of applyOrder) await step(() => deployed.stacks[id].apply());
      // The inventory sees what was applied (so that its emptiness after destroy means something).
      const { state_machine_arn } = await applied().outputs(STACK_IDS.workflow);
      expect(await aws.inventory([region])).toEqual(
        expect.arrayContaining([
          `states:stateMachine ${state_machine_arn}`,
          `apigateway:restapi ${region} ${prefix}-rest`,
          `apigatewayv2:api ${region} ${prefix}-websocket`,
        ]),
      );
    });

    checks?.(applied);

    it.each(applyOrder)("plans %s again: nothing to change", async (id) => {
      const { exitCode, text } = await step(() => deployed.stacks[id].planChanges());
      // What would change, one line per resource, for the failure's message.
      const changes = text.split("\n").filter((line) => /^ {2}# \S+ (will|must) be /.test(line));
      expect({ exitCode, changes }).toEqual({ exitCode: 0, changes: [] });
    });

    it(`destroys ${destroyOrder.join(", then ")}: moto then holds what it held before the apply`, async () => {
      for (const id of destroyOrder) await step(() => deployed.stacks[id].destroy());
      expect(await aws.inventory([region])).toEqual(before);
    });
  });
}
