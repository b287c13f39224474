import { terraformStringParts } from "../stacks/constructs/template-file";

/**
 * Evaluates a string of synthesized Terraform JSON the way Terraform does before handing it to
 * AWS: `$${` and `%%{` become `${` and `%{`, and each `${expression}` becomes its value.
 * An expression missing from `values`, or a template directive (stepgate never writes one), throws.
 */
export function evaluateTerraformString(text: string, values: Readonly<Record<string, string>> = {}): string {
  return terraformStringParts(text)
    .map((part) => {
      if ("literal" in part) return part.literal;
      if (!(part.expression in values)) throw new Error(`no value for the Terraform expression \${${part.expression}}`);
      return values[part.expression];
    })
    .join("");
}
