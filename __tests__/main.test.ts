import { exec } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { PROJECT_DIR } from "./support/stacks";
import { temporaryFolder } from "./support/temporary-folders";

const run = promisify(exec);
/** The command cdktf runs to synthesize: cdktf.json's `app`. */
const APP: string = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "cdktf.json"), "utf8")).app;

/** Runs the app as `cdktf synth` does (the same command, cwd and CDKTF_OUTDIR); returns what it wrote. */
async function synth(
  outdir: string,
  env: Record<string, string> = {},
  cwd = PROJECT_DIR,
): Promise<{ code: number; stderr: string; files: Record<string, string> }> {
  const result = await run(APP, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, ...env },
  }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(outdir, full)] = fs.readFileSync(full, "utf8");
    }
  };
  walk(outdir);
  return { ...result, files };
}

const tempDir = () => temporaryFolder("synth");

/** The project as another clone in another folder would have it. */
function projectCopy(): string {
  const copy = path.join(tempDir(), "elsewhere", "stepgate");
  fs.mkdirSync(copy, { recursive: true });
  for (const entry of ["main.ts", "stacks", "templates", "cdktf.json", "package.json", "tsconfig.json"]) {
    fs.cpSync(path.join(PROJECT_DIR, entry), path.join(copy, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}

// Each run is a whole synth in a new process; on a loaded 2-core machine that takes seconds.
jest.setTimeout(60_000);

describe("main.ts (the app cdktf synth runs)", () => {
  it.concurrent("writes the workflow and api stacks, identical bytes on every run, in every folder, with no absolute path and nothing on stderr", async () => {
    const elsewhere = projectCopy();
    const [a, b] = await Promise.all([synth(path.join(tempDir(), "cdktf.out")), synth(path.join(elsewhere, "cdktf.out"), {}, elsewhere)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    // Nothing on stderr: not cdktf 0.21's util.isArray deprecation either (Node 22 prints it; cdktf is final).
    expect([a.stderr, b.stderr]).toEqual(["", ""]);
    expect(Object.keys(a.files).sort()).toEqual(["manifest.json", "openapi.json", "stacks/api/cdk.tf.json", "stacks/workflow/cdk.tf.json"]);
    expect(b.files).toEqual(a.files);
    const everything = Object.values(a.files).join("\n");
    for (const machinePath of [PROJECT_DIR, elsewhere, os.tmpdir(), os.homedir()]) expect(everything).not.toContain(machinePath);
    expect(JSON.parse(a.files["manifest.json"]).stacks.api.dependencies).toEqual(["workflow"]);
  });

  it.concurrent("stops on bad or missing settings with every problem, exit code 1, and writes nothing", async () => {
    const outdir = path.join(tempDir(), "cdktf.out");
    // The last good synth stays as it was.
    const lastGood = { "manifest.json": '{"last":"good"}', "stacks/api/cdk.tf.json": "{}" };
    for (const [file, text] of Object.entries(lastGood)) {
      fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
      fs.writeFileSync(path.join(outdir, file), text);
    }
    const { code, stderr, files } = await synth(outdir, { STEPGATE_QUOTA_PERIOD: "YEAR", STEPGATE_LOG_LEVEL: "LOUD", STEPGATE_BACKEND: "s3" });
    expect(code).toBe(1);
    expect(stderr).toContain("invalid settings, nothing was synthesized");
    expect(stderr).toContain('STEPGATE_LOG_LEVEL="LOUD" (from environment): expected ALL|ERROR|FATAL|OFF');
    expect(stderr).toContain('STEPGATE_QUOTA_PERIOD="YEAR" (from environment): expected DAY|WEEK|MONTH');
    expect(stderr).toContain("STEPGATE_S3_BUCKET: required when STEPGATE_BACKEND=s3");
    expect(files).toEqual(lastGood);
  });

  it.concurrent("takes settings from the context the cdktf CLI passes; with STEPGATE_APIGW_ACCOUNT=managed adds the apigw-account stack, which api depends on", async () => {
    const { files } = await synth(path.join(tempDir(), "cdktf.out"), {
      CDKTF_CONTEXT_JSON: JSON.stringify({ STEPGATE_PREFIX: "from-cli-context", STEPGATE_APIGW_ACCOUNT: "managed" }),
    });
    expect(files["stacks/workflow/cdk.tf.json"]).toContain('"name": "from-cli-context-workflow"');
    expect(
      Object.keys(files)
        .filter((f) => f.startsWith("stacks/"))
        .sort(),
    ).toEqual(["stacks/api/cdk.tf.json", "stacks/apigw-account/cdk.tf.json", "stacks/workflow/cdk.tf.json"]);
    expect(JSON.parse(files["manifest.json"]).stacks.api.dependencies.sort()).toEqual(["apigw-account", "workflow"]);
  });
});
