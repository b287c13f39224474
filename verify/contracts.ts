import * as fs from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import { DEFAULT_WORKFLOW } from "../stacks/config/names";

/**
 * Which workflows have an input contract, and a body and a message each one refuses, read from the
 * REST API's OpenAPI document (synth writes it: cdktf.out/openapi.json), whose schemas are the
 * workflows' in JSON Schema 2020-12. verify sends them and expects API Gateway's refusal.
 */

export interface RefusedInput {
  readonly workflow: string;
  /** A REST body the schema refuses. */
  readonly body: string;
  /** A WebSocket message it refuses, reaching the workflow's route (its action in it, but for the default workflow). */
  readonly message: string;
}

/** What verify tries, in order: the first the schema refuses is sent. */
const CANDIDATES: readonly unknown[] = [[], {}, "stepgate-verify", 0, null, { "stepgate-verify": true }];

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, read by its paths.
type Document = Record<string, any>;

export function readOpenApiDocument(file: string): Document {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Document;
}

/**
 * Each POST whose body has a schema of the document's components: the workflow, and the first
 * candidates its schema refuses; a workflow whose schema accepts every candidate is left out.
 */
export function refusedInputs(document: Document): RefusedInput[] {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  ajv.addSchema({ $id: "openapi.json", components: { schemas: document.components?.schemas ?? {} } });
  const found: RefusedInput[] = [];
  for (const [route, item] of Object.entries((document.paths ?? {}) as Record<string, Document>)) {
    const reference: unknown = item.post?.requestBody?.content?.["application/json"]?.schema?.$ref;
    if (typeof reference !== "string" || !reference.startsWith("#/components/schemas/")) continue;
    const validate = ajv.compile({ $ref: `openapi.json${reference}` });
    const workflow = route === "/" ? DEFAULT_WORKFLOW : route.slice(1);
    const body = CANDIDATES.find((candidate) => !validate(candidate));
    const withAction = (candidate: unknown) =>
      typeof candidate === "object" && candidate !== null && !Array.isArray(candidate) ? { action: workflow, ...candidate } : undefined;
    // A message to another route than $default is an object with its action.
    const message = workflow === DEFAULT_WORKFLOW ? body : CANDIDATES.map(withAction).find((candidate) => candidate !== undefined && !validate(candidate));
    if (body === undefined || message === undefined) continue;
    found.push({ workflow, body: JSON.stringify(body), message: JSON.stringify(message) });
  }
  return found;
}
