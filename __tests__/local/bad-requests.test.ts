import { type LocalGateway, startLocalGateway } from "../../local/gateway";
import * as http from "node:http";
import { WebSocket } from "ws";
import { MAX_WEBSOCKET_MESSAGE_BYTES } from "../../local/gateway";
import { BAD_REQUESTS, cognitoToken, FAILING_DEFINITION } from "../support/bad-requests";
import { connect, post } from "../support/clients";
import { definitionFile, synthesizeToFolder } from "../support/stacks";

/** The README's table of bad requests, each row proven on the local gateway. */
jest.setTimeout(60_000);
const KEY = "test-key-0123456789abcdefghij";

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

/** API Gateway's WebSocket error frame as it sends it: `{"message": "...", "connectionId":"...", "requestId":"..."}`. */
const ERROR_FRAME = /^\{"message": "[^"]+", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/;

/** What each row of the table promises, checked on the gateway: the answer, then what comes next. */
const CHECKS: Record<string, (g: LocalGateway, key: string) => Promise<void>> = {
  "REST: a body that is not JSON": async (g, key) => {
    expect(await post(g, "{oops", json(key))).toEqual({ status: 400, body: { message: "Invalid request body" } });
    await servesNext(g, key);
  },
  "REST: a content type other than `application/json`": async (g, key) => {
    expect(await post(g, "a=1", { "x-api-key": key, "content-type": "text/plain" })).toEqual({ status: 415, body: { message: "Unsupported Media Type" } });
    await servesNext(g, key);
  },
  "REST: no content type": async (g, key) => {
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
  "REST: no API key": async (g, key) => {
    expect(await post(g, "{}", { "content-type": "application/json" })).toEqual({ status: 403, body: { message: "Forbidden" } });
    await servesNext(g, key);
  },
  "REST: a wrong API key": async (g, key) => {
    expect(await post(g, "{}", json("wrong-key-0123456789abcdef"))).toEqual({ status: 403, body: { message: "Forbidden" } });
    await servesNext(g, key);
  },
  "REST: over the throttle (stage or key)": async (g, key) => {
    const answers = await Promise.all([1, 2, 3].map(() => post(g, "{}", json(key))));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429, 429]);
    expect(answers.find((a) => a.status === 429)?.body).toEqual({ message: "Too Many Requests" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await servesNext(g, key);
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
  "REST: an input over Step Functions' 256 KB": async (g, key) => {
    const { status, body } = await post(g, JSON.stringify({ pad: "x".repeat(262144) }), json(key));
    expect(status).toBe(400);
    expect(body).toEqual({ error: "ValidationException", cause: expect.stringContaining("262144") });
    await servesNext(g, key);
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
  "WebSocket: a message over 128 KB": async (g) => {
    const client = connect(g.websocketUrl);
    await client.opened;
    client.socket.send("x".repeat(MAX_WEBSOCKET_MESSAGE_BYTES + 1));
    expect(await client.closed).toBe(1009);
    const { client: again, reply } = await askOnOpenConnection(g, "{}");
    expect(reply.status).toBe("SUCCEEDED");
    again.socket.close();
  },
  "WebSocket: a message that is not JSON": async (g) => {
    const { client, reply } = await askOnOpenConnection(g, "hello, it's me");
    expect(reply).toEqual({ __type: expect.stringMatching(/#InvalidExecutionInput$/), message: expect.any(String) });
    expect(JSON.parse(await client.ask("{}")).status).toBe("SUCCEEDED");
    client.socket.close();
  },
  "WebSocket: `$connect` without the required authorization": async (g, key) => {
    await expect(connect(g.websocketUrl).opened).rejects.toThrow("HTTP 403");
    const { client, reply } = await askOnOpenConnection(g, "{}", { "x-api-key": key });
    expect(reply.status).toBe("SUCCEEDED");
    client.socket.close();
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

describe("bad requests", () => {
  it("prove every row of the table, and nothing else", () => {
    expect(Object.keys(CHECKS)).toEqual(BAD_REQUESTS.map((r) => r.name));
  });

  it.each(BAD_REQUESTS.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
    const env = { ...row.env, ...(row.definition ? { STEPGATE_DEFINITION: definitionFile(row.definition) } : {}) };
    const key = JSON.stringify([row.env, row.definition]);
    if (!outdirs.has(key)) outdirs.set(key, synthesizeToFolder(env));
    const gateway = await startLocalGateway({ outdir: outdirs.get(key) as string, wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0, ...row.options });
    gateways.push(gateway);
    await CHECKS[row.name](gateway, KEY);
  });
});
