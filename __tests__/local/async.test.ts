import * as fs from "node:fs";
import { type LocalGateway, startLocalGateway } from "../../local/gateway";
import { connect, get, post, postAsync } from "../../verify/clients";
import { ASYNC_CONTRACT, ASYNC_ROWS, FAILING_DEFINITION, type Target } from "../../verify/promises";
import { COGNITO_POOL, cognitoToken } from "../support/cognito";
import { definitionFile, synthesizeToFolder } from "../support/stacks";

/**
 * Async workflows (STEPGATE_ASYNC_WORKFLOWS) on the local gateway, with real clients: ws, fetch.
 * Each answer is held to the client contract (verify/promises.ts' ASYNC_CONTRACT) and to what the
 * same workflow answers synchronously, on a twin gateway where nothing is async.
 */
jest.setTimeout(60_000);
const KEY = "test-key-0123456789abcdefghij";
const OTHER_KEY = "other-key-0123456789abcdefghij";
const json = (key: string) => ({ "x-api-key": key, "content-type": "application/json" });
/** Wait states last a hundredth: 40 s are 400 ms. */
const WAIT_SCALE = 0.01;

/** Waits 40 s (scaled), then answers the data and the resource path: no request id, so a synchronous and an async answer are the same bytes. */
const SLOW = {
  StartAt: "Wait 40 s",
  States: {
    "Wait 40 s": { Type: "Wait", Seconds: 40, Next: "Answer" },
    Answer: { Type: "Pass", Parameters: { "data.$": "$.data", "resourcePath.$": "$.apiInfo.resourcePath" }, End: true },
  },
};
/** The same over the WebSocket, where the message is the input. */
const SLOW_WS = { StartAt: "Wait 40 s", States: { "Wait 40 s": { Type: "Wait", Seconds: 40, End: true } } };
/** Times out after 1 s (TimeoutSeconds is not scaled), in a Wait of 200 s (2 s scaled). */
const TIMING_OUT = { TimeoutSeconds: 1, StartAt: "W", States: { W: { Type: "Wait", Seconds: 200, End: true } } };

/** Answers its input twice: a message of 70 KB has a result over a frame's 128 KB. */
const TWICE = { StartAt: "Twice", States: { Twice: { Type: "Pass", Parameters: { "a.$": "$", "b.$": "$" }, End: true } } };

const workflows = () =>
  `failing=${definitionFile(FAILING_DEFINITION)},timing=${definitionFile(TIMING_OUT)},echo=${definitionFile(SLOW_WS)},twice=${definitionFile(TWICE)}`;

let sync: LocalGateway;
let async: LocalGateway;
beforeAll(async () => {
  const env = { STEPGATE_DEFINITION: definitionFile(SLOW), STEPGATE_WORKFLOWS: workflows(), STEPGATE_WS_CONNECT_AUTH: "API_KEY" };
  const start = (outdir: string) => startLocalGateway({ outdir, wsPort: 0, httpPort: 0, apiKey: KEY, otherApiKeys: [OTHER_KEY], waitScale: WAIT_SCALE });
  [sync, async] = await Promise.all([
    start(synthesizeToFolder(env)),
    start(synthesizeToFolder({ ...env, STEPGATE_ASYNC_WORKFLOWS: "workflow,failing,timing,echo,twice", STEPGATE_STANDARD_WORKFLOWS: "timing" })),
  ]);
});
afterAll(() => Promise.all([sync?.close(), async?.close()]));

const url = (g: LocalGateway, workflow = "") => `${g.restUrl}${workflow}`;
const executionUrl = (g: LocalGateway, id: string) => new URL(ASYNC_CONTRACT.location(`/${g.app.rest.stage}`, id), g.restUrl).toString();

/** The raw answer of a GET: status and body text, to compare byte for byte. */
async function getText(target: string, key = KEY): Promise<{ status: number; text: string }> {
  const response = await fetch(target, { headers: { "x-api-key": key } });
  return { status: response.status, text: await response.text() };
}

/** POSTs to an async workflow; checks the 202, its body and its Location; returns the execution's id. */
async function start(workflow: string, body: string): Promise<string> {
  const { answer, location } = await postAsync(url(async, workflow), body, json(KEY));
  const id = String(answer.body.executionId);
  expect(id).toMatch(ASYNC_CONTRACT.executionId);
  expect(answer).toEqual({ status: ASYNC_CONTRACT.accepted.status, body: ASYNC_CONTRACT.accepted.body(id) });
  expect(location).toBe(`/api/executions/${id}`);
  return id;
}

/** Waits for the runner's execution to end, as a client polling would, without spending requests. */
const ended = async (id: string) => {
  await async.runner?.executions.get(id)?.ended;
};

