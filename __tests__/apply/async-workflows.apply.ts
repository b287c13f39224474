import * as fs from "node:fs";
import * as path from "node:path";
import { RUNNER_DEFINITION_FILE } from "../../stacks/constructs/runner";
import { TEMPLATES_DIR } from "../../stacks/constructs/template-file";
import { describeApplied } from "../support/apply";

/** A workflow that waits for a job: only a Standard state machine may run it. */
const BATCH = {
  StartAt: "Job",
  States: { Job: { Type: "Task", Resource: "arn:aws:states:::glue:startJobRun.sync", Parameters: { JobName: "nightly" }, End: true } },
};

// Long-running workflows: the default one async on Express, batch async on Standard, quick as it was;
// $connect with an API key, so a WebSocket caller owns its executions as a REST one does.
describeApplied(
  "async workflows, one of them Standard, beside a synchronous one",
  {
    env: {
      STEPGATE_ASYNC_WORKFLOWS: "workflow,batch",
      STEPGATE_STANDARD_WORKFLOWS: "batch",
      STEPGATE_WS_CONNECT_AUTH: "API_KEY",
      STEPGATE_REST_TIMEOUT_MS: "15000",
    },
    seed: async (_aws, root) => {
      const batch = path.join(root, "batch.asl.json");
      fs.writeFileSync(batch, JSON.stringify(BATCH));
      return { STEPGATE_WORKFLOWS: `batch=${batch},quick=templates/workflow.asl.json` };
    },
  },
  (applied) => {
    it("makes the runner a Standard state machine running templates/runner.asl.json, and batch Standard", async () => {
      const { aws, outputs } = applied();
      const { runner_arn, state_machine_arns } = (await outputs("workflow")) as { runner_arn: string; state_machine_arns: Record<string, string> };
      const runner = await aws.call("stepfunctions", "describe_state_machine", { stateMachineArn: runner_arn });
      expect([runner.name, runner.type]).toEqual(["stepgate_runner", "STANDARD"]);
      expect(JSON.parse(runner.definition)).toEqual(JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, RUNNER_DEFINITION_FILE), "utf8")));
      const types: Record<string, string> = {};
      for (const [name, arn] of Object.entries(state_machine_arns))
        types[name] = (await aws.call("stepfunctions", "describe_state_machine", { stateMachineArn: arn })).type;
      expect(types).toEqual({ workflow: "EXPRESS", batch: "STANDARD", quick: "EXPRESS" });
    });

    it("gives the runner's role its policies from both stacks: running the workflows, logs, and replying over the WebSocket", async () => {
      const { PolicyNames } = await applied().aws.call("iam", "list_role_policies", { RoleName: "stepgate_runner" });
      expect([...PolicyNames].sort()).toEqual(["logs-and-tracing", "reply-over-stepgate-websocket", "run-async-workflows"]);
    });

    it("serves GET /executions/{id} beside the POSTs, and keeps the sync workflow's timeout where it was set", async () => {
      const { aws } = applied();
      const { items: apis } = await aws.call("apigateway", "get_rest_apis");
      const { items } = await aws.call("apigateway", "get_resources", { restApiId: apis[0].id });
      const paths = items.map((r: { path: string }) => r.path).sort();
      expect(paths).toEqual(["/", "/batch", "/executions", "/executions/{id}", "/quick"]);
      const id = items.find((r: { path: string }) => r.path === "/executions/{id}").id;
      const integration = await aws.call("apigateway", "get_integration", { restApiId: apis[0].id, resourceId: id, httpMethod: "GET" });
      expect(integration.uri).toBe("arn:aws:apigateway:us-east-1:states:action/DescribeExecution");
      const quick = items.find((r: { path: string }) => r.path === "/quick").id;
      expect((await aws.call("apigateway", "get_integration", { restApiId: apis[0].id, resourceId: quick, httpMethod: "POST" })).timeoutInMillis).toBe(15000);
    });
  },
);
