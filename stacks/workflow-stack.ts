import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { StepgateConfig, Workflow } from "./config/load";
import { Runner } from "./constructs/runner";
import { stateMachineRole } from "./constructs/state-machine-role";
import { terraformLiteral } from "./constructs/template-file";
import type { StackId } from "./stack-ids";
import { StepgateStack } from "./stepgate-stack";

/** Names of the workflow stack's outputs, which the api stack (and the local gateway) read. */
export const WORKFLOW_OUTPUTS = {
  stateMachineArn: "state_machine_arn",
  stateMachineName: "state_machine_name",
  stateMachineRoleArn: "state_machine_role_arn",
  logGroupName: "log_group_name",
  /** A map from workflow name to state machine ARN, the default one under `workflow`. */
  stateMachineArns: "state_machine_arns",
  /** The runner of async workflows (STEPGATE_ASYNC_WORKFLOWS), when there are any. */
  runnerArn: "runner_arn",
} as const;

export interface WorkflowStackProps {
  readonly config: StepgateConfig;
}

/**
 * The Step Functions state machines (Express, or Standard where STEPGATE_STANDARD_WORKFLOWS says),
 * each with its role and its logs: the default workflow in the stack's own scope (its addresses as
 * they always were), each other one in a scope of its own, `workflow_<name>`; and, when any
 * workflow is async, the runner that starts them, in the scope `runner`.
 */
export class WorkflowStack extends StepgateStack {
  /** The default workflow's state machine. */
  readonly stateMachine: SfnStateMachine;
  /** Every workflow's state machine, by workflow name, the default first. */
  readonly stateMachines: ReadonlyMap<string, SfnStateMachine>;
  /** The runner of async workflows, when any workflow is async. */
  readonly runner?: Runner;

  constructor(scope: Construct, id: StackId, { config }: WorkflowStackProps) {
    super(scope, id, { config });
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    const [main, ...extras] = config.workflows;
    const shared: Shared = { config, accountId: account.accountId, partition: partition.partition, logsKmsKeyArn: this.logsKmsKeyArn };

    const first = workflowStateMachine(this, main, shared);
    this.stateMachine = first.stateMachine;
    const machines = new Map([[main.name, first.stateMachine]]);
    for (const workflow of extras) {
      machines.set(
        workflow.name,
        workflowStateMachine(new Construct(this, workflowScopeId(workflow.name)), workflow, { ...shared, permissions: first.permissions }).stateMachine,
      );
    }
    this.stateMachines = machines;

    const asyncWorkflows = config.workflows.filter((w) => w.async);
    if (asyncWorkflows.length > 0) {
      this.runner = new Runner(this, "runner", {
        names: { stateMachine: config.names.runnerStateMachine, role: config.names.runnerRole, logGroup: config.names.runnerLogGroup },
        workflows: asyncWorkflows.map((w) => ({ stateMachineName: w.names.stateMachine, stateMachineArn: (machines.get(w.name) as SfnStateMachine).arn })),
        region: config.region,
        accountId: shared.accountId,
        partition: shared.partition,
        logLevel: config.logLevel,
        logExecutionData: config.logExecutionData,
        logRetentionDays: config.logRetentionDays,
        logKmsKeyId: this.logsKmsKeyArn,
        logsAndTracing: first.permissions,
      });
    }

    new TerraformOutput(this, WORKFLOW_OUTPUTS.stateMachineArn, {
      value: this.stateMachine.arn,
      description: "ARN of the Express state machine",
    });
    new TerraformOutput(this, WORKFLOW_OUTPUTS.stateMachineName, {
      value: this.stateMachine.name,
      description: "Name of the Express state machine",
    });
    new TerraformOutput(this, WORKFLOW_OUTPUTS.stateMachineRoleArn, {
      value: first.role.arn,
      description: "ARN of the state machine's execution role",
    });
    new TerraformOutput(this, WORKFLOW_OUTPUTS.logGroupName, {
      value: first.logGroup.name,
      description: "CloudWatch log group of the state machine",
    });
    new TerraformOutput(this, WORKFLOW_OUTPUTS.stateMachineArns, {
      value: Object.fromEntries([...machines].map(([name, machine]) => [name, machine.arn])),
      description: "ARN of every Express state machine, by workflow name (the default one is workflow)",
    });
    if (this.runner) {
      new TerraformOutput(this, WORKFLOW_OUTPUTS.runnerArn, {
        value: this.runner.stateMachine.arn,
        description: "ARN of the Standard state machine that runs the async workflows",
      });
    }
  }
}

/** The scope of a workflow other than the default one: its resources' addresses start with it. */
export function workflowScopeId(workflow: string): string {
  return `workflow_${workflow}`;
}

interface Shared {
  readonly config: StepgateConfig;
  readonly accountId: string;
  readonly partition: string;
  readonly logsKmsKeyArn?: string;
  /** The permissions document of the roles, created with the first workflow. */
  readonly permissions?: DataAwsIamPolicyDocument;
}

/** One workflow's state machine, role and log group, with the ids they have always had in `scope`. */
function workflowStateMachine(scope: Construct, workflow: Workflow, shared: Shared) {
  const { config, names } = { config: shared.config, names: workflow.names };
  const logGroup = new CloudwatchLogGroup(scope, "log_group", {
    name: names.stateMachineLogGroup,
    retentionInDays: config.logRetentionDays,
    kmsKeyId: shared.logsKmsKeyArn,
  });

  const role = stateMachineRole(scope, {
    name: names.stateMachineRole,
    stateMachineName: names.stateMachine,
    accountId: shared.accountId,
    partition: shared.partition,
    region: config.region,
  });

  // Log delivery and X-Ray actions do not support resource-level permissions: AWS documents
  // them with Resource "*".
  const permissions =
    shared.permissions ??
    new DataAwsIamPolicyDocument(scope, "permissions", {
      statement: [
        {
          sid: "LogDelivery",
          effect: "Allow",
          actions: [
            "logs:CreateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:DescribeLogGroups",
            "logs:DescribeResourcePolicies",
            "logs:GetLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:UpdateLogDelivery",
          ],
          resources: ["*"],
        },
        {
          sid: "XRay",
          effect: "Allow",
          actions: ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"],
          resources: ["*"],
        },
      ],
    });
  const rolePolicy = new IamRolePolicy(scope, "role_policy", {
    name: "logs-and-tracing",
    role: role.id,
    policy: permissions.json,
  });

  const stateMachine = new SfnStateMachine(scope, "state_machine", {
    name: names.stateMachine,
    // STANDARD replaces the state machine (its type cannot change in place): docs/long-running-workflows.md says so.
    type: workflow.type,
    roleArn: role.arn,
    definition: terraformLiteral(workflow.definition),
    loggingConfiguration: {
      level: config.logLevel,
      includeExecutionData: config.logExecutionData,
      logDestination: `${logGroup.arn}:*`,
    },
    tracingConfiguration: { enabled: true },
    // Creating the state machine checks that its role may deliver logs already.
    dependsOn: [rolePolicy],
  });
  return { logGroup, role, permissions, stateMachine };
}
