import { deployedTemplates, STATE_MACHINE_ARN } from "./support/deployed-templates";
import { PAYLOADS } from "./support/payloads";
import { renderMappingTemplate } from "./support/api-gateway-vtl";

describe("templates/websocket-request.vtl, as deployed", () => {
  const template = deployedTemplates().websocketRequest;
  const startSyncExecution = (message: string) => JSON.parse(renderMappingTemplate(template, { body: message }).output);

  it.each(PAYLOADS)("sends a message with %s as the execution input, unchanged", (_name, message) => {
    const request = startSyncExecution(message);
    expect(Object.keys(request).sort()).toEqual(["input", "stateMachineArn"]);
    expect(request.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(request.input)).toEqual(JSON.parse(message));
  });

  it("keeps the apostrophe plain: escapeJavaScript's \\' is not JSON", () => {
    const request = startSyncExecution(`{"name":"O'Brien"}`);
    expect(request.input).toBe(`{"name":"O'Brien"}`);
  });

  it("passes a message that is not JSON through as text, for Step Functions to refuse", () => {
    const request = startSyncExecution("hello 'world'");
    expect(request.input).toBe("hello 'world'");
  });
});
