import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { StepgateConfig } from "./config/load";
import { terraformLiteral } from "./constructs/template-file";
import type { StackId } from "./stack-ids";
import { StepgateStack } from "./stepgate-stack";

/** Names of the workflow stack's outputs, which the api stack (and the local gateway) read. */
export const WORKFLOW_OUTPUTS = {
  stateMachineArn: "state_machine_arn",
  stateMachineName: "state_machine_name",
  stateMachineRoleArn: "state_machine_role_arn",
  logGroupName: "log_group_name",
} as const;

export interface WorkflowStackProps {
  readonly config: StepgateConfig;
}

/** The Step Functions Express state machine, its role and its logs. */
export class WorkflowStack extends StepgateStack {
  readonly stateMachine: SfnStateMachine;

  constructor(scope: Construct, id: StackId, { config }: WorkflowStackProps) {
    super(scope, id, { config });
    const { names } = config;
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");

    const logGroup = new CloudwatchLogGroup(this, "log_group", {
      name: names.stateMachineLogGroup,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: this.logsKmsKeyArn,
    });

    // Confused-deputy protection: Step Functions may assume the role only for this account's
    // state machine of this name.
    const assumeRole = new DataAwsIamPolicyDocument(this, "assume_role", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["states.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [`arn:${partition.partition}:states:${config.region}:${account.accountId}:stateMachine:${names.stateMachine}`],
            },
          ],
        },
      ],
    });
    const role = new IamRole(this, "role", {
      name: names.stateMachineRole,
      assumeRolePolicy: assumeRole.json,
    });

    // Log delivery and X-Ray actions do not support resource-level permissions: AWS documents
    // them with Resource "*".
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
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
    const rolePolicy = new IamRolePolicy(this, "role_policy", {
      name: "logs-and-tracing",
      role: role.id,
      policy: permissions.json,
    });

    this.stateMachine = new SfnStateMachine(this, "state_machine", {
      name: names.stateMachine,
      type: "EXPRESS",
      roleArn: role.arn,
      definition: terraformLiteral(config.definition),
      loggingConfiguration: {
        level: config.logLevel,
        includeExecutionData: config.logExecutionData,
        logDestination: `${logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: true },
      // Creating the state machine checks that its role may deliver logs already.
      dependsOn: [rolePolicy],
    });

    new TerraformOutput(this, WORKFLOW_OUTPUTS.stateMachineArn, {
      value: this.stateMachine.arn,
      description: "ARN of the Express state machine",
    });
    new TerraformOutput(this, WORKFLOW_OUTPUTS.stateMachineName, {
      value: this.stateMachine.name,
      description: "Name of the Express state machine",
    });
    new TerraformOutput(this, WORKFLOW_OUTPUTS.stateMachineRoleArn, {
      value: role.arn,
      description: "ARN of the state machine's execution role",
    });
    new TerraformOutput(this, WORKFLOW_OUTPUTS.logGroupName, {
      value: logGroup.name,
      description: "CloudWatch log group of the state machine",
    });
  }
}
