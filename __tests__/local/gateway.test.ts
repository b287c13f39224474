import { type LocalGateway, MAX_WEBSOCKET_MESSAGE_BYTES, startLocalGateway, webSocketErrorFrame } from "../../local/gateway";
import { connect, post } from "../support/clients";
import { definitionFile, synthesizeToFolder } from "../support/stacks";

/**
 * The local gateway with real clients: ws for the WebSocket API, Node's fetch for the REST API.
 * What goes wrong is in bad-requests.test.ts, a row of the README's table each.
 */
jest.setTimeout(60_000);
const KEY = "test-key-0123456789abcdefghij";
const JSON_WITH_KEY = { "x-api-key": KEY, "content-type": "application/json" };

const gateways: LocalGateway[] = [];
async function gateway(env: Record<string, string> = {}): Promise<LocalGateway> {
  const started = await startLocalGateway({ outdir: synthesizeToFolder(env), wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0 });
  gateways.push(started);
  return started;
}
afterAll(() => Promise.all(gateways.map((g) => g.close())));

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

    it("takes a message of exactly 128 KB", async () => {
      const client = connect(echo.websocketUrl);
      await client.opened;
      const largest = JSON.stringify({ pad: "x".repeat(MAX_WEBSOCKET_MESSAGE_BYTES - 10) });
      expect(Buffer.byteLength(largest)).toBe(MAX_WEBSOCKET_MESSAGE_BYTES);
      expect(JSON.parse(await client.ask(largest)).status).toBe("SUCCEEDED");
      client.socket.close();
    });

    it("replies to the connection that asked", async () => {
      const [a, b] = [connect(echo.websocketUrl), connect(echo.websocketUrl)];
      await Promise.all([a.opened, b.opened]);
      const [ra, rb] = await Promise.all([a.ask('{"who":"a"}'), b.ask('{"who":"b"}')]);
      expect([JSON.parse(JSON.parse(ra).output).who, JSON.parse(JSON.parse(rb).output).who]).toEqual(["a", "b"]);
      a.socket.close();
      b.socket.close();
    });

    describe.each([
      ["API_KEY", { "x-api-key": KEY }, { "x-api-key": "wrong-key-0123456789abcdef" }],
      [
        "AWS_IAM",
        { authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0" },
        {},
      ],
    ])("with STEPGATE_WS_CONNECT_AUTH=%s", (auth, good, bad) => {
      it("refuses $connect without it (403), accepts it with it", async () => {
        const guarded = await gateway({ STEPGATE_WS_CONNECT_AUTH: auth });
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
      const response = await fetch(echo.restUrl, { method: "POST", headers: JSON_WITH_KEY, body: '{"first_name":"Jane","last_name":"Doe"}' });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({
        data: { first_name: "Jane", last_name: "Doe" },
        apiInfo: { httpMethod: "POST", resourcePath: "/", stage: "api", requestId: expect.any(String), apiKeyId: expect.any(String) },
      });
    });

    it("answers 403 Missing Authentication Token off the API's one method, as API Gateway does", async () => {
      const response = await fetch(echo.restUrl.replace(/\/api\/$/, "/api/other"), { method: "POST", headers: JSON_WITH_KEY, body: "{}" });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
    });
  });

  describe("with STEPGATE_WORKFLOWS: a REST path and a WebSocket action per workflow, each its own state machine", () => {
    /** A workflow that adds its name to the input, so each answer says which machine ran. */
    const tagging = (name: string) => definitionFile({ StartAt: "Tag", States: { Tag: { Type: "Pass", Result: name, ResultPath: "$.ranBy", End: true } } });
    let routed: LocalGateway;
    beforeAll(async () => {
      routed = await gateway({ STEPGATE_WORKFLOWS: `orders=${tagging("orders")},refunds-eu=${tagging("refunds-eu")}` });
    });
    const arnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:stepgate-${name}`;

    it.each(["orders", "refunds-eu"])("REST: POST /%s starts that workflow, with the same templates, the resource path its own", async (name) => {
      const { status, body } = await post(routed, '{"id":1}', JSON_WITH_KEY, name);
      expect(status).toBe(200);
      expect(body).toEqual({
        data: { id: 1 },
        apiInfo: { httpMethod: "POST", resourcePath: `/${name}`, stage: "api", requestId: expect.any(String), apiKeyId: expect.any(String) },
        ranBy: name,
      });
    });

    it("REST: POST / still starts the default workflow; a path of no workflow gets 403 Missing Authentication Token; the key is required on every path", async () => {
      const root = await post(routed, '{"id":1}', JSON_WITH_KEY);
      expect(root.status).toBe(200);
      expect(root.body).toEqual({ data: { id: 1 }, apiInfo: expect.objectContaining({ resourcePath: "/" }) });
      expect(await post(routed, "{}", JSON_WITH_KEY, "workflow")).toEqual({ status: 403, body: { message: "Missing Authentication Token" } });
      expect(await post(routed, "{}", JSON_WITH_KEY, "orders/more")).toEqual({ status: 403, body: { message: "Missing Authentication Token" } });
      expect(await post(routed, "{}", { "content-type": "application/json" }, "orders")).toEqual({ status: 403, body: { message: "Forbidden" } });
      expect(await post(routed, "not json", JSON_WITH_KEY, "orders")).toEqual({ status: 400, body: { message: "Invalid request body" } });
    });

    it("WebSocket: a message whose action names a workflow starts it, the whole message as input; any other goes to $default", async () => {
      const client = connect(routed.websocketUrl);
      await client.opened;
      for (const name of ["orders", "refunds-eu"]) {
        const message = `{"action":"${name}","id":2}`;
        const reply = JSON.parse(await client.ask(message));
        expect(reply).toMatchObject({ status: "SUCCEEDED", input: message, stateMachineArn: arnOf(name) });
        expect(JSON.parse(reply.output)).toEqual({ action: name, id: 2, ranBy: name });
        expect(reply.executionArn).toContain(`:express:stepgate-${name}:`);
      }
      for (const message of ['{"action":"unknown","id":3}', '{"id":3}', '{"action":{"name":"orders"}}', '["orders"]']) {
        const reply = JSON.parse(await client.ask(message));
        expect(reply).toMatchObject({ status: "SUCCEEDED", input: message, stateMachineArn: arnOf("workflow") });
      }
      expect(JSON.parse(await client.ask("action=orders")).__type).toMatch(/#InvalidExecutionInput$/);
      client.socket.close();
    });
  });

  it("carries a bounded load on loopback, every reply matched to its request", async () => {
    const loaded = await gateway({
      STEPGATE_WS_RATE_LIMIT: "100000",
      STEPGATE_WS_BURST_LIMIT: "5000",
      STEPGATE_REST_RATE_LIMIT: "100000",
      STEPGATE_REST_BURST_LIMIT: "5000",
      STEPGATE_QUOTA_LIMIT: "1000000",
    });
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
          const { status, body } = await post(loaded, JSON.stringify({ id }), JSON_WITH_KEY);
          restLatencies.push(performance.now() - started);
          if (status === 200 && (body.data as { id?: string }).id === id) matched++;
        }
        return matched;
      }),
    );
    expect(restMatched.reduce((a, b) => a + b, 0)).toBe(200);
    console.log(
      `local gateway under load:\n  WebSocket, 50 connections x 20 messages: ${percentiles(wsLatencies)}\n  REST, 200 calls over 20 connections: ${percentiles(restLatencies)}`,
    );
  });
});

describe("webSocketErrorFrame", () => {
  it("writes API Gateway's frame byte for byte, its values JSON-escaped", () => {
    expect(webSocketErrorFrame("Internal server error", "a1B=", 'r"1')).toBe(
      '{"message": "Internal server error", "connectionId":"a1B=", "requestId":"r\\"1"}',
    );
  });
});
