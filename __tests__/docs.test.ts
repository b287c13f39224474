import * as fs from "node:fs";
import * as path from "node:path";
import { LOCAL_SETTINGS } from "../local/settings";
import { type Setting, SETTINGS, shownDefault } from "../stacks/config/settings";
import { BAD_REQUESTS, WALKTHROUGHS } from "../verify/promises";
import { executionsPerRun } from "../verify/run";
import { PROJECT_DIR } from "./support/stacks";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

describe("the docs", () => {
  const readme = read("README.md");
  const help = read("help");

  const settings: Setting[] = [...Object.values(SETTINGS), ...Object.values(LOCAL_SETTINGS)];
  /** Markdown table cells: a literal `|` must be escaped. */
  const cell = (text: string) => text.replaceAll("|", "\\|");

  it.each(settings.map((s) => [s.name, s]))("document %s in the README as the settings table says: default, what it accepts, what it does", (name, s) => {
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
    const shown = s.shownDefault ?? `\`${shownDefault(s)}\``;
    expect(row).toBe(`| \`${name}\` | ${cell(shown)} | ${cell(s.accepts)} | ${cell(s.description)} |`);
  });

  it.each(settings.map((s) => [s.name, s]))("document %s in help as the settings table says: default and what it does", (name, s) => {
    const lines = help.split("\n");
    const at = lines.findIndex((l) => l.trim().startsWith(`${name} `));
    // A setting's text may wrap onto lines indented deeper than the setting's name.
    const indent = lines[at]?.search(/\S/) ?? 0;
    const end = lines.findIndex((l, i) => i > at && (l.trim() === "" || l.search(/\S/) <= indent));
    const text = lines.slice(at, end).join(" ").replace(/\s+/g, " ").trim();
    expect(text).toBe(`${name} ${shownDefault(s)} ${s.description}`);
  });

  it("document no setting that does not exist", () => {
    const names = new Set(settings.map((s) => s.name));
    for (const text of [readme, help]) {
      for (const mentioned of text.match(/STEPGATE_[A-Z0-9_]+/g) ?? []) expect(names).toContain(mentioned);
    }
  });

  it("give a two-command quick start, whose test command is the one CI runs", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    const commands = (quickStart.match(/```sh\n([\s\S]*?)```/)?.[1] ?? "").split("\n").filter(Boolean);
    expect(commands.map((c) => c.split("#")[0].trim())).toEqual(["npx cdktf synth", "npm test"]);
    // CI runs it, then the apply tests (npm run test:apply), which need moto besides.
    expect(read(".ci/run")).toMatch(/\nnpm ci\nnpm test\nnpm run test:apply\n$/);
  });

  it("say which Node the project needs (engines), before install and deploy", () => {
    // ">=22" reads "Node 22 or newer"; ">=22.19.0" reads "Node 22.19 or newer".
    const major = JSON.parse(read("package.json"))
      .engines.node.match(/^>=(\d+(?:\.\d+)*)$/)?.[1]
      .replace(/(\.0)+$/, "");
    expect(major).toBeDefined();
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    const deploy = readme.slice(readme.indexOf("## Deploy"), readme.indexOf("### Once per account"));
    for (const section of [quickStart, deploy]) expect(section).toContain(`Node ${major} or newer`);
  });

  it("explain, in the quick start, the telemetry line an offline synth prints, and how to silence it", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    expect(quickStart).toContain("`[ERROR] default - getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com`");
    expect(quickStart).toContain("`CHECKPOINT_DISABLE=1`");
    expect(help).toContain("CHECKPOINT_DISABLE=1");
  });

  it("show, in the WebSocket examples, the input as sent and the output as Step Functions re-serializes it (compact)", () => {
    const examples = [...readme.matchAll(/npx wscat -c [^\n]*\n> ([^\n]*)\n< ([^\n]*)\n/g)];
    expect(examples).toHaveLength(2); // on AWS ("Try it") and on the local gateway
    for (const [, sent, reply] of examples) {
      const field = (name: string) => {
        const quoted = reply.match(new RegExp(`"${name}":("(?:[^"\\\\]|\\\\.)*")`))?.[1];
        return quoted === undefined ? undefined : (JSON.parse(quoted) as string);
      };
      expect(field("output")).toBe(JSON.stringify(JSON.parse(sent)));
      if (field("input") !== undefined) expect(field("input")).toBe(sent);
    }
    expect(examples.filter(([, , reply]) => reply.includes('"input":'))).toHaveLength(1);
  });

  it("list exactly the bad requests the tests prove, with what the tests prove", () => {
    const start = readme.indexOf("## Bad requests");
    const section = readme.slice(start, readme.indexOf("\n## ", start));
    const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| request") && !line.startsWith("| ---"));
    expect(rows).toEqual(BAD_REQUESTS.map((r) => `| ${r.name} | ${r.answer} | ${r.next} |`));
  });

  describe("Check a deployment", () => {
    const start = readme.indexOf("## Check a deployment: `npm run verify`");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const names = [...WALKTHROUGHS, ...BAD_REQUESTS].map((r) => r.name);

    it("shows a sample of verify's table: every row in order, then the summary line", () => {
      expect(start).toBeGreaterThan(0);
      const sample = section.match(/```text\n([\s\S]*?)```/)?.[1] ?? "";
      const lines = sample.split("\n");
      expect(lines[1]).toMatch(/^row +expected +got +result +latency$/);
      expect(lines.slice(2, 2 + names.length).map((l) => names.find((n) => l.startsWith(`${n}  `)))).toEqual(names);
      expect(lines[2 + names.length]).toMatch(/^OK: \d+ passed, 0 failed, \d+ not run; walkthrough latency p50 \d+ ms, p95 \d+ ms \(\d+ requests\)$/);
    });

    it("says what a default run and --all cost, in executions", () => {
      expect(section).toContain(`a default run starts about ${executionsPerRun({ all: false, samples: 5 })} executions`);
      expect(section).toContain(`\`--all\` starts about ${executionsPerRun({ all: true, samples: 5 })}`);
    });

    it("says what a failure of each row verify runs would mean", () => {
      const meanings = section.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| row") && !l.startsWith("| ---"));
      const verified = [...WALKTHROUGHS.map((w) => w.name), ...BAD_REQUESTS.filter((r) => r.probe).map((r) => r.name)];
      expect(meanings.map((l) => l.split(" | ")[0].slice(2))).toEqual(verified);
    });
  });

  it("show the latest benchmark table, the one .ci/bench-results.json holds", () => {
    const { table, budgets } = JSON.parse(read(".ci/bench-results.json"));
    expect(readme).toContain(table);
    expect(budgets.every((b: { met: boolean }) => b.met)).toBe(true);
  });

  it("name only npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
    for (const text of [readme, help]) {
      for (const [, script] of text.matchAll(/npm run ([\w-]+(?::[\w-]+)*)/g)) expect(scripts).toContain(script);
    }
  });
});

describe("the README's project layout", () => {
  const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Project layout"), readme.indexOf("Tests use cdktf's"));
  const rows = section.split("\n").filter((l) => l.startsWith("| `"));
  const paths = rows.map((l) => l.split("|")[1].trim().replaceAll("`", ""));

  it("names only paths that exist", () => {
    for (const p of paths.flatMap((cell) => cell.split(", "))) expect(fs.existsSync(path.join(PROJECT_DIR, p))).toBe(true);
  });

  it("covers every source file: named by its path, or by its name in its folder's row (local/ is one thing: its row covers it)", () => {
    const sources = ["stacks", "local", "verify"].flatMap((dir) =>
      fs
        .readdirSync(path.join(PROJECT_DIR, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => `${dir}/${f}`),
    );
    const covered = (file: string) =>
      paths.some((cell) => cell.split(", ").includes(file)) ||
      file.startsWith("local/") ||
      rows.some((row, i) => paths[i] === `${path.dirname(file)}/` && row.includes(`\`${path.basename(file)}\``));
    expect(sources.filter((file) => !covered(file))).toEqual([]);
    expect(sources.length).toBeGreaterThan(20);
  });
});
