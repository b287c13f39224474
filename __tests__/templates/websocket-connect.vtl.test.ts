import { renderVtl } from "../../local/vtl";
import { deployedApis } from "../support/deployed-templates";
import { configWith } from "../support/stacks";

describe("templates/websocket-connect.vtl, as deployed", () => {
  it("is absent while $connect is open", () => {
    expect(deployedApis().websocket.connectTemplate).toBeUndefined();
  });

  it("answers the mock integration with status 200, which accepts the authorized connection", () => {
    const template = deployedApis(configWith({ STEPGATE_WS_CONNECT_AUTH: "AWS_IAM" })).websocket.connectTemplate ?? "";
    expect(JSON.parse(renderVtl(template, { body: "" }).output)).toEqual({ statusCode: 200 });
  });
});
