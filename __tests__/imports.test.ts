import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "./support/stacks";

/**
 * Importing @cdktf/provider-aws from its package root loads all of its 2,216 modules: 5-7x the
 * synth time and about 1.4 GB. Every class comes from its deep path, @cdktf/provider-aws/lib/<resource>.
 */
const ROOT_IMPORT = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)["']@cdktf\/provider-aws\/?["']/;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".git") || entry.name === "cdktf.out" ? [] : sources(relative);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [relative] : [];
  });
}

describe("imports of @cdktf/provider-aws", () => {
  const files = sources(".");

  it("covers the app, the stacks, the tests and the tools", () => {
    expect(files).toEqual(expect.arrayContaining(["main.ts", "stacks/api-stack.ts", "__tests__/imports.test.ts", ".ci/bench.ts"]));
  });

  it("never come from the package root", () => {
    const offenders = files.filter((file) => ROOT_IMPORT.test(fs.readFileSync(path.join(PROJECT_DIR, file), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("would be caught in every form", () => {
    const root = ["@cdktf", "provider-aws"].join("/"); // spelled apart, or this file would be an offender
    for (const line of [
      `import { provider } from "${root}";`,
      `import * as aws from '${root}'`,
      `const aws = require("${root}");`,
      `const aws = await import("${root}");`,
      `export { sfnStateMachine } from "${root}/";`,
    ]) {
      expect(ROOT_IMPORT.test(line)).toBe(true);
    }
    expect(ROOT_IMPORT.test('import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";')).toBe(false);
  });
});
