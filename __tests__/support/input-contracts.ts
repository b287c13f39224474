import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "./stacks";

/**
 * Schemas of the kinds users write, each with bodies and the verdict API Gateway's model gives them
 * (JSON Schema draft 4, formats not enforced): the table the synth check, the local gateway and the
 * OpenAPI document are each tested on.
 */
export interface ContractCase {
  /** What the schema shows. */
  readonly kind: string;
  readonly schema: Record<string, unknown>;
  /** Bodies API Gateway lets through. */
  readonly valid: readonly unknown[];
  /** Bodies API Gateway refuses (400, or the "Bad request body" frame). */
  readonly invalid: readonly unknown[];
}

export const CONTRACT_CASES: readonly ContractCase[] = [
  {
    kind: "required fields",
    schema: { type: "object", required: ["customer", "amount"], properties: { customer: { type: "string" }, amount: { type: "number" } } },
    valid: [
      { customer: "c-1", amount: 12.5 },
      { customer: "c-1", amount: 0, note: "extra fields allowed" },
    ],
    invalid: [{ customer: "c-1" }, {}, { customer: 1, amount: 2 }, [], "text", null],
  },
  {
    kind: "enums",
    schema: { type: "object", required: ["size"], properties: { size: { type: "string", enum: ["S", "M", "L"] }, priority: { enum: [1, 2, 3] } } },
    valid: [{ size: "M" }, { size: "L", priority: 3 }],
    invalid: [{ size: "XL" }, { size: "s" }, { size: "M", priority: "1" }],
  },
  {
    kind: "nested objects",
    schema: {
      type: "object",
      required: ["shipping"],
      properties: {
        shipping: {
          type: "object",
          required: ["address"],
          properties: { address: { type: "object", required: ["city"], properties: { city: { type: "string", minLength: 1 }, zip: { type: "string" } } } },
        },
      },
    },
    valid: [{ shipping: { address: { city: "Lyon" } } }, { shipping: { address: { city: "Lyon", zip: "69001" } } }],
    invalid: [{ shipping: {} }, { shipping: { address: { city: "" } } }, { shipping: { address: { zip: 69001, city: "Lyon" } } }, { shipping: "Lyon" }],
  },
  {
    kind: "arrays with item types",
    schema: {
      type: "object",
      required: ["items"],
      properties: {
        items: {
          type: "array",
          minItems: 1,
          maxItems: 3,
          items: { type: "object", required: ["sku", "quantity"], properties: { sku: { type: "string" }, quantity: { type: "integer", minimum: 1 } } },
        },
        tags: { type: "array", items: { type: "string" }, uniqueItems: true },
      },
    },
    valid: [
      { items: [{ sku: "a", quantity: 1 }] },
      {
        items: [
          { sku: "a", quantity: 2 },
          { sku: "b", quantity: 1 },
        ],
        tags: ["x", "y"],
      },
    ],
    invalid: [
      { items: [] },
      { items: [{ sku: "a", quantity: 0 }] },
      { items: [{ sku: "a", quantity: 1.5 }] },
      { items: [{ sku: "a", quantity: 1 }], tags: ["x", "x"] },
      { items: [{ sku: "a", quantity: 1 }], tags: [1] },
      {
        items: [
          { sku: "a", quantity: 1 },
          { sku: "b", quantity: 1 },
          { sku: "c", quantity: 1 },
          { sku: "d", quantity: 1 },
        ],
      },
    ],
  },
  {
    kind: "additionalProperties: false",
    schema: { type: "object", additionalProperties: false, properties: { id: { type: "integer" }, action: { enum: ["orders"] } } },
    valid: [{ id: 1 }, {}, { id: 2, action: "orders" }],
    invalid: [{ id: 1, extra: true }, { id: "1" }],
  },
  {
    kind: "string formats API Gateway does not enforce",
    schema: {
      type: "object",
      required: ["email"],
      properties: { email: { type: "string", format: "email" }, at: { type: "string", format: "date-time" }, site: { type: "string", format: "uri" } },
    },
    // Draft 4's formats are annotations to API Gateway: any string passes.
    valid: [{ email: "jane@example.com" }, { email: "not an e-mail", at: "yesterday", site: "::" }],
    invalid: [{ email: 42 }, {}],
  },
  {
    kind: "draft 4 bounds, patterns and local definitions",
    schema: {
      $schema: "http://json-schema.org/draft-04/schema#",
      type: "object",
      required: ["code", "price"],
      definitions: { money: { type: "number", minimum: 0, exclusiveMinimum: true, maximum: 1000 } },
      properties: { code: { type: "string", pattern: "^[A-Z]{3}-\\d+$" }, price: { $ref: "#/definitions/money" } },
    },
    valid: [
      { code: "ABC-1", price: 0.01 },
      { code: "XYZ-42", price: 1000 },
    ],
    invalid: [
      { code: "abc-1", price: 1 },
      { code: "ABC-1", price: 0 },
      { code: "ABC-1", price: 1000.5 },
    ],
  },
];

/** A body as a client sends it. */
export const bodyText = (body: unknown) => JSON.stringify(body);

/**
 * Writes the workflow `<name>` into `folder`: templates/workflow.asl.json's definition as
 * `<name>.asl.json`, and `schema` beside it (an object, or the file's text) as `<name>.schema.json`.
 * Returns the definition's path.
 */
export function workflowWithSchema(folder: string, name: string, schema: object | string): string {
  const definition = path.join(folder, `${name}.asl.json`);
  fs.copyFileSync(path.join(PROJECT_DIR, "templates", "workflow.asl.json"), definition);
  fs.writeFileSync(path.join(folder, `${name}.schema.json`), typeof schema === "string" ? schema : JSON.stringify(schema, null, 2));
  return definition;
}

/** Settings of a copy whose default workflow and `orders` each have a schema: `orders`' requires an integer id. */
export function schemaSettings(folder: string, extra: { readonly defaultSchema?: object; readonly ordersSchema?: object } = {}): Record<string, string> {
  const main = workflowWithSchema(folder, "workflow", extra.defaultSchema ?? CONTRACT_CASES[0].schema);
  const orders = workflowWithSchema(
    folder,
    "orders",
    extra.ordersSchema ?? { type: "object", required: ["id"], properties: { id: { type: "integer" }, action: { enum: ["orders"] } } },
  );
  return { STEPGATE_DEFINITION: main, STEPGATE_WORKFLOWS: `orders=${orders}` };
}
