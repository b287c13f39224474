import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { type PlanJson, summarize } from "../.ci/plan-summary";
import { describeWithTerraform } from "./support/terraform";
import { temporaryFolder } from "./support/temporary-folders";

/**
 * The plan summary, on plan JSON that real `terraform plan` runs produced: terraform_data (built
 * into Terraform, so no provider to download) created, updated, replaced, destroyed, forgotten, and
 * outputs changed alone; each summary's count line must be the one Terraform itself printed.
 * The AWS stacks' own plans are summarized in terraform/plans.terraform.ts.
 */
const run = promisify(execFile);

const SECRET = "s3cr3t-value-never-printed";
const resource = (input: string, trigger = "1") => ({ input: { secret: SECRET, v: input }, triggers_replace: trigger });

describeWithTerraform("plan:summary on real Terraform plans", () => {
  jest.setTimeout(60_000);
  const dir = temporaryFolder("summary");
  const terraform = (...args: string[]) =>
    run("terraform", args, { cwd: dir, env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } }).then((r) => r.stdout);
  const write = (config: object) => fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config));
  /** Plans `config`; returns the plan JSON and the count line (or "No changes." sentence) Terraform printed. */
  async function plan(config: object): Promise<{ json: PlanJson; terraformSays: string[] }> {
    write(config);
    const text = await terraform("plan", "-input=false", "-no-color", "-out=tfplan");
    const json = JSON.parse(await terraform("show", "-json", "tfplan"));
    return { json, terraformSays: text.split("\n").filter((l) => /^(Plan: |No changes\.|Changes to Outputs:)/.test(l)) };
  }
  const base = {
    resource: { terraform_data: { keep: resource("a"), replaced: resource("a"), gone: resource("a") } },
    output: { o: { value: "x" } },
  };

  beforeAll(async () => {
    write(base);
    await terraform("init", "-input=false", "-no-color");
    await terraform("apply", "-auto-approve", "-input=false", "-no-color");
  });

  it("counts as Terraform does: a replacement once in add and once in destroy, and says how many", async () => {
    const { json, terraformSays } = await plan({
      resource: { terraform_data: { keep: resource("b"), replaced: resource("a", "2") } },
      output: base.output,
    });
    const { markdown } = summarize(json, "workflow");
    expect(terraformSays).toEqual(["Plan: 1 to add, 1 to change, 2 to destroy."]);
    expect(markdown.split("\n").slice(0, 5)).toEqual(["### Plan of `workflow`", "", terraformSays[0], "", "Replacements: 1."]);
    expect(markdown).toContain(
      "> [!WARNING]\n> This plan destroys or replaces 2 resources.\n> - `terraform_data.gone`: destroy\n> - `terraform_data.replaced`: replace\n",
    );
    expect(markdown).toContain("| `terraform_data.keep` | update |");
    expect(markdown).not.toContain(SECRET);
  });

  it("says No changes. for an empty plan", async () => {
    const { json, terraformSays } = await plan(base);
    expect(terraformSays[0]).toMatch(/^No changes\./);
    expect(summarize(json, "api").markdown).toBe("### Plan of `api`\n\nNo changes.\n");
  });

  it("puts every failed check first, in a block of its own, with its message (or none, when it would show a sensitive value)", async () => {
    const { json, terraformSays } = await plan({
      ...base,
      variable: { secret: { type: "string", default: SECRET, sensitive: true }, applied: { type: "bool", default: false } },
      check: {
        workflow_applied: { assert: [{ condition: "${var.applied}", error_message: "apply the workflow\nstack first" }] },
        holds: { assert: [{ condition: "${!var.applied}", error_message: "never shown" }] },
        secretive: { assert: [{ condition: `\${var.secret == ""}`, error_message: `\${var.secret} is set` }] },
      },
    });
    expect(terraformSays[0]).toMatch(/^No changes\./);
    expect(summarize(json, "api").markdown).toBe(
      [
        "### Plan of `api`",
        "",
        "> [!CAUTION]",
        "> **Checks failed** (Terraform warns and plans on):",
        "> - `check.secretive`: failed (its message holds a sensitive value)",
        "> - `check.workflow_applied`: apply the workflow stack first",
        "",
        "No changes.",
        "",
      ].join("\n"),
    );
    expect(JSON.stringify(json.checks)).not.toContain(SECRET);
  });

  it("gives a plan that changes only outputs a line of its own (Terraform prints no Plan: line then)", async () => {
    const { json, terraformSays } = await plan({ ...base, output: { o: { value: "y" } } });
    expect(terraformSays).toEqual(["Changes to Outputs:"]);
    expect(summarize(json, "api").markdown).toBe("### Plan of `api`\n\nOnly outputs change (Terraform prints no `Plan:` line): `o`.\n");
  });

  it("counts a resource to forget as Terraform 1.11 does (in no number), and says so", async () => {
    const { json, terraformSays } = await plan({
      resource: { terraform_data: { keep: resource("a"), replaced: resource("a") } },
      removed: [{ from: "terraform_data.gone", lifecycle: { destroy: false } }],
      output: base.output,
    });
    const { markdown } = summarize(json, "api");
    expect(markdown).toContain(`\n${terraformSays[0]}\n`);
    expect(terraformSays[0]).toBe("Plan: 0 to add, 0 to change, 0 to destroy.");
    expect(markdown).toContain("No longer managed, not destroyed (Terraform counts these in no line): 1.");
    expect(markdown).toContain("| `terraform_data.gone` | forget |");
  });

  it("lists what clients use first, saying what it costs them, and refuses it when asked", async () => {
    const { json } = await plan({ resource: { terraform_data: { keep: resource("a"), replaced: resource("a", "3") } }, output: base.output });
    // The same plan, as if the replaced resource were the API key (no AWS here to replace one).
    for (const c of json.resource_changes ?? [])
      if (c.address === "terraform_data.replaced") Object.assign(c, { address: "aws_api_gateway_api_key.key", type: "aws_api_gateway_api_key" });
    const { markdown, clientFacing } = summarize(json, "api");
    expect(markdown).toContain(
      "> This plan destroys or replaces 2 resources.\n> **What clients use:**\n> - `aws_api_gateway_api_key.key`: replace (the API key: its value changes)\n> **Also:**\n> - `terraform_data.gone`: destroy\n",
    );
    expect(clientFacing).toEqual(["aws_api_gateway_api_key.key (replace)"]);
    const file = path.join(dir, "client-facing.json");
    fs.writeFileSync(file, JSON.stringify(json));
    const refused = await run(process.execPath, ["-r", "sucrase/register/ts", ".ci/plan-summary.ts", file, "api", "--refuse-client-facing"]).catch((e) => e);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("api: the plan destroys or replaces what clients use: aws_api_gateway_api_key.key (replace).");
  });

  it("uses Terraform's import form when a change imports", async () => {
    const { json } = await plan(base);
    // terraform_data cannot be imported: the importing marker as `terraform show -json` writes it.
    for (const c of json.resource_changes ?? []) if (c.address === "terraform_data.keep") c.change.importing = { id: "k" };
    expect(summarize(json, "api").markdown).toContain("\nPlan: 1 to import, 0 to add, 0 to change, 0 to destroy.\n");
  });
});
