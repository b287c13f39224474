import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { type MappingInput, type Rendered, renderVtl } from "./vtl";
import { type Delivery, LocalRunner, type Reply } from "./runner";
import { errorBody, LocalStepFunctions, type ServiceResponse } from "./step-functions";
import {
  type IntegrationResponse,
  LOCAL_ACCOUNT,
  readSynthesizedApp,
  type StepFunctionsAction,
  type SynthesizedApp,
  type SynthesizedRestRoute,
} from "./synthesized";
import { Quota, TokenBucket } from "./throttle";
import { apiKeyIdOf, authorizeCaller, connectIdentity, connectRefusal } from "./callers";
import { GATEWAY_RESPONSES } from "./gateway-responses";
import { OPENAPI_FILE } from "../stacks/openapi";
import { BAD_REQUEST_BODY_FRAME_MESSAGE, gatewayResponseBody, InputContracts, validationErrorString } from "./input-contracts";

/**
 * `npm run local`: the two APIs as API Gateway would run them, on loopback, from what synth wrote:
 * the same templates, the same state machine (executed by aws-local-stepfunctions), the same
 * throttling, quota and API key, and API Gateway's own answers (403, 415, 429, 504, close 1009).
 */

export interface LocalGatewayOptions {
  /** The folder synth wrote (`cdktf.out`). */
  readonly outdir: string;
  /** 0 picks a free port. */
  readonly wsPort: number;
  readonly httpPort: number;
  /** The API key the REST API (and `$connect`, when it requires one) accepts. @default generated */
  readonly apiKey?: string;
  /**
   * More keys of the usage plan, each with an id of its own, as other clients of the same API hold
   * (an async execution is readable only with the key that started it).
   * @default none
   */
  readonly otherApiKeys?: readonly string[];
  /** Multiplies Wait durations: 0 for tests, 1 for real time. @default 1 */
  readonly waitScale?: number;
  /** Overrides every synthesized integration timeout (29 s, or STEPGATE_REST_TIMEOUT_MS), so tests need not wait for it. */
  readonly integrationTimeoutMs?: number;
  /** Where the one line per request goes. @default nowhere */
  readonly log?: (line: string) => void;
}