describe("REST, async", () => {
  it("answers a POST 202 with the executionId and Location; GET answers 202 RUNNING, then exactly the synchronous POST's answer", async () => {
    const body = '{"first_name":"Jane","it\'s":"ünïcode \\"quoted\\"\\n"}';
    const id = await start("", body);
    expect(await get(executionUrl(async, id), { "x-api-key": KEY })).toEqual({ status: 202, body: ASYNC_CONTRACT.running.body(id) });
    await ended(id);
    const synchronous = await fetch(url(sync), { method: "POST", headers: json(KEY), body });
    const expected = { status: synchronous.status, text: await synchronous.text() };
    expect(expected.status).toBe(200);
    expect(JSON.parse(expected.text)).toEqual({ data: JSON.parse(body), resourcePath: "/" });
    const answer = await getText(executionUrl(async, id));
    expect(answer).toEqual(expected);
    // A second GET after the end answers the same.
    expect(await getText(executionUrl(async, id))).toEqual(answer);
  });

  it.each([
    ["FAILED", "failing", 500],
    ["TIMED_OUT", "timing", 504],
  ])("answers an execution that ended %s as the synchronous POST does (%s, %s)", async (status, workflow, code) => {
    const id = await start(workflow, "{}");
    await ended(id);
    const synchronous = await fetch(url(sync, workflow), { method: "POST", headers: json(KEY), body: "{}" });
    const expected = { status: synchronous.status, text: await synchronous.text() };
    expect(expected.status).toBe(code);
    expect(ASYNC_CONTRACT.endedStatus[status as "FAILED"]).toBe(code);
    expect(await getText(executionUrl(async, id))).toEqual(expected);
    expect(await getText(executionUrl(async, id))).toEqual(expected);
  });

  it("answers another API key 404, word for word as an unknown id; the owner still reads it", async () => {
    const id = await start("", '{"secret":1}');
    await ended(id);
    const other = await get(executionUrl(async, id), { "x-api-key": OTHER_KEY });
    expect(other).toEqual({ status: 404, body: ASYNC_CONTRACT.notFound.body(id) });
    // The same body as an id nobody started, but for the id it names.
    const unknown = await get(executionUrl(async, "nosuchexecution0"), { "x-api-key": KEY });
    expect(unknown).toEqual({ status: 404, body: ASYNC_CONTRACT.notFound.body("nosuchexecution0") });
    expect(JSON.stringify(other.body).replace(id, "x")).toBe(JSON.stringify(unknown.body).replace("nosuchexecution0", "x"));
    expect((await get(executionUrl(async, id), { "x-api-key": KEY })).status).toBe(200);
    // Without a key, API Gateway refuses the GET as the POST.
    expect(await get(executionUrl(async, id), {})).toEqual({ status: 403, body: { message: "Forbidden" } });
  });

  it.each([
    ["a dot", "not.an-id"],
    ["a quote", 'say "hi"'],
    ["81 characters", "a".repeat(81)],
    ["unicode", "ünï"],
  ])("answers a malformed id (%s) 404 JSON, naming it", async (_name, id) => {
    const answer = await get(executionUrl(async, encodeURIComponent(id)), { "x-api-key": KEY });
    expect(answer).toEqual({ status: 404, body: ASYNC_CONTRACT.notFound.body(id) });
  });

  it("answers GET /executions/{id} only where API Gateway routes it: 403 Missing Authentication Token off it", async () => {
    for (const path of ["executions", "executions/", "executions/a/b"]) {
      expect(await get(`${async.restUrl}${path}`, { "x-api-key": KEY })).toEqual({ status: 403, body: { message: "Missing Authentication Token" } });
    }
    const post = await fetch(executionUrl(async, "abc"), { method: "POST", headers: json(KEY), body: "{}" });
    expect(post.status).toBe(403);
    // A gateway without async workflows has no such resource.
    expect((await get(executionUrl(sync, "abc"), { "x-api-key": KEY })).status).toBe(403);
  });

  it("refuses a POST's bad body as a synchronous POST does", async () => {
    expect(await post({ restUrl: url(async) }, "{oops", json(KEY))).toEqual(await post({ restUrl: url(sync) }, "{oops", json(KEY)));
  });
});

