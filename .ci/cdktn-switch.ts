/**
 * The pure parts of `npm run check:cdktn` (.ci/check-cdktn.ts): the switch from CDK for Terraform
 * (cdktf) to CDK Terrain (cdktn) as a mechanical rename, and the comparison of what both synthesize.
 * No file system, no processes: `__tests__/cdktn-switch.test.ts` tests all of it without installing.
 */

/** CDK Terrain as this registry serves it (0.24 is its only release here), and what it needs. */
export const CDKTN = {
  core: "0.24.0",
  cli: "0.24.0",
  providerAws: "25.7.0",
  /** AWS provider version the bindings of @cdktn/provider-aws 25.7 are generated from (checked after install). */
  providerAwsBinds: "6.66",
  /** cdktn 0.24 and @cdktn/provider-aws 25.x: constructs >= 10.6 and < 10.8. */
  constructs: "10.7.2",
  /** cdktn-cli 0.24 needs Node >= 22.19 (@cdktn/provider-aws 25.x: >= 22.11). */
  node: "22.19.0",
} as const;

/** What cdktf's side binds: @cdktf/provider-aws 21.22 is generated from AWS provider 6.25. */
export const CDKTF_PROVIDER_AWS = { version: "21.22", binds: "6.25" } as const;

/** The settings variants compared: each adds or changes what is synthesized. */
export const VARIANTS: Record<string, Record<string, string>> = {
  default: {},
  "managed+kms": { STEPGATE_APIGW_ACCOUNT: "managed", STEPGATE_LOG_KMS_KEY: "create" },
  "api-key+s3": { STEPGATE_WS_CONNECT_AUTH: "API_KEY", STEPGATE_BACKEND: "s3", STEPGATE_S3_BUCKET: "acme-state" },
  "iam+cloud": { STEPGATE_WS_CONNECT_AUTH: "AWS_IAM", STEPGATE_BACKEND: "cloud", STEPGATE_TFC_ORGANIZATION: "acme", STEPGATE_TFC_PROJECT: "p" },
};

/**
 * The files the switch never rewrites: this switch itself, whose rules and tests spell cdktf on
 * purpose, and the page about the move, which names both sides on purpose.
 */
export const NOT_RENAMED = [".ci/cdktn-switch.ts", ".ci/check-cdktn.ts", "__tests__/cdktn-switch.test.ts", "docs/cdk-terrain.md"];

/** The first release's synthesized stacks: what teams deployed with cdktf, kept byte for byte. */
export const FIRST_RELEASE_FIXTURE = "__tests__/fixtures/first-release/";

/** Files the rename reads (package.json is switched as JSON; package-lock.json is npm's). */
export function isRenamed(file: string): boolean {
  if (NOT_RENAMED.includes(file) || file.startsWith(FIRST_RELEASE_FIXTURE) || file === "package.json" || file.endsWith("package-lock.json")) return false;
  return /\.(ts|md|ya?ml|json)$/.test(file) || ["help", ".ci/run"].includes(file);
}

/** The CLI's commands, as docs and scripts name them (`npx cdktf synth`, `cdktf diff workflow`). */
const CLI_COMMANDS = "synth|diff|deploy|destroy|output|get|init|list|watch|provider|debug|login|convert";

export interface Rule {
  name: string;
  pattern: RegExp;
  replacement: string;
}

/** The CLI's name where a command is run: in docs and scripts, and in the messages of a stack (EXPLANATIONS). */
const CLI_RULE: Rule = {
  name: "CLI commands cdktf <command> -> cdktn <command>",
  pattern: new RegExp(`\\bcdktf (${CLI_COMMANDS})\\b`, "g"),
  replacement: "cdktn $1",
};

/**
 * The rename, in order. What it leaves alone on purpose: `cdktf.json`, `cdktf.out`, `CDKTF_*`
 * variables (cdktn reads them all), and prose that names cdktf the tool.
 */
