import { escapeJavaScript, renderVtl } from "../../local/vtl";

describe("renderVtl", () => {
  it("escapes as commons-lang's escapeJavaScript does", () => {
    expect(escapeJavaScript(`it's "x" \\ / \n\t\r\b\f \u0001\u001f \u007f é 日 😀 \u2028`)).toBe(
      `it\\'s \\"x\\" \\\\ \\/ \\n\\t\\r\\b\\f \\u0001\\u001F \u007f \\u00E9 \\u65E5 \\uD83D\\uDE00 \\u2028`,
    );
  });

  it("gives replaceAll Java's semantics: a regular expression, with VTL string literals taken literally", () => {
    expect(renderVtl(`$util.escapeJavaScript($input.body).replaceAll("\\\\'", "'")`, { body: "it's" }).output).toBe("it's");
    expect(renderVtl(`#set($s = "a.b")$s.replaceAll(".", "-")`, { body: "" }).output).toBe("---");
  });

  it("renders a null reference as its own text, as Velocity does", () => {
    const { output } = renderVtl(`#set($o = $util.parseJson($input.body))[$o.missing][$o.nothing][$!o.nothing]`, {
      body: '{"nothing":null}',
    });
    expect(output).toBe("[$o.missing][$o.nothing][]");
  });

  it("reads $input.json and $input.path as JSONPath", () => {
    const body = '{"a":{"b":[10,{"c":"d"}]}}';
    expect(renderVtl(`$input.json('$.a.b[1]')|$input.path('$.a.b[0]')|$input.json('$')`, { body }).output).toBe(`{"c":"d"}|10|${body}`);
  });

  it("gives $util's encoders and $input.params() as API Gateway documents them", () => {
    const { output } = renderVtl(
      "$util.urlEncode($input.params('q'))|$util.urlDecode('a+b%21')|$util.base64Encode('é')|$util.base64Decode('w6k=')|$input.params('X-Trace')|$input.params().path.id",
      { body: "", params: { path: { id: "7" }, querystring: { q: "a b&c" }, header: { "x-trace": "t-1" } } },
    );
    expect(output).toBe("a+b%26c|a b!|w6k=|é|t-1|7");
  });

  it("renders $context as given: REST and WebSocket variables alike", () => {
    const context = { httpMethod: "POST", identity: { apiKeyId: "k1" }, connectionId: "c1", routeKey: "$default" };
    expect(renderVtl("$context.httpMethod $context.identity.apiKeyId $context.connectionId $context.routeKey", { body: "", context }).output).toBe(
      "POST k1 c1 $default",
    );
  });

  it("refuses JSONPath it does not know rather than guessing", () => {
    expect(() => renderVtl("$input.json('$..deep')", { body: "{}" })).toThrow(/not supported/);
  });

  it("reports $context.responseOverride.status", () => {
    expect(renderVtl("#set($context.responseOverride.status = 504)", { body: "" }).status).toBe(504);
  });

  // The harness must catch the bugs this project exists to fix.
  it("catches the seed's unescaped cause: its FAILED answer is not JSON when the cause holds quotes", () => {
    const seedFailed = `#set ($bodyObj = $util.parseJson($input.body))
{
"cause": "$bodyObj.cause",
"error": "$bodyObj.error"
}`;
    const { output } = renderVtl(seedFailed, { body: JSON.stringify({ status: "FAILED", error: "E", cause: 'say "hi"' }) });
    expect(() => JSON.parse(output)).toThrow();
  });

  it("catches escapeJavaScript alone: an apostrophe becomes \\', which is not JSON", () => {
    const { output } = renderVtl(`{"input": "$util.escapeJavaScript($input.body)"}`, { body: `{"n":"O'Brien"}` });
    expect(() => JSON.parse(output)).toThrow();
  });

  it("gives substring Java's semantics: an index past the end throws, where JavaScript would clamp", () => {
    expect(renderVtl(`#set($s = "abcdef")$s.substring(1, 3)|$s.substring(4)`, { body: "" }).output).toBe("bc|ef");
    expect(() => renderVtl(`#set($s = "abc")$s.substring(0, 80)`, { body: "" })).toThrow("StringIndexOutOfBoundsException");
  });

  it("returns the headers a template sets through $context.responseOverride.header", () => {
    const rendered = renderVtl(`#set($context.responseOverride.header.Access-Control-Allow-Origin = $input.params('Origin'))x`, {
      body: "",
      params: { header: { origin: "https://app.example.com" } },
    });
    expect(rendered).toEqual({ output: "x", status: undefined, headers: { "Access-Control-Allow-Origin": "https://app.example.com" } });
  });
});
