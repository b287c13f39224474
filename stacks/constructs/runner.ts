import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import * as path from "node:path";
import { Construct } from "constructs";
import { loadDefinition } from "../config/definition";
import type { LogLevel } from "../config/settings";
import { stateMachineRole } from "./state-machine-role";
import { TEMPLATES_DIR, terraformLiteral } from "./template-file";

/** The runner's definition: a plain file of templates/, as every definition and mapping template is. */
export const RUNNER_DEFINITION_FILE = "runner.asl.json";

/** The CloudWatch namespace and metric the runner counts failed deliveries in (a 410, a client gone, is none). */
export const DELIVERY_METRIC = { namespace: "stepgate", name: "DeliveriesFailed", dimension: "Runner" } as const;

/** The EventBridge rule Step Functions manages for .sync integrations with itself. */
const SYNC_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule";

export interface RunnerProps {
  readonly names: { readonly stateMachine: string; readonly role: string; readonly logGroup: string };
  /** The async workflows' state machines: the only ones the runner may start. */
  readonly workflows: ReadonlyArray<{ readonly stateMachineName: string; readonly stateMachineArn: string }>;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly logLevel: LogLevel;
  readonly logExecutionData: boolean;
  readonly logRetentionDays: number;
  /**
   * ARN of the KMS key of the log group.
   * @default CloudWatch Logs' own encryption
   */
  readonly logKmsKeyId?: string;
  /** The logs-and-tracing permissions every state machine's role has. */
  readonly logsAndTracing: DataAwsIamPolicyDocument;
}

/**
 * The runner of async workflows: one Standard state machine (templates/runner.asl.json) that starts
 * a workflow's own state machine, waits for its end (.sync: Standard executions are describable,
 * Express ones are not), keeps the outcome as its output, and sends it to a WebSocket connection.
 * Its role may start only the async workflows, and (through the api stack, which alone knows the
 * WebSocket API) post only to this deployment's stage.
 */
export class Runner extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: RunnerProps) {
    super(scope, id);
    const loaded = loadDefinition(path.join(TEMPLATES_DIR, RUNNER_DEFINITION_FILE), { type: "STANDARD" });
    if (loaded.definition === undefined) throw new Error(`templates/${RUNNER_DEFINITION_FILE}${loaded.problems.join("; ")}`);
    const arn = (service: string, resource: string) => `arn:${props.partition}:${service}:${props.region}:${props.accountId}:${resource}`;

    const logGroup = new CloudwatchLogGroup(this, "log_group", {
      name: props.names.logGroup,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKmsKeyId,
    });
    this.role = stateMachineRole(this, { ...props, name: props.names.role, stateMachineName: props.names.stateMachine });
    const logsAndTracing = new IamRolePolicy(this, "role_policy", { name: "logs-and-tracing", role: this.role.id, policy: props.logsAndTracing.json });

    const names = props.workflows.map((w) => w.stateMachineName);
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        { sid: "StartAsyncWorkflows", effect: "Allow", actions: ["states:StartExecution"], resources: props.workflows.map((w) => w.stateMachineArn) },
        {
          // .sync follows the execution it started, and stops it when the runner is stopped; an
          // Express execution's ARN says express: where a Standard one's says execution:.
          sid: "FollowTheirExecutions",
          effect: "Allow",
          actions: ["states:DescribeExecution", "states:StopExecution"],
          resources: names.flatMap((name) => [arn("states", `execution:${name}:*`), arn("states", `express:${name}:*`)]),
        },
        {
          sid: "SyncRule",
          effect: "Allow",
          actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
          resources: [arn("events", `rule/${SYNC_RULE}`)],
        },
        {
          // PutMetricData has no resource-level permissions: the namespace is the condition.
          sid: "CountFailedDeliveries",
          effect: "Allow",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [DELIVERY_METRIC.namespace] }],
        },
      ],
    });
    const runWorkflows = new IamRolePolicy(this, "run_workflows", { name: "run-async-workflows", role: this.role.id, policy: permissions.json });

    this.stateMachine = new SfnStateMachine(this, "state_machine", {
      name: props.names.stateMachine,
      type: "STANDARD",
      roleArn: this.role.arn,
      definition: terraformLiteral(loaded.definition),
      loggingConfiguration: {
        level: props.logLevel,
        includeExecutionData: props.logExecutionData,
        logDestination: `${logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: true },
      // Creating the state machine checks that its role may deliver logs already.
      dependsOn: [logsAndTracing, runWorkflows],
    });
  }
}
