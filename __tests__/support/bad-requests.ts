import * as http from "http";
import { WebSocket } from "ws";
import { LocalGateway, LocalGatewayOptions, MAX_WEBSOCKET_MESSAGE_BYTES } from "../../local/gateway";
import { connect, post } from "./clients";

/**
 * Every bad request the README's table lists: what the client gets, and what comes next. The
 * table in the README is checked against `name`, `answer` and `next`; `check` proves them on the
 * local gateway, which runs the synthesized templates.
 */
export interface BadRequest {
  readonly name: string;
  readonly answer: string;
  readonly next: string;
  /** Settings of the gateway this case needs. */
  readonly env?: Record<string, string>;
  readonly options?: Partial<Pick<LocalGatewayOptions, "waitScale" | "integrationTimeoutMs">>;
  readonly definition?: object;
  readonly check: (gateway: LocalGateway, key: string) => Promise<void>;
}

export const FAILING_DEFINITION = {
  StartAt: "Charge",
  States: { Charge: { Type: "Fail", Error: "Payment.Declined", Cause: `card "4242" can't pay\n{"code": 51}` } },
};
const TIMING_OUT_DEFINITION = { TimeoutSeconds: 1, StartAt: "Wait", States: { Wait: { Type: "Wait", Seconds: 2, End: true } } };

const json = (key: string) => ({ "x-api-key": key, "content-type": "application/json" });

/** The REST answer to a good request: the echo workflow returns the data. */
async function servesNext(gateway: LocalGateway, key: string): Promise<void> {
  expect(await post(gateway, '{"next":true}', json(key))).toMatchObject({ status: 200, body: { data: { next: true } } });
}

async function askOnOpenConnection(gateway: LocalGateway, message: string, headers: Record<string, string> = {}) {
  const client = connect(gateway.websocketUrl, headers);
  await client.opened;
  return { client, reply: JSON.parse(await client.ask(message)) };
}

