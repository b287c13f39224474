import * as fs from "node:fs";
import * as path from "node:path";
import { templateFile, TEMPLATES_DIR, terraformLiteral } from "../../stacks/constructs/template-file";
import { evaluateTerraformString } from "../../local/terraform-string";

describe("terraformLiteral", () => {
  it("escapes Terraform's ${ and %{ so Terraform gives back the text unchanged", () => {
    const text = "${formal} %{ if } $$ %% $x %y ${ ${";
    expect(terraformLiteral(text)).toBe("$${formal} %%{ if } $$ %% $x %y $${ $${");
    expect(evaluateTerraformString(terraformLiteral(text))).toBe(text);
  });

  it("keeps Terraform's own escapes literal too", () => {
    expect(evaluateTerraformString(terraformLiteral("$${a} %%{b}"))).toBe("$${a} %%{b}");
  });
});

describe("mappingTemplate", () => {
  it("fills placeholders after escaping, so a value may be a Terraform reference", () => {
    const filled = templateFile("websocket-request.vtl", { STATE_MACHINE_ARN: "${data.x.arn}" });
    expect(filled).toContain('"stateMachineArn": "${data.x.arn}"');
    expect(filled).not.toContain("%STATE_MACHINE_ARN%");
  });

  it("throws on a placeholder without a value and on a value without a placeholder", () => {
    expect(() => templateFile("websocket-request.vtl")).toThrow("no value for placeholder %STATE_MACHINE_ARN%");
    expect(() => templateFile("websocket-connect.vtl", { EXTRA: "x" })).toThrow("no placeholder for EXTRA");
  });

  it("has every template in templates/ as plain files", () => {
    expect(fs.readdirSync(TEMPLATES_DIR).sort()).toEqual([
      "rest-async-accepted.vtl",
      "rest-async-request.vtl",
      "rest-cors-origin.vtl",
      "rest-error-response.vtl",
      "rest-execution-error-response.vtl",
      "rest-execution-input.vtl",
      "rest-execution-request.vtl",
      "rest-execution-response.vtl",
      "rest-request.vtl",
      "rest-response.vtl",
      "runner.asl.json",
      "websocket-async-accepted.vtl",
      "websocket-async-request.vtl",
      "websocket-connect.vtl",
      "websocket-request.vtl",
      "workflow.asl.json",
    ]);
    expect(path.basename(TEMPLATES_DIR)).toBe("templates");
  });
});
