import * as fs from "node:fs";
import * as path from "node:path";
import {
  addresses,
  atLeast,
  CDKTF_PROVIDER_AWS,
  CDKTN,
  compareStack,
  comparisonReport,
  explain,
  FIRST_RELEASE_FIXTURE,
  isRenamed,
  jsonDiff,
  providerAddresses,
  rename,
  renameFile,
  switchPackageJson,
  unexplained,
  VARIANTS,
  withoutBackend,
} from "../.ci/cdktn-switch";
import { AWS_PROVIDER_VERSION } from "../stacks/stepgate-stack";
import { PROJECT_DIR } from "./support/stacks";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

/** The project's files the switch renames: every file but node_modules, cdktf.out, .git (the check copies fewer, those git tracks). */
function renamedFiles(dir = ""): string[] {
  return fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (["node_modules", "cdktf.out", ".git", ".terraform"].includes(e.name)) return [];
    return e.isDirectory() ? renamedFiles(file) : isRenamed(file) ? [file] : [];
  });
}

describe("the switch to CDK Terrain: a rename", () => {
  it("renames imports, deep provider paths and the jest adapter", () => {
    const before = [
      'import { App, Testing } from "cdktf";',
      'import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";',
      'import { setupJest } from "cdktf/lib/testing/adapters/jest";',
      "const c = require('cdktf');",
      'matchAll(/from "(@cdktf\\/provider-aws\\/lib\\/[\\w-]+)"/g)',
      'const root = ["@cdktf", "provider-aws"].join("/");',
    ].join("\n");
    expect(rename(before).text).toBe(
      [
        'import { App, Testing } from "cdktn";',
        'import { SfnStateMachine } from "@cdktn/provider-aws/lib/sfn-state-machine";',
        'import { setupJest } from "cdktn/lib/testing/adapters/jest";',
        "const c = require('cdktn');",
        'matchAll(/from "(@cdktn\\/provider-aws\\/lib\\/[\\w-]+)"/g)',
        'const root = ["@cdktn", "provider-aws"].join("/");',
      ].join("\n"),
    );
  });

  it("renames the CLI where docs and scripts run it, and nothing cdktn still reads by cdktf's names", () => {
    const { text, counts } = rename(
      "npx cdktf synth   # writes cdktf.out\n`npx cdktf diff workflow --migrate-state`, cdktf-cli 0.21\ncdktf deploys workflow first; CDKTF_OUTDIR; cdktf.json",
    );
    expect(text).toBe(
      "npx cdktn synth   # writes cdktf.out\n`npx cdktn diff workflow --migrate-state`, cdktn-cli 0.21\ncdktf deploys workflow first; CDKTF_OUTDIR; cdktf.json",
    );
    expect(Object.values(counts).reduce((a, b) => a + b)).toBe(3);
  });

  it("moves the AWS provider pin to the version cdktn's provider binds, and the tests' provider source with it", () => {
    expect(rename('export const AWS_PROVIDER_VERSION = "~> 6.25";').text).toBe(`export const AWS_PROVIDER_VERSION = "~> ${CDKTN.providerAwsBinds}";`);
    expect(rename('aws: { source: "aws", version: "~> 6.25" }').text).toBe(`aws: { source: "hashicorp/aws", version: "~> ${CDKTN.providerAwsBinds}" }`);
  });

  it("leaves the first release's synthesized stacks as synthesized, though the rename would move their pin", () => {
    for (const stack of ["workflow", "api"]) {
      const file = `${FIRST_RELEASE_FIXTURE}${stack}/cdk.tf.json`;
      expect(isRenamed(file)).toBe(false);
      expect(rename(read(file)).text).not.toBe(read(file));
    }
    expect(isRenamed(`${FIRST_RELEASE_FIXTURE}README.md`)).toBe(false);
    expect(renamedFiles().filter((file) => file.startsWith(FIRST_RELEASE_FIXTURE))).toEqual([]);
  });

  it("knows the pin and the provider package the project has, on cdktf or, after the switch, on cdktn", () => {
    const switched = "cdktn" in JSON.parse(read("package.json")).dependencies;
    const [scope, version, binds] = switched
      ? ["@cdktn", CDKTN.providerAws.split(".").slice(0, 2).join("."), CDKTN.providerAwsBinds]
      : ["@cdktf", CDKTF_PROVIDER_AWS.version, CDKTF_PROVIDER_AWS.binds];
    expect(AWS_PROVIDER_VERSION).toBe(`~> ${binds}`);
    expect(JSON.parse(read(`node_modules/${scope}/provider-aws/package.json`)).version.startsWith(`${version}.`)).toBe(true);
    expect(rename(read("stacks/stepgate-stack.ts")).text).toContain(`bindings of @cdktn/provider-aws 25.7 are generated from ${CDKTN.providerAwsBinds}.`);
  });

  it("leaves nothing of cdktf's packages in the project: the code stays mechanically switchable", () => {
    const files = renamedFiles();
    expect(files).toEqual(expect.arrayContaining(["main.ts", "stacks/stepgate-stack.ts", "__tests__/support/setup.ts", "README.md", "help"]));
    const leftovers = files.flatMap((file) => renameFile(file, read(file)).leftovers);
    expect(leftovers).toEqual([]);
  });

  it("leaves the page about the move as it is (it names both sides), and renames the other docs", () => {
    expect(read("docs/cdk-terrain.md")).toContain("`@cdktf` becomes `@cdktn`");
    expect(isRenamed("docs/cdk-terrain.md")).toBe(false);
    expect(renamedFiles()).not.toContain("docs/cdk-terrain.md");
    expect(renamedFiles()).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/state.md"]));
    const r = renameFile("docs/state.md", "npx cdktf synth\n`npx cdktf diff api --migrate-state`\n");
    expect(r.text).toBe("npx cdktn synth\n`npx cdktn diff api --migrate-state`\n");
    expect(r.leftovers).toEqual([]);
    expect(renameFile("help", 'x\nimport { App } from "cdktf";').leftovers).toEqual([]);
    expect(renameFile("x.ts", 'x\nconst m = "cdktf";\nrequire.resolve(`${pkg}cdktf/lib/app`);\n// npx cdktf --version').leftovers).toEqual([
      "x.ts:3: require.resolve(`${pkg}cdktf/lib/app`);",
      "x.ts:4: // npx cdktf --version",
    ]);
  });

  it("switches package.json: cdktn's packages, constructs in their range, Node 22.19, the scripts' CLI", () => {
    const pkg = switchPackageJson(JSON.parse(read("package.json")));
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(Object.keys(all).filter((name) => /cdktf/.test(name))).toEqual([]);
    expect(pkg.dependencies).toMatchObject({ cdktn: "0.24.0", "@cdktn/provider-aws": "25.7.0", constructs: CDKTN.constructs });
    expect(pkg.devDependencies).toMatchObject({ "cdktn-cli": "0.24.0" });
    expect(CDKTN.constructs).toMatch(/^10\.[67]\./);
    expect(pkg.engines).toEqual({ node: ">=22.19.0" });
    expect(pkg.scripts).toMatchObject({ synth: "cdktn synth", "diff:api": "cdktn diff api", destroy: "cdktn destroy api workflow" });
    expect(Object.values(pkg.scripts ?? {}).filter((s) => /\bcdktf\b/.test(s))).toEqual([]);
  });

  it("switches package.json's install-script decisions: cdktf's packages go with them, the others stay", () => {
    const pkg = JSON.parse(read("package.json"));
    expect(switchPackageJson({ ...pkg, allowScripts: { "@cdktf/node-pty-prebuilt-multiarch": true } }).allowScripts).toBeUndefined();
    const allowScripts = {
      "@cdktf/node-pty-prebuilt-multiarch": true,
      "cdktf-cli@0.21.0": false,
      cdktf: true,
      "cdktf-extra": false,
      esbuild: true,
      "sharp@0.34.1": false,
    };
    expect(switchPackageJson({ ...pkg, allowScripts }).allowScripts).toEqual({ "cdktf-extra": false, esbuild: true, "sharp@0.34.1": false });
  });

  it("compares Node versions", () => {
    expect(atLeast("v20.20.2", "22.19.0")).toBe(false);
    expect(atLeast("v22.19.0", "22.19.0")).toBe(true);
    expect(atLeast("v22.23.3", "22.19.0")).toBe(true);
    expect(atLeast("v23.0.0", "22.19.0")).toBe(true);
    expect(atLeast("v22.9.0", "22.19.0")).toBe(false);
  });

  it("compares the settings variants the issue names", () => {
    expect(Object.keys(VARIANTS)).toEqual(["default", "managed+kms", "api-key+s3", "iam+cloud"]);
  });
});

