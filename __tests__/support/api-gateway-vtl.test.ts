import { escapeJavaScript, renderMappingTemplate } from "./api-gateway-vtl";
import { evaluateTerraformString } from "./terraform";

describe("the mapping-template harness", () => {
  it("escapes as commons-lang's escapeJavaScript does", () => {
    expect(escapeJavaScript(`it's "x" \\ / \n\t\r\b\f \u0001\u001f \u007f é 日 😀 \u2028`)).toBe(
      `it\\'s \\"x\\" \\\\ \\/ \\n\\t\\r\\b\\f \\u0001\\u001F \u007f \\u00E9 \\u65E5 \\uD83D\\uDE00 \\u2028`,
    );
  });

  it("gives replaceAll Java's semantics: a regular expression, with VTL string literals taken literally", () => {
    expect(renderMappingTemplate(`$util.escapeJavaScript($input.body).replaceAll("\\\\'", "'")`, { body: "it's" }).output).toBe("it's");
    expect(renderMappingTemplate(`#set($s = "a.b")$s.replaceAll(".", "-")`, { body: "" }).output).toBe("---");
  });

  it("renders a null reference as its own text, as Velocity does", () => {
    const { output } = renderMappingTemplate(`#set($o = $util.parseJson($input.body))[$o.missing][$o.nothing][$!o.nothing]`, {
      body: '{"nothing":null}',
    });
    expect(output).toBe("[$o.missing][$o.nothing][]");
  });

  it("reads $input.json and $input.path as JSONPath", () => {
    const body = '{"a":{"b":[10,{"c":"d"}]}}';
    expect(renderMappingTemplate(`$input.json('$.a.b[1]')|$input.path('$.a.b[0]')|$input.json('$')`, { body }).output).toBe(
      `{"c":"d"}|10|${body}`,
    );
  });

  it("reports $context.responseOverride.status", () => {
    expect(renderMappingTemplate("#set($context.responseOverride.status = 504)", { body: "" }).status).toBe(504);
  });

  // The harness must catch the bugs this project exists to fix.
  it("catches the seed's unescaped cause: its FAILED answer is not JSON when the cause holds quotes", () => {
    const seedFailed = `#set ($bodyObj = $util.parseJson($input.body))
{
"cause": "$bodyObj.cause",
"error": "$bodyObj.error"
}`;
    const { output } = renderMappingTemplate(seedFailed, { body: JSON.stringify({ status: "FAILED", error: "E", cause: 'say "hi"' }) });
    expect(() => JSON.parse(output)).toThrow();
  });

  it("catches escapeJavaScript alone: an apostrophe becomes \\', which is not JSON", () => {
    const { output } = renderMappingTemplate(`{"input": "$util.escapeJavaScript($input.body)"}`, { body: `{"n":"O'Brien"}` });
    expect(() => JSON.parse(output)).toThrow();
  });
});

describe("evaluateTerraformString", () => {
  it("unescapes $${ and %%{ and substitutes interpolations", () => {
    expect(evaluateTerraformString("$${a} %%{b} ${x.y} $", { "x.y": "v" })).toBe("${a} %{b} v $");
  });

  it("fails on an interpolation it has no value for, or on a directive", () => {
    expect(() => evaluateTerraformString("${unknown}")).toThrow(/unknown/);
    expect(() => evaluateTerraformString("%{ if true }")).toThrow(/directive/);
  });
});
