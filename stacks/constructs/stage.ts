import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Fn, type ITerraformDependable, type TerraformResource } from "cdktf";
import type { Construct } from "constructs";

/** API Gateway's longest integration timeout: a synchronous execution gets at most this long. */
export const INTEGRATION_TIMEOUT_MS = 29_000;

/** What both APIs take: an API in front of StartSyncExecution of one state machine, with a logged, throttled stage. */
export interface StartSyncExecutionApiProps {
  /** Name of the API. */
  readonly name: string;
  /** Name of the stage. */
  readonly stageName: string;
  /** URI of the StartSyncExecution integration (see `startSyncExecutionUri`). */
  readonly integrationUri: string;
  /** ARN of the role API Gateway assumes to call StartSyncExecution. */
  readonly credentialsArn: string;
  /** ARN of the state machine every message or request starts, but those `workflows` route elsewhere. */
  readonly stateMachineArn: string;
  /**
   * Other state machines, each started by its own route: REST `POST /<name>`, WebSocket messages
   * whose `action` is `<name>`.
   * @default none
   */
  readonly workflows?: readonly WorkflowRoute[];
  /** Stage throttling: steady-state requests (WebSocket: messages) per second. */
  readonly rateLimit: number;
  /** Stage throttling: burst. */
  readonly burstLimit: number;
  /** Name of the access log group. */
  readonly accessLogGroupName: string;
  /** Retention of the access and execution log groups, in days. */
  readonly logRetentionDays: number;
  /**
   * ARN of the KMS key of the log groups.
   * @default CloudWatch Logs' own encryption
   */
  readonly logKmsKeyId?: string;
  /**
   * What the stage must wait for (the role's policy, the account's CloudWatch role).
   * @default nothing
   */
  readonly stageDependsOn?: ITerraformDependable[];
}

/** A state machine that an API starts on a route of its own. */
export interface WorkflowRoute {
  /** The workflow's name: the REST path part and the WebSocket action. */
  readonly name: string;
  readonly stateMachineArn: string;
}

/** The scope of a workflow's route in an API: its resources' addresses start with it. */
export function workflowRouteScopeId(workflow: string): string {
  return `workflow_${workflow}`;
}

/**
 * What makes a deployment follow its API. A deployment is a snapshot: it is redeployed whenever
 * any resource that shapes the API changes (every attribute of each, through the hash), and the new
 * one is created before the old is destroyed, so the stage always points at one.
 */
export function redeployedOnChangeOf(shapers: TerraformResource[]) {
  return {
    triggers: { redeployment: Fn.sha1(Fn.jsonencode(shapers.map((r) => r.fqn))) },
    lifecycle: { createBeforeDestroy: true },
    dependsOn: shapers,
  };
}

export interface StageLogGroupsProps {
  /** Name of the access log group. */
  readonly accessLogGroupName: string;
  /** Name of the group API Gateway writes the stage's execution logs to. */
  readonly executionLogGroupName: string;
  readonly retentionInDays: number;
  /**
   * ARN of the KMS key of both groups.
   * @default CloudWatch Logs' own encryption
   */
  readonly kmsKeyId?: string;
}

/**
 * A stage's two log groups, both with retention. API Gateway creates the execution log group on
 * its first write, without expiry, unless it exists already: so the stage must depend on it.
 */
export function stageLogGroups(scope: Construct, props: StageLogGroupsProps) {
  return {
    accessLogs: new CloudwatchLogGroup(scope, "access_logs", {
      name: props.accessLogGroupName,
      retentionInDays: props.retentionInDays,
      kmsKeyId: props.kmsKeyId,
    }),
    executionLogs: new CloudwatchLogGroup(scope, "execution_logs", {
      name: props.executionLogGroupName,
      retentionInDays: props.retentionInDays,
      kmsKeyId: props.kmsKeyId,
    }),
  };
}