export interface LocalGateway {
  /** `ws://127.0.0.1:<port>/<stage>` */
  readonly websocketUrl: string;
  /** `http://127.0.0.1:<port>/<stage>/`: POST JSON here. */
  readonly restUrl: string;
  readonly apiKey: string;
  readonly app: SynthesizedApp;
  /** The runner of async workflows, when any workflow is async: its executions and the metrics it put. */
  readonly runner?: LocalRunner;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
/** API Gateway's limits: a WebSocket message of 128 KB, a REST payload of 10 MB. */
export const MAX_WEBSOCKET_MESSAGE_BYTES = 128 * 1024;
export const MAX_REST_PAYLOAD_BYTES = 10 * 1024 * 1024;
const API_ID = "local";

export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const app = readSynthesizedApp(options.outdir);
  const apiKey = options.apiKey || randomBytes(30).toString("base64url").slice(0, 40);
  const log = options.log ?? (() => undefined);
  // One local Step Functions per state machine; a request goes to the one its ARN names (the default
  // one answers the rest: a request that is not JSON, a state machine that does not exist).
  const machines = new Map(
    Object.values(app.stateMachines).map((stateMachine) => [
      stateMachine.arn,
      new LocalStepFunctions({ region: app.region, stateMachine, waitScale: options.waitScale ?? 1 }),
    ]),
  );
  const stepFunctionsFor = (request: string) => machines.get(stateMachineArnOf(request)) ?? (machines.get(app.stateMachine.arn) as LocalStepFunctions);
  // The open connections, where the runner posts result frames (POST /@connections/{id}).
  const connections = new Map<string, WebSocket>();
  const deliver = (reply: Reply, frame: string): Delivery => {
    if (reply.endpoint !== app.websocket.endpoint || reply.stage !== app.websocket.stage) return "forbidden";
    const socket = connections.get(reply.connectionId);
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      log(`WS  @connections 410 ${reply.connectionId}`);
      return "gone";
    }
    socket.send(frame);
    log(`WS  @connections 200 ${reply.connectionId}`);
    return "sent";
  };
  const runner =
    app.runner &&
    new LocalRunner({ region: app.region, runner: app.runner, workflow: (arn) => machines.get(arn), deliver, log: (line) => log(`RUNNER ${line}`) });

  /** Step Functions answers an action of an integration, or undefined when API Gateway gives up first. */
  const callIntegration: CallIntegration = (action, request, timeoutMs) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.integrationTimeoutMs ?? timeoutMs)));
    const answer = async (): Promise<ServiceResponse> => {
      if (action === "StartSyncExecution") return stepFunctionsFor(request).startSyncExecution(request);
      if (runner === undefined) return errorBody("StateMachineDoesNotExist", `State Machine Does Not Exist: '${stateMachineArnOf(request)}'`);
      return action === "StartExecution" ? runner.startExecution(request) : runner.describeExecution(request);
    };
    return Promise.race([answer(), timeout]).finally(() => clearTimeout(timer));
  };

  const apiKeys = new Map([apiKey, ...(options.otherApiKeys ?? [])].map((key, i) => [key, apiKeyIdOf(i)]));
  const contracts = new InputContracts();
  // The OpenAPI document synth wrote beside the stacks, when it did.
  const openApiFile = path.join(options.outdir, OPENAPI_FILE);
  const openApi = fs.existsSync(openApiFile) ? (JSON.parse(fs.readFileSync(openApiFile, "utf8")) as Record<string, unknown>) : undefined;
  const restServer = http.createServer(restHandler(app, apiKeys, callIntegration, contracts, log, openApi));
  restServer.keepAliveTimeout = 60_000;
  const wsServer = new WebSocketServer({
    host: HOST,
    port: options.wsPort,
    path: `/${app.websocket.stage}`,
    maxPayload: MAX_WEBSOCKET_MESSAGE_BYTES,
    verifyClient: ({ req }, done) => {
      const refused = connectRefusal(app.websocket.connectAuth, req, apiKeys);
      log(`WS  $connect ${refused ? "403" : "200"}`);
      if (refused) done(false, 403, refused);
      else done(true);
    },
  });
  const wsThrottle = new TokenBucket(app.websocket.throttle.rateLimit, app.websocket.throttle.burstLimit);
  wsServer.on("connection", (socket: WebSocket, req) => {
    const connection: Connection = {
      id: randomBytes(12).toString("base64"),
      connectedAt: Date.now(),
      identity: { sourceIp: req.socket.remoteAddress ?? HOST, ...connectIdentity(app.websocket.connectAuth, req, apiKeys) },
    };
    connections.set(connection.id, socket);
    socket.on("close", () => connections.delete(connection.id));
    // A message over the limit: ws closes the connection with 1009, as API Gateway does.
    socket.on("error", (e) => log(`WS  ${(e as { code?: string }).code ?? e.message} ${connection.id}`));
    socket.on("message", (data, isBinary) => {
      void onWebSocketMessage(
        app,
        socket,
        connection,
        isBinary ? Buffer.from(data as Buffer).toString("base64") : data.toString(),
        wsThrottle,
        callIntegration,
        contracts,
        log,
      );
    });
  });

  await Promise.all([
    new Promise<void>((resolve, reject) => restServer.once("error", reject).listen(options.httpPort, HOST, () => resolve())),
    new Promise<void>((resolve, reject) => wsServer.once("error", reject).once("listening", () => resolve())),
  ]);
  const wsPort = (wsServer.address() as AddressInfo).port;
  const httpPort = (restServer.address() as AddressInfo).port;
  return {
    websocketUrl: `ws://${HOST}:${wsPort}/${app.websocket.stage}`,
    restUrl: `http://${HOST}:${httpPort}/${app.rest.stage}/`,
    apiKey,
    app,
    runner,
    close: async () => {
      runner?.close();
      for (const stepFunctions of machines.values()) stepFunctions.close();
      for (const client of wsServer.clients) client.close(1001, "Going away");
      await Promise.all([
        new Promise<void>((resolve) => wsServer.close(() => resolve())),
        new Promise<void>((resolve) => {
          restServer.close(() => resolve());
          restServer.closeAllConnections();
        }),
      ]);
    },
  };
}

/**
 * API Gateway's own WebSocket error frame, byte for byte as it sends it: a space after
 * `"message":` and none after the other colons.
 */
export function webSocketErrorFrame(message: string, connectionId: string, requestId: string): string {
  return `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, "requestId":${JSON.stringify(requestId)}}`;
}

interface Connection {
  readonly id: string;
  readonly connectedAt: number;
  readonly identity: { readonly sourceIp: string; readonly apiKeyId?: string; readonly userArn?: string };
}

