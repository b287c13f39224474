import { inputValidator } from "../../stacks/config/schema";
import { openApiDocument } from "../../stacks/openapi";
import { refusedInputs } from "../../verify/contracts";
import { CONTRACT_CASES, schemaSettings, workflowWithSchema } from "../support/input-contracts";
import { configWith } from "../support/stacks";
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
