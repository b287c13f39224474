import * as http from "http";
import { WebSocket } from "ws";
import { LocalGateway, MAX_WEBSOCKET_MESSAGE_BYTES, startLocalGateway } from "../../stacks/local/gateway";
import { definitionFile, synthesizeToFolder } from "../support/stacks";

/** The local gateway with real clients: ws for the WebSocket API, Node's fetch for the REST API. */

jest.setTimeout(60_000);
const KEY = "test-key-0123456789abcdefghij";
const FAILING = { StartAt: "Charge", States: { Charge: { Type: "Fail", Error: "Payment.Declined", Cause: `card "4242" can't pay\n{"code": 51}` } } };

const gateways: LocalGateway[] = [];
async function gateway(env: Record<string, string> = {}, options: { waitScale?: number; integrationTimeoutMs?: number } = {}): Promise<LocalGateway> {
  const started = await startLocalGateway({ outdir: synthesizeToFolder(env), wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0, ...options });
  gateways.push(started);
  return started;
}
afterAll(() => Promise.all(gateways.map((g) => g.close())));

/** A WebSocket client whose replies can be awaited one by one. */
function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const replies: string[] = [];
  const waiting: Array<(reply: string) => void> = [];
  socket.on("message", (data) => {
    const next = waiting.shift();
    if (next) next(data.toString());
    else replies.push(data.toString());
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once("error", reject);
  });
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  socket.on("error", () => undefined); // a refused $connect also rejects `opened`
  return {
    socket,
    opened,
    closed,
    next: () => new Promise<string>((resolve) => (replies.length > 0 ? resolve(replies.shift() as string) : waiting.push(resolve))),
    ask: async (message: string) => {
      socket.send(message);
      return new Promise<string>((resolve) => (replies.length > 0 ? resolve(replies.shift() as string) : waiting.push(resolve)));
    },
  };
}

const post = (g: LocalGateway, body: string, headers: Record<string, string> = { "x-api-key": KEY, "content-type": "application/json" }) =>
  fetch(g.restUrl, { method: "POST", body, headers }).then(async (r) => ({ status: r.status, type: r.headers.get("content-type"), body: JSON.parse(await r.text()) }));

