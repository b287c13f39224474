import type { LocalGatewayOptions } from "../../local/gateway";

/**
 * Every bad request the README's table lists: what the client gets, and what comes next. The
 * README's table is checked against `name`, `answer` and `next`; __tests__/local/bad-requests.test.ts
 * proves each row on the local gateway, which runs the synthesized templates.
 */
export interface BadRequest {
  readonly name: string;
  readonly answer: string;
  readonly next: string;
  /** Settings of the gateway this case needs. */
  readonly env?: Record<string, string>;
  readonly options?: Partial<Pick<LocalGatewayOptions, "waitScale" | "integrationTimeoutMs">>;
  readonly definition?: object;
}

/** The user pool of the COGNITO rows; `cognitoToken` makes its tokens. */
export const COGNITO_POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123";

/** A token of `COGNITO_POOL` as its shape goes (the local gateway does not check signatures): an ID token, valid for an hour unless `claims` say otherwise. */
export function cognitoToken(claims: Record<string, unknown> = {}): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const payload = {
    sub: "8f0c-user",
    iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123",
    token_use: "id",
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  };
  return `${b64({ alg: "RS256", kid: "k" })}.${b64(payload)}.c2lnbmF0dXJl`;
}

export const FAILING_DEFINITION = {
  StartAt: "Charge",
  States: { Charge: { Type: "Fail", Error: "Payment.Declined", Cause: `card "4242" can't pay\n{"code": 51}` } },
};
const TIMING_OUT_DEFINITION = { TimeoutSeconds: 1, StartAt: "Wait", States: { Wait: { Type: "Wait", Seconds: 2, End: true } } };

export const BAD_REQUESTS: readonly BadRequest[] = [
  {
    name: "REST: a body that is not JSON",
    answer: '400 `{"message": "Invalid request body"}`',
    next: "served",
  },
  {
    name: "REST: a content type other than `application/json`",
    answer: '415 `{"message": "Unsupported Media Type"}`',
    next: "served",
  },
  {
    name: "REST: no content type",
    answer: "taken for JSON: 200 with the output",
    next: "served",
  },
  {
    name: "REST: no API key",
    answer: '403 `{"message": "Forbidden"}`',
    next: "served",
  },
  {
    name: "REST: a wrong API key",
    answer: '403 `{"message": "Forbidden"}`',
    next: "served",
  },
  {
    name: "REST: over the throttle (stage or key)",
    answer: '429 `{"message": "Too Many Requests"}`',
    next: "served once the bucket refills (the rate limit)",
    env: { STEPGATE_REST_RATE_LIMIT: "4", STEPGATE_REST_BURST_LIMIT: "1" },
  },
  {
    name: "REST: over the key's quota",
    answer: '429 `{"message": "Limit Exceeded"}`',
    next: "refused until the quota period (`STEPGATE_QUOTA_PERIOD`) ends",
    env: { STEPGATE_QUOTA_LIMIT: "1" },
  },
  {
    name: "REST with `COGNITO`: no token, or one that is not a token of the user pools",
    answer: '401 `{"message": "Unauthorized"}`',
    next: "served with a valid token",
    env: { STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: COGNITO_POOL },
  },
  {
    name: "REST with `COGNITO`: an expired token",
    answer: '401 `{"message": "The incoming token has expired"}`',
    next: "served with a valid token",
    env: { STEPGATE_REST_AUTH: "COGNITO", STEPGATE_COGNITO_USER_POOL_ARNS: COGNITO_POOL },
  },
  {
    name: "REST with `AWS_IAM`: an unsigned request",
    answer: '403 `{"message": "Missing Authentication Token"}`',
    next: "served once signed (SigV4)",
    env: { STEPGATE_REST_AUTH: "AWS_IAM" },
  },
  {
    name: "REST: an input over Step Functions' 256 KB",
    answer: '400 `{"error": "ValidationException", "cause": "...262144"}`',
    next: "served",
  },
  {
    name: "REST: an execution that fails",
    answer: '500 `{"error": ..., "cause": ...}`, valid JSON whatever they hold',
    next: "answered alike: each request is its own execution",
    definition: FAILING_DEFINITION,
  },
  {
    name: "REST: an execution that times out",
    answer: '504 `{"error": "States.Timeout", "cause": ...}`',
    next: "answered alike: each request is its own execution",
    definition: TIMING_OUT_DEFINITION,
    options: { waitScale: 1 },
  },
  {
    name: "REST: an execution past API Gateway's 29 s",
    answer: '504 `{"message": "Endpoint request timed out"}` (the execution runs on)',
    next: "answered alike: each request is its own execution",
    options: { waitScale: 1, integrationTimeoutMs: 200 },
  },
  {
    name: "WebSocket: a message over 128 KB",
    answer: "the connection closes with code 1009",
    next: "a new connection is served",
  },
  {
    name: "WebSocket: a message that is not JSON",
    answer: 'Step Functions\' error as the reply, `{"__type": "...#InvalidExecutionInput", "message": ...}`',
    next: "the connection stays open and is served",
  },
  {
    name: "WebSocket: `$connect` without the required authorization",
    answer: "the handshake is refused with 403",
    next: "an authorized connection is served",
    env: { STEPGATE_WS_CONNECT_AUTH: "API_KEY" },
  },
  {
    name: "WebSocket: over the route's throttle",
    answer: '`{"message": "Too Many Requests", "connectionId": ..., "requestId": ...}` as the reply',
    next: "the connection stays open",
    env: { STEPGATE_WS_RATE_LIMIT: "4", STEPGATE_WS_BURST_LIMIT: "1" },
  },
  {
    name: "WebSocket: an execution that fails",
    answer: "the StartSyncExecution result with `status` FAILED, `error` and `cause`",
    next: "the connection stays open",
    definition: FAILING_DEFINITION,
  },
  {
    name: "WebSocket: an execution that times out",
    answer: "the StartSyncExecution result with `status` TIMED_OUT",
    next: "the connection stays open",
    definition: TIMING_OUT_DEFINITION,
    options: { waitScale: 1 },
  },
  {
    name: "WebSocket: an execution past API Gateway's 29 s",
    answer: '`{"message": "Endpoint request timed out", "connectionId": ..., "requestId": ...}` as the reply',
    next: "the connection stays open",
    options: { waitScale: 1, integrationTimeoutMs: 200 },
  },
];