describe("WebSocket, async", () => {
  const open = async (g: LocalGateway, key = KEY) => {
    const client = connect(g.websocketUrl, { "x-api-key": key }, 10_000);
    await client.opened;
    return client;
  };
  /** A message's two frames, the acknowledgement first by status (the two travel apart). */
  const pair = async (client: Awaited<ReturnType<typeof open>>) => {
    const frames = [JSON.parse(await client.next()), JSON.parse(await client.next())];
    return frames[0].status === "RUNNING" ? frames : [frames[1], frames[0]];
  };

  it("sends a message to a workflow that waits 40 s (scaled): the acknowledgement, then the result frame with the synchronous reply's output", async () => {
    const message = '{"action":"echo","first_name" : "Jane","note":"it\'s \\"ünï\\"\\n"}';
    const client = await open(async);
    client.socket.send(message);
    const ack = JSON.parse(await client.next());
    const id = String(ack.executionId);
    expect(ack).toEqual(ASYNC_CONTRACT.ackFrame(id));
    expect(id).toMatch(ASYNC_CONTRACT.executionId);
    // The workflow waits 400 ms: the result comes later, on the same connection.
    const started = Date.now();
    const result = JSON.parse(await client.next());
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    const reference = await open(sync);
    const synchronous = JSON.parse(await reference.ask(message));
    expect(synchronous.status).toBe("SUCCEEDED");
    expect(result).toEqual(ASYNC_CONTRACT.resultFrame(id, { status: "SUCCEEDED", output: synchronous.output }));
    client.socket.close();
    reference.socket.close();
  });

  it("sends a FAILED result frame with the synchronous reply's error and cause", async () => {
    const client = await open(async);
    client.socket.send('{"action":"failing"}');
    const [ack, result] = await pair(client);
    const reference = await open(sync);
    const { status, error, cause } = JSON.parse(await reference.ask('{"action":"failing"}'));
    expect(result).toEqual(ASYNC_CONTRACT.resultFrame(ack.executionId, { status, error, cause }));
    client.socket.close();
    reference.socket.close();
  });

  it("answers a message that is not JSON with Step Functions' InvalidExecutionInput in its result frame, as the workflow's refusal, not the runner's fault; the connection stays open", async () => {
    const client = await open(async);
    const reference = await open(sync);
    client.socket.send("hello, it's me");
    const [ack, result] = await pair(client);
    const synchronous = JSON.parse(await reference.ask("hello, it's me"));
    expect(synchronous.__type).toBe("com.amazonaws.swf.service.v2.model#InvalidExecutionInput");
    // The message reaches Step Functions as its text, which refuses it when the runner starts the workflow.
    expect(Object.keys(result).sort()).toEqual(["cause", "error", "executionId", "status"]);
    expect([result.executionId, result.status, result.error]).toEqual([ack.executionId, "FAILED", expect.stringMatching(/InvalidExecutionInput/)]);
    expect(result.cause).toContain(synchronous.message);
    // The connection serves the next message.
    client.socket.send('{"action":"echo","next":true}');
    const [nextAck, next] = await pair(client);
    expect(next).toEqual(ASYNC_CONTRACT.resultFrame(nextAck.executionId, { status: "SUCCEEDED", output: '{"action":"echo","next":true}' }));
    client.socket.close();
    reference.socket.close();
  });

  it("gives two messages in flight on one connection each their own pair", async () => {
    const client = await open(async);
    client.socket.send('{"action":"echo","n":1}');
    client.socket.send('{"action":"echo","n":2}');
    const frames = await Promise.all([1, 2, 3, 4].map(() => client.next().then((f) => JSON.parse(f))));
    const acks = frames.filter((f) => f.status === "RUNNING");
    const results = frames.filter((f) => f.status === "SUCCEEDED");
    expect(acks).toHaveLength(2);
    expect(new Set(acks.map((a) => a.executionId)).size).toBe(2);
    expect(results.map((r) => r.executionId).sort()).toEqual(acks.map((a) => a.executionId).sort());
    for (const result of results) {
      const n = JSON.parse(result.output).n;
      // Each result answers its own message, under that message's id.
      expect(result).toEqual(ASYNC_CONTRACT.resultFrame(result.executionId, { status: "SUCCEEDED", output: `{"action":"echo","n":${n}}` }));
    }
    client.socket.close();
  });

  it("when the client left before the end: nothing is thrown or counted, and REST reads the outcome with the same key only", async () => {
    const client = await open(async);
    client.socket.send('{"action":"echo","left":true}');
    const ack = JSON.parse(await client.next());
    client.socket.close();
    await client.closed;
    const execution = async.runner?.executions.get(ack.executionId);
    await execution?.ended;
    // The runner ended cleanly (410: nothing delivered), and counted no failed delivery.
    expect(execution?.status).toBe("SUCCEEDED");
    expect(async.runner?.metrics).toEqual([]);
    expect(await get(executionUrl(async, ack.executionId), { "x-api-key": KEY })).toEqual({ status: 200, body: { action: "echo", left: true } });
    expect(await get(executionUrl(async, ack.executionId), { "x-api-key": OTHER_KEY })).toEqual({
      status: 404,
      body: ASYNC_CONTRACT.notFound.body(ack.executionId),
    });
  });

  it("sends a result over 128 KB as a frame saying so, with the executionId; REST reads the result whole", async () => {
    const client = await open(async);
    const message = JSON.stringify({ action: "twice", pad: "x".repeat(70 * 1024) });
    client.socket.send(message);
    const [ack, result] = await pair(client);
    expect(result).toEqual({
      executionId: ack.executionId,
      status: "SUCCEEDED",
      error: ASYNC_CONTRACT.tooLargeError,
      cause: expect.stringContaining("128 KB"),
    });
    // The connection stays open and served.
    client.socket.send('{"action":"echo","after":true}');
    expect((await pair(client))[1]).toMatchObject({ status: "SUCCEEDED", output: '{"action":"echo","after":true}' });
    const read = await get(executionUrl(async, ack.executionId), { "x-api-key": KEY });
    expect(read).toEqual({ status: 200, body: { a: JSON.parse(message), b: JSON.parse(message) } });
    client.socket.close();
  });

  it("lets REST read a WebSocket execution only with the key the connection was opened with", async () => {
    const client = await open(async, OTHER_KEY);
    client.socket.send('{"action":"echo","mine":true}');
    const [ack] = await pair(client);
    expect((await get(executionUrl(async, ack.executionId), { "x-api-key": OTHER_KEY })).status).toBe(200);
    expect((await get(executionUrl(async, ack.executionId), { "x-api-key": KEY })).status).toBe(404);
    client.socket.close();
  });
});

