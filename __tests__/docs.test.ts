import * as fs from "fs";
import * as path from "path";
import { SETTINGS } from "../stacks/config";
import { BAD_REQUESTS } from "./support/bad-requests";
import { PROJECT_DIR } from "./support/stacks";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

describe("the docs", () => {
  const readme = read("README.md");
  const help = read("help");

  it.each(SETTINGS.map((s) => [s.name, s.shownDefault ?? (s.default === "" ? "(none)" : s.default), s.shownDefault === undefined && s.default !== ""]))(
    "document %s with its default (%s) in the README and in help",
    (name, shown, literal) => {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row?.split("|")[2].trim()).toBe(literal ? `\`${shown}\`` : shown);
      const line = help.split("\n").find((l) => l.trim().startsWith(`${name} `));
      expect(line?.trim().slice(name.length).trim().startsWith(shown)).toBe(true);
    },
  );

  it("document no setting that does not exist", () => {
    const names = new Set(SETTINGS.map((s) => s.name));
    for (const text of [readme, help]) {
      for (const mentioned of text.match(/STEPGATE_[A-Z0-9_]+/g) ?? []) expect(names).toContain(mentioned);
    }
  });

  it("give a two-command quick start, whose test command is the one CI runs", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    const commands = (quickStart.match(/```sh\n([\s\S]*?)```/)?.[1] ?? "").split("\n").filter(Boolean);
    expect(commands.map((c) => c.split("#")[0].trim())).toEqual(["npx cdktf synth", "npm test"]);
    expect(read(".ci/run")).toMatch(/\nnpm ci\nnpm test\n$/);
  });

  it("say which Node the project needs (engines), before install and deploy", () => {
    const major = JSON.parse(read("package.json")).engines.node.match(/^>=(\d+)$/)?.[1];
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
    const section = readme.slice(readme.indexOf("## Bad requests"), readme.indexOf("## Security"));
    const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| request") && !line.startsWith("| ---"));
    expect(rows).toEqual(BAD_REQUESTS.map((r) => `| ${r.name} | ${r.answer} | ${r.next} |`));
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
