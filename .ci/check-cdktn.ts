/**
 * `npm run check:cdktn`: proves the move to CDK Terrain (cdktn, the maintained fork of cdktf) on a
 * copy of the project. It copies the files git tracks (a file of yours git does not track stays
 * out) to a folder under the system's temporary folder, a git work tree as a team's copy is, switches the copy to cdktn (.ci/cdktn-switch.ts: packages,
 * imports, the jest adapter, scripts and docs that name the CLI, the AWS provider pin), installs it
 * under Node >= 22.19 (downloaded from the npm registry when this Node is older), runs the CLI's
 * synth and the copy's own `npm test`, synthesizes every stack of several settings variants on both
 * sides and compares the JSON. Prints a report; exits 1 on a failure or an unexplained difference.
 *
 * Not part of `npm test`: it installs about a gigabyte, kept as a cache for the next run (USAGE).
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  atLeast,
  CDKTN,
  comparisonReport,
  compareStack,
  explain,
  type Explained,
  isRenamed,
  jsonDiff,
  providerAddresses,
  renameFile,
  type StackComparison,
  switchPackageJson,
  unexplained,
  VARIANTS,
  withoutBackend,
} from "./cdktn-switch";

const PROJECT = path.resolve(__dirname, "..");
/** The Node the copy runs on when this one is older than cdktn-cli needs: the newest 22.x on the registry when this was written. */
const NODE_DOWNLOAD = "22.23.3";
/** One work folder per project folder, kept between runs: the Node download and the copy's node_modules. */
const WORK = path.join(os.tmpdir(), `stepgate-cdktn-${crypto.createHash("sha256").update(PROJECT).digest("hex").slice(0, 8)}`);
const COPY = path.join(WORK, "project");
const LOGS = path.join(WORK, "logs");

export const USAGE = `usage: npm run check:cdktn [-- --switch-only DIR | --clean-cache | --help]

  (no flag)             the check, on a copy of the files git tracks; its cache (the copy with its
                        node_modules, about 1 GB, and the Node download) stays in
                        ${WORK}
                        for the next run, which then takes seconds to install
  --switch-only DIR     only the switch, applied in place to a folder (a team's own copy)
  --clean-cache         removes that cache, and does nothing else`;

const SKIP = new Set(["node_modules", "cdktf.out", ".git", ".terraform"]);

/**
 * The environment of the check's git commands: without the variables that point git at another
 * repository (a git hook sets GIT_DIR, GIT_INDEX_FILE...), so that each acts on the folder it runs in.
 */
export function gitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|COMMON_DIR|PREFIX)$/.test(name)));
}

/**
 * The files the check copies, relative paths: those git tracks in `dir` (as the working tree holds
 * them), so an untracked file of the user's (a scratch file, a local state) never reaches the copy.
 */
