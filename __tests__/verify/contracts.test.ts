import { spawn } from "node:child_process";
import * as path from "node:path";
import { startLocalGateway } from "../../local/gateway";
import { inputValidator } from "../../stacks/config/schema";
import { openApiDocument } from "../../stacks/openapi";
import { refusedInputs } from "../../verify/contracts";
import { CONTRACT_CASES, schemaSettings, workflowWithSchema } from "../support/input-contracts";
import { configWith, PROJECT_DIR, synthesizeToFolder } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

describe("refusedInputs: what verify sends each workflow with a schema", () => {
  it("finds, from the OpenAPI document, a body and a message each schema refuses (the message with its action); nothing for a workflow without", () => {
    const config = configWith(schemaSettings(temporaryFolder("verify")));
    const found = refusedInputs(openApiDocument(config));
    expect(found).toEqual([
      { workflow: "workflow", body: "[]", message: "[]" },
      { workflow: "orders", body: "[]", message: '{"action":"orders"}' },
    ]);
    for (const { workflow, body, message } of found) {
      const validate = inputValidator(config.workflows.find((w) => w.name === workflow)?.schema as string);
      expect([workflow, validate(JSON.parse(body)), validate(JSON.parse(message))]).toEqual([workflow, false, false]);
    }
  });

  it("finds a refused body for every schema of the contract table, and leaves out one that accepts everything", () => {
    const folder = temporaryFolder("verify");
    for (const [i, c] of CONTRACT_CASES.entries()) {
      const main = workflowWithSchema(folder, `workflow-${i}`, c.schema);
      const found = refusedInputs(openApiDocument(configWith({ STEPGATE_DEFINITION: main })));
      expect([c.kind, found.length, inputValidator(c.schema)(JSON.parse(found[0]?.body ?? "null"))]).toEqual([c.kind, 1, false]);
    }
    const open = workflowWithSchema(folder, "open", { description: "anything" });
    expect(refusedInputs(openApiDocument(configWith({ STEPGATE_DEFINITION: open })))).toEqual([]);
  });
});

describe("npm run verify with input contracts, against npm run local", () => {
  jest.setTimeout(120_000);
  const KEY = "verify-key-0123456789abcdefghij";

  it("with --openapi, sends each workflow with a schema a body and a message it refuses: 400 and the Bad request body frame, no execution", async () => {
    // A schema the walkthroughs' bodies match: every other row passes as on a deployment without.
    const schema = { type: "object", required: ["first_name"], properties: { first_name: { type: "string" }, action: { enum: ["orders"] } } };
    const outdir = synthesizeToFolder({ STEPGATE_WORKFLOWS: `orders=${workflowWithSchema(temporaryFolder("verify"), "orders", schema)}` });
    const gateway = await startLocalGateway({ outdir, wsPort: 0, httpPort: 0, apiKey: KEY, waitScale: 0 });
    try {
      const args = ["--rest-url", gateway.restUrl, "--ws-url", gateway.websocketUrl, "--api-key", KEY];
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(
          "npm",
          ["run", "verify", "--silent", "--", ...args, "--openapi", path.join(outdir, "openapi.json"), "--workflows", "orders", "--samples", "1"],
          {
            cwd: PROJECT_DIR,
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let [stdout, stderr] = ["", ""];
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject).on("exit", (code) => resolve({ code, stdout, stderr }));
      });
      expect([run.code, run.stderr, run.stdout]).toEqual([0, "", expect.stringContaining("; schemas orders (about")]);
      const rows = ["REST: a body its workflow's schema refuses (orders)", "WebSocket: a message its workflow's schema refuses (orders)"];
      for (const row of rows) expect(run.stdout.split("\n").find((l) => l.startsWith(`${row}  `))).toMatch(/ {2}pass {2,}\d+ ms$/);
      expect(run.stdout).not.toContain(KEY);
    } finally {
      await gateway.close();
    }
  });
});
