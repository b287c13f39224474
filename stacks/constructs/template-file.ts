import * as fs from "node:fs";
import * as path from "node:path";

/** The folder of mapping templates and the default state machine definition. */
export const TEMPLATES_DIR = path.join(__dirname, "..", "..", "templates");

/**
 * Escapes text so that Terraform reads it literally. Terraform treats `${` and `%{` in any string
 * of its configuration, JSON included, as its own template syntax; VTL may contain both (`${var}`
 * is a formal reference), so they are doubled.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/([$%])\{/g, (_match, sign: string) => `${sign}${sign}{`);
}

/** A piece of a Terraform string: text Terraform keeps (its escapes undone), or an `${expression}`. */
export type TerraformStringPart = { readonly literal: string } | { readonly expression: string };

/**
 * Reads a string of synthesized Terraform JSON as Terraform does: `$${` and `%%{` are the literal
 * `${` and `%{`, each `${...}` is an expression. What stepgate never writes throws: a template
 * directive, an expression with braces of its own, an unclosed `${`.
 */
export function terraformStringParts(text: string): TerraformStringPart[] {
  const parts: TerraformStringPart[] = [];
  let literal = "";
  for (let i = 0; i < text.length; ) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      literal += `${text[i]}{`;
      i += 3;
    } else if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i);
      if (end < 0 || text.slice(i + 2, end).includes("{")) throw new Error(`unreadable Terraform interpolation at ${i}: ${text.slice(i, i + 40)}`);
      if (literal) parts.push({ literal });
      literal = "";
      parts.push({ expression: text.slice(i + 2, end) });
      i = end + 1;
    } else if (text.startsWith("%{", i)) {
      throw new Error(`unexpected Terraform template directive at ${i}: ${text.slice(i, i + 40)}`);
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

/** The text of `templates/<file>`, as written. */
export function templateText(file: string): string {
  return fs.readFileSync(path.join(TEMPLATES_DIR, file), "utf8");
}

/**
 * Reads `templates/<file>` (or several, one after the other: a template made of shared parts),
 * escapes it for Terraform and fills its `%NAME%` placeholders with `values` (which may be
 * Terraform references, such as a state machine ARN). A placeholder without a value, or a value
 * without a placeholder, is a programming error and throws.
 */
export function templateFile(files: string | readonly string[], values: Readonly<Record<string, string>> = {}): string {
  const parts = typeof files === "string" ? [files] : files;
  const file = parts.join(" + ");
  const text = terraformLiteral(parts.map(templateText).join(""));
  const unused = new Set(Object.keys(values));
  const filled = text.replace(/%([A-Z][A-Z0-9_]*)%/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`templates/${file}: no value for placeholder %${name}%`);
    unused.delete(name);
    return values[name];
  });
  if (unused.size > 0) throw new Error(`templates/${file}: no placeholder for ${[...unused].join(", ")}`);
  return filled;
}
