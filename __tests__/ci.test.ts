import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "./support/stacks";

/** semver, which npm itself uses to read engines (here through cdktf-cli's dependencies; it ships no types). */
const semver = require("semver") as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

describe("CI (.ci/run)", () => {
  const engines: string = JSON.parse(read("package.json")).engines.node;
  const useNode = read(".ci/use-node");

  it("picks its Node before it installs and tests, then runs the Terraform tests, the apply tests, the fault tests and the check of the move to CDK Terrain", () => {
    expect(read(".ci/run")).toMatch(
      /\nsource \.ci\/use-node\n(?:.*\n)*npm ci\nnpm test\nnpm run test:terraform\nnpm run test:apply\nnpm run test:faults\nnpm run check:cdktn\n$/,
    );
  });

  it("runs the check of the move to CDK Terrain with the provider mirror the Terraform tests use", () => {
    const run = read(".ci/run");
    expect(run).toContain("export TERRAFORM_TEST_PROVIDER_MIRROR=/opt/tf-plugins");
    expect(run.indexOf("export TERRAFORM_TEST_PROVIDER_MIRROR")).toBeLessThan(run.indexOf("npm run check:cdktn"));
  });

  it("installs, when the machine's node is too old, a pinned Node that engines admit", () => {
    const pinned = useNode.match(/^NODE_VERSION=(\d+\.\d+\.\d+)$/m)?.[1];
    expect(pinned).toBeDefined();
    expect(semver.satisfies(pinned ?? "", engines)).toBe(true);
  });

  it("keeps the machine's node only when engines admit it", () => {
    // .ci/use-node reads engines as ">=<major>[.<minor>[.<patch>]]" and compares whole versions as one number each.
    const shape = engines.match(/^>=(\d+)(?:\.(\d+))?(?:\.(\d+))?$/);
    expect(shape).not.toBeNull();
    const asNumber = (v: number[]) => v[0] * 1e6 + (v[1] ?? 0) * 1e3 + (v[2] ?? 0);
    const required = asNumber((shape ?? []).slice(1).map((part) => Number(part ?? 0)));
    for (let major = 0; major <= 40; major++) {
      for (const version of [`${major}.0.0`, `${major}.18.9`, `${major}.19.0`, `${major}.99.99`]) {
        expect([version, asNumber(version.split(".").map(Number)) >= required]).toEqual([version, semver.satisfies(version, engines)]);
      }
    }
  });

  it("agrees with the GitHub workflow, whose jobs set up a Node that engines admit", () => {
    const versions = [...read(".github/workflows/stepgate.yml").matchAll(/node-version: *["']?([^"'\s]+)/g)].map((m) => m[1]);
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect([version, semver.satisfies(semver.minVersion(version)?.version ?? "", engines)]).toEqual([version, true]);
  });

  it("types Node's API as the oldest Node engines admit: @types/node of engines' major", () => {
    const major = (version: string) => version.split(".")[0];
    const oldest = major(semver.minVersion(engines)?.version ?? "");
    const declared: string = JSON.parse(read("package.json")).devDependencies["@types/node"];
    const locked: string = JSON.parse(read("package-lock.json")).packages["node_modules/@types/node"].version;
    expect([major(declared), major(locked)]).toEqual([oldest, oldest]);
  });

  it("declares in engines what every dependency needs (no EBADENGINE on npm ci)", () => {
    const lock = JSON.parse(read("package-lock.json"));
    expect(lock.packages[""].engines.node).toBe(engines);
    const minimum = semver.minVersion(engines)?.version ?? "";
    const refused = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
      .filter(([name, entry]) => name !== "" && typeof entry.engines?.node === "string" && !semver.satisfies(minimum, entry.engines.node))
      .map(([name, entry]) => `${name}: ${entry.engines?.node}`);
    expect(refused).toEqual([]);
  });
});

describe("install scripts (npm 11's allowScripts)", () => {
  it("decides, in package.json, for every package of the lockfile with install scripts: npm ci then warns of none", () => {
    const lock = JSON.parse(read("package-lock.json"));
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([at]) => at.replace(/^.*node_modules\//, ""));
    const pkg = JSON.parse(read("package.json"));
    const allowScripts: Record<string, boolean> = pkg.allowScripts ?? {};
    expect(Object.keys(allowScripts).sort()).toEqual([...new Set(withScripts)].sort());
    // cdktf-cli's node-pty runs its scripts: its prebuilt binaries cover Node 16 to 22 on linux-x64
    // and arm64, darwin-arm64, win32-x64; its install script checks that one loads, else downloads or
    // compiles one (Node 24, darwin-x64). After the switch to cdktn no package has install scripts.
    const switched = "cdktn" in pkg.dependencies;
    expect(allowScripts).toEqual(switched ? {} : { "@cdktf/node-pty-prebuilt-multiarch": true });
  });
});

describe("package.json's test scripts", () => {
  it("run jest with cdktf's one warning off, as synth does (DEP0044: cdktf 0.21, final, calls util.isArray for every output)", () => {
    // Jest's workers are forked with the parent's node flags, so the flag reaches every test file.
    const scripts: Record<string, string> = JSON.parse(read("package.json")).scripts;
    const runningJest = Object.entries(scripts).filter(([, command]) => /\bjest\b/.test(command));
    expect(runningJest.map(([name]) => name)).toEqual(["test", "test:terraform", "test:apply", "test:faults"]);
    const runner = "node --disable-warning=DEP0044 node_modules/jest/bin/jest.js";
    for (const [name, command] of runningJest) {
      // The runner, and no jest started any other way.
      expect([name, command.includes(runner), /\bjest\b/.test(command.replace(runner, ""))]).toEqual([name, true, false]);
    }
  });
});
