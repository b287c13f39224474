import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { createHash } from "node:crypto";
import { Fn, type IResolveContext, type ITerraformDependable, Lazy, ref, type TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { DRAFT_04 } from "../config/schema";
import { terraformLiteral, terraformStringParts } from "./template-file";

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
  /**
   * Whether the default workflow (`stateMachineArn`) is async: started through `runner`.
   * @default false
   */
  readonly async?: boolean;
  /**
   * The default workflow's input contract: a JSON Schema (draft 4, compactly serialized) that API
   * Gateway checks each request body or message against before starting anything.
   * @default none: any JSON starts an execution
   */
  readonly schema?: string;
  /**
   * The runner of async workflows, required when any is async.
   * @default none: every workflow is synchronous
   */
  readonly runner?: AsyncRunner;
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
  /**
   * Whether it is async: started through the runner.
   * @default false
   */
  readonly async?: boolean;
  /**
   * Its input contract: a JSON Schema (draft 4, compactly serialized) API Gateway checks its
   * requests against.
   * @default none: any JSON starts an execution
   */
  readonly schema?: string;
}

/** What an API needs to start async workflows through the runner (stacks/constructs/runner.ts). */
export interface AsyncRunner {
  /** ARN of the runner's state machine. */
  readonly stateMachineArn: string;
  /** Its executions' ARN but for their names, `arn:...:execution:<runner>:`: GET /executions/{id} appends the id. */
  readonly executionArnPrefix: string;
  /** URI of the StartExecution integration (see `stepFunctionsActionUri`). */
  readonly startExecutionUri: string;
  /** URI of the DescribeExecution integration, which REST's GET /executions/{id} reads the runner's executions with. */
  readonly describeExecutionUri: string;
}

/** The runner of an async route; throws when the API was given none (a programming error). */
export function runnerOf(props: { readonly runner?: AsyncRunner }, route: string): AsyncRunner {
  if (props.runner === undefined) throw new Error(`${route} is async, but the API has no runner`);
  return props.runner;
}

/** The name of a workflow's input model in both APIs (letters and digits, as API Gateway's model names): `orders-eu` is `OrdersEuInput`. */
export function inputModelName(workflow: string): string {
  return `${workflow
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("")}Input`;
}

/** A workflow's schema as a model holds it: draft 4 named, as API Gateway's models are; `${` and `%{` (in a pattern) passed through Terraform unchanged. */
export function modelSchema(schema: string): string {
  const parsed = JSON.parse(schema) as Record<string, unknown>;
  return terraformLiteral(JSON.stringify({ $schema: DRAFT_04, ...parsed }));
}

/** The scope of a workflow's route in an API: its resources' addresses start with it. */
export function workflowRouteScopeId(workflow: string): string {
  return `workflow_${workflow}`;
}

/**
 * What makes a deployment follow its API. A deployment is a snapshot: it is redeployed whenever
 * what stepgate configures on a resource that shapes the API changes, and the new one is created
 * before the old is destroyed, so the stage always points at one.
 *
 * The trigger hashes the shapers' arguments as synthesized, never the resources as the provider
 * reads them back: the service (or an emulator) normalizes some of what it is sent (empty maps,
 * model schemas), and a hash of what is read back would move on a plan with nothing changed. A
 * reference (an id, a role's ARN, a workflow's state machine) has its value only in Terraform, so
 * each one is hashed there too, beside the digest of the rest.
 */
export function redeployedOnChangeOf(shapers: TerraformResource[]) {
  return {
    // Lazy: the shapers' arguments are read at synth, after every override.
    triggers: { redeployment: Lazy.stringValue({ produce: (context) => configurationTrigger(shapers, context) }) },
    lifecycle: { createBeforeDestroy: true },
    dependsOn: shapers,
  };
}

/** How Terraform manages a resource, not what it configures on it. */
const META_ARGUMENTS = ["//", "count", "for_each", "provider", "depends_on", "lifecycle", "connection", "provisioner"];

/**
 * `sha1(jsonencode(["<digest of the shapers' arguments>", <each reference in them>...]))`: the
 * digest covers every argument (a reference as its expression text), the references their values.
 */
function configurationTrigger(shapers: readonly TerraformResource[], context: IResolveContext): string {
  const configured: Record<string, unknown> = {};
  for (const shaper of shapers) {
    const block = context.resolve(shaper.toTerraform()).resource[shaper.terraformResourceType][shaper.friendlyUniqueId];
    configured[`${shaper.terraformResourceType}.${shaper.friendlyUniqueId}`] = Object.fromEntries(
      Object.entries(block).filter(([argument]) => !META_ARGUMENTS.includes(argument)),
    );
  }
  const digest = createHash("sha256").update(canonicalJson(configured)).digest("hex");
  const references = new Set<string>();
  forEachString(configured, (text) => {
    for (const part of terraformStringParts(text)) if ("expression" in part) references.add(part.expression);
  });
  return Fn.sha1(Fn.jsonencode([digest, ...[...references].sort().map((expression) => ref(expression))]));
}

/** JSON with every object's keys sorted: the same value gives the same text, whatever order it was written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Visits every string of a JSON value, object keys included (Terraform reads both as templates). */
function forEachString(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const v of value) forEachString(v, visit);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      visit(k);
      forEachString(v, visit);
    }
  }
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
