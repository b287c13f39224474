import * as fs from "node:fs";
import * as path from "node:path";
import { type LocalGateway, startLocalGateway } from "../../local/gateway";
import { WebSocket } from "ws";
import { connect, post } from "../../verify/clients";
import { BAD_REQUESTS, CONTRACT_ROWS, contractProbes, ERROR_FRAME, FAILING_DEFINITION, type Target } from "../../verify/promises";
import { cognitoToken } from "../support/cognito";
import { definitionFile, PROJECT_DIR, synthesizeToFolder } from "../support/stacks";

/**
 * The table of bad requests (docs/bad-requests.md), each row proven on the local gateway: by the probe
 * `npm run verify` runs against a deployment (the same client requests, the same expected answers),
 * or, for rows a client cannot trigger on a default deployment without harm, by the checks below.
 */
jest.setTimeout(60_000);
const KEY = "test-key-0123456789abcdefghij";

const json = (key: string) => ({ "x-api-key": key, "content-type": "application/json" });
const target = (g: LocalGateway): Target => ({ websocketUrl: g.websocketUrl, restUrl: g.restUrl, apiKey: KEY, timeoutMs: 10_000 });

async function askOnOpenConnection(gateway: LocalGateway, message: string, headers: Record<string, string> = {}) {
  const client = connect(gateway.websocketUrl, headers);
  await client.opened;
  return { client, reply: JSON.parse(await client.ask(message)) };
}