export const RULES: readonly Rule[] = [
  { name: "package scope @cdktf -> @cdktn (provider imports, deep paths)", pattern: /@cdktf\b/g, replacement: "@cdktn" },
  { name: 'core package "cdktf" -> "cdktn" (imports, the jest adapter)', pattern: /(["'`])cdktf(?=["'`/])/g, replacement: "$1cdktn" },
  { name: "cdktf-cli -> cdktn-cli", pattern: /\bcdktf-cli\b/g, replacement: "cdktn-cli" },
  CLI_RULE,
  {
    name: `AWS provider pin ~> ${CDKTF_PROVIDER_AWS.binds} -> ~> ${CDKTN.providerAwsBinds}`,
    pattern: new RegExp(`~> ${CDKTF_PROVIDER_AWS.binds.replace(".", "\\.")}\\b`, "g"),
    replacement: `~> ${CDKTN.providerAwsBinds}`,
  },
  {
    name: "the pin's comment (provider-aws version, AWS provider version)",
    pattern: new RegExp(
      `provider-aws ${CDKTF_PROVIDER_AWS.version.replace(".", "\\.")} are generated from ${CDKTF_PROVIDER_AWS.binds.replace(".", "\\.")}\\b`,
      "g",
    ),
    replacement: `provider-aws ${CDKTN.providerAws.split(".").slice(0, 2).join(".")} are generated from ${CDKTN.providerAwsBinds}`,
  },
  {
    name: 'provider source in tests: "aws" -> "hashicorp/aws", as cdktn writes it (the same provider)',
    pattern: /\bsource: "aws"/g,
    replacement: 'source: "hashicorp/aws"',
  },
  // Node 24, the current LTS: a bare "22" would admit 22.0 to 22.18, which cdktn-cli refuses.
  { name: "CI's Node -> 24", pattern: /\bnode-version: (?:20|22)\b/g, replacement: "node-version: 24" },
  {
    name: `the docs' Node requirement -> Node ${CDKTN.node.replace(/\.0$/, "")} or newer (engines)`,
    pattern: /\bNode 22 or newer\b/g,
    replacement: `Node ${CDKTN.node.replace(/\.0$/, "")} or newer`,
  },
];

/** Applies every rule; returns the new text and how often each rule matched. */
export function rename(text: string): { text: string; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  for (const rule of RULES) {
    text = text.replace(rule.pattern, (...match) => {
      counts[rule.name] = (counts[rule.name] ?? 0) + 1;
      // $1 is the only group a replacement uses
      return rule.replacement.replace("$1", typeof match[1] === "string" ? match[1] : "");
    });
  }
  return { text, counts };
}

/**
 * What must be left nowhere after the rename: cdktf's packages imported, read from node_modules or
 * run. Broader than the rules, so that code that names cdktf in a way they miss is caught.
 */
export const LEFTOVER =
  /@cdktf\b|["'`]cdktf["'`/]|\bcdktf-cli\b|\bcdktf\/lib\b|node_modules\/(\.bin\/)?cdktf\b|\bnpx cdktf\b|\bcdktf (synth|diff|deploy|destroy)\b/;

/** One file's rename: every rule, and the lines that still name cdktf's packages afterwards (`file:line: text`). */
export function renameFile(file: string, text: string): { text: string; counts: Record<string, number>; leftovers: string[] } {
  const renamed = rename(text);
  const leftovers: string[] = [];
  renamed.text.split("\n").forEach((line, i) => {
    if (LEFTOVER.test(line)) leftovers.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return { ...renamed, leftovers };
}

interface PackageJson {
  engines?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  /** npm 11's decisions on dependencies' install scripts (name or name@version: allowed or not). */
  allowScripts?: Record<string, boolean>;
  [key: string]: unknown;
}

const sorted = (deps: Record<string, string>) => Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));

/** Whether an allowScripts key (`name` or `name@version`) names one of cdktf's packages, which the switch uninstalls. */
const isCdktfPackage = (key: string) => /^(?:@cdktf\/|cdktf(?:-cli)?(?:@|$))/.test(key);

/**
 * package.json on CDK Terrain: its packages instead of cdktf's, constructs in range, Node 22.19,
 * scripts renamed; the install-script decisions for cdktf's packages (cdktf-cli's node-pty) go with them.
 */
export function switchPackageJson(pkg: PackageJson): PackageJson {
  const deps = { ...pkg.dependencies };
  const dev = { ...pkg.devDependencies };
  for (const name of ["cdktf", "@cdktf/provider-aws", "cdktf-cli"]) {
    delete deps[name];
    delete dev[name];
  }
  Object.assign(deps, { cdktn: CDKTN.core, "@cdktn/provider-aws": CDKTN.providerAws, constructs: CDKTN.constructs });
  dev["cdktn-cli"] = CDKTN.cli;
  const scripts = Object.fromEntries(Object.entries(pkg.scripts ?? {}).map(([name, command]) => [name, rename(command).text]));
  const switched: PackageJson = {
    ...pkg,
    engines: { ...pkg.engines, node: `>=${CDKTN.node}` },
    scripts,
    dependencies: sorted(deps),
    devDependencies: sorted(dev),
  };
  if (pkg.allowScripts) {
    const kept = Object.entries(pkg.allowScripts).filter(([key]) => !isCdktfPackage(key));
    if (kept.length > 0) switched.allowScripts = Object.fromEntries(kept);
    else delete switched.allowScripts;
  }
  return switched;
}

/** Whether a Node version (`v20.20.2`) is at least another (`22.19.0`). */
export function atLeast(version: string, wanted: string): boolean {
  const a = version.replace(/^v/, "").split(".").map(Number);
  const b = wanted.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

// ---------------------------------------------------------------------------------------------
// The comparison of synthesized JSON

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A stack's blocks whose addresses must be the same: `resource.<type>.<name>`, `data.<type>.<name>`, `output.<name>`. */
export function addresses(stack: { [key: string]: Json }): string[] {
  const out: string[] = [];
  for (const kind of ["resource", "data"]) {
    const block = (stack[kind] ?? {}) as { [type: string]: { [name: string]: Json } };
    for (const [type, byName] of Object.entries(block)) for (const name of Object.keys(byName)) out.push(`${kind}.${type}.${name}`);
  }
  for (const name of Object.keys((stack.output ?? {}) as object)) out.push(`output.${name}`);
  for (const name of Object.keys((stack.module ?? {}) as object)) out.push(`module.${name}`);
  return out.sort();
}

export interface Difference {
  /** JSON path, `a.b.c` (keys with dots or brackets as `["k.x"]`). */
  path: string;
  cdktf: Json | undefined;
  cdktn: Json | undefined;
}

const segment = (key: string) => (/^[\w/-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** Every leaf where two JSON values differ (a key only one side has is a difference at that key). */
export function jsonDiff(a: Json | undefined, b: Json | undefined, path = ""): Difference[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => jsonDiff(a[k], b[k], `${path}${segment(k)}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((v, i) => jsonDiff(v, b[i], `${path}[${i}]`));
  return [{ path: path.replace(/^\./, ""), cdktf: a, cdktn: b }];
}

export type Impact = "none" | "plan";

export interface Explanation {
  /** Which difference this explains: the file (`cdk.tf.json`, `manifest.json`) and the JSON path. */
  file: string;
  path: RegExp;
  /** Whether the value on each side is the one expected (so that an unexpected value stays unexplained). */
  expected: (d: Difference) => boolean;
  impact: Impact;
  why: string;
  /** For a plan-time change: what a team runs. */
  migration?: string;
}

/** Every difference the switch is expected to make, and why. Anything else is unexplained: a failure. */
export const EXPLANATIONS: readonly Explanation[] = [
  {
    file: "cdk.tf.json",
    path: /^\/\/\.metadata\.version$/,
    expected: (d) => d.cdktf === "0.21.0" && d.cdktn === CDKTN.core,
    impact: "none",
    why: "the library's version in the `//` metadata block, which Terraform ignores",
  },
  {
    file: "cdk.tf.json",
    path: /^terraform\.required_providers\.aws\.source$/,
    expected: (d) => d.cdktf === "aws" && d.cdktn === "hashicorp/aws",
    impact: "none",
    why: "the same provider written in full: Terraform reads both as registry.terraform.io/hashicorp/aws (terraform providers says so for every stack, and state keeps that address)",
  },
  {
    file: "cdk.tf.json",
    path: /^terraform\.required_providers\.aws\.version$/,
    expected: (d) => d.cdktf === `~> ${CDKTF_PROVIDER_AWS.binds}` && d.cdktn === `~> ${CDKTN.providerAwsBinds}`,
    impact: "plan",
    why: `AWS provider ${CDKTF_PROVIDER_AWS.binds} -> ${CDKTN.providerAwsBinds}: @cdktn/provider-aws ${CDKTN.providerAws} is generated from ${CDKTN.providerAwsBinds}, so the pin (AWS_PROVIDER_VERSION) follows; a stack's .terraform.lock.hcl still holds the old version`,
    migration: "terraform init -upgrade in each cdktf.out/stacks/<stack> (then terraform plan: no changes expected)",
  },
  {
    file: "cdk.tf.json",
    // the api stack's refusal before the workflow is applied: its check block's assert, its precondition
    path: /^(?:check\.[\w-]+\.assert|resource\.[\w-]+\.[\w-]+\.lifecycle\.precondition)\[\d+\]\.error_message$/,
    expected: (d) => typeof d.cdktf === "string" && d.cdktn === d.cdktf.replace(CLI_RULE.pattern, CLI_RULE.replacement),
    impact: "none",
    why: "the command a message tells the user to run (npx cdktf deploy workflow), renamed as the switch renames the CLI everywhere; Terraform prints it only when the check or precondition fails, and keeps nothing of it in state",
  },
  {
    file: "manifest.json",
    path: /^version$/,
    expected: (d) => d.cdktf === "0.21.0" && d.cdktn === CDKTN.core,
    impact: "none",
    why: "the library's version in the manifest, which only the CLI reads",
  },
];

export interface Explained extends Difference {
  file: string;
  explanation?: Explanation;
}

export function explain(file: string, d: Difference): Explained {
  return { ...d, file, explanation: EXPLANATIONS.find((e) => e.file === file && e.path.test(d.path) && e.expected(d)) };
}

export interface StackComparison {
  variant: string;
  stack: string;
  /** Addresses only cdktf or only cdktn synthesized. */
  onlyCdktf: string[];
  onlyCdktn: string[];
  /** Number of resources, data sources, outputs (the same on both sides when the addresses are). */
  counts: { resource: number; data: number; output: number };
  differences: Explained[];
  /** The provider addresses Terraform reads from each side (`terraform providers`), when it was asked. */
  providers?: { cdktf: string[]; cdktn: string[] };
}

/** Compares one stack's synthesized JSON (and optionally the manifest's entry of it). */
export function compareStack(variant: string, stack: string, cdktf: { [key: string]: Json }, cdktn: { [key: string]: Json }): StackComparison {
  const a = addresses(cdktf);
  const b = addresses(cdktn);
  const count = (kind: string) => a.filter((x) => x.startsWith(`${kind}.`)).length;
  return {
    variant,
    stack,
    onlyCdktf: a.filter((x) => !b.includes(x)),
    onlyCdktn: b.filter((x) => !a.includes(x)),
    counts: { resource: count("resource"), data: count("data"), output: count("output") },
    differences: jsonDiff(cdktf, cdktn).map((d) => explain("cdk.tf.json", d)),
  };
}

/** Whether a comparison shows something unexplained: a different address, or an unexplained difference. */
export function unexplained(c: Pick<StackComparison, "onlyCdktf" | "onlyCdktn" | "differences" | "providers">): boolean {
  const providersDiffer = c.providers !== undefined && c.providers.cdktf.join() !== c.providers.cdktn.join();
  return c.onlyCdktf.length > 0 || c.onlyCdktn.length > 0 || providersDiffer || c.differences.some((d) => !d.explanation);
}

const show = (v: Json | undefined) => (v === undefined ? "(absent)" : JSON.stringify(v));

/** The report's lines for the comparisons: one line per stack, then each distinct difference once. */
export function comparisonReport(comparisons: StackComparison[], manifest: Explained[]): string[] {
  const lines: string[] = [];
  for (const c of comparisons) {
    const same = c.onlyCdktf.length === 0 && c.onlyCdktn.length === 0;
    const other = c.differences.length;
    const p = c.providers;
    const providers = p === undefined ? "" : p.cdktf.join() === p.cdktn.join() ? "providers identical; " : "providers DIFFER; ";
    lines.push(
      `  ${c.variant} / ${c.stack}: ${c.counts.resource} resources, ${c.counts.data} data sources, ${c.counts.output} outputs; addresses ${same ? "identical" : "DIFFER"}; ${providers}${other} other difference${other === 1 ? "" : "s"}${unexplained(c) ? " (UNEXPLAINED)" : ""}`,
    );
    for (const x of c.onlyCdktf) lines.push(`    only cdktf: ${x}`);
    for (const x of c.onlyCdktn) lines.push(`    only cdktn: ${x}`);
    if (p && p.cdktf.join() !== p.cdktn.join()) lines.push(`    providers: ${p.cdktf.join(", ")} (cdktf) vs ${p.cdktn.join(", ")} (cdktn)`);
  }
  const all = [
    ...comparisons.flatMap((c) => c.differences.map((d) => ({ ...d, where: `${c.variant} / ${c.stack}` }))),
    ...manifest.map((d) => ({ ...d, where: "manifest" })),
  ];
  const seen = new Map<string, { d: Explained; where: string[] }>();
  for (const d of all) {
    const key = `${d.file} ${d.path} ${show(d.cdktf)} ${show(d.cdktn)}`;
    const entry = seen.get(key) ?? { d, where: [] };
    entry.where.push(d.where);
    seen.set(key, entry);
  }
  if (seen.size > 0) lines.push("  differences:");
  for (const { d, where } of seen.values()) {
    const n = where.length;
    const e = d.explanation;
    const places = `${n} ${d.file === "manifest.json" ? "variants" : "stacks"}`;
    lines.push(`    ${d.file} ${d.path}: ${show(d.cdktf)} -> ${show(d.cdktn)} (${n === 1 ? where[0] : places})`);
    lines.push(
      e ? `      ${e.impact === "none" ? "harmless" : "PLAN-TIME CHANGE"}: ${e.why}${e.migration ? `; migration: ${e.migration}` : ""}` : "      UNEXPLAINED",
    );
  }
  return lines;
}

/** The provider addresses `terraform providers` prints (`provider[registry.terraform.io/hashicorp/aws] ~> 6.25`), without constraints. */
export function providerAddresses(output: string): string[] {
  return [...output.matchAll(/provider\[([^\]]+)\]/g)].map((m) => m[1]).sort();
}

/** A stack's JSON without its backend, so that `terraform providers` reads it without `terraform init`. */
export function withoutBackend(stack: { [key: string]: Json }): { [key: string]: Json } {
  const { backend: _backend, cloud: _cloud, ...terraform } = (stack.terraform ?? {}) as { [key: string]: Json };
  return { ...stack, terraform };
}