export function trackedFiles(dir: string): string[] {
  const r = spawnSync("git", ["ls-files", "-z", "--cached"], { cwd: dir, env: gitEnv(), encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`git ls-files failed in ${dir} (the check copies the files git tracks): ${r.stderr?.trim() || r.error?.message}`);
  // A tracked file deleted in the working tree is not copied.
  return r.stdout.split("\0").filter((file) => file !== "" && fs.existsSync(path.join(dir, file)));
}

/**
 * Copies the files git tracks in `from` to `to`, which becomes a git work tree tracking exactly
 * those files, as a team's copy is (the copy's own tests read it with git). Everything `to` held
 * but its node_modules (the install's cache) goes first, its .git with it, so that a file deleted
 * since the last run is neither copied nor listed; the project's .gitignore keeps node_modules out.
 */
export function copyProject(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(to)) if (entry !== "node_modules") fs.rmSync(path.join(to, entry), { recursive: true, force: true });
  for (const file of trackedFiles(from)) fs.cpSync(path.join(from, file), path.join(to, file));
  for (const args of [
    ["init", "-q"],
    ["add", "-A"],
  ]) {
    const r = spawnSync("git", args, { cwd: to, env: gitEnv(), encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed in ${to}: ${r.stderr?.trim() || r.error?.message}`);
  }
}

/** The cache's size, as du prints it (`1.1G`); "empty" when there is none. */
function cacheSize(): string {
  if (!fs.existsSync(WORK)) return "empty";
  return spawnSync("du", ["-sh", WORK], { encoding: "utf8" }).stdout.split("\t")[0] || "?";
}

/** Every file of a folder the switch renames in, relative paths (its own and generated folders aside). */
function projectFiles(dir: string, relative = ""): string[] {
  return fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((e) => {
    const file = path.join(relative, e.name);
    if (SKIP.has(e.name) || e.name.endsWith(".tfstate") || e.name.includes(".tfstate.")) return [];
    return e.isDirectory() ? projectFiles(dir, file) : e.isFile() ? [file] : [];
  });
}

interface SwitchResult {
  files: number;
  counts: Record<string, number>;
  /** Lines that still import or name cdktf's packages after the rename. */
  leftovers: string[];
}

/** Switches a folder to cdktn in place: the rename over its text files, and package.json. */
export function switchFolder(dir: string): SwitchResult {
  const counts: Record<string, number> = {};
  let files = 0;
  const leftovers: string[] = [];
  for (const file of projectFiles(dir)) {
    if (!isRenamed(file)) continue;
    const before = fs.readFileSync(path.join(dir, file), "utf8");
    const after = renameFile(file, before);
    if (after.text !== before) {
      fs.writeFileSync(path.join(dir, file), after.text);
      files++;
    }
    for (const [rule, n] of Object.entries(after.counts)) counts[rule] = (counts[rule] ?? 0) + n;
    leftovers.push(...after.leftovers);
  }
  const pkgFile = path.join(dir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  fs.writeFileSync(pkgFile, `${JSON.stringify(switchPackageJson(pkg), null, 2)}\n`);
  return { files: files + 1, counts, leftovers };
}

/** Runs a command, its output into a log file; throws with the log's tail when it fails. */
function run(
  name: string,
  command: string,
  args: string[],
  options: SpawnSyncOptions & { allowFailure?: boolean } = {},
): { ms: number; status: number; log: string } {
  fs.mkdirSync(LOGS, { recursive: true });
  const log = path.join(LOGS, `${name}.log`);
  const fd = fs.openSync(log, "w");
  const start = performance.now();
  const r = spawnSync(command, args, { stdio: ["ignore", fd, fd], ...options });
  fs.closeSync(fd);
  const ms = performance.now() - start;
  const status = r.status ?? 1;
  if (status !== 0 && !options.allowFailure) {
    const tail = fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n");
    throw new Error(`${name} failed (exit ${status}${r.error ? `, ${r.error.message}` : ""}); ${log} ends:\n${tail}`);
  }
  return { ms, status, log };
}

/** npm's own CLI script, to run under another Node. */
function npmCli(): string {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.js$/.test(execPath)) return execPath;
  const npm = spawnSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
  return path.join(path.dirname(fs.realpathSync(npm)), "npm-cli.js");
}

/** A Node binary of at least CDKTN.node: this one, or NODE_DOWNLOAD from the npm registry (cached). */
function nodeForCdktn(): { node: string; version: string; downloaded: boolean; ms: number } {
  if (atLeast(process.version, CDKTN.node)) return { node: process.execPath, version: process.version, downloaded: false, ms: 0 };
  const dir = path.join(WORK, `node-v${NODE_DOWNLOAD}`);
  const node = path.join(dir, "package", "bin", "node");
  const start = performance.now();
  if (!fs.existsSync(node)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const pkg = `node-${process.platform}-${process.arch}@${NODE_DOWNLOAD}`;
    run("node-download", process.execPath, [npmCli(), "pack", pkg, "--pack-destination", dir, "--silent"]);
    const tarball = fs.readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${pkg} wrote no tarball in ${dir}`);
    run("node-extract", "tar", ["xzf", tarball], { cwd: dir });
    fs.rmSync(path.join(dir, tarball));
  }
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  if (!atLeast(version, CDKTN.node)) throw new Error(`${node} is ${version}, older than ${CDKTN.node}`);
  return { node, version, downloaded: true, ms: performance.now() - start };
}

/** What `npm run` passes down that the copy's npm still wants (a registry, a cache, a proxy); the rest is this project's. */
const NPM_CONFIG_KEPT = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|cafile|strict_ssl|@[\w-]+:registry)$/i;