type CallIntegration = (action: StepFunctionsAction, request: string, timeoutMs: number) => Promise<ServiceResponse | undefined>;

async function onWebSocketMessage(
  app: SynthesizedApp,
  socket: WebSocket,
  connection: Connection,
  message: string,
  throttle: TokenBucket,
  callIntegration: CallIntegration,
  contracts: InputContracts,
  log: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  const requestId = randomBytes(12).toString("base64");
  // Route selection on $request.body.action: a route of that key, else $default.
  const action = actionOf(message);
  const routeKey = action !== undefined && Object.hasOwn(app.websocket.actions, action) ? action : "$default";
  const route = app.websocket.routes[routeKey];
  const send = (body: string, outcome: string) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(body);
    log(`WS  ${routeKey} ${outcome} ${Date.now() - started}ms ${connection.id} ${requestId}`);
  };
  const gatewayMessage = (m: string) => webSocketErrorFrame(m, connection.id, requestId);
  if (!throttle.take()) return send(gatewayMessage(GATEWAY_RESPONSES.throttled.message), "429");
  // A route with a model: a message that does not match it starts nothing; the connection stays open.
  if (route.model !== undefined && contracts.check(route.model, message) !== undefined) {
    return send(gatewayMessage(BAD_REQUEST_BODY_FRAME_MESSAGE), "400");
  }
  const context = {
    connectionId: connection.id,
    connectedAt: connection.connectedAt,
    routeKey,
    eventType: "MESSAGE",
    messageDirection: "IN",
    messageId: randomBytes(8).toString("base64"),
    requestId,
    requestTimeEpoch: started,
    stage: app.websocket.stage,
    apiId: API_ID,
    domainName: HOST,
    identity: connection.identity,
  };
  let request: string;
  try {
    request = renderVtl(route.requestTemplate, { body: message, context }).output;
  } catch {
    return send(gatewayMessage(GATEWAY_RESPONSES.internal.message), "500");
  }
  const response = await callIntegration(route.action, request, app.websocket.integrationTimeoutMs);
  if (response === undefined) return send(gatewayMessage(GATEWAY_RESPONSES.timeout.message), "504");
  // Without a response template, the client gets Step Functions' answer as it is (a synchronous
  // route); an async route's template makes it the acknowledgement.
  if (route.responseTemplate === undefined) return send(response.body, String(response.statusCode));
  try {
    send(renderVtl(route.responseTemplate, { body: response.body, context }).output, String(response.statusCode));
  } catch {
    send(gatewayMessage(GATEWAY_RESPONSES.internal.message), "500");
  }
}

