import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { WebSocket } from "ws";
import { OPENAPI_FILE } from "../../stacks/openapi";
import { type LocalGateway, startLocalGateway } from "../../local/gateway";
import { connect, post } from "../../verify/clients";
import { ERROR_FRAME } from "../../verify/promises";
import { CONTRACT_CASES, schemaSettings, workflowWithSchema } from "../support/input-contracts";
import { synthesizeToFolder } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

/**
 * The contract table on the local gateway: each schema on a workflow of its own (the first on the
 * default one), each body sent as a client would, the verdict API Gateway's model gives (200, or
 * 400 with the validator's findings; on the WebSocket the execution's result, or the "Bad request
 * body" frame on a connection that stays open).
 */
jest.setTimeout(60_000);
const KEY = "test-key-0123456789abcdefghij";
const headers = { "x-api-key": KEY, "content-type": "application/json" };
/** The workflow of each case but the first (the default one's): the `additionalProperties: false` one allows `"action": "orders"`. */
const NAMES = ["workflow", "enums", "nested", "arrays", "orders", "formats", "bounds"];
const CORS = "https://app.example.com";

let gateway: LocalGateway;
let outdir: string;
beforeAll(async () => {
  const folder = temporaryFolder("contracts");
  const [main, ...others] = CONTRACT_CASES.map((c, i) => workflowWithSchema(folder, NAMES[i], c.schema));
  outdir = synthesizeToFolder({
    STEPGATE_DEFINITION: main,
    STEPGATE_WORKFLOWS: others.map((definition, i) => `${NAMES[i + 1]}=${definition}`).join(","),
    STEPGATE_CORS_ORIGINS: CORS,
    // Every body of the table, at once: no throttle in the way.
    STEPGATE_REST_RATE_LIMIT: "1000",
    STEPGATE_REST_BURST_LIMIT: "1000",
    STEPGATE_WS_RATE_LIMIT: "1000",
    STEPGATE_WS_BURST_LIMIT: "1000",
  });
  gateway = await startLocalGateway({ outdir, wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0 });
});
afterAll(() => gateway?.close());

const rows = CONTRACT_CASES.flatMap((c, i) => [
  ...c.valid.map((body) => [NAMES[i], c.kind, JSON.stringify(body), body, true] as const),
  ...c.invalid.map((body) => [NAMES[i], c.kind, JSON.stringify(body), body, false] as const),
]);

describe("REST: a body its workflow's schema refuses", () => {
  it.each(rows)("POST /%s (%s) %s: valid %s", async (name, _kind, text, _body, valid) => {
    const url = { restUrl: `${gateway.restUrl}${name === "workflow" ? "" : name}` };
    const answer = await post(url, text, headers);
    if (valid) expect(answer).toMatchObject({ status: 200, body: { data: JSON.parse(text) } });
    else expect(answer).toEqual({ status: 400, body: { message: "Invalid request body", validationErrors: expect.stringMatching(/^\[.+\]$/) } });
  });

  it("answers 400 with the BAD_REQUEST_BODY template's JSON, the findings escaped, and the CORS header", async () => {
    const response = await fetch(`${gateway.restUrl}enums`, { method: "POST", body: '{"size": "XL", "priority": "1"}', headers: { ...headers, origin: CORS } });
    expect(response.status).toBe(400);
    expect(response.headers.get("access-control-allow-origin")).toBe(CORS);
    const body = JSON.parse(await response.text());
    expect(body.validationErrors).toContain("/size must be equal to one of the allowed values");
    expect(body.validationErrors).toContain("/priority");
  });

  it("answers a body that is not JSON with the same 400", async () => {
    expect(await post(gateway, "{oops", headers)).toEqual({
      status: 400,
      body: { message: "Invalid request body", validationErrors: "[the body is not JSON]" },
    });
  });
});

