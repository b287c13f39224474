import * as fs from "node:fs";
import * as path from "node:path";
import { compareStack, unexplained } from "../.ci/cdktn-switch";
import { PROJECT_DIR, synthesizeToFolder } from "./support/stacks";

/**
 * A feature nobody turned on changes nothing: with the default settings, both stacks synthesize
 * byte for byte what `__tests__/fixtures/defaults/` holds, so a deployed copy's plan stays empty on
 * upgrade. A change meant to reach every copy (a fix) rewrites the fixture in the same commit, where
 * review sees it: `STEPGATE_TEST_WRITE_DEFAULTS=1 npx jest __tests__/defaults.test.ts`.
 */
const FIXTURE = path.join(PROJECT_DIR, "__tests__", "fixtures", "defaults");
const STACKS = ["api", "workflow"];

const libraryVersion = (stack: string) => JSON.parse(stack)["//"].metadata.version;

if (process.env.STEPGATE_TEST_WRITE_DEFAULTS === "1") {
  const out = synthesizeToFolder();
  for (const stack of STACKS) {
    fs.mkdirSync(path.join(FIXTURE, stack), { recursive: true });
    fs.copyFileSync(path.join(out, "stacks", stack, "cdk.tf.json"), path.join(FIXTURE, stack, "cdk.tf.json"));
  }
}

describe("the default settings' stacks", () => {
  it.each([
    ["no setting", {}],
    // Each setting of long-running workflows empty, the REST timeout at its default: the same bytes.
    [
      "the long-running workflows' settings empty, STEPGATE_REST_TIMEOUT_MS=29000",
      { STEPGATE_ASYNC_WORKFLOWS: "", STEPGATE_STANDARD_WORKFLOWS: "", STEPGATE_REST_TIMEOUT_MS: "29000" },
    ],
  ])("are the committed synth of the defaults, byte for byte: %s", (_name, env: Record<string, string>) => {
    const out = synthesizeToFolder(env);
    expect(fs.readdirSync(path.join(out, "stacks")).sort()).toEqual(STACKS);
    for (const stack of STACKS) {
      const synthesized = fs.readFileSync(path.join(out, "stacks", stack, "cdk.tf.json"), "utf8");
      const committed = fs.readFileSync(path.join(FIXTURE, stack, "cdk.tf.json"), "utf8");
      if (libraryVersion(synthesized) === libraryVersion(committed)) {
        expect({ stack, synthesized }).toEqual({ stack, synthesized: committed });
      } else {
        // On CDK Terrain (npm run check:cdktn's copy): the switch's explained differences, and no other.
        const comparison = compareStack("defaults", stack, JSON.parse(committed), JSON.parse(synthesized));
        expect({ stack, unexplained: unexplained(comparison), differences: comparison.differences.filter((d) => !d.explanation) }).toEqual({
          stack,
          unexplained: false,
          differences: [],
        });
      }
    }
  });
});
