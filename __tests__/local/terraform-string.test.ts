import { evaluateTerraformString } from "../../local/terraform-string";

describe("evaluateTerraformString", () => {
  it("unescapes $${ and %%{ and substitutes interpolations", () => {
    expect(evaluateTerraformString("$${a} %%{b} ${x.y} $", { "x.y": "v" })).toBe("${a} %{b} v $");
  });

  it("fails on an interpolation it has no value for, or on a directive", () => {
    expect(() => evaluateTerraformString("${unknown}")).toThrow(/unknown/);
    expect(() => evaluateTerraformString("%{ if true }")).toThrow(/directive/);
  });
});
