import { execFileSync } from "node:child_process";
import { PROJECT_DIR } from "./stacks";

/**
 * OpenAPI documents checked by @seriousme/openapi-schema-validator against the OpenAPI
 * specification's own schemas (3.0 and 3.1). It is an ES module, which jest's module system cannot
 * load: it runs in a Node process of its own, the documents on its standard input.
 */
export function validateOpenApi(documents: readonly object[]): Array<{ valid: boolean; errors?: unknown }> {
  const script = `
    import { Validator } from "@seriousme/openapi-schema-validator";
    let input = "";
    for await (const chunk of process.stdin) input += chunk;
    const results = [];
    for (const document of JSON.parse(input)) {
      const { valid, errors } = await new Validator().validate(document);
      results.push(valid ? { valid } : { valid, errors });
    }
    process.stdout.write(JSON.stringify(results));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: PROJECT_DIR, input: JSON.stringify(documents), encoding: "utf8" });
  return JSON.parse(out);
}