/** Local-only checks: rows whose setup (a failing workflow, a tiny throttle or quota, a short timeout) only the local gateway gives. */
const CHECKS: Record<string, (g: LocalGateway, key: string) => Promise<void>> = {
  // The rows' schema requires a string first_name: verify's probe of the row, then a body that matches.
  [CONTRACT_ROWS.rest]: async (g, key) => {
    const [rest] = contractProbes("workflow", { body: '{"first_name": 1}', message: "{}" });
    expect(await rest.probe.run(target(g))).toMatchObject({ result: "pass", problems: [] });
    expect(await post(g, '{"first_name": 1}', json(key))).toEqual({
      status: 400,
      body: { message: "Invalid request body", validationErrors: "[/first_name must be string]" },
    });
    expect(await post(g, '{"first_name": "Jane"}', json(key))).toMatchObject({ status: 200, body: { data: { first_name: "Jane" } } });
  },
  [CONTRACT_ROWS.websocket]: async (g) => {
    const [, websocket] = contractProbes("workflow", { body: "{}", message: '{"last_name": "Doe"}' });
    expect(await websocket.probe.run(target(g))).toMatchObject({ result: "pass", problems: [] });
    const { client, reply } = await askOnOpenConnection(g, "[]");
    expect(reply).toEqual({ message: "Bad request body", connectionId: expect.any(String), requestId: expect.any(String) });
    expect(JSON.parse(await client.ask('{"first_name": "Jane"}')).status).toBe("SUCCEEDED");
    client.socket.close();
  },
  "REST: over the throttle (stage or key)": async (g, key) => {
    const answers = await Promise.all([1, 2, 3].map(() => post(g, "{}", json(key))));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429, 429]);
    expect(answers.find((a) => a.status === 429)?.body).toEqual({ message: "Too Many Requests" });
    // The rate limit is 1 a second: the bucket has refilled after 1.1 s.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await post(g, '{"next":true}', json(key))).toMatchObject({ status: 200, body: { data: { next: true } } });
  },
  "REST: over the key's quota": async (g, key) => {
    expect((await post(g, "{}", json(key))).status).toBe(200);
    expect(await post(g, "{}", json(key))).toEqual({ status: 429, body: { message: "Limit Exceeded" } });
    expect((await post(g, "{}", json(key))).status).toBe(429);
  },
  "REST with `COGNITO`: no token, or one that is not a token of the user pools": async (g, key) => {
    const unauthorized = { status: 401, body: { message: "Unauthorized" } };
    expect(await post(g, "{}", json(key))).toEqual(unauthorized);
    expect(await post(g, "{}", { ...json(key), authorization: "Bearer not.a-token" })).toEqual(unauthorized);
    expect(await post(g, "{}", { ...json(key), authorization: cognitoToken({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" }) })).toEqual(
      unauthorized,
    );
    expect(await post(g, '{"next":true}', { ...json(key), authorization: cognitoToken() })).toMatchObject({ status: 200, body: { data: { next: true } } });
  },
  "REST with `COGNITO`: an expired token": async (g, key) => {
    const expired = cognitoToken({ exp: Math.floor(Date.now() / 1000) - 1 });
    expect(await post(g, "{}", { ...json(key), authorization: expired })).toEqual({ status: 401, body: { message: "The incoming token has expired" } });
    expect(await post(g, '{"next":true}', { ...json(key), authorization: cognitoToken() })).toMatchObject({ status: 200, body: { data: { next: true } } });
  },
  "REST with `AWS_IAM`: an unsigned request": async (g, key) => {
    expect(await post(g, "{}", json(key))).toEqual({ status: 403, body: { message: "Missing Authentication Token" } });
    const signed = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0";
    expect(await post(g, '{"next":true}', { ...json(key), authorization: signed })).toMatchObject({ status: 200, body: { data: { next: true } } });
  },
  "REST: an execution that fails": async (g, key) => {
    const expected = { status: 500, body: { error: "Payment.Declined", cause: FAILING_DEFINITION.States.Charge.Cause } };
    expect(await post(g, "{}", json(key))).toEqual(expected);
    expect(await post(g, "{}", json(key))).toEqual(expected);
  },
  "REST: an execution that times out": async (g, key) => {
    const expected = { status: 504, body: { error: "States.Timeout", cause: expect.any(String) } };
    expect(await Promise.all([post(g, "{}", json(key)), post(g, "{}", json(key))])).toEqual([expected, expected]);
  },
  "REST: an execution past API Gateway's 29 s": async (g, key) => {
    const expected = { status: 504, body: { message: "Endpoint request timed out" } };
    expect(await Promise.all([post(g, "{}", json(key)), post(g, "{}", json(key))])).toEqual([expected, expected]);
  },
  "WebSocket: over the route's throttle": async (g) => {
    const client = connect(g.websocketUrl);
    await client.opened;
    client.socket.send("{}");
    client.socket.send("{}");
    const frames = [await client.next(), await client.next()];
    // API Gateway's frame, byte for byte: a space after "message": only.
    expect(frames.filter((f) => ERROR_FRAME.test(f)).map((f) => JSON.parse(f).message)).toEqual(["Too Many Requests"]);
    expect(frames.map((f) => JSON.parse(f).status).filter(Boolean)).toEqual(["SUCCEEDED"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(JSON.parse(await client.ask("{}")).status).toBe("SUCCEEDED");
    client.socket.close();
  },
  "WebSocket: an execution that fails": async (g) => {
    const { client, reply } = await askOnOpenConnection(g, "{}");
    expect(reply).toMatchObject({ status: "FAILED", error: "Payment.Declined", cause: FAILING_DEFINITION.States.Charge.Cause });
    expect(JSON.parse(await client.ask("{}")).status).toBe("FAILED");
    client.socket.close();
  },
  "WebSocket: an execution that times out": async (g) => {
    const { client, reply } = await askOnOpenConnection(g, "{}");
    expect(reply).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(JSON.parse(await client.ask("{}")).status).toBe("TIMED_OUT");
    client.socket.close();
  },
  "WebSocket: an execution past API Gateway's 29 s": async (g) => {
    const client = connect(g.websocketUrl);
    await client.opened;
    const frame = await client.ask("{}");
    expect(frame).toMatch(ERROR_FRAME);
    expect(JSON.parse(frame)).toEqual({ message: "Endpoint request timed out", connectionId: expect.any(String), requestId: expect.any(String) });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(JSON.parse(await client.ask("{}")).message).toBe("Endpoint request timed out");
    client.socket.close();
  },
};

const outdirs = new Map<string, string>();
const gateways: LocalGateway[] = [];
afterAll(() => Promise.all(gateways.map((g) => g.close())));

async function gatewayFor(row: (typeof BAD_REQUESTS)[number]): Promise<LocalGateway> {
  const definition = row.definition ?? (row.schema ? fs.readFileSync(path.join(PROJECT_DIR, "templates", "workflow.asl.json"), "utf8") : undefined);
  const file = definition === undefined ? undefined : definitionFile(definition);
  // The schema beside the definition, by the convention.
  if (file !== undefined && row.schema) fs.writeFileSync(file.replace(/\.asl\.json$/, ".schema.json"), JSON.stringify(row.schema));
  const env = { ...row.env, ...(file ? { STEPGATE_DEFINITION: file } : {}) };
  const key = JSON.stringify([row.env, row.definition, row.schema]);
  if (!outdirs.has(key)) outdirs.set(key, synthesizeToFolder(env));
  const gateway = await startLocalGateway({ outdir: outdirs.get(key) as string, wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0, ...row.options });
  gateways.push(gateway);
  return gateway;
}

describe("bad requests", () => {
  it("prove every row of the table: by verify's probe, or by a local check; a row without a probe says why verify does not run it", () => {
    const proven = BAD_REQUESTS.filter((r) => r.probe || CHECKS[r.name]).map((r) => r.name);
    expect(proven).toEqual(BAD_REQUESTS.map((r) => r.name));
    expect(Object.keys(CHECKS).filter((name) => !BAD_REQUESTS.some((r) => r.name === name))).toEqual([]);
    for (const row of BAD_REQUESTS) expect([row.name, Boolean(row.probe) !== Boolean(row.notVerified)]).toEqual([row.name, true]);
    // Rows that cost quota or time run only with --all, and are proven here by a local check as well.
    for (const row of BAD_REQUESTS.filter((r) => r.probe?.when === "all")) expect(CHECKS[row.name]).toBeDefined();
  });

  it.each(BAD_REQUESTS.filter((r) => CHECKS[r.name]).map((row) => [row.name, row] as const))("%s (local check)", async (_name, row) => {
    await CHECKS[row.name](await gatewayFor(row), KEY);
  });

  it.each(BAD_REQUESTS.filter((r) => r.probe).map((row) => [row.name, row] as const))("%s (verify's probe)", async (_name, row) => {
    const observation = await row.probe?.run(target(await gatewayFor(row)));
    expect(observation).toMatchObject({ result: "pass", problems: [] });
    expect(observation?.latenciesMs.length).toBeGreaterThan(0);
  });
});
