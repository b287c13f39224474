import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { WebSocketServer } from "ws";
import { type LocalGateway, startLocalGateway } from "../../local/gateway";
import { ASYNC_CONTRACT, ASYNC_ROWS, BAD_REQUESTS, THROTTLED, WALKTHROUGHS } from "../../verify/promises";
import { executionsPerRun, main, parseArgs, percentile, redact, UsageError } from "../../verify/run";
import { LOCAL_SETTINGS } from "../../local/settings";
import { ConfigError } from "../../stacks/config/load";
import { workflowNameRefusal } from "../../stacks/config/names";
import { configWith, definitionFile, PROJECT_DIR, synthesizeToFolder } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

/** `npm run verify`, run as users run it, against the local gateway and against a stand-in that answers wrongly. */
jest.setTimeout(120_000);
const KEY = "verify-key-0123456789abcdefghij";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** npm run verify in a child process (the gateways here live in this one, so never a sync spawn). */
function npmRunVerify(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "verify", "--silent", "--", ...args], { cwd: PROJECT_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject).on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Each row's result as the table prints it. */
function results(stdout: string): Record<string, string> {
  const names = [...WALKTHROUGHS, ...BAD_REQUESTS].map((r) => r.name);
  const lines = stdout.split("\n");
  return Object.fromEntries(
    names.map((name) => {
      const line = lines.find((l) => l.startsWith(`${name}  `)) ?? "";
      return [name, line.match(/ {2}(pass|fail|throttled|skip) {2,}(?:\d+ ms|-)$/)?.[1] ?? "missing"];
    }),
  );
}

const flags = (g: { restUrl: string; websocketUrl: string }, key = KEY) => ["--rest-url", g.restUrl, "--ws-url", g.websocketUrl, "--api-key", key];

/** Rows verify never runs on a default deployment, whatever it answers. */
const NOT_RUN = BAD_REQUESTS.filter((r) => r.notVerified).map((r) => r.name);
const CONNECT_AUTH = "WebSocket: `$connect` without the required authorization";
const COSTLY = BAD_REQUESTS.filter((r) => r.probe?.when === "all").map((r) => r.name);

describe("npm run verify against npm run local", () => {
  let gateway: LocalGateway;
  beforeAll(async () => {
    gateway = await startLocalGateway({ outdir: synthesizeToFolder(), wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0 });
  });
  afterAll(() => gateway.close());

  it("passes every row it runs, exits 0, and never prints the key", async () => {
    const run = await npmRunVerify(flags(gateway));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const byRow = results(run.stdout);
    const skipped = Object.keys(byRow).filter((name) => byRow[name] === "skip");
    expect(skipped.sort()).toEqual([...NOT_RUN, ...COSTLY, CONNECT_AUTH].sort());
    expect(Object.entries(byRow).filter(([name, result]) => result !== "pass" && !skipped.includes(name))).toEqual([]);
    expect(run.stdout).toMatch(/^OK: 10 passed, 0 failed, 15 not run; walkthrough latency p50 \d+ ms, p95 \d+ ms \(10 requests\)$/m);
    expect(run.stdout).toContain(`(about ${executionsPerRun({ all: false, samples: 5 })} Express executions)`);
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
  });

  it("with --all, runs the throttles too", async () => {
    const run = await npmRunVerify([...flags(gateway), "--all", "--samples", "1"]);
    expect(run.code).toBe(0);
    const byRow = results(run.stdout);
    for (const name of COSTLY) expect([name, byRow[name]]).toEqual([name, "pass"]);
    expect(run.stdout).toMatch(/^OK: 12 passed, 0 failed, 13 not run; .* \(2 requests\)$/m);
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
  });

  it("reads the URLs and the key from the api stack's Terraform outputs, and flags win over them", async () => {
    // A terraform on PATH that answers `-chdir=<outdir>/stacks/api output -json` as a deployed api stack would.
    const dir = temporaryFolder("verify");
    const outputs = {
      websocket_url: { sensitive: false, type: "string", value: gateway.websocketUrl },
      rest_invoke_url: { sensitive: false, type: "string", value: "http://127.0.0.1:1/api/" },
      api_key_id: { sensitive: false, type: "string", value: "abc123" },
      api_key_value: { sensitive: true, type: "string", value: KEY },
    };
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
    const expected = `-chdir=${path.join(dir, "out", "stacks", "api")} output -json`;
    fs.writeFileSync(
      path.join(dir, "terraform"),
      `#!/bin/sh\n[ "$*" = "${expected}" ] || { echo "unexpected: $*" >&2; exit 1; }\ncat "${path.join(dir, "outputs.json")}"\n`,
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH}`, CDKTF_OUTDIR: path.join(dir, "out") };
    const run = await npmRunVerify(["--rest-url", gateway.restUrl, "--samples", "1"], env);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain(`reading the api stack's outputs in ${path.join(dir, "out", "stacks", "api")}`);
    expect(run.stdout).toContain(`verifying REST ${gateway.restUrl} and WebSocket ${gateway.websocketUrl}`);
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);

    // Without the outputs: exit code 2 and terraform's message.
    fs.writeFileSync(path.join(dir, "terraform"), "#!/bin/sh\necho 'No outputs found' >&2\nexit 1\n", { mode: 0o755 });
    const failed = await npmRunVerify([], env);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toContain("terraform output -json in");
    expect(failed.stdout).toContain("No outputs found");
  });
});

