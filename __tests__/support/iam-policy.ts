import type { Json } from "../../local/synthesized";

/**
 * A policy document (an `aws_iam_policy_document` data source as synthesized, its Terraform
 * expressions already evaluated) judged as IAM judges one request: an explicit Deny wins, then an
 * Allow, else the request is refused. A field or a condition operator it does not know makes it
 * throw, so a policy that grows one cannot pass unjudged.
 */

export interface PolicyRequest {
  /**
   * `AWS` (an account's root or a role's ARN) or `Service` (a service principal), for a resource
   * policy (a key's, a topic's), whose statements name their principals.
   * @default none: the document is an identity policy (a role's), whose statements name none
   */
  readonly principal?: { readonly type: "AWS" | "Service"; readonly id: string };
  readonly action: string;
  readonly resource: string;
  /** The request's condition keys, e.g. `kms:EncryptionContext:aws:logs:arn`. */
  readonly context?: Readonly<Record<string, string>>;
}

const STATEMENT_FIELDS = new Set(["sid", "effect", "principals", "actions", "resources", "condition"]);

/** IAM's wildcards: `*` any run of characters, `?` one. */
const wildcard = (pattern: string, value: string, ignoreCase = false) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replaceAll("*", ".*")
      .replaceAll("?", ".")}$`,
    ignoreCase ? "i" : "",
  ).test(value);

/** ArnLike: each of the ARN's six colon-separated parts matched on its own (the last one keeps its colons). */
function arnLike(pattern: string, value: string): boolean {
  const parts = (arn: string) => {
    const p = arn.split(":");
    return [...p.slice(0, 5), p.slice(5).join(":")];
  };
  const [want, got] = [parts(pattern), parts(value)];
  return value.split(":").length >= 6 && want.every((part, i) => wildcard(part, got[i]));
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: (pattern, value) => wildcard(pattern, value),
  ArnEquals: (pattern, value) => pattern === value,
  ArnLike: arnLike,
};

function matches(statement: Json, request: PolicyRequest): boolean {
  for (const field of Object.keys(statement)) if (!STATEMENT_FIELDS.has(field)) throw new Error(`the evaluator does not judge ${field}`);
  const principals = (statement.principals ?? []) as Array<{ type: string; identifiers: string[] }>;
  const asked = request.principal;
  if (asked === undefined && principals.length > 0) throw new Error(`statement ${statement.sid ?? "?"} names a principal (an identity policy names none)`);
  if (asked !== undefined && principals.length === 0) throw new Error(`statement ${statement.sid ?? "?"} names no principal (a key policy must)`);
  const principal = asked === undefined || principals.some((p) => p.type === asked.type && p.identifiers.some((id) => id === "*" || id === asked.id));
  const action = (statement.actions as string[]).some((a) => wildcard(a, request.action, true));
  const resource = (statement.resources as string[]).some((r) => wildcard(r, request.resource));
  const conditions = ((statement.condition ?? []) as Array<{ test: string; variable: string; values: string[] }>).every((c) => {
    const operator = OPERATORS[c.test];
    if (!operator) throw new Error(`the evaluator does not judge the condition operator ${c.test}`);
    const value = request.context?.[c.variable];
    // A key the request lacks fails the condition (no ...IfExists here); any of the values may match.
    return value !== undefined && c.values.some((pattern) => operator(pattern, value));
  });
  return principal && action && resource && conditions;
}

/** Whether the policy allows the request. */
export function allows(document: Json, request: PolicyRequest): boolean {
  const statements = document.statement as Json[];
  const matching = statements.filter((s) => matches(s, request));
  if (matching.some((s) => (s.effect ?? "Allow") === "Deny")) return false;
  return matching.some((s) => (s.effect ?? "Allow") === "Allow");
}
