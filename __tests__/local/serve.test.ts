import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { definitionFile, PROJECT_DIR } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

jest.setTimeout(60_000);

/** `npm run local` as a process manager or a test harness starts it: npm's own process, its output collected. */
function npmRunLocal(env: Record<string, string> = {}) {
  const outdir = path.join(temporaryFolder("local"), "cdktf.out");
  const npm = spawn("npm", ["run", "--silent", "local"], {
    cwd: PROJECT_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: outdir,
      STEPGATE_LOCAL_WS_PORT: "0",
      STEPGATE_LOCAL_HTTP_PORT: "0",
      STEPGATE_LOCAL_WAIT_SCALE: "0",
      ...env,
    },
  });
  let out = "";
  npm.stdout.on("data", (d) => (out += d));
  npm.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => npm.on("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    npm.stdout.on("data", () => /API key:/.test(out) && resolve());
    void exited.then(() => reject(new Error(`npm run local exited before serving:\n${out}`)));
  });
  // Awaited only by the tests that expect serving: the others must not see it as unhandled.
  ready.catch(() => undefined);
  return { npm, outdir, exited, ready, output: () => out };
}

describe("npm run local (local/serve.ts)", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("synthesizes, serves on loopback, and stops with both ports closed on %s sent to npm", async (signal) => {
    const run = npmRunLocal();
    await run.ready;
    const out = run.output();
    const restUrl = out.match(/POST (http:\/\/127\.0\.0\.1:\d+\/api\/)/)?.[1] ?? "";
    const wsUrl = out.match(/WebSocket: (ws:\/\/127\.0\.0\.1:\d+\/api) /)?.[1] ?? "";
    const apiKey = out.match(/API key: +(\S+)/)?.[1] ?? "";
    expect(fs.existsSync(path.join(run.outdir, "stacks", "api", "cdk.tf.json"))).toBe(true);
    const response = await fetch(restUrl, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(200);

    run.npm.kill(signal);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(`${signal}: closing`);
    // Nothing answers any more: the server went with npm, not on under another parent.
    for (const url of [restUrl, wsUrl.replace("ws:", "http:")]) {
      await expect(fetch(url, { method: "POST" })).rejects.toMatchObject({ cause: { code: "ECONNREFUSED" } });
    }
  });

  it("serves async workflows (STEPGATE_ASYNC_WORKFLOWS), their Wait states scaled by STEPGATE_LOCAL_WAIT_SCALE", async () => {
    // A workflow that waits 40 s, past any synchronous integration; a hundredth of it is 400 ms.
    const slow = definitionFile({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 40, End: true } } });
    const run = npmRunLocal({ STEPGATE_DEFINITION: slow, STEPGATE_ASYNC_WORKFLOWS: "workflow", STEPGATE_LOCAL_WAIT_SCALE: "0.01" });
    try {
      await run.ready;
      const out = run.output();
      const restUrl = out.match(/POST (http:\/\/127\.0\.0\.1:\d+\/api\/)/)?.[1] ?? "";
      const apiKey = out.match(/API key: +(\S+)/)?.[1] ?? "";
      expect(out).toContain(`  async:     workflow: a RUNNING frame, then the result frame; REST 202, then GET ${restUrl}executions/<id>`);
      const headers = { "x-api-key": apiKey, "content-type": "application/json" };
      const response = await fetch(restUrl, { method: "POST", headers, body: '{"a":1}' });
      expect(response.status).toBe(202);
      const location = new URL(response.headers.get("location") ?? "", restUrl).toString();
      let answer = await fetch(location, { headers });
      for (let i = 0; answer.status === 202 && i < 50; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await fetch(location, { headers });
      }
      expect([answer.status, ((await answer.json()) as { data?: unknown }).data]).toEqual([200, { a: 1 }]);
    } finally {
      run.npm.kill("SIGTERM");
      await run.exited;
    }
  });

  it("refuses a bad setting of its own with its own message, before synthesizing anything", async () => {
    const run = npmRunLocal({ STEPGATE_LOCAL_API_KEY: "short" });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("stepgate: invalid settings, the local gateway was not started:");
    expect(run.output()).toContain('STEPGATE_LOCAL_API_KEY="short" (from environment): expected 20 to 128 printable ASCII characters');
    expect(fs.existsSync(run.outdir)).toBe(false);
  });
});