function restHandler(
  app: SynthesizedApp,
  apiKeys: ReadonlyMap<string, string>,
  callIntegration: CallIntegration,
  contracts: InputContracts,
  log: (line: string) => void,
  openApi?: Readonly<Record<string, unknown>>,
): http.RequestListener {
  const stageThrottle = new TokenBucket(app.rest.throttle.rateLimit, app.rest.throttle.burstLimit);
  // The usage plan throttles and counts each key apart.
  const perKey = new Map(
    [...apiKeys.keys()].map((key) => [
      key,
      {
        throttle: new TokenBucket(app.rest.usagePlan.throttle.rateLimit, app.rest.usagePlan.throttle.burstLimit),
        quota: new Quota(app.rest.usagePlan.quota.limit, app.rest.usagePlan.quota.period),
      },
    ]),
  );

  return (req, res) => {
    const started = Date.now();
    const requestId = randomUUID();
    // As API Gateway's: 16 characters of base64, which the request template turns into the execution's name.
    const extendedRequestId = `${randomBytes(12).toString("base64").slice(0, 15)}=`;
    const reply = (statusCode: number, body: string, headers: Readonly<Record<string, string>> = {}) => {
      res.writeHead(statusCode, { "content-type": "application/json", "x-amzn-requestid": requestId, ...headers }).end(body);
      log(`REST ${req.method} ${req.url} ${statusCode} ${Date.now() - started}ms ${extendedRequestId}`);
    };
    // API Gateway's own errors, with the headers their gateway responses add (DEFAULT_4XX, DEFAULT_5XX).
    const gateway = (r: { statusCode: number; message: string }) =>
      reply(r.statusCode, JSON.stringify({ message: r.message }), app.rest.gatewayResponseHeaders[r.statusCode < 500 ? "DEFAULT_4XX" : "DEFAULT_5XX"]);
    const requestHeaders = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));

    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REST_PAYLOAD_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      void (async () => {
        const pathname = new URL(req.url ?? "/", "http://local").pathname;
        // The resource: `/<stage>` or `/<stage>/` is `/`, `/<stage>/<name>` is `/<name>`.
        const stage = `/${app.rest.stage}`;
        const inStage = pathname === stage || pathname.startsWith(`${stage}/`);
        const requested = inStage ? `/${pathname.slice(stage.length).replace(/^\/|\/$/g, "")}` : undefined;
        // The REST API's OpenAPI document, its server this gateway: open to all, as a file a portal reads.
        if (openApi !== undefined && req.method === "GET" && requested === `/${OPENAPI_FILE}`) {
          const servers = [{ url: `http://${req.headers.host ?? HOST}${stage}`, description: "npm run local" }];
          return reply(200, `${JSON.stringify({ ...openApi, servers }, null, 2)}\n`);
        }
        const resource = requested === undefined ? undefined : matchResource(app.rest, requested);
        // The CORS preflight: a mock, open to all, answered by its integration response.
        const preflight = resource && app.rest.preflights[resource.resourcePath];
        if (req.method === "OPTIONS" && preflight !== undefined) {
          const { output, headers } = respond(preflight, "", { header: requestHeaders });
          return reply(200, output, headers);
        }
        const route = resource && app.rest.routes[`${req.method} ${resource.resourcePath}`];
        if (resource === undefined || route === undefined) return gateway(GATEWAY_RESPONSES.missingAuthenticationToken);
        if (size > MAX_REST_PAYLOAD_BYTES) return gateway(GATEWAY_RESPONSES.tooLarge);
        // Authorization comes before the API key, as on API Gateway.
        const caller = authorizeCaller(app.rest.auth, req.headers);
        if ("refused" in caller) return gateway(caller.refused);
        const key = String(req.headers["x-api-key"] ?? "");
        const apiKeyId = apiKeys.get(key);
        if (route.apiKeyRequired && apiKeyId === undefined) return gateway(GATEWAY_RESPONSES.forbidden);
        const plan = route.apiKeyRequired ? perKey.get(key) : undefined;
        if (plan && !plan.quota.take()) return gateway(GATEWAY_RESPONSES.quotaExceeded);
        if (!stageThrottle.take() || (plan && !plan.throttle.take())) return gateway(GATEWAY_RESPONSES.throttled);

        const body = Buffer.concat(chunks).toString("utf8");
        // API Gateway takes a request without a content type for JSON.
        const contentType = String(req.headers["content-type"] ?? "application/json")
          .split(";")[0]
          .trim()
          .toLowerCase();
        // The body is validated where a model is (each POST), not on a GET: against the workflow's
        // schema (its input contract), else any JSON.
        const findings =
          route.model === undefined || contentType !== "application/json" || !app.rest.validateBody ? undefined : contracts.check(route.model, body);
        if (findings !== undefined) {
          const template = app.rest.gatewayResponseTemplates.BAD_REQUEST_BODY;
          if (template === undefined) return gateway(GATEWAY_RESPONSES.invalidBody);
          const { message, statusCode } = GATEWAY_RESPONSES.invalidBody;
          return reply(statusCode, gatewayResponseBody(template, { message, validationErrorString: validationErrorString(findings) }), {
            ...app.rest.gatewayResponseHeaders.BAD_REQUEST_BODY,
          });
        }
        const template = route.requestTemplates[contentType];
        if (template === undefined && unsupported(route)) return gateway(GATEWAY_RESPONSES.unsupportedMediaType);

        try {
          const context = {
            httpMethod: req.method,
            resourcePath: resource.resourcePath,
            // As API Gateway's: the stage, then the path as requested.
            path: pathname,
            stage: app.rest.stage,
            requestId,
            extendedRequestId,
            requestTimeEpoch: started,
            apiId: API_ID,
            accountId: LOCAL_ACCOUNT,
            domainName: HOST,
            protocol: "HTTP/1.1",
            identity: {
              ...(route.apiKeyRequired ? { apiKey: key, apiKeyId } : {}),
              userArn: caller.userArn,
              sourceIp: req.socket.remoteAddress ?? HOST,
              userAgent: req.headers["user-agent"] ?? "",
            },
            authorizer: caller.claims === undefined ? undefined : { claims: caller.claims },
          };
          const params = { path: resource.pathParameters, header: requestHeaders };
          const request = renderVtl(template ?? "$input.body", { body, context, params }).output;
          const response = await callIntegration(route.action, request, route.integrationTimeoutMs);
          if (response === undefined) return gateway(GATEWAY_RESPONSES.timeout);
          const answer = integrationAnswer(route.responses, response, requestHeaders, { context, pathParameters: resource.pathParameters });
          if (answer === undefined) return gateway(GATEWAY_RESPONSES.internal);
          return reply(answer.statusCode, answer.body, answer.headers);
        } catch {
          return gateway(GATEWAY_RESPONSES.internal);
        }
      })();
    });
  };
}

