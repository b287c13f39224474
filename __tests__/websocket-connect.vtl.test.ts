import { renderMappingTemplate } from "../stacks/local/mapping-template";
import { deployedTemplates } from "./support/deployed-templates";
import { configWith } from "./support/stacks";

describe("templates/websocket-connect.vtl, as deployed", () => {
  it("is absent while $connect is open", () => {
    expect(deployedTemplates().websocketConnect).toBeUndefined();
  });

  it("answers the mock integration with status 200, which accepts the authorized connection", () => {
    const template = deployedTemplates(configWith({ STEPGATE_WS_CONNECT_AUTH: "AWS_IAM" })).websocketConnect ?? "";
    expect(JSON.parse(renderMappingTemplate(template, { body: "" }).output)).toEqual({ statusCode: 200 });
  });
});