/** The environment of a synth (and of npm in the copy): no STEPGATE_* or CDKTF_* of the caller's, nor npm's of this project, then the variant's. */
function synthEnv(node: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(STEPGATE_|CDKTF_|CDKTN_|npm_)/.test(k) || NPM_CONFIG_KEPT.test(k)) env[k] = v;
  return { ...env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`, CHECKPOINT_DISABLE: "1", ...extra };
}

/** Synthesizes every variant with cdktf.json's app (no CLI) in a project folder; returns variant -> outdir. */
function synthVariants(side: string, dir: string, node: string): Map<string, string> {
  const app: string = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.json"), "utf8")).app;
  const [command, ...args] = app.split(/\s+/);
  const out = new Map<string, string>();
  for (const [variant, settings] of Object.entries(VARIANTS)) {
    const outdir = path.join(WORK, "synth", side, variant);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    run(`synth-${side}-${variant}`, command === "node" ? node : command, args, { cwd: dir, env: synthEnv(node, { ...settings, CDKTF_OUTDIR: outdir }) });
    out.set(variant, outdir);
  }
  return out;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

/** The provider addresses Terraform reads from a stack's JSON (its backend left out: no `terraform init`, no network). */
function terraformProviders(stack: Parameters<typeof withoutBackend>[0]): string[] {
  const dir = fs.mkdtempSync(path.join(WORK, "providers-"));
  try {
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(withoutBackend(stack)));
    const r = spawnSync("terraform", ["providers", "-no-color"], { cwd: dir, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } });
    if (r.status !== 0) throw new Error(`terraform providers failed: ${r.stderr || r.error?.message}`);
    return providerAddresses(r.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function compare(cdktf: Map<string, string>, cdktn: Map<string, string>): { stacks: StackComparison[]; manifest: Explained[]; problems: string[] } {
  const stacks: StackComparison[] = [];
  const manifest: Explained[] = [];
  const problems: string[] = [];
  for (const [variant, a] of cdktf) {
    const b = cdktn.get(variant) as string;
    const listA = fs.readdirSync(path.join(a, "stacks")).sort();
    const listB = fs.readdirSync(path.join(b, "stacks")).sort();
    if (listA.join() !== listB.join()) problems.push(`${variant}: stacks ${listA.join(",")} (cdktf) vs ${listB.join(",")} (cdktn)`);
    for (const d of jsonDiff(readJson(path.join(a, "manifest.json")), readJson(path.join(b, "manifest.json")))) manifest.push(explain("manifest.json", d));
    for (const stack of listA.filter((s) => listB.includes(s))) {
      const filesA = fs.readdirSync(path.join(a, "stacks", stack)).sort();
      const filesB = fs.readdirSync(path.join(b, "stacks", stack)).sort();
      if (filesA.join() !== filesB.join()) problems.push(`${variant} / ${stack}: files ${filesA.join(",")} (cdktf) vs ${filesB.join(",")} (cdktn)`);
      const jsonA = readJson(path.join(a, "stacks", stack, "cdk.tf.json"));
      const jsonB = readJson(path.join(b, "stacks", stack, "cdk.tf.json"));
      stacks.push({ ...compareStack(variant, stack, jsonA, jsonB), providers: { cdktf: terraformProviders(jsonA), cdktn: terraformProviders(jsonB) } });
    }
  }
  return { stacks, manifest, problems };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function main(args: readonly string[]): number {
  if (args[0] === "--help" && args.length === 1) {
    console.log(USAGE);
    return 0;
  }
  if (args[0] === "--clean-cache" && args.length === 1) {
    const size = cacheSize();
    fs.rmSync(WORK, { recursive: true, force: true });
    console.log(size === "empty" ? `no cache at ${WORK}` : `removed the cache ${WORK} (${size})`);
    return 0;
  }
  if (args.length > 0 && (args[0] !== "--switch-only" || args.length > 2)) {
    console.error(USAGE);
    return 2;
  }
  if (args[0] === "--switch-only") {
    const dir = path.resolve(args[1] ?? ".");
    const r = switchFolder(dir);
    console.log(`switched ${dir} to CDK Terrain: ${r.files} files`);
    for (const [rule, n] of Object.entries(r.counts)) console.log(`  ${String(n).padStart(4)}  ${rule}`);
    for (const l of r.leftovers) console.log(`  left as it was: ${l}`);
    console.log(`next, under Node >= ${CDKTN.node}: npm install, then npx cdktn synth and npm test`);
    return 0;
  }

  const report: string[] = [];
  const failures: string[] = [];
  const total = performance.now();

  // 1. Node
  const node = nodeForCdktn();
  report.push(
    `Node for cdktn: ${node.version}${node.downloaded ? ` (node-${process.platform}-${process.arch} from the npm registry, ${seconds(node.ms)}; this Node is ${process.version})` : ""}`,
  );

  // 2. Copy and switch (the copy's node_modules of an earlier run stays: npm install then has little to do)
  let start = performance.now();
  copyProject(PROJECT, COPY);
  const switched = switchFolder(COPY);
  report.push(`copy and switch: ${seconds(performance.now() - start)}, ${switched.files} files changed:`);
  for (const [rule, n] of Object.entries(switched.counts)) report.push(`  ${String(n).padStart(4)}  ${rule}`);
  if (switched.leftovers.length) failures.push(`cdktf still named after the switch:\n  ${switched.leftovers.join("\n  ")}`);

  // 3. Install, under the new Node (npm's own CLI, run by it); the lockfile comes along, as on a team's copy
  const npm = (name: string, npmArgs: string[], extra: SpawnSyncOptions & { allowFailure?: boolean } = {}) =>
    run(name, node.node, [npmCli(), ...npmArgs], { cwd: COPY, env: synthEnv(node.node, {}), ...extra });
  const install = npm("install", ["install", "--no-audit", "--no-fund"]);
  const modules = path.join(COPY, "node_modules");
  const size = spawnSync("du", ["-sm", modules], { encoding: "utf8" }).stdout.split("\t")[0];
  report.push(`npm install: ${seconds(install.ms)}, node_modules ${size} MB`);
  // npm 11 lists the packages whose install scripts no allowScripts entry decides (a new user's install would warn).
  if (/install-scripts.*not yet covered by allowScripts/.test(fs.readFileSync(install.log, "utf8")))
    failures.push(`npm install in the copy warned of install scripts that package.json's allowScripts does not decide: see ${install.log}`);
  for (const gone of ["cdktf", "@cdktf", "cdktf-cli"])
    if (fs.existsSync(path.join(modules, gone))) failures.push(`node_modules/${gone} is still installed in the copy`);
  if (fs.readFileSync(path.join(COPY, "package-lock.json"), "utf8").includes("@swc/core")) failures.push("@swc/core entered the copy's lockfile");
  const versions = ["cdktn", "cdktn-cli", "@cdktn/provider-aws", "constructs"].map((p) => `${p} ${readJson(path.join(modules, p, "package.json")).version}`);
  report.push(`  installed: ${versions.join(", ")}`);
  const binds = /providerVersion:\s*'([\d.]+)'/.exec(fs.readFileSync(path.join(modules, "@cdktn/provider-aws/lib/provider/index.js"), "utf8"))?.[1] ?? "?";
  report.push(`  @cdktn/provider-aws binds AWS provider ${binds}; the switched pin is ~> ${CDKTN.providerAwsBinds}`);
  if (!binds.startsWith(`${CDKTN.providerAwsBinds}.`))
    failures.push(`@cdktn/provider-aws binds ${binds}, not ${CDKTN.providerAwsBinds}: update CDKTN.providerAwsBinds`);

  // 4. Synth: the CLI once in the copy (as a team runs it), then every variant on both sides (the app, no CLI)
  const cli = npm("cli-synth", ["run", "synth"], { allowFailure: true });
  if (cli.status !== 0) failures.push(`npm run synth (cdktn synth) failed in the copy: see ${cli.log}`);
  report.push(`npm run synth (cdktn synth) in the copy: ${cli.status === 0 ? "ok" : "FAILED"}, ${seconds(cli.ms)}`);
  start = performance.now();
  const cdktfOut = synthVariants("cdktf", PROJECT, process.execPath);
  const cdktfMs = performance.now() - start;
  start = performance.now();
  const cdktnOut = synthVariants("cdktn", COPY, node.node);
  report.push(`app synth of ${Object.keys(VARIANTS).length} variants: cdktf ${seconds(cdktfMs)}, cdktn ${seconds(performance.now() - start)}`);

  // 5. The copy's own tests
  const results = path.join(WORK, "jest-results.json");
  fs.rmSync(results, { force: true });
  const tests = npm("tests", ["test", "--", "--json", `--outputFile=${results}`], { allowFailure: true });
  if (fs.existsSync(results)) {
    const r = readJson(results);
    report.push(
      `npm test in the copy (tsc, then jest): ${tests.status === 0 ? "passed" : "FAILED"}, ${seconds(tests.ms)}: ${r.numPassedTests}/${r.numTotalTests} tests passed, ${r.numFailedTests} failed, in ${r.numTotalTestSuites} files`,
    );
    for (const suite of r.testResults) {
      for (const t of suite.assertionResults) if (t.status === "failed") report.push(`  failed: ${path.relative(COPY, suite.name)}: ${t.fullName}`);
      if (suite.status === "failed" && suite.assertionResults.length === 0)
        report.push(`  failed: ${path.relative(COPY, suite.name)}: ${suite.message.split("\n")[0]}`);
    }
  } else {
    report.push(`npm test in the copy: FAILED before jest ran (type-check?), ${seconds(tests.ms)}: see ${tests.log}`);
  }
  if (tests.status !== 0) failures.push(`npm test failed in the copy: see ${tests.log}`);

  // 6. Compare
  start = performance.now();
  const { stacks, manifest, problems } = compare(cdktfOut, cdktnOut);
  report.push(`comparison of the synthesized JSON, cdktf 0.21.0 vs cdktn ${CDKTN.core} (${seconds(performance.now() - start)}):`);
  report.push(...comparisonReport(stacks, manifest));
  for (const p of problems) report.push(`  ${p}`);
  failures.push(...problems);
  if (stacks.some(unexplained) || manifest.some((d) => !d.explanation)) failures.push("an unexplained difference in the synthesized JSON");

  report.push(`total: ${seconds(performance.now() - total)}; logs in ${LOGS}`);
  report.push(cacheLine());
  report.push(
    failures.length ? `FAILED:\n  ${failures.join("\n  ")}` : "OK: same resources, data sources, outputs and addresses; every other difference explained",
  );
  console.log(report.join("\n"));
  return failures.length ? 1 : 0;
}

/** Where the cache is and how large, and how to remove it. */
function cacheLine(): string {
  return `cache: ${WORK} (${cacheSize()}), reused by the next run; npm run check:cdktn -- --clean-cache removes it`;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    console.error(cacheLine());
    process.exitCode = 1;
  }
}