export const BAD_REQUESTS: readonly BadRequest[] = [
  {
    name: "REST: a body that is not JSON",
    answer: '400 `{"message": "Invalid request body"}`',
    next: "served",
    check: async (g, key) => {
      expect(await post(g, "{oops", json(key))).toEqual({ status: 400, body: { message: "Invalid request body" } });
      await servesNext(g, key);
    },
  },
  {
    name: "REST: a content type other than `application/json`",
    answer: '415 `{"message": "Unsupported Media Type"}`',
    next: "served",
    check: async (g, key) => {
      expect(await post(g, "a=1", { "x-api-key": key, "content-type": "text/plain" })).toEqual({ status: 415, body: { message: "Unsupported Media Type" } });
      await servesNext(g, key);
    },
  },
  {
    name: "REST: no content type",
    answer: "taken for JSON: 200 with the output",
    next: "served",
    check: async (g, key) => {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        // fetch would add text/plain: node's http sends exactly these headers.
        const req = http.request(g.restUrl, { method: "POST", headers: { "x-api-key": key } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on("error", reject).end('{"a":1}');
      });
      expect(status).toBe(200);
      await servesNext(g, key);
    },
  },
  {
    name: "REST: no API key",
    answer: '403 `{"message": "Forbidden"}`',
    next: "served",
    check: async (g, key) => {
      expect(await post(g, "{}", { "content-type": "application/json" })).toEqual({ status: 403, body: { message: "Forbidden" } });
      await servesNext(g, key);
    },
  },
  {
    name: "REST: a wrong API key",
    answer: '403 `{"message": "Forbidden"}`',
    next: "served",
    check: async (g, key) => {
      expect(await post(g, "{}", json("wrong-key-0123456789abcdef"))).toEqual({ status: 403, body: { message: "Forbidden" } });
      await servesNext(g, key);
    },
  },
  {
    name: "REST: over the throttle (stage or key)",
    answer: '429 `{"message": "Too Many Requests"}`',
    next: "served once the bucket refills (the rate limit)",
    env: { STEPGATE_REST_RATE_LIMIT: "4", STEPGATE_REST_BURST_LIMIT: "1" },
    check: async (g, key) => {
      const answers = await Promise.all([1, 2, 3].map(() => post(g, "{}", json(key))));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 429, 429]);
      expect(answers.find((a) => a.status === 429)?.body).toEqual({ message: "Too Many Requests" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await servesNext(g, key);
    },
  },
  {
    name: "REST: over the key's quota",
    answer: '429 `{"message": "Limit Exceeded"}`',
    next: "refused until the quota period (`STEPGATE_QUOTA_PERIOD`) ends",
    env: { STEPGATE_QUOTA_LIMIT: "1" },
    check: async (g, key) => {
      expect((await post(g, "{}", json(key))).status).toBe(200);
      expect(await post(g, "{}", json(key))).toEqual({ status: 429, body: { message: "Limit Exceeded" } });
      expect((await post(g, "{}", json(key))).status).toBe(429);
    },
  },
  {
    name: "REST: an input over Step Functions' 256 KB",
    answer: '400 `{"error": "ValidationException", "cause": "...262144"}`',
    next: "served",
    check: async (g, key) => {
      const { status, body } = await post(g, JSON.stringify({ pad: "x".repeat(262144) }), json(key));
      expect(status).toBe(400);
      expect(body).toEqual({ error: "ValidationException", cause: expect.stringContaining("262144") });
      await servesNext(g, key);
    },
  },
  {
    name: "REST: an execution that fails",
    answer: '500 `{"error": ..., "cause": ...}`, valid JSON whatever they hold',
    next: "answered alike: each request is its own execution",
    definition: FAILING_DEFINITION,
    check: async (g, key) => {
      const expected = { status: 500, body: { error: "Payment.Declined", cause: FAILING_DEFINITION.States.Charge.Cause } };
      expect(await post(g, "{}", json(key))).toEqual(expected);
      expect(await post(g, "{}", json(key))).toEqual(expected);
    },
  },
  {
    name: "REST: an execution that times out",
    answer: '504 `{"error": "States.Timeout", "cause": ...}`',
    next: "answered alike: each request is its own execution",
    definition: TIMING_OUT_DEFINITION,
    options: { waitScale: 1 },
    check: async (g, key) => {
      const expected = { status: 504, body: { error: "States.Timeout", cause: expect.any(String) } };
      expect(await Promise.all([post(g, "{}", json(key)), post(g, "{}", json(key))])).toEqual([expected, expected]);
    },
  },
  {
    name: "REST: an execution past API Gateway's 29 s",
    answer: '504 `{"message": "Endpoint request timed out"}` (the execution runs on)',
    next: "answered alike: each request is its own execution",
    options: { waitScale: 1, integrationTimeoutMs: 200 },
    check: async (g, key) => {
      const expected = { status: 504, body: { message: "Endpoint request timed out" } };
      expect(await Promise.all([post(g, "{}", json(key)), post(g, "{}", json(key))])).toEqual([expected, expected]);
    },
  },
  {
    name: "WebSocket: a message over 128 KB",
    answer: "the connection closes with code 1009",
    next: "a new connection is served",
    check: async (g) => {
      const client = connect(g.websocketUrl);
      await client.opened;
      client.socket.send("x".repeat(MAX_WEBSOCKET_MESSAGE_BYTES + 1));
      expect(await client.closed).toBe(1009);
      const { client: again, reply } = await askOnOpenConnection(g, "{}");
      expect(reply.status).toBe("SUCCEEDED");
      again.socket.close();
    },
  },
  {
    name: "WebSocket: a message that is not JSON",
    answer: 'Step Functions\' error as the reply, `{"__type": "...#InvalidExecutionInput", "message": ...}`',
    next: "the connection stays open and is served",
    check: async (g) => {
      const { client, reply } = await askOnOpenConnection(g, "hello, it's me");
      expect(reply).toEqual({ __type: expect.stringMatching(/#InvalidExecutionInput$/), message: expect.any(String) });
      expect(JSON.parse(await client.ask("{}")).status).toBe("SUCCEEDED");
      client.socket.close();
    },
  },
  {
    name: "WebSocket: `$connect` without the required authorization",
    answer: "the handshake is refused with 403",
    next: "an authorized connection is served",
    env: { STEPGATE_WS_CONNECT_AUTH: "API_KEY" },
    check: async (g, key) => {
      await expect(connect(g.websocketUrl).opened).rejects.toThrow("HTTP 403");
      const { client, reply } = await askOnOpenConnection(g, "{}", { "x-api-key": key });
      expect(reply.status).toBe("SUCCEEDED");
      client.socket.close();
    },
  },
  {
    name: "WebSocket: over the route's throttle",
    answer: '`{"message": "Too Many Requests", "connectionId": ..., "requestId": ...}` as the reply',
    next: "the connection stays open",
    env: { STEPGATE_WS_RATE_LIMIT: "4", STEPGATE_WS_BURST_LIMIT: "1" },
    check: async (g) => {
      const client = connect(g.websocketUrl);
      await client.opened;
      client.socket.send("{}");
      client.socket.send("{}");
      const replies = [JSON.parse(await client.next()), JSON.parse(await client.next())];
      expect(replies.map((r) => r.status ?? r.message).sort()).toEqual(["SUCCEEDED", "Too Many Requests"]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(JSON.parse(await client.ask("{}")).status).toBe("SUCCEEDED");
      client.socket.close();
    },
  },
  {
    name: "WebSocket: an execution that fails",
    answer: "the StartSyncExecution result with `status` FAILED, `error` and `cause`",
    next: "the connection stays open",
    definition: FAILING_DEFINITION,
    check: async (g) => {
      const { client, reply } = await askOnOpenConnection(g, "{}");
      expect(reply).toMatchObject({ status: "FAILED", error: "Payment.Declined", cause: FAILING_DEFINITION.States.Charge.Cause });
      expect(JSON.parse(await client.ask("{}")).status).toBe("FAILED");
      client.socket.close();
    },
  },
  {
    name: "WebSocket: an execution that times out",
    answer: "the StartSyncExecution result with `status` TIMED_OUT",
    next: "the connection stays open",
    definition: TIMING_OUT_DEFINITION,
    options: { waitScale: 1 },
    check: async (g) => {
      const { client, reply } = await askOnOpenConnection(g, "{}");
      expect(reply).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
      expect(JSON.parse(await client.ask("{}")).status).toBe("TIMED_OUT");
      client.socket.close();
    },
  },
  {
    name: "WebSocket: an execution past API Gateway's 29 s",
    answer: '`{"message": "Endpoint request timed out", "connectionId": ..., "requestId": ...}` as the reply',
    next: "the connection stays open",
    options: { waitScale: 1, integrationTimeoutMs: 200 },
    check: async (g) => {
      const { client, reply } = await askOnOpenConnection(g, "{}");
      expect(reply).toEqual({ message: "Endpoint request timed out", connectionId: expect.any(String), requestId: expect.any(String) });
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      expect(JSON.parse(await client.ask("{}")).message).toBe("Endpoint request timed out");
      client.socket.close();
    },
  },
];
