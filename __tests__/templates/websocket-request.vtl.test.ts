import { deployedApis, STATE_MACHINE_ARN } from "../support/deployed-templates";
import { MAX_WEBSOCKET_MESSAGE_BYTES } from "../../local/gateway";
import { PAYLOADS } from "../support/payloads";
import { renderVtl } from "../../local/vtl";

describe("templates/websocket-request.vtl, as deployed", () => {
  const template = deployedApis().websocket.requestTemplate;
  const CONTEXT = { requestId: "Ab+1/cD=", connectionId: "Zx9=", routeKey: "$default" };
  const startSyncExecution = (message: string, context: Record<string, unknown> = CONTEXT) =>
    JSON.parse(renderVtl(template, { body: message, context }).output);

  it.each(PAYLOADS)("sends a message with %s as the execution input, unchanged, the execution named after the request", (_name, message) => {
    const request = startSyncExecution(message);
    expect(Object.keys(request).sort()).toEqual(["input", "name", "stateMachineArn"]);
    expect(request.name).toBe("Ab1cD");
    expect(request.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(request.input)).toEqual(JSON.parse(message));
  });

  it("keeps the apostrophe plain: escapeJavaScript's \\' is not JSON", () => {
    const request = startSyncExecution(`{"name":"O'Brien"}`);
    expect(request.input).toBe(`{"name":"O'Brien"}`);
  });

  it("sends a 128 KB message, the largest API Gateway passes on, whole, unicode and escapes included", () => {
    const unit = JSON.stringify({ k: 'it\'s é 😀 \\ "q"' });
    const message = `[${Array.from({ length: Math.floor(MAX_WEBSOCKET_MESSAGE_BYTES / (Buffer.byteLength(unit) + 1)) }, () => unit).join(",")}]`;
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_WEBSOCKET_MESSAGE_BYTES);
    expect(Buffer.byteLength(message)).toBeGreaterThan(MAX_WEBSOCKET_MESSAGE_BYTES - 40);
    expect(JSON.parse(startSyncExecution(message).input)).toEqual(JSON.parse(message));
  });

  it("passes a message that is not JSON through as text, for Step Functions to refuse", () => {
    const request = startSyncExecution("hello 'world'");
    expect(request.input).toBe("hello 'world'");
  });

  it.each([
    ["with characters Step Functions refuses", 'a b+c/d="é', "abcd"],
    ["over 80 characters, cut to 80", "Q".repeat(81), "Q".repeat(80)],
  ])("names the execution after $context.requestId %s: only [A-Za-z0-9_-]", (_case, requestId, name) => {
    expect(startSyncExecution("{}", { ...CONTEXT, requestId }).name).toBe(name);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["nothing Step Functions takes", "+/=="],
  ])("leaves the name out when the request id is %s: never an empty or invalid name", (_case, requestId) => {
    expect(Object.keys(startSyncExecution("{}", { ...CONTEXT, requestId })).sort()).toEqual(["input", "stateMachineArn"]);
  });
});
