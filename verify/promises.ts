import { isDeepStrictEqual } from "node:util";
import type { LocalGatewayOptions } from "../local/gateway";
import { SETTINGS } from "../stacks/config/settings";
import { DEFAULT_WORKFLOW } from "../stacks/config/names";
import { type Answer, connect, get, post, postAsync, postExactly, within } from "./clients";

/**
 * What stepgate promises its clients, one source for three uses: the docs' tables (checked
 * against `name`, `answer` and `next` by __tests__/docs.test.ts), the local tests
 * (__tests__/local/bad-requests.test.ts proves every row on the local gateway) and `npm run verify`,
 * which runs every probe a client can run without harm against a live deployment.
 */

/** A live stepgate, as a client reaches it. */
export interface Target {
  /** `wss://...` or `ws://...`, with the stage. */
  readonly websocketUrl: string;
  /** `https://...` or `http://...`, with the stage: POST JSON here. */
  readonly restUrl: string;
  readonly apiKey: string;
  /** Another key of the usage plan, which must not read the first key's async executions. @default not checked */
  readonly secondApiKey?: string;
  /** How long to wait for an answer, a reply or a close (an async execution: for its end). */
  readonly timeoutMs: number;
}

/** throttled: a request was throttled (429), so the row could not be checked; not a wrong answer. */
export type Result = "pass" | "fail" | "throttled" | "skip";

/** What one probe saw: in words for the table, what differs from the promise, and how long its first request took. */
export interface Observation {
  readonly result: Result;
  readonly got: string;
  readonly problems: readonly string[];
  /** Latency of each request whose time the row reports (the first one, or every walkthrough request). */
  readonly latenciesMs: readonly number[];
}

export interface Probe {
  /** default: every run; all: only with --all (it costs quota or time). */
  readonly when: "default" | "all";
  /** About how many Express executions (paid) a run of the probe starts. */
  readonly executions: number;
  /** What the client must get, in the table's words. */
  readonly expected: string;
  run(target: Target): Promise<Observation>;
}

export interface BadRequest {
  readonly name: string;
  /** The docs' "what the client gets" (docs/bad-requests.md). */
  readonly answer: string;
  /** The docs' "what comes next". */
  readonly next: string;
  /** How a client checks the row on a deployment, when it can (else the local tests prove it alone). */
  readonly probe?: Probe;
  /** Why `npm run verify` does not run the row, when it has no probe. */
  readonly notVerified?: string;
  /** Settings of the local gateway the local test of this row needs. */
  readonly env?: Record<string, string>;
  readonly options?: Partial<Pick<LocalGatewayOptions, "waitScale" | "integrationTimeoutMs">>;
  readonly definition?: object;
  /** The default workflow's schema (its input contract) the local test of this row needs. */
  readonly schema?: object;
}

export interface Walkthrough {
  readonly name: string;
  readonly probe: Probe;
}