describe("WebSocket: a message its workflow's schema refuses", () => {
  // The default route takes every message; another route's messages are objects that carry its action.
  const messages = rows.flatMap(([name, kind, _text, body, valid]) => {
    if (name === "workflow") return [[name, kind, JSON.stringify(body), valid] as const];
    if (typeof body !== "object" || body === null || Array.isArray(body)) return [];
    const withAction = { action: name, ...body };
    return [[name, kind, JSON.stringify(withAction), valid] as const];
  });

  it.each(messages)("%s (%s) %s: valid %s", async (_name, _kind, message, valid) => {
    const client = connect(gateway.websocketUrl);
    try {
      await client.opened;
      const reply = await client.ask(message);
      if (valid) expect(JSON.parse(reply).status).toBe("SUCCEEDED");
      else {
        expect(reply).toMatch(ERROR_FRAME);
        expect(JSON.parse(reply)).toEqual({ message: "Bad request body", connectionId: expect.any(String), requestId: expect.any(String) });
        // The connection stays open, and is served.
        expect(client.socket.readyState).toBe(WebSocket.OPEN);
      }
    } finally {
      client.socket.close();
    }
  });

  it("keeps the connection open and serves the next message", async () => {
    const client = connect(gateway.websocketUrl);
    try {
      await client.opened;
      expect(JSON.parse(await client.ask('{"customer": 1}')).message).toBe("Bad request body");
      expect(JSON.parse(await client.ask("not json")).message).toBe("Bad request body");
      expect(JSON.parse(await client.ask('{"customer": "c-1", "amount": 3}')).status).toBe("SUCCEEDED");
    } finally {
      client.socket.close();
    }
  });
});

describe("the OpenAPI document on the local gateway", () => {
  it("is served at <REST URL>/openapi.json, as synth wrote it, this gateway its server, without an API key", async () => {
    const response = await fetch(`${gateway.restUrl}openapi.json`);
    expect(response.status).toBe(200);
    const served = JSON.parse(await response.text());
    const written = JSON.parse(fs.readFileSync(path.join(outdir, OPENAPI_FILE), "utf8"));
    expect(served).toEqual({ ...written, servers: [{ url: gateway.restUrl.replace(/\/$/, ""), description: "npm run local" }] });
    expect(Object.keys(served.paths)).toEqual(["/", ...NAMES.slice(1).map((name) => `/${name}`)]);
  });

  it("describes the bodies the gateway answers: a 400, a 200, a 403 each match the shape the document gives their status", async () => {
    const doc = JSON.parse(fs.readFileSync(path.join(outdir, OPENAPI_FILE), "utf8"));
    // The whole document as one schema: each response's $refs resolve in it, as in the document.
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ ...doc, $id: "openapi.json" });
    const pointer = (part: string) => part.replaceAll("~", "~0").replaceAll("/", "~1");
    const matches = (route: string, status: number, body: unknown) =>
      ajv.validate({ $ref: `openapi.json#/paths/${pointer(route)}/post/responses/${status}/content/${pointer("application/json")}/schema` }, body);
    const answers = [
      ["/", await post(gateway, "{}", headers)],
      ["/enums", await post({ restUrl: `${gateway.restUrl}enums` }, '{"size": "M"}', headers)],
      ["/", await post(gateway, "{oops", headers)],
      ["/", await post(gateway, "{}", { "content-type": "application/json" })],
    ] as const;
    expect(answers.map(([route, a]) => [route, a.status, matches(route, a.status, a.body)])).toEqual([
      ["/", 400, true],
      ["/enums", 200, true],
      ["/", 400, true],
      ["/", 403, true],
    ]);
    // And it tells shapes apart: a 403 is API Gateway's {message}, never an execution's error.
    expect(matches("/", 403, { error: "States.Runtime", cause: "x" })).toBe(false);
  });
});

describe("an async workflow with a schema", () => {
  let asyncGateway: LocalGateway;
  beforeAll(async () => {
    const env = { ...schemaSettings(temporaryFolder("contracts")), STEPGATE_ASYNC_WORKFLOWS: "orders" };
    asyncGateway = await startLocalGateway({ outdir: synthesizeToFolder(env), wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0 });
  });
  afterAll(() => asyncGateway?.close());

  it("refuses a body or a message its schema refuses before the runner starts: 400, the frame, no acknowledgement, no execution", async () => {
    const orders = { restUrl: `${asyncGateway.restUrl}orders` };
    expect(await post(orders, '{"id": "1"}', headers)).toMatchObject({ status: 400, body: { message: "Invalid request body" } });
    const client = connect(asyncGateway.websocketUrl);
    try {
      await client.opened;
      expect(JSON.parse(await client.ask('{"action": "orders"}')).message).toBe("Bad request body");
    } finally {
      client.socket.close();
    }
    expect(asyncGateway.runner?.executions.size).toBe(0);
    expect(await post(orders, '{"id": 1}', headers)).toMatchObject({ status: 202, body: { executionId: expect.any(String) } });
    expect(asyncGateway.runner?.executions.size).toBe(1);
  });
});
