import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_IDS } from "../../stacks/stack-ids";
import { describeApplied } from "../support/apply";
import { address, synthesizeToFolder } from "../support/stacks";
import { temporaryFolder } from "../support/temporary-folders";

/** The template a test changes (by a comment line at the end of what it is part of), or none. */
let mockChangedTemplate: string | undefined;
jest.mock("../../stacks/constructs/template-file", () => {
  const actual = jest.requireActual("../../stacks/constructs/template-file");
  return {
    ...actual,
    templateFile: (files: string | string[], values?: Record<string, string>) =>
      actual.templateFile(files, values) + ([files].flat().includes(mockChangedTemplate as string) ? "\n## changed by a test" : ""),
  };
});

const REST = { deployment: "aws_api_gateway_deployment", stage: "aws_api_gateway_stage" };
const WEBSOCKET = { deployment: "aws_apigatewayv2_deployment", stage: "aws_apigatewayv2_stage" };

describeApplied("the defaults", { env: {} }, (applied) => {
  it("runs the workflow as an EXPRESS state machine, as Step Functions describes it", async () => {
    const { aws, outputs } = applied();
    const { state_machine_arn } = await outputs("workflow");
    expect(await aws.call("stepfunctions", "describe_state_machine", { stateMachineArn: state_machine_arn })).toMatchObject({
      name: "stepgate-workflow",
      type: "EXPRESS",
    });
  });

  /**
   * The actions a plan of the applied api takes on each API's deployment and stage once one
   * template changes: the api synthesized again with that template changed, planned on the
   * applied state (and put back after).
   */
  async function planWithChanged(template: string): Promise<Record<string, string[]>> {
    const api = applied().stacks[STACK_IDS.api];
    const file = path.join(api.dir, "cdk.tf.json");
    const deployed = fs.readFileSync(file, "utf8");
    const root = temporaryFolder("changed");
    try {
      mockChangedTemplate = template;
      const changed = fs.readFileSync(path.join(synthesizeToFolder({}, root), "stacks", STACK_IDS.api, "cdk.tf.json"), "utf8");
      fs.writeFileSync(file, changed);
      const { json } = await api.planChanges(true);
      const actions = new Map((json?.resource_changes ?? []).map((c) => [c.address, c.change.actions]));
      return Object.fromEntries(
        Object.entries({ REST, WEBSOCKET }).flatMap(([api, types]) =>
          Object.entries(types).map(([kind, type]) => [`${api} ${kind}`, actions.get(address(deployed, type)) ?? ["absent"]]),
        ),
      );
    } finally {
      mockChangedTemplate = undefined;
      fs.writeFileSync(file, deployed);
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  it("a changed REST template replaces the REST deployment (the new one first) and moves its stage; the WebSocket deployment stays", async () => {
    expect(await planWithChanged("rest-request.vtl")).toEqual({
      "REST deployment": ["create", "delete"],
      "REST stage": ["update"],
      "WEBSOCKET deployment": ["no-op"],
      "WEBSOCKET stage": ["no-op"],
    });
  });

  it("a changed WebSocket template replaces the WebSocket deployment (the new one first) and moves its stage; the REST deployment stays", async () => {
    expect(await planWithChanged("websocket-request.vtl")).toEqual({
      "REST deployment": ["no-op"],
      "REST stage": ["no-op"],
      "WEBSOCKET deployment": ["create", "delete"],
      "WEBSOCKET stage": ["update"],
    });
  });
});
