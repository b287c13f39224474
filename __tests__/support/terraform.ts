import * as fs from "fs";
import * as path from "path";

/** Whether `terraform` is on PATH. */
export const terraformOnPath = (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && fs.existsSync(path.join(dir, "terraform")));

/**
 * `describe` for tests that run Terraform. Where it is missing they are skipped with a warning;
 * under CI=true, where a skip would hide that nothing was proven, its absence fails instead.
 */
export function describeWithTerraform(name: string, tests: () => void): void {
  if (terraformOnPath) {
    describe(name, tests);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it("needs terraform on PATH (CI=true: not skipped)", () => {
        throw new Error(`no terraform on PATH: "${name}" cannot run, and CI must not skip it`);
      });
    });
  } else {
    console.warn(`skipped, no terraform on PATH: ${name}`);
    describe.skip(name, tests);
  }
}