describe("the local gateway", () => {
  let echo: LocalGateway;
  beforeAll(async () => {
    echo = await gateway();
  });

  describe("WebSocket", () => {
    it("answers the seed's walkthrough with the StartSyncExecution result, SUCCEEDED with the same output", async () => {
      const client = connect(echo.websocketUrl);
      await client.opened;
      const message = '{"first_name" : "Jane", "last_name" : "Doe"}';
      const reply = JSON.parse(await client.ask(message));
      expect(reply).toMatchObject({ status: "SUCCEEDED", input: message, stateMachineArn: echo.app.stateMachine.arn });
      expect(JSON.parse(reply.output)).toEqual({ first_name: "Jane", last_name: "Doe" });
      expect(reply.executionArn).toMatch(/:express:stepgate-workflow:/);
      client.socket.close();
    });

    it("answers a message that is not JSON with Step Functions' error, and keeps the connection", async () => {
      const client = connect(echo.websocketUrl);
      await client.opened;
      const reply = JSON.parse(await client.ask("hello, it's me"));
      expect(reply.__type).toMatch(/InvalidExecutionInput$/);
      expect(JSON.parse(await client.ask('{"again":true}')).status).toBe("SUCCEEDED");
      client.socket.close();
    });

    it("takes a message of 128 KB and closes the connection with 1009 on a larger one, as API Gateway does", async () => {
      const client = connect(echo.websocketUrl);
      await client.opened;
      const largest = JSON.stringify({ pad: "x".repeat(MAX_WEBSOCKET_MESSAGE_BYTES - 10) });
      expect(Buffer.byteLength(largest)).toBe(MAX_WEBSOCKET_MESSAGE_BYTES);
      expect(JSON.parse(await client.ask(largest)).status).toBe("SUCCEEDED");
      client.socket.send(largest + " ");
      expect(await client.closed).toBe(1009);
    });

    it("replies to the connection that asked", async () => {
      const [a, b] = [connect(echo.websocketUrl), connect(echo.websocketUrl)];
      await Promise.all([a.opened, b.opened]);
      const [ra, rb] = await Promise.all([a.ask('{"who":"a"}'), b.ask('{"who":"b"}')]);
      expect([JSON.parse(JSON.parse(ra).output).who, JSON.parse(JSON.parse(rb).output).who]).toEqual(["a", "b"]);
      a.socket.close();
      b.socket.close();
    });

    it("answers FAILED with the execution's error and cause", async () => {
      const failing = await gateway({ STEPGATE_DEFINITION: definitionFile(FAILING) });
      const client = connect(failing.websocketUrl);
      await client.opened;
      expect(JSON.parse(await client.ask("{}"))).toMatchObject({ status: "FAILED", error: FAILING.States.Charge.Error, cause: FAILING.States.Charge.Cause });
      client.socket.close();
    });

    it("throttles messages beyond the route's rate and burst", async () => {
      const throttled = await gateway({ STEPGATE_WS_RATE_LIMIT: "0.1", STEPGATE_WS_BURST_LIMIT: "1" });
      const client = connect(throttled.websocketUrl);
      await client.opened;
      for (let i = 0; i < 3; i++) client.socket.send("{}");
      const replies = [await client.next(), await client.next(), await client.next()].map((r) => JSON.parse(r));
      expect(replies.filter((r) => r.status === "SUCCEEDED")).toHaveLength(1);
      expect(replies.filter((r) => r.message === "Too Many Requests")).toHaveLength(2);
      client.socket.close();
    });

    describe.each([
      ["API_KEY", { "x-api-key": KEY }, { "x-api-key": "wrong-key-0123456789abcdef" }],
      ["AWS_IAM", { authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0" }, {}],
    ])("with STEPGATE_WS_CONNECT_AUTH=%s", (auth, good, bad) => {
      let guarded: LocalGateway;
      beforeAll(async () => {
        guarded = await gateway({ STEPGATE_WS_CONNECT_AUTH: auth });
      });

      it("refuses $connect without it (403), accepts it with it", async () => {
        await expect(connect(guarded.websocketUrl, bad).opened).rejects.toThrow("HTTP 403");
        const client = connect(guarded.websocketUrl, good);
        await client.opened;
        expect(JSON.parse(await client.ask("{}")).status).toBe("SUCCEEDED");
        client.socket.close();
      });
    });
  });

  describe("REST", () => {
    it("answers a POST with the API key with the execution's output: the data and apiInfo", async () => {
      const { status, type, body } = await post(echo, '{"first_name":"Jane","last_name":"Doe"}');
      expect({ status, type }).toEqual({ status: 200, type: "application/json" });
      expect(body).toEqual({
        data: { first_name: "Jane", last_name: "Doe" },
        apiInfo: { httpMethod: "POST", resourcePath: "/", stage: "api", requestId: expect.any(String), apiKeyId: expect.any(String) },
      });
    });

    it("takes a request without a content type for JSON", async () => {
      // fetch adds text/plain to a string body: http.request sends exactly these headers.
      const { status, body } = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const req = http.request(echo.restUrl, { method: "POST", headers: { "x-api-key": KEY } }, (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk)).on("end", () => resolve({ status: res.statusCode, body: text }));
        });
        req.on("error", reject).end('{"a":1}');
      });
      expect(status).toBe(200);
      expect(JSON.parse(body).data).toEqual({ a: 1 });
    });

    it.each([
      ["no API key", '{"a":1}', { "content-type": "application/json" }, 403, "Forbidden"],
      ["a wrong API key", '{"a":1}', { "x-api-key": "nope-0123456789abcdefghij", "content-type": "application/json" }, 403, "Forbidden"],
      ["a content type other than JSON", "a=1", { "x-api-key": KEY, "content-type": "application/x-www-form-urlencoded" }, 415, "Unsupported Media Type"],
      ["a body that is not JSON", "{oops", { "x-api-key": KEY, "content-type": "application/json" }, 400, "Invalid request body"],
    ])("refuses %s with API Gateway's JSON answer", async (_name, body, headers, status, message) => {
      expect(await post(echo, body, headers)).toMatchObject({ status, body: { message } });
    });

    it("answers 403 Missing Authentication Token off the API's one method", async () => {
      const response = await fetch(echo.restUrl.replace(/\/api\/$/, "/api/other"), { method: "POST", headers: { "x-api-key": KEY } });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
    });

    it("answers 400 with Step Functions' error for an input over 256 KB", async () => {
      const { status, body } = await post(echo, JSON.stringify({ pad: "x".repeat(262144) }));
      expect(status).toBe(400);
      expect(body).toEqual({ error: "ValidationException", cause: expect.stringContaining("262144") });
    });

    it("answers 500 with the error and cause of a FAILED execution, valid JSON whatever they hold", async () => {
      const failing = await gateway({ STEPGATE_DEFINITION: definitionFile(FAILING) });
      expect(await post(failing, "{}")).toMatchObject({ status: 500, body: { error: FAILING.States.Charge.Error, cause: FAILING.States.Charge.Cause } });
    });

    it("answers 429 Too Many Requests beyond the throttle, and serves the next requests once it refills", async () => {
      const throttled = await gateway({ STEPGATE_REST_RATE_LIMIT: "5", STEPGATE_REST_BURST_LIMIT: "2" });
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post(throttled, "{}")));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429, 429, 429]);
      expect(answers.find((a) => a.status === 429)?.body).toEqual({ message: "Too Many Requests" });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await post(throttled, "{}")).status).toBe(200);
    });

    it("answers 429 Limit Exceeded once the key's quota is used up", async () => {
      const limited = await gateway({ STEPGATE_QUOTA_LIMIT: "3" });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await post(limited, "{}"));
      expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 429]);
      expect(statuses[3].body).toEqual({ message: "Limit Exceeded" });
    });

    it("answers 504 when the execution outlasts the integration timeout, and the next request is served", async () => {
      const slow = await gateway({}, { waitScale: 1, integrationTimeoutMs: 300 });
      expect(await post(slow, "{}")).toMatchObject({ status: 504, body: { message: "Endpoint request timed out" } });
    });
  });

  it("carries a bounded load on loopback, every reply matched to its request", async () => {
    const roomy = {
      STEPGATE_WS_RATE_LIMIT: "100000",
      STEPGATE_WS_BURST_LIMIT: "5000",
      STEPGATE_REST_RATE_LIMIT: "100000",
      STEPGATE_REST_BURST_LIMIT: "5000",
      STEPGATE_QUOTA_LIMIT: "1000000",
    };
    const loaded = await gateway(roomy);
    const percentiles = (ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
      return `p50 ${at(50)} ms, p95 ${at(95)} ms, p99 ${at(99)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
    };

    // 50 connections x 20 messages, each message carrying its own id.
    const wsLatencies: number[] = [];
    const clients = Array.from({ length: 50 }, () => connect(loaded.websocketUrl));
    await Promise.all(clients.map((c) => c.opened));
    const wsMatched = await Promise.all(
      clients.map(async (client, c) => {
        let matched = 0;
        for (let m = 0; m < 20; m++) {
          const id = `${c}-${m}`;
          const started = performance.now();
          const reply = JSON.parse(await client.ask(JSON.stringify({ id })));
          wsLatencies.push(performance.now() - started);
          if (JSON.parse(reply.output).id === id) matched++;
        }
        client.socket.close();
        return matched;
      }),
    );
    expect(wsMatched.reduce((a, b) => a + b, 0)).toBe(1000);

    // 200 calls over 20 keep-alive connections: 20 workers, 10 calls each, one after another.
    const restLatencies: number[] = [];
    const restMatched = await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        let matched = 0;
        for (let i = 0; i < 10; i++) {
          const id = `${w}-${i}`;
          const started = performance.now();
          const { status, body } = await post(loaded, JSON.stringify({ id }));
          restLatencies.push(performance.now() - started);
          if (status === 200 && body.data.id === id) matched++;
        }
        return matched;
      }),
    );
    expect(restMatched.reduce((a, b) => a + b, 0)).toBe(200);
    console.log(`local gateway under load:\n  WebSocket, 50 connections x 20 messages: ${percentiles(wsLatencies)}\n  REST, 200 calls over 20 connections: ${percentiles(restLatencies)}`);
  });
});
