/**
 * npm run --silent plan:summary -- PLAN_JSON STACK [--refuse-client-facing]
 *
 * Markdown summary of `terraform show -json PLANFILE`: first every failed check (a `check` block's
 * assertion, which Terraform prints as a warning and plans on: the api stack's workflow_applied in a
 * review plan made before workflow is applied), then Terraform's own count line, word for word
 * (Terraform 1.11's renderer: internal/command/jsonformat/plan.go), the replacements, a warning
 * that lists every resource destroyed or replaced (first those clients use), and every change by
 * address and action. Never a value: `terraform show -json` prints sensitive values (the API key)
 * in plain text, so only addresses, actions and the failed checks' messages (Terraform leaves out
 * one that would show a sensitive value) leave this script.
 * With --refuse-client-facing it exits 3 when a client-facing resource is destroyed or replaced.
 */
import * as fs from "node:fs";

interface ResourceChange {
  address: string;
  type: string;
  mode: string;
  previous_address?: string;
  change: { actions: string[]; importing?: unknown };
}
/** A checkable object's results (a check block, a resource's conditions...), one per instance. */
interface CheckResult {
  instances?: Array<{ address: { to_display: string }; status: "pass" | "fail" | "error" | "unknown"; problems?: Array<{ message: string }> }>;
}
export interface PlanJson {
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, { actions: string[] }>;
  checks?: CheckResult[];
}

/** Resources whose loss or replacement changes what clients use: a URL, a key, the state machine. */
const CLIENT_FACING: Record<string, string> = {
  aws_apigatewayv2_api: "the WebSocket API: its URL changes",
  aws_apigatewayv2_stage: "the WebSocket stage: its URL changes",
  aws_api_gateway_rest_api: "the REST API: its URL changes",
  aws_api_gateway_stage: "the REST stage: its URL changes",
  aws_api_gateway_domain_name: "a custom domain",
  aws_apigatewayv2_domain_name: "a custom domain",
  aws_api_gateway_base_path_mapping: "a custom domain's mapping",
  aws_apigatewayv2_api_mapping: "a custom domain's mapping",
  aws_api_gateway_api_key: "the API key: its value changes",
  aws_sfn_state_machine: "the state machine: its execution history goes",
};

type Action = "create" | "update" | "destroy" | "replace" | "read" | "forget" | "create, then forget the old" | "no-op";

function actionOf(actions: string[]): Action {
  switch (actions.join(",")) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete":
      return "destroy";
    case "delete,create":
    case "create,delete":
      return "replace";
    case "read":
      return "read";
    case "forget":
      return "forget";
    case "create,forget":
      return "create, then forget the old";
    default:
      return "no-op";
  }
}

export interface Summary {
  readonly markdown: string;
  /** Client-facing resources destroyed or replaced. */
  readonly clientFacing: string[];
}

export function summarize(plan: PlanJson, stack: string): Summary {
  // As Terraform's renderer: no-ops only when moved or imported; deleted data sources never.
  const changes = (plan.resource_changes ?? [])
    .map((c) => ({
      address: c.address,
      type: c.type,
      action: actionOf(c.change.actions),
      importing: c.change.importing != null,
      moved: c.previous_address !== undefined && c.previous_address !== c.address,
      mode: c.mode,
    }))
    .filter((c) => (c.action !== "no-op" || c.moved || c.importing) && !(c.action === "destroy" && c.mode !== "managed"));
  const count = (action: Action) => changes.filter((c) => c.action === action).length;
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, o]) => o.actions.join(",") !== "no-op")
    .map(([name]) => name);
  const lines = [`### Plan of \`${stack}\``, "", ...failedChecks(plan)];
  if (changes.length === 0 && outputs.length === 0) {
    lines.push("No changes.");
    return { markdown: `${lines.join("\n")}\n`, clientFacing: [] };
  }
  const replacements = count("replace");
  if (changes.length > 0) {
    const [add, change, destroy] = [count("create") + replacements, count("update"), count("destroy") + replacements];
    const imports = changes.filter((c) => c.importing).length;
    lines.push(`Plan: ${imports > 0 ? `${imports} to import, ` : ""}${add} to add, ${change} to change, ${destroy} to destroy.`, "");
    lines.push(`Replacements: ${replacements}.`);
    if (count("forget") > 0) lines.push("", `No longer managed, not destroyed (Terraform counts these in no line): ${count("forget")}.`);
  } else {
    lines.push(`Only outputs change (Terraform prints no \`Plan:\` line): ${outputs.map((o) => `\`${o}\``).join(", ")}.`);
  }
  const lost = changes.filter((c) => c.action === "destroy" || c.action === "replace");
  const clientFacing = lost.filter((c) => CLIENT_FACING[c.type]);
  if (lost.length > 0) {
    lines.push("", "> [!WARNING]", `> This plan destroys or replaces ${lost.length} resource${lost.length === 1 ? "" : "s"}.`);
    if (clientFacing.length > 0) {
      lines.push("> **What clients use:**");
      for (const c of clientFacing) lines.push(`> - \`${c.address}\`: ${c.action} (${CLIENT_FACING[c.type]})`);
    }
    const others = lost.filter((c) => !CLIENT_FACING[c.type]);
    if (others.length > 0) {
      if (clientFacing.length > 0) lines.push("> **Also:**");
      for (const c of others) lines.push(`> - \`${c.address}\`: ${c.action}`);
    }
  }
  if (changes.length > 0) {
    lines.push(
      "",
      `<details><summary>${changes.length} change${changes.length === 1 ? "" : "s"} by address</summary>`,
      "",
      "| address | action |",
      "| --- | --- |",
    );
    for (const c of changes) {
      const action = [c.importing ? "import" : "", c.moved ? "move" : "", c.action === "no-op" ? "" : c.action].filter(Boolean).join(", ");
      lines.push(`| \`${c.address}\` | ${action} |`);
    }
    lines.push("", "</details>");
  }
  return { markdown: `${lines.join("\n")}\n`, clientFacing: clientFacing.map((c) => `${c.address} (${c.action})`) };
}

/**
 * The failed checks, as a block of their own at the top, ended by an empty line (the deploy leaves
 * it out when it compares an approved summary: checks say what the state was, not what changes).
 */
function failedChecks(plan: PlanJson): string[] {
  const failed = (plan.checks ?? []).flatMap((check) =>
    (check.instances ?? [])
      .filter((i) => i.status === "fail")
      // Terraform leaves out a message that would show a sensitive value.
      .flatMap((i) =>
        (i.problems ?? [{ message: "failed (its message holds a sensitive value)" }]).map(
          (p) => `> - \`${i.address.to_display}\`: ${p.message.replace(/\s+/g, " ")}`,
        ),
      ),
  );
  if (failed.length === 0) return [];
  return ["> [!CAUTION]", "> **Checks failed** (Terraform warns and plans on):", ...failed, ""];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const refuse = args.includes("--refuse-client-facing");
  const [file, stack] = args.filter((a) => !a.startsWith("--"));
  if (!file || !stack) {
    console.error("usage: npm run --silent plan:summary -- PLAN_JSON STACK [--refuse-client-facing]");
    process.exit(2);
  }
  const summary = summarize(JSON.parse(fs.readFileSync(file, "utf8")), stack);
  process.stdout.write(summary.markdown);
  if (refuse && summary.clientFacing.length > 0) {
    console.error(`${stack}: the plan destroys or replaces what clients use: ${summary.clientFacing.join(", ")}. Allow it explicitly to go on.`);
    process.exit(3);
  }
}