/**
 * A stand-in for both APIs on 127.0.0.1: each REST request answered with `answer`'s status and JSON
 * body, each WebSocket message with `reply`'s JSON (a message over 128 KB: ws closes with 1009).
 */
async function standIn(answer: (req: http.IncomingMessage) => [number, unknown], reply: () => unknown): ReturnType<typeof listening> {
  const rest = http.createServer((req, res) =>
    req.resume().on("end", () => {
      const [status, body] = answer(req);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    }),
  );
  const ws = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/api", maxPayload: 128 * 1024 });
  ws.on("connection", (socket) => socket.on("error", () => undefined).on("message", () => socket.send(JSON.stringify(reply()))));
  return listening(rest, ws);
}

/** Both servers listening on 127.0.0.1 (ws on a port of its own, path /api): where they are, and how to close them. */
async function listening(rest: http.Server, ws: WebSocketServer): Promise<{ target: { restUrl: string; websocketUrl: string }; close(): Promise<void> }> {
  await new Promise<void>((resolve) => rest.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => (ws.address() ? resolve() : ws.once("listening", () => resolve())));
  return {
    target: {
      restUrl: `http://127.0.0.1:${(rest.address() as AddressInfo).port}/api/`,
      websocketUrl: `ws://127.0.0.1:${(ws.address() as AddressInfo).port}/api`,
    },
    close: async () => {
      for (const client of ws.clients) client.terminate();
      await new Promise<void>((resolve) => ws.close(() => resolve()));
      rest.closeAllConnections();
      await new Promise<void>((resolve) => rest.close(() => resolve()));
    },
  };
}

/**
 * A stand-in for a deployment that breaks some promises: it takes any body and any key for JSON,
 * echoes the key's value in apiInfo and in an error, replies to a WebSocket message that is not
 * JSON with plain text, and keeps a connection open past 128 KB.
 */