/** Collects what differs from the promise, in words. */
class Expectations {
  readonly problems: string[] = [];
  equal(what: string, got: unknown, expected: unknown): void {
    if (!isDeepStrictEqual(got, expected)) this.problems.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
  that(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }
  fail(problem: string): void {
    this.problems.push(problem);
  }
}

/**
 * A request the API or Step Functions throttled where the row expects an answer: each run of verify
 * spends the same limits as the clients (API Gateway's throttles and quota, Step Functions' quota),
 * so repeated runs can meet them, on AWS as on `npm run local`.
 */
class Throttled extends Error {
  constructor(
    readonly got: string,
    readonly advice: string,
  ) {
    super(advice);
  }
}

/** What a client does about each throttle, by who throttled and where. */
export const THROTTLED = {
  rest: `throttled: wait, or raise the limits (${SETTINGS.restRateLimit.name}/${SETTINGS.restBurstLimit.name})`,
  websocket: `throttled: wait, or raise the limits (${SETTINGS.wsRateLimit.name}/${SETTINGS.wsBurstLimit.name})`,
  quota: `over the API key's quota: wait for the next period (${SETTINGS.quotaPeriod.name}), or raise ${SETTINGS.quotaLimit.name}`,
  stepFunctions: "Step Functions throttled StartSyncExecution: wait, or ask AWS to raise the account's quota",
} as const;

/**
 * Step Functions' errors that mean it started no execution because of stepgate's configuration (the
 * role, the state machine): the ones templates/rest-error-response.vtl answers with 500.
 */
export const NOT_STARTED = ["AccessDeniedException", "InvalidArn", "StateMachineDoesNotExist", "StateMachineDeleting", "StateMachineTypeNotSupported"];

/** Step Functions' throttling error, as `__type` (WebSocket) or as stepgate's REST `error` names it. */
const STEP_FUNCTIONS_THROTTLING = /(^|#)ThrottlingException$/;

/** Who throttled a REST answer, when it is a 429. */
function throttlingOf(answer: Answer): Throttled | undefined {
  if (answer.status !== 429) return undefined;
  const got = clip(short(answer), 50);
  if (answer.body.message === "Limit Exceeded") return new Throttled(got, THROTTLED.quota);
  if (STEP_FUNCTIONS_THROTTLING.test(String(answer.body.error))) return new Throttled(got, THROTTLED.stepFunctions);
  return new Throttled(got, THROTTLED.rest);
}

/** The REST answer, unless it is a 429: then the row could not be checked, and says why. */
function unthrottled(answer: Answer): Answer {
  const throttled = throttlingOf(answer);
  if (throttled) throw throttled;
  return answer;
}

/** Who throttled a WebSocket message, when API Gateway's or Step Functions' throttling answered it. */
function replyThrottlingOf(reply: string): Throttled | undefined {
  let parsed: { message?: unknown; __type?: unknown };
  try {
    parsed = JSON.parse(reply);
  } catch {
    return undefined;
  }
  if (ERROR_FRAME.test(reply) && parsed.message === "Too Many Requests") return new Throttled(clip(reply, 50), THROTTLED.websocket);
  if (STEP_FUNCTIONS_THROTTLING.test(String(parsed.__type))) return new Throttled(clip(reply, 50), THROTTLED.stepFunctions);
  return undefined;
}

/** The WebSocket reply, unless it was throttled: then the row could not be checked, and says why. */
function unthrottledReply(reply: string): string {
  const throttled = replyThrottlingOf(reply);
  if (throttled) throw throttled;
  return reply;
}

/** Runs a probe body; an exception (a timeout, a body that is not JSON) is a failure it reports, a throttled request is not. */
async function observe(body: (e: Expectations, latencies: number[]) => Promise<string>, skip?: (e: Expectations) => string | undefined): Promise<Observation> {
  const e = new Expectations();
  const latencies: number[] = [];
  let got: string;
  try {
    got = await body(e, latencies);
  } catch (error) {
    // A throttled request's latency is not the API's: it stays out of the summary.
    if (error instanceof Throttled) return { result: "throttled", got: error.got, problems: [error.advice], latenciesMs: [] };
    // fetch says only "fetch failed": the cause (ECONNREFUSED, a TLS error...) is what helps.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    got = `error: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
    e.problems.push(got);
  }
  const skipped = skip?.(e);
  if (skipped !== undefined) return { result: "skip", got: skipped, problems: [], latenciesMs: latencies };
  return { result: e.problems.length === 0 ? "pass" : "fail", got, problems: e.problems, latenciesMs: latencies };
}

async function timed<T>(latencies: number[], request: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const answer = await request();
  latencies.push(Math.round(performance.now() - started));
  return answer;
}

const json = (key: string) => ({ "x-api-key": key, "content-type": "application/json" });
/** Every WebSocket client sends the key on connect: harmless without `$connect` authorization, needed with API_KEY. */
const wsHeaders = (t: Target) => ({ "x-api-key": t.apiKey });
const short = (answer: Answer) => `${answer.status} ${JSON.stringify(answer.body)}`;
const clip = (text: string, max = 70) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What comes next on REST: a good request is served (the echo workflow returns the data). */
async function restServed(t: Target, e: Expectations): Promise<string> {
  const answer = unthrottled(await post(t, '{"next":true}', json(t.apiKey), t.timeoutMs));
  e.equal("then a good request", [answer.status, answer.body.data], [200, { next: true }]);
  return answer.status === 200 ? "served" : `then ${answer.status}`;
}

/** What comes next on WebSocket: a message on this connection is served. */
async function wsServed(client: ReturnType<typeof connect>, e: Expectations, what: string): Promise<string> {
  const status = JSON.parse(unthrottledReply(await client.ask("{}"))).status;
  e.equal(what, status, "SUCCEEDED");
  return status === "SUCCEEDED" ? "served" : `then ${status}`;
}

/** A REST row: one bad request, the answer it must get, then a good request must be served. */
function restRow(expected: string, send: (t: Target) => Promise<Answer>, check: (e: Expectations, a: Answer) => void, executions = 1): Probe {
  return {
    when: "default",
    executions,
    expected,
    run: (t) =>
      observe(async (e, latencies) => {
        const answer = unthrottled(await timed(latencies, () => send(t)));
        check(e, answer);
        return `${clip(short(answer), 50)}; ${await restServed(t, e)}`;
      }),
  };
}

const REST_PAD_OVER_256_KB = () => JSON.stringify({ pad: "x".repeat(262144) });
/** API Gateway's limit on a WebSocket message; a larger one closes the connection with 1009. */
export const WEBSOCKET_MESSAGE_LIMIT_BYTES = 128 * 1024;
/** API Gateway's WebSocket error frame as it sends it: `{"message": "...", "connectionId":"...", "requestId":"..."}`. */
export const ERROR_FRAME = /^\{"message": "[^"]+", "connectionId":"[^"]+", "requestId":"[^"]+"\}$/;
/** How many requests or messages a throttle probe sends at once, at most: over the default burst (20). */
export const THROTTLE_PROBE_REQUESTS = 30;

export const FAILING_DEFINITION = {
  StartAt: "Charge",
  States: { Charge: { Type: "Fail", Error: "Payment.Declined", Cause: `card "4242" can't pay\n{"code": 51}` } },
};
const TIMING_OUT_DEFINITION = { TimeoutSeconds: 1, StartAt: "Wait", States: { Wait: { Type: "Wait", Seconds: 2, End: true } } };
const DEPENDS_ON_THE_WORKFLOW = "depends on the workflow";

/** The seeds' walkthroughs ("Try it"): the message as the seed sends it, answered by the default (echo) workflow. */
export const WALKTHROUGH_MESSAGE = '{"first_name" : "Jane", "last_name" : "Doe"}';
export const WALKTHROUGH_BODY = '{"first_name":"Jane","last_name":"Doe"}';

export const WALKTHROUGHS: readonly Walkthrough[] = [
  {
    name: "WebSocket: the seed's walkthrough",
    probe: {
      when: "default",
      executions: 1,
      expected: "SUCCEEDED, output: the message (compact)",
      run: (t) =>
        observe(async (e, latencies) => {
          const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
          try {
            await client.opened;
            const reply = JSON.parse(unthrottledReply(await timed(latencies, () => client.ask(WALKTHROUGH_MESSAGE, t.timeoutMs))));
            e.equal("status", reply.status, "SUCCEEDED");
            e.equal("output", reply.output, JSON.stringify(JSON.parse(WALKTHROUGH_MESSAGE)));
            return `${reply.status}, output: ${clip(String(reply.output), 40)}`;
          } finally {
            client.socket.close();
          }
        }),
    },
  },
  {
    name: "REST: the seed's walkthrough",
    probe: {
      when: "default",
      executions: 1,
      expected: "200, data, apiInfo with apiKeyId, no key value",
      run: (t) =>
        observe(async (e, latencies) => {
          const answer = unthrottled(await timed(latencies, () => post(t, WALKTHROUGH_BODY, json(t.apiKey), t.timeoutMs)));
          const apiInfo = (answer.body.apiInfo ?? {}) as Record<string, unknown>;
          e.equal("status", answer.status, 200);
          e.equal("data", answer.body.data, JSON.parse(WALKTHROUGH_BODY));
          e.that(typeof apiInfo.apiKeyId === "string" && apiInfo.apiKeyId !== "", "apiInfo: no apiKeyId");
          e.equal("apiInfo's method and resource", [apiInfo.httpMethod, apiInfo.resourcePath], ["POST", "/"]);
          const leaks = JSON.stringify(answer.body).includes(t.apiKey);
          e.that(!leaks && !("apiKey" in apiInfo), "the answer holds the API key's value");
          const keyId = typeof apiInfo.apiKeyId === "string" ? "apiKeyId" : "no apiKeyId";
          return `${answer.status}, ${answer.body.data ? "data" : "no data"}, apiInfo with ${keyId}${leaks ? " and the key's value" : ""}`;
        }),
    },
  },
];

/**
 * A workflow of STEPGATE_WORKFLOWS, reached through its own route. Its workflow is the team's, so
 * its answer is not known: the rows check that the request reached that workflow's state machine
 * (WebSocket: the StartSyncExecution result names it; REST: an answer of the integration, not
 * API Gateway's 403 for a path it does not know, nor Step Functions' refusal to start it). Each
 * problem says where to look first, as the README's "a failed reaches workflow row" does.
 */
export function workflowWalkthroughs(name: string): Walkthrough[] {
  const message = JSON.stringify({ action: name, first_name: "Jane", last_name: "Doe" });
  const notStarted = (error: string) =>
    `Step Functions did not start workflow ${name}: ${error} (the api stack points at a state machine the workflow stack has not applied, or its role may not start it)`;
  return [
    {
      name: `WebSocket: action ${name} reaches workflow ${name}`,
      probe: {
        when: "default",
        executions: 1,
        expected: `a StartSyncExecution result of <prefix>-${name}`,
        run: (t) =>
          observe(async (e, latencies) => {
            const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
            try {
              await client.opened;
              const reply = JSON.parse(unthrottledReply(await timed(latencies, () => client.ask(message, t.timeoutMs))));
              const machine = String(reply.stateMachineArn ?? "");
              const machineName = machine.split(":").pop() ?? "";
              const refused = String(reply.__type ?? "").replace(/^.*#/, "");
              if (machine.includes(":stateMachine:") && !machine.endsWith(`-${name}`)) {
                e.fail(`the deployed WebSocket API has no route ${name}: $default answered, with ${machineName}`);
              } else if (NOT_STARTED.includes(refused)) {
                e.fail(notStarted(refused));
              } else {
                e.that(machine.endsWith(`-${name}`), `the reply names no state machine of workflow ${name}: ${clip(JSON.stringify(reply), 80)}`);
                e.that(typeof reply.status === "string", "the reply has no execution status");
              }
              return refused || `${reply.status ?? "no status"}, ${clip(machineName, 40)}`;
            } finally {
              client.socket.close();
            }
          }),
      },
    },
    {
      name: `REST: POST /${name} reaches workflow ${name}`,
      probe: {
        when: "default",
        executions: 1,
        expected: "an answer of the integration (200 with JSON, or {error, cause})",
        run: (t) =>
          observe(async (e, latencies) => {
            const url = `${t.restUrl.replace(/\/$/, "")}/${name}`;
            const answer = unthrottled(await timed(latencies, () => post({ restUrl: url }, WALKTHROUGH_BODY, json(t.apiKey), t.timeoutMs)));
            const error = typeof answer.body.error === "string" ? answer.body.error : undefined;
            if (answer.body.message === "Missing Authentication Token") {
              e.fail(`API Gateway knows no POST /${name}: the deployed REST API has no workflow ${name}`);
            } else if (error !== undefined && NOT_STARTED.includes(error)) {
              e.fail(notStarted(error));
            } else if (answer.status !== 200 && error === undefined) {
              e.fail(`not an answer of the integration: ${answer.status} ${clip(JSON.stringify(answer.body), 60)}`);
            }
            return `${answer.status} ${clip(JSON.stringify(answer.body), 50)}`;
          }),
      },
    },
  ];
}

/**
 * Input contracts (a workflow's schema, docs/input-contracts.md): the rows of the table, and how
 * verify checks them on each workflow with a schema, with a body the schema refuses.
 */
export const CONTRACT_ROWS = {
  rest: "REST: a body its workflow's schema refuses",
  websocket: "WebSocket: a message its workflow's schema refuses",
} as const;
/** What API Gateway answers a body or message its model refuses (stepgate's BAD_REQUEST_BODY gateway response, the WebSocket frame). */
export const CONTRACT_ANSWERS = { rest: { status: 400, message: "Invalid request body" }, websocketMessage: "Bad request body" } as const;
/** The schema the local tests of the rows give the default workflow. */
const CONTRACT_SCHEMA = { type: "object", required: ["first_name"], properties: { first_name: { type: "string" } } };
/** verify runs them per workflow with a schema instead (contractProbes), from the OpenAPI document (--openapi). */
const CONTRACT_NOT_VERIFIED = "needs a schema: run per workflow (--openapi)";

export const BAD_REQUESTS: readonly BadRequest[] = [
  {
    name: "REST: a body that is not JSON",
    answer: '400 `{"message": "Invalid request body"}`, and `"validationErrors"` where a workflow has a schema',
    next: "served",
    probe: restRow(
      '400 {"message": "Invalid request body"}; served',
      (t) => post(t, "{oops", json(t.apiKey), t.timeoutMs),
      (e, a) => {
        // With input contracts, the API's BAD_REQUEST_BODY gateway response says what the validator found.
        const { validationErrors, ...rest } = a.body;
        e.equal("answer", { status: a.status, body: rest }, { status: 400, body: { message: "Invalid request body" } });
        e.that(validationErrors === undefined || typeof validationErrors === "string", "validationErrors is not a string");
      },
    ),
  },
  {
    name: "REST: a content type other than `application/json`",
    answer: '415 `{"message": "Unsupported Media Type"}`',
    next: "served",
    probe: restRow(
      '415 {"message": "Unsupported Media Type"}; served',
      (t) => post(t, "a=1", { "x-api-key": t.apiKey, "content-type": "text/plain" }, t.timeoutMs),
      (e, a) => e.equal("answer", a, { status: 415, body: { message: "Unsupported Media Type" } }),
    ),
  },
  {
    name: "REST: no content type",
    answer: "taken for JSON: 200 with the output",
    next: "served",
    probe: restRow(
      "200 with the output; served",
      (t) => postExactly(t, '{"a":1}', { "x-api-key": t.apiKey }, t.timeoutMs),
      (e, a) => e.equal("answer", [a.status, a.body.data], [200, { a: 1 }]),
      2,
    ),
  },
  {
    name: "REST: no API key",
    answer: '403 `{"message": "Forbidden"}`',
    next: "served",
    probe: restRow(
      '403 {"message": "Forbidden"}; served',
      (t) => post(t, "{}", { "content-type": "application/json" }, t.timeoutMs),
      (e, a) => e.equal("answer", a, { status: 403, body: { message: "Forbidden" } }),
    ),
  },
  {
    name: "REST: a wrong API key",
    answer: '403 `{"message": "Forbidden"}`',
    next: "served",
    probe: restRow(
      '403 {"message": "Forbidden"}; served',
      (t) => post(t, "{}", json("wrong-key-0123456789abcdef"), t.timeoutMs),
      (e, a) => e.equal("answer", a, { status: 403, body: { message: "Forbidden" } }),
    ),
  },
  {
    name: "REST: over the throttle (stage or key)",
    answer: '429 `{"message": "Too Many Requests"}`',
    next: "served once the bucket refills (the rate limit)",
    // One token a second: three requests at once stay within one refill even on a loaded machine
    // (at 4 a second, a 250 ms spread under load let a second one through).
    env: { STEPGATE_REST_RATE_LIMIT: "1", STEPGATE_REST_BURST_LIMIT: "1" },
    probe: {
      when: "all",
      executions: 21,
      expected: `some 429 {"message": "Too Many Requests"} of ${THROTTLE_PROBE_REQUESTS}; served 1 s later`,
      run: (t) =>
        observe(async (e, latencies) => {
          const answers = await timed(latencies, () =>
            Promise.all(Array.from({ length: THROTTLE_PROBE_REQUESTS }, () => post(t, "{}", json(t.apiKey), t.timeoutMs))),
          );
          // The quota's or Step Functions' 429s are not the throttle this row checks.
          const otherThrottle = answers.map(throttlingOf).find((t) => t !== undefined && t.advice !== THROTTLED.rest);
          if (otherThrottle) throw otherThrottle;
          const throttled = answers.filter((a) => a.status === 429);
          const others = answers.filter((a) => a.status !== 200 && a.status !== 429);
          e.that(throttled.length > 0, `no 429 among ${THROTTLE_PROBE_REQUESTS} requests at once (a burst over ${THROTTLE_PROBE_REQUESTS - 1}?)`);
          for (const a of throttled) e.equal("a throttled answer", a.body, { message: "Too Many Requests" });
          e.equal("answers neither 200 nor 429", others.map(short), []);
          await sleep(1000);
          const served = answers.length - throttled.length - others.length;
          return `${served} x 200, ${throttled.length} x 429${others.length ? `, ${others.length} other` : ""}; 1 s later ${await restServed(t, e)}`;
        }),
    },
  },
  {
    name: "REST: over the key's quota",
    answer: '429 `{"message": "Limit Exceeded"}`',
    next: "refused until the quota period (`STEPGATE_QUOTA_PERIOD`) ends",
    env: { STEPGATE_QUOTA_LIMIT: "1" },
    notVerified: "would refuse the key until the period ends",
  },
  {
    name: "REST with `COGNITO`: no token, or one that is not a token of the user pools",
    answer: '401 `{"message": "Unauthorized"}`',
    next: "served with a valid token",
    env: { STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123" },
    notVerified: "needs STEPGATE_REST_AUTH=COGNITO and a user's tokens",
  },
  {
    name: "REST with `COGNITO`: an expired token",
    answer: '401 `{"message": "The incoming token has expired"}`',
    next: "served with a valid token",
    env: { STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123" },
    notVerified: "needs STEPGATE_REST_AUTH=COGNITO and an expired token",
  },
  {
    name: "REST with `AWS_IAM`: an unsigned request",
    answer: '403 `{"message": "Missing Authentication Token"}`',
    next: "served once signed (SigV4)",
    env: { STEPGATE_REST_AUTH: "AWS_IAM" },
    notVerified: "needs STEPGATE_REST_AUTH=AWS_IAM and a signer",
  },
  {
    name: "REST: an input over Step Functions' 256 KB",
    answer: '400 `{"error": "ValidationException", "cause": "...262144"}`',
    next: "served",
    probe: restRow(
      '400 {"error": "ValidationException", "cause": "...262144"}; served',
      (t) => post(t, REST_PAD_OVER_256_KB(), json(t.apiKey), t.timeoutMs),
      (e, a) => {
        e.equal("status and error", [a.status, a.body.error], [400, "ValidationException"]);
        e.equal("fields", Object.keys(a.body).sort(), ["cause", "error"]);
        e.that(String(a.body.cause).includes("262144"), "the cause does not name the limit, 262144");
      },
    ),
  },
  {
    name: "REST: an execution that fails",
    answer: '500 `{"error": ..., "cause": ...}`, valid JSON whatever they hold',
    next: "answered alike: each request is its own execution",
    definition: FAILING_DEFINITION,
    notVerified: DEPENDS_ON_THE_WORKFLOW,
  },
  {
    name: "REST: an execution that times out",
    answer: '504 `{"error": "States.Timeout", "cause": ...}`',
    next: "answered alike: each request is its own execution",
    definition: TIMING_OUT_DEFINITION,
    options: { waitScale: 1 },
    notVerified: DEPENDS_ON_THE_WORKFLOW,
  },
  {
    name: "REST: an execution past API Gateway's 29 s",
    answer: '504 `{"message": "Endpoint request timed out"}` (the execution runs on)',
    next: "answered alike: each request is its own execution",
    options: { waitScale: 1, integrationTimeoutMs: 200 },
    notVerified: "needs a workflow past 29 s",
  },
  {
    name: "WebSocket: a message over 128 KB",
    answer: "the connection closes with code 1009",
    next: "a new connection is served",
    probe: {
      when: "default",
      executions: 1,
      expected: "closed with 1009; a new connection served",
      run: (t) =>
        observe(async (e, latencies) => {
          const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
          await client.opened;
          const code = await timed(latencies, () => {
            client.socket.send("x".repeat(WEBSOCKET_MESSAGE_LIMIT_BYTES + 1));
            return within(client.closed, t.timeoutMs, "no close").catch((error) => {
              client.socket.terminate();
              throw error;
            });
          });
          e.equal("close code", code, 1009);
          const again = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
          try {
            await again.opened;
            return `closed with ${code}; a new connection ${await wsServed(again, e, "a new connection")}`;
          } finally {
            again.socket.close();
          }
        }),
    },
  },
  {
    name: "WebSocket: a message that is not JSON",
    answer: 'Step Functions\' error as the reply, `{"__type": "...#InvalidExecutionInput", "message": ...}`',
    next: "the connection stays open and is served",
    probe: {
      when: "default",
      executions: 1,
      expected: '{"__type": "...#InvalidExecutionInput", "message": ...}; served',
      run: (t) =>
        observe(async (e, latencies) => {
          const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
          try {
            await client.opened;
            const text = unthrottledReply(await timed(latencies, () => client.ask("hello, it's me", t.timeoutMs)));
            const reply = JSON.parse(text);
            e.equal("fields", Object.keys(reply).sort(), ["__type", "message"]);
            e.that(/#InvalidExecutionInput$/.test(String(reply.__type)), `__type: expected ...#InvalidExecutionInput, got ${JSON.stringify(reply.__type)}`);
            e.that(typeof reply.message === "string", "no message");
            return `${clip(text, 50)}; ${await wsServed(client, e, "then on the same connection")}`;
          } finally {
            client.socket.close();
          }
        }),
    },
  },
  {
    name: "WebSocket: `$connect` without the required authorization",
    answer: "the handshake is refused with 403",
    next: "an authorized connection is served",
    env: { STEPGATE_WS_CONNECT_AUTH: "API_KEY" },
    probe: {
      when: "default",
      executions: 0,
      expected: "403; with the key, served",
      run: (t) => {
        let open = false;
        return observe(
          async (e, latencies) => {
            const bare = connect(t.websocketUrl, {}, t.timeoutMs);
            const refused = await timed(latencies, () => bare.opened.then(() => undefined).catch((error: Error) => error.message));
            bare.socket.close();
            open = refused === undefined;
            if (open) return "open";
            if (refused === "HTTP 429") throw new Throttled(refused, THROTTLED.websocket);
            e.equal("the handshake", refused, "HTTP 403");
            const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
            try {
              await client.opened;
              return `${refused}; with the key ${await wsServed(client, e, "an authorized connection")}`;
            } finally {
              client.socket.close();
            }
          },
          // Open to anyone (STEPGATE_WS_CONNECT_AUTH=NONE, the default): nothing to check.
          (e) => (open && e.problems.length === 0 ? "not run: $connect is open here" : undefined),
        );
      },
    },
  },
  {
    name: "WebSocket: over the route's throttle",
    answer: '`{"message": "Too Many Requests", "connectionId": ..., "requestId": ...}` as the reply',
    next: "the connection stays open",
    env: { STEPGATE_WS_RATE_LIMIT: "4", STEPGATE_WS_BURST_LIMIT: "1" },
    probe: {
      when: "all",
      executions: 21,
      expected: `some "Too Many Requests" of ${THROTTLE_PROBE_REQUESTS}; served 1 s later`,
      run: (t) =>
        observe(async (e, latencies) => {
          const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
          try {
            await client.opened;
            const frames = await timed(latencies, () => {
              for (let i = 0; i < THROTTLE_PROBE_REQUESTS; i++) client.socket.send("{}");
              return Promise.all(Array.from({ length: THROTTLE_PROBE_REQUESTS }, () => client.next(t.timeoutMs)));
            });
            // Step Functions' throttling is not the throttle this row checks.
            const otherThrottle = frames.map(replyThrottlingOf).find((t) => t?.advice === THROTTLED.stepFunctions);
            if (otherThrottle) throw otherThrottle;
            const throttled = frames.filter((f) => ERROR_FRAME.test(f) && JSON.parse(f).message === "Too Many Requests");
            const served = frames.filter((f) => JSON.parse(f).status === "SUCCEEDED");
            e.that(throttled.length > 0, `no "Too Many Requests" frame among ${THROTTLE_PROBE_REQUESTS} messages at once`);
            e.equal("frames neither served nor throttled", frames.length - throttled.length - served.length, 0);
            await sleep(1000);
            return `${served.length} served, ${throttled.length} throttled; 1 s later ${await wsServed(client, e, "1 s later, on the same connection")}`;
          } finally {
            client.socket.close();
          }
        }),
    },
  },
  {
    name: "WebSocket: an execution that fails",
    answer: "the StartSyncExecution result with `status` FAILED, `error` and `cause`",
    next: "the connection stays open",
    definition: FAILING_DEFINITION,
    notVerified: DEPENDS_ON_THE_WORKFLOW,
  },
  {
    name: "WebSocket: an execution that times out",
    answer: "the StartSyncExecution result with `status` TIMED_OUT",
    next: "the connection stays open",
    definition: TIMING_OUT_DEFINITION,
    options: { waitScale: 1 },
    notVerified: DEPENDS_ON_THE_WORKFLOW,
  },
  {
    name: "WebSocket: an execution past API Gateway's 29 s",
    answer: '`{"message": "Endpoint request timed out", "connectionId": ..., "requestId": ...}` as the reply',
    next: "the connection stays open",
    options: { waitScale: 1, integrationTimeoutMs: 200 },
    notVerified: "needs a workflow past 29 s",
  },
  {
    name: CONTRACT_ROWS.rest,
    answer: '400 `{"message": "Invalid request body", "validationErrors": "[...]"}`, what the schema refuses',
    next: "no execution starts; a body that matches is served",
    schema: CONTRACT_SCHEMA,
    notVerified: CONTRACT_NOT_VERIFIED,
  },
  {
    name: CONTRACT_ROWS.websocket,
    answer: '`{"message": "Bad request body", "connectionId": ..., "requestId": ...}` as the reply',
    next: "no execution starts; the connection stays open and is served",
    schema: CONTRACT_SCHEMA,
    notVerified: CONTRACT_NOT_VERIFIED,
  },
];

/** verify's two rows of a workflow with a schema: `body` a REST body it refuses, `message` a WebSocket message it refuses (its action in it). */
export function contractProbes(workflow: string, refused: { readonly body: string; readonly message: string }): Array<{ name: string; probe: Probe }> {
  return [
    {
      name: `${CONTRACT_ROWS.rest} (${workflow})`,
      probe: {
        when: "default",
        executions: 0,
        expected: `400 {"message": "Invalid request body", ...} for ${clip(refused.body, 30)}`,
        run: (t) =>
          observe(async (e, latencies) => {
            const answer = unthrottled(
              await timed(latencies, () => post({ restUrl: workflowUrl(t.restUrl, workflow) }, refused.body, json(t.apiKey), t.timeoutMs)),
            );
            e.equal("status", answer.status, CONTRACT_ANSWERS.rest.status);
            e.equal("message", answer.body.message, CONTRACT_ANSWERS.rest.message);
            e.that(typeof answer.body.validationErrors === "string", "no validationErrors: the BAD_REQUEST_BODY gateway response is not deployed");
            return clip(short(answer), 60);
          }),
      },
    },
    {
      name: `${CONTRACT_ROWS.websocket} (${workflow})`,
      probe: {
        when: "default",
        executions: 0,
        expected: `{"message": "Bad request body", ...} for ${clip(refused.message, 30)}; open`,
        run: (t) =>
          observe(async (e, latencies) => {
            const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
            try {
              await client.opened;
              const reply = unthrottledReply(await timed(latencies, () => client.ask(refused.message, t.timeoutMs)));
              e.that(ERROR_FRAME.test(reply), `not API Gateway's error frame: ${clip(reply, 60)}`);
              e.equal("message", (JSON.parse(reply) as { message?: unknown }).message, CONTRACT_ANSWERS.websocketMessage);
              // A bad request leaves the connection open.
              await sleep(200);
              e.that(client.socket.readyState === client.socket.OPEN, "the connection closed");
              return `${clip(reply, 45)}; ${client.socket.readyState === client.socket.OPEN ? "open" : "closed"}`;
            } finally {
              client.socket.close();
            }
          }),
      },
    },
  ];
}

/**
 * The client contract of async workflows (STEPGATE_ASYNC_WORKFLOWS, docs/long-running-workflows.md):
 * what a client receives, as data, for the local tests, `npm run verify` and the docs.
 */
export const ASYNC_CONTRACT = {
  /** An execution's id: the request's id, as stepgate names executions. */
  executionId: /^[A-Za-z0-9_-]{1,80}$/,
  /** WebSocket: the frame a message to an async workflow gets at once. */
  ackFrame: (executionId: string) => ({ executionId, status: "RUNNING" }),
  /**
   * WebSocket: the frame that follows when the execution ends, a synchronous reply's fields for the
   * same outcome: `output` (the same JSON text) when it SUCCEEDED, else `error` and `cause`.
   */
  resultFrame: (executionId: string, outcome: Outcome) => ({ executionId, ...outcome }),
  /** WebSocket: the frame instead of a result over a frame's 128 KB. */
  tooLargeError: "stepgate.ResultTooLarge",
  /** REST: a POST to an async workflow, answered at once. */
  accepted: { status: 202, body: (executionId: string) => ({ executionId }) },
  /** REST: where to read it, on the same stage as the POST (`stagePath`: `/<stage>`, or "" on a custom domain). */
  location: (stagePath: string, executionId: string) => `${stagePath}/executions/${executionId}`,
  /** REST: GET /executions/<id> while it runs. */
  running: { status: 202, body: (executionId: string) => ({ executionId, status: "RUNNING" }) },
  /** REST: GET /executions/<id> once it ended: the synchronous POST's status for the outcome (its body too). */
  endedStatus: { SUCCEEDED: 200, FAILED: 500, ABORTED: 500, TIMED_OUT: 504 } as Readonly<Record<Outcome["status"], number>>,
  /** REST: an unknown id, a malformed one, or another caller's execution: word for word the same. */
  notFound: { status: 404, body: (id: string) => ({ error: "ExecutionNotFound", cause: `No execution of yours has the id "${id}"` }) },
} as const;

/** How an execution ended, in a synchronous reply's fields. */
export type Outcome =
  | { readonly status: "SUCCEEDED"; readonly output: string }
  | { readonly status: "FAILED" | "TIMED_OUT" | "ABORTED"; readonly error: string; readonly cause: string };

/** A row of the async contract (docs/bad-requests.md's "Long-running workflows"), with how verify checks it. */
export interface AsyncRow {
  readonly name: string;
  readonly answer: string;
  readonly next: string;
  /** How verify checks it on an async workflow, when it can (else the local tests prove it alone). */
  readonly probe?: (workflow: string) => Probe;
  /** Why `npm run verify` does not run the row, when it has no probe. */
  readonly notVerified?: string;
}

/** The message verify and the local tests send an async workflow: the walkthrough's, with the workflow's action. */
export function asyncMessage(workflow: string): string {
  return workflow === DEFAULT_WORKFLOW ? WALKTHROUGH_MESSAGE : JSON.stringify({ action: workflow, ...JSON.parse(WALKTHROUGH_MESSAGE) });
}

/** The REST URL of a workflow's POST: the stage's for the default one, `<stage>/<name>` for another. */
export function workflowUrl(restUrl: string, workflow: string): string {
  return workflow === DEFAULT_WORKFLOW ? restUrl : `${restUrl.replace(/\/$/, "")}/${workflow}`;
}

/** How often verify reads an async execution until it ends: each GET is a request of the usage plan. */
export const POLL_INTERVAL_MS = 1000;

/** The two frames of one message, in the order they came (the result may come first: read `status`); the frames of other messages are left. */
async function framesOf(client: ReturnType<typeof connect>, waitMs: number): Promise<{ ack: Record<string, unknown>; result: Record<string, unknown> }> {
  const frames: Array<Record<string, unknown>> = [];
  const deadline = Date.now() + waitMs;
  while (frames.length < 2) {
    const frame = JSON.parse(unthrottledReply(await client.next(Math.max(1, deadline - Date.now()))));
    frames.push(frame);
    // A refusal (not JSON, throttled...) is a reply of its own: nothing follows it.
    if (frames.length === 1 && frame.executionId === undefined) return { ack: frame, result: {} };
  }
  const ack = frames.find((f) => f.status === "RUNNING") ?? frames[0];
  return { ack, result: frames.find((f) => f !== ack) ?? {} };
}

/** Checks a result frame's fields against the contract: a synchronous reply's for its status. */
function checkOutcome(e: Expectations, what: string, outcome: Record<string, unknown>): void {
  const status = String(outcome.status);
  if (status === "SUCCEEDED") {
    e.equal(`${what}'s fields`, Object.keys(outcome).sort(), ["executionId", "output", "status"]);
    e.that(typeof outcome.output === "string", `${what}: output is not JSON text`);
  } else {
    e.that(["FAILED", "TIMED_OUT", "ABORTED"].includes(status), `${what}: status ${JSON.stringify(outcome.status)}`);
    e.equal(`${what}'s fields`, Object.keys(outcome).sort(), ["cause", "error", "executionId", "status"]);
  }
}

/** GETs a Location until the execution ends (202 RUNNING meanwhile), at most until `deadline`. */
async function pollUntilEnded(url: string, key: string, deadline: number): Promise<{ answer: Answer; polls: number }> {
  for (let polls = 1; ; polls++) {
    const answer = unthrottled(await get(url, { "x-api-key": key }, Math.max(1, deadline - Date.now())));
    if (answer.status !== ASYNC_CONTRACT.running.status || Date.now() + POLL_INTERVAL_MS > deadline) return { answer, polls };
    await sleep(POLL_INTERVAL_MS);
  }
}

export const ASYNC_ROWS: readonly AsyncRow[] = [
  {
    name: "WebSocket: a message to an async workflow",
    answer:
      'at once `{"executionId": "<id>", "status": "RUNNING"}`; at the end, `{"executionId": "<id>", "status": ...}` with a synchronous reply\'s `output`, or `error` and `cause`',
    next: "each message in flight gets its own pair, told apart by `executionId`",
    probe: (workflow) => ({
      when: "default",
      executions: 2,
      expected: "RUNNING, then the result frame, one executionId",
      run: (t) =>
        observe(async (e, latencies) => {
          const client = connect(t.websocketUrl, wsHeaders(t), t.timeoutMs);
          try {
            await client.opened;
            client.socket.send(asyncMessage(workflow));
            const { ack, result } = await timed(latencies, () => framesOf(client, t.timeoutMs));
            const id = String(ack.executionId ?? "");
            e.that(ASYNC_CONTRACT.executionId.test(id), `the acknowledgement has no executionId: ${clip(JSON.stringify(ack), 80)}`);
            e.equal("the acknowledgement", ack, ASYNC_CONTRACT.ackFrame(id));
            e.equal("the result frame's executionId", result.executionId, id);
            checkOutcome(e, "the result frame", result);
            return `RUNNING, then ${String(result.status ?? "nothing")}`;
          } finally {
            client.socket.close();
          }
        }),
    }),
  },
  {
    name: "REST: a POST to an async workflow",
    answer: '202 `{"executionId": "<id>"}`, `Location: /<stage>/executions/<id>`',
    next: "`GET` the Location: 202 `RUNNING` until the end, then what a synchronous `POST` answers (200 with the output, 500, 504)",
    probe: (workflow) => ({
      when: "default",
      executions: 2,
      expected: "202 with Location; GET 202 RUNNING..., then 200; again 200",
      run: (t) =>
        observe(async (e, latencies) => {
          const deadline = Date.now() + t.timeoutMs;
          const { answer, location } = await timed(latencies, () => postAsync(workflowUrl(t.restUrl, workflow), WALKTHROUGH_BODY, json(t.apiKey), t.timeoutMs));
          const id = String(answer.body.executionId ?? "");
          e.that(ASYNC_CONTRACT.executionId.test(id), `no executionId: ${clip(short(unthrottled(answer)), 80)}`);
          e.equal("the POST's answer", answer, { status: ASYNC_CONTRACT.accepted.status, body: ASYNC_CONTRACT.accepted.body(id) });
          const stagePath = new URL(t.restUrl).pathname.replace(/\/$/, "");
          e.equal("Location", location, ASYNC_CONTRACT.location(stagePath, id));
          if (location === undefined || e.problems.length > 0) return clip(short(answer), 50);
          const url = new URL(location, t.restUrl).toString();
          const { answer: ended, polls } = await pollUntilEnded(url, t.apiKey, deadline);
          e.equal("the answer once it ended", ended.status, ASYNC_CONTRACT.endedStatus.SUCCEEDED);
          const again = unthrottled(await get(url, { "x-api-key": t.apiKey }, t.timeoutMs));
          e.equal("a GET after the end", again, ended);
          return `202, Location; ${polls} GET, then ${ended.status}; again ${again.status}`;
        }),
    }),
  },
  {
    name: "REST: `GET /executions/<id>` with another API key, an unknown id or a malformed one",
    answer: '404 `{"error": "ExecutionNotFound", "cause": "No execution of yours has the id \\"<id>\\""}`, the same for all three',
    next: "the owner's key reads it",
    probe: (workflow) => ({
      when: "default",
      executions: 2,
      expected: "404 ExecutionNotFound for each; the owner reads it",
      run: (t) =>
        observe(async (e, latencies) => {
          const executions = new URL(ASYNC_CONTRACT.location(new URL(t.restUrl).pathname.replace(/\/$/, ""), ""), t.restUrl).toString();
          const notFound = async (id: string, key: string) => {
            const answer = unthrottled(await get(`${executions}${encodeURIComponent(id)}`, { "x-api-key": key }, t.timeoutMs));
            e.equal(`GET of ${JSON.stringify(id)}`, answer, { status: ASYNC_CONTRACT.notFound.status, body: ASYNC_CONTRACT.notFound.body(id) });
            return answer.status;
          };
          const statuses = [await timed(latencies, () => notFound("nosuchexecution0", t.apiKey)), await notFound("not.an-id", t.apiKey)];
          if (t.secondApiKey === undefined) return `${statuses.join(", ")}; another key not checked`;
          const { answer } = await postAsync(workflowUrl(t.restUrl, workflow), WALKTHROUGH_BODY, json(t.apiKey), t.timeoutMs);
          const id = String(unthrottled(answer).body.executionId ?? "");
          e.that(ASYNC_CONTRACT.executionId.test(id), `the POST did not start an execution: ${clip(short(answer), 60)}`);
          statuses.push(await notFound(id, t.secondApiKey));
          const owner = unthrottled(await get(`${executions}${id}`, { "x-api-key": t.apiKey }, t.timeoutMs));
          e.that(owner.status !== ASYNC_CONTRACT.notFound.status, "its owner's key does not read it either");
          return `${statuses.join(", ")}; the owner ${owner.status}`;
        }),
    }),
  },
  {
    name: "WebSocket: a message that is not JSON, to an async workflow",
    answer:
      'the acknowledgement, then the result frame `{"executionId": "<id>", "status": "FAILED", "error": "...InvalidExecutionInput...", "cause": ...}`: Step Functions refuses the text when the runner starts the workflow',
    next: "the workflow never runs, and the runner does not count it as its own fault; the connection stays open",
    notVerified:
      "only the default workflow can be sent text that is not JSON (a named workflow's route needs its action, which only JSON has): proved by the local tests",
  },
  {
    name: "WebSocket: a result over 128 KB",
    answer: '`{"executionId": "<id>", "status": ..., "error": "stepgate.ResultTooLarge", "cause": ...}` instead of the result',
    next: "REST reads the result, with the credentials that started it",
    notVerified: DEPENDS_ON_THE_WORKFLOW,
  },
  {
    name: "WebSocket: a client that left before the end",
    answer: "nothing: the runner's post answers 410, and it ends there, without retrying or counting a failure",
    next: "REST reads the result with the same API key (`STEPGATE_WS_CONNECT_AUTH=API_KEY`) or IAM principal; with `NONE`, nobody",
    notVerified: "proved by the local tests: a deployment shows it only in the runner's logs",
  },
];
