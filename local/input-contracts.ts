import type { ValidateFunction } from "ajv";
import { inputValidator, validationErrors } from "../stacks/config/schema";

/**
 * Input contracts on the local gateway: a request body or message checked against its model's JSON
 * Schema (draft 4, formats not enforced) with the validator synth checks schemas with, as API
 * Gateway's body validator and WebSocket route models check them; and what API Gateway answers
 * when one does not match.
 */

/** The message of API Gateway's "Bad request body" WebSocket frame (and of its REST 400's default). */
export const BAD_REQUEST_BODY_FRAME_MESSAGE = "Bad request body";

/** Every schema's validator, compiled once. */
export class InputContracts {
  private readonly validators = new Map<string, ValidateFunction>();

  /** What is wrong with a body for this schema, one finding each; undefined when it matches. */
  check(schema: string, body: string): string[] | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return ["the body is not JSON"];
    }
    let validate = this.validators.get(schema);
    if (validate === undefined) {
      validate = inputValidator(schema);
      this.validators.set(schema, validate);
    }
    return validate(parsed) ? undefined : validationErrors(validate);
  }
}

/**
 * `$context.error.validationErrorString` as the local gateway gives it: the findings in brackets,
 * as API Gateway lists them (its wording differs: it names draft 4's keywords in its own words).
 */
export function validationErrorString(findings: readonly string[]): string {
  return `[${findings.join(", ")}]`;
}

/**
 * A gateway response template with its `$context.error.*` variables substituted, as API Gateway
 * substitutes them (no VTL); inside a JSON string, the value is escaped as JSON.
 */
export function gatewayResponseBody(template: string, error: { readonly message: string; readonly validationErrorString?: string }): string {
  const inString = (value: string) => JSON.stringify(value).slice(1, -1);
  return template
    .replaceAll("$context.error.messageString", JSON.stringify(error.message))
    .replaceAll("$context.error.validationErrorString", inString(error.validationErrorString ?? ""))
    .replaceAll("$context.error.message", inString(error.message));
}