/** Whether API Gateway refuses a content type its method has no template for (415), by the integration's passthrough behavior. */
function unsupported(route: SynthesizedRestRoute): boolean {
  if (route.passthroughBehavior === "NEVER") return true;
  return route.passthroughBehavior === "WHEN_NO_TEMPLATES" && Object.keys(route.requestTemplates).length > 0;
}

/**
 * The resource a path (below the stage) names, as API Gateway routes it: a resource path of the API
 * (`/`, `/orders`, `/executions/{id}`), each `{name}` matching one segment, which becomes that path
 * parameter; literal segments win over parameters.
 */
export function matchResource(
  rest: Pick<SynthesizedApp["rest"], "routes" | "preflights">,
  path: string,
): { resourcePath: string; pathParameters: Record<string, string> } | undefined {
  const resourcePaths = new Set([...Object.keys(rest.routes).map((key) => key.slice(key.indexOf(" ") + 1)), ...Object.keys(rest.preflights)]);
  if (resourcePaths.has(path)) return { resourcePath: path, pathParameters: {} };
  const segments = path.split("/").slice(1);
  for (const resourcePath of resourcePaths) {
    const parts = resourcePath.split("/").slice(1);
    if (parts.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
      if (parameter === undefined) return part === segments[i];
      if (segments[i] === "") return false;
      pathParameters[parameter] = decodeURIComponent(segments[i]);
      return true;
    });
    if (matches) return { resourcePath, pathParameters };
  }
  return undefined;
}

/**
 * What the client gets for Step Functions' answer: the integration response whose pattern matches
 * the status whole (else the default one), its JSON template rendered, the status it or the
 * template's override sets, and the headers its parameters and the template set. Undefined when no
 * integration response applies (API Gateway's 500).
 */
export function integrationAnswer(
  responses: readonly IntegrationResponse[],
  response: ServiceResponse,
  requestHeaders: Readonly<Record<string, string>> = {},
  request: { readonly context?: Readonly<Record<string, unknown>>; readonly pathParameters?: Readonly<Record<string, string>> } = {},
): (ServiceResponse & { readonly headers: Readonly<Record<string, string>> }) | undefined {
  const status = String(response.statusCode);
  const selected =
    responses.find((r) => r.selectionPattern !== undefined && new RegExp(`^(?:${r.selectionPattern})$`).test(status)) ??
    responses.find((r) => r.selectionPattern === undefined);
  if (selected === undefined) return undefined;
  const rendered = respond(selected, response.body, { header: requestHeaders, path: request.pathParameters ?? {} }, request.context);
  return { statusCode: rendered.status ?? selected.statusCode, body: rendered.output, headers: rendered.headers };
}

/**
 * An integration response applied to a body: its JSON template rendered (the request's parameters
 * and `$context` at hand, as API Gateway gives them), its fixed headers and the template's.
 */
function respond(selected: IntegrationResponse, body: string, params: MappingInput["params"], context?: Readonly<Record<string, unknown>>): Rendered {
  const template = selected.templates["application/json"];
  const rendered: Rendered = template === undefined ? { output: body, headers: {} } : renderVtl(template, { body, params, context });
  return { ...rendered, headers: { ...selected.headers, ...rendered.headers } };
}

/** The `action` of a message that is a JSON object with a string `action`, as `$request.body.action` selects routes. */
function actionOf(message: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(message);
    const action = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as { action?: unknown }).action : undefined;
    return typeof action === "string" ? action : undefined;
  } catch {
    return undefined;
  }
}

/** The state machine a StartSyncExecution request names, or "" when it names none. */
function stateMachineArnOf(request: string): string {
  try {
    const arn: unknown = (JSON.parse(request) as { stateMachineArn?: unknown } | null)?.stateMachineArn;
    return typeof arn === "string" ? arn : "";
  } catch {
    return "";
  }
}
