import { DataTerraformRemoteStateLocal } from "cdktf";
import { address, configWith, parse, resources, synthApi } from "./support/stacks";

describe("ApiStack", () => {
  const synthesized = synthApi();

  it("reads the state machine from the workflow stack's state, by a relative path", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataTerraformRemoteStateLocal, {
      backend: "local",
      config: { path: "../../../terraform.workflow.tfstate" },
    });
  });

  it("neither creates nor looks up a state machine", () => {
    const { resource, data } = parse(synthesized);
    expect(Object.keys(resource).filter((t) => t.startsWith("aws_sfn"))).toEqual([]);
    expect(Object.keys(data).filter((t) => t.startsWith("aws_sfn"))).toEqual([]);
  });

  it("outputs the WebSocket URL, the REST URL and the API key, its value only as a sensitive output", () => {
    const outputs = parse(synthesized).output;
    expect(outputs).toEqual({
      websocket_url: expect.objectContaining({ value: `\${${address(synthesized, "aws_apigatewayv2_stage")}.invoke_url}` }),
      rest_invoke_url: expect.objectContaining({ value: `\${${address(synthesized, "aws_api_gateway_stage")}.invoke_url}` }),
      api_key_id: expect.objectContaining({ value: `\${${address(synthesized, "aws_api_gateway_api_key")}.id}` }),
      api_key_value: expect.objectContaining({ value: `\${${address(synthesized, "aws_api_gateway_api_key")}.value}`, sensitive: true }),
    });
    for (const name of ["websocket_url", "rest_invoke_url", "api_key_id"]) expect(outputs[name].sensitive).toBeUndefined();
  });

  it("makes both stages wait for the role's permission policy", () => {
    const policy = address(synthesized, "aws_iam_role_policy");
    for (const type of ["aws_apigatewayv2_stage", "aws_api_gateway_stage"]) {
      expect(resources(synthesized, type)[0].props.depends_on).toContain(policy);
    }
  });

  it("names everything from the prefix", () => {
    const { resource } = parse(synthApi(configWith({ STEPGATE_PREFIX: "team-b" })));
    const names = Object.values(resource)
      .flatMap((block) => Object.values(block))
      .map((r) => r.name)
      .filter((n): n is string => typeof n === "string");
    expect(names.filter((n) => n.includes("stepgate"))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining([
        "team-b-websocket",
        "team-b-rest",
        "team-b-start-sync-execution",
        "/aws/apigateway/team-b-websocket/access",
        "/aws/apigateway/team-b-rest/access",
      ]),
    );
  });
});