describe("the switch to CDK Terrain: the comparison", () => {
  const cdktf = {
    "//": { metadata: { version: "0.21.0", stackName: "workflow" } },
    terraform: { backend: { local: { path: "x" } }, required_providers: { aws: { source: "aws", version: "~> 6.25" } } },
    resource: { sfn_state_machine: { state_machine: { name: "a", tags: { x: "1" } } } },
    data: { aws_partition: { partition: {} } },
    output: { state_machine_arn: { value: "${sfn_state_machine.state_machine.arn}" } },
  };

  it("lists the addresses of resources, data sources and outputs", () => {
    expect(addresses(cdktf)).toEqual(["data.aws_partition.partition", "output.state_machine_arn", "resource.sfn_state_machine.state_machine"]);
  });

  it("lists every leaf that differs, by its JSON path", () => {
    expect(jsonDiff({ a: { b: [1, 2], "c.d": "x" } }, { a: { b: [1, 3], "c.d": "y", e: true } })).toEqual([
      { path: "a.b[1]", cdktf: 2, cdktn: 3 },
      { path: 'a["c.d"]', cdktf: "x", cdktn: "y" },
      { path: "a.e", cdktf: undefined, cdktn: true },
    ]);
    expect(jsonDiff({ a: [1] }, { a: [1, 2] })).toEqual([{ path: "a", cdktf: [1], cdktn: [1, 2] }]);
  });

  it("explains the expected differences, and only with the expected values", () => {
    const cdktn = structuredClone(cdktf);
    cdktn["//"].metadata.version = CDKTN.core;
    cdktn.terraform.required_providers.aws = { source: "hashicorp/aws", version: `~> ${CDKTN.providerAwsBinds}` };
    const same = compareStack("default", "workflow", cdktf, cdktn);
    expect(same.differences.map((d) => [d.path, d.explanation?.impact])).toEqual([
      ["//.metadata.version", "none"],
      ["terraform.required_providers.aws.source", "none"],
      ["terraform.required_providers.aws.version", "plan"],
    ]);
    expect(unexplained(same)).toBe(false);
    expect(unexplained({ ...same, providers: { cdktf: ["registry.terraform.io/hashicorp/aws"], cdktn: ["registry.terraform.io/acme/aws"] } })).toBe(true);
    expect(explain("cdk.tf.json", { path: "terraform.required_providers.aws.version", cdktf: "~> 6.25", cdktn: "~> 7.0" }).explanation).toBeUndefined();
    expect(explain("manifest.json", { path: "version", cdktf: "0.21.0", cdktn: CDKTN.core }).explanation?.impact).toBe("none");
  });

  it("explains a Terraform message that names the CLI as renamed, and nothing else in it", () => {
    const message = (cli: string, rest = "") => `apply the workflow stack first: its state has no state machine yet${rest} (npx ${cli} deploy workflow)`;
    const paths = ["check.workflow_applied.assert[0].error_message", "resource.aws_iam_role_policy.policy_E8D21C69.lifecycle.precondition[0].error_message"];
    for (const path of paths) {
      const renamed = explain("cdk.tf.json", { path, cdktf: message("cdktf"), cdktn: message("cdktn") });
      expect([path, renamed.explanation?.impact]).toEqual([path, "none"]);
      expect(renamed.explanation?.why).toContain("Terraform prints it only when the check or precondition fails");
      for (const cdktn of [message("cdktn", ", or ever"), message("cdktf").replace("first", "second"), `${message("cdktn")} `, 1, undefined]) {
        expect([path, cdktn, explain("cdk.tf.json", { path, cdktf: message("cdktf"), cdktn }).explanation]).toEqual([path, cdktn, undefined]);
      }
    }
    // the same rename anywhere else in a stack is not a message
    const tag = { path: "resource.sfn_state_machine.state_machine.tags.note", cdktf: message("cdktf"), cdktn: message("cdktn") };
    expect(explain("cdk.tf.json", tag).explanation).toBeUndefined();
    expect(explain("manifest.json", { ...tag, path: paths[0] }).explanation).toBeUndefined();
  });

  it("fails on a changed address or any unexplained difference, and says where", () => {
    const renamed = { ...cdktf, resource: { sfn_state_machine: { state_machine_2: { name: "a", tags: { x: "2" } } } } };
    const c = compareStack("default", "workflow", cdktf, renamed);
    expect(c.onlyCdktf).toEqual(["resource.sfn_state_machine.state_machine"]);
    expect(c.onlyCdktn).toEqual(["resource.sfn_state_machine.state_machine_2"]);
    expect(unexplained(c)).toBe(true);
    const lines = comparisonReport([c], []);
    expect(lines[0]).toContain("addresses DIFFER");
    expect(lines).toContain("    only cdktn: resource.sfn_state_machine.state_machine_2");
    expect(lines).toContain("      UNEXPLAINED");

    const tagged = structuredClone(cdktf);
    tagged.resource.sfn_state_machine.state_machine.tags.x = "2";
    expect(unexplained(compareStack("default", "workflow", cdktf, tagged))).toBe(true);
  });

  it("reads terraform providers' addresses, and leaves the backend out so that no init is needed", () => {
    const output =
      "\nProviders required by configuration:\n.\n├── provider[registry.terraform.io/hashicorp/aws] ~> 6.25\n└── provider[terraform.io/builtin/terraform]\n";
    expect(providerAddresses(output)).toEqual(["registry.terraform.io/hashicorp/aws", "terraform.io/builtin/terraform"]);
    expect(withoutBackend(cdktf).terraform).toEqual({ required_providers: cdktf.terraform.required_providers });
    expect(withoutBackend({ terraform: { cloud: { organization: "acme" } } }).terraform).toEqual({});
  });
});
