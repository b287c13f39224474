/**
 * Evaluates a string of synthesized Terraform JSON the way Terraform does before handing it to
 * AWS: `$${` and `%%{` become `${` and `%{`, and each `${expression}` becomes its value.
 * An expression missing from `values`, or a template directive (stepgate never writes one), throws.
 */
export function evaluateTerraformString(text: string, values: Readonly<Record<string, string>> = {}): string {
  let out = "";
  for (let i = 0; i < text.length; ) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      out += `${text[i]}{`;
      i += 3;
    } else if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i);
      const expression = text.slice(i + 2, end);
      if (end < 0 || !(expression in values)) throw new Error(`no value for the Terraform expression \${${expression}}`);
      out += values[expression];
      i = end + 1;
    } else if (text.startsWith("%{", i)) {
      throw new Error(`unexpected Terraform template directive at ${i}: ${text.slice(i, i + 40)}`);
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}
