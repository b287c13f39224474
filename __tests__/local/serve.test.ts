import { spawn } from "child_process";
import * as path from "path";
import { PROJECT_DIR, synthesizeToFolder } from "../support/stacks";

jest.setTimeout(60_000);

describe("npm run local's server (local/serve.ts)", () => {
  it("prints the URLs and the generated key, serves on loopback, and stops cleanly on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const child = spawn("node", ["-r", "sucrase/register/ts", path.join("local", "serve.ts")], {
        cwd: PROJECT_DIR,
        env: { PATH: process.env.PATH, CDKTF_OUTDIR: synthesizeToFolder(), STEPGATE_LOCAL_WS_PORT: "0", STEPGATE_LOCAL_HTTP_PORT: "0", STEPGATE_LOCAL_WAIT_SCALE: "0" },
      });
      let out = "";
      child.stderr.on("data", (d) => (out += d));
      const ready = new Promise<void>((resolve) => child.stdout.on("data", (d) => (out += d) && /API key:/.test(out) && resolve()));
      await ready;
      const restUrl = out.match(/POST (http:\/\/127\.0\.0\.1:\d+\/api\/)/)?.[1] ?? "";
      const apiKey = out.match(/API key: +(\S+)/)?.[1] ?? "";
      expect(out).toMatch(/WebSocket: ws:\/\/127\.0\.0\.1:\d+\/api /);
      const response = await fetch(restUrl, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body: "{}" });
      expect(response.status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill(signal);
      expect(await exit).toBe(0);
      expect(out).toMatch(/REST POST \/api\/ 200 \d+ms/);
      expect(out).toContain(`${signal}: closing`);
    }
  });
});
