import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import * as fs from "node:fs";
import * as path from "node:path";
import { address, configWith, definitionFile, only, parse, PROJECT_DIR, resources, synthWorkflow } from "./support/stacks";

describe("WorkflowStack", () => {
  const synthesized = synthWorkflow();
  const data = parse(synthesized).data;

  it("creates an EXPRESS state machine from the definition file, with logging and X-Ray tracing", () => {
    const definition = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "templates/workflow.asl.json"), "utf8"));
    expect(synthesized).toHaveResourceWithProperties(SfnStateMachine, {
      name: "stepgate-workflow",
      type: "EXPRESS",
      definition: JSON.stringify(definition),
      role_arn: `\${${address(synthesized, "aws_iam_role")}.arn}`,
      logging_configuration: {
        level: "ERROR",
        include_execution_data: false,
        log_destination: `\${${address(synthesized, "aws_cloudwatch_log_group")}.arn}:*`,
      },
      tracing_configuration: { enabled: true },
    });
  });

  it("keeps the seed's workflow as the default: one Wait state of 3 seconds that returns its input", () => {
    const definition = JSON.parse(only(synthesized, "aws_sfn_state_machine").props.definition);
    expect(definition.States[definition.StartAt]).toEqual({ Type: "Wait", Seconds: 3, End: true });
    expect(Object.keys(definition.States)).toHaveLength(1);
  });

  it("creates the state machine after its role may deliver logs", () => {
    expect(only(synthesized, "aws_sfn_state_machine").props.depends_on).toEqual([address(synthesized, "aws_iam_role_policy")]);
  });

  it("takes the log level, execution data and retention from the settings", () => {
    const custom = synthWorkflow(configWith({ STEPGATE_LOG_LEVEL: "ALL", STEPGATE_LOG_EXECUTION_DATA: "true", STEPGATE_LOG_RETENTION_DAYS: "7" }));
    expect(custom).toHaveResourceWithProperties(SfnStateMachine, {
      logging_configuration: expect.objectContaining({ level: "ALL", include_execution_data: true }),
    });
    expect(custom).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 7 });
  });

  it("names everything from the prefix", () => {
    const custom = synthWorkflow(configWith({ STEPGATE_PREFIX: "team-a" }));
    expect(custom).toHaveResourceWithProperties(SfnStateMachine, { name: "team-a-workflow" });
    expect(custom).toHaveResourceWithProperties(IamRole, { name: "team-a-workflow" });
    expect(custom).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/vendedlogs/states/team-a-workflow" });
  });

  it("writes logs to a vended-logs group with retention", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/vendedlogs/states/stepgate-workflow",
      retention_in_days: 30,
    });
  });

  it("lets only Step Functions assume the role, for this account's state machine only", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["states.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["${data.aws_caller_identity.account.account_id}"] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [
                "arn:${data.aws_partition.partition.partition}:states:us-east-1:${data.aws_caller_identity.account.account_id}:stateMachine:stepgate-workflow",
              ],
            },
          ],
        },
      ],
    });
    expect(only(synthesized, "aws_iam_role").props.assume_role_policy).toBe("${data.aws_iam_policy_document.assume_role.json}");
  });

  it("grants only log delivery and X-Ray, with no wildcard action", () => {
    const statements = data.aws_iam_policy_document.permissions.statement as Array<{ actions: string[]; resources: string[] }>;
    const actions = statements.flatMap((s) => s.actions);
    expect(actions.every((a) => /^(logs|xray):[A-Za-z]+$/.test(a))).toBe(true);
    expect(actions).toEqual(expect.arrayContaining(["logs:CreateLogDelivery", "logs:PutResourcePolicy", "xray:PutTraceSegments"]));
    expect(only(synthesized, "aws_iam_role_policy").props.policy).toBe("${data.aws_iam_policy_document.permissions.json}");
    expect(resources(synthesized, "aws_iam_role_policy_attachment")).toEqual([]);
  });

  it("outputs the state machine's ARN and name under stable names", () => {
    const outputs = parse(synthesized).output;
    expect(outputs.state_machine_arn.value).toBe(`\${${address(synthesized, "aws_sfn_state_machine")}.arn}`);
    expect(outputs.state_machine_name.value).toBe(`\${${address(synthesized, "aws_sfn_state_machine")}.name}`);
    expect(outputs.state_machine_arns.value).toEqual({ workflow: `\${${address(synthesized, "aws_sfn_state_machine")}.arn}` });
    expect(Object.keys(outputs).sort()).toEqual(["log_group_name", "state_machine_arn", "state_machine_arns", "state_machine_name", "state_machine_role_arn"]);
  });

  it("escapes Terraform template syntax in the definition", () => {
    const file = definitionFile({ StartAt: "P", States: { P: { Type: "Pass", Result: { text: "${not terraform} %{ nor this }" }, End: true } } });
    const custom = synthWorkflow(configWith({ STEPGATE_DEFINITION: file }));
    expect(only(custom, "aws_sfn_state_machine").props.definition).toContain('"text":"$${not terraform} %%{ nor this }"');
  });

  describe("with STEPGATE_WORKFLOWS", () => {
    const orders = { StartAt: "A", States: { A: { Type: "Pass", Result: "orders", End: true } } };
    const several = synthWorkflow(
      configWith({ STEPGATE_WORKFLOWS: `orders=${definitionFile(orders)},refunds-eu=templates/workflow.asl.json`, STEPGATE_LOG_LEVEL: "ALL" }),
    );
    const machine = (name: string) => only(several, "aws_sfn_state_machine", (r) => r.name === `stepgate-${name}`);

    it("creates an EXPRESS state machine per workflow, <prefix>-<name>, from its definition, with its own log group, logging and tracing", () => {
      expect(machine("workflow").logicalId).toBe("state_machine");
      expect(JSON.parse(machine("orders").props.definition)).toEqual(orders);
      for (const name of ["orders", "refunds-eu"]) {
        const logGroup = only(several, "aws_cloudwatch_log_group", (r) => r.name === `/aws/vendedlogs/states/stepgate-${name}`);
        const role = only(several, "aws_iam_role", (r) => r.name === `stepgate-${name}`);
        expect(several).toHaveResourceWithProperties(SfnStateMachine, {
          name: `stepgate-${name}`,
          type: "EXPRESS",
          role_arn: `\${aws_iam_role.${role.logicalId}.arn}`,
          logging_configuration: { level: "ALL", include_execution_data: false, log_destination: `\${aws_cloudwatch_log_group.${logGroup.logicalId}.arn}:*` },
          tracing_configuration: { enabled: true },
        });
        expect(logGroup.props.retention_in_days).toBe(30);
      }
      expect(resources(several, "aws_sfn_state_machine")).toHaveLength(3);
    });

    it("gives each state machine a role that Step Functions may assume for it alone, with the same permissions", () => {
      const documents = parse(several).data.aws_iam_policy_document;
      for (const name of ["workflow", "orders", "refunds-eu"]) {
        const role = only(several, "aws_iam_role", (r) => r.name === `stepgate-${name}`);
        const trust = role.props.assume_role_policy.match(/^\$\{data\.aws_iam_policy_document\.(.+)\.json\}$/)[1];
        const sourceArns = documents[trust].statement[0].condition.find((c: { variable: string }) => c.variable === "aws:SourceArn").values;
        expect(sourceArns).toEqual([expect.stringMatching(new RegExp(`:stateMachine:stepgate-${name}$`))]);
        const policy = only(several, "aws_iam_role_policy", (r) => r.role === `\${aws_iam_role.${role.logicalId}.id}`).props;
        expect(policy.policy).toBe("${data.aws_iam_policy_document.permissions.json}");
        expect(machine(name).props.depends_on).toEqual([
          `aws_iam_role_policy.${only(several, "aws_iam_role_policy", (r) => r.role === policy.role).logicalId}`,
        ]);
      }
    });

    it("outputs every state machine's ARN by workflow name, beside the default's outputs", () => {
      const outputs = parse(several).output;
      expect(outputs.state_machine_arns.value).toEqual({
        workflow: "${aws_sfn_state_machine.state_machine.arn}",
        orders: `\${aws_sfn_state_machine.${machine("orders").logicalId}.arn}`,
        "refunds-eu": `\${aws_sfn_state_machine.${machine("refunds-eu").logicalId}.arn}`,
      });
      expect(outputs.state_machine_arn.value).toBe("${aws_sfn_state_machine.state_machine.arn}");
    });
  });
});
