import { evaluateTerraformString } from "../../local/terraform-string";

describe("evaluateTerraformString", () => {
  it("unescapes $${ and %%{ and substitutes interpolations", () => {
    expect(evaluateTerraformString("$${a} %%{b} ${x.y} $", { "x.y": "v" })).toBe("${a} %{b} v $");
  });

  it("evaluates replace(), as the templates' runner ARN and WebSocket endpoint are written", () => {
    const values = { "local.runner": "arn:aws:states:us-east-1:1:stateMachine:r", "aws_apigatewayv2_api.ws.api_endpoint": "wss://a.b" };
    expect(evaluateTerraformString('${replace(local.runner, ":stateMachine:", ":execution:")}:id', values)).toBe("arn:aws:states:us-east-1:1:execution:r:id");
    expect(evaluateTerraformString('"${replace(aws_apigatewayv2_api.ws.api_endpoint, "wss://", "")}"', values)).toBe('"a.b"');
    expect(evaluateTerraformString('${replace(replace(local.runner, "r", "x"), "x", "\\"")}', { "local.runner": "ra" })).toBe('"a');
  });

  it("fails on an interpolation it has no value for, or on a directive", () => {
    expect(() => evaluateTerraformString("${unknown}")).toThrow(/unknown/);
    expect(() => evaluateTerraformString('${replace(unknown, "a", "b")}')).toThrow(/unknown/);
    expect(() => evaluateTerraformString('${lower("A")}')).toThrow(/lower/);
    expect(() => evaluateTerraformString("%{ if true }")).toThrow(/directive/);
  });
});
