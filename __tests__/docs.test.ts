import * as fs from "node:fs";
import * as path from "node:path";
import { docsTable } from "../.ci/bench-table";
import { LOCAL_SETTINGS } from "../local/settings";
import { type Setting, SETTINGS, shownDefault } from "../stacks/config/settings";
import { ASYNC_ROWS, BAD_REQUESTS, WALKTHROUGHS } from "../verify/promises";
import { executionsPerRun } from "../verify/run";
import { anchorsOf, brokenDocReferences, brokenLinks, docReferencesIn, type Files, linksOf, slug } from "./support/markdown-links";
import { PROJECT_DIR } from "./support/stacks";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

/** The README, CONTRIBUTING.md and every page of docs/. */
const MARKDOWN = [
  "README.md",
  "CONTRIBUTING.md",
  ...fs
    .readdirSync(path.join(PROJECT_DIR, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** A section of a Markdown text: from its heading to the next heading of its level or higher (outside code). */
function section(text: string, heading: string): string {
  const lines = text.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) return "";
  const level = heading.match(/^#+/)?.[0].length ?? 1;
  let fenced = false;
  const end = lines.findIndex((line, i) => {
    if (i <= start) return false;
    if (/^ {0,3}(```|~~~)/.test(line)) fenced = !fenced;
    return !fenced && /^#{1,6} /.test(line) && (line.match(/^#+/)?.[0].length ?? 7) <= level;
  });
  return lines.slice(start, end < 0 ? lines.length : end).join("\n");
}

describe("the docs", () => {
  const readme = read("README.md");
  const help = read("help");
  const docs = MARKDOWN.map(read);

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
    for (const text of [...docs, help]) {
      for (const mentioned of text.match(/STEPGATE_[A-Z0-9_]+/g) ?? []) expect(names).toContain(mentioned);
    }
  });

  it("give a two-command quick start, whose test command is the one CI runs", () => {
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Deploy"));
    const commands = (quickStart.match(/```sh\n([\s\S]*?)```/)?.[1] ?? "").split("\n").filter(Boolean);
    const quick = commands.map((c) => c.split("#")[0].trim());
    expect(quick).toEqual(["npx cdktf synth", "npm test"]);
    const test = quick[1];
    // The two the quick start names beside it, which CI runs after it (.ci/run's order: ci.test),
    // then the proof of the move to CDK Terrain, which its page says CI runs.
    const further = [...quickStart.matchAll(/^- `(npm run test:[a-z]+)`/gm)].map((m) => m[1]);
    expect(further).toEqual(["npm run test:terraform", "npm run test:apply", "npm run test:faults"]);
    expect(read("docs/cdk-terrain.md")).toMatch(/CI \(`\.ci\/run` and the GitHub workflow's test job\) runs it/);
    expect(
      read(".ci/run")
        .split("\n")
        .filter((line) => line.startsWith("npm ")),
    ).toEqual(["npm ci", test, ...further, "npm run check:cdktn"]);
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
    const examples = docs.flatMap((text) => [...text.matchAll(/npx wscat -c [^\n]*\n> ([^\n]*)\n< ([^\n]*)\n/g)]);
    expect(examples).toHaveLength(2); // on AWS (the README's "Try it") and on the local gateway (docs/local-gateway.md)
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

  describe("Long-running workflows", () => {
    const page = read("docs/long-running-workflows.md");
    const runner = JSON.parse(read("templates/runner.asl.json")) as {
      StartAt: string;
      States: Record<
        string,
        { Type: string; Next?: string; End?: boolean; Default?: string; Choices?: Array<{ Next: string }>; Catch?: Array<{ Next: string }> }
      >;
    };

    it("shows, over the WebSocket, the acknowledgement frame, then the result frame: the same executionId, the output as Step Functions re-serializes it", () => {
      const example = page.match(/npx wscat -c [^\n]*\n(?:#[^\n]*\n)?> ([^\n]*)\n< ([^\n]*)\n< ([^\n]*)\n/);
      expect(example).not.toBeNull();
      const [, sent, ack, result] = example ?? [];
      const acknowledged = JSON.parse(ack);
      expect(Object.keys(acknowledged)).toEqual(["executionId", "status"]);
      expect(acknowledged.status).toBe("RUNNING");
      expect(JSON.parse(result)).toEqual({ executionId: acknowledged.executionId, status: "SUCCEEDED", output: JSON.stringify(JSON.parse(sent)) });
    });

    it("polls REST at the Location the 202 gives, for the executionId it gives", () => {
      const location = page.match(/^location: \/api\/executions\/([A-Za-z0-9_-]+)$/m)?.[1];
      expect(location).toBeDefined();
      expect(page).toContain(`{\n  "executionId": "${location}"\n}`);
      const polled = [...page.matchAll(/curl -sS "\$REST_URL\/executions\/([^"]+)"/g)].map((m) => m[1]);
      expect(polled.length).toBeGreaterThan(1);
      expect(polled.every((id) => id === location || id === "$ID")).toBe(true);
    });

    it("names the too-large frame's error as the runner's definition sends it", () => {
      const errors = JSON.stringify(runner).match(/stepgate\.[A-Za-z]+/g) ?? [];
      expect([...new Set(errors)]).toEqual(["stepgate.ResultTooLarge"]);
      expect(page).toContain('"error":"stepgate.ResultTooLarge"');
    });

    it("counts each path's state transitions as the runner's definition walks them, and prices them at $0.025 per 1,000", () => {
      const walks: Record<string, string[]> = {
        "REST, the workflow succeeded": ["Run the workflow", "Reply over the WebSocket?", "Did the runner fail?", "Ended"],
        "WebSocket, the workflow succeeded, the frame posted (or the client gone: 410)": [
          "Run the workflow",
          "Reply over the WebSocket?",
          "Send the result frame",
          "Did the runner fail?",
          "Ended",
        ],
        "REST, the workflow failed, timed out or was aborted": [
          "Run the workflow",
          "Did the workflow end?",
          "Defaults of the workflow's end",
          "Read the workflow's end",
          "Outcome: the workflow ended",
          "Reply over the WebSocket?",
          "Did the runner fail?",
          "Ended",
        ],
        "WebSocket, the workflow failed, timed out or was aborted": [
          "Run the workflow",
          "Did the workflow end?",
          "Defaults of the workflow's end",
          "Read the workflow's end",
          "Outcome: the workflow ended",
          "Reply over the WebSocket?",
          "Send the result frame",
          "Did the runner fail?",
          "Ended",
        ],
        "WebSocket, a message that is not JSON (the workflow never runs)": [
          "Run the workflow",
          "Did the workflow end?",
          "Outcome: the input was refused",
          "Reply over the WebSocket?",
          "Send the result frame",
          "Did the runner fail?",
          "Ended",
        ],
      };
      const next = (name: string) => {
        const state = runner.States[name];
        return [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter(Boolean);
      };
      for (const [path, states] of Object.entries(walks)) {
        expect([path, states[0]]).toEqual([path, runner.StartAt]);
        for (let i = 1; i < states.length; i++)
          expect([path, states[i - 1], next(states[i - 1])]).toEqual([path, states[i - 1], expect.arrayContaining([states[i]])]);
        expect([path, runner.States[states.at(-1) ?? ""].Type]).toEqual([path, "Succeed"]);
        const price = `$${Number(((states.length * 0.025) / 1000).toPrecision(6))}`;
        expect(page.split("\n")).toContain(`| ${path} | ${states.length} | ${price} |`);
      }
    });
  });

  it("list exactly the bad requests the tests prove, with what the tests prove; the async contract's rows in a section of their own", () => {
    const rowsOf = (text: string) => text.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| request") && !line.startsWith("| ---"));
    const page = section(read("docs/bad-requests.md"), "# Bad requests");
    const async = section(page, "## Long-running workflows");
    expect(async).not.toBe("");
    // Every row of the page: the synchronous ones above the section, the async contract's in it.
    expect(rowsOf(page)).toEqual([...rowsOf(page.replace(async, "")), ...rowsOf(async)]);
    expect(rowsOf(page.replace(async, ""))).toEqual(BAD_REQUESTS.map((r) => `| ${r.name} | ${r.answer} | ${r.next} |`));
    expect(rowsOf(async)).toEqual(ASYNC_ROWS.map((r) => `| ${r.name} | ${r.answer} | ${r.next} |`));
  });

  describe("Check a deployment", () => {
    const page = section(read("docs/verify.md"), "# Check a deployment: `npm run verify`");
    const names = [...WALKTHROUGHS, ...BAD_REQUESTS].map((r) => r.name);

    it("shows a sample of verify's table: every row in order, then the summary line", () => {
      expect(page).not.toBe("");
      const sample = page.match(/```text\n([\s\S]*?)```/)?.[1] ?? "";
      const lines = sample.split("\n");
      expect(lines[1]).toMatch(/^row +expected +got +result +latency$/);
      expect(lines.slice(2, 2 + names.length).map((l) => names.find((n) => l.startsWith(`${n}  `)))).toEqual(names);
      expect(lines[2 + names.length]).toMatch(/^OK: \d+ passed, 0 failed, \d+ not run; walkthrough latency p50 \d+ ms, p95 \d+ ms \(\d+ requests\)$/);
    });

    it("says what a default run and --all cost, in executions", () => {
      expect(page).toContain(`a default run starts about ${executionsPerRun({ all: false, samples: 5 })} executions`);
      expect(page).toContain(`\`--all\` starts about ${executionsPerRun({ all: true, samples: 5 })}`);
    });

    it("says what a failure of each row verify runs would mean; the async rows' in a section of their own, last", () => {
      const rowsOf = (text: string) => text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| row") && !l.startsWith("| ---"));
      const async = section(page, "## Long-running workflows");
      expect(async).not.toBe("");
      expect(page.endsWith(async)).toBe(true);
      const meanings = rowsOf(page.slice(0, page.length - async.length));
      const verified = [...WALKTHROUGHS.map((w) => w.name), ...BAD_REQUESTS.filter((r) => r.probe).map((r) => r.name)];
      expect(meanings.map((l) => l.split(" | ")[0].slice(2))).toEqual(verified);
      expect(rowsOf(async).map((l) => l.split(" | ")[0].slice(2))).toEqual(ASYNC_ROWS.filter((r) => r.probe).map((r) => r.name));
    });
  });

  it("show the latest benchmark table, the one .ci/bench-results.json holds, between CONTRIBUTING.md's bench markers", () => {
    const { table, budgets } = JSON.parse(read(".ci/bench-results.json"));
    // npm run bench -- --write keeps it so.
    const docs = docsTable(PROJECT_DIR);
    expect(docs?.file).toBe("CONTRIBUTING.md");
    expect(docs?.table).toBe(table);
    expect(budgets.every((b: { met: boolean }) => b.met)).toBe(true);
  });

  it("name only npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts);
    for (const text of [...docs, help]) {
      for (const [, script] of text.matchAll(/npm run ([\w-]+(?::[\w-]+)*)/g)) expect(scripts).toContain(script);
    }
  });
});

