import { terraformStringParts } from "../stacks/constructs/template-file";

/**
 * Evaluates a string of synthesized Terraform JSON the way Terraform does before handing it to
 * AWS: `$${` and `%%{` become `${` and `%{`, and each `${expression}` becomes its value.
 * An expression is a reference `values` holds, or `replace(expression, "from", "to")` (the one
 * function stepgate's templates are filled with); anything else, a reference missing from
 * `values`, or a template directive (stepgate never writes one), throws.
 */
export function evaluateTerraformString(text: string, values: Readonly<Record<string, string>> = {}): string {
  return terraformStringParts(text)
    .map((part) => ("literal" in part ? part.literal : evaluateExpression(part.expression, values)))
    .join("");
}

function evaluateExpression(expression: string, values: Readonly<Record<string, string>>): string {
  const text = expression.trim();
  if (Object.hasOwn(values, text)) return values[text];
  const call = /^replace\((.*)\)$/s.exec(text);
  if (call) {
    const args = splitArguments(call[1]);
    if (args.length === 3) {
      const [subject, from, to] = args.map((arg) => (/^".*"$/s.test(arg) ? (JSON.parse(arg) as string) : evaluateExpression(arg, values)));
      return subject.split(from).join(to);
    }
  }
  throw new Error(`no value for the Terraform expression \${${expression}}`);
}

/** A function call's arguments, split at the commas outside quotes and parentheses. */
function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === "\\") {
      current += ch + (text[++i] ?? "");
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    if (!quoted && depth === 0 && ch === ",") {
      args.push(current.trim());
      current = "";
    } else current += ch;
  }
  args.push(current.trim());
  return args;
}
