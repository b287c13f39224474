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

/**
 * Reads `templates/<file>`, escapes it for Terraform and fills its `%NAME%` placeholders with
 * `values` (which may be Terraform references, such as a state machine ARN). A placeholder without
 * a value, or a value without a placeholder, is a programming error and throws.
 */
export function templateFile(file: string, values: Readonly<Record<string, string>> = {}): string {
  const text = terraformLiteral(fs.readFileSync(path.join(TEMPLATES_DIR, file), "utf8"));
  const unused = new Set(Object.keys(values));
  const filled = text.replace(/%([A-Z][A-Z0-9_]*)%/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`templates/${file}: no value for placeholder %${name}%`);
    unused.delete(name);
    return values[name];
  });
  if (unused.size > 0) throw new Error(`templates/${file}: no placeholder for ${[...unused].join(", ")}`);
  return filled;
}