describe("async with $connect open to all (STEPGATE_WS_CONNECT_AUTH=NONE, the default) and CORS (STEPGATE_CORS_ORIGINS)", () => {
  const ORIGIN = "https://app.example.com";
  let open: LocalGateway;
  beforeAll(async () => {
    const env = { STEPGATE_WORKFLOWS: `echo=${definitionFile(SLOW_WS)}`, STEPGATE_ASYNC_WORKFLOWS: "echo", STEPGATE_CORS_ORIGINS: ORIGIN };
    open = await startLocalGateway({ outdir: synthesizeToFolder(env), wsPort: 0, httpPort: 0, apiKey: KEY, otherApiKeys: [OTHER_KEY], waitScale: WAIT_SCALE });
  });
  afterAll(() => open?.close());

  it("makes the connection the only owner: no REST caller reads its execution, whatever the key", async () => {
    const client = connect(open.websocketUrl, { "x-api-key": KEY });
    await client.opened;
    client.socket.send('{"action":"echo"}');
    const ack = JSON.parse(await client.next());
    expect(JSON.parse(await client.next())).toMatchObject({ executionId: ack.executionId, status: "SUCCEEDED" });
    for (const key of [KEY, OTHER_KEY]) {
      expect(await get(executionUrl(open, ack.executionId), { "x-api-key": key })).toEqual({
        status: 404,
        body: ASYNC_CONTRACT.notFound.body(ack.executionId),
      });
    }
    client.socket.close();
  });

  it("answers GET /executions/{id}'s own preflight (GET) and puts the origin on its 202 and 404, as on the POST's", async () => {
    const preflight = await fetch(executionUrl(open, "abc"), { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "GET" } });
    expect([preflight.status, preflight.headers.get("access-control-allow-methods"), preflight.headers.get("access-control-allow-origin")]).toEqual([
      200,
      "OPTIONS,GET",
      ORIGIN,
    ]);
    const postPreflight = await fetch(url(open, "echo"), { method: "OPTIONS", headers: { origin: ORIGIN } });
    expect(postPreflight.headers.get("access-control-allow-methods")).toBe("OPTIONS,POST");
    const started = await fetch(url(open, "echo"), { method: "POST", headers: { ...json(KEY), origin: ORIGIN }, body: "{}" });
    expect([started.status, started.headers.get("access-control-allow-origin")]).toEqual([202, ORIGIN]);
    const { executionId } = (await started.json()) as { executionId: string };
    for (const id of [executionId, "nosuchexecution0"]) {
      const read = await fetch(executionUrl(open, id), { headers: { "x-api-key": KEY, origin: ORIGIN } });
      expect([read.status, read.headers.get("access-control-allow-origin")]).toEqual([id === executionId ? 202 : 404, ORIGIN]);
    }
  });
});

