import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Json, SynthesizedStack } from "../../local/synthesized";
import { terraformStringParts } from "../../stacks/constructs/template-file";
import { DELIVERY_METRIC, RUNNER_DEFINITION_FILE } from "../../stacks/constructs/runner";
import { TEMPLATES_DIR } from "../../stacks/constructs/template-file";
import { allows, type PolicyRequest } from "../support/iam-policy";
import { configWith, parse, synthApi, synthWorkflow } from "../support/stacks";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const WS_API_ID = "a1b2c3d4e5";
const sm = (name: string, account = ACCOUNT) => `arn:aws:states:${REGION}:${account}:stateMachine:${name}`;

/** Orders and batch async (batch on Standard), quick synchronous, the default one synchronous too. */
const ENV = {
  STEPGATE_WORKFLOWS: "orders=templates/workflow.asl.json,batch=templates/workflow.asl.json,quick=templates/workflow.asl.json",
  STEPGATE_ASYNC_WORKFLOWS: "orders,batch",
  STEPGATE_STANDARD_WORKFLOWS: "batch",
};

/**
 * A policy document of a synthesized stack with its Terraform expressions evaluated as a deployment
 * in account 123456789012 would: each state machine's ARN, the workflow state's locals, the
 * WebSocket API's id and stage.
 */
function evaluated(stack: SynthesizedStack, documentId: string): Json {
  const document = stack.resources("aws_iam_policy_document", () => true, "data").find((d) => d.logicalId === documentId)?.props;
  if (!document) throw new Error(`no policy document ${documentId}`);
  const machines = Object.fromEntries(stack.resources("aws_sfn_state_machine").map((m) => [`aws_sfn_state_machine.${m.logicalId}.arn`, sm(m.props.name)]));
  const local = (name: string) => {
    if (name === "workflow_state_machine_arn") return sm("stepgate-workflow");
    if (name === "workflow_runner_arn") return sm("stepgate_runner");
    if (name === "runner_execution_arn_prefix") return `${sm("stepgate_runner").replace(":stateMachine:", ":execution:")}:`;
    const extra = /^workflow_state_machine_arns_(.+)$/.exec(name);
    if (extra) return sm(`stepgate-${extra[1]}`);
    throw new Error(`no value for local.${name}`);
  };
  const value = (expression: string): string => {
    if (expression in machines) return machines[expression];
    if (/^data\.aws_partition\.\w+\.partition$/.test(expression)) return "aws";
    if (/^data\.aws_caller_identity\.\w+\.account_id$/.test(expression)) return ACCOUNT;
    if (/^aws_apigatewayv2_api\.\w+\.id$/.test(expression)) return WS_API_ID;
    if (/^aws_apigatewayv2_stage\.\w+\.name$/.test(expression)) return "api";
    const l = /^local\.(\w+)$/.exec(expression);
    if (l) return local(l[1]);
    throw new Error(`no value for \${${expression}}`);
  };
  const evaluate = (text: string) =>
    terraformStringParts(text)
      .map((part) => ("literal" in part ? part.literal : value(part.expression)))
      .join("");
  return JSON.parse(JSON.stringify(document), (_key, v) => (typeof v === "string" ? evaluate(v) : v));
}

/** A request a role's own policy is judged on (the role is the principal). */
const request = (action: string, resource: string, context?: Record<string, string>): PolicyRequest => ({ action, resource, context });

