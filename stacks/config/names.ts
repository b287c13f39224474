/** Names derived from the prefix, each with the longest name AWS accepts. */
export interface ResourceNames {
  readonly stateMachine: string;
  readonly stateMachineRole: string;
  readonly stateMachineLogGroup: string;
  readonly startSyncExecutionRole: string;
  readonly websocketApi: string;
  readonly restApi: string;
  readonly usagePlan: string;
  readonly apiKey: string;
  readonly websocketAccessLogGroup: string;
  readonly restAccessLogGroup: string;
  readonly dashboard: string;
  readonly alarmTopic: string;
  /** The runner of async workflows: `_`, which no workflow's name has, keeps it apart from theirs. */
  readonly runnerStateMachine: string;
  readonly runnerRole: string;
  readonly runnerLogGroup: string;
}

/** The name of the default workflow, which STEPGATE_DEFINITION defines: reserved. */
export const DEFAULT_WORKFLOW = "workflow";

/** A workflow's name, as STEPGATE_WORKFLOWS and verify's --workflows take it. */
export const WORKFLOW_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Why a name cannot name a workflow besides the default, in words; undefined when it can. The
 * settings and `npm run verify --workflows` both say it so.
 */
export function workflowNameRefusal(name: string): string | undefined {
  if (!WORKFLOW_NAME.test(name)) return "a name has lowercase letters, digits and hyphens, and starts with a letter";
  if (name === DEFAULT_WORKFLOW) return `"${DEFAULT_WORKFLOW}" is the default workflow's (STEPGATE_DEFINITION)`;
  return undefined;
}

/** Names derived from the prefix and a workflow's name: its state machine, role and log group. */
export interface WorkflowNames {
  readonly stateMachine: string;
  readonly stateMachineRole: string;
  readonly stateMachineLogGroup: string;
}

export function workflowNames(prefix: string, workflow: string): WorkflowNames {
  return {
    stateMachine: `${prefix}-${workflow}`,
    stateMachineRole: `${prefix}-${workflow}`,
    stateMachineLogGroup: `/aws/vendedlogs/states/${prefix}-${workflow}`,
  };
}

const WORKFLOW_NAME_LIMITS: Record<keyof WorkflowNames, number> = { stateMachine: 80, stateMachineRole: 64, stateMachineLogGroup: 512 };

/** The longest workflow name whose derived names fit their AWS limits, with this prefix. */
export function maxWorkflowNameLength(prefix: string): number {
  return Math.min(...Object.entries(workflowNames(prefix, "")).map(([key, name]) => WORKFLOW_NAME_LIMITS[key as keyof WorkflowNames] - name.length));
}

export function resourceNames(prefix: string): ResourceNames {
  return {
    ...workflowNames(prefix, DEFAULT_WORKFLOW),
    startSyncExecutionRole: `${prefix}-start-sync-execution`,
    websocketApi: `${prefix}-websocket`,
    restApi: `${prefix}-rest`,
    usagePlan: `${prefix}-rest`,
    apiKey: `${prefix}-rest`,
    websocketAccessLogGroup: `/aws/apigateway/${prefix}-websocket/access`,
    restAccessLogGroup: `/aws/apigateway/${prefix}-rest/access`,
    dashboard: prefix,
    alarmTopic: `${prefix}-alarms`,
    runnerStateMachine: `${prefix}_runner`,
    runnerRole: `${prefix}_runner`,
    runnerLogGroup: `/aws/vendedlogs/states/${prefix}_runner`,
  };
}

const NAME_LIMITS: Record<keyof ResourceNames, number> = {
  stateMachine: 80,
  stateMachineRole: 64,
  stateMachineLogGroup: 512,
  startSyncExecutionRole: 64,
  websocketApi: 128,
  restApi: 1024,
  usagePlan: 1024,
  apiKey: 1024,
  websocketAccessLogGroup: 512,
  restAccessLogGroup: 512,
  dashboard: 255,
  alarmTopic: 256,
  runnerStateMachine: 80,
  runnerRole: 64,
  runnerLogGroup: 512,
};

/** The longest prefix whose every derived name fits its AWS limit. */
export const MAX_PREFIX_LENGTH = Math.min(...Object.entries(resourceNames("")).map(([key, name]) => NAME_LIMITS[key as keyof ResourceNames] - name.length));