async function wrongServer(): ReturnType<typeof listening> {
  const rest = http.createServer((req, res) => {
    let body = "";
    req
      .on("data", (d) => (body += d))
      .on("end", () => {
        const send = (status: number, answer: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
        const key = String(req.headers["x-api-key"] ?? "");
        if (key === "") return send(403, { message: "Forbidden" });
        let data: unknown;
        try {
          data = JSON.parse(body);
        } catch {
          return send(400, { message: `Invalid request body for key ${key}` });
        }
        return send(200, { data, apiInfo: { httpMethod: "POST", resourcePath: "/", apiKeyId: "id", apiKey: key } });
      });
  });
  const ws = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/api", maxPayload: 1024 * 1024 });
  ws.on("connection", (socket) =>
    socket.on("message", (data) => {
      const text = data.toString();
      if (text.length > 128 * 1024) return; // kept open: the promise is a close with 1009
      try {
        socket.send(JSON.stringify({ status: "SUCCEEDED", output: JSON.stringify(JSON.parse(text)) }));
      } catch {
        socket.send("not JSON, sorry");
      }
    }),
  );
  return listening(rest, ws);
}

describe("npm run verify with several workflows (STEPGATE_WORKFLOWS)", () => {
  let gateway: LocalGateway;
  beforeAll(async () => {
    const outdir = synthesizeToFolder({ STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json,refunds-eu=templates/workflow.asl.json" });
    gateway = await startLocalGateway({ outdir, wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0 });
  });
  afterAll(() => gateway.close());
  const rowsOf = (stdout: string, name: string) => stdout.split("\n").filter((l) => /^(REST|WebSocket): /.test(l) && l.includes(`reaches workflow ${name}`));

  it("checks each workflow's REST path and WebSocket action once, counted in the executions, every row passing", async () => {
    const run = await npmRunVerify([...flags(gateway), "--samples", "1", "--workflows", "orders,refunds-eu"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("; workflows orders, refunds-eu (about ");
    for (const name of ["orders", "refunds-eu"]) {
      const rows = rowsOf(run.stdout, name);
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row).toMatch(/ {2}pass {2,}\d+ ms$/);
      expect(rows.join("\n")).toContain(`stepgate-${name}`);
    }
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  it("fails both rows of a workflow the deployment does not have, and exits 1", async () => {
    const run = await npmRunVerify([...flags(gateway), "--samples", "1", "--workflows", "nope"]);
    expect(run.code).toBe(1);
    const rows = rowsOf(run.stdout, "nope");
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/ {2}fail {2,}(\d+ ms|-)$/);
    expect(run.stdout).toContain("  REST: POST /nope reaches workflow nope: API Gateway knows no POST /nope: the deployed REST API has no workflow nope\n");
    expect(run.stdout).toContain(
      "  WebSocket: action nope reaches workflow nope: the deployed WebSocket API has no route nope: $default answered, with stepgate-workflow\n",
    );
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  it("fails both rows when Step Functions does not start the workflow, saying so (the api stack applied before the workflow stack)", async () => {
    // A stand-in: the routes of orders exist, but its state machine does not (the placeholder ARN in account 000000000000).
    const arn = "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate-orders";
    const refusal = { __type: "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist", message: `State Machine Does Not Exist: '${arn}'` };
    const { target, close } = await standIn(
      (req) => (req.url === "/api/orders" ? [500, { error: "StateMachineDoesNotExist", cause: refusal.message }] : [403, { message: "Forbidden" }]),
      () => refusal,
    );
    try {
      const lines: string[] = [];
      expect(await main([...flags(target), "--samples", "1", "--timeout", "3000", "--workflows", "orders"], (line) => lines.push(line))).toBe(1);
      const notStarted =
        "Step Functions did not start workflow orders: StateMachineDoesNotExist (the api stack points at a state machine the workflow stack has not applied, or its role may not start it)";
      expect(lines).toContain(`  REST: POST /orders reaches workflow orders: ${notStarted}`);
      expect(lines).toContain(`  WebSocket: action orders reaches workflow orders: ${notStarted}`);
    } finally {
      await close();
    }
  });
});

describe("npm run verify with async workflows (--async-workflows, --second-api-key)", () => {
  const SECOND = "second-key-0123456789abcdefghij";
  const VERIFIED = ASYNC_ROWS.filter((r) => r.probe).map((r) => r.name);
  /** Each async row of a workflow: its line in the table. */
  const asyncLines = (stdout: string, workflow: string) =>
    Object.fromEntries(VERIFIED.map((name) => [name, stdout.split("\n").find((l) => l.startsWith(`${name} (${workflow})  `)) ?? "missing"]));

  it("passes each async row of each async workflow against npm run local, counted in the executions, and prints neither key", async () => {
    // slow waits 40 s (0.4 s at this scale); the default workflow stays synchronous, as verify's other rows expect.
    const slow = definitionFile({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 40, End: true } } });
    const outdir = synthesizeToFolder({ STEPGATE_WORKFLOWS: `slow=${slow}`, STEPGATE_ASYNC_WORKFLOWS: "slow" });
    const gateway = await startLocalGateway({ outdir, wsPort: 0, httpPort: 0, apiKey: KEY, otherApiKeys: [SECOND], waitScale: 0.01 });
    try {
      const run = await npmRunVerify([...flags(gateway), "--samples", "1", "--workflows", "slow", "--async-workflows", "slow", "--second-api-key", SECOND]);
      expect([run.code, run.stderr]).toEqual([0, ""]);
      for (const [name, line] of Object.entries(asyncLines(run.stdout, "slow")))
        expect([name, line]).toEqual([name, expect.stringMatching(/ {2}pass {2,}\d+ ms$/)]);
      // The other key, an unknown and a malformed id: 404 each; the owner reads it (202 while it runs, 200 once it ended).
      expect(asyncLines(run.stdout, "slow")[VERIFIED[2]]).toMatch(/ 404, 404, 404; the owner 20[02] /);
      expect(run.stdout).toContain("; workflows slow; async slow (about ");
      expect(run.stdout).toContain(`(about ${executionsPerRun({ all: false, samples: 1, workflows: ["slow"], asyncWorkflows: ["slow"] })} Express executions)`);
      expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECOND);
    } finally {
      await gateway.close();
    }
  });

  it("with the default workflow async, runs its async rows only: every other row expects a synchronous default workflow", async () => {
    const outdir = synthesizeToFolder({ STEPGATE_ASYNC_WORKFLOWS: "workflow" });
    const gateway = await startLocalGateway({ outdir, wsPort: 0, httpPort: 0, apiKey: KEY, otherApiKeys: [SECOND], waitScale: 0.01 });
    try {
      const lines: string[] = [];
      const argv = [...flags(gateway), "--async-workflows", "workflow", "--second-api-key", SECOND];
      expect(await main(argv, (line) => lines.push(line))).toBe(0);
      const stdout = lines.join("\n");
      for (const [name, line] of Object.entries(asyncLines(stdout, "workflow")))
        expect([name, line]).toEqual([name, expect.stringMatching(/ {2}pass {2,}\d+ ms$/)]);
      const others = Object.values(results(stdout));
      expect(new Set(others)).toEqual(new Set(["skip"]));
      expect(stdout).toContain("not run: the default workflow is async (its async rows check it)");
      expect(stdout).toMatch(new RegExp(`^OK: ${VERIFIED.length} passed, 0 failed, ${others.length} not run; `, "m"));
      expect(stdout).toContain(`(about ${executionsPerRun({ all: false, samples: 5, asyncWorkflows: ["workflow"] })} Express executions)`);
    } finally {
      await gateway.close();
    }
  });

  it("fails the rows whose promise a deployment breaks: a result frame that never comes, another key reading the execution", async () => {
    // A stand-in that starts executions as AWS would, but sends no result frame and answers any key's GET.
    let executions = 0;
    const rest = http.createServer((req, res) =>
      req.resume().on("end", () => {
        const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
          res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
        const id = /^\/api\/executions\/(.*)$/.exec(req.url ?? "")?.[1];
        if (req.method === "POST") {
          const started = `exec${++executions}`;
          return send(202, ASYNC_CONTRACT.accepted.body(started), { location: ASYNC_CONTRACT.location("/api", started) });
        }
        if (id !== undefined && /^exec\d+$/.test(id)) return send(200, { data: "anyone's" });
        return send(404, ASYNC_CONTRACT.notFound.body(decodeURIComponent(id ?? "")));
      }),
    );
    const ws = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/api" });
    ws.on("connection", (socket) => socket.on("message", () => socket.send(JSON.stringify(ASYNC_CONTRACT.ackFrame(`exec${++executions}`)))));
    const { target, close } = await listening(rest, ws);
    try {
      const lines: string[] = [];
      const argv = [...flags(target), "--samples", "1", "--timeout", "1500", "--async-workflows", "orders", "--second-api-key", SECOND];
      expect(await main(argv, (line) => lines.push(line))).toBe(1);
      const stdout = lines.join("\n");
      const byRow = asyncLines(stdout, "orders");
      expect(byRow["WebSocket: a message to an async workflow"]).toMatch(/ {2}fail {2,}(\d+ ms|-)$/);
      expect(byRow["REST: a POST to an async workflow"]).toMatch(/ {2}pass {2,}\d+ ms$/);
      expect(byRow["REST: `GET /executions/<id>` with another API key, an unknown id or a malformed one"]).toMatch(/ {2}fail {2,}\d+ ms$/);
      expect(stdout).toContain("  WebSocket: a message to an async workflow (orders): error: no reply within");
      expect(stdout).toMatch(
        / {2}REST: `GET \/executions\/<id>` with another API key, an unknown id or a malformed one \(orders\): GET of "exec\d+": expected \{"status":404/,
      );
      expect(stdout).not.toContain(SECOND);
    } finally {
      await close();
    }
  });
});

describe("npm run verify when the limits are met (repeated runs spend them, as clients do)", () => {
  /** The rows a default run runs, each with its result and the lines below the table that name it. */
  const ran = (stdout: string) =>
    Object.entries(results(stdout)).filter(([name]) => !NOT_RUN.includes(name) && !COSTLY.includes(name) && name !== CONNECT_AUTH);

  it("names the local gateway's throttling as throttling, with the settings that raise it, not as a wrong answer", async () => {
    // One request and one message at once, one more every 100 s: the first of each is served, the rest are throttled.
    const limits = { STEPGATE_REST_RATE_LIMIT: "0.01", STEPGATE_REST_BURST_LIMIT: "1", STEPGATE_WS_RATE_LIMIT: "0.01", STEPGATE_WS_BURST_LIMIT: "1" };
    const gateway = await startLocalGateway({ outdir: synthesizeToFolder(limits), wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0 });
    try {
      const run = await npmRunVerify([...flags(gateway), "--samples", "1"]);
      expect(run.code).toBe(1);
      const rows = ran(run.stdout);
      expect(rows.filter(([, result]) => result !== "throttled" && result !== "pass")).toEqual([]);
      // Each API served one request at most, so one row of each at most passed.
      for (const api of ["REST", "WebSocket"])
        expect(rows.filter(([name, result]) => name.startsWith(`${api}:`) && result === "pass").length).toBeLessThanOrEqual(1);
      const throttled = rows.filter(([, result]) => result === "throttled").map(([name]) => name);
      expect(throttled.length).toBeGreaterThanOrEqual(rows.length - 2);
      expect(run.stdout).not.toContain("what differs:");
      const below = run.stdout.slice(run.stdout.indexOf("not checked, a request was throttled:"));
      for (const name of throttled) {
        const advice = name.startsWith("REST") ? THROTTLED.rest : THROTTLED.websocket;
        expect(below).toContain(`  ${name}: ${advice}`);
      }
      expect(THROTTLED.rest).toBe("throttled: wait, or raise the limits (STEPGATE_REST_RATE_LIMIT/STEPGATE_REST_BURST_LIMIT)");
      expect(THROTTLED.websocket).toBe("throttled: wait, or raise the limits (STEPGATE_WS_RATE_LIMIT/STEPGATE_WS_BURST_LIMIT)");
      expect(run.stdout).toMatch(new RegExp(`^THROTTLED: \\d passed, 0 failed, ${throttled.length} throttled, 15 not run; `, "m"));
      expect(run.stdout + run.stderr).not.toContain(KEY);
    } finally {
      await gateway.close();
    }
  });

  it("names the key's quota and Step Functions' throttling apart", async () => {
    // A stand-in: the key's quota is used up on the default path; Step Functions throttles /orders and every message.
    const { target, close } = await standIn(
      (req) => {
        if (req.headers["x-api-key"] !== KEY) return [403, { message: "Forbidden" }];
        if (req.url === "/api/orders") return [429, { error: "ThrottlingException", cause: "Rate exceeded" }];
        return [429, { message: "Limit Exceeded" }];
      },
      () => ({ __type: "com.amazonaws.swf.service.v2.model#ThrottlingException", message: "Rate exceeded" }),
    );
    try {
      const lines: string[] = [];
      const code = await main([...flags(target), "--samples", "1", "--timeout", "5000", "--workflows", "orders"], (line) => lines.push(line));
      const stdout = lines.join("\n");
      expect(code).toBe(1);
      const rows = ran(stdout).filter(([name]) => !name.includes("reaches workflow"));
      expect(rows.filter(([, result]) => result !== "throttled")).toEqual([]);
      for (const [name] of rows) {
        const advice = name.startsWith("REST") ? THROTTLED.quota : THROTTLED.stepFunctions;
        expect(stdout).toContain(`  ${name}: ${advice}`);
      }
      expect(stdout).toContain(`  REST: POST /orders reaches workflow orders: ${THROTTLED.stepFunctions}`);
      expect(stdout).toContain(`  WebSocket: action orders reaches workflow orders: ${THROTTLED.stepFunctions}`);
      expect(THROTTLED.quota).toBe("over the API key's quota: wait for the next period (STEPGATE_QUOTA_PERIOD), or raise STEPGATE_QUOTA_LIMIT");
      expect(stdout).toMatch(/^THROTTLED: 0 passed, 0 failed, 12 throttled, 15 not run; /m);
      expect(stdout).not.toContain(KEY);
    } finally {
      await close();
    }
  });
});

describe("npm run verify against a stand-in that answers wrongly", () => {
  it("fails the rows whose promise is broken, passes the others, exits 1, and never prints the key", async () => {
    const { target, close } = await wrongServer();
    try {
      const run = await npmRunVerify([...flags(target), "--timeout", "1500", "--samples", "2"]);
      expect(run.code).toBe(1);
      const byRow = results(run.stdout);
      const failed = Object.keys(byRow).filter((name) => byRow[name] === "fail");
      expect(failed).toEqual([
        "REST: the seed's walkthrough", // the key's value in the answer
        "REST: a body that is not JSON", // 400, but not API Gateway's message
        "REST: a content type other than `application/json`", // 200
        "REST: a wrong API key", // 200
        "REST: an input over Step Functions' 256 KB", // 200
        "WebSocket: a message over 128 KB", // never closed
        "WebSocket: a message that is not JSON", // a reply that is not JSON
      ]);
      for (const name of ["WebSocket: the seed's walkthrough", "REST: no content type", "REST: no API key"])
        expect([name, byRow[name]]).toEqual([name, "pass"]);
      expect(run.stdout).toMatch(/^FAILED: 3 passed, 7 failed, 15 not run; /m);
      expect(run.stdout).toContain("REST: the seed's walkthrough: the answer holds the API key's value");
      expect(run.stdout).toContain("WebSocket: a message over 128 KB: error: no close within 1500 ms");
      expect(run.stdout).toContain("Invalid request body for key <api key>");
      expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
    } finally {
      await close();
    }
  });

  it("fails every row it runs when nothing answers, naming why", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const run = await npmRunVerify([
      "--rest-url",
      `http://127.0.0.1:${port}/api/`,
      "--ws-url",
      `ws://127.0.0.1:${port}/api`,
      "--api-key",
      KEY,
      "--samples",
      "1",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAILED: 0 passed, 11 failed, 14 not run; /m);
    expect(run.stdout).toContain("REST: no API key: error: fetch failed (ECONNREFUSED)");
    expect(run.stdout).not.toContain(KEY);
  });
});

describe("verify's arguments and numbers", () => {
  it("takes the three endpoints, --all, --samples and --timeout", () => {
    expect(parseArgs(["--rest-url", "https://x/api", "--ws-url", "wss://x/api", "--api-key", KEY, "--all", "--samples", "3", "--timeout", "500"])).toEqual({
      endpoints: { restUrl: "https://x/api", websocketUrl: "wss://x/api", apiKey: KEY },
      all: true,
      samples: 3,
      timeoutMs: 500,
    });
    expect(parseArgs([])).toEqual({ endpoints: {}, all: false, samples: 5, timeoutMs: 35_000 });
  });

  it("refuses what it does not know, without repeating a value that may be the key", () => {
    const refusal = (argv: string[]) => {
      try {
        parseArgs(argv);
      } catch (e) {
        return [e instanceof UsageError, (e as Error).message];
      }
      return undefined;
    };
    expect(refusal(["--api-key=secret-value"])).toEqual([true, "unknown flag --api-key"]);
    expect(refusal(["secret-value"])).toEqual([true, "an argument that is not a flag"]);
    expect(refusal(["--api-key"])).toEqual([true, "--api-key needs a value"]);
    expect(refusal(["--samples", "0"])).toEqual([true, "--samples takes a whole number from 1 to 20"]);
    expect(refusal(["--rest-url", "not a url"])).toEqual([true, "--rest-url is not a URL"]);
  });

  it("exits 2 on a usage error without printing the key given", async () => {
    const run = await npmRunVerify(["--api-key", "secret-value-0123456789", "--bogus"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("unknown flag --bogus");
    expect(run.stdout).toContain("usage: npm run verify");
    expect(run.stdout).not.toContain("secret-value-0123456789");
  });

  it("takes as --api-key what API Gateway could issue, by the local gateway's rule (20 to 128 printable ASCII characters)", () => {
    const refused = (key: string) => {
      try {
        parseArgs(["--api-key", key]);
        return false;
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as Error).message).toBe(
          "--api-key takes 20 to 128 printable ASCII characters, as API Gateway's keys: API Gateway could not have issued this one",
        );
        return true;
      }
    };
    for (const key of [
      "k",
      "a".repeat(19),
      "a".repeat(20),
      "a".repeat(128),
      "a".repeat(129),
      `${"a".repeat(19)} `,
      `${"a".repeat(20)}é`,
      KEY,
      "!~#$%&'()*+,-./:;<=>?@[]",
    ]) {
      // one rule: what STEPGATE_LOCAL_API_KEY accepts
      expect([key, refused(key)]).toEqual([key, LOCAL_SETTINGS.apiKey.parse(key) === undefined]);
    }
    expect(refused("a".repeat(19))).toBe(true);
  });

  it("refuses a key API Gateway could not have issued in one line, exit 2, without repeating it or breaking the words it is part of", async () => {
    const lines: string[] = [];
    const code = await main(["--rest-url", "https://x/api", "--ws-url", "wss://x/api", "--api-key", "k", "--workflows", "orders"], (l) => lines.push(l));
    expect([code, lines]).toEqual([
      2,
      ["npm run verify: --api-key takes 20 to 128 printable ASCII characters, as API Gateway's keys: API Gateway could not have issued this one"],
    ]);
  });

  it("redacts the key where it appears whole, and leaves the words it is only part of", () => {
    expect(redact(`x-api-key: ${KEY}`, KEY)).toBe("x-api-key: <api key>");
    expect(redact(`{"apiKey":"${KEY}"} ?key=${KEY}&a /${KEY}/ (${KEY}) ${KEY}.`, KEY)).toBe(
      '{"apiKey":"<api key>"} ?key=<api key>&a /<api key>/ (<api key>) <api key>.',
    );
    expect(redact(`${KEY}${KEY}`, KEY)).toBe(`${KEY}${KEY}`); // one longer word
    expect(redact(`a${KEY} ${KEY}9`, KEY)).toBe(`a${KEY} ${KEY}9`);
    expect(redact('--workflows: "workflow" is the default workflow\'s', "k")).toBe('--workflows: "workflow" is the default workflow\'s');
    // A key whose ends are not letters or digits is whole wherever it appears; characters regular expressions read are plain.
    const punctuated = "-+.*(key)[0123456789]$";
    expect(redact(`a${punctuated}b and ${punctuated.replace(".", "x")}`, punctuated)).toBe(`a<api key>b and ${punctuated.replace(".", "x")}`);
    expect(redact("nothing here", "")).toBe("nothing here");
  });

  it("takes p50 and p95 by nearest rank", () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect([percentile(values, 50), percentile(values, 95), percentile([7], 95), percentile([], 50)]).toEqual([10, 19, 7, undefined]);
  });

  it("takes --async-workflows (the default workflow's name included) and --second-api-key, refusing a bad name or the same key twice", () => {
    const second = "second-key-0123456789abcdefghij";
    expect(parseArgs(["--async-workflows", "workflow,orders", "--second-api-key", second, "--api-key", KEY])).toMatchObject({
      asyncWorkflows: ["workflow", "orders"],
      secondApiKey: second,
    });
    // A second key API Gateway could not have issued is refused as the first is, without the usage or the value.
    expect(() => parseArgs(["--second-api-key", "k2"])).toThrow("--second-api-key takes ");
    expect(() => parseArgs(["--async-workflows", "Orders"])).toThrow(UsageError);
    expect(() => parseArgs(["--second-api-key"])).toThrow("--second-api-key needs a value");
    expect(() => parseArgs(["--api-key", "same-key-0123456789abc", "--second-api-key", "same-key-0123456789abc"])).toThrow(
      "--second-api-key is the same key as --api-key",
    );
    // Each async workflow's rows add their executions.
    const per = ASYNC_ROWS.flatMap((r) => (r.probe ? [r.probe("x").executions] : [])).reduce((a, b) => a + b, 0);
    expect(executionsPerRun({ all: false, samples: 5, asyncWorkflows: ["a", "b"] }) - executionsPerRun({ all: false, samples: 5 })).toBe(2 * per);
  });

  it("counts each other workflow's two routes as one execution each", () => {
    expect(executionsPerRun({ all: false, samples: 5, workflows: ["a", "b"] }) - executionsPerRun({ all: false, samples: 5 })).toBe(4);
    expect(parseArgs(["--workflows", "orders,refunds-eu"]).workflows).toEqual(["orders", "refunds-eu"]);
  });

  it("takes in --workflows the names STEPGATE_WORKFLOWS takes, and refuses the others in the settings' words", () => {
    const refusal = (list: string) => {
      try {
        parseArgs(["--workflows", list]);
      } catch (e) {
        return e instanceof UsageError ? e.message : `not a usage error: ${e}`;
      }
      return undefined;
    };
    const settingsTake = (name: string) => {
      try {
        configWith({ STEPGATE_WORKFLOWS: `${name}=templates/workflow.asl.json` });
        return true;
      } catch (e) {
        if (e instanceof ConfigError) return false;
        throw e;
      }
    };
    // The same verdict as the settings give each name.
    for (const name of ["orders", "refunds-eu", "a1", "Orders", "2fa", "a_b", "workflow"]) {
      expect([name, refusal(name) === undefined]).toEqual([name, settingsTake(name)]);
    }
    const badName = workflowNameRefusal("Orders");
    expect(refusal("orders,Orders")).toBe(`--workflows takes workflow names separated by commas: ${badName}`);
    expect(refusal("orders,workflow")).toBe(
      '--workflows: "workflow" is the default workflow\'s (STEPGATE_DEFINITION), which verify always checks; name only the others',
    );
    expect(refusal("Bad,workflow")).toMatch(/^--workflows: "workflow" is the default workflow's/);
    // A value that is not a name is not repeated: it may be the key.
    expect(refusal("secret-KEY-value")).not.toContain("secret-KEY-value");
  });

  it("counts the Express executions a run starts: a few dozen at most by default", () => {
    expect(executionsPerRun({ all: false, samples: 5 })).toBe(19);
    expect(executionsPerRun({ all: true, samples: 5 })).toBe(61);
    expect(executionsPerRun({ all: false, samples: 20 })).toBeLessThanOrEqual(50);
  });
});
