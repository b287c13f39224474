import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_WORKFLOW } from "../../stacks/config/names";
import { readWorkflowNames } from "../../verify/outputs";
import { temporaryFolder } from "../support/temporary-folders";

describe("the workflow stack's outputs, as verify reads them", () => {
  const dir = temporaryFolder("outputs");

  /** A terraform that answers `output -json` with these outputs. */
  const terraformAnswering = (outputs: object) => {
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
    const terraform = path.join(dir, "terraform");
    fs.writeFileSync(terraform, `#!/bin/sh\ncat "${path.join(dir, "outputs.json")}"\n`, { mode: 0o755 });
    return terraform;
  };

  it("names the workflows besides the default: the keys of state_machine_arns but the reserved one", () => {
    const arns = { [DEFAULT_WORKFLOW]: "arn:1", orders: "arn:2", "refunds-eu": "arn:3" };
    const terraform = terraformAnswering({ state_machine_arns: { sensitive: false, type: ["map", "string"], value: arns } });
    expect(readWorkflowNames(dir, terraform)).toEqual(["orders", "refunds-eu"]);
  });

  it("says so when the state has no state_machine_arns", () => {
    const terraform = terraformAnswering({ state_machine_arn: { value: "arn:1" } });
    expect(() => readWorkflowNames(dir, terraform)).toThrow(`the workflow stack has no output state_machine_arns in ${dir}`);
  });
});
