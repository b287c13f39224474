import { type LocalGateway, MAX_WEBSOCKET_MESSAGE_BYTES, startLocalGateway, webSocketErrorFrame } from "../../local/gateway";
import { connect, post } from "../../verify/clients";
import { definitionFile, synthesizeToFolder } from "../support/stacks";

/**
 * The local gateway with real clients: ws for the WebSocket API, Node's fetch for the REST API.
 * What goes wrong is in bad-requests.test.ts, a row of docs/bad-requests.md's table each.
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
      // Named after the message's request id, as the template does on AWS, not a generated UUID.
      expect(reply.name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      expect(reply.name).not.toMatch(/^[0-9a-f-]{36}$/);
      expect(reply.executionArn).toContain(`:${reply.name}:`);
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

    it("waits for a synchronous workflow as long as the synthesized integration timeout (STEPGATE_REST_TIMEOUT_MS), then answers 504", async () => {
      const slow = definitionFile({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 5, End: true } } });
      const outdir = synthesizeToFolder({ STEPGATE_DEFINITION: slow, STEPGATE_REST_TIMEOUT_MS: "300" });
      const timed = await startLocalGateway({ outdir, wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 1 });
      gateways.push(timed);
      const started = Date.now();
      const response = await fetch(timed.restUrl, { method: "POST", headers: JSON_WITH_KEY, body: "{}" });
      expect([response.status, await response.json()]).toEqual([504, { message: "Endpoint request timed out" }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it("answers 403 Missing Authentication Token off the API's one method, as API Gateway does", async () => {
      const response = await fetch(echo.restUrl.replace(/\/api\/$/, "/api/other"), { method: "POST", headers: JSON_WITH_KEY, body: "{}" });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
    });
  });

  describe.each([
    ["one origin", "https://app.example.com", "https://app.example.com"],
    ["any origin", "*", "*"],
  ])("REST with CORS, %s (STEPGATE_CORS_ORIGINS=%s)", (_name, setting, allowed) => {
    const ORIGIN = "https://app.example.com";
    let cors: LocalGateway;
    beforeAll(async () => {
      cors = await gateway({ STEPGATE_CORS_ORIGINS: setting, STEPGATE_REST_RATE_LIMIT: "0.01", STEPGATE_REST_BURST_LIMIT: "2" });
    });
    const call = (headers: Record<string, string>, body = "{}") => fetch(cors.restUrl, { method: "POST", headers: { origin: ORIGIN, ...headers }, body });

    it("answers the preflight without a key: the methods, the headers and the origin", async () => {
      const response = await fetch(cors.restUrl, {
        method: "OPTIONS",
        headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-api-key" },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe(allowed);
      expect(response.headers.get("access-control-allow-methods")).toBe("OPTIONS,POST");
      expect(response.headers.get("access-control-allow-headers")).toBe("Content-Type,X-Api-Key,Authorization");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    });

    it("puts the origin on 200, 403, 415 and 429", async () => {
      const answers = [];
      // A burst of 2: the 200 and the 415 take the two tokens, the next request is throttled.
      answers.push(await call({ "content-type": "application/json" }));
      answers.push(await call(JSON_WITH_KEY));
      answers.push(await call({ "x-api-key": KEY, "content-type": "text/plain" }));
      answers.push(await call(JSON_WITH_KEY));
      expect(answers.map((r) => [r.status, r.headers.get("access-control-allow-origin"), r.headers.get("access-control-allow-credentials")])).toEqual([
        [403, allowed, null],
        [200, allowed, null],
        [415, allowed, null],
        [429, allowed, null],
      ]);
    });
  });

  describe("REST with CORS, several origins", () => {
    let cors: LocalGateway;
    beforeAll(async () => {
      cors = await gateway({ STEPGATE_CORS_ORIGINS: "https://app.example.com,http://localhost:3000" });
    });
    const call = (origin: string, headers: Record<string, string> = JSON_WITH_KEY) =>
      fetch(cors.restUrl, { method: "POST", headers: { origin, ...headers }, body: "{}" });

    it("echoes a listed origin on the preflight and the method's answers, and no other", async () => {
      const preflight = await fetch(cors.restUrl, { method: "OPTIONS", headers: { origin: "http://localhost:3000" } });
      expect([preflight.status, preflight.headers.get("access-control-allow-origin"), preflight.headers.get("vary")]).toEqual([
        200,
        "http://localhost:3000",
        "Origin",
      ]);
      const listed = await call("http://localhost:3000");
      expect([listed.status, listed.headers.get("access-control-allow-origin"), listed.headers.get("vary")]).toEqual([200, "http://localhost:3000", "Origin"]);
      const other = await call("https://evil.example.com");
      expect([other.status, other.headers.get("access-control-allow-origin")]).toEqual([200, null]);
    });

    it("sends no CORS header on API Gateway's own errors (403), as docs/cors.md says", async () => {
      const forbidden = await call("http://localhost:3000", { "content-type": "application/json" });
      expect([forbidden.status, forbidden.headers.get("access-control-allow-origin")]).toEqual([403, null]);
    });
  });

  describe("REST sign-in", () => {
    const POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";
    const ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123";
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const jwt = (claims: object) => `${b64({ alg: "RS256", kid: "k" })}.${b64(claims)}.c2lnbmF0dXJl`;
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const ID_TOKEN = { sub: "8f0c-user", iss: ISSUER, token_use: "id", exp: inAnHour, email: "jane@example.com" };
    const answer = async (g: LocalGateway, headers: Record<string, string>) => {
      const r = await fetch(g.restUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: '{"a":1}' });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };

    it("COGNITO: refuses a missing, malformed, foreign, expired or access token (401), takes an ID token and passes its sub", async () => {
      const g = await gateway({ STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: POOL });
      const key = { "x-api-key": KEY };
      expect(await answer(g, key)).toEqual({ status: 401, body: { message: "Unauthorized" } });
      expect(await answer(g, { ...key, authorization: "not-a-jwt" })).toEqual({ status: 401, body: { message: "Unauthorized" } });
      expect((await answer(g, { ...key, authorization: jwt({ ...ID_TOKEN, iss: "https://cognito-idp.us-east-1.amazonaws.com/other" }) })).status).toBe(401);
      expect(await answer(g, { ...key, authorization: jwt({ ...ID_TOKEN, exp: 1 }) })).toEqual({
        status: 401,
        body: { message: "The incoming token has expired" },
      });
      expect((await answer(g, { ...key, authorization: jwt({ ...ID_TOKEN, token_use: "access" }) })).status).toBe(401);
      // The key stays required on top.
      expect((await answer(g, { authorization: jwt(ID_TOKEN) })).status).toBe(403);
      const ok = await answer(g, { ...key, authorization: `Bearer ${jwt(ID_TOKEN)}` });
      expect(ok.status).toBe(200);
      expect(ok.body.apiInfo).toMatchObject({ sub: "8f0c-user", apiKeyId: "localapikeyid" });
      expect(JSON.stringify(ok.body)).not.toContain(jwt(ID_TOKEN).split(".")[1]);
    });

    it("COGNITO with scopes and no key: an access token carrying one of the scopes", async () => {
      const g = await gateway({
        STEPGATE_REST_AUTH: "COGNITO",
        STEPGATE_COGNITO_USER_POOL_ARNS: POOL,
        STEPGATE_COGNITO_SCOPES: "stepgate/invoke",
        STEPGATE_REST_API_KEY_REQUIRED: "false",
      });
      const access = { sub: "8f0c-user", iss: ISSUER, token_use: "access", exp: inAnHour };
      expect((await answer(g, { authorization: jwt(ID_TOKEN) })).status).toBe(401);
      expect((await answer(g, { authorization: jwt({ ...access, scope: "openid other/scope" }) })).status).toBe(401);
      const ok = await answer(g, { authorization: jwt({ ...access, scope: "openid stepgate/invoke" }) });
      expect(ok).toMatchObject({ status: 200, body: { apiInfo: { sub: "8f0c-user", apiKeyId: "" } } });
    });

    it("AWS_IAM: refuses an unsigned request (403), passes the signer's ARN", async () => {
      const g = await gateway({ STEPGATE_REST_AUTH: "AWS_IAM", STEPGATE_REST_API_KEY_REQUIRED: "false" });
      expect(await answer(g, {})).toEqual({ status: 403, body: { message: "Missing Authentication Token" } });
      const signed = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0";
      const ok = await answer(g, { authorization: signed });
      expect(ok).toMatchObject({ status: 200, body: { apiInfo: { userArn: "arn:aws:iam::123456789012:user/AKIDEXAMPLE", apiKeyId: "" } } });
    });
  });

  it("answers no preflight and no CORS header without STEPGATE_CORS_ORIGINS", async () => {
    const preflight = await fetch(echo.restUrl, { method: "OPTIONS", headers: { origin: "https://app.example.com" } });
    expect(preflight.status).toBe(403);
    const response = await fetch(echo.restUrl, { method: "POST", headers: { origin: "https://app.example.com", ...JSON_WITH_KEY }, body: "{}" });
    expect(response.status).toBe(200);
    expect([...response.headers.keys()].filter((h) => h.startsWith("access-control-"))).toEqual([]);
  });

  /** POST to the REST API's `/<resource>`. */
  const postTo = (g: LocalGateway, body: string, headers: Record<string, string>, resource = "") => post({ restUrl: `${g.restUrl}${resource}` }, body, headers);

  describe("with STEPGATE_WORKFLOWS: a REST path and a WebSocket action per workflow, each its own state machine", () => {
    /** A workflow that adds its name to the input, so each answer says which machine ran. */
    const tagging = (name: string) => definitionFile({ StartAt: "Tag", States: { Tag: { Type: "Pass", Result: name, ResultPath: "$.ranBy", End: true } } });
    let routed: LocalGateway;
    beforeAll(async () => {
      routed = await gateway({ STEPGATE_WORKFLOWS: `orders=${tagging("orders")},refunds-eu=${tagging("refunds-eu")}` });
    });
    const arnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:stepgate-${name}`;

    it.each(["orders", "refunds-eu"])("REST: POST /%s starts that workflow, with the same templates, the resource path its own", async (name) => {
      const { status, body } = await postTo(routed, '{"id":1}', JSON_WITH_KEY, name);
      expect(status).toBe(200);
      expect(body).toEqual({
        data: { id: 1 },
        apiInfo: { httpMethod: "POST", resourcePath: `/${name}`, stage: "api", requestId: expect.any(String), apiKeyId: expect.any(String) },
        ranBy: name,
      });
    });

    it("REST: POST / still starts the default workflow; a path of no workflow gets 403 Missing Authentication Token; the key is required on every path", async () => {
      const root = await postTo(routed, '{"id":1}', JSON_WITH_KEY);
      expect(root.status).toBe(200);
      expect(root.body).toEqual({ data: { id: 1 }, apiInfo: expect.objectContaining({ resourcePath: "/" }) });
      expect(await postTo(routed, "{}", JSON_WITH_KEY, "workflow")).toEqual({ status: 403, body: { message: "Missing Authentication Token" } });
      expect(await postTo(routed, "{}", JSON_WITH_KEY, "orders/more")).toEqual({ status: 403, body: { message: "Missing Authentication Token" } });
      expect(await postTo(routed, "{}", { "content-type": "application/json" }, "orders")).toEqual({ status: 403, body: { message: "Forbidden" } });
      expect(await postTo(routed, "not json", JSON_WITH_KEY, "orders")).toEqual({ status: 400, body: { message: "Invalid request body" } });
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