describe("async with AWS_IAM on both APIs and no API key required", () => {
  const signed = (accessKeyId: string) => ({
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261203/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0`,
  });
  it("lets only the principal that started an execution read it, over REST and from the WebSocket", async () => {
    const env = {
      STEPGATE_WORKFLOWS: `echo=${definitionFile(SLOW_WS)}`,
      STEPGATE_ASYNC_WORKFLOWS: "echo",
      STEPGATE_REST_AUTH: "AWS_IAM",
      STEPGATE_REST_API_KEY_REQUIRED: "false",
      STEPGATE_WS_CONNECT_AUTH: "AWS_IAM",
    };
    const iam = await startLocalGateway({ outdir: synthesizeToFolder(env), wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: WAIT_SCALE });
    try {
      const read = (id: string, signer: string) => get(executionUrl(iam, id), signed(signer));
      const { answer } = await postAsync(url(iam, "echo"), '{"by":"alice"}', { ...signed("AKIDALICE"), "content-type": "application/json" });
      const id = String(answer.body.executionId);
      await iam.runner?.executions.get(id)?.ended;
      expect((await read(id, "AKIDALICE")).status).toBe(200);
      expect(await read(id, "AKIDBOB")).toEqual({ status: 404, body: ASYNC_CONTRACT.notFound.body(id) });

      const client = connect(iam.websocketUrl, signed("AKIDBOB"));
      await client.opened;
      client.socket.send('{"action":"echo","by":"bob"}');
      const ack = JSON.parse(await client.next());
      await client.next();
      expect(await read(ack.executionId, "AKIDBOB")).toEqual({ status: 200, body: { action: "echo", by: "bob" } });
      expect((await read(ack.executionId, "AKIDALICE")).status).toBe(404);
      client.socket.close();
    } finally {
      await iam.close();
    }
  });
});

describe("async with COGNITO and no API key required", () => {
  it("lets only the user (sub) that started an execution read it", async () => {
    const env = {
      STEPGATE_WORKFLOWS: `echo=${definitionFile(SLOW_WS)}`,
      STEPGATE_ASYNC_WORKFLOWS: "echo",
      STEPGATE_REST_AUTH: "COGNITO",
      STEPGATE_COGNITO_USER_POOL_ARNS: COGNITO_POOL,
      STEPGATE_REST_API_KEY_REQUIRED: "false",
    };
    const cognito = await startLocalGateway({ outdir: synthesizeToFolder(env), wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: WAIT_SCALE });
    try {
      const as = (sub: string) => ({ authorization: cognitoToken({ sub }) });
      const { answer } = await postAsync(url(cognito, "echo"), '{"by":"ann"}', { ...as("ann"), "content-type": "application/json" });
      const id = String(answer.body.executionId);
      await cognito.runner?.executions.get(id)?.ended;
      expect(await get(executionUrl(cognito, id), as("ann"))).toMatchObject({ status: 200, body: { data: { by: "ann" } } });
      expect(await get(executionUrl(cognito, id), as("ben"))).toEqual({ status: 404, body: ASYNC_CONTRACT.notFound.body(id) });
    } finally {
      await cognito.close();
    }
  });
});

/** The rows of the async contract verify cannot run on a deployment, each with the test above that proves it here. */
const PROVEN_HERE: Readonly<Record<string, string>> = {
  "WebSocket: a message that is not JSON, to an async workflow":
    "answers a message that is not JSON with Step Functions' InvalidExecutionInput in its result frame, as the workflow's refusal, not the runner's fault; the connection stays open",
  "WebSocket: a result over 128 KB": "sends a result over 128 KB as a frame saying so, with the executionId; REST reads the result whole",
  "WebSocket: a client that left before the end":
    "when the client left before the end: nothing is thrown or counted, and REST reads the outcome with the same key only",
};

describe("every row of the async contract (verify/promises.ts' ASYNC_ROWS), proven on the local gateway", () => {
  it.each(ASYNC_ROWS.map((r) => [r.name, r] as const))("%s", async (name, row) => {
    if (row.probe === undefined) {
      // A row verify does not run names the test of this file that proves it: its title, here and in its it().
      const title = PROVEN_HERE[name];
      const source = fs.readFileSync(__filename, "utf8");
      expect([name, title !== undefined && source.split(JSON.stringify(title)).length - 1]).toEqual([name, 2]);
      return;
    }
    // A row verify runs: its probe, as verify runs it against a deployment.
    const target: Target = { websocketUrl: async.websocketUrl, restUrl: async.restUrl, apiKey: KEY, secondApiKey: OTHER_KEY, timeoutMs: 10_000 };
    const observation = await row.probe("echo").run(target);
    expect([observation.result, observation.problems]).toEqual(["pass", []]);
  });
});
