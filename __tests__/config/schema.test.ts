import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, loadConfig } from "../../stacks/config/load";
import { inputValidator, loadSchema, schemaPathOf, schemaProblems } from "../../stacks/config/schema";
import { CONTRACT_CASES, schemaSettings, workflowWithSchema } from "../support/input-contracts";
import { PROJECT_DIR } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

const load = (env: Record<string, string>) => loadConfig({ env, context: () => undefined, projectDir: PROJECT_DIR, onPath: () => true });

function problems(env: Record<string, string>): readonly string[] {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("schemaPathOf", () => {
  it.each([
    ["templates/workflow.asl.json", "templates/workflow.schema.json"],
    ["flows/orders.asl.json", "flows/orders.schema.json"],
    ["flows/orders.json", "flows/orders.schema.json"],
    ["flows/orders", "flows/orders.schema.json"],
  ])("%s has its schema at %s", (definition, schema) => expect(schemaPathOf(definition)).toBe(schema));
});

describe("loadSchema", () => {
  it("finds no schema and no problem where there is no file: today's behaviour", () => {
    expect(loadSchema(path.join(temporaryFolder("schema"), "none.schema.json"))).toEqual({ problems: [] });
  });

  it("returns the schema compactly serialized", () => {
    const file = path.join(temporaryFolder("schema"), "a.schema.json");
    fs.writeFileSync(file, JSON.stringify({ type: "object" }, null, 2));
    expect(loadSchema(file)).toEqual({ schema: '{"type":"object"}', problems: [] });
  });

  it("refuses a file that is not JSON", () => {
    const file = path.join(temporaryFolder("schema"), "a.schema.json");
    fs.writeFileSync(file, "{type: object}");
    expect(loadSchema(file).problems).toEqual([expect.stringMatching(/^: not JSON \(/)]);
  });
});

describe("schemaProblems: what API Gateway would refuse or ignore, named with what to do", () => {
  it.each<[string, unknown, string[]]>([
    ["not an object", [], [': not a JSON Schema: a schema is a JSON object, such as {"type": "object"}']],
    [
      "a $schema of draft 2020-12",
      { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" },
      [
        ': "$schema" is "https://json-schema.org/draft/2020-12/schema"; API Gateway\'s models are JSON Schema draft 4: write "$schema": "http://json-schema.org/draft-04/schema#", or leave it out',
      ],
    ],
    [
      "const, draft 6's",
      { properties: { kind: { const: "a" } } },
      ['at /properties/kind: "const" is draft 6\'s; write "enum": [<the value>]: API Gateway\'s draft 4 would ignore it and let every body through'],
    ],
    [
      "if/then/else, draft 7's",
      // biome-ignore lint/suspicious/noThenProperty: draft 7's keyword, which the schema must not have.
      { if: { required: ["a"] }, then: { required: ["b"] } },
      [
        ': "if" is draft 7\'s; write the cases with "oneOf" or "anyOf": API Gateway\'s draft 4 would ignore it and let every body through',
        ': "then" is draft 7\'s; write the cases with "oneOf" or "anyOf": API Gateway\'s draft 4 would ignore it and let every body through',
      ],
    ],
    [
      "$defs and prefixItems, 2019-09's and 2020-12's, deep in items",
      { type: "array", items: { $defs: {}, prefixItems: [{ type: "string" }] } },
      [
        'at /items: "$defs" is draft 2019-09\'s; name it "definitions" and refer to "#/definitions/<name>": API Gateway\'s draft 4 would ignore it and let every body through',
        'at /items: "prefixItems" is draft 2020-12\'s; in draft 4, "items" as an array checks each position: API Gateway\'s draft 4 would ignore it and let every body through',
      ],
    ],
    [
      "unevaluatedProperties, dependentRequired, contains, propertyNames in allOf",
      {
        allOf: [
          { unevaluatedProperties: false, dependentRequired: { a: ["b"] } },
          { contains: {}, propertyNames: { maxLength: 3 } },
        ],
      },
      [
        expect.stringMatching(/^ at \/allOf\/0: "unevaluatedProperties" is draft 2019-09's; use "additionalProperties": false/),
        expect.stringMatching(/^ at \/allOf\/0: "dependentRequired" is draft 2019-09's; write "dependencies"/),
        expect.stringMatching(/^ at \/allOf\/1: "contains" is draft 6's/),
        expect.stringMatching(/^ at \/allOf\/1: "propertyNames" is draft 6's/),
      ],
    ],
    [
      "a numeric exclusiveMinimum, draft 6's form",
      { properties: { n: { exclusiveMinimum: 0 } } },
      ['at /properties/n: "exclusiveMinimum": 0 is draft 6\'s form; in draft 4 write "minimum": 0, "exclusiveMinimum": true'],
    ],
    [
      "a $ref to a URL",
      { properties: { a: { $ref: "https://example.com/schemas/address.json" } } },
      [
        'at /properties/a: "$ref": "https://example.com/schemas/address.json": API Gateway follows only references inside the schema; put the schema under "definitions" and refer to it as "#/definitions/<name>"',
      ],
    ],
    [
      "a $ref to another file, and to a definition the schema lacks",
      { definitions: { a: {} }, properties: { x: { $ref: "other.json#/definitions/a" }, y: { $ref: "#/definitions/b" } } },
      [
        expect.stringMatching(/^ at \/properties\/x: "\$ref": "other.json#\/definitions\/a": API Gateway follows only references inside the schema/),
        expect.stringMatching(/^ at \/properties\/y: "\$ref": "#\/definitions\/b": API Gateway follows only references inside the schema/),
      ],
    ],
    [
      "an unknown keyword (a typo)",
      { type: "object", requird: ["a"] },
      [': unknown keyword "requird": API Gateway\'s draft 4 would ignore it (a typo?); a note of yours can go in "description", or a key starting with "x-"'],
    ],
  ])("%s", (_name, schema, expected) => {
    expect(schemaProblems(schema)).toEqual(expected.map((e) => (typeof e === "string" && e.startsWith("at ") ? ` ${e}` : e)));
  });

  it("passes on what draft 4's meta-schema refuses, where it is", () => {
    expect(schemaProblems({ type: "obj", required: [] })).toEqual(
      expect.arrayContaining([
        " at /required: not valid JSON Schema draft 4: must NOT have fewer than 1 items",
        " at /type: not valid JSON Schema draft 4: must be array",
      ]),
    );
  });

  it.each(CONTRACT_CASES.map((c) => [c.kind, c.schema]))("accepts the contract table's schema of %s", (_kind, schema) => {
    expect(schemaProblems(schema)).toEqual([]);
  });

  it.each([
    ["examples, an annotation of draft 6", { type: "string", examples: ["a"] }],
    ["readOnly, deprecated and $comment", { type: "object", $comment: "x", properties: { id: { type: "string", readOnly: true, deprecated: true } } }],
    ["a key of yours starting with x-", { type: "object", "x-owner": "team-a" }],
    ["property names that are later drafts' keywords", { type: "object", properties: { const: { type: "string" }, if: {} }, required: ["const"] }],
  ])("accepts %s", (_name, schema) => {
    expect(schemaProblems(schema)).toEqual([]);
  });
});

describe("inputValidator: the verdict of API Gateway's model (draft 4, formats not enforced)", () => {
  const rows = CONTRACT_CASES.flatMap((c) => [
    ...c.valid.map((body) => [c.kind, JSON.stringify(body), body, true] as const),
    ...c.invalid.map((body) => [c.kind, JSON.stringify(body), body, false] as const),
  ]);
  const validators = new Map(CONTRACT_CASES.map((c) => [c.kind, inputValidator(c.schema)]));

  it.each(rows)("%s: %s is valid: %s", (kind, _text, body, valid) => {
    expect((validators.get(kind) as ReturnType<typeof inputValidator>)(body)).toBe(valid);
  });
});

describe("loadConfig with schemas beside the definitions", () => {
  it("gives each workflow its schema, compactly serialized, and none to a workflow without", () => {
    const folder = temporaryFolder("schemas");
    const settings = schemaSettings(folder);
    const plain = path.join(folder, "plain.asl.json");
    fs.copyFileSync(path.join(PROJECT_DIR, "templates", "workflow.asl.json"), plain);
    const config = load({ ...settings, STEPGATE_WORKFLOWS: `${settings.STEPGATE_WORKFLOWS},plain=${plain}` });
    expect(config.workflows.map((w) => [w.name, w.schema === undefined ? undefined : JSON.parse(w.schema)])).toEqual([
      ["workflow", CONTRACT_CASES[0].schema],
      ["orders", { type: "object", required: ["id"], properties: { id: { type: "integer" }, action: { enum: ["orders"] } } }],
      ["plain", undefined],
    ]);
  });

  it("names every problem on its own line, with the workflow and the file, all at once", () => {
    const folder = temporaryFolder("schemas");
    const main = workflowWithSchema(folder, "workflow", { type: "object", properties: { a: { const: 1 } } });
    const orders = workflowWithSchema(folder, "orders", "{not json");
    const strict = workflowWithSchema(folder, "strict", { type: "object", additionalProperties: false, properties: { id: {} } });
    expect(problems({ STEPGATE_DEFINITION: main, STEPGATE_WORKFLOWS: `orders=${orders},strict=${strict}` })).toEqual([
      `STEPGATE_DEFINITION (workflow: schema ${path.join(folder, "workflow.schema.json")}) at /properties/a: "const" is draft 6's; write "enum": [<the value>]: API Gateway's draft 4 would ignore it and let every body through`,
      expect.stringMatching(new RegExp(`^STEPGATE_WORKFLOWS \\(orders: schema ${path.join(folder, "orders.schema.json")}\\): not JSON \\(`)),
      `STEPGATE_WORKFLOWS (strict: schema ${path.join(folder, "strict.schema.json")}): "additionalProperties": false refuses the "action" property that WebSocket messages to strict carry: add "action": {"enum": ["strict"]} to "properties"`,
    ]);
  });

  it("lets the default workflow's schema refuse properties it does not name: its WebSocket messages need no action", () => {
    const folder = temporaryFolder("schemas");
    const main = workflowWithSchema(folder, "workflow", { type: "object", additionalProperties: false, properties: { id: {} } });
    expect(load({ STEPGATE_DEFINITION: main }).workflows[0].schema).toBe('{"type":"object","additionalProperties":false,"properties":{"id":{}}}');
  });
});