describe("the runner of async workflows, in the workflow stack", () => {
  const synthesized = synthWorkflow(configWith(ENV));
  const stack = new SynthesizedStack(synthesized);

  it("is one Standard state machine, <prefix>_runner, running templates/runner.asl.json as written, logged and traced", () => {
    const definition = JSON.stringify(JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, RUNNER_DEFINITION_FILE), "utf8")));
    expect(synthesized).toHaveResourceWithProperties(SfnStateMachine, {
      name: "stepgate_runner",
      type: "STANDARD",
      definition: definition.replace(/([$%])\{/g, "$1$1{"),
      tracing_configuration: { enabled: true },
      logging_configuration: expect.objectContaining({ level: "ERROR", include_execution_data: false }),
    });
    expect(parse(synthesized).output.runner_arn.value).toBe(`\${${stack.address("aws_sfn_state_machine", (p) => p.name === "stepgate_runner")}.arn}`);
  });

  it("makes each workflow in STEPGATE_STANDARD_WORKFLOWS Standard, and leaves every other Express", () => {
    expect(Object.fromEntries(stack.resources("aws_sfn_state_machine").map((m) => [m.props.name, m.props.type]))).toEqual({
      "stepgate-workflow": "EXPRESS",
      "stepgate-orders": "EXPRESS",
      "stepgate-batch": "STANDARD",
      "stepgate-quick": "EXPRESS",
      stepgate_runner: "STANDARD",
    });
  });

  describe("its permissions, judged as IAM judges a request in account 123456789012", () => {
    const policy = stack.only("aws_iam_role_policy", (p) => p.name === "run-async-workflows");
    const documentId = /^\$\{data\.aws_iam_policy_document\.(\w+)\.json\}$/.exec(policy.props.policy)?.[1] ?? "";
    const document = evaluated(stack, documentId);
    const allowed = (action: string, resource: string, context?: Record<string, string>) => allows(document, request(action, resource, context));

    it("is the runner role's own policy", () => {
      expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, {
        name: "run-async-workflows",
        role: `\${${stack.address("aws_iam_role", (p) => p.name === "stepgate_runner")}.id}`,
      });
    });

    it("starts the async workflows, and no other state machine", () => {
      expect([allowed("states:StartExecution", sm("stepgate-orders")), allowed("states:StartExecution", sm("stepgate-batch"))]).toEqual([true, true]);
      for (const other of [sm("stepgate-workflow"), sm("stepgate-quick"), sm("stepgate_runner"), sm("stepgate-orders", "210987654321")]) {
        expect([other, allowed("states:StartExecution", other)]).toEqual([other, false]);
      }
      expect(allowed("states:StartSyncExecution", sm("stepgate-orders"))).toBe(false);
    });

    it("follows and stops only the executions of the async workflows, Express and Standard", () => {
      for (const arn of [
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:stepgate-batch:r1`,
        `arn:aws:states:${REGION}:${ACCOUNT}:express:stepgate-orders:r1:0f2e`,
      ]) {
        expect([arn, allowed("states:DescribeExecution", arn), allowed("states:StopExecution", arn)]).toEqual([arn, true, true]);
      }
      for (const arn of [
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:stepgate-workflow:r1`,
        `arn:aws:states:${REGION}:${ACCOUNT}:express:stepgate-quick:r1:0f2e`,
      ]) {
        expect([arn, allowed("states:StopExecution", arn)]).toEqual([arn, false]);
      }
    });

    it("manages only the EventBridge rule Step Functions uses for .sync", () => {
      const rule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`;
      expect(["events:PutRule", "events:PutTargets", "events:DescribeRule"].map((a) => allowed(a, rule))).toEqual([true, true, true]);
      expect(allowed("events:PutRule", `arn:aws:events:${REGION}:${ACCOUNT}:rule/other`)).toBe(false);
      expect(allowed("events:DeleteRule", rule)).toBe(false);
    });

    it("counts failed deliveries in stepgate's namespace, and writes no other metric", () => {
      expect(allowed("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": DELIVERY_METRIC.namespace })).toBe(true);
      expect(allowed("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/States" })).toBe(false);
      expect(allowed("cloudwatch:PutMetricData", "*")).toBe(false);
    });

    it("posts to no WebSocket connection from here: that grant is the api stack's, the only one that knows the API", () => {
      expect(allowed("execute-api:ManageConnections", `arn:aws:execute-api:${REGION}:${ACCOUNT}:${WS_API_ID}/api/POST/@connections/x`)).toBe(false);
    });
  });

  it("is not there while no workflow is async", () => {
    const plain = new SynthesizedStack(synthWorkflow(configWith({ STEPGATE_WORKFLOWS: ENV.STEPGATE_WORKFLOWS })));
    expect(plain.resources("aws_sfn_state_machine").map((m) => m.props.name)).not.toContain("stepgate_runner");
    expect(Object.keys(plain.json.output)).not.toContain("runner_arn");
  });
});

describe("the api stack's grants for async workflows, judged as IAM judges a request in account 123456789012", () => {
  const stack = new SynthesizedStack(synthApi(configWith(ENV)));
  const documentOf = (policyName: string) => {
    const policy = stack.only("aws_iam_role_policy", (p) => p.name === policyName);
    return { policy, document: evaluated(stack, /^\$\{data\.aws_iam_policy_document\.(\w+)\.json\}$/.exec(policy.props.policy)?.[1] ?? "") };
  };

  describe("API Gateway's role", () => {
    const { document } = documentOf("start-sync-execution");
    const apiGateway = (action: string, resource: string) => allows(document, request(action, resource));

    it("starts the synchronous workflows itself, and the async ones only through the runner", () => {
      expect([sm("stepgate-workflow"), sm("stepgate-quick")].map((arn) => apiGateway("states:StartSyncExecution", arn))).toEqual([true, true]);
      expect([sm("stepgate-orders"), sm("stepgate-batch")].map((arn) => apiGateway("states:StartSyncExecution", arn))).toEqual([false, false]);
      expect([sm("stepgate-orders"), sm("stepgate-batch")].map((arn) => apiGateway("states:StartExecution", arn))).toEqual([false, false]);
      expect(apiGateway("states:StartExecution", sm("stepgate_runner"))).toBe(true);
    });

    it("describes the runner's executions, and no other", () => {
      expect(apiGateway("states:DescribeExecution", `arn:aws:states:${REGION}:${ACCOUNT}:execution:stepgate_runner:r1`)).toBe(true);
      expect(apiGateway("states:DescribeExecution", `arn:aws:states:${REGION}:${ACCOUNT}:execution:stepgate-batch:r1`)).toBe(false);
      expect(apiGateway("states:StopExecution", `arn:aws:states:${REGION}:${ACCOUNT}:execution:stepgate_runner:r1`)).toBe(false);
    });
  });

  describe("the runner's role, here given the right to reply", () => {
    const { policy, document } = documentOf(`reply-over-stepgate-websocket`);
    const runner = (action: string, resource: string) => allows(document, request(action, resource));

    it("is attached to the runner's role, by its name", () => {
      expect(policy.props.role).toBe("stepgate_runner");
    });

    it("posts to connections of this API's stage, and nothing else", () => {
      const on = (api: string, stage: string, method = "POST") => `arn:aws:execute-api:${REGION}:${ACCOUNT}:${api}/${stage}/${method}/@connections/Zm9vYmFyPQ=`;
      expect(runner("execute-api:ManageConnections", on(WS_API_ID, "api"))).toBe(true);
      expect(
        [on(WS_API_ID, "other"), on("f6g7h8i9j0", "api"), on(WS_API_ID, "api", "DELETE")].map((arn) => runner("execute-api:ManageConnections", arn)),
      ).toEqual([false, false, false]);
      expect(runner("execute-api:Invoke", on(WS_API_ID, "api"))).toBe(false);
    });
  });

  it("names a resource in every statement of API Gateway's role when every workflow is async (IAM refuses one without)", () => {
    const allAsync = new SynthesizedStack(synthApi(configWith({ STEPGATE_ASYNC_WORKFLOWS: "workflow" })));
    const policy = allAsync.only("aws_iam_role_policy", (p) => p.name === "start-sync-execution");
    const id = /^\$\{data\.aws_iam_policy_document\.(\w+)\.json\}$/.exec(policy.props.policy)?.[1];
    const statements = allAsync.resources("aws_iam_policy_document", () => true, "data").find((d) => d.logicalId === id)?.props.statement as Json[];
    expect(statements.map((s) => [s.actions, s.resources.length])).toEqual([
      [["states:StartExecution"], 1],
      [["states:DescribeExecution"], 1],
    ]);
  });

  it("refuses the apply while the workflow state has no runner yet, naming it", () => {
    expect(stack.json.locals.workflows_not_applied).toContain('{ name = "stepgate_runner", arn = local.workflow_runner_arn }');
    expect(stack.json.locals.workflow_runner_arn).toBe(
      '${try(data.terraform_remote_state.workflow[0].outputs.runner_arn, "arn:aws:states:us-east-1:000000000000:stateMachine:stepgate_runner")}',
    );
  });
});