describe("the project layout (CONTRIBUTING.md)", () => {
  const rows = section(read("CONTRIBUTING.md"), "## Project layout")
    .split("\n")
    .filter((l) => l.startsWith("| `"));
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

describe("the docs' links", () => {
  const files: Files = { exists: (file) => fs.existsSync(path.join(PROJECT_DIR, file)), read };

  it("lead to a file or a heading that exists, in the README, CONTRIBUTING.md and every page of docs/", () => {
    expect(MARKDOWN).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/state.md", "docs/upgrading.md"]));
    expect(MARKDOWN.flatMap((file) => linksOf(read(file))).filter((l) => l.target.includes("#")).length).toBeGreaterThan(5);
    expect(brokenLinks(MARKDOWN, files)).toEqual([]);
  });

  it("reach every page of docs/ from the README, one link away", () => {
    const linked = new Set(linksOf(read("README.md")).map((l) => l.target.split("#")[0]));
    expect(MARKDOWN.filter((file) => file.startsWith("docs/") && !linked.has(file))).toEqual([]);
  });

  it("of help and the GitHub workflow name only docs and headings that exist", () => {
    for (const file of ["help", ".github/workflows/stepgate.yml"]) {
      expect(docReferencesIn(read(file)).length).toBeGreaterThan(0);
      expect(brokenDocReferences(file, files)).toEqual([]);
    }
  });
});

describe("the link check, on samples", () => {
  const sample: Record<string, string> = {
    "README.md": [
      "# stepgate",
      "## Quick start (no AWS account needed)",
      "## Try it",
      "## Try it",
      "```sh",
      "# a comment, not a heading",
      "[a link in code](nowhere.md)",
      "```",
      "See [state](docs/state.md), [moving it](docs/state.md#moving-an-existing-local-state), [quick](#quick-start-no-aws-account-needed),",
      "[the second Try it](#try-it-1), [templates](templates/), ![picture](docs/picture.png), [npm](https://www.npmjs.com/package/wscat),",
      "`[in a code span](nowhere.md)`, and [a reference][ref].",
      "",
      "[ref]: docs/state.md#legacy",
    ].join("\n"),
    "docs/state.md":
      '# State: local, S3 or Terraform Cloud\n\n## Moving an existing local state\n\n<a id="legacy"></a>\n\nBack to [the README](../README.md#try-it).\n',
    "docs/picture.png": "",
    "templates/workflow.asl.json": "",
  };
  const files: Files = {
    exists: (file) => file in sample || Object.keys(sample).some((f) => f.startsWith(`${file}/`)),
    read: (file) => sample[file],
  };
  const withPage = (page: string): Files => ({
    exists: (f) => f === "docs/page.md" || files.exists(f),
    read: (f) => (f === "docs/page.md" ? page : files.read(f)),
  });

  it("makes GitHub's anchors: lowercase, punctuation dropped, code spans' text kept, spaces as hyphens", () => {
    expect(slug("Quick start (no AWS account needed)")).toBe("quick-start-no-aws-account-needed");
    expect(slug("Try it locally, without AWS: `npm run local`")).toBe("try-it-locally-without-aws-npm-run-local");
    expect(slug("Once per account and region: API Gateway's CloudWatch Logs role")).toBe("once-per-account-and-region-api-gateways-cloudwatch-logs-role");
    expect(slug("`STEPGATE_TFC_PROJECT` and [its page](docs/state.md)")).toBe("stepgate_tfc_project-and-its-page");
    expect(slug("Déjà vu: 2 + 2")).toBe("déjà-vu-2--2");
  });

  it("numbers a repeated heading's anchor, skips headings in code, and takes <a id>", () => {
    expect([...anchorsOf(sample["README.md"])]).toEqual(["stepgate", "quick-start-no-aws-account-needed", "try-it", "try-it-1"]);
    expect(anchorsOf(sample["docs/state.md"]).has("legacy")).toBe(true);
  });

  it("finds inline links, images and reference definitions, with their lines, but none in code", () => {
    expect(linksOf(sample["README.md"])).toEqual([
      { target: "docs/state.md", line: 9 },
      { target: "docs/state.md#moving-an-existing-local-state", line: 9 },
      { target: "#quick-start-no-aws-account-needed", line: 9 },
      { target: "#try-it-1", line: 10 },
      { target: "templates/", line: 10 },
      { target: "docs/picture.png", line: 10 },
      { target: "https://www.npmjs.com/package/wscat", line: 10 },
      { target: "docs/state.md#legacy", line: 13 },
    ]);
  });

  it("passes links to files, folders, headings and anchors that exist, from any folder", () => {
    expect(brokenLinks(["README.md", "docs/state.md"], files)).toEqual([]);
  });

  it("fails on a link to a file, a heading or an anchor that does not exist, or outside the repository", () => {
    const page = [
      "# A page",
      "[gone](missing.md) [wrong folder](state.md.bak) [no such heading](state.md#moving-local-state)",
      "[not here](#a-heading) [README heading](../README.md#deploy) [third Try it](../README.md#try-it-2)",
      "[a heading only in code](../README.md#a-comment-not-a-heading) [outside](../../etc/passwd) [empty]()",
      "[ok](state.md#moving-an-existing-local-state) [self](#a-page)",
    ].join("\n");
    expect(brokenLinks(["docs/page.md"], withPage(page))).toEqual([
      "docs/page.md:2: missing.md (no file docs/missing.md)",
      "docs/page.md:2: state.md.bak (no file docs/state.md.bak)",
      "docs/page.md:2: state.md#moving-local-state (no heading #moving-local-state in docs/state.md)",
      "docs/page.md:3: #a-heading (no heading #a-heading in docs/page.md)",
      "docs/page.md:3: ../README.md#deploy (no heading #deploy in README.md)",
      "docs/page.md:3: ../README.md#try-it-2 (no heading #try-it-2 in README.md)",
      "docs/page.md:4: ../README.md#a-comment-not-a-heading (no heading #a-comment-not-a-heading in README.md)",
      "docs/page.md:4: ../../etc/passwd (outside the repository)",
      "docs/page.md:4:  (an empty link)",
    ]);
  });

  it("checks the docs a plain-text file names, from the repository's root", () => {
    const help = "  State: docs/state.md#moving-an-existing-local-state\n  Bench: CONTRIBUTING.md#performance; docs/gone.md\n  not a doc: mydocs/state.md";
    const withHelp: Files = { exists: files.exists, read: (f) => (f === "help" ? help : files.read(f)) };
    expect(docReferencesIn(help).map((r) => r.target)).toEqual(["docs/state.md#moving-an-existing-local-state", "CONTRIBUTING.md#performance", "docs/gone.md"]);
    expect(brokenDocReferences("help", withHelp)).toEqual([
      "help:2: CONTRIBUTING.md#performance (no file CONTRIBUTING.md)",
      "help:2: docs/gone.md (no file docs/gone.md)",
    ]);
  });
});
